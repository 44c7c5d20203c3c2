"""The one generation loop behind every recursive meta-estimator.

Generation 0 fits a clone of the base model on ``n`` real rows. Each later
generation gets real rows as its strategy says (:mod:`skrecursive._core.strategies`),
draws ``m`` synthetic rows from the previous generation's model
(:mod:`skrecursive._core.sources`, every batch checked), weights the two parts
(:mod:`skrecursive._core.weights`), fits a fresh clone and records it.

:class:`BaseRecursiveEstimator` owns that loop. ``fit`` and ``partial_fit``
validate once (:meth:`BaseRecursiveEstimator._prepare`, which fixes a
:class:`_Plan`), then call the one generation step,
:meth:`BaseRecursiveEstimator._step`, on a :class:`_State` that carries what a
generation hands the next: ``fit`` steps through the strategy's real batches,
``partial_fit`` steps once. Nothing is written on the estimator until every
step has succeeded (:meth:`BaseRecursiveEstimator._commit`), so a failure or an
interrupt leaves it exactly as it was. The regressor, classifier and density
estimator only say how to validate their target, which base models they accept
and how a fitted model produces synthetic rows.
"""

import copy
import math
import time
import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import get_scorer_names
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from .._utils.rows import n_rows, take_rows
from .._utils.validation import (
    BOOLEAN,
    CALLABLE,
    NONE,
    RANDOM_STATE,
    HasMethods,
    Interval,
    Options,
    check_memory,
    check_params,
)
from .inputs import accepts_nan, check_X
from .scoring import generation_scorer
from .sources import BootstrapRows, draw_synthetic
from .strategies import STRATEGY_NAMES, Strategy, get_strategy
from .weight_rule import WEIGHT, optimal_weight, real_to_synthetic_ratio, resolve_weight
from .weights import (
    fit_weighted,
    metadata_router,
    route_fit_params,
    user_weights,
    warn_resampling,
    weight_routing,
)

__all__ = ["BaseRecursiveEstimator", "HISTORY_KEYS"]

HISTORY_KEYS = ("generation", "n_real", "n_synthetic", "weight", "score", "fit_time")
_COUNTS = ("generation", "n_real", "n_synthetic")
# what validate_data(reset=True) writes on the estimator; committed only on success
_FEATURE_ATTRS = ("n_features_in_", "feature_names_in_")


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


def _estimator_has(attr):
    """For ``available_if``: the fitted (or else the unfitted) base model has ``attr``."""

    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self._get_estimator(), attr)

    return check


def _random_state_keys(estimator):
    """Names of every ``random_state`` parameter of ``estimator``, nested ones included."""
    return [k for k in estimator.get_params(deep=True) if k.split("__")[-1] == "random_state"]


def _reseed(estimator, keys, rng):
    """Give the ``random_state`` parameters ``keys`` of ``estimator`` seeds drawn from ``rng``.

    Each generation's clone then draws differently, yet the whole loop stays a
    function of the meta-estimator's own ``random_state`` (as in bagging).
    """
    if keys:
        seeds = {k: int(rng.randint(np.iinfo(np.int32).max)) for k in keys}
        if type(estimator).set_params is BaseEstimator.set_params and not any(
            "__" in k for k in keys
        ):
            # what BaseEstimator.set_params does for top-level names, without its
            # get_params(deep=True) call (a measurable share of a small model's fit)
            for key, seed in seeds.items():
                setattr(estimator, key, seed)
        else:
            estimator.set_params(**seeds)
    return estimator


_IMMUTABLE = (str, bytes, bool, int, float, complex, type(None))


def _unfitted_copies(base):
    """A function returning a new unfitted copy of ``base`` at each call.

    ``clone`` runs once; later copies are copies of that first clone, which is
    what ``clone`` would give (same class, same parameters, nothing fitted) at
    a fraction of the cost: a new instance sharing the parameters when every
    one of them is an immutable scalar, a deep copy otherwise. Models that
    customise cloning (``__sklearn_clone__``) are cloned every time.
    """
    prototype = clone(base)
    cls = type(prototype)
    if not isinstance(prototype, BaseEstimator) or (
        cls.__sklearn_clone__ is not BaseEstimator.__sklearn_clone__
    ):
        return lambda: clone(base)
    if all(type(v) in _IMMUTABLE for v in vars(prototype).values()):
        state = vars(prototype)

        def shallow():
            new = cls.__new__(cls)
            new.__dict__.update(state)
            return new

        return shallow
    return lambda: copy.deepcopy(prototype)


def _resolve_count(value, reference, name="n_synthetic"):
    """An int is an absolute row count; a float a multiple of ``reference``."""
    if isinstance(value, Integral):
        return int(value)
    count = float(value) * reference
    if not math.isfinite(count):
        raise ValueError(
            f"{name}={value!r} times {reference} real rows is more rows than a float can "
            "count; no machine holds them: use a smaller n_synthetic."
        )
    return max(1, int(round(count)))


def _fit_memory(strategy, *, n_real, n_synthetic, n_features, n_steps, max_accumulated):
    """Estimated peak bytes of the rows a fit handles (not the base model's own state).

    Each generation holds its real and synthetic rows and, concatenated with
    their weights and target, its training set, which the base model copies
    once or twice more (centring, a solver's work arrays); ``"accumulate"``
    also keeps every synthetic row drawn so far. Counted in 8-byte cells per
    row of ``n_features + 2`` (features, target, weight). Within 1.0 to 1.6
    times the peak ``tracemalloc`` measures for a ``Ridge`` base model on
    float arrays (see the test of this function).
    """
    width = 8 * (n_features + 2)
    kept = n_steps * n_synthetic if strategy.accumulates else 0
    training = n_real + (kept if strategy.accumulates else n_synthetic)
    if max_accumulated is not None:
        training = min(training, max_accumulated)
    return width * (n_real + n_synthetic + kept + 3 * training) + 8 * n_real


def _check_fit_memory(what, strategy, **sizes):
    """Refuse, with the estimate, sizes whose rows cannot fit in memory (before any fit)."""
    needed = _fit_memory(strategy, **sizes)
    def count(value):
        if value < 10**12:
            return str(value)
        return format(float(value), ".3g") if value < 10**308 else "more than 1e+308"

    shown = ", ".join(f"{key}={count(value)}" for key, value in sizes.items()
                      if key in ("n_real", "n_synthetic", "n_features"))
    if strategy.accumulates and sizes["n_steps"] > 1:
        shown += f", n_generations={sizes['n_steps']}"
    check_memory(min(needed, 10**308), f"{what} with {shown}, strategy={strategy.name!r}")


def _copy_rng(rng):
    """An independent RandomState at the same point of the stream as ``rng``."""
    copy = np.random.RandomState()
    copy.set_state(rng.get_state())
    return copy


@dataclass
class _Plan:
    """What validation fixes once, for a whole ``fit`` or one ``partial_fit`` call."""

    strategy: Strategy
    base: Any
    new_estimator: Any  # () -> a new unfitted copy of base
    routing: Any  # from weight_routing: the sample_weight keyword, or None to resample
    seed_keys: list
    w: float
    k: float
    n_real: int
    n_synthetic: int
    n_features: int
    covariates: Any  # sampler of synthetic covariates (None for density estimation)
    scorer: Any
    metric_names: Any  # names of a multi-metric scoring, or None
    X_val: Any = None
    y_val: Any = None
    max_accumulated: Any = None
    # fitted attributes the validation defined (classes_, n_features_in_, ...)
    target_attrs: Any = None
    reset: bool = True  # whether the feature attributes are replaced on commit
    y_pool: Any = None  # the real rows' target, for the messages of a failed fit
    sw_val: Any = None  # the user's weights of the held-out rows (None: equal)
    fit_params: Any = None  # other fit parameters routed to every base fit
    allow_nan: bool = False  # the base model accepts missing values in X
    # partial_fit: score each new batch before training on it (test-then-train), and let
    # the monitor's keys change between calls (fit: they must stay the same)
    partial: bool = False


@dataclass
class _State:
    """What one generation hands the next; committed only when every step succeeded."""

    rng: np.random.RandomState  # a working copy of ``origin``
    origin: np.random.RandomState  # the stream the committed estimator continues
    history: "_History"
    generation: int = 0  # index of the next generation
    estimator: Any = None
    source: Any = None  # synthetic source of the last fitted generation
    memory: Any = None  # the strategy's own state (the accumulate buffer)
    estimators: Any = None  # every generation's model, when kept


class _RealBatches:
    """The real rows of each of a strategy's batches, drawn from the pool on first use.

    ``"disjoint"`` draws one permutation and cuts it into consecutive batches;
    ``"bootstrap"`` draws each new batch uniformly with replacement. Batches are
    drawn when first asked for, so the random stream is consumed in generation
    order. The user's row weights ``sw`` (None: equal) do not change which rows
    are drawn; each batch carries the weights of its rows.
    """

    def __init__(self, X, y, n_real, disjoint, rng, sw=None):
        self.X, self.y, self.n_real, self.disjoint, self.rng = X, y, n_real, disjoint, rng
        self.sw = sw
        self._perm = None
        self._index, self._rows = None, (None, None, None)

    def rows(self, index):
        """``(X, y, sample_weight)`` of batch ``index`` (all None for no real rows)."""
        if index is None:
            return None, None, None
        if index != self._index:
            idx = self._draw(index)
            self._index = index
            self._rows = (take_rows(self.X, idx), None if self.y is None else self.y[idx],
                          None if self.sw is None else self.sw[idx])
        return self._rows

    def _draw(self, index):
        n_pool = n_rows(self.X)
        if not self.disjoint:
            return self.rng.randint(n_pool, size=self.n_real)
        if self._perm is None:
            self._perm = self.rng.permutation(n_pool)
        return self._perm[index * self.n_real : (index + 1) * self.n_real]


def _score_columns(metric_names):
    return ["score"] if metric_names is None else [f"score_{n}" for n in metric_names]


class _History:
    """The per-generation records: fixed columns, score columns, then monitor columns."""

    def __init__(self, metric_names, previous=None, keep_scores=True):
        fixed = [k for k in HISTORY_KEYS if k not in ("score", "fit_time")]
        keys = fixed + _score_columns(metric_names) + ["fit_time"]
        self.length = 0 if previous is None else len(previous["generation"])
        self.columns = {}
        for key in keys:
            if previous is not None and key in previous and (keep_scores or key in fixed
                                                              or key == "fit_time"):
                self.columns[key] = list(previous[key])
            else:
                self.columns[key] = [math.nan] * self.length
        # monitor columns recorded earlier (everything after fit_time)
        self.monitor_keys = [] if previous is None else [
            key for key in previous if not _reserved(key)
        ]
        for key in self.monitor_keys:
            self.columns[key] = list(previous[key])

    def append(self, record, monitored, generation, strict):
        if strict and self.length and set(monitored) != set(self.monitor_keys):
            raise ValueError(
                f"monitor returned the keys {sorted(monitored)} at generation {generation} "
                f"but {sorted(self.monitor_keys)} before; it must return the same keys "
                "(or None) every generation."
            )
        for key in monitored:
            if key not in self.columns:  # a new column: NaN for the earlier generations
                self.columns[key] = [math.nan] * self.length
                self.monitor_keys.append(key)
        for key, column in self.columns.items():
            column.append(record[key] if key in record else monitored.get(key, math.nan))
        self.length += 1

    def as_arrays(self):
        return {
            key: np.asarray(values, dtype=int if key in _COUNTS else float)
            for key, values in self.columns.items()
        }


def _reserved(key):
    """History columns a monitor may not write: the fixed ones and the scores."""
    return key in HISTORY_KEYS or key.startswith("score_")


def _monitor_record(result, generation):
    """The validated dict a ``monitor`` call returned (None records nothing)."""
    if result is None:
        return {}
    if not isinstance(result, Mapping):
        raise TypeError(
            f"monitor must return a dict of numbers (or None); at generation {generation} it "
            f"returned a {type(result).__name__}."
        )
    record = {}
    for key, value in result.items():
        if not isinstance(key, str):
            raise TypeError(
                f"monitor must return a dict with str keys; at generation {generation} it "
                f"returned the key {key!r}."
            )
        if _reserved(key):
            raise ValueError(
                f"monitor returned the key {key!r} at generation {generation}, which names a "
                f"column the history already has ({', '.join(HISTORY_KEYS)}, score_<name>); "
                "rename it."
            )
        if isinstance(value, (str, bytes)) or np.ndim(value) != 0:
            raise TypeError(
                f"monitor must return numbers; at generation {generation} its key {key!r} "
                f"holds a {type(value).__name__}."
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"monitor must return numbers; at generation {generation} its key {key!r} "
                f"holds {value!r}."
            ) from None
        if math.isinf(number):
            raise ValueError(
                f"monitor returned {number} for {key!r} at generation {generation}; values "
                "must be finite (NaN marks a missing value)."
            )
        record[key] = number
    return record


class BaseRecursiveEstimator(MetaEstimatorMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared parameters, validation and the generation step.

    Subclasses define ``_default_estimator``, ``_check_base_estimator``,
    ``_validate_target`` and ``_synthetic_source``, and may extend
    ``_parameter_table``.
    """

    _parameter_table = {
        "estimator": [NONE, HasMethods("fit")],
        "n_generations": [Interval(Integral, 0, None, closed="left")],
        "n_real": [
            NONE,
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="right"),
        ],
        "n_synthetic": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, None, closed="neither"),
        ],
        "weight": [WEIGHT],
        "real_sampling": [Options("bootstrap", "disjoint")],
        "strategy": [Options(*STRATEGY_NAMES)],
        "max_accumulated": [NONE, Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "scoring": [NONE, _ScorerName(), CALLABLE, _MultiScoring()],
        "monitor": [NONE, CALLABLE],
        "keep_estimators": [BOOLEAN],
        "random_state": [RANDOM_STATE],
        "verbose": [Interval(Integral, 0, None, closed="left"), BOOLEAN],
    }

    # y is passed to fit and to the scorer (False for density estimation)
    _supervised = True

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _default_estimator(self):
        """The base model used when ``estimator=None``."""

    def _check_base_estimator(self, estimator):
        """Raise ``TypeError`` when ``estimator`` cannot serve as the base model."""

    def _validate_target(self, y, *, reset, **kwargs):
        """Return the validated target and a dict of fitted attributes it defines."""
        return y, {}

    @abstractmethod
    def _synthetic_source(self, estimator, X_real, y_real, generation, sample_weight=None):
        """Synthetic source (see :mod:`skrecursive._core.sources`) of the next generation.

        ``sample_weight`` are the user's weights of ``X_real`` (None: equal).
        """

    def _covariate_sampler(self, X_pool, sample_weight=None):
        """Sampler of synthetic covariates given the rows available as real data.

        Supervised estimators have a ``covariate_sampler`` parameter:
        ``"bootstrap"`` resamples ``X_pool``'s rows (in proportion to the user's
        ``sample_weight``, when given), an object is used as it is.
        """
        sampler = getattr(self, "covariate_sampler", None)
        if isinstance(sampler, str):
            return BootstrapRows(X_pool, weights=sample_weight)
        return sampler

    def _check_extra(self, X, y):
        """Data-dependent checks a subclass needs before any fitting."""

    def _explain_fit_failure(self, exc, plan, batch, generation):
        """Raise a clearer error than ``exc``, the base model's ``fit`` failure, if there is one.

        Called with the generation's :class:`~skrecursive._core.strategies.TrainingSet`;
        returning lets ``exc`` propagate as it is.
        """

    def _scoring_view(self, estimator, target_attrs):
        """What the per-generation scorer sees for one generation's fitted model.

        ``target_attrs`` are the fitted attributes ``_validate_target`` defined
        on the whole pool (e.g. the classifier's ``classes_``), so a subclass can
        score every generation the way the finished meta-estimator would be.
        """
        return estimator

    # -------------------------------------------------------------- helpers
    def _get_estimator(self):
        return self._default_estimator() if self.estimator is None else self.estimator

    def _check_params(self):
        check_params(self, self._parameter_table)
        self._check_base_estimator(self._get_estimator())

    def _check_X(self, X, *, reset):
        """Validate X; dataframes stay native, NaN only when the base model takes it."""
        return check_X(self, X, reset=reset, base=self._get_estimator())

    def _check_X_y(self, X, y, *, reset, **target_kwargs):
        if not self._supervised:
            return self._check_X(X, reset=reset), None, {}
        if y is None:
            # Let validate_data produce scikit-learn's standard message.
            validate_data(self, X, y, reset=reset)
        X = self._check_X(X, reset=reset)
        y = np.asarray(y) if not isinstance(y, (np.ndarray, pd.Series)) else y
        if isinstance(y, pd.Series):
            y = y.to_numpy()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim != 1:
            raise ValueError(f"y must be 1-dimensional; got an array of shape {y.shape}.")
        if y.dtype.kind == "O" and pd.isna(y).any():
            # missing targets are never accepted, whatever the base model takes in X
            raise ValueError("Input y contains NaN or missing values.")
        if len(y) != n_rows(X):
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"X has {n_rows(X)} rows and y has {len(y)}."
            )
        y, attrs = self._validate_target(y, reset=reset, **target_kwargs)
        return X, y, attrs

    def _validate_without_side_effects(self, X, y, *, reset, **target_kwargs):
        """:meth:`_check_X_y`, returning the feature attributes instead of setting them.

        ``validate_data(reset=True)`` writes ``n_features_in_`` and
        ``feature_names_in_`` on the estimator; they are taken back here and
        written by :meth:`_commit`, so a failed fit leaves no trace.
        """
        saved = {name: self.__dict__[name] for name in _FEATURE_ATTRS if name in self.__dict__}
        try:
            X, y, attrs = self._check_X_y(X, y, reset=reset, **target_kwargs)
            if reset:
                attrs = {**attrs, **{name: self.__dict__[name] for name in _FEATURE_ATTRS
                                     if name in self.__dict__}}
        finally:
            for name in _FEATURE_ATTRS:
                self.__dict__.pop(name, None)
            self.__dict__.update(saved)
        return X, y, attrs

    def _metric_names(self):
        """Names of the metrics of a multi-metric ``scoring``, else None."""
        if isinstance(self.scoring, (dict, list, tuple)):
            return list(self.scoring)
        return None

    def _split_validation(self, X, y, sw, rng):
        """``(train, validation)``, each ``(X, y, sample_weight)``; validation None when empty."""
        n_total = n_rows(X)
        n_val = int(np.floor(self.validation_fraction * n_total))
        if n_val < 2:
            return (X, y, sw), None
        if n_total - n_val < 2:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} holds out {n_val} of the "
                f"{n_total} rows and leaves {n_total - n_val} to train on; the loop needs at "
                "least 2 training rows: lower validation_fraction (0 holds out nothing)."
            )
        perm = rng.permutation(n_total)
        val, train = np.sort(perm[:n_val]), np.sort(perm[n_val:])

        def part(idx):
            return (take_rows(X, idx), None if y is None else y[idx],
                    None if sw is None else sw[idx])

        return part(train), part(val)

    def _resolve_sizes(self, strategy, n_pool):
        """(n_real, n_synthetic) of ``fit`` for a training pool of ``n_pool`` rows."""
        n_batches = strategy.n_real_batches(self.n_generations)
        if self.n_real is None:
            if self.real_sampling == "bootstrap":
                n_real = n_pool
            else:
                n_real = n_pool // n_batches
                if n_real < 1:
                    raise ValueError(
                        f"real_sampling='disjoint' needs at least n_generations + 1 = "
                        f"{n_batches} training rows, one fresh batch per "
                        f"generation; the training pool has {n_pool}."
                    )
        elif isinstance(self.n_real, Integral):
            n_real = int(self.n_real)
        else:
            n_real = max(1, int(round(self.n_real * n_pool)))
        if self.real_sampling == "disjoint" and n_real * n_batches > n_pool:
            needed = n_real * n_batches
            raise ValueError(
                f"real_sampling='disjoint' with n_real={n_real} and "
                f"n_generations={self.n_generations} needs {needed} training rows "
                f"(n_real * (n_generations + 1)), but the training pool has only {n_pool} "
                "(after holding out validation_fraction): lower n_real or n_generations, "
                "or use real_sampling='bootstrap'."
            )
        strategy.check_sizes(n_real, n_pool, self.max_accumulated)
        return n_real, _resolve_count(self.n_synthetic, n_real)

    # ------------------------------------------------- validate once, step, commit
    def _prepare(self, X, y, *, partial, sample_weight=None, fit_params=None,
                 **target_kwargs):
        """Validate everything once; return the :class:`_Plan`, the :class:`_State`
        and the training pool ``(X, y, sample_weight)``.

        ``partial`` is True for ``partial_fit``: ``(X, y)`` is then the next
        fresh real batch and the state continues the fitted stream, if any.
        ``sample_weight`` (the user's row weights; constant weights become
        None, so they change nothing) and the other ``fit_params`` (routed to
        the base model's ``fit``) are checked here too. Nothing is written on
        the estimator.
        """
        self._check_params()
        strategy = get_strategy(self.strategy)
        if partial and not strategy.streaming:
            raise ValueError(
                f"partial_fit advances the strategy='fresh' loop with each new real batch; "
                f"strategy={self.strategy!r} reuses or drops real rows, use fit instead."
            )
        reset = not (partial and hasattr(self, "estimator_"))
        X, y, attrs = self._validate_without_side_effects(X, y, reset=reset, **target_kwargs)
        sw = user_weights(sample_weight, n_rows(X))
        routed = route_fit_params(self, "partial_fit" if partial else "fit",
                                  fit_params or {}, n_rows(X))
        self._check_extra(X, y)
        origin = check_random_state(self.random_state) if reset else self._rng
        # work on a copy, so that a failure leaves the stream where it was; numpy's
        # global stream (random_state=None) is not reproducible anyway and is used
        # directly, so that draws other code makes from it during the fit stay in it
        rng = origin if origin is check_random_state(None) else _copy_rng(origin)
        base = self._get_estimator()
        if partial:
            X_val = y_val = sw_val = None
            n_real = n_rows(X)
            strategy.check_sizes(n_real, n_real, self.max_accumulated)
            n_syn = _resolve_count(self.n_synthetic, n_real)
            # prequential: each new batch is scored by the current model before use
            # (a base model without score and no scoring: nothing to score with)
            scorer = None if self.scoring is None and not hasattr(base, "score") else (
                generation_scorer(base, self.scoring, owner=type(self).__name__,
                                  supervised=self._supervised, y=y,
                                  classes=attrs.get("classes_", getattr(self, "classes_",
                                                                        None))))
        else:
            # checked against the task before any fit, on the whole pool's target
            scorer = generation_scorer(base, self.scoring, owner=type(self).__name__,
                                       supervised=self._supervised, y=y,
                                       classes=attrs.get("classes_"))
            (X, y, sw), held_out = self._split_validation(X, y, sw, rng)
            X_val, y_val, sw_val = (None, None, None) if held_out is None else held_out
            n_real, n_syn = self._resolve_sizes(strategy, n_rows(X))
        _check_fit_memory(f"{type(self).__name__}.{'partial_fit' if partial else 'fit'}",
                          strategy, n_real=n_real, n_synthetic=n_syn,
                          n_features=X.shape[1], n_steps=1 if partial else self.n_generations,
                          max_accumulated=self.max_accumulated)
        k = real_to_synthetic_ratio(n_real, n_syn)
        metric_names = self._metric_names()
        plan = _Plan(
            strategy=strategy,
            base=base,
            new_estimator=_unfitted_copies(base),
            routing=weight_routing(base),
            seed_keys=_random_state_keys(base),
            w=resolve_weight(self.weight, k),
            k=k,
            n_real=n_real,
            n_synthetic=n_syn,
            n_features=X.shape[1],
            covariates=self._covariate_sampler(X, sw),
            scorer=scorer if partial or X_val is not None else None,
            metric_names=metric_names,
            X_val=X_val,
            y_val=y_val,
            max_accumulated=self.max_accumulated,
            target_attrs=attrs,
            reset=reset,
            y_pool=y,
            sw_val=sw_val,
            fit_params=routed,
            allow_nan=accepts_nan(base),
            partial=partial,
        )
        if reset:
            history, kept = _History(metric_names), None
        else:
            history = _History(metric_names, self.history_, keep_scores=_same_scoring(
                getattr(self, "_scoring", None), self.scoring))
            kept = getattr(self, "estimators_", None)
        if kept is not None:
            estimators = list(kept)
        elif self.keep_estimators:  # generations fitted without keeping them are None
            estimators = [None] * history.length
        else:
            estimators = None
        state = _State(
            rng=rng,
            origin=origin,
            history=history,
            generation=history.length,
            estimator=None if reset else self.estimator_,
            source=None if reset else self._source,
            memory=strategy.new_state(),
            estimators=estimators,
        )
        return plan, state, (X, y, sw)

    def _step(self, plan, state, X_real, y_real, sw_real=None):
        """Fit one generation on ``X_real`` (None: no real rows) and record it in ``state``.

        The training set comes from the plan's strategy (generation 0: the real
        rows alone), the synthetic rows from the previous generation's source
        (checked as they are drawn), the weights from the weights module
        (``sw_real`` are the user's weights of the real rows, None: equal).
        The fitted model is scored (on the held-out rows; in a stream, the
        previous model on this batch before it is used), shown to ``monitor``,
        recorded in the history, and turned into the synthetic source of the
        next generation.
        """
        t, rng = state.generation, state.rng
        if plan.partial:
            # test-then-train: the current model meets the new batch before learning it
            scores = (self._scores(plan, None, t) if state.estimator is None else
                      self._scores(plan, state.estimator, t, (X_real, y_real, sw_real)))
        estimator = _reseed(plan.new_estimator(), plan.seed_keys, rng)
        if state.source is None:
            batch = plan.strategy.initial_training_set(X_real, y_real, sw_real)
        else:
            source = state.source

            def draw():
                return draw_synthetic(source, plan.n_synthetic, rng, plan.covariates,
                                      n_features=plan.n_features, allow_nan=plan.allow_nan)

            batch = plan.strategy.training_set(state.memory, X_real, y_real, draw, plan.w, rng,
                                               plan.max_accumulated, sw_real)
        if t == 1 and batch.sample_weight is not None and plan.routing is None:
            # the first weighted generation: announce the resampling once per stream
            warn_resampling(plan.base, stacklevel=4)
        start = time.perf_counter()
        try:
            fit_weighted(estimator, batch.X, batch.y, batch.sample_weight, plan.routing, rng,
                         take_rows, plan.fit_params)
        except Exception as exc:
            self._explain_fit_failure(exc, plan, batch, t)
            raise
        fit_time = time.perf_counter() - start

        record = {"generation": t, "n_real": batch.n_real, "n_synthetic": batch.n_synthetic,
                  "weight": batch.weight, "fit_time": fit_time}
        if not plan.partial:
            scores = self._scores(plan, estimator, t)
        record.update(scores)
        monitored = {} if self.monitor is None else _monitor_record(
            self.monitor(t, estimator, batch.X, batch.y, batch.sample_weight), t)
        state.history.append(record, monitored, t, strict=not plan.partial)

        # the next source learns its noise from this generation's real rows (or, with
        # none, from its training rows)
        X_ref, y_ref, sw_ref = ((X_real, y_real, sw_real) if X_real is not None
                                else (batch.X, batch.y, batch.sample_weight))
        state.source = self._synthetic_source(estimator, X_ref, y_ref, t, sw_ref)
        state.estimator = estimator
        if state.estimators is not None:
            state.estimators.append(estimator if self.keep_estimators else None)
        state.generation = t + 1

    def _scores(self, plan, estimator, generation, rows=None):
        """History columns of one generation's scores (NaN when there is nothing to score).

        ``rows`` is ``(X, y, sample_weight)`` to score; None means the held-out rows.
        """
        columns = _score_columns(plan.metric_names)
        X, y, sw = (plan.X_val, plan.y_val, plan.sw_val) if rows is None else rows
        if X is None or estimator is None or plan.scorer is None:
            return dict.fromkeys(columns, math.nan)
        if sw is not None and not np.sum(sw) > 0:
            # every scored row has weight zero: a weighted score is undefined
            return dict.fromkeys(columns, math.nan)
        view = self._scoring_view(estimator, plan.target_attrs)
        args = (X,) if y is None else (X, y)
        # finite numbers, or an error naming the scorer
        scores = plan.scorer(view, args, generation, sample_weight=sw)
        if plan.metric_names is None:
            return {"score": scores[None]}
        return {col: scores[name] for col, name in zip(columns, plan.metric_names, strict=True)}

    def _commit(self, plan, state):
        """Write every fitted attribute at once, after every step succeeded."""
        history = state.history.as_arrays()
        names = plan.metric_names
        if names is None:
            scores = history["score"].copy()
        else:
            scores = {n: history[f"score_{n}"].copy() for n in names}
        fitted = {
            **plan.target_attrs,
            "estimator_": state.estimator,
            "weight_": float(plan.strategy.reported_weight(plan.w, history["weight"])),
            "k_": float(plan.k),
            "optimal_weight_": optimal_weight(plan.k),
            "n_real_": int(plan.n_real),
            "n_synthetic_": int(plan.n_synthetic),
            "history_": history,
            "generation_scores_": scores,
            "_source": state.source,
            "_rng": state.origin,
            "_scoring": self.scoring,
        }
        if state.estimators is not None:
            fitted["estimators_"] = state.estimators
        if state.rng is not state.origin:
            state.origin.set_state(state.rng.get_state())
        if plan.reset:
            for name in (*_FEATURE_ATTRS, "estimators_"):
                self.__dict__.pop(name, None)
        self.__dict__.update(fitted)
        return self

    # ------------------------------------------------------ fit and partial_fit
    def _fit(self, X, y, sample_weight=None, fit_params=None):
        """Validate once, step through every generation, then commit."""
        plan, state, (X_pool, y_pool, sw_pool) = self._prepare(
            X, y, partial=False, sample_weight=sample_weight, fit_params=fit_params)
        batches = _RealBatches(X_pool, y_pool, plan.n_real, self.real_sampling == "disjoint",
                               state.rng, sw_pool)
        with _ConvergenceWarnings(self) as convergence:
            for t in _progress(range(self.n_generations + 1), self.verbose):
                self._step(plan, state, *batches.rows(plan.strategy.real_batch(t)))
                convergence.seen(t)
        return self._commit(plan, state)

    def _partial_fit(self, X, y, sample_weight=None, fit_params=None, **target_kwargs):
        """Validate, advance exactly one generation with ``(X, y)`` as the fresh batch, commit."""
        plan, state, (X, y, sw) = self._prepare(X, y, partial=True, sample_weight=sample_weight,
                                                fit_params=fit_params, **target_kwargs)
        with _ConvergenceWarnings(self) as convergence:
            self._step(plan, state, X, y, sw)
            convergence.seen(state.generation - 1)
        return self._commit(plan, state)

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        The meta-estimator consumes ``sample_weight`` itself (its request is
        set with ``set_fit_request``) and passes the combined weights on only
        to a base model that takes them; other ``fit`` metadata are routed to
        the base model's ``fit``. See :ref:`sklearn:metadata_routing`.

        Returns
        -------
        routing : sklearn.utils.metadata_routing.MetadataRouter
        """
        return metadata_router(self, self._get_estimator())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        base = self._get_estimator()
        base_tags = get_tags(base)
        tags.input_tags.sparse = base_tags.input_tags.sparse
        tags.input_tags.allow_nan = accepts_nan(base)
        tags.input_tags.categorical = base_tags.input_tags.categorical
        tags.input_tags.string = base_tags.input_tags.string
        return tags

    def _check_fitted_X(self, X):
        check_is_fitted(self)
        return self._check_X(X, reset=False)

    def _delegate(self, method, X):
        """``estimator_.<method>(X)``: the final generation's model on checked input."""
        X = self._check_fitted_X(X)
        return getattr(self.estimator_, method)(X)


def _same_scoring(previous, current):
    """Whether ``scoring`` is the one the recorded history was scored with."""
    if previous is current:
        return True
    try:
        return bool(previous == current)
    except Exception:  # objects without a usable ==
        return False


class _ConvergenceWarnings:
    """Collect a run's ``ConvergenceWarning``s into one warning that says what to do.

    A base model that does not converge (the default ``LogisticRegression`` on
    unscaled features) would otherwise warn once per generation. Other
    warnings pass through unchanged.
    """

    def __init__(self, owner):
        self.owner = owner
        self.generations = []
        self.first = None

    def __enter__(self):
        self._context = warnings.catch_warnings(record=True)
        self._caught = self._context.__enter__()
        warnings.simplefilter("always", ConvergenceWarning)
        self._n_seen = 0
        return self

    def seen(self, generation):
        """Attribute the convergence warnings caught since the last call to ``generation``."""
        new = [w for w in self._caught[self._n_seen:]
               if issubclass(w.category, ConvergenceWarning)]
        self._n_seen = len(self._caught)
        if new:
            self.generations.append(generation)
            self.first = self.first or str(new[0].message).strip().splitlines()[0]

    def __exit__(self, *exc_info):
        caught = list(self._caught)
        self._context.__exit__(*exc_info)
        for w in caught:
            if not issubclass(w.category, ConvergenceWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno,
                                       source=w.source)
        if exc_info[0] is None and self.generations:
            warnings.warn(self._message(), ConvergenceWarning, stacklevel=4)
        return False

    def _message(self):
        owner = self.owner
        base = owner._get_estimator()
        name = type(base).__name__
        if owner.estimator is None:
            fix = (f"estimator=make_pipeline(StandardScaler(), {name}()) (the default "
                   f"{name}() on unscaled features is the usual cause)")
        else:
            fix = f"estimator=make_pipeline(StandardScaler(), {name}(...))"
        gens = self.generations
        shown = ", ".join(map(str, gens[:5])) + (", ..." if len(gens) > 5 else "")
        return (
            f"The base model {name} did not converge in {len(gens)} generation(s) "
            f"({shown}); the first said: {self.first!r}. To fix it, scale the "
            f"features, e.g. {fix}, or raise its max_iter."
        )


def _progress(iterable, verbose):
    if not verbose:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc="generations", leave=False)
