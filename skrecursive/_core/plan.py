"""Validate once: the planners of ``fit`` and ``partial_fit``.

A planner checks the data, the user's row weights and the other fit
parameters, resolves the sizes, the weight and the scorer, and returns the
:class:`Plan` every generation step reads, the :class:`~skrecursive._core.generation.State`
the first step starts from, and the rows to train on. Nothing is written on
the estimator. :func:`plan_fit` holds out the validation rows and sizes the
whole run; :func:`plan_partial_fit` takes its batch as the next fresh real
rows and continues the stream of the earlier calls (:class:`Stream`).

What a planner needs from the meta-estimator beyond its parameters (the base
model and the subclass's hooks) comes in a :class:`Hooks` record, built by
:class:`~skrecursive._core.loop.BaseRecursiveEstimator`.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.validation import column_or_1d, validate_data

from .copies import copy_rng, random_state_keys, unfitted_copies
from .frames import frame_columns, is_frame
from .generation import FEATURE_ATTRS, State
from .history import HISTORY_KEYS, History, score_columns
from .inputs import check_X, nan_allowed
from .rows import n_rows, take_rows
from .scoring import generation_scorer, metric_names, same_scoring
from .sizes import check_fit_memory, resolve_count, resolve_sizes
from .sources import BootstrapRows
from .strategies import Strategy, get_strategy
from .weight_rule import design_effect, effective_ratio, real_to_synthetic_ratio, resolve_weight
from .weights import route_fit_params, user_weights, weight_routing

__all__ = ["Hooks", "Stream", "Plan", "plan_fit", "plan_partial_fit"]


@dataclass(frozen=True)
class Hooks:
    """What a subclass of the meta-estimator says, as the planners and the step use it."""

    base: Any  # the base model (the estimator parameter, or the subclass's default)
    supervised: bool  # y is passed to fit and to the scorer (False: density estimation)
    validate_target: Any  # (y, *, reset, **kwargs) -> (y, fitted attributes it defines)
    check_extra: Any  # (X, y) -> None: data-dependent checks before any fit
    synthetic_source: Any  # (estimator, X_real, y_real, generation, sample_weight) -> source
    explain_fit_failure: Any  # (exc, plan, batch, generation): raise a clearer error, or return
    scoring_view: Any  # (estimator, target_attrs) -> what the scorer sees


@dataclass(frozen=True)
class Stream:
    """What a ``partial_fit`` continues: the fitted estimator's loop state."""

    rng: Any  # the estimator's random stream
    source: Any  # the synthetic source of its last generation
    scoring: Any  # the scoring its history was scored with
    estimator: Any  # its last generation's model
    history: Any  # its history_
    estimators: Any  # its estimators_, or None


@dataclass
class Plan:
    """What validation fixes once, for a whole ``fit`` or one ``partial_fit`` call."""

    strategy: Strategy
    base: Any
    new_estimator: Any  # () -> a new unfitted copy of base
    routing: Any  # from weight_routing: the sample_weight keyword, or None to resample
    seed_keys: list
    w: float
    k: float
    effective_k: float  # k discounted by the design effect of the user's row weights
    design_effect: float
    n_real: int
    n_synthetic: int
    n_features: int
    covariates: Any  # sampler of synthetic covariates (None for density estimation)
    scorer: Any
    metric_names: Any  # names of a multi-metric scoring, or None
    hooks: Any = None  # the subclass's Hooks
    monitor: Any = None  # the monitor parameter
    keep_estimators: bool = False
    X_val: Any = None
    y_val: Any = None
    max_accumulated: Any = None
    # fitted attributes the validation defined (classes_, n_features_in_, ...)
    target_attrs: Any = None
    reset: bool = True  # whether the feature attributes are replaced on commit
    y_pool: Any = None  # the real rows' target, for the messages of a failed fit
    sw_val: Any = None  # the user's weights of the held-out rows (None: equal)
    fit_params: Any = None  # other fit parameters routed to every base fit
    # where the base model accepts missing values in X: True, False or a set of columns
    allow_nan: Any = False
    columns: Any = None  # the column names of X when it is a dataframe (else None)
    # partial_fit: score each new batch before training on it (test-then-train), and let
    # the monitor's keys change between calls (fit: they must stay the same)
    partial: bool = False


# ------------------------------------------------------------------ the planners
def plan_fit(estimator, hooks, X, y, sample_weight=None, fit_params=None):
    """Validate everything for ``fit``; return the :class:`Plan`, the first
    :class:`~skrecursive._core.generation.State` and the training pool
    ``(X, y, sample_weight)``.

    ``validation_fraction`` of the rows is held out for scoring and the sizes
    are resolved for the whole run. ``sample_weight`` (the user's row
    weights; constant weights become None, so they change nothing) and the
    other ``fit_params`` (routed to the base model's ``fit``) are checked
    here too. Nothing is written on the estimator.
    """
    strategy = get_strategy(estimator.strategy)
    X, y, attrs, sw, routed, origin, rng = _check_inputs(
        estimator, hooks, X, y, "fit", True, sample_weight, fit_params, None, {})
    # checked against the task before any fit, on the whole pool's target
    scorer = generation_scorer(hooks.base, estimator.scoring, owner=type(estimator).__name__,
                               supervised=hooks.supervised, y=y, classes=attrs.get("classes_"))
    (X, y, sw), held_out = split_validation(estimator.validation_fraction, X, y, sw, rng)
    X_val, y_val, sw_val = (None, None, None) if held_out is None else held_out
    n_real, n_syn = resolve_sizes(estimator, strategy, n_rows(X))
    check_fit_memory(f"{type(estimator).__name__}.fit", strategy, n_real=n_real,
                     n_synthetic=n_syn, n_features=X.shape[1],
                     n_steps=estimator.n_generations,
                     max_accumulated=estimator.max_accumulated,
                     n_columns=len(HISTORY_KEYS) - 1 + len(
                         score_columns(metric_names(estimator.scoring))),
                     keep_estimators=estimator.keep_estimators)
    plan = _plan(estimator, hooks, strategy, X, y, sw, n_real, n_syn, scorer, attrs, routed,
                 reset=True, partial=False, held_out=(X_val, y_val, sw_val))
    return plan, _first_state(estimator, plan, rng, origin, None), (X, y, sw)


def plan_partial_fit(estimator, hooks, stream, X, y, sample_weight=None, fit_params=None,
                     **target_kwargs):
    """Validate everything for one ``partial_fit`` call; return the :class:`Plan`,
    the :class:`~skrecursive._core.generation.State` and the batch ``(X, y, sample_weight)``.

    ``(X, y)`` is the next fresh real batch; ``stream`` is the fitted
    estimator's :class:`Stream` (None before the first call), which the state
    continues. Nothing is written on the estimator.
    """
    strategy = get_strategy(estimator.strategy)
    if not strategy.streaming:
        raise ValueError(
            f"partial_fit advances the strategy='fresh' loop with each new real batch; "
            f"strategy={estimator.strategy!r} reuses or drops real rows, use fit instead."
        )
    reset = stream is None
    X, y, attrs, sw, routed, origin, rng = _check_inputs(
        estimator, hooks, X, y, "partial_fit", reset, sample_weight, fit_params, stream,
        target_kwargs)
    n_real = n_rows(X)
    strategy.check_sizes(n_real, n_real, estimator.max_accumulated)
    n_syn = resolve_count(estimator.n_synthetic, n_real)
    # prequential: each new batch is scored by the current model before use
    # (a base model without score and no scoring: nothing to score with)
    scorer = None if estimator.scoring is None and not hasattr(hooks.base, "score") else (
        generation_scorer(hooks.base, estimator.scoring, owner=type(estimator).__name__,
                          supervised=hooks.supervised, y=y,
                          classes=attrs.get("classes_", getattr(estimator, "classes_", None))))
    check_fit_memory(f"{type(estimator).__name__}.partial_fit", strategy, n_real=n_real,
                     n_synthetic=n_syn, n_features=X.shape[1], n_steps=1,
                     max_accumulated=estimator.max_accumulated)
    plan = _plan(estimator, hooks, strategy, X, y, sw, n_real, n_syn, scorer, attrs, routed,
                 reset=reset, partial=True, held_out=(None, None, None))
    return plan, _first_state(estimator, plan, rng, origin, stream), (X, y, sw)


# ------------------------------------------------------------- shared by both
def _check_inputs(estimator, hooks, X, y, method, reset, sample_weight, fit_params, stream,
                  target_kwargs):
    """The checked data, row weights and fit parameters, and the random streams."""
    X, y, attrs = validate_without_side_effects(estimator, hooks, X, y, reset=reset,
                                                **target_kwargs)
    sw = user_weights(sample_weight, n_rows(X))
    routed = route_fit_params(estimator, method, fit_params or {}, n_rows(X))
    hooks.check_extra(X, y)
    origin = check_random_state(estimator.random_state) if reset else stream.rng
    # work on a copy, so that a failure leaves the stream where it was; numpy's
    # global stream (random_state=None) is not reproducible anyway and is used
    # directly, so that draws other code makes from it during the fit stay in it
    rng = origin if origin is check_random_state(None) else copy_rng(origin)
    return X, y, attrs, sw, routed, origin, rng


def _plan(estimator, hooks, strategy, X, y, sw, n_real, n_syn, scorer, attrs, routed, *,
          reset, partial, held_out):
    k = real_to_synthetic_ratio(n_real, n_syn)
    # unequal user weights make the real part noisier: "optimal" reads k / deff
    k_eff = effective_ratio(k, sw)
    base = hooks.base
    X_val, y_val, sw_val = held_out
    return Plan(
        strategy=strategy,
        base=base,
        new_estimator=unfitted_copies(base),
        routing=weight_routing(base),
        seed_keys=random_state_keys(base),
        w=resolve_weight(estimator.weight, k, effective_k=k_eff),
        k=k,
        effective_k=k_eff,
        design_effect=design_effect(sw),
        n_real=n_real,
        n_synthetic=n_syn,
        n_features=X.shape[1],
        covariates=covariate_sampler(estimator, X, sw),
        scorer=scorer if partial or X_val is not None else None,
        metric_names=metric_names(estimator.scoring),
        hooks=hooks,
        monitor=estimator.monitor,
        keep_estimators=estimator.keep_estimators,
        X_val=X_val,
        y_val=y_val,
        max_accumulated=estimator.max_accumulated,
        target_attrs=attrs,
        reset=reset,
        y_pool=y,
        sw_val=sw_val,
        fit_params=routed,
        allow_nan=nan_allowed(base, X),
        columns=frame_columns(X) if is_frame(X) else None,
        partial=partial,
    )


def _first_state(estimator, plan, rng, origin, stream):
    """The state the first step starts from: new, or continuing ``stream``."""
    if stream is None:
        history, kept = History(plan.metric_names), None
    else:
        history = History(plan.metric_names, stream.history,
                          keep_scores=same_scoring(stream.scoring, estimator.scoring))
        kept = stream.estimators
    if kept is not None:
        estimators = list(kept)
    elif estimator.keep_estimators:  # generations fitted without keeping them are None
        estimators = [None] * history.length
    else:
        estimators = None
    return State(
        rng=rng,
        origin=origin,
        history=history,
        generation=history.length,
        estimator=None if stream is None else stream.estimator,
        source=None if stream is None else stream.source,
        memory=plan.strategy.new_state(),
        estimators=estimators,
    )


# ------------------------------------------------------------------ validation
def check_X_y(estimator, hooks, X, y, *, reset, **target_kwargs):
    """The checked ``X``, target and the fitted attributes the target defines."""
    if not hooks.supervised:
        return check_X(estimator, X, reset=reset, base=hooks.base, density=True), None, {}
    if y is None:
        # Let validate_data produce scikit-learn's standard message.
        validate_data(estimator, X, y, reset=reset)
    X = check_X(estimator, X, reset=reset, base=hooks.base)
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
    y, attrs = hooks.validate_target(y, reset=reset, **target_kwargs)
    return X, y, attrs


def validate_without_side_effects(estimator, hooks, X, y, *, reset, **target_kwargs):
    """:func:`check_X_y`, returning the feature attributes instead of setting them.

    ``validate_data(reset=True)`` writes ``n_features_in_`` and
    ``feature_names_in_`` on the estimator; they are taken back here and
    written on commit, so a failed fit leaves no trace.
    """
    state = estimator.__dict__
    saved = {name: state[name] for name in FEATURE_ATTRS if name in state}
    try:
        X, y, attrs = check_X_y(estimator, hooks, X, y, reset=reset, **target_kwargs)
        if reset:
            attrs = {**attrs, **{name: state[name] for name in FEATURE_ATTRS if name in state}}
    finally:
        for name in FEATURE_ATTRS:
            state.pop(name, None)
        state.update(saved)
    return X, y, attrs


def split_validation(fraction, X, y, sw, rng):
    """``(train, validation)``, each ``(X, y, sample_weight)``; validation None when empty.

    ``fraction`` is the ``validation_fraction`` parameter.
    """
    n_total = n_rows(X)
    n_val = int(np.floor(fraction * n_total))
    if n_val < 2:
        return (X, y, sw), None
    if n_total - n_val < 2:
        raise ValueError(
            f"validation_fraction={fraction} holds out {n_val} of the "
            f"{n_total} rows and leaves {n_total - n_val} to train on; the loop needs at "
            "least 2 training rows: lower validation_fraction (0 holds out nothing)."
        )
    perm = rng.permutation(n_total)
    val, train = np.sort(perm[:n_val]), np.sort(perm[n_val:])

    def part(idx):
        return (take_rows(X, idx), None if y is None else y[idx],
                None if sw is None else sw[idx])

    return part(train), part(val)


def covariate_sampler(estimator, X_pool, sample_weight=None):
    """Sampler of synthetic covariates given the rows available as real data.

    Supervised estimators have a ``covariate_sampler`` parameter:
    ``"bootstrap"`` resamples ``X_pool``'s rows (in proportion to the user's
    ``sample_weight``, when given), an object is used as it is.
    """
    sampler = getattr(estimator, "covariate_sampler", None)
    if isinstance(sampler, str):
        return BootstrapRows(X_pool, weights=sample_weight)
    return sampler
