"""Where the error of the weighted recursion is smallest, with survey weights as row weights.

The setting: linear regression of ``age`` on two standardised covariates
(``education-num`` and ``hours-per-week``) of the UCI Adult data (45,222
complete rows), with the census weight ``fnlwgt`` as ``sample_weight``; the
target is the weighted least-squares fit on every row. Each run is
``RecursiveWeightedRegressor(LinearRegression(), weight=w, n_real=300,
n_synthetic=300)`` (k = 1), and its error is ``||(intercept, coef) - target||^2``
averaged over the last generations. Every weight of a repeat uses the same
``random_state`` (common random numbers), so :func:`skrecursive.reproduce.minimiser_interval`
locates the minimiser of the mean error with a calibrated interval.

The script prints the design effect of ``fnlwgt``, the optimal weight the
estimator reports (``w*`` of the effective ratio ``k / deff``), the nominal
``w*(1) = 0.618``, the measured minimiser with its interval, and the ratio
``k`` at which ``w*(k)`` equals the measured minimiser.

Usage::

    python benchmarks/weighted_optimum.py                        # real age, 200 repeats
    python benchmarks/weighted_optimum.py --unweighted           # the same without fnlwgt
    python benchmarks/weighted_optimum.py --response simulated   # homoscedastic linear age
"""

import argparse
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.linear_model import LinearRegression

from skrecursive import RecursiveWeightedRegressor, optimal_weight
from skrecursive.datasets import load_adult
from skrecursive.reproduce import minimiser_interval

#: covariates of the regression of age, standardised
COVARIATES = ["education-num", "hours-per-week"]
#: the weights compared, around both candidate optima
WEIGHTS = np.round(np.arange(0.36, 0.805, 0.04), 2)


def adult_weighted_pool(response="age", weighted=True, seed=0):
    """(X, y, row weights, target coefficients (intercept first)) of the experiment.

    ``response="age"`` is the real age; ``"simulated"`` replaces it by the
    weighted least-squares fit plus homoscedastic normal noise of the same
    weighted residual variance (drawn once with ``seed``), so the linear model
    with Gaussian noise the synthetic rows come from is the true model and only
    the row weights make the real part noisier. ``weighted=False`` drops the
    weights (all rows alike). The target is the (weighted) least-squares fit
    of ``y`` on every row.
    """
    frame = load_adult(drop_missing=True).frame
    X = frame[COVARIATES].to_numpy(dtype=float)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = frame["age"].to_numpy(dtype=float)
    u = frame["fnlwgt"].to_numpy(dtype=float)
    if response == "simulated":
        fit = LinearRegression().fit(X, y, sample_weight=u)
        sigma = np.sqrt(np.average((y - fit.predict(X)) ** 2, weights=u))
        y = fit.predict(X) + sigma * np.random.default_rng(seed).standard_normal(len(y))
    if not weighted:
        u = None
    target = LinearRegression().fit(X, y, sample_weight=u)
    return X, y, u, np.r_[target.intercept_, target.coef_]


def first_order(response="age", weighted=True):
    """First-order variance of each coefficient, a real row's over a synthetic row's.

    A real batch row (uniform from the pool, weighted by ``u``) contributes
    ``M^-1 E[u^2 x x' e^2] M^-1 / E[u]^2`` per row, a synthetic row (covariates
    drawn in proportion to ``u``, Gaussian noise of the weighted residual variance
    ``s^2``) ``s^2 M^-1``, with ``M = E[u x x'] / E[u]`` and ``e`` the residual of
    the target fit. Their ratio is the design effect each coefficient sees (Kish's
    when ``u`` is unrelated to ``x x' e^2``); returns the ratios and the weight
    minimising the first-order limiting error summed over the coefficients.
    """
    from scipy.optimize import minimize_scalar

    from skrecursive import limiting_risk

    X, y, u, target = adult_weighted_pool(response, weighted)
    u = np.ones(len(y)) if u is None else u
    Z = np.column_stack([np.ones(len(y)), X])
    e = y - Z @ target
    q = u / u.sum()
    M_inv = np.linalg.inv((Z * q[:, None]).T @ Z)
    real = M_inv @ ((Z * (u**2 * e**2)[:, None]).T @ Z / len(u) / np.mean(u) ** 2) @ M_inv
    synthetic = (q @ e**2) * M_inv
    ratio, scale = np.diag(real) / np.diag(synthetic), np.diag(real)
    best = minimize_scalar(lambda w: float(np.sum(scale * limiting_risk(w, 1.0 / ratio))),
                           bounds=(0.05, 0.95), method="bounded", options={"xatol": 1e-8})
    return ratio, float(best.x)


def _late_error(X, y, u, target, weight, seed, n, n_generations, last):
    def monitor(generation, estimator, *_):
        beta = np.r_[estimator.intercept_, estimator.coef_]
        return {"error": float(np.sum((beta - target) ** 2))}

    est = RecursiveWeightedRegressor(
        LinearRegression(), weight=weight, n_real=n, n_synthetic=n, n_generations=n_generations,
        validation_fraction=0.0, monitor=monitor, random_state=seed,
    ).fit(X, y, sample_weight=u)
    return float(np.mean(est.history_["error"][-last:])), est


def late_errors(n_repeats, *, weights=WEIGHTS, response="age", weighted=True, n=300,
                n_generations=12, last=6, seed=0, n_jobs=1):
    """Tidy (weight, repeat, error) table, and the fitted estimator of the first run.

    Twelve generations suffice: the recursion forgets its start by a factor
    ``(1 - w)^2`` (at most 0.41 on this grid) per generation, so generations
    7-12 are within 1% of the limit.
    """
    X, y, u, target = adult_weighted_pool(response, weighted)
    seeds = np.random.SeedSequence(seed).generate_state(n_repeats)

    def repeat(r):
        return [_late_error(X, y, u, target, float(w), int(seeds[r]), n, n_generations,
                            last)[0] for w in weights]

    errors = Parallel(n_jobs=n_jobs)(delayed(repeat)(r) for r in range(n_repeats))
    res = pd.DataFrame({"weight": np.tile(weights, n_repeats),
                        "repeat": np.repeat(np.arange(n_repeats), len(weights)),
                        "error": np.ravel(errors)})
    _, est = _late_error(X, y, u, target, "optimal", int(seeds[0]), n, 1, 1)
    return res, est


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--response", choices=["age", "simulated"], default="age",
                        help="the real age, or a linear model with homoscedastic noise")
    parser.add_argument("--unweighted", action="store_true", help="no row weights")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    res, est = late_errors(args.repeats, response=args.response, weighted=not args.unweighted,
                           seed=args.seed, n_jobs=args.jobs)
    found = minimiser_interval(res, confidence=0.95)
    lo, hi = found["low"], found["high"]
    # the ratio at which w*(k) is the measured minimiser: w^2 / (1 - w) (w^2 + k w - k = 0)
    k_measured = found["minimiser"] ** 2 / (1 - found["minimiser"])
    what = "age" if args.response == "age" else "simulated age (linear, homoscedastic)"
    weights = "no row weights" if args.unweighted else "fnlwgt as sample_weight"
    print(f"{what} ~ {' + '.join(COVARIATES)} (standardised), {weights}, "
          f"n = m = 300, {args.repeats} repeats x {len(WEIGHTS)} weights")
    print(f"Kish design effect of the row weights: {est.design_effect_:.3f}; effective k: "
          f"{est.effective_k_:.3f}; reported optimal_weight_: {est.optimal_weight_:.4f}; "
          f"nominal w*(1): {optimal_weight(1.0):.4f}")
    print(f"measured minimiser of the late error: {found['minimiser']:.4f}, 95% interval "
          f"[{lo:.4f}, {hi:.4f}] (grid minimiser {found['grid_minimiser']:.2f})")
    print(f"w*(k) equals the measured minimiser at k = {k_measured:.3f} "
          f"(Kish: {est.effective_k_:.3f})")
    ratio, w_first = first_order(args.response, not args.unweighted)
    print(f"first-order theory: variance of a real row over a synthetic row, per coefficient "
          f"(intercept first): {', '.join(f'{r:.3f}' for r in ratio)}; optimal weight "
          f"{w_first:.4f}")
    inside = lo <= est.optimal_weight_ <= hi
    print(f"reported weight {'inside' if inside else 'outside'} the interval; 0.618 "
          f"{'inside' if lo <= optimal_weight(1.0) <= hi else 'outside'} it")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
