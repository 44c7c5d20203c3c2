"""The checks on what a synthetic source's stages return.

Rows from a sampler (:func:`check_synthetic_rows`) and a model's outputs
(:func:`check_outputs`) are refused with an error naming the call and the
generation when they cannot be trained on: NaN or infinity, the wrong shape,
type or columns, probabilities that are not, labels outside the classes.
"""

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .frames import (
    frame_columns,
    frame_infinite_columns,
    frame_missing_columns,
    is_frame,
)


def _container_kind(X):
    if is_frame(X):
        return "frame"
    if sp.issparse(X):
        return "sparse"
    if isinstance(X, np.ndarray):
        return "array"
    return None


def _has_non_finite(X, kind, allow_nan=False):
    """Whether ``X`` holds infinity, or a missing value where ``allow_nan`` does not allow one.

    ``allow_nan`` is a bool, or the columns (names of a frame, positions of an
    array) where missing values are allowed (see
    :func:`skrecursive._core.inputs.nan_allowed`).
    """
    if kind == "frame":
        if frame_infinite_columns(X):
            return True
        if allow_nan is True:
            return False
        return any(not allow_nan or c not in allow_nan for c in frame_missing_columns(X))
    values = X.data if kind == "sparse" else X
    if values.dtype.kind in "fc" and np.isinf(values).any():
        return True
    if allow_nan is True or values.dtype.kind not in "fcO":
        return False
    if kind == "sparse":
        coo = X.tocoo()
        cols = set(coo.col[np.asarray(pd.isna(coo.data), dtype=bool)].tolist())
    else:
        cols = set(np.flatnonzero(np.asarray(pd.isna(values), dtype=bool).any(axis=0)).tolist())
    return any(not allow_nan or c not in allow_nan for c in cols)


def check_synthetic_rows(X, n, n_features, name, generation, *, allow_nan=False,
                         columns=None):
    """Refuse a batch of synthetic rows that cannot be trained on.

    Parameters
    ----------
    X : object
        What the sampler returned.
    n : int
        Rows requested.
    n_features : int or None
        Columns the meta-estimator was fitted with (None: not checked).
    name : str
        The call that produced ``X``, e.g. ``"covariate_sampler.sample"``.
    generation : int
        The generation the rows are for.
    allow_nan : bool or collection, default=False
        Whether missing values are accepted (the base model takes them, and
        bootstrapped covariates keep the pool's missing patterns), or the
        columns where they are.
    columns : list or None, default=None
        The column names of the real rows, when they are a dataframe: a
        dataframe of synthetic rows must have the same ones (in any order),
        since the two are stacked by name.

    Returns
    -------
    X : ndarray, sparse matrix or dataframe
        ``X`` itself.

    Raises
    ------
    ValueError
        Naming ``name`` and ``generation``, when ``X`` is not a 2-D array,
        sparse matrix or DataFrame, has the wrong number of rows or columns
        (or other column names than ``columns``), or holds infinity (or NaN
        unless ``allow_nan``).
    """
    where = f"(synthetic rows for generation {generation})"
    kind = _container_kind(X)
    if kind is None:
        raise ValueError(
            f"{name}({n}) returned a {type(X).__name__}; synthetic rows must be a 2-D numpy "
            f"array, sparse matrix or DataFrame {where}."
        )
    if kind != "frame" and X.ndim != 2:
        raise ValueError(
            f"{name}({n}) returned an array of shape {X.shape}; synthetic rows must be 2-D, "
            f"one row per sample {where}."
        )
    if X.shape[0] != n:
        raise ValueError(f"{name}({n}) returned {X.shape[0]} rows instead of {n} {where}.")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{name}({n}) returned {X.shape[1]} columns, but the data have {n_features} "
            f"features {where}."
        )
    if columns is not None and kind == "frame":
        got = frame_columns(X)
        if list(got) != list(columns):
            unexpected = [c for c in got if c not in columns]
            absent = [c for c in columns if c not in got]
            what = (f"it lacks {absent[:10]} and has {unexpected[:10]} instead"
                    if absent or unexpected else f"in another order, {list(got)[:10]}")
            raise ValueError(
                f"{name}({n}) returned a dataframe with other columns than the real rows "
                f"{where}: {what}. Synthetic rows are stacked under the real ones and the "
                "models check feature names: return the real rows' columns "
                f"{list(columns)[:10]}, in that order."
            )
    if _has_non_finite(X, kind, allow_nan):
        what = "infinity" if allow_nan else "NaN or infinity"
        raise ValueError(f"{name}({n}) returned {what} {where}.")
    return X


#: how far from 1 a row of predict_proba may sum (float32 models round at about 1e-7)
PROBABILITY_TOLERANCE = 1e-5


def check_outputs(values, shape, name, generation, *, nonnegative=False, numeric=False,
                  probabilities=False, classes=None, where=None):
    """Refuse model outputs (predictions, probabilities) the next generation cannot use.

    Parameters
    ----------
    values : object
        What the model returned.
    shape : tuple
        The shape it must have (one entry, or one row of probabilities, per row).
    name : str
        The call and the model, e.g. ``"estimator.predict (the generation-2 Ridge)"``.
    generation : int
        The generation whose synthetic rows the outputs are for.
    nonnegative : bool, default=False
        Refuse negative values.
    numeric : bool, default=False
        The values must be real numbers (predictions of a regressor): they are
        returned as a float array.
    probabilities : bool, default=False
        Every row must be a probability vector: non-negative, summing to 1.
    classes : array-like or None, default=None
        Labels must be among these (``predict`` of a classifier).
    where : str, default=None
        Which rows the outputs are of, for the message (default: the synthetic
        covariates of ``generation``).

    Returns
    -------
    values : ndarray

    Raises
    ------
    ValueError
        Naming ``name`` and the generation.
    """
    where = where or f"on the synthetic covariates of generation {generation}"
    if isinstance(values, (str, bytes)) or values is None or np.ndim(values) == 0:
        raise ValueError(
            f"{name} returned {type(values).__name__} {where}; expected an array of shape "
            f"{shape}."
        )
    try:
        values = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} returned something that is not an array {where}: {exc}") \
            from None
    if values.shape != shape:
        raise ValueError(
            f"{name} returned an array of shape {values.shape} {where}; expected {shape}."
        )
    if numeric or probabilities:
        if values.dtype.kind == "c":
            raise ValueError(
                f"{name} returned complex numbers {where}; predictions must be real numbers."
            )
        if values.dtype.kind in "USMm":  # text, dates: never predictions of a number
            raise ValueError(
                f"{name} returned values of dtype {values.dtype} {where} (e.g. "
                f"{values.reshape(-1)[0]!r}); predictions must be numbers."
            )
        if values.dtype.kind not in "biuf":
            try:
                values = values.astype(float)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{name} returned values of dtype {values.dtype} {where} (e.g. "
                    f"{values.reshape(-1)[0]!r}); predictions must be numbers."
                ) from None
        values = values.astype(float, copy=False)
    if values.dtype.kind in "fc" and not np.isfinite(values).all():
        raise ValueError(f"{name} returned NaN or infinity {where}.")
    if values.dtype.kind == "O" and pd.isna(values).any():
        raise ValueError(f"{name} returned missing values {where}.")
    if (nonnegative or probabilities) and np.any(values < 0):
        raise ValueError(f"{name} returned negative values {where}.")
    if probabilities:
        sums = values.sum(axis=1)
        off = np.flatnonzero(~(np.abs(sums - 1.0) <= PROBABILITY_TOLERANCE))
        if off.size:
            raise ValueError(
                f"{name} returned rows that are not probability vectors {where}: "
                f"{off.size} of {len(sums)} rows do not sum to 1 (row {off[0]} sums to "
                f"{sums[off[0]]:.6g}). Labels drawn from them would be meaningless; check "
                "the model's predict_proba (or calibrate it)."
            )
    if classes is not None:
        unknown = ~np.isin(values, np.asarray(classes))
        if unknown.any():
            raise ValueError(
                f"{name} returned labels outside its classes_ {where}: "
                f"{values[unknown][:5].tolist()} not in {np.asarray(classes)[:10].tolist()} "
                f"({int(unknown.sum())} of {len(values)} rows)."
            )
    return values
