"""Memorisation of the training rows: copy rate and distance to the closest record.

Public through :mod:`skrecursive.metrics`, which also declares each metric's
direction.
"""


import numpy as np
import pandas as pd

from .._utils.validation import (
    BOOLEAN,
    check_args,
)
from .fidelity import DRAW_PARAMETERS, synthetic_rows


def _as_table(rows, name):
    """``rows`` as a DataFrame (a 2-D array becomes numbered numeric columns)."""
    if isinstance(rows, pd.DataFrame):
        return rows
    arr = np.asarray(rows)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a DataFrame or a 2-D array; got shape {arr.shape}.")
    return pd.DataFrame(arr)


def _memorisation_pair(model_or_rows, X, n_samples, random_state):
    """(synthetic, real) DataFrames with the same columns, real first checked non-empty."""
    real = _as_table(X, "X")
    rows = _as_table(synthetic_rows(model_or_rows, real, n_samples, random_state),
                     "the synthetic rows")
    if list(rows.columns) != list(real.columns):
        raise ValueError(
            "The synthetic rows and X must have the same columns in the same order; got "
            f"{list(rows.columns)} and {list(real.columns)}."
        )
    if len(real) == 0 or len(rows) == 0:
        raise ValueError("X and the synthetic rows must hold at least one row each.")
    return rows, real


def _is_number(col):
    return (pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
            and not isinstance(col.dtype, pd.CategoricalDtype))


def _numbers(col):
    """A column as float64, missing values as NaN and -0.0 as 0.0."""
    return col.astype("float64").to_numpy(dtype=float, na_value=np.nan) + 0.0


def _labels(col):
    """A non-numeric column as strings, every missing value the same marker (None)."""
    codes, uniques = pd.factorize(col.astype(object).to_numpy(), use_na_sentinel=True)
    text = np.array([str(v) for v in uniques] + [None], dtype=object)
    return text[codes]  # the sentinel -1 picks the last entry, None


def _joint_codes(a, b):
    """Integer codes of two non-numeric columns over their joint values (missing: -1)."""
    if isinstance(a.dtype, pd.CategoricalDtype) and a.dtype == b.dtype:
        return (a.cat.codes.to_numpy().astype(np.int64),
                b.cat.codes.to_numpy().astype(np.int64))
    codes = pd.factorize(np.concatenate([_labels(a), _labels(b)]), use_na_sentinel=True)[0]
    return codes[:len(a)], codes[len(a):]


def copy_rate(model_or_rows, X, y=None, *, n_samples=None, random_state=None):
    """Share of the synthetic rows that are exact copies of a row of ``X``.

    A synthetic row is a copy when every column equals that of some row of
    ``X``: numbers by value (``3`` equals ``3.0``), other values by their
    text, a missing value equal to a missing value. Lower is better for
    privacy; in [0, 1]. A table with few, coarse columns has copies by
    chance: compare with the rate of real rows that were not trained on
    (held-out rows against the training rows), as :func:`skrecursive.reproduce.audit`
    does. A synthesizer trained recursively on its own output concentrates on
    fewer rows, which is where copying grows. Its ``greater_is_better`` is
    False, so a recursive estimator refuses it as ``scoring=``; record it
    every generation with ``monitor=``, as the audit does.

    Parameters
    ----------
    model_or_rows : fitted model with ``sample`` or DataFrame or array-like
        A synthesizer (``n_samples`` rows are drawn from it) or synthetic rows,
        with the columns of ``X``.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The real rows the synthesizer was trained on.
    y : None
        Ignored (scorer signature).
    n_samples : int or None, default=None
        Rows drawn from a model; None means as many as ``X`` has.
    random_state : int, RandomState instance or None, default=None
        Seeds those draws.

    Returns
    -------
    rate : float

    See Also
    --------
    distance_to_closest_record : how close the synthetic rows come when not copies.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive.metrics import copy_rate
    >>> real = pd.DataFrame({"age": [23, 35, 51], "job": ["a", "b", None]})
    >>> synthetic = pd.DataFrame({"age": [35.0, 51.0, 40.0, 23.0],
    ...                           "job": ["b", None, "a", "b"]})
    >>> copy_rate(synthetic, real)
    0.5
    """
    check_args("copy_rate", DRAW_PARAMETERS, locals())
    rows, real = _memorisation_pair(model_or_rows, X, n_samples, random_state)

    syn, ref = {}, {}
    for j in range(real.shape[1]):
        a, b = rows.iloc[:, j], real.iloc[:, j]
        if _is_number(a) and _is_number(b):
            syn[j], ref[j] = _numbers(a), _numbers(b)
        else:
            syn[j], ref[j] = _joint_codes(a, b)
    hashed = [pd.util.hash_pandas_object(pd.DataFrame(t), index=False).to_numpy()
              for t in (syn, ref)]
    return float(np.mean(np.isin(*hashed)))


#: synthetic rows per block of the nearest-record search (bounds its memory)
_DCR_BLOCK_CELLS = 2_000_000


def distance_to_closest_record(model_or_rows, X, y=None, *, per_row=False, n_samples=None,
                               random_state=None):
    """Median distance from a synthetic row to its closest row of ``X`` (Gower distance).

    The distance between two rows is Gower's: the mean over columns of
    ``|a - b| / range`` for a numeric column (``range`` = its range in ``X``,
    capped at 1; 0 or 1 for a constant column) and of ``a != b`` for the
    others, a missing value being at distance 0 from a missing value and 1
    from any value. Every synthetic row gets the distance to its closest row
    of ``X`` (an exact search); the median over the synthetic rows is
    returned. In [0, 1]; 0 when the median row is a copy, so lower means
    closer to the training rows (higher is better for privacy). Compare with
    the same distance for real rows that were not trained on, the level of
    a synthesizer that neither copies nor strays. The search costs
    ``n_synthetic * n_real * n_features``: subsample ``X`` for large tables.

    Parameters
    ----------
    model_or_rows : fitted model with ``sample`` or DataFrame or array-like
        As in :func:`copy_rate`.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The real rows the synthesizer was trained on.
    y : None
        Ignored (scorer signature).
    per_row : bool, default=False
        Return the distance of every synthetic row instead of their median.
    n_samples : int or None, default=None
        Rows drawn from a model; None means as many as ``X`` has.
    random_state : int, RandomState instance or None, default=None
        Seeds those draws.

    Returns
    -------
    distance : float or ndarray of shape (n_synthetic,)

    See Also
    --------
    copy_rate : the share of synthetic rows at distance 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive.metrics import distance_to_closest_record
    >>> real = pd.DataFrame({"age": [20, 30, 60], "job": ["a", "b", "b"]})
    >>> synthetic = pd.DataFrame({"age": [20, 40, 60], "job": ["a", "a", "a"]})
    >>> distance_to_closest_record(synthetic, real, per_row=True).tolist()
    [0.0, 0.25, 0.5]
    """
    check_args("distance_to_closest_record", {"per_row": [BOOLEAN], **DRAW_PARAMETERS}, locals())
    rows, real = _memorisation_pair(model_or_rows, X, n_samples, random_state)
    numeric, labels = [], []  # (synthetic, real, scale) and (synthetic codes, real codes)
    for j in range(real.shape[1]):
        a, b = rows.iloc[:, j], real.iloc[:, j]
        if _is_number(b) and _is_number(a):
            a, b = _numbers(a), _numbers(b)
            finite = b[~np.isnan(b)]
            span = float(finite.max() - finite.min()) if finite.size else 0.0
            numeric.append((a, b, span))
        else:
            labels.append(_joint_codes(a, b))
    n_syn, n_real = len(rows), len(real)
    best = np.empty(n_syn)
    block = max(1, _DCR_BLOCK_CELLS // n_real)
    for start in range(0, n_syn, block):
        stop = min(n_syn, start + block)
        total = np.zeros((stop - start, n_real), dtype=np.float32)
        gap = np.empty_like(total)
        differ = np.empty(total.shape, dtype=bool)
        for a, b, span in numeric:
            a = a[start:stop, None]
            if span > 0:
                np.subtract(a, b[None, :], out=gap)
                np.abs(gap, out=gap)
                gap *= 1.0 / span
                np.minimum(gap, 1.0, out=gap)
            else:
                np.not_equal(a, b[None, :], out=differ)
                gap[...] = differ
            if np.isnan(a).any() or np.isnan(b).any():
                missing_a, missing_b = np.isnan(a), np.isnan(b)[None, :]
                np.copyto(gap, missing_a != missing_b, where=missing_a | missing_b)
            total += gap
        for a, b in labels:
            np.not_equal(a[start:stop, None], b[None, :], out=differ)
            total += differ
        best[start:stop] = total.min(axis=1).astype(float) / real.shape[1]
    return best if per_row else float(np.median(best))
