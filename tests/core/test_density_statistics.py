"""The recursion's error against the user guide, run through RecursiveDensityEstimator itself.

Risk ratios: one long run per weight, with fresh disjoint real batches of ``n`` rows and
``m = n / k`` synthetic rows. A scoring callable records every generation's error against
the true distribution (it ignores the held-out rows), so ``fit`` gives the whole error
trajectory. After a burn-in of 15 generations (the transient decays by ``(1 - w)^2 <= 0.25``
per generation, to below 1e-9) the process is stationary: its time average estimates the
limiting error. The runs at ``w*`` and at ``w = 1`` share the random seed, hence the real
batches (common random numbers), which makes their ratio much less noisy than either error.
"""

import numpy as np
import pytest
from scipy import special, stats

from skrecursive import (
    CategoricalDistribution,
    EmpiricalDistribution,
    GaussianDensity,
    RecursiveDensityEstimator,
    limiting_risk,
    optimal_weight,
)
from skrecursive.metrics import cramer_von_mises

BURN_IN = 15
KS = (0.5, 1.0, 2.0)


def _late_error(base, draw, errors, *, n, m, weight, n_generations, seed):
    """Mean error over generations BURN_IN..n_generations, one column per error function."""
    rng = np.random.RandomState(seed)
    X = draw(rng, n * (n_generations + 1) + 3)
    record = []

    def scorer(estimator, X_val, y=None):
        record.append([error(estimator) for error in errors])
        return 0.0

    RecursiveDensityEstimator(
        base, n_generations=n_generations, n_real=n, n_synthetic=m, weight=weight,
        real_sampling="disjoint", validation_fraction=3 / len(X), scoring=scorer,
        random_state=seed,
    ).fit(X)
    assert len(record) == n_generations + 1
    return np.asarray(record)[BURN_IN:].mean(axis=0)


def _risk_ratios(base, draw, errors, *, n, n_generations, seed):
    """{k: measured E(w*(k)) / E(1)} per error function."""
    reference = _late_error(base, draw, errors, n=n, m=n, weight=1.0,
                            n_generations=n_generations, seed=seed)
    return {
        k: _late_error(base, draw, errors, n=n, m=int(round(n / k)), weight=optimal_weight(k),
                       n_generations=n_generations, seed=seed) / reference
        for k in KS
    }


@pytest.mark.slow
def test_gaussian_mean_and_covariance_risk_ratios():
    # p = 10, n = 100, 1000 generations. C = tr(Sigma) = 10 for the mean, sum_ij (S_ii S_jj +
    # S_ij^2) = 110 for the covariance (Frobenius). Over seeds the measured ratios have an SD
    # of about 0.007 (mean) and 0.005 (covariance). GaussianDensity is the weighted MLE, not
    # the paper's combination of ddof=1 moments: its covariance differs by O(1/n) (divisor and
    # between-group term), which moves the ratio by at most about 0.01 at n = 100.
    # Tolerance 0.03: 4 SD plus that.
    p = 10
    ratios = _risk_ratios(
        GaussianDensity(),
        lambda rng, size: rng.normal(size=(size, p)),
        [
            lambda est: np.sum(est.mean_**2),
            lambda est: np.sum((est.covariance_ - np.eye(p)) ** 2),
        ],
        n=100, n_generations=1000, seed=0,
    )
    for k, (mean_ratio, cov_ratio) in ratios.items():
        theory = limiting_risk(optimal_weight(k), k)
        assert mean_ratio == pytest.approx(theory, abs=0.03), k
        assert cov_ratio == pytest.approx(theory, abs=0.03), k


@pytest.mark.slow
def test_empirical_distribution_cramer_von_mises_risk_ratios():
    # Uniform data, error integral (F_t - F)^2 dF exactly (C = 1/6), n = 100, 1500
    # generations. n * CvM is more skewed than a chi-square (variance 1/45 around 1/6) and the
    # common real batches help less, so the ratios have an SD of about 0.012 over seeds: 4 SD.
    uniform = stats.uniform()
    ratios = _risk_ratios(
        EmpiricalDistribution(),
        lambda rng, size: rng.uniform(size=(size, 1)),
        [lambda est: cramer_von_mises(est, uniform)],
        n=100, n_generations=1500, seed=1,
    )
    for k, (ratio,) in ratios.items():
        assert ratio == pytest.approx(limiting_risk(optimal_weight(k), k), abs=0.05), k


@pytest.mark.slow
def test_categorical_mse_risk_ratios():
    # Three independent columns with K = 10 categories (some rare, so some categories are
    # missing from a generation: the error counts them with probability 0), n = 100, 1000
    # generations, error = MSE over categories averaged over the columns. Ratios have an SD
    # of about 0.005 over seeds; tolerance 0.03 also covers the second-order term of the
    # synthetic variance (p_{t-1} instead of p, relative O(1/n)).
    probs = np.array([0.3, 0.2, 0.15, 0.1, 0.08, 0.07, 0.05, 0.03, 0.01, 0.01])

    def draw(rng, size):
        return np.column_stack([rng.choice(10, size=size, p=probs) for _ in range(3)])

    def error(est):
        out = []
        for cats, p in zip(est.categories_, est.probabilities_, strict=True):
            full = np.zeros(10)
            full[cats] = p
            out.append(np.mean((full - probs) ** 2))
        return np.mean(out)

    ratios = _risk_ratios(CategoricalDistribution(), draw, [error], n=100,
                          n_generations=1000, seed=2)
    for k, (ratio,) in ratios.items():
        assert ratio == pytest.approx(limiting_risk(optimal_weight(k), k), abs=0.03), k


def _final_models(base, draw, *, n, weight, n_generations, repeats):
    models = []
    for seed in range(repeats):
        X = draw(np.random.RandomState(seed), n * (n_generations + 1))
        est = RecursiveDensityEstimator(
            base, n_generations=n_generations, n_real=n, weight=weight,
            real_sampling="disjoint", validation_fraction=0.0, random_state=seed,
        ).fit(X)
        models.append(est.estimator_)
    return models


@pytest.mark.slow
def test_gaussian_variance_collapses_at_weight_zero():
    # 1-D, truth variance 1, n = m = 10, 60 fully synthetic generations, no regularisation.
    # Each fit multiplies the variance by chi2_9 / 10, so log-variance is a random walk with
    # drift psi(4.5) + log(2/10) = -0.22 and step variance psi'(4.5) = 0.249 per fit: after
    # 61 fits mean -13.5, SD 3.9, and the mean of 30 repeats has SE 0.71 (tolerance 4 SE).
    n, fits, repeats = 10, 61, 30
    draw = lambda rng, size: rng.normal(size=(size, 1))  # noqa: E731
    collapsed = _final_models(GaussianDensity(reg_covar=0.0), draw, n=n, weight=0.0,
                              n_generations=fits - 1, repeats=repeats)
    log_var = np.log([m.covariance_[0, 0] for m in collapsed])
    drift = special.digamma((n - 1) / 2) + np.log(2 / n)
    assert np.median(np.exp(log_var)) < 1e-3
    se = np.sqrt(fits * special.polygamma(1, (n - 1) / 2) / repeats)
    assert np.mean(log_var) == pytest.approx(fits * drift, abs=4 * se)
    # the golden-ratio loop keeps the variance: with R = 0.618 its SD is about
    # sqrt(0.2 * 0.618) = 0.35 per repeat, so the median of 20 has SE about
    # 1.25 * 0.35 / sqrt(20) = 0.1: tolerance 4 SE
    stable = _final_models(GaussianDensity(reg_covar=0.0), draw, n=n, weight="optimal",
                           n_generations=fits - 1, repeats=20)
    assert np.median([m.covariance_[0, 0] for m in stable]) == pytest.approx(1.0, abs=0.4)


@pytest.mark.slow
def test_resampled_empirical_distribution_fixes_on_one_atom():
    # w = 0 with m = n = 20 is a neutral Wright-Fisher population of 20 atoms: the expected
    # time to a single atom is about 2 * 20 generations, so after 150 nearly every repeat has
    # one distinct atom left. That atom is a uniformly chosen real row, so the error
    # (U^3 + (1 - U)^3) / 3 has mean 1/6 and SD sqrt(1/180) = 0.075: SE 0.014 over 30
    # repeats, tolerance 4 SE.
    draw = lambda rng, size: rng.uniform(size=(size, 1))  # noqa: E731
    models = _final_models(EmpiricalDistribution(), draw, n=20, weight=0.0, n_generations=150,
                           repeats=30)
    distinct = [len(np.unique(m.atoms_)) for m in models]
    assert np.median(distinct) == 1 and np.mean(distinct) < 1.5
    errors = [cramer_von_mises(m, stats.uniform()) for m in models]
    assert np.mean(errors) == pytest.approx(1 / 6, abs=0.055)
    # with the optimal weight the error stays near w* / (6 n) = 0.005
    stable = _final_models(EmpiricalDistribution(), draw, n=20, weight="optimal",
                           n_generations=150, repeats=10)
    assert np.mean([cramer_von_mises(m, stats.uniform()) for m in stable]) < 0.02
