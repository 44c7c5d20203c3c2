"""The declarative checker shared by the estimators and the public functions."""

from numbers import Integral, Real

import numpy as np
import pytest

from skrecursive._utils.validation import (
    BOOLEAN,
    ArrayOf,
    Interval,
    InvalidParameterError,
    ListOf,
    Options,
    check_args,
    check_memory,
)


def test_interval_excludes_infinities_and_huge_ints_do_not_overflow():
    positive = Interval(Real, 0, None, closed="neither")
    assert not positive.is_satisfied_by(float("inf"))
    assert not positive.is_satisfied_by(np.float64("nan"))
    assert positive.is_satisfied_by(10**400)  # an exact int comparison, no float overflow
    assert not Interval(Integral, 1, 10, closed="both").is_satisfied_by(10**400)


def test_list_of_distinct_values_and_a_lone_value():
    weights = ListOf(Interval(Real, 0, 1, closed="both"), single=True)
    assert weights.is_satisfied_by(0.5) and weights.is_satisfied_by(np.array([0.1, 0.2]))
    for bad in (["0.5"], [0.5, 0.5], [], "0.5", np.zeros((2, 2)), [0.5, None]):
        assert not weights.is_satisfied_by(bad)
    names = ListOf(Options("a", "bc"), single=True)
    assert names.is_satisfied_by("bc") and not names.is_satisfied_by("b")


def test_array_of_rejects_strings_and_bools():
    ratio = ArrayOf(Interval(Real, 0, None, closed="neither"))
    assert ratio.is_satisfied_by([0.5, 2]) and ratio.is_satisfied_by(3)
    for bad in ("1", ["1"], True, [True], [], [1.0, 0.0], [[1.0], [np.inf]]):
        assert not ratio.is_satisfied_by(bad)


def test_check_args_names_the_function_and_the_argument():
    table = {"flag": [BOOLEAN], "n": [Interval(Integral, 1, None, closed="left")]}
    check_args("f", table, {"flag": True, "n": 3})
    with pytest.raises(InvalidParameterError, match=r"The 'flag' parameter of f must be a bool"):
        check_args("f", table, {"flag": "False", "n": 3})


def test_check_memory_refuses_more_than_the_machine():
    check_memory(1000, "a small run")
    with pytest.raises(ValueError, match=r"a huge run would need about .* of memory"):
        check_memory(float("inf"), "a huge run")
