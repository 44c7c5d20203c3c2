"""The per-generation history of a fit and the records a ``monitor`` adds to it.

:class:`History` keeps the columns of ``history_``: the fixed ones
(:data:`HISTORY_KEYS`), one score column per metric (:func:`score_columns`),
then the columns a ``monitor`` returns, validated by :func:`monitor_record`.
A ``partial_fit`` continues the history of the earlier calls.
"""

import math
from collections.abc import Mapping

import numpy as np

__all__ = ["HISTORY_KEYS", "History", "score_columns", "monitor_record"]

HISTORY_KEYS = ("generation", "n_real", "n_synthetic", "weight", "score", "fit_time")
_COUNTS = ("generation", "n_real", "n_synthetic")


def score_columns(metric_names):
    return ["score"] if metric_names is None else [f"score_{n}" for n in metric_names]


class History:
    """The per-generation records: fixed columns, score columns, then monitor columns."""

    def __init__(self, metric_names, previous=None, keep_scores=True):
        fixed = [k for k in HISTORY_KEYS if k not in ("score", "fit_time")]
        keys = fixed + score_columns(metric_names) + ["fit_time"]
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


def monitor_record(result, generation):
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
        if isinstance(value, (complex, np.complexfloating)):
            # never recorded as its real part
            raise TypeError(
                f"monitor must return numbers (real ones); at generation {generation} its key "
                f"{key!r} holds the complex number {value!r}."
            )
        try:
            number = float(value)
        except OverflowError:  # an int beyond the float range, e.g. 10**400
            digits = len(str(value))
            raise ValueError(
                f"monitor returned an int of {digits} digits for {key!r} at generation "
                f"{generation}, beyond the float range; values must be finite numbers."
            ) from None
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
