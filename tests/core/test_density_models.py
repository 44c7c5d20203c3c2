"""The weighted base models: GaussianDensity, EmpiricalDistribution, CategoricalDistribution."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.base import clone

from skrecursive import CategoricalDistribution, EmpiricalDistribution, GaussianDensity

MODELS = [GaussianDensity(), EmpiricalDistribution(), CategoricalDistribution()]


# ------------------------------------------------------------------ Gaussian
@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical"])
def test_gaussian_weighted_mle_matches_numpy(covariance_type):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3)) @ np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 2.0]])
    sw = rng.uniform(0.1, 3.0, size=40)
    model = GaussianDensity(covariance_type=covariance_type, reg_covar=0.0).fit(X, sample_weight=sw)
    mean = np.average(X, axis=0, weights=sw)
    cov = np.cov(X, rowvar=False, aweights=sw, ddof=0)
    expected = {
        "full": cov,
        "diag": np.diag(np.diag(cov)),
        "spherical": np.eye(3) * np.trace(cov) / 3,
    }[covariance_type]
    np.testing.assert_allclose(model.mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(model.covariance_, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        model.score_samples(X), stats.multivariate_normal(mean, expected).logpdf(X), rtol=1e-10
    )
    assert model.score(X) == pytest.approx(model.score_samples(X).sum())


def test_gaussian_integer_weights_equal_repeated_rows_and_reg_covar():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(10, 2))
    counts = rng.randint(0, 4, size=10)
    weighted = GaussianDensity().fit(X, sample_weight=counts)
    repeated = GaussianDensity().fit(np.repeat(X, counts, axis=0))
    np.testing.assert_allclose(weighted.mean_, repeated.mean_, rtol=1e-12)
    np.testing.assert_allclose(weighted.covariance_, repeated.covariance_, rtol=1e-12)
    # one row: the covariance is reg_covar * I and still usable
    single = GaussianDensity(reg_covar=0.5).fit(X[:1])
    np.testing.assert_allclose(single.covariance_, 0.5 * np.eye(2))
    assert np.isfinite(single.score(X)).all()


def test_gaussian_mle_of_a_mixed_batch_is_the_documented_combination():
    # With the loop's row weights the mean is the paper's w * mean_real + (1 - w) * mean_syn
    # exactly; the covariance is w S_real + (1 - w) S_syn (divisor n, m) plus the
    # between-group term w (1 - w) d d^T, d = mean_real - mean_syn.
    from skrecursive._core.weights import row_weights

    rng = np.random.RandomState(3)
    real, syn, w = rng.normal(size=(30, 2)), rng.normal(loc=0.5, size=(45, 2)), 0.618
    model = GaussianDensity(reg_covar=0.0).fit(
        np.vstack([real, syn]), sample_weight=row_weights(w, 30, 45)
    )
    d = real.mean(axis=0) - syn.mean(axis=0)
    np.testing.assert_allclose(model.mean_, w * real.mean(axis=0) + (1 - w) * syn.mean(axis=0))
    expected = (
        w * np.cov(real, rowvar=False, ddof=0)
        + (1 - w) * np.cov(syn, rowvar=False, ddof=0)
        + w * (1 - w) * np.outer(d, d)
    )
    np.testing.assert_allclose(model.covariance_, expected, rtol=1e-12)


def test_gaussian_sample_moments():
    cov = np.array([[2.0, 0.8], [0.8, 1.0]])
    model = GaussianDensity(reg_covar=0.0).fit(
        np.random.RandomState(2).multivariate_normal([1.0, -1.0], cov, size=500)
    )
    draws = model.sample(20_000, random_state=0)
    # SE of a sample mean is sqrt(2/20000) = 0.01, of a (co)variance <= 0.03: 4 SE
    np.testing.assert_allclose(draws.mean(axis=0), model.mean_, atol=0.04)
    np.testing.assert_allclose(np.cov(draws, rowvar=False), model.covariance_, atol=0.12)
    np.testing.assert_array_equal(draws[:5], model.sample(20_000, random_state=0)[:5])


# ------------------------------------------------------------------ empirical
def test_empirical_cdf_one_and_several_dimensions():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [1.0, 1.0]])
    sw = np.array([1.0, 2.0, 0.0, 1.0])
    model = EmpiricalDistribution().fit(X, sample_weight=sw)
    assert len(model.weights_) == 3  # the zero-weight row is dropped
    points = np.array([[1.0, 1.0], [0.5, 5.0], [5.0, 0.0], [-1.0, 9.0]])
    brute = [(sw * np.all(X <= x, axis=1)).sum() / sw.sum() for x in points]
    np.testing.assert_allclose(model.cdf(points), brute)

    one = EmpiricalDistribution().fit(X[:, :1], sample_weight=sw)
    np.testing.assert_allclose(one.cdf([-1.0, 0.0, 0.5, 1.0, 3.0]), [0, 0.25, 0.25, 1, 1])


def test_empirical_sample_frequencies_follow_weights():
    X = np.arange(4.0).reshape(-1, 1)
    sw = np.array([0.1, 0.2, 0.3, 0.4])
    draws = EmpiricalDistribution().fit(X, sample_weight=sw).sample(20_000, random_state=0)
    freq = np.bincount(draws[:, 0].astype(int), minlength=4) / 20_000
    # binomial SE <= sqrt(0.25 / 20000) = 0.0035: 4 SE
    np.testing.assert_allclose(freq, sw, atol=0.014)
    assert set(np.unique(draws)) <= set(X[:, 0])


def test_empirical_has_no_density():
    model = EmpiricalDistribution().fit(np.arange(5.0).reshape(-1, 1))
    assert not hasattr(model, "score_samples")
    with pytest.raises(TypeError, match="no density.*score_samples"):
        model.score_samples(np.zeros((2, 1)))
    # its score is the negated Cramer-von Mises distance: 0 on its own rows
    assert model.score(np.arange(5.0).reshape(-1, 1)) == 0.0
    # all reference mass below every atom: F_ref = 1 where F_model = 0
    assert model.score(np.full((3, 1), -10.0)) == -1.0


# --------------------------------------------------------------- categorical
def test_categorical_weighted_frequencies_and_smoothing():
    X = np.array([["a", "x"], ["b", "x"], ["b", "y"], ["c", "y"]], dtype=object)
    sw = np.array([3.0, 1.0, 1.0, 1.0])
    model = CategoricalDistribution().fit(X, sample_weight=sw)
    assert model.categories_[0].tolist() == ["a", "b", "c"]
    np.testing.assert_allclose(model.probabilities_[0], [0.5, 1 / 3, 1 / 6])
    np.testing.assert_allclose(model.probabilities_[1], [2 / 3, 1 / 3])
    np.testing.assert_allclose(
        model.score_samples(X[:2]), np.log([0.5 * 2 / 3, 1 / 3 * 2 / 3])
    )
    unseen = np.array([["d", "x"]], dtype=object)
    assert model.score_samples(unseen)[0] == -np.inf  # documented: alpha=0
    smoothed = CategoricalDistribution(alpha=1.0).fit(X, sample_weight=sw)
    np.testing.assert_allclose(smoothed.probabilities_[0], [4 / 9, 3 / 9, 2 / 9])
    assert smoothed.score_samples(unseen)[0] == pytest.approx(np.log(1 / 9 * 5 / 8))


@pytest.mark.parametrize(
    "X",
    [
        np.array([["a", "u"], ["b", "u"], ["b", "v"]], dtype=object),
        np.array([["a", "u"], ["b", "u"], ["b", "v"]]),  # numpy unicode
        np.array([[1, 7], [2, 7], [2, 8]]),
    ],
    ids=["object", "unicode", "int"],
)
def test_categorical_sample_keeps_array_dtype(X):
    draws = CategoricalDistribution().fit(X).sample(50, random_state=0)
    assert draws.dtype == X.dtype and draws.shape == (50, 2)
    for j in range(2):
        assert set(draws[:, j]) <= set(X[:, j])


def test_categorical_dataframe_round_trip():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {
            "colour": pd.Categorical(
                rng.choice(["red", "blue"], 300, p=[0.7, 0.3]),
                categories=["red", "blue", "green"],
            ),
            "size": rng.choice(["S", "L"], 300),
        }
    )
    model = CategoricalDistribution().fit(frame)
    # declared but unseen category keeps probability 0 (alpha=0)
    assert model.categories_[0].tolist() == ["red", "blue", "green"]
    assert model.probabilities_[0][2] == 0.0
    draws = model.sample(4000, random_state=1)
    assert list(draws.columns) == ["colour", "size"]
    assert draws["colour"].dtype == frame["colour"].dtype
    assert draws["size"].dtype == frame["size"].dtype
    # SE of a frequency <= sqrt(0.25 / 4000) = 0.008: 4 SE
    freq = draws["colour"].value_counts(normalize=True).reindex(["red", "blue", "green"])
    np.testing.assert_allclose(freq.to_numpy(), model.probabilities_[0], atol=0.032)
    lookup = [dict(zip(c, p, strict=True)) for c, p in zip(
        model.categories_, model.probabilities_, strict=True
    )]
    expected = [np.log(lookup[0][a] * lookup[1][b]) for a, b in frame.iloc[:3].to_numpy()]
    np.testing.assert_allclose(model.score_samples(frame.iloc[:3]), expected)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_rejected(model, bad):
    X = np.arange(12.0).reshape(6, 2)
    X[2, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        clone(model).fit(X)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_empty_X_and_bad_n_samples_rejected(model):
    with pytest.raises(ValueError, match="0 sample"):
        clone(model).fit(np.empty((0, 2)))
    fitted = clone(model).fit(np.arange(12.0).reshape(6, 2))
    for n in (0, -1, 2.5):
        with pytest.raises(ValueError, match="'n_samples'"):
            fitted.sample(n)


def test_parameter_errors_name_the_parameter():
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match="1D|2D"):
        GaussianDensity().fit(np.arange(5.0))
    with pytest.raises(ValueError, match="'covariance_type'.*'diag'.*'full'.*'spherical'"):
        GaussianDensity(covariance_type="tied").fit(X)
    with pytest.raises(ValueError, match="'reg_covar'"):
        GaussianDensity(reg_covar=-1e-3).fit(X)
    with pytest.raises(ValueError, match="'alpha'"):
        CategoricalDistribution(alpha=-1).fit(X)
    with pytest.raises(ValueError, match="sample_weight"):
        GaussianDensity().fit(X, sample_weight=[1.0, -1, 1, 1, 1, 1])
    fitted = CategoricalDistribution().fit(np.array([["a", "b"], ["c", "d"]], dtype=object))
    with pytest.raises(ValueError, match="3 features.*expecting 2"):
        fitted.score_samples(np.array([["a", "b", "c"]], dtype=object))
    with pytest.raises(ValueError, match="missing"):
        CategoricalDistribution().fit(np.array([["a"], [None]], dtype=object))
