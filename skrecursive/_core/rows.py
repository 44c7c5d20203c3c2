"""Row utilities for every container the library accepts: numpy arrays, sparse
matrices, and any dataframe or series narwhals supports (pandas, polars, ...),
which stay native (see :mod:`skrecursive._core.frames`)."""

import numpy as np
import scipy.sparse as sp

from .frames import concat_frame_rows, is_frame, is_series, take_frame_rows

__all__ = ["n_rows", "take_rows", "concat_rows"]


def n_rows(X):
    """Number of rows of an array, sparse matrix, dataframe or series."""
    return X.shape[0] if hasattr(X, "shape") else len(X)


def take_rows(X, idx):
    """Rows ``idx`` of a numpy array, sparse matrix, dataframe or series."""
    if is_frame(X) or is_series(X):
        return take_frame_rows(X, idx)
    return X[idx]


def concat_rows(first, second):
    """Stack two row blocks of the same kind (arrays, sparse, dataframes, series)."""
    if is_frame(first) or is_series(first):
        return concat_frame_rows(first, second)
    if sp.issparse(first) or sp.issparse(second):
        return sp.vstack([first, second], format="csr")
    if first.ndim == 1:
        return np.concatenate([first, second])
    return np.vstack([first, second])
