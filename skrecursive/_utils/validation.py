"""Declarative parameter checking shared by every skrecursive estimator.

Each estimator holds one table ``_parameter_table`` mapping a parameter name to
the list of constraints it may satisfy. :func:`check_params` runs the table
once, at the start of ``fit``/``partial_fit``, so every error names its
parameter and the allowed values the same way. :func:`check_args` runs the same
kind of table on the arguments of a public function (``simulate``, the
``reproduce`` experiments, ``theory``). scikit-learn has the same idea in a
private module; this is a small public-API-only version of it.
"""

import math
from numbers import Integral, Real

import numpy as np

__all__ = [
    "InvalidParameterError",
    "Interval",
    "Options",
    "HasMethods",
    "ArrayOf",
    "ListOf",
    "BOOLEAN",
    "NONE",
    "CALLABLE",
    "RANDOM_STATE",
    "SEED",
    "SEED32",
    "N_JOBS",
    "check_params",
    "check_sample_weight",
    "check_args",
    "check_memory",
    "array_bytes",
    "checked_random_state",
    "check_columns",
    "check_finite_result",
]


class InvalidParameterError(ValueError, TypeError):
    """Raised when a constructor parameter has an invalid type or value.

    It subclasses both ``ValueError`` and ``TypeError`` (as scikit-learn's
    own ``InvalidParameterError`` does) so callers may catch either.
    """


class Interval:
    """Real or integer numbers in an interval.

    Parameters
    ----------
    kind : {numbers.Integral, numbers.Real}
        ``Integral`` accepts only integers (not bools); ``Real`` accepts any
        real number except NaN (integers included).
    left, right : float or None
        Bounds; None means unbounded. Infinities are never inside: an
        unbounded side is the open ``(.., inf)`` its message shows.
    closed : {"left", "right", "both", "neither"}
        Which bounds are included.
    """

    def __init__(self, kind, left, right, *, closed):
        self.kind = kind
        self.left = left
        self.right = right
        self.closed = closed

    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)):
            return False
        if self.kind is Integral and not isinstance(value, Integral):
            return False
        if not isinstance(value, Real) or (isinstance(value, float) and math.isnan(value)):
            return False
        if isinstance(value, np.floating) and np.isnan(value):
            return False
        if isinstance(value, Integral):
            # exact comparisons: a huge int must not overflow a float conversion
            value = int(value)
            lo_ok = self.left is None or (
                value >= self.left if self.closed in ("left", "both") else value > self.left)
            hi_ok = self.right is None or (
                value <= self.right if self.closed in ("right", "both") else value < self.right)
            return lo_ok and hi_ok
        return bool(self.contains(np.asarray(value, dtype=float)))

    def contains(self, values):
        """Elementwise: finite and within the bounds (the kind is not checked)."""
        inside = np.isfinite(values)
        if self.left is not None:
            inside &= values >= self.left if self.closed in ("left", "both") else (
                values > self.left)
        if self.right is not None:
            inside &= values <= self.right if self.closed in ("right", "both") else (
                values < self.right)
        return inside

    def __str__(self):
        name = "an int" if self.kind is Integral else "a float"
        lo = "-inf" if self.left is None else self.left
        hi = "inf" if self.right is None else self.right
        lb = "[" if self.closed in ("left", "both") and self.left is not None else "("
        rb = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        return f"{name} in the range {lb}{lo}, {hi}{rb}"


class Options:
    """One of a fixed set of string values."""

    def __init__(self, *values):
        self.values = tuple(values)

    def is_satisfied_by(self, value):
        return isinstance(value, str) and value in self.values

    def __str__(self):
        return "a str among {" + ", ".join(repr(v) for v in sorted(self.values)) + "}"


class HasMethods:
    """An object that has all the given methods."""

    def __init__(self, *methods):
        self.methods = tuple(methods)

    def is_satisfied_by(self, value):
        return not isinstance(value, str) and all(
            callable(getattr(value, m, None)) for m in self.methods
        )

    def __str__(self):
        return "an object with method(s) " + ", ".join(f"'{m}'" for m in self.methods)


class _Constant:
    def __init__(self, value, description):
        self.value = value
        self.description = description

    def is_satisfied_by(self, value):
        return value is self.value

    def __str__(self):
        return self.description


class _Callable:
    def is_satisfied_by(self, value):
        return callable(value) and not isinstance(value, type)

    def __str__(self):
        return "a callable"


#: the seeds numpy.random.RandomState accepts
_SEED_RANGE = (0, 2**32 - 1)


class _RandomState:
    def is_satisfied_by(self, value):
        return (
            value is None
            or (isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))
                and _SEED_RANGE[0] <= value <= _SEED_RANGE[1])
            or isinstance(value, np.random.RandomState)
        )

    def __str__(self):
        return ("an int in the range [0, 2**32 - 1], a numpy.random.RandomState instance "
                "or None")


class _Boolean:
    def is_satisfied_by(self, value):
        return isinstance(value, (bool, np.bool_))

    def __str__(self):
        return "a bool (True or False)"


class ArrayOf:
    """A number or a non-empty 1-d array-like of numbers, each in ``interval``.

    For the vectorised functions of :mod:`skrecursive.theory`; strings and
    containers of strings never pass (``np.asarray`` would read ``"1"`` as 1).
    """

    def __init__(self, interval):
        self.interval = interval

    def is_satisfied_by(self, value):
        if isinstance(value, (str, bytes)):
            return False
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError):
            return False
        if arr.size == 0 or arr.dtype.kind not in "iuf":
            return False
        if self.interval.kind is Integral and arr.dtype.kind == "f":
            return False
        return bool(np.all(self.interval.contains(arr.astype(float))))

    def __str__(self):
        return f"{self.interval} or an array-like of them"


class ListOf:
    """A non-empty list or tuple (or 1-d array) of distinct values meeting ``constraint``.

    With ``single=True`` a lone value meeting ``constraint`` is accepted too
    (it means a list of one): so ``"gaussian-mean"`` is one setting, never
    the letters of its name.
    """

    def __init__(self, constraint, *, single=False):
        self.constraint = constraint
        self.single = single

    def is_satisfied_by(self, value):
        if self.single and self.constraint.is_satisfied_by(value):
            return True
        if isinstance(value, np.ndarray):
            if value.ndim != 1:
                return False
            value = value.tolist()
        if not isinstance(value, (list, tuple)) or not value:
            return False
        if not all(self.constraint.is_satisfied_by(v) for v in value):
            return False
        try:
            return len(set(value)) == len(value)
        except TypeError:
            return False

    def __str__(self):
        many = f"a non-empty list of distinct values, each {self.constraint}"
        return f"{self.constraint} or {many}" if self.single else many


NONE = _Constant(None, "None")
CALLABLE = _Callable()
RANDOM_STATE = _RandomState()
BOOLEAN = _Boolean()


class _Seed:
    def is_satisfied_by(self, value):
        return value is None or isinstance(value, np.random.SeedSequence) or (
            isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))
            and value >= 0
        )

    def __str__(self):
        return "None, an int >= 0 or a numpy.random.SeedSequence"


#: ``random_state`` of the engines: a root of ``numpy.random.SeedSequence`` streams.
SEED = _Seed()
#: an int seed of ``numpy.random.RandomState`` (the experiments that seed one from it)
SEED32 = Interval(Integral, _SEED_RANGE[0], _SEED_RANGE[1], closed="both")
#: ``n_jobs`` as joblib reads it: None or a non-zero int (-1 = all cores).
N_JOBS = [
    NONE,
    Interval(Integral, 1, None, closed="left"),
    Interval(Integral, None, -1, closed="right"),
]


def _first_violation(table, get):
    """``(name, value, allowed)`` of the first parameter meeting none of its constraints."""
    for name, constraints in table.items():
        value = get(name)
        if any(c.is_satisfied_by(value) for c in constraints):
            continue
        allowed = [str(c) for c in constraints]
        allowed = allowed[0] if len(allowed) == 1 else (
            ", ".join(allowed[:-1]) + " or " + allowed[-1]
        )
        return name, value, allowed
    return None


def check_params(estimator, table):
    """Check ``estimator``'s parameters against ``table``.

    Parameters
    ----------
    estimator : object
        Object whose public parameters are read with ``getattr``.
    table : dict
        Parameter name -> list of constraint objects; a value is valid when it
        satisfies at least one of them.

    Raises
    ------
    InvalidParameterError
        Naming the first invalid parameter, the allowed values and the value
        received.
    """
    bad = _first_violation(table, lambda name: getattr(estimator, name))
    if bad is not None:
        name, value, allowed = bad
        raise InvalidParameterError(
            f"The {name!r} parameter of {type(estimator).__name__} must be {allowed}. "
            f"Got {value!r} instead."
        )


def check_sample_weight(sample_weight, n_samples, *, name="sample_weight"):
    """Validate per-row weights: ``None`` or ``n_samples`` finite non-negative numbers.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
    n_samples : int
        Number of rows of ``X`` the weights belong to.
    name : str, default="sample_weight"
        The parameter name used in error messages.

    Returns
    -------
    sample_weight : ndarray of float of shape (n_samples,) or None
        None when ``sample_weight`` is None.

    Raises
    ------
    TypeError
        When the weights are not numbers.
    ValueError
        When they are not 1-D of length ``n_samples``, hold NaN, infinity or a
        negative value, or are all zero.

    Examples
    --------
    >>> from skrecursive._utils.validation import check_sample_weight
    >>> check_sample_weight([1, 2, 0], 3)
    array([1., 2., 0.])
    >>> check_sample_weight([1, -1], 2)
    Traceback (most recent call last):
    ...
    ValueError: sample_weight must be non-negative; got a minimum of -1.
    """
    if sample_weight is None:
        return None
    try:
        sw = np.asarray(sample_weight, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an array of numbers, one weight per row of X; got "
            f"{type(sample_weight).__name__}."
        ) from None
    if sw.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D, one weight per row of X, of shape ({n_samples},); got an "
            f"array of shape {sw.shape}."
        )
    if sw.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {sw.shape[0]} weights but X has {n_samples} rows; give one weight "
            "per row."
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError(f"{name} must be finite; it holds NaN or infinity.")
    if np.any(sw < 0):
        raise ValueError(f"{name} must be non-negative; got a minimum of {sw.min():.4g}.")
    if not sw.sum() > 0:
        raise ValueError(f"{name} must have a positive sum; all weights are zero.")
    return sw


def check_args(function, table, values):
    """Check the arguments of a public function against ``table``.

    The function-argument twin of :func:`check_params`: the same constraint
    objects, the same message, naming the function instead of a class.

    Parameters
    ----------
    function : str
        Name of the function, as the message shows it.
    table : dict
        Argument name -> list of constraint objects.
    values : mapping
        Argument name -> value (typically the function's ``locals()``).

    Raises
    ------
    InvalidParameterError
        Naming the first invalid argument, the allowed values and the value
        received.
    """
    bad = _first_violation(table, values.__getitem__)
    if bad is not None:
        name, value, allowed = bad
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must be {allowed}. Got {value!r} instead."
        )


def total_memory():
    """Physical memory of the machine in bytes, or None where the OS does not say."""
    import os

    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
    if pages <= 0 or page_size <= 0:
        return None
    return pages * page_size


def _format_bytes(n_bytes):
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n_bytes < 1000 or unit == "PB":
            break
        n_bytes /= 1000
    return f"{n_bytes:.3g} {unit}" if unit != "bytes" else f"{int(n_bytes)} bytes"


def check_memory(bytes_needed, what):
    """Refuse, before anything is allocated, a run whose estimate exceeds the machine's memory.

    Parameters
    ----------
    bytes_needed : float
        Estimated peak memory of the run, in bytes (may be ``inf``).
    what : str
        The run and the parameters that size it, as the message shows them,
        e.g. ``"simulate(n=10**9, n_repeats=1000)"``.

    Raises
    ------
    ValueError
        When ``bytes_needed`` is larger than the physical memory (the check is
        skipped where the OS does not report it).
    """
    total = total_memory()
    if total is None or not bytes_needed > total:
        return
    raise ValueError(
        f"{what} would need about {_format_bytes(bytes_needed)} of memory, more than this "
        f"machine's {_format_bytes(total)}: use smaller sizes."
    )


def array_bytes(*dims, itemsize=8):
    """Bytes of an array of shape ``dims``, as an exact Python int (no overflow).

    Examples
    --------
    >>> from skrecursive._utils.validation import array_bytes
    >>> array_bytes(10**13, 2)
    160000000000000
    """
    total = itemsize
    for d in dims:
        total *= int(d)
    return total


def checked_random_state(random_state, owner, name="random_state"):
    """``sklearn.utils.check_random_state``, refusing first what numpy would refuse.

    numpy seeds a ``RandomState`` with ints in ``[0, 2**32 - 1]`` only; any
    other int (``-1``, ``2**40``) gets an :class:`InvalidParameterError`
    naming ``name`` and ``owner`` instead of numpy's message.

    Examples
    --------
    >>> from skrecursive._utils.validation import checked_random_state
    >>> checked_random_state(-1, "GaussianDensity.sample")
    Traceback (most recent call last):
    ...
    skrecursive._utils.validation.InvalidParameterError: The 'random_state' parameter of \
GaussianDensity.sample must be an int in the range [0, 2**32 - 1], a \
numpy.random.RandomState instance or None. Got -1 instead.
    """
    from sklearn.utils import check_random_state

    check_args(owner, {name: [RANDOM_STATE]}, {name: random_state})
    return check_random_state(random_state)


def check_columns(frame, columns, name, function, *, produced_by=None):
    """Refuse a table that lacks columns ``function`` reads, naming them and the parameter.

    Parameters
    ----------
    frame : object
        The argument received (must be a pandas DataFrame).
    columns : iterable of str
        The columns ``function`` reads.
    name : str
        The parameter's name.
    function : str
        The function's name, as the message shows it.
    produced_by : str, default=None
        The function whose output ``frame`` should be, for the message.

    Raises
    ------
    TypeError
        When ``frame`` is not a pandas DataFrame.
    ValueError
        When columns are missing.
    """
    import pandas as pd

    source = "" if produced_by is None else f" (the output of {produced_by})"
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"The {name!r} parameter of {function} must be a pandas DataFrame{source}; got "
            f"{type(frame).__name__}."
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The {name!r} parameter of {function} must be a table{source} with the columns "
            f"{list(columns)}; it lacks {missing} (its columns are {list(frame.columns)})."
        )
    if len(frame) == 0:
        raise ValueError(f"The {name!r} parameter of {function} has no rows.")


def check_finite_result(values, what, cause):
    """Refuse a result that is NaN or infinite rather than return it as a number.

    Parameters
    ----------
    values : float or array-like
        The computed result.
    what : str
        What was computed, e.g. ``"GaussianDensity.score_samples"``.
    cause : str
        Why it can overflow and what to do, appended to the message.

    Returns
    -------
    values : the input, unchanged.

    Raises
    ------
    ValueError
        When any value is NaN or infinite.
    """
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} is not finite (it holds NaN or infinity): {cause}")
    return values
