"""The ``monitor`` hook and ``keep_estimators``."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, Ridge

from skrecursive import (
    GaussianDensity,
    RecursiveDensityEstimator,
    RecursiveWeightedClassifier,
    RecursiveWeightedRegressor,
)


@pytest.fixture
def data(linear_model_rows):
    return linear_model_rows(300, [1.0, -1.0])


class Recorder:
    """Monitor that keeps every call's arguments and records the number of rows."""

    def __init__(self):
        self.calls = []

    def __call__(self, generation, estimator, X, y, sample_weight):
        self.calls.append((generation, estimator, X, y, sample_weight))
        return {"rows": len(X)}


def test_monitor_sees_each_generations_model_and_training_rows(data):
    recorder = Recorder()
    est = RecursiveWeightedRegressor(Ridge(), n_generations=4, n_real=60, n_synthetic=30,
                                     weight=0.7, monitor=recorder, keep_estimators=True,
                                     random_state=0).fit(*data)
    assert [c[0] for c in recorder.calls] == [0, 1, 2, 3, 4]
    assert [c[1] for c in recorder.calls] == est.estimators_
    for generation, model, X, y, sample_weight in recorder.calls:
        # the model was fitted on exactly these rows and weights
        refit = Ridge().fit(X, y, sample_weight=sample_weight)
        np.testing.assert_allclose(model.coef_, refit.coef_, rtol=1e-12)
        if generation == 0:
            assert len(X) == 60 and sample_weight is None
        else:
            assert len(X) == 90
            assert sample_weight[:60].sum() / sample_weight.sum() == pytest.approx(0.7)
    np.testing.assert_array_equal(est.history_["rows"], [60, 90, 90, 90, 90])
    assert list(pd.DataFrame(est.history_).columns)[-2:] == ["fit_time", "rows"]


def test_monitor_records_what_a_held_out_split_used_to_fake():
    # Known truth: ||coef_ - beta||^2 per generation, without holding any row out.
    rng = np.random.RandomState(1)
    beta = np.array([1.0, 1.0])
    X = rng.standard_normal((600, 2))
    y = X @ beta + rng.standard_normal(600)

    def coef_error(generation, estimator, X, y, sample_weight):
        return {"coef_error": float(np.sum((estimator.coef_ - beta) ** 2))}

    est = RecursiveWeightedRegressor(LinearRegression(fit_intercept=False), n_generations=5,
                                     n_real=100, real_sampling="disjoint",
                                     validation_fraction=0.0, monitor=coef_error,
                                     keep_estimators=True, random_state=0).fit(X, y)
    expected = [np.sum((m.coef_ - beta) ** 2) for m in est.estimators_]
    np.testing.assert_array_equal(est.history_["coef_error"], expected)
    assert np.isnan(est.generation_scores_).all()  # nothing was held out


def test_monitor_on_the_density_estimator_gets_no_target():
    X = np.random.RandomState(0).standard_normal((200, 2))
    seen = []

    def monitor(generation, estimator, X, y, sample_weight):
        seen.append(y)
        return {"mean_norm": float(np.linalg.norm(estimator.mean_))}

    est = RecursiveDensityEstimator(GaussianDensity(), n_generations=3, monitor=monitor,
                                    random_state=0).fit(X)
    assert seen == [None] * 4 and est.history_["mean_norm"].shape == (4,)


def test_monitor_returning_none_adds_no_column(data):
    est = RecursiveWeightedRegressor(n_generations=2, monitor=lambda *args: None,
                                     random_state=0).fit(*data)
    assert list(est.history_) == ["generation", "n_real", "n_synthetic", "weight", "score",
                                  "fit_time"]


def test_monitor_does_not_change_the_fit(data):
    plain = RecursiveWeightedRegressor(n_generations=3, random_state=0).fit(*data)
    watched = RecursiveWeightedRegressor(n_generations=3, monitor=Recorder(),
                                         random_state=0).fit(*data)
    np.testing.assert_array_equal(plain.predict(data[0]), watched.predict(data[0]))


@pytest.mark.parametrize(
    ("result", "error", "match"),
    [
        ([1.0], TypeError, "monitor must return a dict of numbers"),
        ({1: 1.0}, TypeError, "monitor must return a dict with str keys"),
        ({"score": 1.0}, ValueError, "monitor returned the key 'score'"),
        ({"score_r2": 1.0}, ValueError, "monitor returned the key 'score_r2'"),
        ({"fit_time": 1.0}, ValueError, "monitor returned the key 'fit_time'"),
        ({"a": np.inf}, ValueError, "monitor returned inf for 'a' at generation 0"),
        ({"a": np.ones(2)}, TypeError, "monitor must return numbers"),
        ({"a": "1.0"}, TypeError, "monitor must return numbers"),
        ({"a": None}, TypeError, "monitor must return numbers"),
        ({"a": 1 + 2j}, TypeError, "monitor must return numbers"),
    ],
)
def test_bad_monitor_results_name_the_monitor(data, result, error, match):
    est = RecursiveWeightedRegressor(n_generations=2, monitor=lambda *args: result)
    with pytest.raises(error, match=match):
        est.fit(*data)
    assert not hasattr(est, "history_")


def test_monitor_nan_and_numpy_scalars_are_accepted(data):
    est = RecursiveWeightedRegressor(
        n_generations=2, random_state=0,
        monitor=lambda t, *args: {"a": np.float32(t), "b": np.nan, "c": np.array(2), "d": True},
    ).fit(*data)
    np.testing.assert_array_equal(est.history_["a"], [0.0, 1.0, 2.0])
    assert np.isnan(est.history_["b"]).all() and est.history_["d"].tolist() == [1.0] * 3


def test_monitor_keys_must_not_change_during_a_fit(data):
    def monitor(generation, *args):
        return {"a": 1.0} if generation < 2 else {"b": 1.0}

    with pytest.raises(ValueError, match=r"monitor returned the keys \['b'\] at generation 2 "
                                         r"but \['a'\] before"):
        RecursiveWeightedRegressor(n_generations=3, monitor=monitor).fit(*data)


def test_bad_monitor_parameter(data):
    with pytest.raises(ValueError, match="'monitor'"):
        RecursiveWeightedRegressor(monitor="coef").fit(*data)
    with pytest.raises(ValueError, match="'keep_estimators'"):
        RecursiveWeightedRegressor(keep_estimators="yes").fit(*data)


def test_monitor_columns_across_partial_fit_calls(data):
    X, y = data
    est = RecursiveWeightedRegressor(random_state=0).partial_fit(X[:50], y[:50])
    est.set_params(monitor=lambda t, *args: {"a": float(t)})
    est.partial_fit(X[50:100], y[50:100])
    est.set_params(monitor=lambda t, *args: {"b": 2.0 * t})
    est.partial_fit(X[100:150], y[100:150])
    np.testing.assert_array_equal(est.history_["a"], [np.nan, 1.0, np.nan])
    np.testing.assert_array_equal(est.history_["b"], [np.nan, np.nan, 4.0])


# ---------------------------------------------------------------- keep_estimators
def test_keep_estimators(data):
    est = RecursiveWeightedRegressor(n_generations=3, keep_estimators=True,
                                     random_state=0).fit(*data)
    assert len(est.estimators_) == 4 and est.estimators_[-1] is est.estimator_
    assert len({id(m) for m in est.estimators_}) == 4
    # the models differ: each generation is a new fit
    assert len({tuple(m.coef_) for m in est.estimators_}) == 4
    # refitting without keeping them drops the list
    est.set_params(keep_estimators=False).fit(*data)
    assert not hasattr(est, "estimators_")


def test_keep_estimators_default_keeps_only_the_last(data):
    est = RecursiveWeightedRegressor(n_generations=3, random_state=0).fit(*data)
    assert not hasattr(est, "estimators_")


def test_keep_estimators_with_partial_fit():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((200, 2))
    y = (X[:, 0] > 0).astype(int)
    clf = RecursiveWeightedClassifier(random_state=0).partial_fit(X[:50], y[:50])
    clf.set_params(keep_estimators=True)
    clf.partial_fit(X[50:100], y[50:100])
    clf.partial_fit(X[100:150], y[100:150])
    assert clf.estimators_[0] is None and clf.estimators_[-1] is clf.estimator_
    assert len(clf.estimators_) == len(clf.history_["generation"]) == 3
