"""Hostile input to the reproduce experiments and their summaries (issue 18).

Summaries and figures name the table parameter and the columns it lacks (not
a KeyError); experiments refuse impossible repeat counts before any work and
seeds numpy cannot take, naming the parameter.
"""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from skrecursive import limiting_risk, optimal_weight
from skrecursive.reproduce import (
    adult_classifier,
    adult_logistic,
    adult_synthesizer,
    plot_adult,
    plot_adult_synthesizer,
    plot_scenario1,
    plot_scenario2,
    plot_scenario3,
    plot_strategies,
    scenario1,
    scenario2,
    scenario3,
    scenarios_summary,
    strategies,
    summarize_adult_synthesizer,
)

matplotlib.use("Agg")


@pytest.fixture
def machine(monkeypatch):
    """A machine with 16 GB, so the memory checks do not depend on the host."""
    monkeypatch.setattr("skrecursive._utils.validation.total_memory", lambda: 16 * 10**9)


_WRONG = pd.DataFrame({"a": [1.0, 2.0]})


@pytest.mark.parametrize("call, name, produced_by", [
    (lambda t: scenarios_summary(t), "scenario2_results", "scenario2"),
    (lambda t: scenarios_summary(None, t), "scenario3_results", "scenario3"),
    (plot_scenario1, "results", "scenario1"),
    (plot_scenario2, "results", "scenario2"),
    (plot_scenario3, "results", "scenario3"),
    (plot_strategies, "results", "strategies"),
    (summarize_adult_synthesizer, "results", "adult_synthesizer"),
    (plot_adult_synthesizer, "results", "adult_synthesizer"),
    (plot_adult, "logistic_results", "adult_logistic"),
])
def test_summaries_name_the_table_and_the_missing_columns(call, name, produced_by):
    with pytest.raises(ValueError, match=rf"'{name}' parameter .* \(the output of "
                                         rf"{produced_by}\) with the columns .* it lacks "
                                         r"\[.*'(setting|loop|weight)'"):
        call(_WRONG)
    with pytest.raises(TypeError, match=rf"'{name}' parameter .* must be a pandas DataFrame"):
        call(_WRONG.to_numpy())


def test_plot_adult_checks_the_classifier_table_too():
    logistic = pd.DataFrame({"weight": [0.4, 0.6], "error": [1.0, 2.0], "k": [1.0, 1.0]})
    with pytest.raises(ValueError, match=r"'classifier_results' parameter .* lacks"):
        plot_adult(logistic, _WRONG)


def test_scenarios_summary_of_a_complete_table_is_exact():
    # errors equal to the closed form: the ratio at the grid is the theory's ratio exactly
    grid = np.round(np.arange(0.2, 0.79, 0.02), 2)
    table = pd.DataFrame({"setting": "linear", "n": 100, "m": 100, "weight": grid,
                          "error": limiting_risk(grid, 1.0)})
    row = scenarios_summary(table).iloc[0]
    assert row["ratio_k1"] == row["ratio_k1_theory"]
    assert row["grid_minimiser"] == grid[np.argmin(np.abs(grid - optimal_weight(1.0)))]


@pytest.mark.parametrize("call", [
    lambda: scenario1(n_repeats=10**13, settings=["gaussian-mean"]),
    lambda: scenario2(n_repeats=10**13, settings=["gaussian-mean"]),
    lambda: scenario3(n_repeats=10**13, settings=["gaussian-mean"]),
    lambda: strategies(n_repeats=10**13, settings=["gaussian-mean"]),
    lambda: strategies(kde_repeats=10**13, settings=["kde"]),
    lambda: adult_logistic(n_repeats=10**13),
    lambda: adult_synthesizer(n_repeats=10**13),
])
def test_impossible_repeat_counts_are_refused_up_front(machine, call):
    with pytest.raises(ValueError, match=r"would need about .* of memory"):
        call()


@pytest.mark.parametrize("call", [
    lambda s: strategies(settings=["kde"], random_state=s),
    lambda s: adult_classifier(random_state=s),
    lambda s: adult_synthesizer(random_state=s),
])
@pytest.mark.parametrize("seed", [-1, 2**32, 2**40])
def test_seeds_numpy_cannot_take_are_refused_naming_random_state(call, seed):
    with pytest.raises(ValueError, match=r"'random_state' parameter .* \[0, 4294967295\]"):
        call(seed)


def test_the_largest_seed_runs():
    df = strategies(settings=["kde"], kde_repeats=1, n=20, n_generations=1,
                    random_state=2**32 - 1)
    assert np.isfinite(df["error"]).all() and (df["error"] > 0).all()


def test_minimiser_interval_has_no_resampling_to_refuse():
    from skrecursive.reproduce import minimiser_interval

    grid = np.round(np.arange(0.2, 0.79, 0.02), 2)
    rng = np.random.default_rng(0)
    errors = limiting_risk(grid, 1.0) + 0.01 * rng.normal(size=(40, grid.size))
    df = pd.DataFrame({"weight": np.tile(grid, 40), "repeat": np.repeat(np.arange(40), 30),
                       "error": errors.ravel()})
    # the interval inverts a slope test in closed form: no bootstrap, so no size to refuse
    with pytest.raises(TypeError, match="n_resamples"):
        minimiser_interval(df, n_resamples=10**13)
    # it brackets the closed form's minimiser, 1 / phi (a 95% interval; fixed seed, so
    # the check is deterministic)
    summary = minimiser_interval(df)
    assert summary["low"] < optimal_weight(1.0) < summary["high"]


def test_the_audit_refuses_a_seed_numpy_cannot_take():
    from skrecursive.reproduce import audit

    table = pd.DataFrame({"x": np.arange(300.0), "c": ["a", "b", "c"] * 100})
    with pytest.raises(ValueError, match=r"'random_state' parameter of audit .* "
                                         r"\[0, 4294967295\]"):
        audit(table, target="c", random_state=2**40)
