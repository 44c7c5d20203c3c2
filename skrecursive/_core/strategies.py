"""The loops of the model-collapse literature as objects, in one registry.

A *strategy* says which real rows each generation sees, how a generation's
training set is built from those real rows and the synthetic rows of the
previous model, which share of the fit the real rows carry, and what the
first-order theory predicts for the loop. The meta-estimators, the fast
engines of :mod:`skrecursive.simulation` and :mod:`skrecursive.theory` all look
strategies up in :data:`STRATEGIES`; nothing outside this module compares a
strategy to a string.

``"fresh"``
    The paper's loop: a new batch of ``n`` real rows every generation, weighted
    ``w`` in total against ``m`` synthetic rows weighted ``1 - w``.
``"replace"``
    Real rows in generation 0 only; every later generation fits ``m`` synthetic
    rows alone, whatever ``w``. This is exactly the fresh loop at ``w = 0``.
``"accumulate"``
    Generation 0's real rows plus every synthetic row drawn so far, all equally
    weighted (``w`` is ignored), optionally capped at ``max_accumulated`` rows by
    uniform subsampling.
``"fixed-real"``
    Generation 0's real rows reused every generation with weight ``w``.

Adding a loop means adding one subclass of :class:`Strategy` here and one entry
in :data:`STRATEGIES`; the engines say which strategies they implement.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import polygamma

from .rows import concat_rows, n_rows, take_rows
from .weights import row_weights

__all__ = ["Strategy", "TrainingSet", "STRATEGIES", "STRATEGY_NAMES", "get_strategy"]


@dataclass
class TrainingSet:
    """What one generation is fitted on.

    ``sample_weight`` is None when every row weighs the same; ``weight`` is
    the real rows' share of the fit (their total weight), the number the
    history reports.
    """

    X: Any
    y: Any
    sample_weight: Any
    n_real: int
    n_synthetic: int
    weight: float


class Strategy(ABC):
    """One loop: its schedule of real batches, its training sets and its theory."""

    #: the name users pass as ``strategy=``
    name: str
    #: whether ``weight`` changes the loop (False: the rows are equally weighted)
    uses_weight: bool = True
    #: whether each generation draws a new real batch (False: generation 0's is reused)
    fresh_real: bool = False
    #: whether synthetic rows pile up across generations
    accumulates: bool = False
    #: whether ``partial_fit`` can run it: each call brings the next generation's
    #: fresh real batch, which only a loop drawing new real rows every generation uses
    streaming: bool = False

    def __repr__(self):
        return f"<strategy {self.name!r}>"

    # ------------------------------------------------------------ real rows
    def n_real_batches(self, n_generations):
        """How many distinct real batches a run of ``n_generations`` consumes."""
        return n_generations + 1 if self.fresh_real else 1

    def real_batch(self, generation):
        """Index of the real batch generation ``generation`` trains on (None: no real rows)."""
        return generation if self.fresh_real else 0

    def check_sizes(self, n_real, n_pool, max_accumulated):
        """Raise ``ValueError`` when the sizes cannot run this loop."""
        if max_accumulated is not None:
            raise ValueError(
                f"max_accumulated={max_accumulated} caps the training set of "
                f"strategy='accumulate' only; strategy={self.name!r} does not use it: "
                "leave max_accumulated=None."
            )

    # -------------------------------------------------------- training sets
    def new_state(self):
        """Whatever the loop must carry from one generation to the next."""
        return None

    def needs_synthetic(self, w):
        """Whether a generation with real weight ``w`` draws synthetic rows.

        A weighted loop draws none only at ``w = 1``, where they would carry no
        weight; at ``w = 0`` it trains on synthetic rows alone.
        """
        return w < 1.0 if self.uses_weight else True

    def initial_training_set(self, X_real, y_real, real_weights=None):
        """The :class:`TrainingSet` of generation 0: the real rows alone.

        ``real_weights`` are the user's weights of the real rows (None: equal).
        """
        return _real_only(X_real, y_real, real_weights)

    @abstractmethod
    def training_set(self, state, X_real, y_real, draw, w, rng, max_accumulated=None,
                     real_weights=None):
        """The :class:`TrainingSet` of one generation after generation 0.

        ``draw()`` returns the synthetic ``(X, y)`` (``y`` None for density
        estimation); it is called at most once, and only when
        :meth:`needs_synthetic` says so, so that random streams do not move for
        nothing. ``real_weights`` are the user's weights of the real rows
        (None: equal): they share the real part's total weight in proportion
        (:func:`~skrecursive._core.weights.row_weights`).
        """

    def reported_weight(self, w, history_weights):
        """The weight a fitted estimator reports as ``weight_``."""
        return w

    def engine_form(self, w):
        """``(strategy, w)`` of the loop the engines run for this strategy at ``w``.

        A strategy that is another one in disguise says so here, once.
        """
        return self, w

    # ------------------------------------------------------------ theory
    @abstractmethod
    def limiting_risk(self, w, k):
        """Limit of the relative risk (arrays ``w`` and ``k`` of one shape)."""

    @abstractmethod
    def risk_trajectory(self, w, k, n_generations):
        """Relative risk of generations ``1 .. n_generations`` (shape ``(T, *w.shape)``)."""


class _Fresh(Strategy):
    name = "fresh"
    fresh_real = True
    streaming = True

    def training_set(self, state, X_real, y_real, draw, w, rng, max_accumulated=None,
                     real_weights=None):
        return _weighted_mix(X_real, y_real, draw, w, real_weights)

    def limiting_risk(self, w, k):
        den = w * (2.0 - w)
        safe = np.where(den > 0, den, 1.0)
        return np.where(den > 0, (w * w + k * (1.0 - w) ** 2) / safe, np.inf)

    def risk_trajectory(self, w, k, n_generations):
        out = np.empty((n_generations,) + w.shape)
        const, decay, previous = w * w + k * (1.0 - w) ** 2, (1.0 - w) ** 2, 1.0
        for i in range(n_generations):
            previous = out[i] = const + decay * previous
        return out


def _real_only(X_real, y_real, real_weights=None):
    """The real rows alone, carrying all the weight (shared as the user's weights say)."""
    n_real = n_rows(X_real)
    sw = None if real_weights is None else row_weights(1.0, n_real, 0, real_weights)
    return TrainingSet(X_real, y_real, sw, n_real, 0, 1.0)


def _weighted_mix(X_real, y_real, draw, w, real_weights=None):
    """Real rows weighted ``w`` in total against synthetic rows weighted ``1 - w``.

    The real part's weight is shared in proportion to ``real_weights`` (the
    user's weights; None shares it equally).
    """
    if w >= 1.0:  # synthetic rows would carry no weight: none are drawn
        return _real_only(X_real, y_real, real_weights)
    n_real = n_rows(X_real)
    X_syn, y_syn = draw()
    n_syn = n_rows(X_syn)
    if w <= 0.0:  # fully synthetic generation
        return TrainingSet(X_syn, y_syn, None, n_real, n_syn, 0.0)
    X = concat_rows(X_real, X_syn)
    y = None if y_real is None else concat_rows(y_real, y_syn)
    return TrainingSet(X, y, row_weights(w, n_real, n_syn, real_weights), n_real, n_syn, w)


class _FixedReal(Strategy):
    name = "fixed-real"

    def check_sizes(self, n_real, n_pool, max_accumulated):
        super().check_sizes(n_real, n_pool, max_accumulated)
        if n_real > n_pool:
            raise ValueError(
                f"strategy='fixed-real' reuses the same n_real={n_real} real rows every "
                f"generation, but the training pool has only {n_pool} (after holding out "
                "validation_fraction): lower n_real."
            )

    def training_set(self, state, X_real, y_real, draw, w, rng, max_accumulated=None,
                     real_weights=None):
        return _weighted_mix(X_real, y_real, draw, w, real_weights)

    def engine_form(self, w):
        # at w = 0 the reused real rows carry no weight: synthetic rows only after
        # generation 0, which is the replace loop
        return (STRATEGIES["replace"].engine_form(w) if w == 0.0 else (self, w))

    def limiting_risk(self, w, k):
        den = w * (2.0 - w)
        safe = np.where(den > 0, den, 1.0)
        return np.where(den > 0, 1.0 + k * (1.0 - w) ** 2 / safe, np.inf)

    def risk_trajectory(self, w, k, n_generations):
        # V_t = decay (V_{t-1} + k), V_0 = 0: the drift away from the fixed real estimate
        out = np.empty((n_generations,) + w.shape)
        decay, drift = (1.0 - w) ** 2, np.zeros(w.shape)
        for i in range(n_generations):
            drift = decay * (drift + k)
            out[i] = 1.0 + drift
        return out


class _Replace(Strategy):
    name = "replace"
    uses_weight = False

    def real_batch(self, generation):
        return 0 if generation == 0 else None

    def training_set(self, state, X_real, y_real, draw, w, rng, max_accumulated=None,
                     real_weights=None):
        # synthetic rows only: the user's weights acted through generation 0
        X_syn, y_syn = draw()
        return TrainingSet(X_syn, y_syn, None, 0, n_rows(X_syn), 0.0)

    def reported_weight(self, w, history_weights):
        return history_weights[-1] if len(history_weights) > 1 else w

    def engine_form(self, w):
        # synthetic rows only after generation 0: the fresh loop at w = 0
        return STRATEGIES["fresh"], 0.0

    def limiting_risk(self, w, k):
        return np.full(np.shape(w), np.inf)

    def risk_trajectory(self, w, k, n_generations):
        t = np.arange(1, n_generations + 1).reshape((-1,) + (1,) * np.ndim(w))
        return np.broadcast_to(1.0 + t * k, (n_generations,) + np.shape(w)).copy()


class _AccumulateState:
    """Every synthetic row drawn so far (covariates and targets)."""

    def __init__(self):
        self.X = None
        self.y = None

    def add(self, X_syn, y_syn):
        self.X = X_syn if self.X is None else concat_rows(self.X, X_syn)
        if y_syn is not None:
            self.y = y_syn if self.y is None else concat_rows(self.y, y_syn)


class _Accumulate(Strategy):
    name = "accumulate"
    uses_weight = False
    accumulates = True

    def check_sizes(self, n_real, n_pool, max_accumulated):
        if max_accumulated is not None and max_accumulated < n_real:
            raise ValueError(
                f"max_accumulated={max_accumulated} must be at least n_real={n_real}: "
                "the capped training set of strategy='accumulate' has room for the real rows."
            )

    def new_state(self):
        return _AccumulateState()

    def training_set(self, state, X_real, y_real, draw, w, rng, max_accumulated=None,
                     real_weights=None):
        state.add(*draw())
        X = concat_rows(X_real, state.X)
        y = None if y_real is None else concat_rows(y_real, state.y)
        n_real, n_total = n_rows(X_real), n_rows(X)
        if max_accumulated is not None and n_total > max_accumulated:
            keep = np.sort(rng.choice(n_total, size=max_accumulated, replace=False))
            X = take_rows(X, keep)
            y = None if y is None else take_rows(y, keep)
            kept_real = keep[keep < n_real]
            if real_weights is not None:
                real_weights = np.asarray(real_weights)[kept_real]
            n_real = len(kept_real)
            n_total = max_accumulated
        share = n_real / n_total
        # every row weighs the same; user weights only redistribute the real rows' share
        sw = None if real_weights is None else row_weights(share, n_real, n_total - n_real,
                                                           real_weights)
        return TrainingSet(X, y, sw, n_real, n_total - n_real, share)

    def reported_weight(self, w, history_weights):
        return history_weights[-1] if len(history_weights) > 1 else w

    def limiting_risk(self, w, k):
        return np.broadcast_to(1.0 + k * polygamma(1, k + 1.0), np.shape(w)).copy()

    def risk_trajectory(self, w, k, n_generations):
        t = np.arange(1, n_generations + 1).reshape((-1,) + (1,) * np.ndim(w))
        steps = np.broadcast_to(k / (k + t) ** 2, (n_generations,) + np.shape(w))
        return 1.0 + np.cumsum(steps, axis=0)


#: name -> strategy, in the order the documentation lists them
STRATEGIES = {s.name: s for s in (_Fresh(), _Replace(), _Accumulate(), _FixedReal())}
STRATEGY_NAMES = tuple(STRATEGIES)


def get_strategy(strategy, param="strategy"):
    """The :class:`Strategy` named ``strategy`` (a strategy object is returned as it is)."""
    if isinstance(strategy, Strategy):
        return strategy
    if isinstance(strategy, str) and strategy in STRATEGIES:
        return STRATEGIES[strategy]
    raise ValueError(
        f"{param} must be one of {', '.join(map(repr, STRATEGY_NAMES))}; got {strategy!r}."
    )
