"""RecursiveWeightedRegressor: scikit-learn citizenship, the loop's mechanics, bad input."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_diabetes
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, PoissonRegressor, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skrecursive import RecursiveWeightedRegressor, naive_weight, optimal_weight


@pytest.fixture
def linear_data(linear_model_rows):
    return linear_model_rows(300, [1.0, -2.0, 0.5], intercept=0.3)


class RecordingRidge(Ridge):
    """Ridge that keeps what each fit received, to inspect the loop."""

    def fit(self, X, y, sample_weight=None):
        self.seen_ = (np.asarray(X).copy(), np.asarray(y).copy(),
                      None if sample_weight is None else np.asarray(sample_weight).copy())
        return super().fit(X, y, sample_weight=sample_weight)


# --------------------------------------------------------------------- mechanics
def test_fitted_attributes_and_history(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(n_generations=4, n_real=100, n_synthetic=50,
                                     random_state=0).fit(X, y)
    assert est.n_real_ == 100 and est.n_synthetic_ == 50 and est.k_ == 2.0
    assert est.weight_ == pytest.approx(optimal_weight(2.0))
    assert est.optimal_weight_ == pytest.approx(optimal_weight(2.0))
    frame = pd.DataFrame(est.history_)
    assert list(frame.columns) == ["generation", "n_real", "n_synthetic", "weight", "score",
                                   "fit_time"]
    assert frame["generation"].tolist() == [0, 1, 2, 3, 4]
    assert frame["n_synthetic"].tolist() == [0, 50, 50, 50, 50]
    assert frame["weight"].iloc[0] == 1.0 and np.allclose(frame["weight"].iloc[1:], est.weight_)
    assert len(est.generation_scores_) == 5
    # scores are R^2 on held-out rows: this model fits well
    assert np.all(est.generation_scores_ > 0.7)
    assert est.n_features_in_ == 3


def test_weights_reach_the_model_as_theory_says(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(RecordingRidge(), n_generations=1, n_real=60,
                                     n_synthetic=30, weight=0.3, random_state=0).fit(X, y)
    Xs, ys, sw = est.estimator_.seen_
    assert Xs.shape == (90, 3)
    n, m, w = 60, 30, 0.3
    np.testing.assert_allclose(sw[:n], w * (n + m) / n)
    np.testing.assert_allclose(sw[n:], (1 - w) * (n + m) / m)
    # total mass on the real part is w and the weights sum to n + m
    assert sw[:n].sum() / sw.sum() == pytest.approx(w)
    assert sw.sum() == pytest.approx(n + m)


def test_naive_weight_is_plain_pooling(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(RecordingRidge(), n_generations=1, n_real=40,
                                     n_synthetic=2.5, weight="naive", random_state=0).fit(X, y)
    assert est.weight_ == pytest.approx(naive_weight(40 / 100))
    np.testing.assert_allclose(est.estimator_.seen_[2], 1.0)


def test_generation_zero_uses_real_rows_only(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(RecordingRidge(), n_generations=0, n_real=50,
                                     random_state=0).fit(X, y)
    Xs, ys, sw = est.estimator_.seen_
    assert sw is None and Xs.shape == (50, 3)
    # every row is a real row of the pool
    pool = {tuple(r) for r in X}
    assert all(tuple(r) in pool for r in Xs)


def test_weight_one_ignores_synthetic_and_zero_uses_only_synthetic(linear_data):
    X, y = linear_data
    one = RecursiveWeightedRegressor(RecordingRidge(), n_generations=2, n_real=50,
                                     weight=1.0, random_state=0).fit(X, y)
    assert one.estimator_.seen_[0].shape == (50, 3)
    assert one.history_["n_synthetic"].tolist() == [0, 0, 0]
    zero = RecursiveWeightedRegressor(RecordingRidge(), n_generations=2, n_real=50,
                                      n_synthetic=70, weight=0.0, random_state=0).fit(X, y)
    Xs, ys, sw = zero.estimator_.seen_
    assert Xs.shape == (70, 3) and sw is None


def test_disjoint_batches_never_repeat_a_row():
    X = np.arange(200, dtype=float).reshape(100, 2)  # every row distinct
    y = X.sum(axis=1)
    seen = []

    class Spy(RecordingRidge):
        def fit(self, X, y, sample_weight=None):
            seen.append(np.asarray(X)[: 15 if sample_weight is None else 15].copy())
            return super().fit(X, y, sample_weight=sample_weight)

    RecursiveWeightedRegressor(Spy(), n_generations=4, n_real=15, weight=0.5,
                               real_sampling="disjoint", validation_fraction=0.2,
                               random_state=1).fit(X, y)
    rows = np.concatenate(seen)  # the real part of each generation's batch
    assert len(rows) == 75
    assert len({tuple(r) for r in rows}) == 75


def test_disjoint_default_n_real_splits_the_pool():
    rng = np.random.RandomState(0)
    X, y = rng.standard_normal((110, 2)), rng.standard_normal(110)
    est = RecursiveWeightedRegressor(n_generations=9, real_sampling="disjoint",
                                     validation_fraction=0.0).fit(X, y)
    assert est.n_real_ == 11
    est = RecursiveWeightedRegressor(n_generations=9).fit(X, y)
    assert est.n_real_ == 88  # bootstrap: the training pool's size (110 - 22 held out)


def test_float_n_real_is_a_fraction_of_the_pool(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(n_generations=1, n_real=0.5, n_synthetic=0.5,
                                     validation_fraction=0.0).fit(X, y)
    assert (est.n_real_, est.n_synthetic_) == (150, 75)


def test_reproducible_and_seed_dependent(linear_data):
    X, y = linear_data
    params = dict(n_generations=5, n_real=80, random_state=3)
    a = RecursiveWeightedRegressor(Ridge(), **params).fit(X, y)
    b = RecursiveWeightedRegressor(Ridge(), **params).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    np.testing.assert_array_equal(a.generation_scores_, b.generation_scores_)
    c = RecursiveWeightedRegressor(Ridge(), **{**params, "random_state": 4}).fit(X, y)
    assert not np.array_equal(a.predict(X), c.predict(X))


def test_base_model_random_state_is_driven_by_ours(linear_data):
    from sklearn.tree import DecisionTreeRegressor

    X, y = linear_data
    kw = dict(n_generations=3, n_real=100, random_state=0)
    a = RecursiveWeightedRegressor(DecisionTreeRegressor(max_features=1), **kw).fit(X, y)
    b = RecursiveWeightedRegressor(DecisionTreeRegressor(max_features=1), **kw).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


@pytest.mark.parametrize("noise", ["gaussian", "residual", "none"])
def test_noise_models_have_the_right_spread(linear_data, noise):
    X, y = linear_data
    est = RecursiveWeightedRegressor(n_generations=1, n_real=300, random_state=0,
                                     validation_fraction=0.0, noise=noise).fit(X, y)
    source = est._source
    rng = np.random.RandomState(0)
    from skrecursive._core.sources import BootstrapRows

    Xs, ys = source.sample(20_000, rng, BootstrapRows(X))
    spread = np.std(ys - est.estimator_.predict(Xs))
    if noise == "none":
        assert spread == 0.0
    else:
        # the true noise sd is 1; residual sd from 300 rows is within a few % of it,
        # and 20,000 synthetic draws estimate the spread to 0.5%
        assert spread == pytest.approx(1.0, abs=0.12)


def test_poisson_noise_draws_counts():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((400, 2))
    y = rng.poisson(np.exp(0.5 + X @ [0.3, -0.2])).astype(float)
    est = RecursiveWeightedRegressor(PoissonRegressor(alpha=0.0), noise="poisson",
                                     n_generations=2, random_state=0).fit(X, y)
    from skrecursive._core.sources import BootstrapRows

    Xs, ys = est._source.sample(5000, rng, BootstrapRows(X))
    assert np.all(ys == np.round(ys)) and ys.min() >= 0
    # Poisson: variance equals the mean, on average over covariates
    mu = est.estimator_.predict(Xs)
    assert np.mean((ys - mu) ** 2) / np.mean(mu) == pytest.approx(1.0, abs=0.1)


def test_poisson_noise_with_negative_predictions_is_an_error():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((200, 1))
    y = np.maximum(X[:, 0], 0.0)  # non-negative target, but a line predicts negatives
    with pytest.raises(ValueError, match="poisson"):
        RecursiveWeightedRegressor(noise="poisson", n_generations=2,
                                   random_state=0).fit(X, y)


def test_custom_covariate_sampler_and_tuple_return(linear_data):
    X, y = linear_data
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(n_components=2, random_state=0).fit(X)
    est = RecursiveWeightedRegressor(RecordingRidge(), n_generations=1, n_real=50,
                                     n_synthetic=40, covariate_sampler=gm,
                                     random_state=0).fit(X, y)
    Xs = est.estimator_.seen_[0]
    assert Xs.shape == (90, 3)
    pool = {tuple(r) for r in X}
    # the synthetic covariates are draws from the mixture, not pool rows
    assert not any(tuple(r) in pool for r in Xs[50:])


def test_pipeline_receives_weights_on_last_step(linear_data):
    X, y = linear_data
    pipe = make_pipeline(StandardScaler(), RecordingRidge())
    est = RecursiveWeightedRegressor(pipe, n_generations=1, n_real=50, weight=0.25,
                                     random_state=0).fit(X, y)
    sw = est.estimator_[-1].seen_[2]
    np.testing.assert_allclose(sw[:50], 0.25 * 100 / 50)


def test_model_without_sample_weight_is_resampled_with_one_warning(linear_data):
    X, y = linear_data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = RecursiveWeightedRegressor(KNeighborsRegressor(), n_generations=3,
                                         random_state=0).fit(X, y)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(messages) == 1 and "resampled" in messages[0]
    assert est.estimator_.n_samples_fit_ == 2 * est.n_real_


def test_dataframe_with_categorical_columns_end_to_end():
    rng = np.random.RandomState(0)
    n = 300
    frame = pd.DataFrame({
        "x": rng.standard_normal(n),
        "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
    })
    effect = frame["colour"].map({"red": 1.0, "green": -1.0, "blue": 0.0}).astype(float)
    y = 2 * frame["x"] + effect + 0.1 * rng.standard_normal(n)
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["colour"]),
                                (StandardScaler(), ["x"])),
        Ridge(alpha=1e-3),
    )
    est = RecursiveWeightedRegressor(model, n_generations=3, random_state=0).fit(frame, y)
    assert list(est.feature_names_in_) == ["x", "colour"]
    assert est.score(frame, y) > 0.95
    with pytest.raises(ValueError, match="feature"):
        est.predict(frame[["colour", "x"]].rename(columns={"colour": "c"}))


def test_partial_fit_streams_one_generation_per_call(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(RecordingRidge(), n_synthetic=0.5, random_state=0)
    est.partial_fit(X[:100], y[:100])
    assert est.history_["generation"].tolist() == [0]
    assert est.estimator_.seen_[2] is None
    est.partial_fit(X[100:200], y[100:200])
    est.partial_fit(X[200:260], y[200:260])
    assert est.history_["generation"].tolist() == [0, 1, 2]
    assert est.history_["n_real"].tolist() == [100, 100, 60]
    assert est.history_["n_synthetic"].tolist() == [0, 50, 30]
    Xs, _, sw = est.estimator_.seen_
    np.testing.assert_array_equal(Xs[:60], X[200:260])  # the batch is the real data
    assert est.k_ == 2.0 and sw[:60].sum() / sw.sum() == pytest.approx(optimal_weight(2.0))
    with pytest.raises(ValueError, match="features"):
        est.partial_fit(X[:10, :2], y[:10])


def test_partial_fit_continues_after_fit(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(n_generations=2, random_state=0).fit(X, y)
    fitted = est.estimator_
    est.partial_fit(X[:50], y[:50])
    assert est.history_["generation"].tolist() == [0, 1, 2, 3]
    # prequential: the model fitted before the call, scored on the new batch
    assert est.generation_scores_[-1] == fitted.score(X[:50], y[:50])


# -------------------------------------------------------------- citizenship
def test_grid_search_over_weight():
    X, y = load_diabetes(return_X_y=True)
    search = GridSearchCV(
        RecursiveWeightedRegressor(Ridge(alpha=0.01), n_generations=3, random_state=0),
        {"weight": [0.0, 0.3, optimal_weight(1.0), 1.0]}, cv=3,
    ).fit(X, y)
    assert search.best_params_["weight"] in (0.3, optimal_weight(1.0), 1.0)
    assert len(search.cv_results_["mean_test_score"]) == 4


def test_cross_val_score_clone_pickle_set_params(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(Ridge(), n_generations=2, random_state=0)
    scores = cross_val_score(est, X, y, cv=3)
    assert np.all(scores > 0.7)
    cloned = clone(est.set_params(weight=0.4, estimator__alpha=2.0))
    assert cloned.weight == 0.4 and cloned.estimator.alpha == 2.0
    assert not hasattr(cloned, "estimator_")
    fitted = cloned.fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"weight": 1.5}, "'weight'"),
        ({"weight": -0.1}, "'weight'"),
        ({"weight": float("nan")}, "'weight'"),
        ({"weight": "best"}, "'weight'"),
        ({"n_generations": -1}, "'n_generations'"),
        ({"n_generations": 2.5}, "'n_generations'"),
        ({"n_real": 0}, "'n_real'"),
        ({"n_real": -0.5}, "'n_real'"),
        ({"n_synthetic": 0}, "'n_synthetic'"),
        ({"n_synthetic": -1.0}, "'n_synthetic'"),
        ({"validation_fraction": 1.0}, "'validation_fraction'"),
        ({"validation_fraction": -0.1}, "'validation_fraction'"),
        ({"real_sampling": "stratified"}, "'real_sampling'"),
        ({"noise": "laplace"}, "'noise'"),
        ({"scoring": "not_a_scorer"}, "'scoring'"),
        ({"covariate_sampler": "uniform"}, "'covariate_sampler'"),
        ({"estimator": "LinearRegression"}, "'estimator'"),
    ],
)
def test_bad_parameters_name_themselves(linear_data, params, match):
    X, y = linear_data
    est = RecursiveWeightedRegressor(**{"estimator": RecordingRidge(), **params})
    with pytest.raises((ValueError, TypeError), match=match):
        est.fit(X, y)
    assert not hasattr(est, "estimator_")  # nothing half-fitted


def test_classifier_as_estimator_is_a_type_error(linear_data):
    X, y = linear_data
    with pytest.raises(TypeError, match="regressor"):
        RecursiveWeightedRegressor(LogisticRegression()).fit(X, y > 0)


@pytest.mark.parametrize("bad", ["nan_X", "inf_X", "nan_y", "inf_y"])
def test_non_finite_input(linear_data, bad):
    X, y = linear_data[0].copy(), linear_data[1].copy()
    if bad.endswith("X"):
        X[3, 1] = np.nan if bad.startswith("nan") else np.inf
    else:
        y[3] = np.nan if bad.startswith("nan") else np.inf
    with pytest.raises(ValueError, match="NaN|infinity"):
        RecursiveWeightedRegressor().fit(X, y)


def test_shape_errors(linear_data):
    X, y = linear_data
    with pytest.raises(ValueError, match="2D array"):
        RecursiveWeightedRegressor().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="0 sample"):
        RecursiveWeightedRegressor().fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        RecursiveWeightedRegressor().fit(X, y[:-1])


def test_disjoint_needs_enough_rows(linear_data):
    X, y = linear_data  # 300 rows, 240 after the validation hold-out
    with pytest.raises(ValueError, match=r"needs 1100 training rows.*only 240"):
        RecursiveWeightedRegressor(n_real=100, n_generations=10,
                                   real_sampling="disjoint").fit(X, y)


def test_predict_before_fit_and_wrong_width(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor()
    with pytest.raises(NotFittedError):
        est.predict(X)
    est.set_params(n_generations=1).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :2])


def test_poisson_noise_needs_non_negative_target(linear_data):
    X, y = linear_data
    with pytest.raises(ValueError, match="non-negative"):
        RecursiveWeightedRegressor(noise="poisson").fit(X, y)


def test_errors_come_before_any_fitting(linear_data):
    X, y = linear_data
    calls = []

    class Counting(Ridge):
        def fit(self, X, y, sample_weight=None):
            calls.append(1)
            return super().fit(X, y, sample_weight=sample_weight)

    with pytest.raises(ValueError):
        RecursiveWeightedRegressor(Counting(), n_real=1000, n_generations=5,
                                   real_sampling="disjoint").fit(X, y)
    with pytest.raises(ValueError):
        RecursiveWeightedRegressor(Counting(), noise="poisson").fit(X, y)
    assert calls == []


def test_multi_metric_scoring_records_every_metric(linear_data):
    X, y = linear_data
    est = RecursiveWeightedRegressor(
        n_generations=3, random_state=0,
        scoring={"r2": "r2", "mae": "neg_mean_absolute_error"},
    ).fit(X, y)
    assert set(est.generation_scores_) == {"r2", "mae"}
    assert "score" not in est.history_
    frame = pd.DataFrame(est.history_)
    assert {"score_r2", "score_mae"} <= set(frame.columns)
    # the r2 column is what single-metric scoring="r2" records, on the same draws
    single = RecursiveWeightedRegressor(n_generations=3, random_state=0, scoring="r2").fit(X, y)
    np.testing.assert_allclose(est.generation_scores_["r2"], single.generation_scores_)
    # noise sd is 1: the mean absolute error of a good fit is near sqrt(2 / pi) = 0.8
    assert np.all(np.abs(-est.generation_scores_["mae"] - 0.8) < 0.15)
    fitted = est.estimator_
    est.partial_fit(X[:50], y[:50])  # prequential: the previous model on the new batch
    mae = np.mean(np.abs(fitted.predict(X[:50]) - y[:50]))
    np.testing.assert_allclose(est.history_["score_mae"][-1], -mae, rtol=1e-12)


@pytest.mark.parametrize("scoring", [[], ["r2", "r2"], ["r2", "nope"], {"a": 3}])
def test_bad_multi_metric_scoring(linear_data, scoring):
    with pytest.raises(ValueError, match="'scoring'"):
        RecursiveWeightedRegressor(scoring=scoring).fit(*linear_data)
