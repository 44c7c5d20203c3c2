"""Tests of RecursiveWeightedClassifier and its label sampler."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.datasets import make_blobs
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import get_scorer, log_loss
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import LinearSVC

from skrecursive import RecursiveWeightedClassifier, limiting_risk, risk_trajectory
from skrecursive._core.classification import _ClassesView
from skrecursive._core.sources import BootstrapRows, ClassificationSource, sample_categorical


def _blobs(n=300, centers=3, seed=2):
    return make_blobs(n_samples=n, centers=centers, cluster_std=1.5, random_state=seed)


# ------------------------------------------------------------ behaviour
def test_multiclass_probabilities_and_accuracy():
    X, y = _blobs(600)
    clf = RecursiveWeightedClassifier(n_generations=5, random_state=0).fit(X[:400], y[:400])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    proba = clf.predict_proba(X[400:])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X[400:]))
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X[400:])), proba, rtol=1e-10)
    # overlapping blobs: a single logistic fit on the real rows gets about 0.9
    reference = LogisticRegression().fit(X[:400], y[:400]).score(X[400:], y[400:])
    assert reference > 0.85
    assert clf.score(X[400:], y[400:]) > reference - 0.05
    assert len(clf.generation_scores_) == 6
    assert np.all(clf.generation_scores_ > 0.85)


def test_string_labels():
    X, y = _blobs(300)
    names = np.array(["cat", "dog", "eel"])[y]
    clf = RecursiveWeightedClassifier(n_generations=3, random_state=0).fit(X, names)
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog", "eel"])
    pred = clf.predict(X)
    assert set(pred) <= set(clf.classes_)
    assert np.mean(pred == names) > 0.85
    # synthetic labels are drawn among the string classes
    X_syn, y_syn = clf._source.sample(200, np.random.RandomState(0), BootstrapRows(X))
    assert set(y_syn) <= set(clf.classes_) and len(set(y_syn)) == 3


def test_binary_string_labels_neg_log_loss():
    X, y = _blobs(300, centers=2)
    labels = np.array(["no", "yes"])[y]
    clf = RecursiveWeightedClassifier(n_generations=3, scoring="neg_log_loss", random_state=0)
    clf.fit(X, labels)
    assert np.all(np.isfinite(clf.generation_scores_)) and np.all(clf.generation_scores_ < 0)
    assert clf.decision_function(X).shape == (300,)


def _stream_missing_class():
    rng = np.random.RandomState(0)
    X, y = _blobs(300)
    first = rng.permutation(300)[:150]
    rest = np.setdiff1d(np.arange(300), first)
    rest = rest[y[rest] != 2]  # the second batch holds no class 2
    return X, y, first, rest


def test_missing_class_in_final_generation():
    X, y, first, rest = _stream_missing_class()
    # weight=1 draws no synthetic rows, so the final model never sees class 2
    clf = RecursiveWeightedClassifier(weight=1.0, random_state=0)
    clf.partial_fit(X[first], y[first], classes=[0, 1, 2])
    clf.partial_fit(X[rest], y[rest])
    np.testing.assert_array_equal(clf.estimator_.classes_, [0, 1])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 3)
    np.testing.assert_array_equal(proba[:, 2], 0.0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict_log_proba(X)[:, 2], -np.inf)
    decision = clf.decision_function(X)
    assert decision.shape == (300, 3) and np.all(decision[:, 2] == -np.inf)
    np.testing.assert_array_equal(clf.classes_[decision.argmax(axis=1)], clf.predict(X))
    # the meta-estimator's own neg_log_loss is defined (class 2 gets probability ~0)
    score = get_scorer("neg_log_loss")(clf, X, y)
    expected = -log_loss(y, proba, labels=[0, 1, 2])
    assert np.isfinite(score) and score == pytest.approx(expected)
    # while the bare final model cannot be scored against all three classes
    with pytest.raises(ValueError):
        get_scorer("neg_log_loss")(clf.estimator_, X, y)


def test_partial_fit_classes_from_first_batch_and_checks():
    X, y, first, rest = _stream_missing_class()
    clf = RecursiveWeightedClassifier(random_state=0).partial_fit(X[rest], y[rest])
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    with pytest.raises(ValueError, match="not in"):
        clf.partial_fit(X[first], y[first])
    with pytest.raises(ValueError, match="classes="):
        clf.partial_fit(X[rest], y[rest], classes=[0, 1, 2])
    with pytest.raises(ValueError, match="not in classes="):
        RecursiveWeightedClassifier().partial_fit(X, y, classes=[0, 1])


def test_neg_log_loss_when_a_generation_lacks_a_class():
    # A rare class (12 of 400 rows) and small real batches: most generations never see it,
    # yet the held-out set does. Each generation is scored on the pool's classes.
    rng = np.random.RandomState(1)
    X = rng.standard_normal((400, 2))
    y = (X[:, 0] > 0).astype(int)
    y[:12] = 2
    X[:12] += 4.0
    seen = []

    def recording_neg_log_loss(estimator, X_val, y_val):
        seen.append((len(estimator.estimator.classes_), len(np.unique(y_val))))
        return get_scorer("neg_log_loss")(estimator, X_val, y_val)

    clf = RecursiveWeightedClassifier(
        n_real=20, weight=1.0, n_generations=8, scoring=recording_neg_log_loss,
        validation_fraction=0.25, random_state=3,
    ).fit(X, y)
    assert any(n_model == 2 and n_val == 3 for n_model, n_val in seen)
    assert np.all(np.isfinite(clf.generation_scores_))


def test_scoring_view_matches_log_loss_with_labels():
    X, y = _blobs(200)
    keep = y != 2
    model = LogisticRegression().fit(X[keep], y[keep])
    view = _ClassesView(model, np.array([0, 1, 2]))
    proba = np.column_stack([model.predict_proba(X), np.zeros(len(X))])
    assert get_scorer("neg_log_loss")(view, X, y) == pytest.approx(
        -log_loss(y, proba, labels=[0, 1, 2])
    )
    assert get_scorer("accuracy")(view, X, y) == pytest.approx(model.score(X, y))


def _frame(n=400, seed=0):
    rng = np.random.RandomState(seed)
    df = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "hours": rng.normal(40, 5, n),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
            "size": pd.Categorical(rng.choice(["S", "M", "L", "XL"], n)),
        }
    )
    eta = 0.08 * (df["age"] - 40) + 1.5 * (df["colour"] == "red") - 1.0 * (df["size"] == "S")
    y = np.where(rng.random_sample(n) < expit(eta.to_numpy()), ">50K", "<=50K")
    return df, y


def _frame_pipeline():
    pre = ColumnTransformer(
        [
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore"),
                make_column_selector(dtype_include="category"),
            ),
            ("num", StandardScaler(), make_column_selector(dtype_include="number")),
        ]
    )
    return make_pipeline(pre, LogisticRegression())


def test_pipeline_column_transformer_on_categorical_frame():
    df, y = _frame(600)
    clf = RecursiveWeightedClassifier(
        _frame_pipeline(), n_generations=4, scoring="neg_log_loss", random_state=0
    ).fit(df.iloc[:400], y[:400])
    np.testing.assert_array_equal(clf.feature_names_in_, df.columns)
    np.testing.assert_array_equal(clf.classes_, ["<=50K", ">50K"])
    assert np.all(np.isfinite(clf.generation_scores_))
    # synthetic covariates are bootstrapped DataFrame rows, categorical columns kept
    X_syn, _ = clf._source.sample(50, np.random.RandomState(0), BootstrapRows(df.iloc[:400]))
    assert isinstance(X_syn, pd.DataFrame)
    assert isinstance(X_syn["colour"].dtype, pd.CategoricalDtype)
    # the signal is real: better than always predicting the majority class
    majority = max(np.mean(y[400:] == c) for c in clf.classes_)
    assert clf.score(df.iloc[400:], y[400:]) > majority + 0.05
    # an unseen category is ignored by the encoder, not an error
    odd = df.iloc[400:402].copy()
    odd["colour"] = pd.Categorical(["purple", "red"])
    assert clf.predict_proba(odd).shape == (2, 2)


def test_grid_search_over_weight():
    X, y = _blobs(240)
    grid = {"weight": [0.0, 0.618, 1.0]}
    search = GridSearchCV(
        RecursiveWeightedClassifier(n_generations=2, random_state=0), grid, cv=3
    ).fit(X, y)
    assert search.best_params_["weight"] in grid["weight"]
    assert np.all(search.cv_results_["mean_test_score"] > 0.8)
    assert search.best_estimator_.weight_ == search.best_params_["weight"]


def test_clone_pickle_cross_val_score():
    X, y = _blobs(240)
    clf = RecursiveWeightedClassifier(n_generations=2, weight="naive", random_state=0)
    cloned = clone(clf)
    assert cloned.get_params() == clf.get_params() and not hasattr(cloned, "classes_")
    clf.fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    scores = cross_val_score(clone(clf), X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.8)


def test_same_random_state_identical():
    X, y = _blobs(300)
    a = RecursiveWeightedClassifier(n_generations=4, random_state=7).fit(X, y)
    b = RecursiveWeightedClassifier(n_generations=4, random_state=7).fit(X, y)
    c = RecursiveWeightedClassifier(n_generations=4, random_state=8).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.generation_scores_, b.generation_scores_)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


# ------------------------------------------------------------ bad input
class _NeverFit(LogisticRegression):
    """Fails loudly if any generation is fitted."""

    def fit(self, X, y, sample_weight=None):
        raise AssertionError("fit must not be reached")


@pytest.mark.parametrize(
    "params, y_kind, error, match",
    [
        ({}, "continuous", ValueError, "categorical"),
        ({}, "one_class", ValueError, "1 class"),
        ({"labels": "mode"}, "ok", ValueError, "'labels' parameter"),
        ({"estimator": LinearSVC()}, "ok", TypeError, "'labels'"),
        ({"estimator": LinearRegression()}, "ok", TypeError, "classifier"),
        ({"weight": 1.5}, "ok", ValueError, "'weight' parameter"),
    ],
)
def test_bad_input_raises_before_fitting(params, y_kind, error, match):
    X, y = _blobs(60)
    y = {"continuous": X[:, 0] + 0.1, "one_class": np.zeros(60, dtype=int), "ok": y}[y_kind]
    params = {"estimator": _NeverFit(), **params}
    clf = RecursiveWeightedClassifier(**params)
    with pytest.raises(error, match=match):
        clf.fit(X, y)
    with pytest.raises(error, match=match):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "classes_") and not hasattr(clf, "estimator_")


def test_argmax_labels_allow_models_without_predict_proba():
    X, y = _blobs(200)
    clf = RecursiveWeightedClassifier(LinearSVC(), labels="argmax", n_generations=2,
                                      random_state=0).fit(X, y)
    assert not hasattr(clf, "predict_proba")
    assert clf.score(X, y) > LinearSVC().fit(X, y).score(X, y) - 0.05


# ------------------------------------------------------------ label sampling
def test_argmax_labels_are_the_previous_models_predictions():
    X, y = _blobs(300)
    clf = RecursiveWeightedClassifier(labels="argmax", n_generations=3, random_state=0).fit(X, y)
    source = clf._source
    assert source.estimator is clf.estimator_
    X_syn, y_syn = source.sample(500, np.random.RandomState(1), BootstrapRows(X))
    np.testing.assert_array_equal(y_syn, clf.estimator_.predict(X_syn))


def test_sampled_labels_follow_predict_proba():
    X, y = _blobs(300)
    clf = RecursiveWeightedClassifier(n_generations=1, random_state=0).fit(X, y)
    # the point halfway between two centres has genuinely uncertain labels
    x0 = X[y == 0].mean(axis=0) / 2 + X[y == 1].mean(axis=0) / 2
    n = 20000
    labels = ClassificationSource(clf.estimator_, "sample", 1).draw_labels(
        np.tile(x0, (n, 1)), np.random.RandomState(0)
    )
    p = clf.predict_proba(x0[None, :])[0]
    assert p.max() < 0.99  # the check is not trivial
    freq = np.array([np.mean(labels == c) for c in clf.classes_])
    # binomial SE of each frequency is at most 0.5 / sqrt(20000) = 0.0035; tolerance 4 SE
    assert np.all(np.abs(freq - p) <= 4 * np.sqrt(p * (1 - p) / n))


def test_sample_categorical_frequencies_and_zero_cells():
    rng = np.random.RandomState(0)
    proba = np.array([[0.2, 0.0, 0.8], [0.0, 0.0, 1.0], [0.5, 0.25, 0.25]])
    n = 20000
    idx = sample_categorical(np.repeat(proba, n, axis=0), rng).reshape(3, n)
    for row, p in zip(idx, proba, strict=True):
        freq = np.bincount(row, minlength=3) / n
        # binomial SE at most 0.0035 per cell; 4 SE tolerance; zero cells exactly zero
        assert np.all(np.abs(freq - p) <= 4 * np.sqrt(p * (1 - p) / n))


# ------------------------------------------------------------ statistics (GLM case)
BETA = np.array([1.0, 1.0])


def _logistic_batch(rng, n):
    X = rng.standard_normal((n, 2))
    return X, (rng.random_sample(n) < expit(X @ BETA)).astype(int)


def _coef_errors(weights, n, n_generations, burn_in, seed, sampler):
    """||coef_ - beta||^2 per generation for several weights fed the same real batches."""
    rng = np.random.RandomState(seed)
    base = LogisticRegression(C=np.inf, fit_intercept=False)
    clfs = [
        RecursiveWeightedClassifier(base, weight=w, covariate_sampler=sampler,
                                    random_state=seed + i)
        for i, w in enumerate(weights)
    ]
    errors = np.empty((n_generations + 1, len(weights)))
    for t in range(burn_in + n_generations + 1):
        X, y = _logistic_batch(rng, n)
        for j, clf in enumerate(clfs):
            clf.partial_fit(X, y, classes=[0, 1])
            if t >= burn_in:
                errors[t - burn_in, j] = np.sum((clf.estimator_.coef_.ravel() - BETA) ** 2)
    return errors


@pytest.mark.slow
def test_logistic_limiting_risk_follows_theory(normal_covariates):
    # the user guide GLM case, k = 1: after burn-in, E||coef_t - beta||^2 relative to real-only
    # fits (weight=1, same real batches: common random numbers) tends to limiting_risk(w, 1).
    # n = 1000 keeps the O(1/n) small-sample inflation of the logistic MLE's error (about
    # 2% at n = 1000, 1% for the 2n-row mixed fits) far below the tolerance.
    weights = [1.0, 0.4, 0.618, 0.9]
    errors = _coef_errors(weights, n=1000, n_generations=600, burn_in=10, seed=0,
                          sampler=normal_covariates(2))
    ratios = errors[:, 1:].mean(axis=0) / errors[:, 0].mean()
    theory = limiting_risk(np.array(weights[1:]), 1.0)  # 0.8125, 0.618, 0.828
    # Batch-means standard errors of the ratios (20 batches, seeds 0-2) were about 0.065,
    # 0.03 and 0.008: the chain at w = 0.4 is autocorrelated (factor (1 - w)^2 = 0.36 per
    # generation) while at w = 0.9 the error is dominated by the shared real batches.
    # Tolerances are about 3.5 of those SEs.
    tolerance = np.array([0.23, 0.1, 0.03])
    assert np.all(np.abs(ratios - theory) <= tolerance), (ratios, theory)
    # the weight w*(1) = 0.618 beats both neighbours, as the theory predicts
    assert ratios[1] < ratios[0] and ratios[1] < ratios[2]


def test_fully_synthetic_loop_drifts(normal_covariates):
    # weight = 0: after generation 0 only synthetic rows are used, so the coefficients
    # perform a random walk and the error grows (first order: risk_trajectory(0, 1) = 1 + t).
    n_chains, n_generations = 25, 8
    errors = np.array([
        _coef_errors([0.0], n=100, n_generations=n_generations, burn_in=0, seed=s,
                     sampler=normal_covariates(2))[:, 0]
        for s in range(n_chains)
    ])
    mean = errors.mean(axis=0)
    first_order = risk_trajectory(0.0, 1.0, n_generations)
    assert first_order[-1] == 9.0
    # the mean error at generation 8 is several times that of generation 0: first order 9x,
    # more in practice (10x-70x over other seeds) since the Fisher information falls as the
    # coefficients drift; with 25 chains the relative SE of each mean is about 0.25
    assert mean[-1] / mean[0] > 4.0
    assert mean[4:].mean() > mean[1:4].mean() > mean[0]


def test_argmax_labels_inflate_logistic_coefficients(normal_covariates):
    # Honest check of the documented bias: argmax labels remove the label noise, so the
    # synthetic data look nearly separable and the fitted coefficients grow.
    rng = np.random.RandomState(0)
    sample = RecursiveWeightedClassifier(
        LogisticRegression(C=np.inf, fit_intercept=False), weight=0.3,
        covariate_sampler=normal_covariates(2), random_state=0,
    )
    argmax = clone(sample).set_params(labels="argmax")
    for _ in range(6):
        X, y = _logistic_batch(rng, 300)
        sample.partial_fit(X, y, classes=[0, 1])
        argmax.partial_fit(X, y, classes=[0, 1])
    assert np.linalg.norm(argmax.estimator_.coef_) > 1.5 * np.linalg.norm(sample.estimator_.coef_)
