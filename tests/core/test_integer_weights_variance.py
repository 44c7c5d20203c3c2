"""Integer row weights against duplicated rows: the same target, a larger variance.

A batch of the weighted pool is a uniform bootstrap of its rows, weighted by
their weights; a batch of the duplicated pool is a uniform bootstrap of the
repeated rows, all weighted alike. Both estimate the same weighted target, but
the first is a weighted mean of fewer distinct draws: to first order a fit's
variance is ``(1/n) M^-1 A M^-1`` with ``A = E[u^2 x x' e^2] / E[u]^2`` for the
weighted pool and ``A = E[u x x' e^2] / E[u]`` for the duplicated one
(expectations over the pool's rows, ``e`` the residual of the weighted
least-squares fit, ``M = E[u x x'] / E[u]``), so the ratio of the two is
known from the pool alone; with ``u`` unrelated to ``x x' e^2`` it is Kish's
design effect ``E[u^2] / E[u]^2``. The user guide ("Your own data") says so.
"""

import numpy as np
import pytest

from skrecursive import RecursiveWeightedRegressor


def _misspecified_pool():
    """A line through y = x^2, rows with x > 0 weighing 3: the weighted fit fits
    the heavy half better, so its residuals are smaller where the weights are large."""
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, 80)
    X, y = x[:, None], x**2 + 0.3 * rng.standard_normal(80)
    return X, y, np.where(x > 0, 3, 1)


def _independent_pool(n=80):
    """A correct line with weights 1 or 4 drawn independently of everything."""
    rng = np.random.RandomState(1)
    x = rng.standard_normal(n)
    X, y = x[:, None], 1 + 2 * x + rng.standard_normal(n)
    return X, y, rng.choice([1, 4], size=n)


def _predicted_ratio(X, y, u):
    """First-order variance of each coefficient, weighted pool over duplicated pool."""
    Z = np.column_stack([np.ones(len(y)), X])
    theta = np.linalg.solve(Z.T @ (u[:, None] * Z), Z.T @ (u * y))
    e = y - Z @ theta
    M_inv = np.linalg.inv(Z.T @ (u[:, None] * Z) / u.sum())
    outer = Z[:, :, None] * Z[:, None, :] * (e**2)[:, None, None]
    A_weighted = np.mean(u[:, None, None] ** 2 * outer, axis=0) / np.mean(u) ** 2
    A_duplicated = np.mean(u[:, None, None] * outer, axis=0) / np.mean(u)
    return (np.diag(M_inv @ A_weighted @ M_inv) / np.diag(M_inv @ A_duplicated @ M_inv))


def _coefficients(X, y, sample_weight, seeds):
    # n_generations=0: the model of generation 0, one real bootstrap batch of 80 rows
    out = []
    for seed in seeds:
        est = RecursiveWeightedRegressor(n_generations=0, n_real=80, validation_fraction=0.0,
                                         random_state=seed).fit(X, y, sample_weight=sample_weight)
        out.append([est.estimator_.intercept_, est.estimator_.coef_[0]])
    return np.array(out)


def _log_variance_se(values):
    """Delta-method SE of log(sample variance): sqrt((kurtosis - 1) / R), kurtosis measured."""
    c = values - values.mean(axis=0)
    kurtosis = np.mean(c**4, axis=0) / np.mean(c**2, axis=0) ** 2
    return np.sqrt((kurtosis - 1) / len(values))


def _variance_ratio(pool, seeds):
    X, y, u = pool
    weighted = _coefficients(X, y, u, seeds)
    duplicated = _coefficients(np.repeat(X, u, axis=0), np.repeat(y, u), None,
                               [s + len(seeds) for s in seeds])
    log_ratio = np.log(weighted.var(axis=0, ddof=1) / duplicated.var(axis=0, ddof=1))
    se = np.hypot(_log_variance_se(weighted), _log_variance_se(duplicated))
    return weighted, duplicated, log_ratio, se


@pytest.mark.slow
def test_integer_weights_have_the_variance_of_a_weighted_bootstrap_not_of_duplicates():
    # 1000 runs each: the log of a variance ratio has a standard error of about
    # sqrt(2 * 2 / 1000) = 0.063 (kurtosis measured from the runs), against
    # log(1.36) = 0.31 for the design effect of these weights
    pool = _independent_pool()
    predicted = _predicted_ratio(*pool)
    weighted, duplicated, log_ratio, se = _variance_ratio(pool, range(1000))
    # the measured ratio is the first-order one within 4 standard errors (the formula
    # ignores O(1/n) terms, a few percent of the ratio at n = 80)...
    assert np.all(np.abs(log_ratio - np.log(predicted)) < 4 * se), (
        np.exp(log_ratio), predicted, se)
    # ... so the weights are *not* duplicates in distribution: larger variance, by more
    # than 3 standard errors
    assert np.all(log_ratio > 3 * se), (np.exp(log_ratio), se)
    # weights unrelated to the residuals: the ratio is Kish's design effect (1.36 for
    # weights 1 and 4 equally likely) in the population, here a pool of 200,000 rows
    # (sampling error of its moments below 0.01); in the pool of 80 rows above,
    # chance relations between weights and residuals move it (1.26 against Kish 1.38)
    big = _independent_pool(200_000)
    kish_big = np.mean(big[2] ** 2) / np.mean(big[2]) ** 2
    assert np.all(np.abs(np.log(_predicted_ratio(*big) / kish_big)) < 0.02)
    assert abs(kish_big - 8.5 / 2.5**2) < 0.02
    # the means agree (the target is the same): 4 combined standard errors
    se_mean = np.sqrt(weighted.var(0, ddof=1) / len(weighted)
                      + duplicated.var(0, ddof=1) / len(duplicated))
    assert np.all(np.abs(weighted.mean(0) - duplicated.mean(0)) < 4 * se_mean)


@pytest.mark.slow
def test_weights_related_to_the_residuals_can_make_the_variance_smaller():
    # the same first-order formula, here below one (about 0.85): large weights where
    # the residuals are small. 600 runs each, standard error of the log ratio about 0.1
    pool = _misspecified_pool()
    predicted = _predicted_ratio(*pool)
    assert np.all(predicted < 0.9)
    _, _, log_ratio, se = _variance_ratio(pool, range(600))
    assert np.all(np.abs(log_ratio - np.log(predicted)) < 4 * se), (
        np.exp(log_ratio), predicted, se)
