"""Where an error-versus-weight curve has its minimum, and how sure we are of it."""

from numbers import Integral, Real

import numpy as np

from .._utils.validation import Interval, array_bytes, check_args, check_columns, check_memory

__all__ = ["vertex_minimiser", "minimiser_interval"]


def vertex_minimiser(weights, errors, degree=2):
    """Minimiser of a polynomial fitted to the grid points around the smallest error.

    The 11 grid points centred on the smallest error (fewer at the ends of the
    grid) get a least-squares polynomial of degree ``degree`` (2 or 3); its
    local minimum inside that window is the minimiser (the grid point with
    the smallest error when the fit has none). Unlike the grid point with the
    smallest error it moves continuously with the errors, so its resampling
    distribution is not stuck on grid points. On the first-order curve
    ``limiting_risk(w, k)`` over the paper's grid 0.20, 0.22, ..., 0.78 the
    parabola's vertex is off ``w*(k)`` by up to 0.005 for ``k`` in 0.5-2 (the
    curve is skewed) and the cubic's by less than 0.0002.
    """
    weights = np.asarray(weights, dtype=float)
    errors = np.asarray(errors, dtype=float)
    i = int(np.argmin(errors))
    lo, hi = max(0, i - 5), min(len(weights), i + 6)
    if hi - lo < degree + 1:
        return float(weights[i])
    x = weights[lo:hi]
    coef = np.polyfit(x, errors[lo:hi], degree)
    slope, curvature = np.polyder(coef), np.polyder(coef, 2)
    roots = np.roots(slope)
    roots = roots[np.isreal(roots)].real
    roots = roots[(np.polyval(curvature, roots) > 0) & (roots >= x[0]) & (roots <= x[-1])]
    if roots.size == 0:
        return float(weights[i])
    return float(roots[0])


def minimiser_interval(results, *, confidence=0.95, n_resamples=2000, random_state=0):
    """Empirical minimiser of the mean error over weights, with a bootstrap interval.

    The curve is the mean error per weight over repeats; its minimiser is the
    local minimum of a least-squares cubic through the 11 grid points around
    the smallest mean (fewer at the ends of the grid; the grid point itself
    when the cubic has no minimum there). The error curves are skewed (steep
    below the optimum, flat above it), so a parabola's vertex would be biased
    upwards; on the first-order curve ``limiting_risk(w, k)`` over the paper's
    grid the cubic's minimum is within 0.0002 of ``w*(k)`` for ``k`` in
    0.5-2, against 0.005 for a parabola. The interval is the percentile
    interval of the same minimiser over ``n_resamples`` bootstrap resamples of
    the *repeats*: a resample draws repeat numbers with replacement and keeps
    each drawn repeat's errors at every weight together. The experiments of
    :mod:`skrecursive.reproduce` use common random numbers (repeat ``r`` uses
    the same random draws at every weight), so one repeat is one observation
    of the whole curve and its errors at neighbouring weights are strongly
    correlated; resampling whole repeats keeps that pairing, so the interval
    reflects the precision of the *differences* between weights, which is
    what locates a minimum, rather than the much wider per-weight intervals
    of the levels. Repeats are independent, so the bootstrap over them is
    valid; the vertex is a smooth function of the means, so its percentile
    interval does not jump between grid points as the grid argmin's would.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per (weight, repeat) with columns ``weight``, ``repeat`` and
        ``error``, lower is better (e.g. :func:`adult_logistic`; for a
        score, greater is better, pass minus it as ``error``). A repeat whose error is NaN
        at some weight (a fit that did not converge) is left out at every
        weight, so the pairing stays intact.
    confidence : float in (0, 1), default=0.95
        Level of the interval.
    n_resamples : int, default=2000
        Bootstrap resamples.
    random_state : int, default=0
        Seed of the resampling.

    Returns
    -------
    summary : dict
        ``minimiser`` (minimum of the smoothed mean curve), ``grid_minimiser`` (grid
        weight with the smallest mean), ``low`` and ``high`` (the interval),
        ``confidence``, ``n_repeats`` (complete repeats used).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skrecursive import limiting_risk
    >>> from skrecursive.reproduce import minimiser_interval
    >>> rng = np.random.default_rng(0)
    >>> grid = np.round(np.arange(0.2, 0.79, 0.02), 2)
    >>> level = rng.exponential(size=(200, 1))  # a common factor per repeat
    >>> errors = level * limiting_risk(grid, 1.0) + 0.02 * rng.normal(size=(200, grid.size))
    >>> df = pd.DataFrame({"weight": np.tile(grid, 200), "repeat": np.repeat(np.arange(200), 30),
    ...                    "error": errors.ravel()})
    >>> s = minimiser_interval(df)
    >>> bool(s["low"] < 0.618 < s["high"]), bool(s["high"] - s["low"] < 0.1)
    (True, True)
    """
    check_args("minimiser_interval", {
        "confidence": [Interval(Real, 0, 1, closed="neither")],
        "n_resamples": [Interval(Integral, 1, None, closed="left")],
        "random_state": [Interval(Integral, 0, None, closed="left")],
    }, locals())
    missing = {"weight", "repeat", "error"} - set(getattr(results, "columns", ()))
    if missing == {"error"} and "score" in results.columns:
        raise ValueError(
            "results hold a 'score' column but no 'error': minimiser_interval locates the "
            "smallest mean error (lower is better), and a score is greater-is-better; pass "
            "results.assign(error=-results['score'])."
        )
    check_columns(results, ("weight", "repeat", "error"), "results", "minimiser_interval")
    table = results.pivot_table(index="repeat", columns="weight", values="error",
                                aggfunc="first", dropna=False)
    table = table.dropna(axis=0, how="any")
    if len(table) == 0:
        raise ValueError("results hold no repeat with an error at every weight.")
    weights = table.columns.to_numpy(dtype=float)
    errors = table.to_numpy()
    n_rep = errors.shape[0]
    # the resampled repeat counts, (n_resamples, n_repeats) integers, are drawn at once
    check_memory(array_bytes(n_resamples, n_rep + 2),
                 f"minimiser_interval(n_resamples={n_resamples}) over {n_rep} repeats")
    minimiser = vertex_minimiser(weights, errors.mean(axis=0), degree=3)
    rng = np.random.default_rng(random_state)
    boot = np.empty(n_resamples)
    for b, counts in enumerate(rng.multinomial(n_rep, np.full(n_rep, 1.0 / n_rep),
                                               size=n_resamples)):
        boot[b] = vertex_minimiser(weights, counts @ errors / n_rep, degree=3)
    alpha = (1.0 - confidence) / 2
    low, high = np.quantile(boot, [alpha, 1.0 - alpha])
    return {
        "minimiser": minimiser,
        "grid_minimiser": float(weights[int(np.argmin(errors.mean(axis=0)))]),
        "low": float(low),
        "high": float(high),
        "confidence": float(confidence),
        "n_repeats": int(n_rep),
    }
