"""The one generation loop behind every recursive meta-estimator.

Generation 0 fits a clone of the base model on ``n`` real rows. Each later
generation gets real rows as its strategy says (:mod:`skrecursive._core.strategies`),
draws ``m`` synthetic rows from the previous generation's model
(:mod:`skrecursive._core.sources`, every batch checked), weights the two parts
(:mod:`skrecursive._core.weight_rule`, :mod:`skrecursive._core.weights`), fits
a fresh clone and records it.

:class:`BaseRecursiveEstimator` owns that loop. ``fit`` and ``partial_fit``
validate once, each with its own planner (:func:`~skrecursive._core.plan.plan_fit`,
:func:`~skrecursive._core.plan.plan_partial_fit`, which fix a
:class:`~skrecursive._core.plan.Plan`), then call the one generation step,
:func:`~skrecursive._core.generation.step`, on a
:class:`~skrecursive._core.generation.State` that carries what a generation
hands the next: ``fit`` steps through the strategy's real batches
(:class:`RealBatches`), ``partial_fit`` steps once. Nothing is written on the
estimator until every step has succeeded
(:func:`~skrecursive._core.generation.commit`), so a failure or an interrupt
leaves it exactly as it was. The regressor, classifier and density estimator
only implement the hooks: how to validate their target, which base models they
accept and how a fitted model produces synthetic rows.

The other jobs live beside this module: the history and the monitor
(``history.py``), the scorer (``scoring.py``), sizes and memory estimates
(``sizes.py``), copies of the base model and of random streams (``copies.py``)
and the aggregated convergence warning (``convergence.py``).
"""

from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

from sklearn.base import BaseEstimator, MetaEstimatorMixin
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from .._utils.validation import (
    BOOLEAN,
    CALLABLE,
    NONE,
    RANDOM_STATE,
    HasMethods,
    Interval,
    Options,
    check_params,
)
from .convergence import ConvergenceWarnings
from .generation import commit, step
from .inputs import accepts_nan, check_X
from .plan import Hooks, Stream, plan_fit, plan_partial_fit
from .rows import n_rows, take_rows
from .scoring import SCORING
from .strategies import STRATEGY_NAMES
from .weight_rule import WEIGHT
from .weights import metadata_router

__all__ = ["BaseRecursiveEstimator", "RealBatches", "estimator_has", "validate_params"]


def estimator_has(attr):
    """For ``available_if``: the fitted (or else the unfitted) base model has ``attr``."""

    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self._get_estimator(), attr)

    return check


class RealBatches:
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


class BaseRecursiveEstimator(MetaEstimatorMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared parameters, validation and the generation loop.

    Subclasses implement the hooks: ``_default_estimator`` and
    ``_synthetic_source`` (required), ``_check_base_estimator``,
    ``_validate_target``, ``_check_extra``, ``_explain_fit_failure`` and
    ``_scoring_view`` (optional); they may extend ``_parameter_table`` and set
    ``_supervised = False`` when there is no target. ``fit`` and
    ``partial_fit`` call :meth:`_fit` and :meth:`_partial_fit`.
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
        "scoring": SCORING,
        "monitor": [NONE, CALLABLE],
        "keep_estimators": [BOOLEAN],
        "random_state": [RANDOM_STATE],
        "verbose": [Interval(Integral, 0, None, closed="left"), BOOLEAN],
    }

    # y is passed to fit and to the scorer (False for density estimation)
    _supervised = True


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

    # ------------------------------------------------------ fit and partial_fit
    def _fit(self, X, y, sample_weight=None, fit_params=None):
        """Validate once, step through every generation, then commit."""
        self._check_params()
        plan, state, (X_pool, y_pool, sw_pool) = plan_fit(
            self, _hooks(self), X, y, sample_weight=sample_weight, fit_params=fit_params)
        batches = RealBatches(X_pool, y_pool, plan.n_real, self.real_sampling == "disjoint",
                              state.rng, sw_pool)
        with ConvergenceWarnings(plan.base, default=self.estimator is None) as convergence:
            for t in _progress(range(self.n_generations + 1), self.verbose):
                step(plan, state, *batches.rows(plan.strategy.real_batch(t)))
                convergence.seen(t)
        return _commit(self, plan, state)

    def _partial_fit(self, X, y, sample_weight=None, fit_params=None, **target_kwargs):
        """Validate, advance exactly one generation with ``(X, y)`` as the fresh batch, commit."""
        self._check_params()
        plan, state, (X, y, sw) = plan_partial_fit(
            self, _hooks(self), _stream(self), X, y, sample_weight=sample_weight,
            fit_params=fit_params, **target_kwargs)
        with ConvergenceWarnings(plan.base, default=self.estimator is None) as convergence:
            step(plan, state, X, y, sw)
            convergence.seen(state.generation - 1)
        return _commit(self, plan, state)

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
        return check_X(self, X, reset=False, base=self._get_estimator())

    def _delegate(self, method, X):
        """``estimator_.<method>(X)``: the final generation's model on checked input."""
        X = self._check_fitted_X(X)
        return getattr(self.estimator_, method)(X)


def validate_params(estimator):
    """Check a meta-estimator's parameters and base model as ``fit`` does, before any work."""
    estimator._check_params()


def _hooks(estimator):
    """The subclass's hooks, as the planners and the generation step call them."""
    return Hooks(
        base=estimator._get_estimator(),
        supervised=estimator._supervised,
        validate_target=estimator._validate_target,
        check_extra=estimator._check_extra,
        synthetic_source=estimator._synthetic_source,
        explain_fit_failure=estimator._explain_fit_failure,
        scoring_view=estimator._scoring_view,
    )


def _stream(estimator):
    """What ``partial_fit`` continues: None before the first fit."""
    if not hasattr(estimator, "estimator_"):
        return None
    return Stream(rng=estimator._rng, source=estimator._source,
                  scoring=getattr(estimator, "_scoring", None),
                  estimator=estimator.estimator_, history=estimator.history_,
                  estimators=getattr(estimator, "estimators_", None))


def _commit(estimator, plan, state):
    """Write the fitted attributes, and what a later ``partial_fit`` continues."""
    return commit(estimator, plan, state, {
        "_source": state.source, "_rng": state.origin, "_scoring": estimator.scoring})


def _progress(iterable, verbose):
    if not verbose:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc="generations", leave=False)
