"""The weight rule has one home (every entry point refusing the same weights: tests/reproduce)."""

import numpy as np
import pytest

import skrecursive
from skrecursive import theory
from skrecursive._core.weight_rule import (
    WEIGHT,
    WEIGHT_RULES,
    naive_weight,
    optimal_weight,
    real_to_synthetic_ratio,
    resolve_weight,
)

GOOD = [0.0, 0.3, 1, 1.0, np.float32(0.5), "optimal", "naive"]
BAD = [-0.1, 1.5, float("nan"), float("inf"), True, np.bool_(False), "best", None, [0.5]]


def test_theory_re_exports_the_core_rule():
    assert theory.optimal_weight is optimal_weight is skrecursive.optimal_weight
    assert theory.naive_weight is naive_weight is skrecursive.naive_weight
    assert set(WEIGHT_RULES) == {"optimal", "naive"}


@pytest.mark.parametrize("k", [1e-3, 0.5, 1.0, 7.0])
def test_resolve_weight_evaluates_the_named_rules(k):
    assert resolve_weight("optimal", k) == optimal_weight(k)
    assert resolve_weight("naive", k) == naive_weight(k) == k / (1 + k)
    assert resolve_weight(0.25, k) == 0.25
    assert isinstance(resolve_weight(1, k), float)


def test_the_ratio_is_real_rows_per_synthetic_row():
    assert real_to_synthetic_ratio(30, 60) == 0.5
    assert real_to_synthetic_ratio(7, 7) == 1.0


@pytest.mark.parametrize("value", GOOD, ids=repr)
def test_the_constraint_accepts_numbers_in_the_unit_interval_and_rule_names(value):
    assert WEIGHT.is_satisfied_by(value)


@pytest.mark.parametrize("value", BAD, ids=repr)
def test_the_constraint_refuses_everything_else(value):
    assert not WEIGHT.is_satisfied_by(value)
