"""The per-generation scorer of the meta-estimators: built once, checked against the task.

:func:`generation_scorer` turns the ``scoring`` parameter into the scorer the
loop calls on every generation's model and the held-out rows, after checking,
before any fit, that it fits the task:

* the density estimator has no target, so a scikit-learn scorer name (every
  one of them compares predictions with ``y``) is refused, and a callable must
  accept ``(estimator, X)``; the supervised estimators call ``(estimator, X, y)``;
* a scorer name is tried once on a constant model of the pool's target
  (:class:`~sklearn.dummy.DummyClassifier` or
  :class:`~sklearn.dummy.DummyRegressor`), so that a classification metric on
  a continuous target or a regression metric on string labels fails there,
  with a message naming ``scoring``, not after the first generation;
* ``"neg_log_loss"`` is computed over the classes of the whole pool, so a
  held-out split lacking a rare class is still scored;
* scores are greater-is-better, as in scikit-learn: a callable that declares
  ``greater_is_better = False`` (the distances of :mod:`skrecursive.metrics`,
  also inside :func:`functools.partial`) is refused with a message naming its
  ``neg_`` scorer (:func:`check_greater_is_better`), since every consumer of
  the scores (the history, ``weight_curve``, the displays, a search over
  ``weight``) takes the largest as the best.

The :class:`GenerationScorer` it returns accepts only finite numbers: a
scorer returning None, an array, NaN or infinity is refused with its name and
the generation, and an error raised inside a scorer is re-raised naming it.
Given the scored rows' user weights, it passes them to every metric that
takes them (scikit-learn's scorers whose metric has ``sample_weight``, a
callable whose signature has it, the base model's ``score`` when it does) and
scores the others unweighted; the weights are the loop's own, like the fit
weights, so they reach the metric whatever metadata routing says.

The ``scoring`` parameter's constraint (:data:`SCORING`), its metric names
and the scores of one generation as history columns
(:func:`generation_scores`) live here too.
"""

import functools
import inspect
import math
import warnings
from numbers import Real

import numpy as np
from sklearn import config_context
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import check_scoring, get_scorer_names, log_loss, make_scorer

from .._utils.validation import CALLABLE, NONE
from .history import score_columns

__all__ = [
    "GenerationScorer", "generation_scorer", "SCORING", "metric_names", "same_scoring",
    "generation_scores", "check_greater_is_better",
]

# what a scorer raises when it does not fit the model or the target
_SCORER_ERRORS = (ValueError, TypeError, AttributeError, IndexError, KeyError)


def _named(scoring):
    """``scoring`` as ``{metric name: scorer name or callable}``, or None for one metric."""
    if isinstance(scoring, (list, tuple)):
        return {name: name for name in scoring}
    if isinstance(scoring, dict):
        return dict(scoring)
    return None


def _label(name, scorer):
    """How a message names one scorer."""
    if name is not None:
        return f"scoring[{name!r}]"
    if isinstance(scorer, str):
        return f"scoring={scorer!r}"
    return f"scoring={getattr(scorer, '__name__', None) or repr(scorer)}"


def _declared(scorer):
    """``(greater_is_better, metric)`` a callable declares, looking inside partials; else None."""
    while scorer is not None:
        declared = getattr(scorer, "greater_is_better", None)
        if isinstance(declared, bool):
            return declared, scorer
        scorer = scorer.func if isinstance(scorer, functools.partial) else None
    return None


def check_greater_is_better(scoring, owner):
    """Refuse a ``scoring`` callable (or dict entry) that declares lower-is-better.

    Parameters
    ----------
    scoring : str, callable, list, dict or None
        The meta-estimator's parameter.
    owner : str
        Who asks, for the message.

    Raises
    ------
    ValueError
        Naming the metric and the fix: its ``neg_`` scorer, or a callable
        returning minus the metric.
    """
    named = _named(scoring)
    items = [(None, scoring)] if named is None else list(named.items())
    for name, scorer in items:
        if isinstance(scorer, str) or scorer is None:
            continue  # scikit-learn's scorer names are all greater-is-better (neg_...)
        declared = _declared(scorer)
        if declared is None or declared[0]:
            continue
        metric = declared[1]
        metric_name = getattr(metric, "__name__", None) or type(metric).__name__
        fix = getattr(metric, "neg_scorer", None)
        if fix is not None:
            keywords = (" (it takes the same keyword arguments)"
                        if isinstance(scorer, functools.partial) else "")
            fix = f"pass {fix.__module__}.{fix.__name__} instead{keywords}"
        else:
            fix = (f"pass a callable returning minus it, e.g. lambda estimator, X: "
                   f"-{metric_name}(estimator, X)")
        raise ValueError(
            f"{_label(name, scorer)} is lower-is-better ({metric_name} declares "
            f"greater_is_better=False), but {owner} records scores that are greater-is-better, "
            f"as scikit-learn does, and the best weight is the one with the largest score: "
            f"{fix}."
        )


def _takes_sample_weight(function):
    try:
        return "sample_weight" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _accepts(function, n_args):
    """Whether ``function`` can be called with ``n_args`` positional arguments (True if unknown)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # builtins and some C callables: cannot tell
        return True
    try:
        signature.bind(*([None] * n_args))
    except TypeError:
        return False
    return True


def _with_pool_classes(scorer, classes):
    """The scorer a name stands for, with the pool's classes where the metric needs them."""
    if scorer == "neg_log_loss" and classes is not None:
        return make_scorer(log_loss, greater_is_better=False, response_method="predict_proba",
                           labels=classes)
    return scorer


def _describe_target(y, classes):
    if classes is not None:
        shown = ", ".join(repr(c) for c in np.asarray(classes)[:5].tolist())
        more = ", ..." if len(classes) > 5 else ""
        return f"class labels [{shown}{more}]"
    return "a continuous target"


def _try_on_constant_model(label, scorer, y, classes, owner):
    """Score a constant model of ``y``: a name that does not fit the task fails here."""
    Z = np.zeros((len(y), 1))
    model = (DummyClassifier(strategy="prior") if classes is not None
             else DummyRegressor()).fit(Z, y)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check_scoring(model, scoring=scorer)(model, Z, y)
    except _SCORER_ERRORS as exc:
        raise ValueError(
            f"{label} does not fit {owner}'s task: tried on a constant model of y "
            f"({_describe_target(y, classes)}), it raises {type(exc).__name__}: {exc}"
        ) from exc


class GenerationScorer:
    """The checked scorer of one fit: ``scorer(estimator, X[, y])`` -> ``{column: float}``.

    ``columns`` maps each history column (``"score"``, or ``"score_<name>"``
    for a multi-metric ``scoring``) to the metric's name (None for one metric).
    """

    def __init__(self, base, parts, multi):
        self.parts = parts  # metric name (None for one metric) -> scorer
        self.multi = multi
        self._base = base
        self._scorer = check_scoring(base, scoring=parts if multi else parts[None])
        self._weighted = None  # metric name -> (scorer, takes sample_weight), on first use
        # how messages name each metric, fixed once rather than rebuilt every generation
        self._labels = {name: _label(name if multi else None, scorer)
                        for name, scorer in parts.items()}

    def _weighted_parts(self):
        if self._weighted is None:
            self._weighted = {}
            for name, part in self.parts.items():
                scorer = check_scoring(self._base, scoring=part)
                # scoring=None calls the model's own score, which says whether it takes them
                takes = _takes_sample_weight(self._base.score if part is None else scorer)
                self._weighted[name] = (scorer, takes)
        return self._weighted

    def _call_weighted(self, view, args, sample_weight):
        out = {}
        for name, (scorer, takes) in self._weighted_parts().items():
            if not takes:
                out[name] = scorer(view, *args)
                continue
            try:
                with config_context(enable_metadata_routing=False):
                    out[name] = scorer(view, *args, sample_weight=sample_weight)
            except TypeError as exc:  # a scorer name whose metric takes no sample_weight
                if "sample_weight" not in str(exc):
                    raise
                self._weighted[name] = (scorer, False)
                out[name] = scorer(view, *args)
        return out if self.multi else out[None]

    def __call__(self, view, args, generation, sample_weight=None, allow_nan=False):
        """Score one generation: ``{metric name or None: finite float}``.

        ``sample_weight`` are the scored rows' user weights (None: unweighted).
        An error raised inside a scorer is re-raised as a ``ValueError``
        naming the scorer and the generation (the original is chained); a
        result that is not one finite number is refused the same way, except
        NaN when ``allow_nan`` (a stream's batch on which the metric is
        undefined, such as R^2 of one row: NaN is recorded).
        """
        labels = self._labels
        try:
            if sample_weight is None:
                result = self._scorer(view, *args)
            else:
                result = self._call_weighted(view, args, sample_weight)
        except _SCORER_ERRORS as exc:
            label = labels[None] if not self.multi else f"scoring {list(self.parts)}"
            if self.multi:  # find the metric that failed
                for name, scorer in self.parts.items():
                    try:
                        check_scoring(view, scoring=scorer)(view, *args)
                    except Exception:  # noqa: BLE001 - only to name the failing metric
                        label = labels[name]
                        break
            raise ValueError(
                f"{label} failed on generation {generation}'s model: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        def check(value, label):
            return _finite(value, label, generation, allow_nan=allow_nan,
                           why_minus_inf=lambda: _zero_probability_hint(view, generation))

        if not self.multi:
            return {None: check(result, labels[None])}
        return {name: check(result[name], labels[name]) for name in self.parts}


def generation_scorer(base, scoring, *, owner, supervised, y=None, classes=None):
    """The per-generation scorer of ``scoring``, checked against the task.

    Parameters
    ----------
    base : estimator
        The (unfitted) base model; None for ``scoring`` means its ``score``.
    scoring : str, callable, list, dict or None
        The meta-estimator's parameter (already checked for its type).
    owner : str
        The meta-estimator's class name, for messages.
    supervised : bool
        Whether the scorer gets ``y`` (False for density estimation).
    y : ndarray or None
        The pool's target (its labels for a classifier), to try scorer names on.
    classes : ndarray or None
        A classifier's classes (those of the whole pool).

    Returns
    -------
    GenerationScorer

    Raises
    ------
    ValueError
        Naming ``scoring`` (and the metric) when it cannot score this task or
        declares lower-is-better.
    """
    check_greater_is_better(scoring, owner)
    named = _named(scoring)
    items = [(None, scoring)] if named is None else list(named.items())
    parts = {}
    for name, scorer in items:
        label = _label(name, scorer)
        if isinstance(scorer, str):
            if not supervised:
                raise ValueError(
                    f"{label} is a supervised metric (it compares predictions with y), but "
                    f"{owner} has no target: use None (the base model's score) or a callable "
                    "scorer(estimator, X), such as "
                    "skrecursive.metrics.neg_cramer_von_mises_scorer."
                )
            scorer = _with_pool_classes(scorer, classes)
            if y is not None:
                _try_on_constant_model(label, scorer, y, classes, owner)
        elif scorer is not None and not _accepts(scorer, 3 if supervised else 2):
            call = "scorer(estimator, X, y)" if supervised else "scorer(estimator, X)"
            raise ValueError(
                f"{label} cannot be called as {call}, the way {owner} scores every "
                "generation on its held-out rows"
                + ("" if supervised else " (it has no target, so no y)") + "."
            )
        parts[name] = scorer
    return GenerationScorer(base, parts, named is not None)


def _zero_probability_hint(model, generation):
    """Why a held-out log-likelihood is ``-inf``, and the fix that applies to ``model``."""
    while type(model).__name__ == "_ClassesView":  # the classifier's view of its model
        model = model.estimator
    name = type(model).__name__
    hint = (
        f" A log-likelihood of -inf means a scored row has probability 0 under "
        f"generation {generation}'s {name}: for a categorical model, a category absent "
        f"from that generation's training rows (at generation 0, a category seen only in "
        "the held-out rows; later, one the recursion lost)."
    )
    alpha = model.get_params().get("alpha") if hasattr(model, "get_params") else None
    if alpha is not None and alpha == 0:
        hint += (
            f" {name} has alpha=0; set alpha > 0 (e.g. {name}(alpha=0.5)) so every "
            "category keeps a positive probability, or score with "
            "skrecursive.metrics.neg_distribution_mse_scorer, which stays finite."
        )
    else:
        hint += (" Use a model that gives every value a positive probability (smoothing), "
                 "or a scoring that stays finite.")
    return hint


def _finite(value, label, generation, *, allow_nan=False, why_minus_inf=None):
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iufc":
        value = value[()]  # a 0-d array of a number is that number
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None or np.ndim(value) != 0:
        shown = f"an array of shape {np.shape(value)}" if (
            not isinstance(value, (str, bytes)) and np.ndim(value) != 0) else repr(value)
        raise TypeError(
            f"{label} returned {shown} at generation {generation}; a score must be one "
            "finite number."
        )
    if not isinstance(value, (Real, np.number)) or isinstance(value, np.complexfloating):
        # complex numbers are refused, never recorded as their real part
        raise TypeError(
            f"{label} returned a {type(value).__name__} ({value!r}) at generation "
            f"{generation}; a score must be one finite real number."
        )
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range, e.g. 10**400
        raise ValueError(
            f"{label} returned {_short(value)} at generation {generation}, beyond the float "
            "range; a score must be one finite real number."
        ) from None
    if math.isnan(number) and allow_nan:
        return number
    if not math.isfinite(number):
        why = why_minus_inf() if (number == -math.inf and why_minus_inf is not None) else ""
        raise ValueError(
            f"{label} returned {number} at generation {generation}; a score must be finite "
            f"(NaN marks the generations that were not scored).{why}"
        )
    return number


# -------------------------------------------- the scoring parameter, one generation's scores
class _ScorerName:
    def is_satisfied_by(self, value):
        return isinstance(value, str) and value in get_scorer_names()

    def __str__(self):
        return "a scorer name from sklearn.metrics.get_scorer_names()"


class _MultiScoring:
    """Several metrics at once, as in ``sklearn.model_selection.cross_validate``."""

    def is_satisfied_by(self, value):
        names = _ScorerName()
        if isinstance(value, (list, tuple)):
            return (len(value) > 0 and len(set(value)) == len(value)
                    and all(names.is_satisfied_by(v) for v in value))
        if isinstance(value, dict):
            return len(value) > 0 and all(
                isinstance(key, str) and (names.is_satisfied_by(v) or CALLABLE.is_satisfied_by(v))
                for key, v in value.items()
            )
        return False

    def __str__(self):
        return "a list of distinct scorer names or a dict of name -> scorer"


#: the constraint of the meta-estimators' ``scoring`` parameter
SCORING = [NONE, _ScorerName(), CALLABLE, _MultiScoring()]


def metric_names(scoring):
    """Names of the metrics of a multi-metric ``scoring``, else None."""
    if isinstance(scoring, (dict, list, tuple)):
        return list(scoring)
    return None


def same_scoring(previous, current):
    """Whether ``scoring`` is the one the recorded history was scored with."""
    if previous is current:
        return True
    try:
        return bool(previous == current)
    except Exception:  # objects without a usable ==
        return False


def generation_scores(plan, estimator, generation, rows=None, *, view):
    """History columns of one generation's scores (NaN when there is nothing to score).

    ``rows`` is ``(X, y, sample_weight)`` to score; None means the plan's
    held-out rows. ``view(estimator, plan.target_attrs)`` is what the scorer
    sees of the fitted model (the meta-estimator's ``_scoring_view`` hook).
    """
    columns = score_columns(plan.metric_names)
    X, y, sw = (plan.X_val, plan.y_val, plan.sw_val) if rows is None else rows
    if X is None or estimator is None or plan.scorer is None:
        return dict.fromkeys(columns, math.nan)
    if sw is not None and not np.sum(sw) > 0:
        # every scored row has weight zero: a weighted score is undefined
        return dict.fromkeys(columns, math.nan)
    view = view(estimator, plan.target_attrs)
    args = (X,) if y is None else (X, y)
    # finite numbers, or an error naming the scorer; in a stream, NaN where the metric is
    # undefined on the batch (R^2 of one row) is recorded as NaN
    scores = plan.scorer(view, args, generation, sample_weight=sw, allow_nan=plan.partial)
    if plan.metric_names is None:
        return {"score": scores[None]}
    return {col: scores[name] for col, name in zip(columns, plan.metric_names, strict=True)}


def _short(value):
    """An int as the message shows it: huge ones by their number of digits."""
    text = str(value)
    return text if len(text) <= 20 else f"an int of {len(text)} digits"
