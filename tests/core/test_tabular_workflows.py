"""Everyday tabular work through the loop: row weights, routing, missing values,
polars frames, prequential stream scores and one convergence warning."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skrecursive import (
    CategoricalDistribution,
    EmpiricalDistribution,
    GaussianDensity,
    RecursiveDensityEstimator,
    RecursiveWeightedClassifier,
    RecursiveWeightedRegressor,
)
from skrecursive._core.strategies import get_strategy
from skrecursive.datasets import load_adult


def _classification(n=300, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, 3))
    y = (X[:, 0] - X[:, 1] + rng.standard_normal(n) > 0).astype(int)
    return X, y, rng.uniform(0.5, 2.0, n)


# ------------------------------------------------------------------ row weights
@pytest.mark.parametrize("make", [
    lambda: RecursiveWeightedRegressor(n_generations=3, random_state=0),
    lambda: RecursiveWeightedClassifier(n_generations=3, random_state=0),
    lambda: RecursiveDensityEstimator(n_generations=3, random_state=0),
    lambda: RecursiveWeightedRegressor(n_generations=3, strategy="accumulate",
                                       max_accumulated=300, random_state=0),
])
def test_all_ones_weights_are_bit_identical_to_none(make):
    X, y, _ = _classification()
    if isinstance(make(), RecursiveWeightedRegressor):
        y = X @ [1.0, 2.0, 3.0] + y
    if isinstance(make(), RecursiveDensityEstimator):
        y = None
    a, b = make().fit(X, y), make().fit(X, y, sample_weight=np.ones(len(X)))
    for key in ("generation", "n_real", "n_synthetic", "weight", "score"):
        np.testing.assert_array_equal(a.history_[key], b.history_[key])
    for key, value in vars(a.estimator_).items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            np.testing.assert_array_equal(value, vars(b.estimator_)[key])
    if a.strategy != "fresh":
        return
    # the stream too: partial_fit with constant weights
    a.partial_fit(X[:50], None if y is None else y[:50])
    b.partial_fit(X[:50], None if y is None else y[:50], sample_weight=np.full(50, 3.0))
    np.testing.assert_array_equal(a.history_["score"], b.history_["score"])


# slow: a comparison over many fits: several seconds idle (pytest --durations)
@pytest.mark.slow
def test_integer_weights_behave_like_duplicated_rows_in_mean():
    """Weight u_i on a row gives, in mean, the fit of the row repeated u_i times.

    Only the means: the variances differ (test_integer_weights_variance.py).

    The model is misspecified (a line through y = x^2) and rows with x > 0 weigh
    3, so the weighted slope (about 0.11 here) differs from the unweighted one
    (about -0.07): the comparison has power. Each fit is repeated over 200 seeds
    and the mean final coefficients compared. A run's slope has a standard
    deviation of about 0.08, so the difference of two means has a standard error
    of about 0.009; we allow 4 combined standard errors, measured from the runs
    themselves, and require the unweighted mean to be more than 10 away. Real
    batches differ (uniform draws weighted by u against draws from the enlarged
    pool), so only the means can agree.
    """
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, 80)
    X, y = x[:, None], x**2 + 0.3 * rng.standard_normal(80)
    u = np.where(x > 0, 3, 1)
    X_dup, y_dup = np.repeat(X, u, axis=0), np.repeat(y, u)

    def runs(X, y, sample_weight=None, n_seeds=200):
        coefs = []
        for seed in range(n_seeds):
            est = RecursiveWeightedRegressor(n_generations=4, n_real=80, validation_fraction=0.0,
                                             random_state=seed)
            est.fit(X, y, sample_weight=sample_weight)
            coefs.append([est.estimator_.intercept_, est.estimator_.coef_[0]])
        return np.array(coefs)

    weighted, duplicated, plain = runs(X, y, u), runs(X_dup, y_dup), runs(X, y, n_seeds=50)
    se = np.sqrt(weighted.var(0, ddof=1) / len(weighted)
                 + duplicated.var(0, ddof=1) / len(duplicated))
    diff = weighted.mean(0) - duplicated.mean(0)
    assert np.all(np.abs(diff) < 4 * se), (diff, se)
    # power: the unweighted slope is many standard errors away
    assert abs(plain.mean(0)[1] - duplicated.mean(0)[1]) > 10 * se[1]


def test_a_subgroup_with_near_zero_weight_stops_influencing_the_fit():
    """Rows of group B (slope -2) weighted 1e-9 against group A (slope 1).

    Over 40 seeds the mean final slope must be A's least-squares slope within
    0.02: a run's slope has a standard deviation of about 0.03, so the mean's
    standard error is about 0.005 and 0.02 is 4 of them. The unweighted fit sits
    near the pooled slope (about 0), far away.
    """
    rng = np.random.RandomState(1)
    n_a, n_b = 200, 100
    x = rng.standard_normal(n_a + n_b)
    group_b = np.arange(n_a + n_b) >= n_a
    y = np.where(group_b, -2.0 * x, x) + 0.5 * rng.standard_normal(n_a + n_b)
    X = x[:, None]
    sw = np.where(group_b, 1e-9, 1.0)
    slope_a = LinearRegression().fit(X[~group_b], y[~group_b]).coef_[0]
    slopes = [RecursiveWeightedRegressor(n_generations=4, validation_fraction=0.0,
                                         random_state=s).fit(X, y, sample_weight=sw)
              .estimator_.coef_[0] for s in range(40)]
    assert abs(np.mean(slopes) - slope_a) < 0.02
    pooled = RecursiveWeightedRegressor(n_generations=4, validation_fraction=0.0,
                                        random_state=0).fit(X, y).estimator_.coef_[0]
    assert abs(pooled - slope_a) > 0.5


def test_density_estimator_takes_row_weights():
    """Weights 4:1 on two normal clusters (means -2 and +2) move the fitted mean to
    about (4 * 2 - 2) / 5 = 1.2 instead of 0. Over 30 seeds a run's mean has a
    standard deviation of about 0.075, so the average's standard error is about
    0.014; 0.06 is 4 of them."""
    rng = np.random.RandomState(2)
    X = np.concatenate([rng.normal(-2, 1, (200, 1)), rng.normal(2, 1, (200, 1))])
    sw = np.r_[np.ones(200), np.full(200, 4.0)]
    target = np.average(X[:, 0], weights=sw)
    means = [RecursiveDensityEstimator(GaussianDensity(), n_generations=3, random_state=s)
             .fit(X, sample_weight=sw).estimator_.mean_[0] for s in range(30)]
    assert abs(np.mean(means) - target) < 0.06
    assert abs(target - 1.2) < 0.15
    # every bundled density model takes them, and a model without sample_weight is
    # fitted on a weighted resample, announced once
    for model in (EmpiricalDistribution(), CategoricalDistribution(alpha=0.5)):
        Xm = np.round(X) if isinstance(model, CategoricalDistribution) else X
        RecursiveDensityEstimator(model, n_generations=2, random_state=0).fit(Xm,
                                                                             sample_weight=sw)
    with pytest.warns(UserWarning, match="resampled"):
        RecursiveDensityEstimator(GaussianMixture(2, random_state=0), n_generations=2,
                                  random_state=0).fit(X, sample_weight=sw)


def test_held_out_scores_use_the_held_out_weights():
    X, y, sw = _classification()
    est = RecursiveWeightedClassifier(n_generations=2, keep_estimators=True, random_state=0)
    est.fit(X, y, sample_weight=sw)
    # the validation split is the first draw of the estimator's own stream
    n_val = int(np.floor(0.2 * len(X)))
    val = np.sort(np.random.RandomState(0).permutation(len(X))[:n_val])
    for model, score in zip(est.estimators_, est.history_["score"], strict=True):
        expected = accuracy_score(y[val], model.predict(X[val]), sample_weight=sw[val])
        assert score == pytest.approx(expected, rel=1e-12)


def test_accumulate_keeps_the_weights_of_the_real_rows_it_keeps():
    strategy = get_strategy("accumulate")
    X_real, y_real, u = np.arange(8.0)[:, None], np.arange(8.0), np.arange(1.0, 9.0)
    state = strategy.new_state()
    rng = np.random.RandomState(0)
    for _ in range(3):
        ts = strategy.training_set(state, X_real, y_real, lambda: (np.full((8, 1), -1.0),
                                                                   np.zeros(8)),
                                   0.5, rng, max_accumulated=12, real_weights=u)
        real = ts.X[:, 0] >= 0
        assert real.sum() == ts.n_real
        # the real share of the total weight is the real rows' share of the rows
        assert ts.sample_weight[real].sum() / ts.sample_weight.sum() == pytest.approx(
            ts.n_real / 12)
        kept = ts.X[real, 0].astype(int)
        np.testing.assert_allclose(ts.sample_weight[real] / ts.sample_weight[real].sum(),
                                   u[kept] / u[kept].sum())
        np.testing.assert_allclose(ts.sample_weight[~real], ts.sample_weight[~real][0])


# -------------------------------------------------------------- metadata routing
@pytest.fixture(params=[False, True], ids=["routing-off", "routing-on"])
def routing(request):
    with sklearn.config_context(enable_metadata_routing=request.param):
        yield request.param


def _pipeline(requested):
    last = LogisticRegression()
    if requested:
        return make_pipeline(StandardScaler().set_fit_request(sample_weight=False),
                             last.set_fit_request(sample_weight=True))
    return make_pipeline(StandardScaler(), last)


@pytest.mark.parametrize("weighted", [False, True])
def test_routing_plain_model_and_pipelines(routing, weighted):
    X, y, sw = _classification()
    sw = sw if weighted else None

    def fit(base):
        return RecursiveWeightedClassifier(base, n_generations=2, random_state=0).fit(
            X, y, sample_weight=sw)

    with sklearn.config_context(enable_metadata_routing=False):
        reference_plain = fit(LogisticRegression())
        reference_pipe = fit(_pipeline(False))
    # a plain model gets the loop's weights whatever routing says
    plain = fit(LogisticRegression())
    np.testing.assert_array_equal(plain.estimator_.coef_, reference_plain.estimator_.coef_)
    if routing:
        # a requesting Pipeline gets them as without routing (its last step's weights)
        pipe = fit(_pipeline(True))
        np.testing.assert_array_equal(pipe.estimator_[-1].coef_,
                                      reference_pipe.estimator_[-1].coef_)
        # one that requests nothing works too, its batches resampled (announced once)
        with pytest.warns(UserWarning, match="does not request sample_weight") as record:
            fit(_pipeline(False))
        assert sum("request" in str(w.message) for w in record) == 1
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fit(_pipeline(False))


def test_grid_search_routes_sample_weight_to_the_meta_estimator(routing):
    X, y, sw = _classification()
    meta = RecursiveWeightedClassifier(n_generations=2, random_state=0)
    if routing:
        meta.set_fit_request(sample_weight=True).set_score_request(sample_weight=True)
    search = GridSearchCV(meta, {"weight": [0.3, "optimal"]}, cv=3).fit(X, y, sample_weight=sw)
    direct = sklearn.clone(meta).set_params(**search.best_params_).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(search.best_estimator_.estimator_.coef_,
                                  direct.estimator_.coef_)


class _Scaled(ClassifierMixin, BaseEstimator):
    """A classifier with a scalar fit parameter, to check what reaches its fit."""

    seen = []

    def fit(self, X, y, sample_weight=None, scale=1.0):
        _Scaled.seen.append(scale)
        self.model_ = LogisticRegression().fit(X * scale, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)


def test_scalar_fit_parameters_are_routed_to_every_generation():
    X, y, _ = _classification()
    _Scaled.seen.clear()
    with sklearn.config_context(enable_metadata_routing=True):
        base = _Scaled().set_fit_request(scale=True)
        RecursiveWeightedClassifier(base, n_generations=3, random_state=0).fit(X, y, scale=2.0)
    assert _Scaled.seen == [2.0] * 4
    with pytest.raises(ValueError, match="only supported with metadata routing"):
        RecursiveWeightedClassifier(_Scaled(), n_generations=1).fit(X, y, scale=2.0)


# ------------------------------------------------------------------ bad input
class _Counting(LogisticRegression):
    """LogisticRegression that counts its fits (errors must come before any)."""

    fits = 0

    def fit(self, X, y, sample_weight=None):
        _Counting.fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"sample_weight": np.ones(299)}, ValueError, "sample_weight.*300 rows"),
    ({"sample_weight": -np.ones(300)}, ValueError, "sample_weight.*non-negative"),
    ({"sample_weight": np.r_[np.nan, np.ones(299)]}, ValueError, "sample_weight.*finite"),
    ({"sample_weight": np.r_[np.inf, np.ones(299)]}, ValueError, "sample_weight.*finite"),
    ({"sample_weight": np.zeros(300)}, ValueError, "sample_weight.*zero"),
    ({"sample_weight": np.ones((300, 1))}, ValueError, "sample_weight.*1-D"),
    ({"groups": np.arange(300)}, ValueError, "per-row metadata 'groups'"),
])
def test_bad_fit_input_is_refused_before_any_fit(kwargs, error, match):
    X, y, _ = _classification()
    _Counting.fits = 0
    with sklearn.config_context(enable_metadata_routing="groups" in kwargs):
        with pytest.raises(error, match=match):
            RecursiveWeightedClassifier(_Counting(), n_generations=2).fit(X, y, **kwargs)
    assert _Counting.fits == 0


def test_missing_values_refused_before_any_fit_by_a_model_without_nan():
    X, y, _ = _classification()
    X[3, 1] = np.nan
    _Counting.fits = 0
    with pytest.raises(ValueError, match=r"_Counting does not accept them.*SimpleImputer"):
        RecursiveWeightedClassifier(_Counting(), n_generations=2).fit(X, y)
    frame = pd.DataFrame(X, columns=list("abc"))
    with pytest.raises(ValueError, match=r"columns \['b'\].*_Counting"):
        RecursiveWeightedClassifier(_Counting(), n_generations=2).fit(frame, y)
    assert _Counting.fits == 0
    assert not RecursiveWeightedClassifier(_Counting()).__sklearn_tags__().input_tags.allow_nan


@pytest.mark.parametrize("y_bad", [
    np.r_[np.nan, np.ones(299)],
    pd.Series(np.r_[[None], np.ones(299)], dtype="Int64"),
    np.array([None] + ["a", "b"] * 149 + ["a"], dtype=object),
])
def test_missing_target_is_refused_even_when_the_model_takes_nan(y_bad):
    X, _, _ = _classification()
    with pytest.raises(ValueError, match="Input y contains NaN"):
        RecursiveWeightedClassifier(HistGradientBoostingClassifier(), n_generations=1).fit(
            X, y_bad)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        RecursiveWeightedRegressor(n_generations=1).fit(X, np.r_[np.nan, np.ones(299)])


# -------------------------------------------------------------- missing values
@pytest.fixture(scope="module")
def adult_with_missing():
    X, y = load_adult(subset="train", return_X_y=True, drop_missing=False)
    rng = np.random.RandomState(0)
    idx = rng.choice(len(X), 3000, replace=False)
    return X.iloc[idx].reset_index(drop=True), y.iloc[idx].to_numpy()


def test_hist_gradient_boosting_on_adult_with_missing_values(adult_with_missing):
    """NaN reaches the model, in real and synthetic rows alike.

    The synthetic covariates are bootstrapped from the pool, so each generation's
    share of rows with a missing occupation is a binomial proportion around the
    pool's (about 5.7%); over 5 generations of 2,400 rows its standard error is
    about 0.2 points, and we allow 1 point.
    """
    X, y = adult_with_missing
    pool_share = X["occupation"].isna().mean()
    assert pool_share > 0.03
    shares = []

    def monitor(t, model, X_fit, y_fit, sample_weight):
        if t:  # the synthetic rows follow the real ones
            synthetic = X_fit.iloc[len(X_fit) // 2:]
            shares.append(synthetic["occupation"].isna().mean())

    base = HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=30,
                                          random_state=0)
    est = RecursiveWeightedClassifier(base, n_generations=5, monitor=monitor, random_state=0)
    assert est.__sklearn_tags__().input_tags.allow_nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.fit(X, y)
        assert est.score(X, y) > 0.8
        assert est.predict_proba(X.iloc[:20]).shape == (20, 2)
        est.partial_fit(X.iloc[:500], y[:500])
    assert abs(np.mean(shares) - pool_share) < 0.01
    # an imputer in a Pipeline makes any model accept them
    imputed = make_pipeline(
        make_column_transformer(
            (make_pipeline(SimpleImputer(strategy="most_frequent"),
                           OneHotEncoder(handle_unknown="ignore")),
             ["workclass", "occupation", "native-country"]),
            (make_pipeline(SimpleImputer(), StandardScaler()), ["age", "hours-per-week"])),
        LogisticRegression())
    RecursiveWeightedClassifier(imputed, n_generations=2, random_state=0).fit(X, y)


# --------------------------------------------------------------------- polars
def _polars_adult(X):
    pl = pytest.importorskip("polars")
    columns = {}
    for name in X.columns:
        if isinstance(X[name].dtype, pd.CategoricalDtype):
            columns[name] = pl.Series(name, X[name].astype(object).tolist(), pl.Categorical)
        else:
            columns[name] = pl.Series(name, X[name].to_numpy())
    return pl.DataFrame(columns)


@pytest.mark.parametrize("weight, strategy", [(0.6, "fresh"), (0.0, "fresh"), (0.5, "replace")])
def test_polars_end_to_end_with_names_and_dtype_categoricals(adult_with_missing, weight,
                                                            strategy):
    X, y = adult_with_missing
    X = X[["age", "hours-per-week", "sex", "relationship"]]
    Xp = _polars_adult(X)
    kinds = []

    def monitor(t, model, X_fit, y_fit, sample_weight):
        kinds.append((type(X_fit).__module__.split(".")[0], X_fit.columns == Xp.columns,
                      X_fit.schema == Xp.schema))

    by_name = make_pipeline(
        make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["sex", "relationship"]),
                                (StandardScaler(), ["age", "hours-per-week"])),
        LogisticRegression())
    hgb = HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=20,
                                         random_state=0)
    for base in (by_name, hgb):
        est = RecursiveWeightedClassifier(base, n_generations=3, weight=weight,
                                          strategy=strategy, monitor=monitor, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no feature-name (or any other) warning
            est.fit(Xp, y, sample_weight=np.linspace(1, 2, len(y)))
            if strategy == "fresh":
                est.partial_fit(Xp[:300], y[:300])
            assert est.score(Xp, y) > 0.65
        assert list(est.feature_names_in_) == Xp.columns
        assert set(kinds) == {("polars", True, True)}
        kinds.clear()


def test_pandas_frames_give_no_feature_name_warnings():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    base = make_pipeline(StandardScaler(), LogisticRegression())
    for weight, strategy in [(0.0, "fresh"), (0.5, "replace"), (0.5, "accumulate")]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            RecursiveWeightedClassifier(base, n_generations=3, weight=weight, strategy=strategy,
                                        random_state=0).fit(X, y).predict(X)


# ---------------------------------------------------------- streams, defaults
def test_partial_fit_scores_are_prequential():
    X, y, sw = _classification(600)
    est = RecursiveWeightedClassifier(random_state=0)
    batches = [slice(i, i + 100) for i in range(0, 600, 100)]
    previous = None
    for b in batches:
        est.partial_fit(X[b], y[b], classes=[0, 1], sample_weight=sw[b])
        score = est.history_["score"][-1]
        if previous is None:
            assert np.isnan(score)  # generation 0 has no model to score the batch with
        else:  # the model before the call, on the batch, weighted by its weights
            assert score == accuracy_score(y[b], previous.predict(X[b]), sample_weight=sw[b])
        previous = est.estimator_
    assert np.isfinite(est.history_["score"][1:]).all()


def test_default_logistic_regression_warns_once_with_the_fix():
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.warns(ConvergenceWarning) as record:
        RecursiveWeightedClassifier(n_generations=5, random_state=0).fit(X, y)
    convergence = [w for w in record if issubclass(w.category, ConvergenceWarning)]
    assert len(convergence) == 1
    message = str(convergence[0].message)
    assert "make_pipeline(StandardScaler(), LogisticRegression())" in message
    assert convergence[0].filename == __file__  # points at the user's call
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RecursiveWeightedClassifier(make_pipeline(StandardScaler(), LogisticRegression()),
                                    n_generations=5, random_state=0).fit(X, y)


def test_weight_curve_passes_the_row_weights_to_every_fit():
    from skrecursive import weight_curve

    X, y, sw = _classification()
    est = RecursiveWeightedClassifier(n_generations=3, n_real=60, scoring="neg_log_loss")
    kw = dict(weights=[0.3], n_repeats=2, last=2, random_state=0)
    plain = weight_curve(est, X, y, **kw)
    pd.testing.assert_frame_equal(plain, weight_curve(est, X, y, sample_weight=np.ones(300),
                                                      **kw))
    weighted = weight_curve(est, X, y, sample_weight=sw, **kw)
    assert not np.allclose(weighted["score_mean"], plain["score_mean"])
