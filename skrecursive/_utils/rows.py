"""Row utilities for every container the library accepts: numpy arrays, sparse
matrices, pandas DataFrames and Series."""

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["n_rows", "take_rows", "concat_rows"]


def n_rows(X):
    """Number of rows of an array, sparse matrix or DataFrame."""
    return X.shape[0]


def take_rows(X, idx):
    """Rows ``idx`` of a numpy array, sparse matrix, DataFrame or Series."""
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return X.iloc[idx]
    return X[idx]


def concat_rows(first, second):
    """Stack two row blocks of the same kind (arrays, sparse, DataFrames)."""
    if isinstance(first, (pd.DataFrame, pd.Series)):
        if not isinstance(second, type(first)):
            second = type(first)(second, columns=first.columns) if isinstance(
                first, pd.DataFrame
            ) else pd.Series(second, name=first.name)
        out = pd.concat([first, second], axis=0, ignore_index=True)
        if isinstance(first, pd.DataFrame):
            # keep categorical columns categorical even if a block lacked a level
            for col in first.columns:
                if isinstance(first[col].dtype, pd.CategoricalDtype) and not isinstance(
                    out[col].dtype, pd.CategoricalDtype
                ):
                    out[col] = out[col].astype(first[col].dtype)
        return out
    if sp.issparse(first) or sp.issparse(second):
        return sp.vstack([first, second], format="csr")
    if first.ndim == 1:
        return np.concatenate([first, second])
    return np.vstack([first, second])
