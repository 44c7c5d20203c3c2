"""RecursiveDensityEstimator: base models, delegation, model selection, bad input."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KernelDensity
from sklearn.utils.estimator_checks import parametrize_with_checks

from skrecursive import (
    CategoricalDistribution,
    EmpiricalDistribution,
    GaussianDensity,
    RecursiveDensityEstimator,
)
from skrecursive.metrics import cramer_von_mises


# a fixed random_state: the checks fit with the estimator's own, and with None some
# (check_dtype_object: is the corrupted row drawn?) would pass or fail by chance
@parametrize_with_checks(
    [
        GaussianDensity(),
        EmpiricalDistribution(),
        CategoricalDistribution(),
        RecursiveDensityEstimator(n_generations=3, random_state=0),
        RecursiveDensityEstimator(EmpiricalDistribution(), n_generations=3, random_state=0),
        RecursiveDensityEstimator(CategoricalDistribution(alpha=0.5), n_generations=3,
                                  random_state=0),
    ]
)
def test_sklearn_compatible(estimator, check):
    # No expected failures: every check passes for the four estimators.
    check(estimator)


def _gaussian_pool(n=400, seed=0):
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n, 2)) @ np.array([[1.0, 0.4], [0.0, 0.7]]) + [1.0, -2.0]


@pytest.mark.parametrize(
    "base",
    [
        GaussianDensity(),
        EmpiricalDistribution(),
        KernelDensity(bandwidth=0.4),
        KernelDensity(kernel="tophat", bandwidth=0.8),
    ],
    ids=["gaussian", "empirical", "kde-gaussian", "kde-tophat"],
)
def test_base_models_with_sample_weight(base):
    X = _gaussian_pool()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # they take sample_weight: no resampling warning
        est = RecursiveDensityEstimator(base, n_generations=4, random_state=0).fit(X)
    assert np.isfinite(est.generation_scores_).all()
    draws = est.sample(2000, random_state=0)
    assert draws.shape == (2000, 2)
    # every base model here is close to the pool's law: mean within 0.15 (the pool mean has
    # SE 0.05 per coordinate, the final fit another 0.07, the draws 0.03)
    np.testing.assert_allclose(draws.mean(axis=0), [1.0, -2.0], atol=0.15 * 2)
    np.testing.assert_array_equal(draws, est.sample(2000, random_state=0))
    assert est.score(X) == pytest.approx(est.estimator_.score(X))


def test_gaussian_mixture_resampling_warning_and_tuple_sample():
    X = _gaussian_pool()
    with pytest.warns(UserWarning, match="does not accept sample_weight") as record:
        est = RecursiveDensityEstimator(
            GaussianMixture(n_components=2, random_state=0), n_generations=3, random_state=0
        ).fit(X)
    assert sum("sample_weight" in str(w.message) for w in record) == 1
    draws = est.sample(50)
    assert isinstance(draws, np.ndarray) and draws.shape == (50, 2)
    assert np.isfinite(est.score_samples(X)).all()


def test_base_model_without_sample_is_a_type_error():
    class NoSample(BaseEstimator):
        def fit(self, X, y=None):
            return self

    with pytest.raises(TypeError, match="'estimator'.*'sample' method"):
        RecursiveDensityEstimator(NoSample()).fit(_gaussian_pool())
    with pytest.raises(TypeError, match="kernel"):
        RecursiveDensityEstimator(KernelDensity(kernel="epanechnikov")).fit(_gaussian_pool())


def test_reproducible_picklable_and_history():
    X = _gaussian_pool()
    est = RecursiveDensityEstimator(n_generations=5, random_state=3).fit(X)
    again = clone(est).fit(X)
    np.testing.assert_array_equal(est.estimator_.covariance_, again.estimator_.covariance_)
    np.testing.assert_array_equal(est.generation_scores_, again.generation_scores_)
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.sample(5, random_state=0), est.sample(5, random_state=0))
    history = pd.DataFrame(est.history_)
    assert len(history) == 6 and history["n_synthetic"].tolist() == [0] + [320] * 5
    assert est.weight_ == pytest.approx(0.618, abs=1e-3)


def test_partial_fit_advances_one_generation():
    rng = np.random.RandomState(0)
    est = RecursiveDensityEstimator(weight=0.5, n_synthetic=2.0)
    est.partial_fit(rng.normal(size=(30, 1)))
    first_mean = est.estimator_.mean_.copy()
    est.partial_fit(rng.normal(loc=10.0, size=(30, 1)))
    # weight 0.5 on the fresh batch (mean ~10), 0.5 on 60 draws from generation 0 (mean ~0)
    assert est.history_["generation"].tolist() == [0, 1]
    assert est.n_synthetic_ == 60
    assert est.estimator_.mean_[0] == pytest.approx(0.5 * (first_mean[0] + 10.0), abs=0.6)


def test_empirical_default_score_and_cdf_delegation():
    X = np.random.RandomState(1).uniform(size=(200, 1))
    est = RecursiveDensityEstimator(EmpiricalDistribution(), n_generations=3, random_state=0)
    est.fit(X)
    assert not hasattr(est, "score_samples")
    assert est.score(X) == pytest.approx(-cramer_von_mises(est.estimator_, X))
    np.testing.assert_allclose(est.cdf(X), est.estimator_.cdf(X))
    # held-out scores are negated distances of a few hundredths at most (E ~ 1/(6n) per part)
    assert np.all(est.generation_scores_ < 0) and np.all(est.generation_scores_ > -0.05)


def test_categorical_dataframe_end_to_end():
    rng = np.random.RandomState(2)
    frame = pd.DataFrame(
        {
            "workclass": pd.Categorical(rng.choice(["private", "gov", "self"], 500)),
            "sex": rng.choice(["f", "m"], 500),
        }
    )
    est = RecursiveDensityEstimator(CategoricalDistribution(alpha=0.1), n_generations=4,
                                    random_state=0).fit(frame)
    draws = est.sample(10, random_state=0)
    assert isinstance(draws, pd.DataFrame)
    assert draws.dtypes.tolist() == frame.dtypes.tolist()
    assert list(est.feature_names_in_) == ["workclass", "sex"]
    assert np.isfinite(est.score_samples(frame)).all()


def test_grid_search_over_weight_rejects_the_collapsing_loop():
    # 30 fully synthetic generations of 20 rows shrink the variance by about
    # exp(-30 * 0.1): the held-out log-likelihood of weight=0 is far below the others
    X = np.random.RandomState(4).normal(size=(600, 1))
    search = GridSearchCV(
        RecursiveDensityEstimator(GaussianDensity(), n_generations=30, n_real=20,
                                  random_state=0),
        {"weight": [0.0, 0.618, 1.0]},
        cv=3,
    ).fit(X)
    scores = search.cv_results_["mean_test_score"]
    assert search.best_params_["weight"] != 0.0
    assert scores[0] < min(scores[1:]) - 20


@pytest.mark.parametrize("n_samples", [0, -3, 1.5])
def test_sample_bad_n(n_samples):
    est = RecursiveDensityEstimator(n_generations=1, random_state=0).fit(_gaussian_pool())
    with pytest.raises(ValueError, match="'n_samples'"):
        est.sample(n_samples)


def test_bad_input_to_the_loop():
    with pytest.raises(ValueError, match="NaN|infinity"):
        RecursiveDensityEstimator().fit(np.array([[0.0, 1.0], [np.nan, 1.0], [1.0, 2.0]]))
    with pytest.raises(ValueError, match="0 sample"):
        RecursiveDensityEstimator().fit(np.empty((0, 2)))
    with pytest.raises(ValueError, match="'weight'"):
        RecursiveDensityEstimator(weight=1.5).fit(_gaussian_pool())
    with pytest.raises(ValueError, match="'covariance_type'"):
        RecursiveDensityEstimator(GaussianDensity(covariance_type="tied")).fit(_gaussian_pool())
