"""``simulate``: the paper's synthetic settings at full scale, as a tidy DataFrame."""

import warnings
from itertools import product
from numbers import Integral, Real

import numpy as np
import pandas as pd

from .._core.strategies import STRATEGY_NAMES as STRATEGIES
from .._core.strategies import get_strategy
from .._core.weight_rule import WEIGHT, resolve_weight
from .._utils.parallel import effective_workers
from .._utils.validation import (
    BOOLEAN,
    N_JOBS,
    NONE,
    SEED,
    Interval,
    ListOf,
    Options,
    check_args,
    check_memory,
)
from ._engines import ENGINES, FAMILY, FAMILY_ORDER
from ._parallel import SeedRoot, chunk_size, make_tasks, run_tasks

__all__ = ["simulate", "SETTINGS"]

#: The settings :func:`simulate` knows, in the order of ``setting="all"``.
SETTINGS = tuple(FAMILY)


_SIMULATE_PARAMETERS = {
    "setting": [Options("all"), ListOf(Options(*SETTINGS), single=True)],
    "weights": [WEIGHT.rule, ListOf(WEIGHT.number, single=True)],
    "k": [ListOf(Interval(Real, 0, None, closed="neither"), single=True)],
    "strategy": [ListOf(Options(*STRATEGIES), single=True)],
    "n": [Interval(Integral, 2, None, closed="left")],
    "p": [Interval(Integral, 1, None, closed="left")],
    "n_generations": [Interval(Integral, 0, None, closed="left")],
    "n_repeats": [Interval(Integral, 1, None, closed="left")],
    "last": [Interval(Integral, 1, None, closed="left"), NONE],
    # the errors scale like variance, variance^2 or 1 / variance and their standard
    # errors like the squares of those: beyond this range they overflow float64
    "variance": [Interval(Real, 1e-50, 1e50, closed="both")],
    "random_state": [SEED],
    "n_jobs": N_JOBS,
    "per_generation": [BOOLEAN],
    "progress": [BOOLEAN],
}


def _as_list(value):
    """A checked list-or-single argument as a list (a lone string is one value)."""
    if isinstance(value, (str, Real)):
        return [value]
    return list(value.tolist() if isinstance(value, np.ndarray) else value)


def _estimate_bytes(families, strategies, ms, n_weights, *, n, p, n_generations, n_repeats,
                    per_generation, n_settings, n_jobs):
    """Rough peak memory of a run, from its sizes only (an upper estimate).

    Each worker holds one task: a chunk of repeats with its per-generation
    errors and its engine's working set (``Engine.working_set``, for ``n + m``
    rows, or every row so far for a strategy that accumulates); the parent
    holds every task, the chunk summaries and the final table.
    """
    T = n_generations + 1  # fits
    peak = tasks = summaries = 0
    for name in strategies:
        strat = get_strategy(name)
        for family in families:
            engine = ENGINES[family]
            at_once = engine.weights_at_once
            for m in ms:
                R = min(chunk_size(family, n, m, strat, n_generations), n_repeats)
                rows = n + n_generations * m if strat.accumulates else n + m
                work = engine.working_set(R, rows, p, n_weights)
                models = n_weights if at_once else 1
                peak = max(peak, 8 * (work + 4 * R * T * models))
                chunks = -(-n_repeats // R) * (1 if at_once else n_weights)
                tasks += chunks
                summaries += chunks * models * 8 * (R + 3 * T)
    rows_out = n_settings * len(strategies) * len(ms) * n_weights * (
        T if per_generation else n_repeats)
    workers = effective_workers(n_jobs, tasks, warn=False)
    return workers * peak + summaries + 1000 * tasks + 3 * 80 * rows_out


def simulate(
    setting,
    weights,
    k,
    *,
    strategy="fresh",
    n=100,
    p=2,
    n_generations=200,
    n_repeats=1000,
    last=None,
    variance=1.0,
    random_state=None,
    n_jobs=None,
    per_generation=False,
    progress=False,
):
    """Monte Carlo error of the weighted "fresh data" recursion, vectorised over repeats.

    Each generation fits on ``n`` fresh real rows and ``m = round(n / k)``
    rows drawn from the previous generation's model, with total weight ``w``
    on the real rows (user guide; He, Xu & Cheng 2026,
    doi:10.1093/jrsssb/qkag099). Generation 0 fits on ``n`` real rows;
    generations ``1 .. n_generations`` mix (so ``n_generations + 1`` fits, as
    in the meta-estimators).
    The data-generating choices are those of the paper's simulations:

    * ``"gaussian-mean"``, ``"gaussian-covariance"``: data ``N(0, variance I_p)``,
      moments combined as ``mu_t = w mean_real + (1 - w) mean_syn`` and
      ``Sigma_t = w S_real + (1 - w) S_syn`` (ddof=1); errors
      ``||mu_t||^2`` and ``||Sigma_t - variance I||_F^2`` (one run serves both);
    * ``"linear"``, ``"logistic"``, ``"poisson"``: covariates ``N(0, variance I_p)``
      (fresh for synthetic rows too), ``beta = ones(p)``, no intercept,
      unpenalised weighted fits (least squares with ``N(0, 1)`` noise,
      synthetic responses with that known noise; logistic; Poisson with
      log link); error ``||b_t - beta||^2``;
    * ``"ecdf"``: weighted empirical CDF ``F_t = w F_real + (1 - w) F_syn``,
      synthetic rows resampled from ``F_{t-1}``; error the exact
      Cramer-von Mises distance ``int (F_t - F)^2 dF`` (free of ``F``);
    * ``"categorical"``: ``K = 5`` cells with probabilities
      ``(0.1, 0.15, 0.2, 0.25, 0.3)``, ``p_t = w freq_real + (1 - w) freq_syn``;
      error the mean squared error over the cells.

    Parameters
    ----------
    setting : str or list of str
        One of the settings above, a list of them, or ``"all"``.
    weights : {"optimal", "naive"} or list of float in [0, 1]
        Total weight on the real rows; ``"optimal"`` is ``w*(k)`` and
        ``"naive"`` ``k / (1 + k)`` for each ``k``.
    k : float or list of float
        Ratio of real to synthetic rows, ``n / m``, > 0.
    strategy : {"fresh", "replace", "accumulate", "fixed-real"} or list, default="fresh"
        The loop, as the meta-estimators' ``strategy`` (every setting
        supports every strategy): ``"fresh"`` is the recursion above;
        ``"replace"`` fits on the ``m`` synthetic rows alone after generation
        0 (``weights`` ignored: the ``w = 0`` recursion); ``"accumulate"``
        fits on generation 0's ``n`` real rows and every synthetic row so far,
        all weighted equally (``weights`` ignored; nothing is dropped, so no
        cap is needed: the sufficient statistics are summed, the row-level
        engines keep every row); ``"fixed-real"`` reuses generation 0's real
        rows every generation, with weight ``w``, beside ``m`` new synthetic
        rows. The closed forms are :func:`skrecursive.risk_trajectory` with
        the same ``strategy``.
    n : int, default=100
        Fresh real rows per generation.
    p : int, default=2
        Dimension of the Gaussian data or of the regression covariates.
    n_generations : int, default=200
        Mixing generations after generation 0: generations
        ``t = 0 .. n_generations`` are simulated (``n_generations + 1`` fits,
        the meaning of the meta-estimators' ``n_generations``).
    n_repeats : int, default=1000
        Independent Monte Carlo repeats per (setting, k, weight).
    last : int, default=None
        The per-repeat error is the mean over the last ``last`` generations,
        ``n_generations - last + 1 .. n_generations`` (at most
        ``n_generations + 1``, which includes generation 0). None averages the
        last quarter of the generations, ``max(1, (n_generations + 1) // 4)``
        (50 of the default 201).
    variance : float in [1e-50, 1e50], default=1.0
        ``Sigma = variance * I_p`` for the Gaussian data and the covariates
        (the paper's scenario 1 uses ``1 / p``). The errors scale like
        ``variance`` (mean), ``variance^2`` (covariance) or ``1 / variance``
        (regressions), so a wider range would overflow float64.
    random_state : int, numpy.random.SeedSequence or None, default=None
        Root of the random streams; an int gives bit-identical results for
        every ``n_jobs`` and joblib backend. The logistic and Poisson settings
        use common random numbers across the weights of a ``k``: repeat ``r``
        has the same real rows and synthetic covariates at every weight (the
        fits of a generation share one design matrix), so differences between
        weights are paired by ``repeat``; the other settings draw every
        weight independently.
    n_jobs : int or None, default=None
        Parallel joblib workers over chunks of repeats (None: the active
        ``joblib.parallel_config``, e.g. a Dask cluster, or one worker).
    per_generation : bool, default=False
        Return per-generation means over repeats instead of per-repeat means
        over generations.
    progress : bool, default=False
        Show a progress bar over tasks.

    Returns
    -------
    results : pandas.DataFrame
        Columns ``setting, strategy, k, n, m, weight`` and then, by default, ``repeat``
        and ``error`` (one row per repeat); with ``per_generation=True``,
        ``generation`` (``0 .. n_generations``), ``error`` (mean over repeats), ``error_se`` (its
        standard error) and ``n_repeats`` (repeats averaged at that
        generation: a failed repeat leaves the averages from its failure on).

    Warns
    -----
    RuntimeWarning
        When Newton iterations of a logistic or Poisson fit failed
        (separable or diverging data): the count of affected repeats per cell
        is reported, and their errors are NaN from the failure on, never
        averaged.

    Notes
    -----
    Changed after version 0.1.0: ``n_generations`` counts the mixing generations
    after generation 0, as everywhere else in the package (it used to count
    generation 0 too: the former ``n_generations=200`` is ``n_generations=199``
    now), and the averaging window is ``last``, the number of final
    generations averaged (the former ``burn_in=150`` with 200 generations is
    ``last=50``). The random streams changed with the engines' common seeding
    scheme, so results differ from earlier versions by Monte Carlo noise.

    Examples
    --------
    The golden-ratio weight beats plain pooling: ``n * error`` is near
    ``C R(w, 1)`` with ``C = 2``, i.e. 1.24 at ``w* = 0.618`` and 1.33 at 1/2:

    >>> from skrecursive.simulation import simulate
    >>> df = simulate("gaussian-mean", [0.618, 0.5], 1.0, n_repeats=4000,
    ...               n_generations=39, last=20, random_state=0)
    >>> df.shape
    (8000, 8)
    >>> (100 * df.groupby("weight")["error"].mean()).round(1).to_dict()
    {0.5: 1.3, 0.618: 1.2}

    The other loops on the same data-generating process: replacing the data
    by synthetic rows makes the error grow like ``1 + t k`` (relative to one
    real batch), accumulating keeps it below ``1 + k psi_1(k + 1)``:

    >>> df = simulate("gaussian-mean", [0.5], 1.0, strategy=["replace", "accumulate"],
    ...               n_repeats=4000, n_generations=10, per_generation=True,
    ...               random_state=0)
    >>> end = df[df["generation"] == 10].set_index("strategy")["error"]
    >>> (end / 0.02).round(1).to_dict()  # theory: 11 and 1.56
    {'replace': 10.7, 'accumulate': 1.6}
    """
    # every check happens before any work starts
    check_args("simulate", _SIMULATE_PARAMETERS, locals())
    # more workers than CPUs only cost processes and memory: reduced, with a warning
    n_jobs = effective_workers(n_jobs)
    settings = list(SETTINGS) if setting == "all" else list(dict.fromkeys(_as_list(setting)))
    strategies = list(dict.fromkeys(_as_list(strategy)))
    ks = [float(v) for v in _as_list(k)]
    if isinstance(weights, str):
        weight_lists = [[float(resolve_weight(weights, kk))] for kk in ks]
    else:
        weight_lists = [[float(w) for w in _as_list(weights)] for _ in ks]
    last = max(1, (n_generations + 1) // 4) if last is None else int(last)
    if last > n_generations + 1:
        raise ValueError(
            f"last must be at most n_generations + 1 = {n_generations + 1} (the generations "
            f"simulated); got {last}."
        )
    families = [f for f in FAMILY_ORDER if any(FAMILY[s] == f for s in settings)]
    # the fewest rows of a batch, real or synthetic, the engines' records allow
    low = max(ENGINES[f].min_rows(p) for f in families)
    if n < low:
        raise ValueError(f"n must be at least {low} for these settings at p={p}; got n={n}.")
    ms = [max(1, round(n / kk)) for kk in ks]
    for kk, m in zip(ks, ms, strict=True):
        if m < low:
            raise ValueError(
                f"k={kk} gives m = round(n / k) = {m} synthetic rows; these settings need "
                f"m >= {low}: use a smaller k or a larger n."
            )
    check_memory(
        _estimate_bytes(families, strategies, ms, len(weight_lists[0]), n=n, p=p,
                        n_generations=n_generations, n_repeats=n_repeats,
                        per_generation=per_generation, n_settings=len(settings),
                        n_jobs=n_jobs),
        f"simulate(n={n}, p={p}, n_generations={n_generations}, n_repeats={n_repeats}, "
        f"{len(settings)} setting(s), {len(ks)} k, {len(weight_lists[0])} weight(s))",
    )
    root = SeedRoot.from_random_state(random_state)
    cells = [
        (ki, wi, m, w)
        for ki, (m, ws) in enumerate(zip(ms, weight_lists, strict=True))
        for wi, w in enumerate(ws)
    ]
    # the engines' forms of the strategies, checked before any work starts
    for strat in strategies:
        for family in families:
            for _, _, _, w in cells:
                ENGINES[family].loop(strat, w)
    tasks = [
        task
        for strat in strategies
        for task in make_tasks(
            families, cells, n_repeats, strat, STRATEGIES.index(strat), n=n, p=p,
            n_generations=n_generations, last=last, variance=float(variance),
        )
    ]
    results = run_tasks(tasks, root, n_jobs=n_jobs, progress=progress)

    # gather chunks back into cells
    cell_parts = {}
    for task, summary in zip(tasks, results, strict=True):
        for s, parts in summary.items():
            if s in settings:
                for w_index, part in zip(task.w_indices, parts, strict=True):
                    key = (s, STRATEGIES[task.strategy_index], task.k_index, w_index)
                    cell_parts.setdefault(key, []).append(part)

    frames = []
    for s, strat in product(settings, strategies):
        for ki, wi, m, w in cells:
            parts = cell_parts[(s, strat, ki, wi)]
            failed = sum(part["failed"] for part in parts)
            if failed:
                warnings.warn(
                    f"simulate: {failed} of {n_repeats} repeats of setting={s!r}, "
                    f"strategy={strat!r}, k={ks[ki]:g}, "
                    f"weight={w:g} failed (Newton iterations did not converge: separable or "
                    "diverging data); their errors are NaN and left out of every average.",
                    RuntimeWarning,
                    stacklevel=2,
                )
            head = {"setting": s, "strategy": strat, "k": ks[ki], "n": n, "m": m, "weight": w}
            if per_generation:
                count = sum(part["count"] for part in parts)
                total = sum(part["sum"] for part in parts)
                total_sq = sum(part["sumsq"] for part in parts)
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean = total / count
                    var = (total_sq - count * mean**2) / (count - 1)
                    se = np.sqrt(np.maximum(var, 0.0) / count)
                frames.append(pd.DataFrame({
                    **head, "generation": np.arange(n_generations + 1), "error": mean,
                    "error_se": se, "n_repeats": count,
                }))
            else:
                errors = np.concatenate([part["per_repeat"] for part in parts])
                frames.append(pd.DataFrame({**head, "repeat": np.arange(n_repeats),
                                            "error": errors}))
    out = pd.concat(frames, ignore_index=True)
    numbers = out[["error", "error_se"] if per_generation else ["error"]].to_numpy()
    if np.isinf(numbers).any():  # NaN marks failed repeats; infinity is never an error value
        raise ValueError(
            f"simulate: the errors overflowed float64 (infinity) with variance={variance!r}, "
            f"n={n}, p={p}; the errors scale with the variance, so simulate with variance=1.0 "
            "and rescale the results."
        )
    return out
