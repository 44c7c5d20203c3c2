"""An engine is one record: simulate, the chunk scheme and error_constant read it.

Each test swaps one field of one engine's record (``dataclasses.replace``) and
checks that the entry point that should read it changes its behaviour
accordingly, so that a second copy of the rule elsewhere would make it fail.
"""

import dataclasses

import numpy as np
import pytest

from skrecursive._core.strategies import get_strategy
from skrecursive.simulation import _engines, error_constant, simulate
from skrecursive.simulation._parallel import chunk_size, make_tasks


@pytest.fixture
def swap(monkeypatch):
    def swap(family, **fields):
        record = dataclasses.replace(_engines.ENGINES[family], **fields)
        monkeypatch.setitem(_engines.ENGINES, family, record)
        return record
    return swap


def test_minimum_rows_come_from_the_record(swap):
    args = dict(n=10, n_generations=1, n_repeats=2, random_state=0)
    simulate("ecdf", [0.5], 1.0, **args)  # one row is enough by default
    swap("ecdf", min_rows=lambda p: 12)
    with pytest.raises(ValueError, match="n must be at least 12"):
        simulate("ecdf", [0.5], 1.0, **args)
    swap("ecdf", min_rows=lambda p: 6)
    with pytest.raises(ValueError, match="m >= 6"):
        simulate("ecdf", [0.5], 2.0, **args)  # m = 5


def test_chunk_comes_from_the_record(swap):
    fresh = get_strategy("fresh")
    assert chunk_size("linear", 100, 100, fresh, 10) == _engines.ENGINES["linear"].chunk
    swap("linear", chunk=7)
    assert chunk_size("linear", 100, 100, fresh, 10) == 7
    # and the tasks follow it: 20 repeats in chunks of 7, 7 and 6
    tasks = make_tasks(["linear"], [(0, 0, 100, 0.5)], 20, "fresh", 0, n=100, p=2,
                       n_generations=10, last=5, variance=1.0)
    assert [task.n_repeats for task in tasks] == [7, 7, 6]


def test_error_constant_comes_from_the_record(swap):
    assert error_constant("linear", p=3, variance=2.0) == pytest.approx(1.5)
    swap("linear", error_constant=lambda setting, p, variance: 42.0 + p)
    assert error_constant("linear", p=3) == 45.0


def test_memory_model_comes_from_the_record(swap):
    args = dict(n=20, n_generations=1, n_repeats=2, random_state=0)
    simulate("categorical", [0.5], 1.0, **args)
    swap("categorical", working_set=lambda R, rows, p, n_weights: np.inf)
    with pytest.raises(ValueError, match="would need about"):
        simulate("categorical", [0.5], 1.0, **args)
