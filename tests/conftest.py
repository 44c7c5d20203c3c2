"""Test-session settings and the helpers several test modules share.

Test modules cannot import this file (pytest runs with ``--import-mode=importlib``),
so each helper is handed out by a session fixture that returns it.
"""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def single_threaded_blas():
    """Run BLAS single-threaded: the suite fits thousands of tiny models, for which
    thread start-up costs far more than it saves (and results do not depend on it)."""
    with threadpool_limits(limits=1):
        yield


class NormalCovariates:
    """Fresh ``N(0, I_p)`` synthetic covariates: the random design of the user guide.

    A ``covariate_sampler`` for the meta-estimators; ``sample`` is seeded by the
    loop, so a run stays a function of the estimator's ``random_state``.
    """

    def __init__(self, n_features):
        self.n_features = n_features

    def sample(self, n, random_state=None):
        return np.random.RandomState(random_state).standard_normal((n, self.n_features))


def assert_agree(meta_errors, engine_mean, engine_se):
    """A meta-estimator's mean error agrees with an engine's: 4 standard errors of
    the difference of two independent means."""
    meta_errors = np.asarray(meta_errors)
    se = np.hypot(meta_errors.std(ddof=1) / np.sqrt(meta_errors.size), engine_se)
    assert abs(meta_errors.mean() - engine_mean) <= 4 * se, (meta_errors.mean(), engine_mean, se)


def coef_error_monitor(beta):
    """A ``monitor`` recording ``||coef_ - beta||^2`` of every generation as ``coef_error``."""
    beta = np.asarray(beta, dtype=float)

    def monitor(generation, estimator, X, y, sample_weight):
        return {"coef_error": float(np.sum((np.ravel(estimator.coef_) - beta) ** 2))}

    return monitor


def linear_rows(n, coef, intercept=0.0, seed=0):
    """``n`` rows of ``N(0, I_p)`` covariates and ``y = X coef + intercept + N(0, 1)`` noise."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, len(coef)))
    y = X @ np.asarray(coef, dtype=float)
    if intercept:
        y = y + intercept
    return X, y + rng.standard_normal(n)


@pytest.fixture(scope="session")
def linear_model_rows():
    """:func:`linear_rows`: call it with ``n`` and the coefficients."""
    return linear_rows


@pytest.fixture(scope="session")
def normal_covariates():
    """:class:`NormalCovariates`: call it with the number of features."""
    return NormalCovariates


@pytest.fixture(scope="session")
def agree():
    """:func:`assert_agree`."""
    return assert_agree


@pytest.fixture(scope="session")
def coef_error():
    """:func:`coef_error_monitor`: call it with the true coefficients."""
    return coef_error_monitor
