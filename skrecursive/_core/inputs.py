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

from .frames import (
    frame_columns,
    frame_infinite_columns,
    frame_missing_columns,
    is_frame,
)

__all__ = ["accepts_nan", "nan_allowed", "check_X", "nan_refused_message"]


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


def _selected(columns, names):
    """Names of the columns a ``ColumnTransformer`` branch selects, or None when unknown."""
    if isinstance(columns, str):
        return [columns] if columns in names else None
    if isinstance(columns, (int, np.integer)) and not isinstance(columns, bool):
        return [names[columns]] if -len(names) <= columns < len(names) else None
    if isinstance(columns, slice):
        ends = (columns.start, columns.stop)
        if all(e is None or (isinstance(e, (int, np.integer)) and not isinstance(e, bool))
               for e in ends):
            return list(names[columns])
        return None
    if callable(columns):
        return None  # a selector of dtypes: which columns it picks is not known here
    try:
        values = np.asarray(columns)
    except (TypeError, ValueError):
        return None
    if values.ndim != 1:
        return None
    if values.dtype.kind == "b":
        return [n for n, keep in zip(names, values, strict=False) if keep] if (
            len(values) == len(names)) else None
    if values.dtype.kind in "iu":
        return [names[int(i)] for i in values] if all(
            -len(names) <= i < len(names) for i in values) else None
    picked = values.tolist()
    return picked if all(c in names for c in picked) else None


def _nan_safe_columns(step, names):
    """Columns whose missing values a first pipeline step ``step`` removes (a set)."""
    if isinstance(step, Pipeline):
        steps = [s for _, s in step.steps if s is not None and s != "passthrough"]
        return _nan_safe_columns(steps[0], names) if steps else set()
    if _removes_nan(step):
        return set(names)
    if not isinstance(step, ColumnTransformer):
        return set()
    safe, used = set(), set()
    for _, transformer, columns in step.transformers:
        picked = _selected(columns, names)
        if picked is None:
            return set()  # an unknown selection: trust no column
        used.update(picked)
        if (isinstance(transformer, str) and transformer == "drop") or _removes_nan(transformer):
            safe.update(picked)
    remainder = step.remainder
    if (isinstance(remainder, str) and remainder == "drop") or _removes_nan(remainder):
        safe.update(c for c in names if c not in used)
    return safe


def nan_allowed(estimator, X=None):
    """Where the base model ``estimator`` accepts missing values in ``X``.

    Returns
    -------
    allowed : bool or frozenset
        True when it accepts them anywhere (:func:`accepts_nan`); for a
        ``Pipeline`` whose first step is a ``ColumnTransformer``, the set of
        the columns of ``X`` that go to branches removing missing values (a
        ``OneHotEncoder``, an imputer) or that are dropped, so a frame with
        missing values only there is accepted; False otherwise.
    """
    if accepts_nan(estimator):
        return True
    if X is None or not isinstance(estimator, Pipeline) or np.ndim(X) != 2:
        return False
    names = frame_columns(X) if is_frame(X) else list(range(np.shape(X)[1]))
    safe = _nan_safe_columns(estimator, names)
    return frozenset(safe) if safe else False


def nan_refused_message(estimator, where="Input X", *, density=False):
    """The error for missing values the base model ``estimator`` cannot take.

    ``density`` is True for the density estimator, whose base model is a
    synthesizer: imputing would change the distribution it learns and a
    classifier or regressor is no alternative, so the advice differs.
    """
    name = type(estimator).__name__
    head = (
        f"{where} contains NaN (missing values), and the base model {name} does not accept "
        "them (its tags say allow_nan=False"
    )
    if density:
        return (
            f"{head}). A synthesizer that models missing values itself must say so in its "
            "tags (__sklearn_tags__: tags.input_tags.allow_nan = True); "
            "skrecursive.GaussianCopula takes them in non-numeric columns (a category of its "
            "own). Otherwise drop the rows with missing values first."
        )
    return (
        f"{head}, and it is not a Pipeline starting with an imputer or a ColumnTransformer "
        "that imputes or one-hot encodes these columns). Put an imputer in front of it, e.g. "
        f"estimator=make_pipeline(SimpleImputer(), {name}(...)), or use a model that "
        "handles missing values natively, such as HistGradientBoostingClassifier or "
        "HistGradientBoostingRegressor."
    )


def _array_nan_columns(X):
    """Positions of the columns of an array or sparse matrix holding a missing value."""
    if sp.issparse(X):
        if X.dtype.kind != "f":
            return []
        coo = X.tocoo()
        return sorted(set(coo.col[np.isnan(coo.data)].tolist()))
    X = np.asarray(X)
    if X.dtype.kind == "f":
        return np.flatnonzero(np.isnan(X).any(axis=0)).tolist()
    if X.dtype.kind == "O":
        return np.flatnonzero(pd.isna(X).any(axis=0)).tolist()
    return []


def _is_object_like(X):
    dtype = getattr(X, "dtype", None)
    if dtype is None:
        try:
            dtype = np.asarray(X).dtype
        except (TypeError, ValueError):
            return True
    return dtype.kind in "OUS"


def check_X(owner, X, *, reset, base, density=False):
    """Validate ``X`` for the meta-estimator ``owner`` whose base model is ``base``.

    Dataframes stay native (``n_features_in_`` and ``feature_names_in_`` are
    set or checked as by scikit-learn); arrays and sparse matrices go through
    :func:`~sklearn.utils.validation.validate_data`. Infinity is always an
    error; NaN is one unless ``base`` accepts it (in those columns).
    ``density`` is True for the density estimator (its refusal gives a
    synthesizer's advice, see :func:`nan_refused_message`).

    Returns
    -------
    X : the validated rows, of the same kind as given.
    """
    if is_frame(X):
        validate_data(owner, X, reset=reset, skip_check_array=True)
        allow_nan = nan_allowed(base, X)
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
        if allow_nan is not True:
            missing = [c for c in frame_missing_columns(X) if not allow_nan or c not in allow_nan]
            if missing:
                raise ValueError(nan_refused_message(base, f"Input X (columns {missing})",
                                                     density=density))
        return X
    X = validate_data(
        owner,
        X,
        reset=reset,
        accept_sparse=["csr", "csc"],
        dtype=None if _is_object_like(X) else "numeric",
        ensure_all_finite="allow-nan",
    )
    allow_nan = nan_allowed(base, X)
    if allow_nan is not True:
        missing = [j for j in _array_nan_columns(X) if not allow_nan or j not in allow_nan]
        if missing:
            raise ValueError(nan_refused_message(
                base, f"Input X (columns {missing[:10]})", density=density))
    return X
