"""Dataframe-agnostic row operations and checks, through narwhals.

Any eager dataframe scikit-learn accepts (pandas, with nullable dtypes such as
``Int64``/``boolean`` and ``string`` columns, polars, pyarrow tables, ...) stays
in its own library with its column names and dtypes: rows are selected and
stacked by narwhals and handed back as the native object, the way a plain
scikit-learn pipeline would receive them. There is no converter per library.
"""

import narwhals.stable.v2 as nw
import numpy as np
import scipy.sparse as sp

__all__ = [
    "is_frame",
    "is_series",
    "frame_columns",
    "take_frame_rows",
    "concat_frame_rows",
    "frame_missing_columns",
    "frame_infinite_columns",
    "pandas_frame",
    "native_frame_like",
]


def _plain(X):
    """Arrays and sparse matrices, the loop's hot path: no need to ask narwhals."""
    return isinstance(X, np.ndarray) or sp.issparse(X)


def _frame(X):
    """The narwhals eager frame wrapping ``X``, or None when ``X`` is no dataframe."""
    if _plain(X):
        return None
    out = nw.from_native(X, eager_only=True, pass_through=True)
    return out if isinstance(out, nw.DataFrame) else None


def _series(X):
    if _plain(X):
        return None
    out = nw.from_native(X, series_only=True, pass_through=True)
    return out if isinstance(out, nw.Series) else None


def is_frame(X):
    """Whether ``X`` is an eager dataframe of a library narwhals supports."""
    return _frame(X) is not None


def is_series(X):
    """Whether ``X`` is a series of a library narwhals supports."""
    return _series(X) is not None


def frame_columns(X):
    """The column names of dataframe ``X``, as a list."""
    return list(_frame(X).columns)


def take_frame_rows(X, idx):
    """Rows ``idx`` (positions, repeats allowed) of a native dataframe or series.

    The result is of the same library and dtypes; a pandas result gets a fresh
    ``RangeIndex`` so that row labels never collide in later stacking.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive._core.frames import take_frame_rows
    >>> df = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64")})
    >>> take_frame_rows(df, [2, 0, 2])["a"].tolist()
    [3, 1, 3]
    >>> take_frame_rows(df, [1]).dtypes["a"]
    Int64Dtype()
    """
    idx = np.asarray(idx, dtype=np.intp)
    wrapped = _frame(X)
    if wrapped is None:
        wrapped = _series(X)
        if wrapped is None:
            raise TypeError(f"Expected a dataframe or series; got {type(X).__name__}.")
        # series: gather through a one-column frame, the same code path
        name = wrapped.name
        frame = wrapped.to_frame()
        return nw.maybe_reset_index(frame[idx]).get_column(name).to_native()
    return nw.maybe_reset_index(wrapped[idx]).to_native()


def _like(first, block):
    """``block`` (a dataframe or a 2-D array) as a narwhals frame of ``first``'s library."""
    wrapped = _frame(block)
    if wrapped is not None:
        return wrapped
    values = np.asarray(block)
    if values.ndim != 2 or values.shape[1] != len(first.columns):
        raise ValueError(
            f"Cannot stack rows of shape {values.shape} under a dataframe with "
            f"{len(first.columns)} columns."
        )
    backend = nw.get_native_namespace(first)
    try:
        block = nw.from_dict(
            {col: values[:, j].tolist() for j, col in enumerate(first.columns)},
            backend=backend,
        )
        return block.with_columns(*(nw.col(c).cast(t) for c, t in first.schema.items()))
    except Exception as exc:  # the library's own conversion error, re-raised with context
        raise TypeError(
            f"Rows given as a {type(block).__name__} cannot be stacked under a "
            f"{type(first.to_native()).__name__} with dtypes {dict(first.schema)}; return "
            f"rows of the same kind as X (e.g. a covariate_sampler resampling X): {exc}"
        ) from None


def concat_frame_rows(first, second):
    """Stack two row blocks of the same dataframe (or series) library.

    ``second`` may be a 2-D array when ``first`` is a dataframe; it is converted
    with ``first``'s column names and dtypes. Columns keep ``first``'s dtypes
    (a pandas categorical column whose blocks have different categories would
    otherwise become ``object``).

    Examples
    --------
    >>> import pandas as pd
    >>> from skrecursive._core.frames import concat_frame_rows
    >>> df = pd.DataFrame({"c": pd.Categorical(["x", "y"]), "b": pd.array([True, None])})
    >>> out = concat_frame_rows(df, df.iloc[[1]])
    >>> out["c"].tolist(), str(out["c"].dtype), str(out["b"].dtype), list(out.index)
    (['x', 'y', 'y'], 'category', 'boolean', [0, 1, 2])
    """
    s_first = _series(first)
    if s_first is not None:
        s_second = _series(second)
        second = s_second if s_second is not None else nw.new_series(
            s_first.name, np.asarray(second).tolist(), s_first.dtype,
            backend=nw.get_native_namespace(s_first),
        )
        out = nw.concat([s_first.to_frame(), second.alias(s_first.name).to_frame()])
        return nw.maybe_reset_index(out).get_column(s_first.name).to_native()
    f_first = _frame(first)
    if f_first is None:
        raise TypeError(f"Expected a dataframe or series; got {type(first).__name__}.")
    f_second = _like(f_first, second)
    if f_second.columns != f_first.columns:
        f_second = f_second.select(f_first.columns)
    out = nw.maybe_reset_index(nw.concat([f_first, f_second], how="vertical"))
    drifted = [c for c, dtype in f_first.schema.items() if out.schema[c] != dtype]
    if drifted:
        out = out.with_columns(*(nw.col(c).cast(f_first.schema[c]) for c in drifted))
    return out.to_native()


def _float_columns(frame):
    return [c for c, dtype in frame.schema.items() if dtype.is_float()]


def frame_missing_columns(X):
    """Names of the columns of dataframe ``X`` holding a missing value (null or NaN)."""
    frame = _frame(X)
    nulls = frame.select(nw.all().is_null().any()).row(0)
    missing = {c for c, has in zip(frame.columns, nulls, strict=True) if has}
    floats = [c for c in _float_columns(frame) if c not in missing]
    if floats:
        nans = frame.select(nw.col(floats).is_nan().any()).row(0)
        missing |= {c for c, has in zip(floats, nans, strict=True) if has}
    return [c for c in frame.columns if c in missing]


def frame_infinite_columns(X):
    """Names of the float columns of dataframe ``X`` holding an infinite value."""
    frame = _frame(X)
    floats = _float_columns(frame)
    if not floats:
        return []
    # missing values (null or NaN) are not infinite: frame_missing_columns reports them
    finite = frame.select(
        *((nw.col(c).is_finite() | nw.col(c).is_nan()).fill_null(True).all() for c in floats)
    ).row(0)
    return [c for c, ok in zip(floats, finite, strict=True) if not ok]


def pandas_frame(X):
    """A dataframe of any library narwhals supports as a pandas DataFrame, column by column.

    pandas frames are returned as they are. Other libraries' columns become
    the pandas column that holds the same values: categorical and enum
    columns a ``Categorical`` with the same categories, strings an ``object``
    column, integers and booleans with nulls the nullable ``Int64`` and
    ``boolean``, datetimes ``datetime64``; a null is a missing value. No
    pyarrow is needed. :func:`native_frame_like` converts back.

    Examples
    --------
    >>> import polars as pl
    >>> from skrecursive._core.frames import pandas_frame
    >>> df = pl.DataFrame({"c": pl.Series(["b", None], dtype=pl.Enum(["a", "b"])),
    ...                    "n": [1, None]})
    >>> out = pandas_frame(df)
    >>> list(out["c"].cat.categories), str(out["n"].dtype)
    (['a', 'b'], 'Int64')
    """
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        return X
    frame = _frame(X)
    data = {}
    for name in frame.columns:
        s = frame.get_column(name)
        dtype = s.dtype
        missing = s.is_null().to_numpy().astype(bool)
        if dtype in (nw.Categorical, nw.Enum):
            values = pd.Categorical(s.to_numpy().astype(object),
                                    categories=s.cat.get_categories().to_list())
        elif dtype == nw.String or dtype == nw.Object:
            values = s.to_numpy().astype(object)
            values[missing] = None
        elif (dtype.is_integer() or dtype == nw.Boolean) and missing.any():
            values = pd.array(s.to_list(), dtype="boolean" if dtype == nw.Boolean else "Int64")
        elif dtype.is_float():
            values = s.to_numpy().astype(float)
            values[missing] = np.nan
        else:
            values = s.to_numpy()
        data[name] = values
    return pd.DataFrame(data, columns=list(frame.columns))


def native_frame_like(df, template):
    """The pandas DataFrame ``df`` in the library and dtypes of dataframe ``template``.

    The inverse of :func:`pandas_frame`: ``df`` is returned unchanged when
    ``template`` is a pandas frame; otherwise every column is rebuilt with
    ``template``'s dtype, missing values as nulls.
    """
    import pandas as pd

    if isinstance(template, pd.DataFrame):
        return df
    frame = _frame(template)
    backend = nw.get_native_namespace(frame)
    columns = []
    for name, dtype in frame.schema.items():
        col = df[name]
        values = col.astype(object).where(col.notna(), None).tolist()
        series = nw.new_series(name, values, dtype, backend=backend)
        columns.append((series if series.dtype == dtype else series.cast(dtype)).to_frame())
    return nw.concat(columns, how="horizontal").to_native()
