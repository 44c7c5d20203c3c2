"""The sizes of a fit: rows per generation and the memory their rows need.

:func:`resolve_sizes` turns ``n_real`` and ``n_synthetic`` into row counts
for a training pool (checking them against ``real_sampling`` and the
strategy), :func:`resolve_count` reads a count given as an int or as a
multiple, and :func:`check_fit_memory` refuses, with the estimate
(:func:`fit_memory`), sizes whose rows cannot fit in memory, before any fit.
"""

import math
from numbers import Integral

from .._utils.validation import check_memory
from .history import HISTORY_KEYS

__all__ = ["resolve_count", "resolve_sizes", "fit_memory", "check_fit_memory"]


def resolve_count(value, reference, name="n_synthetic"):
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


#: bytes of one history cell while a fit runs: a list slot and a Python float (32), then
#: its share of the float64 array ``history_`` is built into (8)
HISTORY_CELL_BYTES = 40
#: bytes a kept generation's model takes at least (the object and its attributes), beside
#: 8 bytes per feature for its coefficients: a lower bound, models are often larger
MODEL_BYTES = 1000
_DEFAULT_COLUMNS = len(HISTORY_KEYS)  # one score column, no monitor


def fit_memory(strategy, *, n_real, n_synthetic, n_features, n_steps, max_accumulated,
               n_columns=_DEFAULT_COLUMNS, keep_estimators=False):
    """Estimated peak bytes of the rows a fit handles and of what it keeps per generation.

    Each generation holds its real and synthetic rows and, concatenated with
    their weights and target, its training set, which the base model copies
    once or twice more (centring, a solver's work arrays); ``"accumulate"``
    also keeps every synthetic row drawn so far. Counted in 8-byte cells per
    row of ``n_features + 2`` (features, target, weight). Within 1.0 to 1.6
    times the peak ``tracemalloc`` measures for a ``Ridge`` base model on
    float arrays (see the test of this function). Whatever the strategy, the
    ``n_steps + 1`` generations each add a row of ``n_columns`` to the
    history (:data:`HISTORY_CELL_BYTES` each) and, with ``keep_estimators``,
    a fitted model (at least :data:`MODEL_BYTES` plus its coefficients), so
    a huge ``n_generations`` is refused even when the rows are small.
    """
    width = 8 * (n_features + 2)
    kept = n_steps * n_synthetic if strategy.accumulates else 0
    training = n_real + (kept if strategy.accumulates else n_synthetic)
    if max_accumulated is not None:
        training = min(training, max_accumulated)
    rows = width * (n_real + n_synthetic + kept + 3 * training) + 8 * n_real
    per_generation = HISTORY_CELL_BYTES * n_columns + (
        MODEL_BYTES + 8 * n_features if keep_estimators else 0)
    return rows + (n_steps + 1) * per_generation


def check_fit_memory(what, strategy, **sizes):
    """Refuse, with the estimate, sizes whose rows cannot fit in memory (before any fit)."""
    needed = fit_memory(strategy, **sizes)
    def count(value):
        if value < 10**12:
            return str(value)
        return format(float(value), ".3g") if value < 10**308 else "more than 1e+308"

    shown = ", ".join(f"{key}={count(value)}" for key, value in sizes.items()
                      if key in ("n_real", "n_synthetic", "n_features"))
    if sizes["n_steps"] > 1:
        shown += f", n_generations={count(sizes['n_steps'])}"
    if sizes.get("keep_estimators"):
        shown += ", keep_estimators=True"
    check_memory(min(needed, 10**308), f"{what} with {shown}, strategy={strategy.name!r}")


def resolve_sizes(estimator, strategy, n_pool):
    """(n_real, n_synthetic) of ``estimator.fit`` for a training pool of ``n_pool`` rows."""
    n_batches = strategy.n_real_batches(estimator.n_generations)
    if estimator.n_real is None:
        if estimator.real_sampling == "bootstrap":
            n_real = n_pool
        else:
            n_real = n_pool // n_batches
            if n_real < 1:
                raise ValueError(
                    f"real_sampling='disjoint' needs at least n_generations + 1 = "
                    f"{n_batches} training rows, one fresh batch per "
                    f"generation; the training pool has {n_pool}."
                )
    elif isinstance(estimator.n_real, Integral):
        n_real = int(estimator.n_real)
    else:
        n_real = max(1, int(round(estimator.n_real * n_pool)))
    if estimator.real_sampling == "disjoint" and n_real * n_batches > n_pool:
        needed = n_real * n_batches
        raise ValueError(
            f"real_sampling='disjoint' with n_real={n_real} and "
            f"n_generations={estimator.n_generations} needs {needed} training rows "
            f"(n_real * (n_generations + 1)), but the training pool has only {n_pool} "
            "(after holding out validation_fraction): lower n_real or n_generations, "
            "or use real_sampling='bootstrap'."
        )
    strategy.check_sizes(n_real, n_pool, estimator.max_accumulated)
    return n_real, resolve_count(estimator.n_synthetic, n_real)

