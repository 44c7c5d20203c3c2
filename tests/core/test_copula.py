"""GaussianCopula: weighted margins, normal-score correlation, sampling, bad input."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from skrecursive import GaussianCopula, RecursiveDensityEstimator
from skrecursive.datasets import load_adult


# a fixed random_state: the checks fit with the estimator's own, and with None some
# (check_dtype_object: is the corrupted row drawn?) would pass or fail by chance
@parametrize_with_checks(
    [GaussianCopula(),
     RecursiveDensityEstimator(GaussianCopula(), n_generations=3, random_state=0)]
)
def test_sklearn_compatible(estimator, check):
    # no expected failures
    check(estimator)


def _mixed(n=300, seed=0):
    rng = np.random.RandomState(seed)
    z = rng.multivariate_normal([0, 0, 0, 0], [[1, .6, .3, -.4], [.6, 1, .2, -.2],
                                               [.3, .2, 1, 0], [-.4, -.2, 0, 1]], size=n)
    return pd.DataFrame({
        "income": np.round(np.exp(z[:, 0]) * 10).astype(np.int64),  # ties
        "hours": np.round(20 + 10 * z[:, 1], 1),
        "job": pd.Categorical(np.array(["a", "b", "c"])[np.digitize(z[:, 2], [-0.5, 0.7])],
                              categories=["a", "b", "c", "never"]),
        "owner": z[:, 3] > 0.3,
        "city": np.array(["x", "y"], dtype=object)[(z[:, 0] + z[:, 2] > 0).astype(int)],
    })


def _by_hand_correlation(frame, weights):
    """Weighted correlation of mid-point normal scores, written out directly."""
    w = np.asarray(weights, float) / np.sum(weights)
    scores = []
    for name in frame.columns:
        col = frame[name]
        levels = (list(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype)
                  else sorted(set(col)))
        p = np.array([w[(col == v).to_numpy()].sum() for v in levels])
        mid = np.cumsum(p) - p / 2
        score_of = dict(zip(levels, stats.norm.ppf(mid), strict=True))
        scores.append(col.map(score_of).to_numpy(dtype=float))
    S = np.column_stack(scores)
    centred = S - w @ S
    cov = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def test_margins_and_correlation_are_the_documented_weighted_statistics():
    X = _mixed()
    sw = np.random.RandomState(1).uniform(0.2, 3.0, size=len(X))
    model = GaussianCopula().fit(X, sample_weight=sw)
    assert model.column_kinds_ == ["numeric", "numeric", "category", "bool", "string"]
    # every declared category kept, in declared order, "never" with probability 0
    assert model.categories_[2].tolist() == ["a", "b", "c", "never"]
    for j, name in enumerate(X.columns):
        expected = [sw[(X[name] == v).to_numpy()].sum() / sw.sum() for v in model.categories_[j]]
        assert_allclose(model.probabilities_[j], expected, rtol=1e-12)
    assert_allclose(model.correlation_, _by_hand_correlation(X, sw), rtol=1e-10, atol=1e-12)


def test_integer_weights_equal_repeated_rows_and_zero_weight_equals_absence():
    X = _mixed(120)
    counts = np.random.RandomState(2).randint(0, 4, size=len(X))
    counts[0] = 0
    weighted = GaussianCopula().fit(X, sample_weight=counts)
    repeated = GaussianCopula().fit(X.loc[X.index.repeat(counts)].reset_index(drop=True))
    for a, b in zip(weighted.categories_, repeated.categories_, strict=True):
        assert_array_equal(a, b)
    for a, b in zip(weighted.probabilities_, repeated.probabilities_, strict=True):
        assert_array_equal(a, b)  # integer-valued sums: exactly equal
    # the correlation sums the same terms in another order: equal to rounding
    assert_allclose(weighted.correlation_, repeated.correlation_, rtol=1e-12, atol=1e-14)


def test_sample_keeps_container_dtypes_categories_and_observed_values():
    X = _mixed()
    model = GaussianCopula().fit(X)
    draws = model.sample(5000, random_state=0)
    assert list(draws.columns) == list(X.columns)
    assert draws.dtypes.equals(X.dtypes)
    assert draws["job"].dtype == X["job"].dtype  # same categories, "never" included
    assert "never" not in set(draws["job"])  # probability 0 is never drawn
    for name in ("income", "hours"):
        assert draws[name].isin(X[name]).all()
    assert_array_equal(draws, model.sample(5000, random_state=0))
    # numpy in, numpy out
    arr = GaussianCopula().fit(X[["income", "hours"]].to_numpy(dtype=float))
    out = arr.sample(7, random_state=0)
    assert isinstance(out, np.ndarray) and out.shape == (7, 2)


def test_sample_reproduces_margins_and_correlation():
    X = _mixed(2000, seed=3)
    model = GaussianCopula().fit(X)
    draws = model.sample(20000, random_state=0)
    refit = GaussianCopula().fit(draws)
    # category frequencies of 20,000 draws: SE <= 0.0035; allow 5 SE
    for j in (2, 3, 4):
        assert_allclose(refit.probabilities_[j], model.probabilities_[j], atol=0.018)
    # numeric margin: KS distance of 20,000 draws ~ 1.36/sqrt(20000) = 0.0096 at 95%
    from skrecursive.metrics import marginal_distance

    per_col = marginal_distance(model, draws, per_column=True)
    assert per_col[["income", "hours"]].max() < 0.015
    # normal-score correlation of the draws: SE below 0.0075 per entry (measured over 10
    # seeds: 0.003 to 0.007), so 0.03 is 4 SE. Without the latent calibration the binary
    # columns' correlations come back a quarter smaller (0.63 -> 0.49).
    assert_allclose(refit.correlation_, model.correlation_, atol=0.03)
    assert np.all(np.abs(model.latent_correlation_) >= np.abs(model.correlation_) - 1e-12)


def test_constant_column_and_perfectly_dependent_pair_are_fitted_and_sampled():
    rng = np.random.RandomState(0)
    x = rng.normal(size=200)
    X = pd.DataFrame({"x": x, "twice": 2 * x + 1, "const": 3.0, "cat": "same"})
    model = GaussianCopula().fit(X)
    assert model.correlation_[0, 1] == pytest.approx(1.0)
    assert_array_equal(model.correlation_[2], [0, 0, 1, 0])
    draws = model.sample(500, random_state=0)
    # the dependent pair is sampled as one: the same rank in both columns
    assert_array_equal(draws["twice"], 2 * draws["x"] + 1)
    assert (draws["const"] == 3.0).all() and (draws["cat"] == "same").all()
    one_row = GaussianCopula().fit(X.iloc[:1])
    assert one_row.sample(3, random_state=0).shape == (3, 4)


def test_missing_categories_are_a_level_of_their_own():
    X = pd.DataFrame({"c": pd.Categorical(["a", None, "b", None]), "s": ["u", "v", None, "u"],
                      "x": [1.0, 2.0, 3.0, 4.0]})
    model = GaussianCopula().fit(X)
    assert model.categories_[0][:2].tolist() == ["a", "b"] and pd.isna(model.categories_[0][2])
    assert_allclose(model.probabilities_[0], [0.25, 0.25, 0.5])
    draws = model.sample(4000, random_state=0)
    # share of NaN: 0.5 and 0.25, SE <= 0.008
    assert draws["c"].isna().mean() == pytest.approx(0.5, abs=0.04)
    assert draws["s"].isna().mean() == pytest.approx(0.25, abs=0.04)
    assert draws["c"].dtype == X["c"].dtype


def test_no_density_and_fidelity_score():
    X = _mixed()
    model = GaussianCopula().fit(X)
    assert not hasattr(model, "score_samples")
    with pytest.raises(TypeError, match="no density"):
        model.score_samples(X)
    assert model.score(X) == 0.0  # its own training rows
    other = _mixed(seed=5)
    assert model.score(other) < 0
    assert model.score(other) > GaussianCopula().fit(other.iloc[:20]).score(X)


def test_alpha_smooths_categories_only():
    X = _mixed(50)
    model = GaussianCopula(alpha=1.0).fit(X)
    assert np.all(model.probabilities_[2] > 0)  # "never" becomes possible
    assert_allclose(model.probabilities_[0], GaussianCopula().fit(X).probabilities_[0])


def test_pickle_clone_and_recursive_adult_table_at_every_weight():
    adult = load_adult().frame
    assert adult.shape[1] == 15
    for weight in (0.0, "optimal", 1.0):
        est = RecursiveDensityEstimator(GaussianCopula(), n_generations=3, n_real=500,
                                        weight=weight, random_state=0).fit(adult)
        table = est.sample(200, random_state=0)
        assert list(table.columns) == list(adult.columns)
        assert table.dtypes.equals(adult.dtypes)
        assert np.isfinite(est.generation_scores_).all()
        assert (est.generation_scores_ <= 0).all()
    restored = pickle.loads(pickle.dumps(est))
    assert_array_equal(restored.sample(5, random_state=1), est.sample(5, random_state=1))
    assert clone(GaussianCopula(alpha=0.5)).alpha == 0.5


# ------------------------------------------------------------------ bad input
def test_bad_columns_rejected_before_fitting():
    X = _mixed(20)
    with pytest.raises(ValueError, match="'allnan'.*only missing"):
        GaussianCopula().fit(X.assign(allnan=np.nan))
    # datetimes and numeric missing values are modelled (tests/core/test_synthesizer_contract.py);
    # durations are not
    with pytest.raises(TypeError, match="'lag'.*timedelta"):
        GaussianCopula().fit(X.assign(lag=pd.Timedelta("1D")))
    with pytest.raises(TypeError, match="'nested'.*list"):
        GaussianCopula().fit(X.assign(nested=[[1, 2]] * len(X)))
    with pytest.raises(ValueError, match="infinity"):
        GaussianCopula().fit(X.assign(hours=np.inf))
    with pytest.raises(ValueError, match="'alpha'"):
        GaussianCopula(alpha=-1).fit(X)


@pytest.mark.parametrize("weights, match", [
    (-1.0, "non-negative"), (np.nan, "finite"), (0.0, "positive sum"),
])
def test_bad_sample_weight(weights, match):
    X = _mixed(20)
    sw = np.ones(len(X))
    sw[:] = 1.0 if weights != 0.0 else 0.0
    sw[0] = weights
    with pytest.raises(ValueError, match=match):
        GaussianCopula().fit(X, sample_weight=sw)


def test_sample_before_fit_and_bad_n_samples():
    with pytest.raises(NotFittedError):
        GaussianCopula().sample(3)
    model = GaussianCopula().fit(_mixed(20))
    for bad in (0, -2, 1.5, "3", True):
        with pytest.raises(ValueError, match="'n_samples'"):
            model.sample(bad)


def test_score_time_frames_must_match():
    X = _mixed(40)
    model = GaussianCopula().fit(X)
    with pytest.raises(ValueError, match="feature names"):
        model.score(X.drop(columns="city"))
    with pytest.raises(ValueError, match="feature names"):
        model.score(X.assign(extra=1))
    undeclared = X.assign(job=X["job"].cat.add_categories(["new"]))
    undeclared.loc[0, "job"] = "new"
    with pytest.raises(ValueError, match="'job'.*never declared"):
        model.score(undeclared)
    with pytest.raises(TypeError, match="'income' of X was numeric"):
        model.score(X.assign(income="a lot"))


# ------------------------------------------------------ density defaults (item 7)
def test_pipeline_scaler_before_kernel_density_samples_in_the_input_space():
    from sklearn.neighbors import KernelDensity
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 2)) * [100.0, 0.01] + [1000.0, 5.0]
    est = RecursiveDensityEstimator(make_pipeline(StandardScaler(), KernelDensity(bandwidth=0.3)),
                                    n_generations=3, random_state=0).fit(X)
    draws = est.sample(4000, random_state=0)
    # back in the input's units: means within 5 SE of the pool's (SE 100/sqrt(480) * 1.05)
    assert_allclose(draws.mean(axis=0), [1000.0, 5.0], atol=5 * 5.0, rtol=0)
    assert abs(draws[:, 1].mean() - 5.0) < 0.003
    assert_allclose(draws.std(axis=0), [100.0, 0.01], rtol=0.15)
    assert np.isfinite(est.generation_scores_).all()


def test_pipeline_without_inverse_transform_is_a_clear_error():
    from sklearn.neighbors import KernelDensity
    from sklearn.pipeline import Pipeline

    X = np.random.RandomState(0).normal(size=(50, 3))
    est = RecursiveDensityEstimator(Pipeline([("select", _NoInverse()),
                                              ("kde", KernelDensity())]))
    with pytest.raises(TypeError, match=r"\['select'\] have no inverse_transform"):
        est.fit(X)


class _NoInverse:
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self


def test_categorical_default_warns_when_a_held_out_category_was_lost():
    from skrecursive import CategoricalDistribution

    model = CategoricalDistribution().fit(np.array([["a"], ["a"], ["b"]], dtype=object))
    with pytest.warns(UserWarning, match="alpha > 0"):
        assert model.score(np.array([["c"]], dtype=object)) == -np.inf
    smoothed = CategoricalDistribution(alpha=0.5).fit(np.array([["a"], ["b"]], dtype=object))
    assert np.isfinite(smoothed.score(np.array([["c"]], dtype=object)))
