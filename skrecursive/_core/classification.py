"""RecursiveWeightedClassifier: recursive training of any scikit-learn classifier."""

import math

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, is_classifier
from sklearn.linear_model import LogisticRegression
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target

from .._utils.validation import HasMethods, Options
from .docstrings import fill_doc
from .loop import BaseRecursiveEstimator, estimator_has
from .sources import ClassificationSource

__all__ = ["RecursiveWeightedClassifier"]


def _same_classes(model_classes, classes):
    return len(model_classes) == len(classes) and np.array_equal(model_classes, classes)


def _columns(model_classes, classes):
    """Column of ``classes`` holding each of the model's classes."""
    pos = np.searchsorted(classes, model_classes)
    pos = np.clip(pos, 0, len(classes) - 1)
    if not np.array_equal(np.asarray(classes)[pos], model_classes):
        raise ValueError(
            f"The fitted model has classes {list(model_classes)} outside the classes seen "
            f"in fit, {list(classes)}."
        )
    return pos


def _proba_in(classes, model, X):
    """``model.predict_proba(X)`` with one column per class of ``classes`` (0 if unseen)."""
    proba = model.predict_proba(X)
    model_classes = np.asarray(model.classes_)
    if _same_classes(model_classes, classes):
        return proba
    out = np.zeros((proba.shape[0], len(classes)), dtype=float)
    out[:, _columns(model_classes, classes)] = proba
    return out


def _log_proba_in(classes, model, X):
    if _same_classes(np.asarray(model.classes_), classes) and hasattr(model, "predict_log_proba"):
        return model.predict_log_proba(X)
    with np.errstate(divide="ignore"):
        return np.log(_proba_in(classes, model, X))


def _decision_in(classes, model, X):
    """``model.decision_function(X)`` in the layout of ``classes``.

    A class the model never saw gets ``-inf`` (it is never predicted); a
    binary model's single score ``d`` becomes the columns ``(-d, d)``.
    """
    scores = np.asarray(model.decision_function(X))
    model_classes = np.asarray(model.classes_)
    if _same_classes(model_classes, classes):
        return scores
    if len(classes) == 2:
        raise ValueError(
            "The final generation's model saw a single class; its decision_function cannot "
            "be laid out for two classes. Use predict_proba."
        )
    if scores.ndim == 1:
        scores = np.column_stack([-scores, scores])
    out = np.full((scores.shape[0], len(classes)), -np.inf)
    out[:, _columns(model_classes, classes)] = scores
    return out


def _single_class_message(generation, only, batch, plan, owner, base_name, exc):
    """Why generation ``generation``'s rows hold the single class ``only``, and what to change."""
    head = (
        f"Generation {generation}'s training rows hold the single class {only!r}, and "
        f"{base_name} cannot be fitted on one class ({type(exc).__name__}: {exc})."
    )
    if batch.n_real == 0 or batch.weight == 0.0:
        # the training rows are synthetic only: no real row could have been missing
        why = (f"With no real rows (strategy={owner.strategy!r})" if batch.n_real == 0 else
               f"At weight {owner.weight!r} (a total weight of 0 on the real rows) the real "
               "rows carry no weight and are left out of the training rows, so")
        return (
            f"{head} {why} the labels drawn from generation {generation - 1}'s model hold one "
            "class: the loop has collapsed, as the fully synthetic loop does. Keep real rows "
            "in every generation (strategy='fresh' or 'fixed-real' with a positive weight, "
            "e.g. weight='optimal'), draw more synthetic rows (n_synthetic), or use a base "
            "model that can be fitted on one class."
        )
    values, counts = np.unique(plan.y_pool, return_counts=True)
    shares = dict(zip(values.tolist(), (counts / counts.sum()).tolist(), strict=True))
    missing = [c for c in np.asarray(plan.target_attrs["classes_"]).tolist() if c != only]
    rare = min(missing, key=lambda c: shares.get(c, 0.0))
    share = shares.get(rare, 0.0)
    n = plan.n_real
    rows = f"its n_real={n} real rows" + (
        f" and {batch.n_synthetic} synthetic rows" if batch.n_synthetic else "")
    if share == 0.0:
        return (
            f"{head} The real rows it draws from (in fit, the pool left after holding out "
            f"validation_fraction={owner.validation_fraction}; in partial_fit, the batch) hold "
            f"no row of class {rare!r}: give real rows of every class, or a base model that "
            "can be fitted on one class."
        )
    miss = (1.0 - share) ** n
    enough = math.ceil(math.log(0.01) / math.log1p(-share)) if share < 1 else 1
    return (
        f"{head} None of {rows} is of class {rare!r}, which makes up {share:.3g} of the "
        f"real rows: a batch of n_real={n} rows lacks it with probability about {miss:.2g}. "
        f"Use a larger n_real (with n_real={enough} that probability is below 1%), or a "
        "base model that can be fitted on one class."
    )


class _ClassesView(ClassifierMixin, BaseEstimator):
    """A fitted generation's model seen with the meta-estimator's ``classes_``.

    The per-generation scorer is called on this view, so a generation whose
    mixed batch lacked a class still gives ``predict_proba`` one column per
    class of the pool (e.g. ``neg_log_loss`` stays defined).
    """

    def __init__(self, estimator, classes):
        self.estimator = estimator
        self.classes = classes
        self.classes_ = classes

    def predict(self, X):
        return self.estimator.predict(X)

    @available_if(lambda self: hasattr(self.estimator, "predict_proba"))
    def predict_proba(self, X):
        return _proba_in(self.classes_, self.estimator, X)

    @available_if(lambda self: hasattr(self.estimator, "predict_proba"))
    def predict_log_proba(self, X):
        return _log_proba_in(self.classes_, self.estimator, X)

    @available_if(lambda self: hasattr(self.estimator, "decision_function"))
    def decision_function(self, X):
        return _decision_in(self.classes_, self.estimator, X)


@fill_doc
class RecursiveWeightedClassifier(ClassifierMixin, BaseRecursiveEstimator):
    """Train a classifier recursively on fresh real rows mixed with its own synthetic rows.

    Generation 0 fits a clone of ``estimator`` on ``n_real`` real rows. Each of
    the ``n_generations`` later generations draws ``n_real`` fresh real rows
    from the pool and ``n_synthetic`` synthetic rows from the previous
    generation: covariates from ``covariate_sampler``, labels drawn from the
    previous model's ``predict_proba`` (``labels="sample"``, e.g.
    ``Bernoulli(expit(x'b))`` for a logistic regression). A fresh clone is then
    fitted with total weight ``w`` on the real rows and ``1 - w`` on the
    synthetic ones. The default ``weight="optimal"`` uses
    ``w*(k) = (sqrt(k^2 + 4k) - k) / 2`` with ``k = n_real / n_synthetic``,
    which minimises the limiting error of the loop (He, Xu & Cheng 2026,
    doi:10.1093/jrsssb/qkag099).

    ``n_generations`` counts the mixing generations after generation 0, so
    ``fit`` fits ``n_generations + 1`` models. Real rows are drawn without
    regard to their class: with a rare class and a small ``n_real``, a
    generation's rows can hold a single class. A base model that can be
    fitted on one class (a tree) just learns it; for one that cannot (e.g.
    ``LogisticRegression``) the fit stops with an error naming the class,
    its share of the real rows and the ``n_real`` that makes a batch lacking
    it unlikely (below 1%). Read more in the :ref:`User Guide <recursion>`.

    Parameters
    ----------
    estimator : classifier, default=None
        Base model, cloned for every generation; None means
        ``LogisticRegression()``. Weights reach it as ``sample_weight`` (as
        ``<last step>__sample_weight`` for a ``Pipeline``); a model whose
        ``fit`` takes no ``sample_weight`` is fitted on a weighted resample
        of each mixed batch instead, announced by one ``UserWarning``.
        With metadata routing enabled, the weights reach a model that
        requests them (see :ref:`own-data`). Missing values in ``X`` are
        accepted when this model accepts them (``HistGradientBoosting*``, a
        ``Pipeline`` starting with an imputer), and refused before any fit
        otherwise.
        The default ``LogisticRegression()`` often does not converge on
        unscaled features: a fit then gives one ``ConvergenceWarning`` naming
        the generations and the fix,
        ``make_pipeline(StandardScaler(), LogisticRegression())``.
    [loop_parameters]
    scoring : str, callable, list, dict or None, default=None
        Scorer for the per-generation scores; None is accuracy. A list of
        scorer names or a dict of name -> scorer records several metrics, as
        in :func:`~sklearn.model_selection.cross_validate`. It is called
        on each generation's model seen with the classes of the whole pool,
        and ``"neg_log_loss"`` is computed over those classes, so it works
        when a generation never saw a class or the held-out rows lack one.
    [scoring_checks]
    [monitor]
    [covariate_sampler]
    labels : {"sample", "argmax"}, default="sample"
        How synthetic labels are drawn from the previous generation:
        ``"sample"`` draws each label from its ``predict_proba`` (the
        recursion the theory describes; the base model needs
        ``predict_proba``); ``"argmax"`` takes its ``predict``, which removes
        the label noise and is biased (coefficients of a logistic model grow
        generation after generation).
    [random_state_verbose]

    Attributes
    ----------
    estimator_ : classifier
        The final generation's fitted model; ``predict`` & co. delegate to it.
    classes_ : ndarray of shape (n_classes,)
        All classes of the pool (``fit``), or of ``classes=`` / the first batch
        (``partial_fit``). ``predict_proba`` has one column per class, in this
        order, even when the final generation's batch lacked one of them
        (its column is then 0).
    [loop_attributes]

    See Also
    --------
    RecursiveWeightedRegressor : the same loop for regressors.
    skrecursive.optimal_weight : the weight used by ``weight="optimal"``.
    skrecursive.limiting_risk : the error each weight leads to.

    References
    ----------
    [references]

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skrecursive import RecursiveWeightedClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = RecursiveWeightedClassifier(LogisticRegression(max_iter=1000), n_generations=5,
    ...                                   scoring="neg_log_loss", random_state=0)
    >>> clf = clf.fit(X, y)
    >>> clf.classes_
    array([0, 1, 2])
    >>> round(clf.weight_, 3)
    0.618
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_table = {
        **BaseRecursiveEstimator._parameter_table,
        "covariate_sampler": [Options("bootstrap"), HasMethods("sample")],
        "labels": [Options("sample", "argmax")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_generations=20,
        n_real=None,
        n_synthetic=1.0,
        weight="optimal",
        real_sampling="bootstrap",
        strategy="fresh",
        max_accumulated=None,
        validation_fraction=0.2,
        scoring=None,
        monitor=None,
        keep_estimators=False,
        covariate_sampler="bootstrap",
        labels="sample",
        random_state=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_generations = n_generations
        self.n_real = n_real
        self.n_synthetic = n_synthetic
        self.weight = weight
        self.real_sampling = real_sampling
        self.strategy = strategy
        self.max_accumulated = max_accumulated
        self.validation_fraction = validation_fraction
        self.scoring = scoring
        self.monitor = monitor
        self.keep_estimators = keep_estimators
        self.covariate_sampler = covariate_sampler
        self.labels = labels
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------ loop hooks
    def _default_estimator(self):
        return LogisticRegression()

    def _check_base_estimator(self, estimator):
        if not is_classifier(estimator):
            raise TypeError(
                "The 'estimator' parameter of RecursiveWeightedClassifier must be a "
                f"scikit-learn classifier; got {type(estimator).__name__}."
            )
        if self.labels == "sample" and not hasattr(estimator, "predict_proba"):
            raise TypeError(
                "The 'labels' parameter of RecursiveWeightedClassifier is 'sample', which "
                "draws synthetic labels from the previous generation's predict_proba, but "
                f"{type(estimator).__name__} has no predict_proba. Use labels='argmax' (biased) "
                "or a probabilistic classifier, e.g. CalibratedClassifierCV around it."
            )

    def _validate_target(self, y, *, reset, classes=None):
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        y_type = type_of_target(y, input_name="y")
        if y_type not in ("binary", "multiclass"):
            raise ValueError(
                f"Unknown label type: {y_type}. RecursiveWeightedClassifier needs a "
                "categorical target (binary or multiclass labels, numbers or strings); "
                "for a continuous target use RecursiveWeightedRegressor."
            )
        if not reset:
            if classes is not None and not _same_classes(np.unique(classes), self.classes_):
                raise ValueError(
                    f"classes={list(np.unique(classes))} is not the same as on the first call "
                    f"to partial_fit, {list(self.classes_)}."
                )
            self._check_labels_known(y, self.classes_, "the classes of the first partial_fit")
            return y, {}
        all_classes = np.unique(y) if classes is None else np.unique(np.asarray(classes))
        if classes is not None:
            self._check_labels_known(y, all_classes, "classes=")
        if len(all_classes) < 2:
            where = "classes=" if classes is not None else "y"
            raise ValueError(
                f"RecursiveWeightedClassifier needs at least 2 classes; {where} has only "
                f"1 class ({all_classes[0]!r})."
            )
        return y, {"classes_": all_classes}

    @staticmethod
    def _check_labels_known(y, classes, source):
        unknown = np.setdiff1d(np.unique(y), classes)
        if len(unknown):
            raise ValueError(f"y has labels {list(unknown)} not in {source} {list(classes)}.")

    def _explain_fit_failure(self, exc, plan, batch, generation):
        present = np.unique(batch.y)
        if len(present) != 1 or plan.y_pool is None:
            return
        raise ValueError(
            _single_class_message(generation, present.tolist()[0], batch, plan, self,
                                  type(plan.base).__name__, exc)
        ) from exc

    def _synthetic_source(self, estimator, X_real, y_real, generation, sample_weight=None):
        return ClassificationSource(estimator, self.labels, generation)

    def _scoring_view(self, estimator, target_attrs):
        # a later partial_fit call defines no attributes: the stream's classes_ stand
        classes = target_attrs["classes_"] if "classes_" in target_attrs else self.classes_
        return _ClassesView(estimator, classes)

    # ---------------------------------------------------------- public API
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Run all generations on the pool ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            The pool of real rows; a ``validation_fraction`` share is held
            out for the per-generation scores.
        y : array-like of shape (n_samples,)
            Real class labels (numbers or strings, at least two classes).
        [fit_weights]

        Returns
        -------
        self : RecursiveWeightedClassifier
            Fitted estimator.
        """
        return self._fit(X, y, sample_weight, fit_params)

    def partial_fit(self, X, y, classes=None, sample_weight=None, **fit_params):
        """Advance exactly one generation with ``(X, y)`` as the fresh real batch.

        [partial_fit_batch]

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Fresh real rows.
        y : array-like of shape (n_samples,)
            Their labels.
        classes : array-like of shape (n_classes,), default=None
            All the classes the stream can hold, as in
            ``SGDClassifier.partial_fit``. On the first call it fixes
            ``classes_`` (default: the first batch's labels); later calls
            may omit it, or must repeat the same classes.
        [partial_fit_weights]

        Returns
        -------
        self : RecursiveWeightedClassifier
        """
        return self._partial_fit(X, y, sample_weight, fit_params, classes=classes)

    @available_if(estimator_has("predict"))
    def predict(self, X):
        """Predict class labels with the final generation's model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self._delegate("predict", X)

    @available_if(estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the final generation's model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; a class the final
            generation never saw has probability 0.
        """
        X = self._check_fitted_X(X)
        return _proba_in(self.classes_, self.estimator_, X)

    @available_if(estimator_has("predict_proba"))
    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba` (``-inf`` for a class never seen).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._check_fitted_X(X)
        return _log_proba_in(self.classes_, self.estimator_, X)

    @available_if(estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision scores of the final generation's model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            As the base model's; with more than two classes, a class the
            final generation never saw gets ``-inf``.
        """
        X = self._check_fitted_X(X)
        return _decision_in(self.classes_, self.estimator_, X)
