"""Statistics of RecursiveWeightedRegressor against the user guide's recursion page.

Random-design linear model: x ~ N(0, I_2), y = x'beta + N(0, 1), beta = (1, 1),
``LinearRegression(fit_intercept=False)``. Fresh real rows come from a large pool as
disjoint batches (so they really are fresh draws from the population), synthetic
covariates are fresh N(0, I) draws and synthetic responses the previous fit plus
Gaussian noise. The per-generation error ||coef_ - beta||^2 is recorded through the
public ``monitor`` hook (nothing is held out).

Instead of many short independent runs, the stationary risk is estimated from one
long chain per (w, k): after a burn-in the chain is stationary with geometrically
decaying autocorrelation (factor (1 - w)^2 per generation), so its time average
estimates the limiting risk and batch means give its Monte Carlo standard error.
All weights of one k share the random stream (common random numbers), which makes
the comparison between weights, and so the minimiser, far more precise than the
individual levels.
"""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from skrecursive import RecursiveWeightedRegressor, limiting_risk, optimal_weight

BETA = np.array([1.0, 1.0])
N_REAL = 200  # first-order theory is off by O(p / n): about 1.5% at n = 200
BURN_IN = 20  # (1 - 0.3)^(2 * 20) < 1e-6: the start is forgotten
GRID = np.round(np.arange(0.3, 0.91, 0.1), 2)
KS = (0.5, 1.0, 2.0)


def run_chain(weight, k, n_generations, seed, sampler, monitor):
    rng = np.random.RandomState(seed + 1)
    n_pool = N_REAL * (n_generations + 1)
    X = rng.standard_normal((n_pool, 2))
    y = X @ BETA + rng.standard_normal(n_pool)
    est = RecursiveWeightedRegressor(
        LinearRegression(fit_intercept=False),
        n_generations=n_generations,
        n_real=N_REAL,
        n_synthetic=int(round(N_REAL / k)),
        weight=weight,
        real_sampling="disjoint",
        validation_fraction=0.0,
        covariate_sampler=sampler,
        monitor=monitor,
        random_state=seed,
    ).fit(X, y)
    return est.history_["coef_error"][BURN_IN:]


def mean_and_se(errors, n_batches=20):
    """Time average of a stationary chain and its batch-means standard error."""
    usable = len(errors) // n_batches * n_batches
    batches = errors[:usable].reshape(n_batches, -1).mean(axis=1)
    return errors.mean(), batches.std(ddof=1) / np.sqrt(n_batches)


@pytest.fixture(scope="module")
def unit_risk(normal_covariates, coef_error):
    """E_1, the risk of real rows only (w = 1), and its standard error: the unit of R."""
    return mean_and_se(run_chain(1.0, 1.0, 3000, 0, normal_covariates(2), coef_error(BETA)))


# One fixture per k (each chain is a function of its own seed and arguments only, so
# splitting them changes no number): every fixture stays a few seconds long.
@pytest.fixture(scope="module", params=KS, ids=lambda k: f"k={k}")
def measured_risk(request, unit_risk, normal_covariates, coef_error):
    """k and the relative risk R(w, k) = E_w / E_1 on GRID, with standard errors."""
    k = request.param
    tools = normal_covariates(2), coef_error(BETA)
    e1, se1 = unit_risk
    ratios, ses = [], []
    for w in GRID:
        ew, sew = mean_and_se(run_chain(w, k, 800, 1, *tools))
        ratios.append(ew / e1)
        # delta method for a ratio of independent means
        ses.append(ew / e1 * np.sqrt((sew / ew) ** 2 + (se1 / e1) ** 2))
    return k, np.array(ratios), np.array(ses)


@pytest.mark.slow
def test_relative_risk_matches_limiting_risk(measured_risk):
    k, ratios, ses = measured_risk
    theory = limiting_risk(GRID, k)
    # Tolerance: 4 Monte Carlo standard errors (batch means over 780 and 2980
    # generations, about 4-5% relative per point) plus 3% of the value for the
    # first-order theory's O(p / n) error at n = 200 (1.5% in the w = 1 risk alone).
    tolerance = 4 * ses + 0.03 * theory
    assert np.all(np.abs(ratios - theory) <= tolerance), (ratios, theory, tolerance)
    # and the ratios are not trivially close: w = 0.3 is clearly worse than w*
    assert ratios[0] > ratios.min() * 1.15


@pytest.mark.slow
def test_minimiser_is_the_optimal_weight(measured_risk):
    k, ratios, _ = measured_risk
    i = int(np.clip(np.argmin(ratios), 1, len(GRID) - 2))
    # vertex of the parabola through the grid minimum and its two neighbours
    y0, y1, y2 = ratios[i - 1 : i + 2]
    step = GRID[1] - GRID[0]
    vertex = GRID[i] + step * (y0 - y2) / (2 * (y0 - 2 * y1 + y2))
    # Tolerance from the issue (0.06). Observed spread of the vertex over three
    # seeds at n = 100 was about 0.005, so 0.06 is over ten spreads.
    assert abs(vertex - optimal_weight(k)) <= 0.06, (vertex, optimal_weight(k))


@pytest.mark.slow
def test_fully_synthetic_loop_collapses_linearly(normal_covariates, coef_error):
    """At weight=0 the error grows like (C/n)(1 + t k) (the user guide's recursion page)."""
    n, n_generations, n_repeats = 100, 10, 150  # k = n / m = 1
    errors = np.empty((n_repeats, n_generations + 1))
    rng = np.random.RandomState(42)
    for r in range(n_repeats):
        n_pool = n * (n_generations + 1)
        X = rng.standard_normal((n_pool, 2))
        y = X @ BETA + rng.standard_normal(n_pool)
        est = RecursiveWeightedRegressor(
            LinearRegression(fit_intercept=False),
            n_generations=n_generations, n_real=n, n_synthetic=1.0, weight=0.0,
            real_sampling="disjoint", validation_fraction=0.0,
            covariate_sampler=normal_covariates(2),
            monitor=coef_error(BETA), random_state=r,
        ).fit(X, y)
        errors[r] = est.history_["coef_error"]
    mean = errors.mean(axis=0)
    t = np.arange(n_generations + 1)
    # Each mean has a relative standard error of about 1 / sqrt(150) = 8% (a chi-square
    # with 2 d.o.f. has relative sd 1), so its sd grows like the mean, (1 + t k): weighted
    # least squares with weights 1 / (1 + t).
    slope, intercept = np.polyfit(t, mean, 1, w=1.0 / (1.0 + t))
    # Growth per generation relative to the start is k = 1 in theory (a little more here:
    # the synthetic noise scale is estimated from fresh real rows, whose residual variance
    # 1 + E_t grows with the drift, about +10% over 10 generations). The slope/intercept
    # ratio has roughly 15% Monte Carlo error; the band [0.6, 1.6] is about 3 of those.
    assert 0.6 <= slope / intercept <= 1.6, (slope, intercept)
    # "linear": the straight line explains the growth (R^2 of the 11 means)
    resid = mean - (slope * t + intercept)
    assert 1 - resid.var() / mean.var() > 0.9
    # the last generation is an order of magnitude worse than a real-data fit
    assert mean[-1] / mean[0] > 6
