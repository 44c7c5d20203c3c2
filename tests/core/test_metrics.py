"""Cramer-von Mises distance, categorical MSE and their scorers."""

import numpy as np
import pytest
from scipy import stats

from skrecursive import (
    CategoricalDistribution,
    EmpiricalDistribution,
    GaussianDensity,
    RecursiveDensityEstimator,
)
from skrecursive.metrics import (
    cramer_von_mises,
    distribution_mse,
    neg_cramer_von_mises_scorer,
    neg_distribution_mse_scorer,
)


def _brute_cvm(model, model_w, ref):
    """Mean over reference points of (F_model - F_ref)^2, componentwise order."""
    model, ref = np.atleast_2d(model.T).T, np.atleast_2d(ref.T).T
    model_w = model_w / model_w.sum()
    out = 0.0
    for r in ref:
        f_model = model_w[np.all(model <= r, axis=1)].sum()
        f_ref = np.mean(np.all(ref <= r, axis=1))
        out += (f_model - f_ref) ** 2
    return out / len(ref)


def test_continuous_reference_matches_scipy_statistic():
    # scipy's W^2 = n * integral (F_n - F)^2 dF for the unweighted sample
    x = np.random.RandomState(0).normal(size=37)
    ours = cramer_von_mises(x, stats.norm())
    assert 37 * ours == pytest.approx(stats.cramervonmises(x, "norm").statistic, rel=1e-10)
    # a plain callable CDF works too, and one atom at the median gives 1/12
    assert cramer_von_mises([0.0], stats.norm().cdf) == pytest.approx(1 / 12)


def test_expectation_is_one_sixth_over_n():
    # E integral (F_n - F)^2 dF = 1/(6n) exactly; n*CvM has variance 1/45 asymptotically,
    # so the mean of 2000 repeats has SE 0.149/sqrt(2000) = 0.0033: tolerance 4 SE
    rng = np.random.RandomState(1)
    n = 20
    values = [n * cramer_von_mises(rng.uniform(size=n), stats.uniform()) for _ in range(2000)]
    assert np.mean(values) == pytest.approx(1 / 6, abs=0.014)


@pytest.mark.parametrize("dim", [1, 2])
def test_sample_reference_exact(dim):
    rng = np.random.RandomState(2)
    model = rng.randint(0, 4, size=(15, dim)).astype(float)  # ties on purpose
    ref = rng.randint(0, 4, size=(11, dim)).astype(float)
    w = rng.uniform(0.1, 1.0, size=15)
    assert cramer_von_mises(model, ref, weights=w) == pytest.approx(_brute_cvm(model, w, ref))
    assert cramer_von_mises(ref, ref) == 0.0


def test_fitted_model_weights_equal_repeated_samples():
    rng = np.random.RandomState(3)
    X = rng.normal(size=(8, 1))
    counts = rng.randint(1, 4, size=8)
    fitted = EmpiricalDistribution().fit(X, sample_weight=counts)
    ref = rng.normal(size=30)
    expected = cramer_von_mises(np.repeat(X, counts, axis=0), ref)
    assert cramer_von_mises(fitted, ref) == pytest.approx(expected)
    assert cramer_von_mises(X, ref, weights=counts) == pytest.approx(expected)
    assert cramer_von_mises(fitted, stats.norm()) == pytest.approx(
        cramer_von_mises(X, stats.norm(), weights=counts)
    )


def test_cvm_bad_input():
    with pytest.raises(ValueError, match="one dimension"):
        cramer_von_mises(np.zeros((3, 2)), stats.norm())
    with pytest.raises(ValueError, match="weights"):
        cramer_von_mises([0.0, 1.0], [0.0], weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="NaN"):
        cramer_von_mises([0.0, np.nan], [0.0])
    with pytest.raises(ValueError, match="features"):
        cramer_von_mises(np.zeros((3, 2)), np.zeros((3, 1)))
    gaussian = GaussianDensity().fit(np.zeros((3, 1)))
    with pytest.raises(TypeError, match="model_or_samples.*GaussianDensity"):
        cramer_von_mises(gaussian, [0.0, 1.0])


def test_distribution_mse_values_and_alignment():
    assert distribution_mse([0.5, 0.5], [0.7, 0.3]) == pytest.approx(0.04)
    # several columns: mean of the per-column MSE
    assert distribution_mse([[1.0, 0.0], [0.5, 0.5]], [[0.0, 1.0], [0.5, 0.5]]) == pytest.approx(
        0.5
    )
    a = CategoricalDistribution().fit(np.array([["x"], ["y"]], dtype=object))
    b = CategoricalDistribution().fit(np.array([["y"], ["z"], ["z"], ["z"]], dtype=object))
    # aligned on x, y, z: (0.5, 0.5, 0) against (0, 0.25, 0.75)
    assert distribution_mse(a, b) == pytest.approx((0.25 + 0.0625 + 0.5625) / 3)
    with pytest.raises(ValueError, match="different lengths"):
        distribution_mse([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="column"):
        distribution_mse([[0.5, 0.5], [1.0, 0.0]], [0.5, 0.5])


def test_expected_categorical_mse_is_C_over_n():
    # E MSE of frequencies of n draws = (1/K) sum p(1-p) / n; the MSE of 3000 repeats has a
    # relative SE of about sqrt(2/(K-1))/sqrt(3000) = 0.015: tolerance 4 SE (6%)
    rng = np.random.RandomState(4)
    p = np.array([0.4, 0.3, 0.2, 0.1])
    n = 50
    mse = [distribution_mse(rng.multinomial(n, p) / n, p) for _ in range(3000)]
    C = np.mean(p * (1 - p))
    assert np.mean(mse) * n / C == pytest.approx(1.0, abs=0.06)


def test_scorers_in_the_recursion():
    rng = np.random.RandomState(5)
    X = rng.uniform(size=(300, 1))
    est = RecursiveDensityEstimator(
        EmpiricalDistribution(), n_generations=3, scoring=neg_cramer_von_mises_scorer,
        random_state=0,
    ).fit(X)
    assert np.all(est.generation_scores_ < 0)
    assert neg_cramer_von_mises_scorer(est, X) == pytest.approx(-cramer_von_mises(est, X))
    # the default scoring of EmpiricalDistribution is the same distance
    assert est.score(X) == pytest.approx(neg_cramer_von_mises_scorer(est, X))

    Xc = rng.choice(["a", "b", "c"], size=(300, 2), p=[0.5, 0.3, 0.2]).astype(object)
    cat = RecursiveDensityEstimator(
        CategoricalDistribution(), n_generations=3, scoring=neg_distribution_mse_scorer,
        random_state=0,
    ).fit(Xc)
    assert np.all(cat.generation_scores_ <= 0)
    freq = [np.mean(Xc[:, 0] == c) for c in "abc"]
    assert -neg_distribution_mse_scorer(cat, Xc[:, :1].repeat(2, axis=1)) == pytest.approx(
        distribution_mse(cat, [freq, freq])
    )
