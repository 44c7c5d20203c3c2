"""The batched Newton solver must solve scikit-learn's own objective."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, PoissonRegressor

from skrecursive.simulation._glm import newton_glm


@pytest.fixture
def logistic_batch():
    rng = np.random.default_rng(1)
    # columns on very different scales, as in the Adult data
    X = rng.standard_normal((3, 300, 3)) * np.array([1.0, 50.0, 0.01])
    eta = X @ np.array([0.5, 0.01, 30.0]) - 0.3
    y = (rng.random((3, 300)) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    s = rng.uniform(0.2, 2.0, (3, 300))
    return X, y, s


@pytest.mark.parametrize("C", [np.inf, 1.0, 0.01])
def test_logistic_matches_sklearn(logistic_batch, C):
    X, y, s = logistic_batch
    coef, ok = newton_glm(X, y, s, C=C)
    assert ok.all()
    for b in range(X.shape[0]):
        ref = LogisticRegression(
            C=C if np.isfinite(C) else 1e12, tol=1e-12, max_iter=10_000
        ).fit(X[b], y[b], sample_weight=s[b])
        # both solve a smooth strictly convex problem to tight tolerances: the
        # optima agree far below any statistical precision
        np.testing.assert_allclose(coef[b], np.r_[ref.intercept_, ref.coef_[0]], atol=1e-5)


def test_poisson_matches_sklearn():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((3, 300, 2))
    y = rng.poisson(np.exp(X @ np.array([0.4, -0.3]) + 0.1)).astype(float)
    s = rng.uniform(0.5, 1.5, 300)
    coef, ok = newton_glm(X, y, s, family="poisson")
    assert ok.all()
    for b in range(3):
        ref = PoissonRegressor(alpha=0.0, tol=1e-12, max_iter=10_000, solver="newton-cholesky")
        ref.fit(X[b], y[b], sample_weight=s)
        np.testing.assert_allclose(coef[b], np.r_[ref.intercept_, ref.coef_], atol=1e-8)


def test_warm_start_reaches_same_optimum(logistic_batch):
    X, y, s = logistic_batch
    cold, _ = newton_glm(X, y, s)
    warm, ok = newton_glm(X, y, s, coef_init=cold + 0.05)
    assert ok.all()
    np.testing.assert_allclose(warm, cold, atol=1e-7)


def test_overshooting_fast_phase_is_recovered_by_the_damped_phase():
    # Poisson log-rates up to about 4 |x|: undamped Newton steps from zero overshoot to
    # non-finite values in two of the four members; the damped phase must restart from
    # zero (not from those values) and reach scikit-learn's optimum
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 200, 1))
    y = rng.poisson(np.exp(4.0 * X[..., 0])).astype(float)
    coef, ok = newton_glm(X, y, family="poisson", fit_intercept=False, fast_iter=3)
    assert ok.all()
    for b in range(4):
        ref = PoissonRegressor(alpha=0.0, fit_intercept=False, tol=1e-12, max_iter=10_000,
                               solver="newton-cholesky").fit(X[b], y[b])
        np.testing.assert_allclose(coef[b], ref.coef_, atol=1e-7)


def test_separable_batch_is_reported_not_returned():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((4, 60, 1))
    y = (X[..., 0] > 0).astype(float)
    y[2:] = rng.integers(0, 2, (2, 60))  # members 2 and 3 overlap: MLE exists
    _, ok = newton_glm(X, y, fit_intercept=False)
    assert not ok[:2].any() and ok[2:].all()


def test_bad_family():
    with pytest.raises(ValueError, match="family"):
        newton_glm(np.zeros((1, 3, 1)), np.zeros((1, 3)), family="gamma")
