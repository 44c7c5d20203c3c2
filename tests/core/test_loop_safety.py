"""Nothing silently wrong, nothing half-fitted: checked synthetic rows and all-or-nothing fits.

Every synthetic batch is checked in the generation step (rows, columns, container,
finiteness) and a bad one is refused with an error naming its source and the
generation. A fit or partial_fit that fails, or is interrupted, leaves the
estimator exactly as it was (a fresh one unfitted), random state included.
"""

import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge

from skrecursive import (
    GaussianDensity,
    RecursiveDensityEstimator,
    RecursiveWeightedClassifier,
    RecursiveWeightedRegressor,
)


@pytest.fixture
def data(linear_model_rows):
    return linear_model_rows(200, [1.0, -1.0, 0.5])


# ------------------------------------------------------------ faulty sources
class BadPredictions(Ridge):
    """Ridge whose predictions turn into ``value`` from the ``after``-th fit of the class on."""

    value = np.nan
    after = 0
    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        self.broken_ = type(self).fits > type(self).after
        return super().fit(X, y, sample_weight=sample_weight)

    def predict(self, X):
        pred = super().predict(X)
        if self.broken_:
            pred = np.full_like(pred, self.value)
        return pred


@pytest.mark.parametrize("value", [np.nan, np.inf])
@pytest.mark.parametrize("noise", ["gaussian", "none"])
def test_base_model_predicting_non_finite_values_is_named(data, value, noise):
    BadPredictions.value, BadPredictions.after, BadPredictions.fits = value, 2, 0
    # nothing held out: the validation scores would fail first, on the NaN predictions
    est = RecursiveWeightedRegressor(BadPredictions(), n_generations=5, noise=noise,
                                     validation_fraction=0.0, random_state=0)
    # generations 0 and 1 predict finite values; the model of generation 2 does not
    with pytest.raises(ValueError, match=r"estimator\.predict \(the generation-2 "
                                         r"BadPredictions\).*NaN or infinity"):
        est.fit(*data)
    assert_unfitted(est)


class BadSampler:
    """Covariate sampler returning something wrong from its ``calls``-th call on."""

    def __init__(self, kind, after=1):
        self.kind, self.after, self.calls = kind, after, 0

    def sample(self, n, random_state=None):
        self.calls += 1
        X = np.random.RandomState(random_state).standard_normal((n, 3))
        if self.calls < self.after:
            return X
        return {
            "rows": X[:-1],
            "columns": X[:, :2],
            "list": X.tolist(),
            "1d": X[:, 0],
            "nan": np.where(np.arange(n)[:, None] == 0, np.nan, X),
            "inf": np.where(np.arange(n)[:, None] == 0, -np.inf, X),
        }[self.kind]


@pytest.mark.parametrize(
    ("kind", "match"),
    [
        ("rows", r"returned \d+ rows instead of \d+"),
        ("columns", "returned 2 columns, but the data have 3 features"),
        ("list", "returned a list"),
        ("1d", r"returned an array of shape \(\d+,\)"),
        ("nan", "returned NaN or infinity"),
        ("inf", "returned NaN or infinity"),
    ],
)
def test_covariate_sampler_output_is_checked(data, kind, match):
    est = RecursiveWeightedRegressor(n_generations=5, covariate_sampler=BadSampler(kind, 3),
                                     random_state=0)
    # the third call draws the synthetic covariates of generation 3
    with pytest.raises(ValueError, match=rf"covariate_sampler\.sample\(\d+\) {match}.*"
                                         r"generation 3"):
        est.fit(*data)
    assert_unfitted(est)


def test_classifier_probabilities_are_checked():
    class NaNProba(LogisticRegression):
        def predict_proba(self, X):
            return np.full((len(X), len(self.classes_)), np.nan)

    rng = np.random.RandomState(0)
    X = rng.standard_normal((200, 2))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match=r"estimator\.predict_proba \(the generation-0 "
                                         r"NaNProba\).*generation 1"):
        RecursiveWeightedClassifier(NaNProba(), n_generations=2, random_state=0).fit(X, y)


class NaNSampleDensity(GaussianDensity):
    def sample(self, n_samples=1, random_state=None):
        out = super().sample(n_samples, random_state)
        out[-1, 0] = np.nan
        return out


class WrongWidthDensity(GaussianDensity):
    def sample(self, n_samples=1, random_state=None):
        return super().sample(n_samples, random_state)[:, :1]


@pytest.mark.parametrize(
    ("model", "match"),
    [(NaNSampleDensity(), "NaN or infinity"), (WrongWidthDensity(), "returned 1 columns")],
)
def test_density_model_samples_are_checked(model, match):
    X = np.random.RandomState(0).standard_normal((100, 2))
    est = RecursiveDensityEstimator(model, n_generations=3, random_state=0)
    with pytest.raises(ValueError, match=rf"estimator\.sample \(the generation-0 "
                                         rf"{type(model).__name__}\).*{match}.*generation 1"):
        est.fit(X)
    assert_unfitted(est)


def test_checks_apply_to_partial_fit_too(data):
    X, y = data
    est = RecursiveWeightedRegressor(covariate_sampler=BadSampler("nan", after=1),
                                     random_state=0).partial_fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="covariate_sampler.*generation 1"):
        est.partial_fit(X[50:100], y[50:100])


# ---------------------------------------------------------- all or nothing
def assert_unfitted(est):
    method = est.predict if hasattr(est, "predict") else est.score_samples
    with pytest.raises(NotFittedError):
        method(np.zeros((1, 3)))
    for name in ("n_features_in_", "feature_names_in_", "estimator_", "history_", "weight_"):
        assert not hasattr(est, name), name


class FailingRidge(Ridge):
    """Ridge whose ``fail_at``-th fit (counted over the class) raises ``error``."""

    fail_at = None
    error = RuntimeError
    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        if type(self).fits == type(self).fail_at:
            raise type(self).error("injected failure")
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_failed_fit_leaves_a_fresh_estimator_unfitted(data, error):
    FailingRidge.fail_at, FailingRidge.error, FailingRidge.fits = 4, error, 0
    est = RecursiveWeightedRegressor(FailingRidge(), n_generations=6, random_state=0)
    with pytest.raises(error):
        est.fit(*data)
    assert_unfitted(est)


def snapshot(est):
    """Everything a fitted estimator holds, in comparable form."""
    state = dict(vars(est))
    rng = state.pop("_rng").get_state()
    return pickle.dumps((sorted(state), rng)), {
        k: v for k, v in state.items() if not k.startswith("_")
    }


def assert_unchanged(est, before):
    (names_rng, attrs) = snapshot(est)
    assert names_rng == before[0]
    for key, value in before[1].items():
        now = attrs[key]
        if isinstance(value, dict):
            assert value.keys() == now.keys()
            for col in value:
                np.testing.assert_array_equal(value[col], now[col])
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, now)
        else:
            assert now is value or now == value, key


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_failed_refit_leaves_a_fitted_estimator_as_it_was(data, error):
    X, y = data
    FailingRidge.fail_at, FailingRidge.fits = None, 0
    est = RecursiveWeightedRegressor(FailingRidge(), n_generations=3, random_state=0).fit(X, y)
    model, pred = est.estimator_, est.predict(X)
    before = snapshot(est)
    # refit on data with another number of features, failing in generation 2
    FailingRidge.fail_at, FailingRidge.error, FailingRidge.fits = 3, error, 0
    with pytest.raises(error):
        est.fit(np.c_[X, X], y)
    assert est.estimator_ is model and est.n_features_in_ == 3
    assert_unchanged(est, before)
    np.testing.assert_array_equal(est.predict(X), pred)


def test_failed_fit_does_not_advance_a_random_state_instance(data):
    FailingRidge.fail_at, FailingRidge.error, FailingRidge.fits = 3, RuntimeError, 0
    rs = np.random.RandomState(5)
    before = rs.get_state()
    with pytest.raises(RuntimeError):
        RecursiveWeightedRegressor(FailingRidge(), n_generations=4, random_state=rs).fit(*data)
    after = rs.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]
    # a successful fit advances it, as scikit-learn estimators do
    FailingRidge.fail_at = None
    RecursiveWeightedRegressor(FailingRidge(), n_generations=4, random_state=rs).fit(*data)
    assert not np.array_equal(rs.get_state()[1], before[1]) or rs.get_state()[2] != before[2]


class FlakyMonitor:
    """Monitor that raises ``error`` once, at its ``fail_at``-th call."""

    def __init__(self, fail_at, error=RuntimeError):
        self.fail_at, self.error, self.calls = fail_at, error, 0

    def __call__(self, generation, estimator, X, y, sample_weight):
        self.calls += 1
        if self.calls == self.fail_at:
            raise self.error("injected failure")
        return {"n_rows": len(X)}


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_retried_partial_fit_gives_the_uninterrupted_result(data, error):
    X, y = data
    batches = [(X[i : i + 40], y[i : i + 40]) for i in range(0, 200, 40)]
    reference = RecursiveWeightedRegressor(monitor=FlakyMonitor(None), random_state=0)
    for batch in batches:
        reference.partial_fit(*batch)

    est = RecursiveWeightedRegressor(monitor=FlakyMonitor(3, error), random_state=0)
    est.partial_fit(*batches[0])
    est.partial_fit(*batches[1])
    before = snapshot(est)
    with pytest.raises(error):
        est.partial_fit(*batches[2])
    assert_unchanged(est, before)
    for batch in batches[2:]:  # the retry, then the rest of the stream
        est.partial_fit(*batch)
    np.testing.assert_array_equal(est.predict(X), reference.predict(X))
    for key in ("generation", "n_real", "n_synthetic", "weight", "n_rows"):
        np.testing.assert_array_equal(est.history_[key], reference.history_[key])


def test_failed_first_partial_fit_leaves_the_estimator_unfitted(data):
    X, y = data
    est = RecursiveWeightedRegressor(monitor=FlakyMonitor(1), random_state=0)
    with pytest.raises(RuntimeError):
        est.partial_fit(X[:50], y[:50])
    assert_unfitted(est)
    est.partial_fit(X[:50], y[:50])  # the retry is generation 0 again
    assert est.history_["generation"].tolist() == [0]


def test_max_accumulated_is_refused_before_any_fit(data):
    FailingRidge.fail_at, FailingRidge.fits = None, 0
    for strategy in ("fresh", "replace", "fixed-real"):
        with pytest.raises(ValueError, match="max_accumulated"):
            RecursiveWeightedRegressor(FailingRidge(), strategy=strategy,
                                       max_accumulated=500).fit(*data)
    with pytest.raises(ValueError, match="max_accumulated"):
        RecursiveWeightedRegressor(FailingRidge(), max_accumulated=500).partial_fit(*data)
    assert FailingRidge.fits == 0


# ---------------------------------------------------- scoring across partial_fit
def test_changing_scoring_between_partial_fit_calls(data):
    X, y = data
    est = RecursiveWeightedRegressor(n_generations=2, random_state=0).fit(X, y)
    scored = est.history_["score"].copy()
    fitted = est.estimator_
    est.partial_fit(X[:50], y[:50])  # same scoring: the fit's scores are kept
    np.testing.assert_array_equal(est.history_["score"][:3], scored)
    # the new generation's score is prequential: the previous model on the new batch
    assert est.history_["score"][3] == fitted.score(X[:50], y[:50])

    est.set_params(scoring=["r2", "neg_mean_squared_error"])
    est.partial_fit(X[50:100], y[50:100])
    cols = [k for k in est.history_ if k.startswith("score")]
    assert cols == ["score_r2", "score_neg_mean_squared_error"]
    for c in cols:  # the old scoring's scores are dropped; only the new call is scored
        assert len(est.history_[c]) == 5 and np.isnan(est.history_[c][:4]).all()
        assert np.isfinite(est.history_[c][4])
    assert set(est.generation_scores_) == {"r2", "neg_mean_squared_error"}

    est.set_params(scoring="neg_mean_absolute_error")  # a different single metric
    est.partial_fit(X[100:150], y[100:150])
    assert len(est.history_["score"]) == 6 and np.isnan(est.history_["score"][:5]).all()
    assert np.isfinite(est.history_["score"][5])
