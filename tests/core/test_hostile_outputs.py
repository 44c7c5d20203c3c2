"""Everything a user's model returns is checked in the generation step (issue 18).

Base models, samplers, scorers and monitors that return something the next
generation cannot use are refused with an error naming the method, the model
(the source) and the generation, and the failed fit leaves the estimator
unfitted. A well-behaved model of the same kind passes the same checks.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.linear_model import LinearRegression, LogisticRegression

from skrecursive import (
    GaussianCopula,
    RecursiveDensityEstimator,
    RecursiveWeightedClassifier,
    RecursiveWeightedRegressor,
)


class ProbaModel(ClassifierMixin, BaseEstimator):
    """A logistic regression whose ``predict_proba``/``predict`` are altered by ``mode``."""

    def __init__(self, mode="ok"):
        self.mode = mode

    def fit(self, X, y, sample_weight=None):
        self.model_ = LogisticRegression().fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        p = self.model_.predict_proba(X)
        return {
            "ok": p,
            "zeros": np.zeros_like(p),
            "doubled": 2 * p,
            "nan": np.where(np.arange(len(p))[:, None] == 0, np.nan, p),
            "negative": p * [[-1.0, 3.0]],
            "one-column": p[:, :1],
            "complex": p + 0j,
        }[self.mode]

    def predict(self, X):
        labels = self.model_.predict(X)
        if self.mode == "unknown-label":
            return np.where(np.arange(len(labels)) % 2 == 0, 7, labels)
        if self.mode == "short-labels":
            return labels[:-1]
        return labels


class PredictModel(RegressorMixin, BaseEstimator):
    """A linear regression whose ``predict`` is altered by ``mode``."""

    def __init__(self, mode="ok"):
        self.mode = mode

    def fit(self, X, y, sample_weight=None):
        self.model_ = LinearRegression().fit(X, y, sample_weight=sample_weight)
        return self

    def predict(self, X):
        pred = self.model_.predict(X)
        return {
            "ok": pred,
            "short": pred[:-1],
            "column": pred[:, None],
            "two-columns": np.column_stack([pred, pred]),
            "text": pred.astype(str),
            "complex": pred + 1j,
            "list": pred.tolist(),
            "scalar": float(pred.mean()),
        }[self.mode]


def _classification(n=200, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] + rng.normal(size=n) > 0).astype(int)


def _regression(n=200, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    return X, X @ [1.0, 2.0] + rng.normal(size=n)


# ------------------------------------------------------------- predict_proba
@pytest.mark.parametrize("mode, match", [
    ("zeros", r"not probability vectors .* 80 of 80 rows do not sum to 1 \(row 0 sums to 0\)"),
    ("doubled", r"not probability vectors .* sums to 2"),
    ("nan", r"returned NaN or infinity"),
    ("negative", r"returned negative values"),
    ("one-column", r"shape \(80, 1\) .* expected \(80, 2\)"),
    ("complex", r"complex numbers"),
])
def test_predict_proba_must_return_probability_rows(mode, match):
    X, y = _classification()
    est = RecursiveWeightedClassifier(ProbaModel(mode), n_generations=2, n_real=80,
                                      validation_fraction=0.0, random_state=0)
    with pytest.raises(ValueError, match=r"estimator.predict_proba \(the generation-0 "
                                         r"ProbaModel\) returned") as info:
        est.fit(X, y)
    assert "generation 1" in str(info.value)
    assert info.match(match)
    assert not hasattr(est, "estimator_")


def test_probability_rows_that_sum_to_one_pass():
    X, y = _classification()
    est = RecursiveWeightedClassifier(ProbaModel("ok"), n_generations=2, n_real=80,
                                      validation_fraction=0.0, random_state=0).fit(X, y)
    assert len(est.history_["generation"]) == 3


# ------------------------------------------------------------- labels="argmax"
@pytest.mark.parametrize("mode, match", [
    ("unknown-label", r"labels outside its classes_ .* \[7, 7, 7, 7, 7\] not in \[0, 1\]"),
    ("short-labels", r"shape \(79,\) .* expected \(80,\)"),
])
def test_argmax_labels_must_be_classes_of_the_model(mode, match):
    X, y = _classification()
    est = RecursiveWeightedClassifier(ProbaModel(mode), labels="argmax", n_generations=2,
                                      n_real=80, n_synthetic=80, validation_fraction=0.0,
                                      random_state=0)
    with pytest.raises(ValueError, match=r"estimator.predict \(the generation-0 ProbaModel\) "
                                         r"returned .* of generation 1") as info:
        est.fit(X, y)
    assert info.match(match)
    assert not hasattr(est, "estimator_")


# ------------------------------------------------------------- regression predict
@pytest.mark.parametrize("mode, match", [
    ("short", r"shape \(79,\)"),
    ("column", r"shape \(80, 1\)"),
    ("two-columns", r"shape \(80, 2\)"),
    ("text", r"dtype <U.*predictions must be numbers"),
    ("complex", r"complex numbers"),
    ("scalar", r"returned float"),
])
@pytest.mark.parametrize("noise", ["gaussian", "none"])
def test_regression_predictions_of_the_wrong_length_shape_or_type(mode, match, noise):
    # with noise="gaussian" the model meets its own real rows first (the residuals set the
    # noise scale); with noise="none" it meets the synthetic covariates first
    X, y = _regression()
    est = RecursiveWeightedRegressor(PredictModel(mode), noise=noise, n_generations=2,
                                     n_real=80, n_synthetic=80, validation_fraction=0.0,
                                     random_state=0)
    where = (r"on the 80 real rows of generation 0" if noise == "gaussian"
             else r"on the synthetic covariates of generation 1")
    with pytest.raises(ValueError, match=r"estimator.predict \(the generation-0 PredictModel\) "
                                         rf"returned .*{where}") as info:
        est.fit(X, y)
    assert info.match(match)
    assert not hasattr(est, "estimator_")


def test_predictions_as_a_list_of_numbers_are_used():
    X, y = _regression()
    common = dict(n_generations=2, n_real=80, validation_fraction=0.0, random_state=0)
    as_list = RecursiveWeightedRegressor(PredictModel("list"), **common).fit(X, y)
    as_array = RecursiveWeightedRegressor(PredictModel("ok"), **common).fit(X, y)
    np.testing.assert_array_equal(as_list.estimator_.model_.coef_,
                                  as_array.estimator_.model_.coef_)


# ------------------------------------------------------------- sampler columns
class RenamingCopula(GaussianCopula):
    """A copula whose samples come back with a column renamed."""

    def sample(self, n_samples=1, random_state=None):
        return super().sample(n_samples, random_state).rename(columns={"x": "x_renamed"})


class FrameCovariates:
    def __init__(self, columns):
        self.columns = columns

    def sample(self, n, random_state=None):
        rng = np.random.RandomState(random_state)
        return pd.DataFrame(rng.normal(size=(n, len(self.columns))), columns=self.columns)


def test_a_synthesizer_returning_other_columns_is_named():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"x": rng.normal(size=100), "c": rng.choice(["a", "b"], size=100)})
    est = RecursiveDensityEstimator(RenamingCopula(), n_generations=2, random_state=0)
    with pytest.raises(ValueError, match=r"estimator.sample \(the generation-0 RenamingCopula\)"
                                         r".*other columns than the real rows \(synthetic rows "
                                         r"for generation 1\): it lacks \['x'\] and has "
                                         r"\['x_renamed'\]"):
        est.fit(X)
    assert not hasattr(est, "estimator_")


@pytest.mark.parametrize("columns, match", [
    (["a", "b"], None),
    (["b", "a"], r"in another order, \['b', 'a'\]"),
    (["a", "z"], r"it lacks \['b'\] and has \['z'\] instead"),
    (["a", "b", "c"], r"returned 3 columns, but the data have 2 features"),
])
def test_covariate_sampler_columns_must_be_the_real_ones(columns, match):
    X, y = _regression()
    X = pd.DataFrame(X, columns=["a", "b"])
    est = RecursiveWeightedRegressor(covariate_sampler=FrameCovariates(columns),
                                     n_generations=2, n_real=80, random_state=0)
    if match is None:
        est.fit(X, y)
        assert len(est.history_["generation"]) == 3
    else:
        with pytest.raises(ValueError, match=r"covariate_sampler.sample\(80\) returned") as info:
            est.fit(X, y)
        assert info.match(match) and "generation 1" in str(info.value)
        assert not hasattr(est, "estimator_")


# ------------------------------------------------------------- scores and monitors
@pytest.mark.parametrize("value, error, match", [
    (1 + 2j, TypeError, r"returned a complex \(\(1\+2j\)\) at generation 0"),
    (np.complex128(0.5), TypeError, r"returned a complex128 .* at generation 0"),
    pytest.param(10**400, ValueError, r"returned an int of 401 digits at generation 0, beyond "
                 r"the float range", id="int-1e400"),
    (np.array(0.5 + 0j), TypeError, r"returned a complex128"),
])
def test_scores_that_are_complex_or_overflow_are_refused(value, error, match):
    X, y = _regression()

    def scorer(estimator, X, y):
        return value

    est = RecursiveWeightedRegressor(n_generations=1, scoring=scorer, random_state=0)
    with pytest.raises(error, match=r"scoring=scorer " + match):
        est.fit(X, y)
    assert not hasattr(est, "history_")


@pytest.mark.parametrize("value, error, match", [
    (np.complex128(1.0), TypeError, r"its key 'gap' holds the complex number"),
    (2 + 0j, TypeError, r"its key 'gap' holds the complex number"),
    pytest.param(10**400, ValueError, r"int of 401 digits for 'gap' at generation 0",
                 id="int-1e400"),
    pytest.param(-(10**400), ValueError, r"int of 402 digits for 'gap' at generation 0",
                 id="int-minus-1e400"),
])
def test_monitor_values_that_are_complex_or_overflow_name_the_key(value, error, match):
    X, y = _regression()
    est = RecursiveWeightedRegressor(n_generations=1, random_state=0,
                                     monitor=lambda *args: {"gap": value})
    with pytest.raises(error, match=match):
        est.fit(X, y)
    assert not hasattr(est, "history_")


def test_large_but_finite_monitor_values_are_recorded_exactly():
    X, y = _regression()
    est = RecursiveWeightedRegressor(n_generations=1, random_state=0,
                                     monitor=lambda t, *args: {"gap": 10**300 * (t + 1)})
    est.fit(X, y)
    np.testing.assert_array_equal(est.history_["gap"], [1e300, 2e300])
