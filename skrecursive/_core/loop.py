"""The one generation loop behind every recursive meta-estimator.

Generation 0 fits a clone of the base model on ``n`` real rows. Each later
generation draws ``n`` fresh real rows, draws ``m`` synthetic rows from the
previous generation's model, weights the two parts ``w`` and ``1 - w`` in
total (see :mod:`skrecursive._core.weights`), fits a fresh clone and scores it on
held-out rows. :class:`BaseRecursiveEstimator` owns that loop; the regressor,
classifier and density estimator only say how to validate their target, which
base models they accept and how a fitted model produces synthetic rows.
"""

import time
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from .._utils.rows import concat_rows, n_rows, take_rows
from .._utils.validation import (
    CALLABLE,
    NONE,
    RANDOM_STATE,
    HasMethods,
    Interval,
    Options,
    check_params,
)
from ..theory import optimal_weight
from .sources import BootstrapRows
from .strategies import STRATEGY_NAMES
from .weights import fit_weighted, resolve_weight, row_weights, warn_resampling, weight_routing

__all__ = ["BaseRecursiveEstimator", "HISTORY_KEYS"]

HISTORY_KEYS = ("generation", "n_real", "n_synthetic", "weight", "score", "fit_time")


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


class _Boolean:
    def is_satisfied_by(self, value):
        return isinstance(value, (bool, np.bool_))

    def __str__(self):
        return "a bool"


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
        estimator.set_params(**{k: int(rng.randint(np.iinfo(np.int32).max)) for k in keys})
    return estimator


def _resolve_count(value, reference):
    """An int is an absolute row count; a float a multiple of ``reference``."""
    if isinstance(value, Integral):
        return int(value)
    return max(1, int(round(float(value) * reference)))


class BaseRecursiveEstimator(MetaEstimatorMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared parameters, validation and the generation loop.

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
        "weight": [Interval(Real, 0, 1, closed="both"), Options("optimal", "naive")],
        "real_sampling": [Options("bootstrap", "disjoint")],
        "strategy": [Options(*STRATEGY_NAMES)],
        "max_accumulated": [NONE, Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "scoring": [NONE, _ScorerName(), CALLABLE, _MultiScoring()],
        "random_state": [RANDOM_STATE],
        "verbose": [Interval(Integral, 0, None, closed="left"), _Boolean()],
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
    def _synthetic_source(self, estimator, X_real, y_real, generation):
        """Object with ``sample(n, rng, covariates) -> (X, y)`` for the next generation."""

    def _covariate_sampler(self, X_pool):
        """Sampler of synthetic covariates given the rows available as real data.

        Supervised estimators have a ``covariate_sampler`` parameter:
        ``"bootstrap"`` resamples ``X_pool``'s rows, an object is used as it is.
        """
        sampler = getattr(self, "covariate_sampler", None)
        if isinstance(sampler, str):
            return BootstrapRows(X_pool)
        return sampler

    def _check_extra(self, X, y):
        """Data-dependent checks a subclass needs before any fitting."""

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
        """Validate X, keeping DataFrames as DataFrames (categorical columns intact)."""
        if isinstance(X, pd.DataFrame):
            validate_data(self, X, reset=reset, skip_check_array=True)
            if X.shape[0] == 0:
                raise ValueError(
                    f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 "
                    "is required."
                )
            if X.shape[1] == 0:
                raise ValueError(
                    f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 "
                    "is required."
                )
            _check_frame_finite(X, "X")
            return X
        return validate_data(
            self,
            X,
            reset=reset,
            accept_sparse=["csr", "csc"],
            dtype=None if _is_object_like(X) else "numeric",
            ensure_all_finite=True,
        )

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
        if len(y) != n_rows(X):
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"X has {n_rows(X)} rows and y has {len(y)}."
            )
        y, attrs = self._validate_target(y, reset=reset, **target_kwargs)
        return X, y, attrs

    def _scorer(self, estimator):
        return check_scoring(estimator, scoring=self.scoring)

    def _metric_names(self):
        """Names of the metrics of a multi-metric ``scoring``, else None."""
        if isinstance(self.scoring, dict):
            return list(self.scoring)
        if isinstance(self.scoring, (list, tuple)):
            return list(self.scoring)
        return None

    def _score(self, scorer, estimator, X_val, y_val):
        """A float, or a dict of floats for a multi-metric ``scoring``."""
        names = self._metric_names()
        if X_val is None:
            return np.nan if names is None else dict.fromkeys(names, np.nan)
        args = (X_val,) if y_val is None else (X_val, y_val)
        result = scorer(estimator, *args)
        if names is None:
            return float(result)
        return {name: float(result[name]) for name in names}

    def _split_validation(self, X, y, rng):
        n_total = n_rows(X)
        n_val = int(np.floor(self.validation_fraction * n_total))
        if n_val < 2 or n_total - n_val < 1:
            return X, y, None, None
        perm = rng.permutation(n_total)
        val, train = np.sort(perm[:n_val]), np.sort(perm[n_val:])
        y_train = None if y is None else y[train]
        y_val = None if y is None else y[val]
        return take_rows(X, train), y_train, take_rows(X, val), y_val

    def _resolve_sizes(self, n_pool):
        """(n_real, n_synthetic) for a training pool of ``n_pool`` rows."""
        # only the "fresh" loop consumes a new real batch every generation
        n_batches = self.n_generations + 1 if self.strategy == "fresh" else 1
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
        if self.strategy == "fixed-real" and n_real > n_pool:
            raise ValueError(
                f"strategy='fixed-real' reuses the same n_real={n_real} real rows every "
                f"generation, but the training pool has only {n_pool} (after holding out "
                "validation_fraction): lower n_real."
            )
        if self.max_accumulated is not None and self.max_accumulated < n_real:
            raise ValueError(
                f"max_accumulated={self.max_accumulated} must be at least n_real={n_real}: "
                "the capped training set of strategy='accumulate' has room for the real rows."
            )
        return n_real, _resolve_count(self.n_synthetic, n_real)

    def _real_batches(self, n_pool, n_real, rng):
        """Index arrays of the real rows of each generation (None: no real rows).

        ``"fresh"`` draws a new batch every generation; ``"fixed-real"`` and
        ``"accumulate"`` reuse generation 0's batch; ``"replace"`` has real
        rows in generation 0 only.
        """
        fresh = self.strategy == "fresh"
        if self.real_sampling == "disjoint":
            perm = rng.permutation(n_pool)
            batches = (perm[t * n_real : (t + 1) * n_real] for t in range(self.n_generations + 1))
        else:
            batches = (rng.randint(n_pool, size=n_real) for _ in range(self.n_generations + 1))
        first = next(batches)
        yield first
        for _ in range(self.n_generations):
            if fresh:
                yield next(batches)
            else:
                yield None if self.strategy == "replace" else first

    def _training_batch(self, generation, X_real, y_real, source, w, n_syn, rng, covariates,
                        store):
        """Rows, targets and weights of one generation's fit, by ``strategy``.

        Returns ``(X, y, sample_weight, n_real_rows, n_synthetic_rows, weight)``
        where ``weight`` is the total weight on the real rows of this fit.
        """
        if generation == 0 or source is None:
            return X_real, y_real, None, n_rows(X_real), 0, 1.0
        if self.strategy in ("fresh", "fixed-real"):
            n_real = n_rows(X_real)
            if w >= 1.0:  # synthetic rows would carry no weight: none are drawn
                return X_real, y_real, None, n_real, 0, 1.0
            X_syn, y_syn = source.sample(n_syn, rng, covariates)
            if w <= 0.0:  # fully synthetic generation
                return X_syn, y_syn, None, n_real, n_syn, 0.0
            X = concat_rows(X_real, X_syn)
            y = None if y_real is None else concat_rows(y_real, y_syn)
            return X, y, row_weights(w, n_real, n_syn), n_real, n_syn, w
        X_syn, y_syn = source.sample(n_syn, rng, covariates)
        if self.strategy == "replace":
            return X_syn, y_syn, None, 0, n_syn, 0.0
        # accumulate: generation 0's real rows and every synthetic row so far, equal weights
        store["X"] = X_syn if store.get("X") is None else concat_rows(store["X"], X_syn)
        if y_syn is not None:
            store["y"] = y_syn if store.get("y") is None else concat_rows(store["y"], y_syn)
        X = concat_rows(X_real, store["X"])
        y = None if y_real is None else concat_rows(y_real, store["y"])
        n_real, n_total = n_rows(X_real), n_rows(X)
        if self.max_accumulated is not None and n_total > self.max_accumulated:
            keep = np.sort(rng.choice(n_total, size=self.max_accumulated, replace=False))
            X = take_rows(X, keep)
            y = None if y is None else take_rows(y, keep)
            n_real = int(np.sum(keep < n_rows(X_real)))
            n_total = self.max_accumulated
        return X, y, None, n_real, n_total - n_real, n_real / n_total

    def _fit_generation(self, base, generation, X_real, y_real, source, w, n_syn, rng,
                        routing, covariates, seed_keys, store=None):
        """Fit one generation.

        Returns the fitted estimator, a history record ``(n_real, n_synthetic,
        weight, fit_time)`` and the rows the next synthetic source is built
        from: this generation's real rows, or its training rows if it had none.
        """
        estimator = _reseed(clone(base), seed_keys, rng)
        X, y, sample_weight, n_real, n_syn_used, w_used = self._training_batch(
            generation, X_real, y_real, source, w, n_syn, rng, covariates, store
        )
        start = time.perf_counter()
        fit_weighted(estimator, X, y, sample_weight, routing, rng, take_rows)
        fit_time = time.perf_counter() - start
        reference = (X_real, y_real) if X_real is not None else (X, y)
        return estimator, (n_real, n_syn_used, w_used, fit_time), reference

    # ------------------------------------------------------------- the loop
    def _run_loop(self, X, y):
        """Validate everything, run all generations, then set the fitted attributes."""
        self._check_params()
        X, y, attrs = self._check_X_y(X, y, reset=True)
        self._check_extra(X, y)
        rng = check_random_state(self.random_state)
        X_pool, y_pool, X_val, y_val = self._split_validation(X, y, rng)
        n_real, n_syn = self._resolve_sizes(n_rows(X_pool))
        k = n_real / n_syn
        w = resolve_weight(self.weight, k)
        base = self._get_estimator()
        routing = weight_routing(base)
        if routing is None and self.n_generations > 0 and 0.0 < w < 1.0 and (
            self.strategy in ("fresh", "fixed-real")
        ):
            warn_resampling(base)
        scorer = self._scorer(base)
        covariates = self._covariate_sampler(X_pool)
        seed_keys = _random_state_keys(base)

        history = _new_history(self._metric_names())
        source, store = None, {}
        batches = self._real_batches(n_rows(X_pool), n_real, rng)
        for t, idx in enumerate(_progress(batches, self.n_generations + 1, self.verbose)):
            X_real = None if idx is None else take_rows(X_pool, idx)
            y_real = None if idx is None or y_pool is None else y_pool[idx]
            estimator, record, (X_ref, y_ref) = self._fit_generation(
                base, t, X_real, y_real, source, w, n_syn, rng, routing, covariates,
                seed_keys, store,
            )
            score = self._score(scorer, self._scoring_view(estimator, attrs), X_val, y_val)
            _append(history, t, *record[:3], score, record[3])
            source = self._synthetic_source(estimator, X_ref, y_ref, t)

        if self.strategy in ("replace", "accumulate") and self.n_generations > 0:
            w = history["weight"][-1]  # rows are not weighted: report the real share
        self._set_fitted(estimator, source, history, w, k, n_real, n_syn, attrs, rng)
        return self

    def _run_partial(self, X, y, **target_kwargs):
        """Advance exactly one generation with ``(X, y)`` as the fresh real batch."""
        first = not hasattr(self, "estimator_")
        self._check_params()
        if self.strategy != "fresh":
            raise ValueError(
                f"partial_fit advances the strategy='fresh' loop with each new real batch; "
                f"strategy={self.strategy!r} reuses or drops real rows, use fit instead."
            )
        X, y, attrs = self._check_X_y(X, y, reset=first, **target_kwargs)
        self._check_extra(X, y)
        rng = check_random_state(self.random_state) if first else self._rng
        base = self._get_estimator()
        routing = weight_routing(base)
        n_real = n_rows(X)
        n_syn = _resolve_count(self.n_synthetic, n_real)
        k = n_real / n_syn
        w = resolve_weight(self.weight, k)
        t = 0 if first else int(self.history_["generation"][-1]) + 1
        if not first and routing is None and 0.0 < w < 1.0 and t == 1:
            warn_resampling(base)
        estimator, record, _ = self._fit_generation(
            base, t, X, y, None if first else self._source, w, n_syn, rng, routing,
            self._covariate_sampler(X), _random_state_keys(base),
        )
        history = (
            _new_history(self._metric_names())
            if first
            else {key: list(v) for key, v in self.history_.items()}
        )
        names = self._metric_names()
        _append(history, t, *record[:3], np.nan if names is None else dict.fromkeys(names, np.nan),
                record[3])
        source = self._synthetic_source(estimator, X, y, t)
        self._set_fitted(estimator, source, history, w, k, n_real, n_syn, attrs, rng)
        return self

    def _set_fitted(self, estimator, source, history, w, k, n_real, n_syn, attrs, rng):
        for name, value in attrs.items():
            setattr(self, name, value)
        self.estimator_ = estimator
        self.weight_ = float(w)
        self.k_ = float(k)
        self.optimal_weight_ = optimal_weight(k)
        self.n_real_ = int(n_real)
        self.n_synthetic_ = int(n_syn)
        counts = ("generation", "n_real", "n_synthetic")
        self.history_ = {
            key: np.asarray(values, dtype=int if key in counts else float)
            for key, values in history.items()
        }
        names = self._metric_names()
        if names is None:
            self.generation_scores_ = self.history_["score"].copy()
        else:
            self.generation_scores_ = {n: self.history_[f"score_{n}"].copy() for n in names}
        self._source = source
        self._rng = rng

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        base_tags = get_tags(self._get_estimator())
        tags.input_tags.sparse = base_tags.input_tags.sparse
        tags.input_tags.allow_nan = False
        tags.input_tags.categorical = base_tags.input_tags.categorical
        tags.input_tags.string = base_tags.input_tags.string
        return tags

    def _check_fitted_X(self, X):
        check_is_fitted(self)
        return self._check_X(X, reset=False)


def _is_object_like(X):
    dtype = getattr(X, "dtype", None)
    if dtype is None:
        try:
            dtype = np.asarray(X).dtype
        except (TypeError, ValueError):
            return True
    return dtype.kind in "OUS"


def _check_frame_finite(frame, name):
    if frame.isna().to_numpy().any():
        raise ValueError(f"Input {name} contains NaN or missing values.")
    numeric = frame.select_dtypes(include="number")
    if numeric.shape[1] and not np.isfinite(numeric.to_numpy(dtype=float)).all():
        raise ValueError(f"Input {name} contains infinity.")


def _new_history(metric_names):
    """Empty history: the fixed columns, then one score column per metric."""
    scores = ["score"] if metric_names is None else [f"score_{n}" for n in metric_names]
    keys = [k for k in HISTORY_KEYS if k not in ("score", "fit_time")] + scores + ["fit_time"]
    return {key: [] for key in keys}


def _append(history, t, n_real, n_syn, w, score, fit_time):
    values = {"generation": t, "n_real": n_real, "n_synthetic": n_syn, "weight": w,
              "fit_time": fit_time}
    if isinstance(score, dict):
        values.update({f"score_{name}": v for name, v in score.items()})
    else:
        values["score"] = score
    for key in history:
        history[key].append(values[key])


def _progress(iterable, total, verbose):
    if not verbose:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc="generations", leave=False)

