"""Checking the ``X`` a meta-estimator receives, for every container it accepts.

Any dataframe narwhals supports (pandas with nullable or string dtypes,
polars, ...) is kept native, so column names and dtypes reach the base model
exactly as a plain scikit-learn pipeline would receive them. Missing values are
accepted when, and only when, the base model accepts them (its tags say
``allow_nan``, e.g. ``HistGradientBoosting*``, or it is a ``Pipeline`` that
starts with an imputer, see :func:`accepts_nan`); otherwise the error names the
base model and how to proceed.
"""

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import get_tags
from sklearn.utils.validation import validate_data

from .frames import frame_infinite_columns, frame_missing_columns, is_frame

__all__ = ["accepts_nan", "check_X", "nan_refused_message"]


def _removes_nan(step):
    """Whether a first pipeline step turns missing values into numbers.

    Tags cannot tell: a scaler also "allows NaN" but passes it on. Imputers
    do, a ``OneHotEncoder`` does (NaN is a category of its own), a pipeline
    does when its first step does, and a ``ColumnTransformer`` when every
    branch it keeps does.
    """
    if step is None or isinstance(step, str):
        return False
    if type(step).__name__.endswith("Imputer") or isinstance(step, OneHotEncoder):
        return True
    if isinstance(step, Pipeline):
        steps = [s for _, s in step.steps if s is not None and s != "passthrough"]
        return bool(steps) and _removes_nan(steps[0])
    if isinstance(step, ColumnTransformer):
        branches = [t for _, t, _ in step.transformers if not (isinstance(t, str) and t == "drop")]
        remainder = step.remainder
        if not (isinstance(remainder, str) and remainder == "drop"):
            branches.append(remainder)
        return all(_removes_nan(t) for t in branches)
    return False


def accepts_nan(estimator):
    """Whether the base model ``estimator`` can be fitted on ``X`` with missing values.

    True when its tags say ``allow_nan`` (``HistGradientBoosting*``), and for a
    ``Pipeline`` when its final model's tags do or its first step removes
    missing values (an imputer, a ``OneHotEncoder``, a ``ColumnTransformer``
    whose every branch does).
    """
    if isinstance(estimator, Pipeline):
        steps = [s for _, s in estimator.steps if s is not None and s != "passthrough"]
        if not steps:
            return False
        return _removes_nan(steps[0]) or accepts_nan(steps[-1])
    return bool(get_tags(estimator).input_tags.allow_nan)


def nan_refused_message(estimator, where="Input X"):
    """The error for missing values the base model ``estimator`` cannot take."""
    name = type(estimator).__name__
    return (
        f"{where} contains NaN (missing values), and the base model {name} does not accept "
        "them (its tags say allow_nan=False, and it is not a Pipeline starting with an "
        "imputer). Put an imputer in front of it, e.g. "
        f"estimator=make_pipeline(SimpleImputer(), {name}(...)), or use a model that "
        "handles missing values natively, such as HistGradientBoostingClassifier or "
        "HistGradientBoostingRegressor."
    )


def _array_has_nan(X):
    if sp.issparse(X):
        data = X.data
        return data.dtype.kind == "f" and bool(np.isnan(data).any())
    X = np.asarray(X)
    if X.dtype.kind == "f":
        return bool(np.isnan(X).any())
    if X.dtype.kind == "O":
        return bool(pd.isna(X).any())
    return False


def _is_object_like(X):
    dtype = getattr(X, "dtype", None)
    if dtype is None:
        try:
            dtype = np.asarray(X).dtype
        except (TypeError, ValueError):
            return True
    return dtype.kind in "OUS"


def check_X(owner, X, *, reset, base):
    """Validate ``X`` for the meta-estimator ``owner`` whose base model is ``base``.

    Dataframes stay native (``n_features_in_`` and ``feature_names_in_`` are
    set or checked as by scikit-learn); arrays and sparse matrices go through
    :func:`~sklearn.utils.validation.validate_data`. Infinity is always an
    error; NaN is one unless ``base`` accepts it.

    Returns
    -------
    X : the validated rows, of the same kind as given.
    """
    allow_nan = accepts_nan(base)
    if is_frame(X):
        validate_data(owner, X, reset=reset, skip_check_array=True)
        n, p = X.shape
        if n == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required."
            )
        if p == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is "
                "required."
            )
        infinite = frame_infinite_columns(X)
        if infinite:
            raise ValueError(f"Input X contains infinity (columns {infinite}).")
        if not allow_nan:
            missing = frame_missing_columns(X)
            if missing:
                raise ValueError(nan_refused_message(base, f"Input X (columns {missing})"))
        return X
    X = validate_data(
        owner,
        X,
        reset=reset,
        accept_sparse=["csr", "csc"],
        dtype=None if _is_object_like(X) else "numeric",
        ensure_all_finite="allow-nan",
    )
    if not allow_nan and _array_has_nan(X):
        raise ValueError(nan_refused_message(base))
    return X
