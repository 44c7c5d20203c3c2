"""The fast engines against the classifier and density meta-estimators.

Same data-generating process on both sides (the user guide's recursion page; the
engine's choices in ``skrecursive.simulation._engines``): the meta-estimators
run the recursion one fit per generation, the engines advance thousands of
repeats at once. Their error after the last generation must agree within
Monte Carlo tolerance: 4 standard errors of the difference of two independent
means (meta-estimator repeats are few, so theirs dominates).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LogisticRegression

from skrecursive import (
    CategoricalDistribution,
    EmpiricalDistribution,
    GaussianDensity,
    RecursiveDensityEstimator,
    RecursiveWeightedClassifier,
)
from skrecursive.metrics import cramer_von_mises
from skrecursive.reproduce import adult_logistic
from skrecursive.simulation import _adult_engines, simulate
from skrecursive.simulation._engines import CATEGORICAL_PROBABILITIES

W, T = 0.3, 6  # (1 - 0.3)^(2 * 6) = 0.014: the start is mostly forgotten by the end


def engine_last(setting, n, **kwargs):
    df = simulate(setting, [W], 1.0, n=n, n_generations=T, last=1, n_repeats=4000,
                  per_generation=True, random_state=0, **kwargs)
    last = df.iloc[-1]
    return last["error"], last["error_se"]


def run_density(model, draw, n, n_repeats):
    """Fit the density loop on disjoint fresh batches; return the final estimators."""
    fitted = []
    for r in range(n_repeats):
        rng = np.random.default_rng(500 + r)
        X = draw(rng, n * (T + 1))
        fitted.append(RecursiveDensityEstimator(
            model, n_generations=T, n_real=n, n_synthetic=1.0, weight=W,
            real_sampling="disjoint", validation_fraction=0.0, random_state=r,
        ).fit(X).estimator_)
    return fitted


@pytest.mark.slow
def test_gaussian_engine_matches_gaussian_density(agree):
    # The engine combines moments with divisor n - 1 (the paper), GaussianDensity is
    # the weighted MLE (divisor n plus a between-group term): the mean agrees
    # exactly in law; the covariance differs by O(1/n), here a few percent of the
    # error, inside the Monte Carlo tolerance (about 30% at 4 standard errors).
    n, p = 100, 2
    models = run_density(GaussianDensity(), lambda rng, k: rng.standard_normal((k, p)),
                         n, n_repeats=300)
    mean_err = [np.sum(m.mean_**2) for m in models]
    cov_err = [np.sum((m.covariance_ - np.eye(p)) ** 2) for m in models]
    agree(mean_err, *engine_last("gaussian-mean", n, p=p))
    agree(cov_err, *engine_last("gaussian-covariance", n, p=p))


@pytest.mark.slow
def test_ecdf_engine_matches_empirical_distribution(agree):
    # uniform data: the Cramer-von Mises error is the same for any continuous F
    n = 100
    models = run_density(EmpiricalDistribution(), lambda rng, k: rng.random((k, 1)),
                         n, n_repeats=300)
    errors = [cramer_von_mises(m, stats.uniform()) for m in models]
    agree(errors, *engine_last("ecdf", n))


@pytest.mark.slow
def test_categorical_engine_matches_categorical_distribution(agree):
    n, P = 100, CATEGORICAL_PROBABILITIES
    labels = np.array(["a", "b", "c", "d", "e"])

    def draw(rng, k):
        column = pd.Categorical(labels[rng.choice(5, size=k, p=P)], categories=labels)
        return pd.DataFrame({"cell": column})

    models = run_density(CategoricalDistribution(), draw, n, n_repeats=300)
    errors = []
    for m in models:
        prob = dict(zip(m.categories_[0], m.probabilities_[0], strict=True))
        errors.append(np.mean([(prob.get(c, 0.0) - p) ** 2 for c, p in zip(labels, P,
                                                                             strict=True)]))
    agree(errors, *engine_last("categorical", n))


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["fresh", "fixed-real"])
def test_logistic_engine_matches_classifier(strategy, normal_covariates, agree):
    # unpenalised logistic regression without intercept, beta = (1, 1), fresh N(0, I)
    # covariates for the synthetic rows and labels drawn from predict_proba;
    # fixed-real reuses generation 0's real rows (the pool's first batch)
    n, p, n_repeats = 200, 2, 150
    beta = np.ones(p)
    errors = []
    for r in range(n_repeats):
        rng = np.random.default_rng(900 + r)
        X = rng.standard_normal((n * (T + 1), p))
        y = (rng.random(len(X)) < 1.0 / (1.0 + np.exp(-X @ beta))).astype(int)
        clf = RecursiveWeightedClassifier(
            # newton-cholesky solves the same unpenalised objective, fast at p = 2
            LogisticRegression(C=np.inf, fit_intercept=False, solver="newton-cholesky"),
            n_generations=T, n_real=n, n_synthetic=1.0, weight=W, real_sampling="disjoint",
            strategy=strategy, validation_fraction=0.0, covariate_sampler=normal_covariates(p),
            random_state=r,
        ).fit(X, y)
        errors.append(np.sum((clf.estimator_.coef_.ravel() - beta) ** 2))
    agree(errors, *engine_last("logistic", n, p=p, strategy=strategy))


@pytest.mark.slow
def test_adult_engine_matches_classifier(agree):
    # The Adult logistic recursion (reproduce.adult_logistic) against the classifier
    # on the same protocol: the 48,842 rows as the pool, generation 0 and every real
    # batch bootstrapped from it (n rows), synthetic covariates bootstrapped from it
    # and labelled by predict_proba of the previous model, total weight W on the real
    # rows, LogisticRegression(C=1) (L2, unpenalised intercept). The error is
    # ||(intercept, coef) - beta*||^2 after the last generation, beta* the fit on the
    # whole pool. It is heavy-tailed (capital-gain nearly separates some batches):
    # its relative SD per repeat is about 1.5, so the classifier's 150 repeats give
    # an SE of about 12 % of the mean and dominate the engine's (4000 repeats);
    # tolerance 4 SE of the difference, as every agreement test here.
    X, y = _adult_engines.logistic_pool(drop_missing=False)
    beta_star = _adult_engines.logistic_pseudo_truth(X, y, C=1.0)
    n, n_repeats = 300, 150
    errors = []
    for r in range(n_repeats):
        clf = RecursiveWeightedClassifier(
            # newton-cholesky: the same objective as the default lbfgs, solved
            # precisely on these unscaled columns
            LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-8, max_iter=200),
            n_generations=T, n_real=n, n_synthetic=1.0, weight=W, real_sampling="bootstrap",
            covariate_sampler="bootstrap", validation_fraction=0.0, random_state=r,
        ).fit(X, y)
        est = clf.estimator_
        errors.append(np.sum((np.r_[est.intercept_, est.coef_.ravel()] - beta_star) ** 2))
    engine = adult_logistic(n=n, k=1.0, n_generations=T, last=1, weights=[W],
                            n_repeats=4000, random_state=0)["error"]
    agree(errors, engine.mean(), engine.std(ddof=1) / np.sqrt(engine.size))
