"""Declarative parameter checking shared by every skrecursive estimator.

Each estimator holds one table ``_parameter_table`` mapping a parameter name to
the list of constraints it may satisfy. :func:`check_params` runs the table
once, at the start of ``fit``/``partial_fit``, so every error names its
parameter and the allowed values the same way. scikit-learn has the same idea
in a private module; this is a small public-API-only version of it.
"""

import math
from numbers import Integral, Real

import numpy as np

__all__ = [
    "InvalidParameterError",
    "Interval",
    "Options",
    "HasMethods",
    "check_params",
    "check_sample_weight",
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
        Bounds; None means unbounded.
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
        if self.left is not None:
            if self.closed in ("left", "both"):
                if value < self.left:
                    return False
            elif value <= self.left:
                return False
        if self.right is not None:
            if self.closed in ("right", "both"):
                if value > self.right:
                    return False
            elif value >= self.right:
                return False
        return True

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


class _RandomState:
    def is_satisfied_by(self, value):
        return (
            value is None
            or (isinstance(value, Integral) and not isinstance(value, bool))
            or isinstance(value, np.random.RandomState)
        )

    def __str__(self):
        return "an int, a numpy.random.RandomState instance or None"


NONE = _Constant(None, "None")
CALLABLE = _Callable()
RANDOM_STATE = _RandomState()


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
    cls = type(estimator).__name__
    for name, constraints in table.items():
        value = getattr(estimator, name)
        if any(c.is_satisfied_by(value) for c in constraints):
            continue
        allowed = [str(c) for c in constraints]
        allowed = allowed[0] if len(allowed) == 1 else (
            ", ".join(allowed[:-1]) + " or " + allowed[-1]
        )
        raise InvalidParameterError(
            f"The {name!r} parameter of {cls} must be {allowed}. Got {value!r} instead."
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
