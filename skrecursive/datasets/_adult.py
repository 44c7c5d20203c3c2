"""The UCI Adult (Census Income) data, bundled with the package.

The original UCI files ship gzip-compressed in ``skrecursive/datasets/data``;
every read checks the MD5 of the decompressed bytes against the published
checksum, so a damaged installation fails loudly instead of silently giving
other numbers.
"""

import functools
import gzip
import hashlib
import io
import zlib
from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from .._utils.validation import BOOLEAN, Options, check_args

__all__ = ["load_adult"]

#: md5 and size of the original (uncompressed) UCI files.
_CHECKSUMS = {
    "adult.data": ("5d7c39d7b8804f071cdd1f2a7c460872", 3974305),
    "adult.test": ("35238206dfdf7f1fe215bbb874adecdc", 2003153),
    "adult.names": ("1a7cdb3ff7a1b709968b1c7a11def63e", 5229),
}

_COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
]
_NUMERIC = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
_CATEGORICAL = [c for c in _COLUMNS[:-1] if c not in _NUMERIC]
_FEATURES = _COLUMNS[:-1]
_TARGET = "income"
_SUBSETS = ("all", "train", "test")

CITATION = (
    "Becker, B. & Kohavi, R. (1996). Adult [Dataset]. UCI Machine Learning "
    "Repository. https://doi.org/10.24432/C5XW20"
)


class ChecksumError(OSError):
    """A bundled data file is missing, unreadable or does not have the published checksum."""


def _read_bundled(name):
    """Decompressed bytes of a bundled file, verified against its MD5 checksum."""
    path = resources.files("skrecursive.datasets").joinpath("data").joinpath(f"{name}.gz")
    expected_md5, expected_size = _CHECKSUMS[name]
    try:
        with path.open("rb") as fh:
            compressed = fh.read()
    except OSError as exc:
        raise ChecksumError(
            f"The bundled file {name} cannot be read: {path} ({exc.strerror or exc}); "
            "reinstall skrecursive."
        ) from None
    try:
        raw = gzip.decompress(compressed)
    except (OSError, EOFError, zlib.error) as exc:
        # truncated or overwritten bytes break the gzip stream before any checksum
        raise ChecksumError(
            f"The bundled file {name} is corrupted: {path} is not a valid gzip file "
            f"({type(exc).__name__}: {exc}); expected md5 {expected_md5} ({expected_size} "
            "bytes once decompressed). Reinstall skrecursive."
        ) from None
    md5 = hashlib.md5(raw).hexdigest()
    if md5 != expected_md5 or len(raw) != expected_size:
        raise ChecksumError(
            f"The bundled file {name} is corrupted: {path} decompresses to md5 {md5} "
            f"({len(raw)} bytes) instead of {expected_md5} ({expected_size} bytes). "
            "Reinstall skrecursive."
        )
    return raw


def _parse(raw, *, skip_header):
    frame = pd.read_csv(
        io.BytesIO(raw),
        header=None,
        names=_COLUMNS,
        skiprows=1 if skip_header else 0,
        sep=",",
        skipinitialspace=True,
        na_values=["?"],
        keep_default_na=False,
        dtype={c: "int64" for c in _NUMERIC} | {c: "string" for c in _CATEGORICAL + [_TARGET]},
    )
    # adult.test writes its labels as ">50K." and "<=50K."
    label = frame[_TARGET].str.rstrip(".")
    unknown = sorted(set(label.dropna()) - {">50K", "<=50K"})
    if unknown or label.isna().any():
        raise ValueError(f"Unexpected income labels in the Adult data: {unknown}.")
    frame[_TARGET] = (label == ">50K").astype("int64")
    return frame


@functools.lru_cache(maxsize=1)
def _load_all():
    """All 48,842 parsed rows, missing values as NaN (cached; never mutate)."""
    train = _parse(_read_bundled("adult.data"), skip_header=False)
    # adult.test opens with the line "|1x3 Cross validator"
    test = _parse(_read_bundled("adult.test"), skip_header=True)
    frame = pd.concat([train, test], ignore_index=True)
    for col in _CATEGORICAL:
        # one sorted set of categories for every subset, so that train and test
        # frames are compatible (encoders fitted on one accept the other)
        values = frame[col].astype(object).where(frame[col].notna(), np.nan)
        frame[col] = values.astype("category")
    return frame, len(train)


@functools.lru_cache(maxsize=3)
def _load_frame(subset):
    """Parsed rows of one subset, missing values as NaN (cached; never mutate)."""
    frame, n_train = _load_all()
    if subset == "train":
        return frame.iloc[:n_train].reset_index(drop=True)
    if subset == "test":
        return frame.iloc[n_train:].reset_index(drop=True)
    return frame


def _descr(subset, drop_missing, n_rows):
    rows = {
        "all": "adult.data (32,561 rows) followed by adult.test (16,281 rows)",
        "train": "adult.data (32,561 rows)",
        "test": "adult.test (16,281 rows)",
    }[subset]
    missing = (
        "rows with a missing value ('?' in workclass, occupation or native-country) "
        "dropped"
        if drop_missing
        else "rows with missing values kept, the missing values as NaN"
    )
    return f"""UCI Adult (Census Income) data set
==================================

{CITATION}
License: Creative Commons Attribution 4.0 International (CC BY 4.0),
https://creativecommons.org/licenses/by/4.0/ (attribution required).

Rows in this copy: {rows}, {missing}: {n_rows:,} rows.

Extracted by Barry Becker from the 1994 US Census database. Each row is a person;
14 features (6 integer: age, fnlwgt, education-num, capital-gain, capital-loss,
hours-per-week; 8 categorical: workclass, education, marital-status, occupation,
relationship, race, sex, native-country). Target: 1 if the income exceeds
50K US dollars a year, else 0 (23.9% positive over all 48,842 rows). The test file's
labels carry a trailing period (">50K.") in the original; it is removed here.
The bundled files are the original UCI files, gzip-compressed, and their MD5
checksums are verified on every load.
"""


def load_adult(*, subset="all", drop_missing=True, return_X_y=False, as_frame=True):
    """Load the UCI Adult (Census Income) data set, bundled with skrecursive.

    Becker & Kohavi (1996), UCI Machine Learning Repository,
    doi:10.24432/C5XW20, licensed CC BY 4.0 (cite it when you use the data).

    =================  ==============================================
    Rows (all)         48,842 (45,222 without missing values)
    Rows (train/test)  32,561 / 16,281 (30,162 / 15,060 complete)
    Features           14: 6 integer, 8 categorical
    Target             1 if income > 50K, else 0
    =================  ==============================================

    Parameters
    ----------
    subset : {"all", "train", "test"}, default="all"
        ``"train"`` is the original ``adult.data``, ``"test"`` is ``adult.test``
        and ``"all"`` both, train rows first.
    drop_missing : bool, default=True
        Drop the rows with a missing value (``?`` in the original files, in
        ``workclass``, ``occupation`` or ``native-country``). With False they are
        kept and the missing values are NaN.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=True
        With True, ``data`` is a DataFrame (categorical columns have the pandas
        ``category`` dtype, with the same sorted categories in every subset,
        numeric columns ``int64``) and ``target`` a Series.
        With False, ``data`` is a numpy array of dtype ``object`` (the columns
        mix integers and strings; missing values are NaN) and ``target`` an
        ``int64`` array; ``frame`` is then None.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target``, ``frame`` (features and target together, with
        ``as_frame=True``), ``feature_names``, ``target_names``
        (``["<=50K", ">50K"]``) and ``DESCR`` (which rows, citation, license).
    (data, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    ValueError
        Unknown ``subset``.
    OSError
        A bundled file does not match its published MD5 checksum.

    Examples
    --------
    >>> from skrecursive.datasets import load_adult
    >>> adult = load_adult()
    >>> adult.data.shape
    (45222, 14)
    >>> X, y = load_adult(drop_missing=False, return_X_y=True)
    >>> X.shape, round(float(y.mean()), 3)
    ((48842, 14), 0.239)
    """
    check_args("load_adult", {
        "subset": [Options(*_SUBSETS)],
        "drop_missing": [BOOLEAN],
        "return_X_y": [BOOLEAN],
        "as_frame": [BOOLEAN],
    }, locals())

    frame = _load_frame(subset)
    if drop_missing:
        frame = frame.dropna().reset_index(drop=True)
    else:
        frame = frame.copy()

    data = frame[_FEATURES]
    target = frame[_TARGET]
    if not as_frame:
        data = data.astype(object).to_numpy()
        data[pd.isna(data)] = np.nan
        target = target.to_numpy()
        frame = None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=list(_FEATURES),
        target_names=["<=50K", ">50K"],
        DESCR=_descr(subset, drop_missing, len(target)),
    )
