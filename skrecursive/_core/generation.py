"""The one generation step of the loop, and the commit that ends a fit.

:func:`step` fits one generation: the training set comes from the plan's
strategy (generation 0: the real rows alone), the synthetic rows from the
previous generation's source (checked as they are drawn), the weights from
:mod:`skrecursive._core.weights`; the fitted model is scored, shown to the
``monitor``, recorded in the history and turned into the next generation's
synthetic source. Everything a generation hands the next lives in a
:class:`State`; :func:`commit` writes it on the estimator at once, after the
last step succeeded, so a failure or an interrupt leaves the estimator as it
was.
"""

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .copies import reseed
from .history import History, monitor_record
from .rows import take_rows
from .scoring import generation_scores
from .sources import draw_synthetic
from .weight_rule import optimal_weight
from .weights import fit_weighted, warn_resampling

__all__ = ["State", "step", "commit", "FEATURE_ATTRS"]

# what validate_data(reset=True) writes on the estimator; committed only on success
FEATURE_ATTRS = ("n_features_in_", "feature_names_in_")


@dataclass
class State:
    """What one generation hands the next; committed only when every step succeeded."""

    rng: np.random.RandomState  # a working copy of ``origin``
    origin: np.random.RandomState  # the stream the committed estimator continues
    history: History
    generation: int = 0  # index of the next generation
    estimator: Any = None
    source: Any = None  # synthetic source of the last fitted generation
    memory: Any = None  # the strategy's own state (the accumulate buffer)
    estimators: Any = None  # every generation's model, when kept


def step(plan, state, X_real, y_real, sw_real=None):
    """Fit one generation on ``X_real`` (None: no real rows) and record it in ``state``.

    ``plan`` is the :class:`~skrecursive._core.plan.Plan` a planner fixed
    (with the subclass's hooks, ``plan.hooks``). The training set comes from
    the plan's strategy (generation 0: the real rows alone), the synthetic
    rows from the previous generation's source (checked as they are drawn),
    the weights from the weights module
    (``sw_real`` are the user's weights of the real rows, None: equal).
    The fitted model is scored (on the held-out rows; in a stream, the
    previous model on this batch before it is used), shown to ``monitor``,
    recorded in the history, and turned into the synthetic source of the
    next generation.
    """
    t, rng = state.generation, state.rng
    hooks = plan.hooks
    view = hooks.scoring_view
    if plan.partial:
        # test-then-train: the current model meets the new batch before learning it
        scores = (generation_scores(plan, None, t, view=view) if state.estimator is None else
                  generation_scores(plan, state.estimator, t, (X_real, y_real, sw_real),
                                    view=view))
    estimator = reseed(plan.new_estimator(), plan.seed_keys, rng)
    if state.source is None:
        batch = plan.strategy.initial_training_set(X_real, y_real, sw_real)
    else:
        source = state.source

        def draw():
            return draw_synthetic(source, plan.n_synthetic, rng, plan.covariates,
                                  n_features=plan.n_features, allow_nan=plan.allow_nan,
                                  columns=plan.columns)

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
        hooks.explain_fit_failure(exc, plan, batch, t)
        raise
    fit_time = time.perf_counter() - start

    record = {"generation": t, "n_real": batch.n_real, "n_synthetic": batch.n_synthetic,
              "weight": batch.weight, "fit_time": fit_time}
    if not plan.partial:
        scores = generation_scores(plan, estimator, t, view=view)
    record.update(scores)
    monitored = {} if plan.monitor is None else monitor_record(
        plan.monitor(t, estimator, batch.X, batch.y, batch.sample_weight), t)
    state.history.append(record, monitored, t, strict=not plan.partial)

    # the next source learns its noise from this generation's real rows (or, with
    # none, from its training rows)
    X_ref, y_ref, sw_ref = ((X_real, y_real, sw_real) if X_real is not None
                            else (batch.X, batch.y, batch.sample_weight))
    state.source = hooks.synthetic_source(estimator, X_ref, y_ref, t, sw_ref)
    state.estimator = estimator
    if state.estimators is not None:
        state.estimators.append(estimator if plan.keep_estimators else None)
    state.generation = t + 1


def commit(owner, plan, state, private):
    """Write every fitted attribute on ``owner`` at once, after every step succeeded.

    ``private`` are the owner's own attributes to write with them (what a
    ``partial_fit`` continues).
    """
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
        "optimal_weight_": optimal_weight(plan.effective_k),
        "effective_k_": float(plan.effective_k),
        "design_effect_": float(plan.design_effect),
        "n_real_": int(plan.n_real),
        "n_synthetic_": int(plan.n_synthetic),
        "history_": history,
        "generation_scores_": scores,
        **private,
    }
    if state.estimators is not None:
        fitted["estimators_"] = state.estimators
    if state.rng is not state.origin:
        state.origin.set_state(state.rng.get_state())
    if plan.reset:
        for name in (*FEATURE_ATTRS, "estimators_"):
            owner.__dict__.pop(name, None)
    owner.__dict__.update(fitted)
    return owner
