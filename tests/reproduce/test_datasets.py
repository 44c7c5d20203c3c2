"""The bundled UCI Adult data: checksums, sizes, dtypes and the published facts."""

import gzip
import hashlib
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from skrecursive.datasets import _adult, load_adult


def _bundled(name):
    return resources.files("skrecursive.datasets").joinpath("data").joinpath(name)


@pytest.mark.parametrize("name", ["adult.data", "adult.test", "adult.names"])
def test_bundled_files_have_the_published_checksums(name):
    raw = gzip.decompress(_bundled(f"{name}.gz").read_bytes())
    # the UCI repository's published checksums, not values taken from this copy
    expected = {
        "adult.data": ("5d7c39d7b8804f071cdd1f2a7c460872", 3974305),
        "adult.test": ("35238206dfdf7f1fe215bbb874adecdc", 2003153),
        "adult.names": ("1a7cdb3ff7a1b709968b1c7a11def63e", 5229),
    }[name]
    assert (hashlib.md5(raw).hexdigest(), len(raw)) == expected


def test_license_note_ships_with_the_data():
    readme = _bundled("README.md").read_text()
    assert "10.24432/C5XW20" in readme and "CC BY 4.0" in readme


def test_corrupted_copy_raises(tmp_path, monkeypatch):
    original = gzip.decompress(_bundled("adult.data.gz").read_bytes())
    damaged = bytearray(original)
    damaged[1000] ^= 1  # one flipped bit somewhere in the rows
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "adult.data.gz").write_bytes(gzip.compress(bytes(damaged)))
    monkeypatch.setattr(_adult.resources, "files", lambda package: tmp_path)
    with pytest.raises(OSError, match="adult.data is corrupted"):
        _adult._read_bundled("adult.data")


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated: EOFError inside gzip
        lambda b: b[:10] + bytes(len(b) - 10),  # zeroed after the header: zlib error
        lambda b: b"not gzip at all" + b,  # bad magic: BadGzipFile
        lambda b: b"",  # empty file
    ],
    ids=["truncated", "zeroed", "bad-magic", "empty"],
)
def test_broken_gzip_is_the_checksum_error_naming_the_file(tmp_path, monkeypatch, damage):
    compressed = _bundled("adult.data.gz").read_bytes()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "adult.data.gz").write_bytes(damage(compressed))
    monkeypatch.setattr(_adult.resources, "files", lambda package: tmp_path)
    with pytest.raises(_adult.ChecksumError, match=r"adult.data is corrupted.*adult.data.gz"):
        _adult._read_bundled("adult.data")


@pytest.mark.parametrize(
    "subset, drop_missing, n_rows",
    [
        ("all", False, 48842),
        ("all", True, 45222),
        ("train", False, 32561),
        ("test", False, 16281),
        ("train", True, 30162),
        ("test", True, 15060),
    ],
)
def test_row_counts_match_the_uci_documentation(subset, drop_missing, n_rows):
    X, y = load_adult(subset=subset, drop_missing=drop_missing, return_X_y=True)
    assert X.shape == (n_rows, 14) and y.shape == (n_rows,)
    assert X.isna().any(axis=1).any() == (not drop_missing)


def test_dtypes_and_categories():
    adult = load_adult(drop_missing=False)
    numeric = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss",
               "hours-per-week"]
    for col in adult.feature_names:
        expected = "int64" if col in numeric else "category"
        assert str(adult.data[col].dtype) == expected, col
    assert adult.target.dtype == np.int64 and set(adult.target.unique()) == {0, 1}
    # missing values are NaN, never a '?' category
    assert all("?" not in adult.data[c].cat.categories for c in ["workclass", "occupation"])
    assert adult.data["workclass"].isna().sum() == 2799
    # train and test share one set of categories, so encoders carry over
    train = load_adult(subset="train").data
    test = load_adult(subset="test").data
    for col in ["native-country", "workclass", "education"]:
        assert train[col].cat.categories.equals(test[col].cat.categories)
    assert list(adult.frame.columns) == adult.feature_names + ["income"]


def test_target_balance_and_test_labels():
    # UCI: 23.93% of the 48,842 rows earn > 50K; 24.08% of the train rows (7,841)
    # and 23.62% of the test rows (3,846), whose labels read ">50K." in the file
    y_all = load_adult(drop_missing=False).target
    assert y_all.sum() == 11687 and round(y_all.mean(), 3) == 0.239
    assert load_adult(subset="train", drop_missing=False).target.sum() == 7841
    assert load_adult(subset="test", drop_missing=False).target.sum() == 3846


def test_bunch_and_numpy_output():
    adult = load_adult(subset="test", as_frame=False)
    assert adult.frame is None and adult.data.dtype == object
    assert adult.data.shape == (15060, 14) and adult.target.dtype == np.int64
    assert adult.target_names == ["<=50K", ">50K"]
    assert isinstance(adult.data[0, 0], (int, np.integer))
    assert isinstance(adult.data[0, 1], str)
    assert "CC BY 4.0" in adult.DESCR and "10.24432/C5XW20" in adult.DESCR
    assert "15,060 rows" in adult.DESCR and "dropped" in adult.DESCR
    X, _ = load_adult(drop_missing=False, as_frame=False, return_X_y=True)
    assert pd.isna(X[:, 1]).sum() == 2799


def test_returns_copies_of_the_cache():
    first = load_adult()
    first.data.loc[0, "age"] = -1
    first.frame.loc[0, "age"] = -1
    assert load_adult().data.loc[0, "age"] != -1
    kept = load_adult(drop_missing=False)
    kept.data.loc[0, "age"] = -1
    assert load_adult(drop_missing=False).data.loc[0, "age"] != -1


def test_bad_subset():
    with pytest.raises(ValueError, match="subset.*'validation'"):
        load_adult(subset="validation")
    with pytest.raises(TypeError, match="drop_missing"):
        load_adult(drop_missing="yes")
    for bad in ({"subset": ["train"]}, {"return_X_y": "False"}, {"as_frame": None}):
        name = next(iter(bad))
        with pytest.raises(ValueError, match=rf"'{name}' parameter of load_adult"):
            load_adult(**bad)


def test_parser_strips_test_label_periods_and_header():
    raw = (
        b"|1x3 Cross validator\n"
        b"25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, "
        b"Male, 0, 0, 40, United-States, <=50K.\n"
        b"44, ?, 160323, Some-college, 10, Married-civ-spouse, ?, Husband, Black, Male, "
        b"7688, 0, 40, United-States, >50K.\n\n"
    )
    frame = _adult._parse(raw, skip_header=True)
    assert frame["income"].tolist() == [0, 1]
    assert frame["workclass"].isna().tolist() == [False, True]
    assert frame["capital-gain"].tolist() == [0, 7688]
    with pytest.raises(ValueError, match="income labels"):
        _adult._parse(raw.replace(b">50K.", b">60K."), skip_header=True)
