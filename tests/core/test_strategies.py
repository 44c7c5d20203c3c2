"""The four loops of the model-collapse literature (strategy=...) and their theory."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge

from skrecursive import (
    RecursiveWeightedRegressor,
    limiting_risk,
    naive_weight,
    optimal_weight,
    risk_trajectory,
)


class RecordingRidge(Ridge):
    """Ridge that keeps every batch it is fitted on (class-level log)."""

    log = []

    def fit(self, X, y, sample_weight=None):
        RecordingRidge.log.append((np.asarray(X).copy(), sample_weight))
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture
def pool(linear_model_rows):
    return linear_model_rows(400, [1.0, -1.0])


class Normal2D:
    """Synthetic covariates that never coincide with pool rows."""

    def sample(self, n, random_state):
        return np.random.RandomState(random_state).standard_normal((n, 2)) + 10.0


def fit_logged(X, y, **params):
    RecordingRidge.log = []
    est = RecursiveWeightedRegressor(RecordingRidge(), n_real=50, n_synthetic=30,
                                     n_generations=4, random_state=0,
                                     covariate_sampler=Normal2D(), **params).fit(X, y)
    return est, list(RecordingRidge.log)


def rows(X):
    return {tuple(r) for r in X}


def test_fresh_draws_new_real_rows_each_generation(pool):
    est, log = fit_logged(*pool, strategy="fresh", real_sampling="disjoint")
    real_parts = [X[:50] for X, _ in log]
    assert all(not (rows(a) & rows(b)) for a, b in zip(real_parts, real_parts[1:], strict=False))
    assert est.history_["n_real"].tolist() == [50] * 5


def test_replace_fits_synthetic_rows_only(pool):
    X, y = pool
    est, log = fit_logged(X, y, strategy="replace")
    assert [len(b) for b, _ in log] == [50, 30, 30, 30, 30]
    assert all(not (rows(b) & rows(log[0][0])) for b, _ in log[1:])  # no real row reused
    assert est.history_["n_real"].tolist() == [50, 0, 0, 0, 0]
    assert est.history_["weight"].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert all(sw is None for _, sw in log)


def test_accumulate_keeps_real_rows_and_every_synthetic_row(pool):
    est, log = fit_logged(*pool, strategy="accumulate")
    assert [len(b) for b, _ in log] == [50, 80, 110, 140, 170]
    for t in range(1, 5):
        np.testing.assert_array_equal(log[t][0][:50], log[0][0])  # generation 0's real rows
        np.testing.assert_array_equal(log[t][0][: len(log[t - 1][0])][50:],
                                      log[t - 1][0][50:])  # earlier synthetic rows kept
        assert log[t][1] is None  # equal weights
    assert est.history_["n_synthetic"].tolist() == [0, 30, 60, 90, 120]
    np.testing.assert_allclose(est.history_["weight"], 50 / np.array([50, 80, 110, 140, 170]))


def test_accumulate_cap_subsamples_uniformly(pool):
    est, log = fit_logged(*pool, strategy="accumulate", max_accumulated=100)
    assert [len(b) for b, _ in log] == [50, 80, 100, 100, 100]
    total = est.history_["n_real"] + est.history_["n_synthetic"]
    assert total.tolist() == [50, 80, 100, 100, 100]
    # the recorded real count is the number of generation-0 rows that made the cut
    real_kept = sum(tuple(r) in rows(log[0][0]) for r in log[-1][0])  # duplicates count
    assert est.history_["n_real"][-1] == real_kept
    # uniform over 50 real + 120 synthetic rows: about 100 * 50 / 170 = 29 real rows
    assert 15 <= real_kept <= 45


def test_fixed_real_reuses_generation_zero_rows_with_weight(pool):
    est, log = fit_logged(*pool, strategy="fixed-real", weight=0.4)
    for X, sw in log[1:]:
        np.testing.assert_array_equal(X[:50], log[0][0])
        assert sw[:50].sum() / sw.sum() == pytest.approx(0.4)


def test_strategies_are_reproducible(pool):
    for strategy in ("replace", "accumulate", "fixed-real"):
        a = RecursiveWeightedRegressor(strategy=strategy, n_generations=3,
                                       random_state=5).fit(*pool)
        b = RecursiveWeightedRegressor(strategy=strategy, n_generations=3,
                                       random_state=5).fit(*pool)
        np.testing.assert_array_equal(a.predict(pool[0]), b.predict(pool[0]))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"strategy": "mix"}, "'strategy'"),
        ({"strategy": "accumulate", "max_accumulated": 10, "n_real": 50}, "max_accumulated"),
        ({"strategy": "accumulate", "max_accumulated": 0}, "'max_accumulated'"),
        ({"strategy": "fixed-real", "n_real": 1000}, "fixed-real"),
    ],
)
def test_bad_strategy_input(pool, params, match):
    with pytest.raises(ValueError, match=match):
        RecursiveWeightedRegressor(**params).fit(*pool)


def test_partial_fit_is_for_the_fresh_loop(pool):
    with pytest.raises(ValueError, match="strategy"):
        RecursiveWeightedRegressor(strategy="replace").partial_fit(*pool)


# ------------------------------------------------------------------ theory
def test_theory_closed_forms():
    k = 0.7
    np.testing.assert_allclose(risk_trajectory(0.3, k, 4, strategy="replace"),
                               1 + k * np.arange(5))
    acc = risk_trajectory(0.3, k, 20_000, strategy="accumulate")
    assert acc[-1] == pytest.approx(limiting_risk(0.3, k, strategy="accumulate"), rel=1e-4)
    assert limiting_risk(0.3, 1.0, strategy="accumulate") == pytest.approx(np.pi**2 / 6)
    fixed = risk_trajectory(0.3, k, 400, strategy="fixed-real")
    assert fixed[-1] == pytest.approx(limiting_risk(0.3, k, strategy="fixed-real"))
    # reusing the same real rows never beats real data alone
    assert np.all(fixed >= 1.0)
    with pytest.raises(ValueError, match="strategy"):
        risk_trajectory(0.3, k, 3, strategy="mix")


P, N = 5, 200
BETA = np.ones(P)
# exact E||b_OLS - beta||^2 for Gaussian design and unit noise: the unit of relative risk
UNIT = P / (N - P - 1)


@pytest.fixture(scope="module")
def mean_trajectory(normal_covariates, coef_error):
    """Monte Carlo mean of the relative error per generation (common seeds)."""

    def run(strategy, weight, k, n_generations, n_repeats):
        out = np.zeros(n_generations + 1)
        rng = np.random.RandomState(11)
        for r in range(n_repeats):
            n_pool = N * (n_generations + 1)
            X = rng.standard_normal((n_pool, P))
            y = X @ BETA + rng.standard_normal(n_pool)
            est = RecursiveWeightedRegressor(
                LinearRegression(fit_intercept=False), n_generations=n_generations, n_real=N,
                n_synthetic=int(round(N / k)), weight=weight, strategy=strategy,
                real_sampling="disjoint", validation_fraction=0.0,
                covariate_sampler=normal_covariates(P), monitor=coef_error(BETA),
                random_state=r,
            ).fit(X, y)
            out += est.history_["coef_error"]
        return out / n_repeats / UNIT

    return run


# Monte Carlo error of these means: ||e||^2 for p = 5 has relative sd about
# sqrt(2 / 5) = 0.63 per repeat, so with 120 repeats a mean has a relative standard
# error near 6%. Tolerances below are 3.5 standard errors plus 4% for the first-order
# theory's O(p / n) error at n = 200.
TOL = 3.5 * 0.063 + 0.04


@pytest.mark.slow
def test_replace_diverges_accumulate_stays_bounded_fixed_real_as_derived(mean_trajectory):
    T, R = 8, 120
    replace = mean_trajectory("replace", 0.0, 1.0, T, R)
    accumulate = mean_trajectory("accumulate", 0.0, 1.0, T, R)
    fixed = mean_trajectory("fixed-real", 0.5, 1.0, T, R)
    for measured, strategy, w in ((replace, "replace", 0.0), (accumulate, "accumulate", 0.0),
                                  (fixed, "fixed-real", 0.5)):
        theory = risk_trajectory(w, 1.0, T, strategy=strategy)
        assert abs(measured[-1] / theory[-1] - 1) <= TOL, (strategy, measured, theory)
    # replace grows without bound, accumulate stays below its limit pi^2/6 (+ MC error)
    assert replace[-1] > 6 * replace[0]
    assert accumulate[-1] < (np.pi**2 / 6) * (1 + TOL)
    assert accumulate[-1] < replace[-1] / 4


@pytest.mark.slow
def test_fresh_loop_at_optimal_weight_beats_naive(mean_trajectory):
    k, T, R = 0.25, 8, 60
    w_opt, w_naive = optimal_weight(k), naive_weight(k)
    opt = mean_trajectory("fresh", w_opt, k, T, R)[4:].mean()
    naive = mean_trajectory("fresh", w_naive, k, T, R)[4:].mean()
    # theory: 0.390 vs 0.556 (ratio 0.70); averaging 5 generations and 60 repeats
    # gives each mean about 6% relative error, and common seeds correlate them
    assert opt / naive == pytest.approx(limiting_risk(w_opt, k) / limiting_risk(w_naive, k),
                                        abs=0.12)
    assert opt < naive
