"""The fast engines against the meta-estimator path on the same data-generating process.

The meta-estimators are the reference implementation of the recursion; the
engines must reproduce their late-generation error within Monte Carlo
tolerance. The classifier and density settings are compared in
test_simulation_agreement_estimators.py.
"""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, PoissonRegressor

from skrecursive import RecursiveWeightedRegressor
from skrecursive.simulation import simulate


def _meta_errors(estimator, noise, draw_y, sampler, *, n, w, n_generations, n_repeats, p=2,
                 strategy="fresh"):
    beta = np.ones(p)
    errors = np.empty(n_repeats)
    for r in range(n_repeats):
        rng = np.random.default_rng(1000 + r)
        # one disjoint batch of n fresh real rows per fit: the "fresh data" loop
        X = rng.standard_normal((n * (n_generations + 1), p))
        y = draw_y(rng, X @ beta)
        meta = RecursiveWeightedRegressor(
            estimator, n_generations=n_generations, n_real=n, n_synthetic=1.0, weight=w,
            real_sampling="disjoint", validation_fraction=0.0, strategy=strategy,
            covariate_sampler=sampler, noise=noise, random_state=r,
        ).fit(X, y)
        errors[r] = np.sum((meta.estimator_.coef_ - beta) ** 2)
    return errors


def _engine_last(setting, *, n, w, n_generations, strategy="fresh"):
    df = simulate(setting, [w], 1.0, n=n, n_generations=n_generations, last=1,
                  n_repeats=4000, per_generation=True, random_state=0, strategy=strategy)
    last = df.iloc[-1]
    return last["error"], last["error_se"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "strategy, w",
    [("fresh", 0.0), ("fresh", 0.3), ("fixed-real", 0.3), ("replace", 0.3),
     ("accumulate", 0.3)],
)
def test_linear_engine_matches_regressor(strategy, w, normal_covariates, agree):
    # fresh at w = 0: a random walk, error (2/n)(1 + t); w = 0.3: the stable limit;
    # fixed-real keeps generation 0's rows (error about (2/n)(1 + 0.56) at T = 8);
    # replace is the w = 0 walk whatever w; accumulate pools every row, unweighted.
    # The engine draws synthetic noise with the known sigma = 1, the regressor
    # with the residual scale of the real rows: their squares differ by
    # (n - p)/n = 0.97 on average, well inside the tolerance.
    n, T = 60, 8
    meta = _meta_errors(LinearRegression(fit_intercept=False), "gaussian",
                        lambda rng, eta: eta + rng.standard_normal(eta.size),
                        normal_covariates(2), n=n, w=w, n_generations=T, n_repeats=200,
                        strategy=strategy)
    # 4 standard errors of the difference of two independent means
    agree(meta, *_engine_last("linear", n=n, w=w, n_generations=T, strategy=strategy))


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["fresh", "fixed-real"])
def test_poisson_engine_matches_regressor(strategy, normal_covariates, agree):
    n, T = 80, 5
    # newton-cholesky solves the same unpenalised objective as lbfgs, much faster at p = 2
    meta = _meta_errors(PoissonRegressor(alpha=0.0, fit_intercept=False,
                                         solver="newton-cholesky", tol=1e-8),
                        "poisson", lambda rng, eta: rng.poisson(np.exp(eta)).astype(float),
                        normal_covariates(2), n=n, w=0.3, n_generations=T, n_repeats=100,
                        strategy=strategy)
    agree(meta, *_engine_last("poisson", n=n, w=0.3, n_generations=T, strategy=strategy))
