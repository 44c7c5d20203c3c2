"""Row selection and stacking keep every dataframe native (narwhals layer)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skrecursive._core.frames import frame_infinite_columns, frame_missing_columns
from skrecursive._core.rows import concat_rows, n_rows, take_rows

pl = pytest.importorskip("polars")


def _pandas():
    return pd.DataFrame({
        "i": pd.array([1, None, 3, 4], dtype="Int64"),
        "b": pd.array([True, None, False, True], dtype="boolean"),
        "s": pd.array(["u", "v", None, "w"], dtype="string"),
        "c": pd.Categorical(["x", "y", None, "x"], categories=["z", "y", "x"]),
        "f": [1.0, np.nan, 2.0, 3.0],
    }, index=[10, 11, 12, 13])


def _polars():
    return pl.DataFrame({
        "i": [1, None, 3, 4],
        "b": [True, None, False, True],
        "s": ["u", "v", None, "w"],
        "c": pl.Series(["x", "y", None, "x"], dtype=pl.Enum(["z", "y", "x"])),
        "f": [1.0, float("nan"), 2.0, 3.0],
    })


@pytest.mark.parametrize("make", [_pandas, _polars], ids=["pandas", "polars"])
def test_take_and_concat_keep_library_names_and_dtypes(make):
    df = make()
    idx = np.array([3, 1, 1, 2])
    rows = take_rows(df, idx)
    assert type(rows) is type(df)
    assert list(rows.columns) == list(df.columns)
    assert list(rows.dtypes) == list(df.dtypes)
    assert n_rows(rows) == 4
    both = concat_rows(df, rows)
    assert type(both) is type(df) and list(both.dtypes) == list(df.dtypes)
    assert n_rows(both) == 8
    # values and missing patterns travel with their rows
    assert both["i"].to_list()[4:6] == [4, None] or both["i"].isna().tolist()[4:] == [
        False, True, True, False
    ]
    assert set(frame_missing_columns(rows)) == {"i", "b", "s", "c", "f"}


def test_pandas_results_get_a_fresh_index_and_categories_stay():
    df = _pandas()
    rows = take_rows(df, [2, 2])
    assert list(rows.index) == [0, 1]
    both = concat_rows(df, rows)
    assert list(both.index) == list(range(6))
    assert list(both["c"].cat.categories) == ["z", "y", "x"]


def test_series_and_arrays():
    s = pd.Series(pd.array([1, None, 3], dtype="Int64"), name="t")
    out = concat_rows(s, take_rows(s, [1, 2]))
    assert out.dtype == s.dtype and out.name == "t" and out.isna().tolist() == [
        False, True, False, True, False
    ]
    ps = pl.Series("t", [1.0, 2.0])
    assert concat_rows(ps, take_rows(ps, [0])).to_list() == [1.0, 2.0, 1.0]
    X = np.arange(6).reshape(3, 2)
    np.testing.assert_array_equal(concat_rows(X, take_rows(X, [0])), X[[0, 1, 2, 0]])
    S = sp.csr_matrix(X)
    assert concat_rows(S, take_rows(S, [1])).shape == (4, 2)


@pytest.mark.parametrize("make", [_pandas, _polars], ids=["pandas", "polars"])
def test_array_rows_stack_under_a_frame_with_its_dtypes(make):
    df = make().select(["i", "f"]) if make is _polars else make()[["i", "f"]]
    out = concat_rows(df, np.array([[7, 0.5]]))
    assert type(out) is type(df) and list(out.dtypes) == list(df.dtypes)
    assert out["i"].to_list()[-1] == 7


def test_array_rows_that_do_not_fit_the_frame_are_refused():
    df = _polars().select(["i"])
    with pytest.raises(ValueError, match="columns"):
        concat_rows(df, np.zeros((2, 3)))


@pytest.mark.parametrize("make", [_pandas, _polars], ids=["pandas", "polars"])
def test_missing_and_infinite_columns(make):
    df = make()
    assert frame_missing_columns(df) == ["i", "b", "s", "c", "f"]
    assert frame_infinite_columns(df) == []
    inf = pd.DataFrame({"a": [1.0, np.inf], "b": [np.nan, 1.0]})
    assert frame_infinite_columns(inf) == ["a"]
    assert frame_infinite_columns(pl.DataFrame(inf)) == ["a"]
    assert frame_missing_columns(pl.DataFrame(inf)) == ["b"]
