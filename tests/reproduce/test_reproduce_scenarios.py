"""Scenario functions, their summary and figures, and the ``reproduce`` CLI (small sizes)."""

import os

import numpy as np
import pandas as pd
import pytest

from skrecursive import cli, risk_trajectory
from skrecursive.reproduce import (
    SCENARIO2_WEIGHTS,
    SCENARIO3_KS,
    plot_scenario1,
    plot_scenario2,
    plot_scenario3,
    scenario1,
    scenario2,
    scenario3,
    scenarios_summary,
)
from skrecursive.simulation import error_constant


def test_paper_grids():
    np.testing.assert_allclose(SCENARIO2_WEIGHTS, np.arange(20, 79, 2) / 100)
    np.testing.assert_allclose(SCENARIO3_KS, np.arange(1, 20, 2) / 100)


def test_scenario1_grows_like_theory():
    df = scenario1(n_generations=40, n_repeats=2000, settings=["gaussian-mean", "linear"],
                   random_state=1)
    for s, g in df.groupby("setting"):
        last = g.iloc[-1]
        # exact for the mean; O(p/n) above for least squares (4 % at n=100, p=4):
        # 4 standard errors plus that
        assert abs(last["error"] - last["theory"]) <= 4 * last["error_se"] + 0.05 * last[
            "theory"], s


@pytest.mark.slow
def test_scenario2_minimiser_near_golden_ratio_and_summary():
    df = scenario2(n=200, n_generations=39, last=20, n_repeats=3000,
                   settings=["gaussian-mean", "categorical"], random_state=2)
    table = scenarios_summary(df).set_index("setting")
    # R(w, 1) is flat near w* (R(0.55) - R(0.618) = 0.006, 1 %, about 2 SE of each
    # point with 3000 repeats): the fitted minimiser lands within 0.1 of w*
    assert np.all(np.abs(table["minimiser"] - 0.618) < 0.1)
    # naive/optimal ratio: theory 1.079 (0.5 vs 0.62); SE of the ratio about 0.015
    assert np.all(np.abs(table["ratio_k1"] - table["ratio_k1_theory"]) < 0.06)
    fig = plot_scenario2(df)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 2


def test_scenario3_optimal_beats_naive():
    df = scenario3(ks=[0.05, 0.15], n_generations=79, last=20, n_repeats=800,
                   settings=["gaussian-mean"], random_state=3)
    piv = df.pivot_table(index="k", columns="rule", values=["error", "theory"])
    ratio = piv["error"]["naive"] / piv["error"]["optimal"]
    theory = piv["theory"]["naive"] / piv["theory"]["optimal"]
    # theory 2.1 and 1.4: SE of each ratio below 0.05 with 800 repeats x 20 generations
    assert np.all(np.abs(ratio - theory) < 0.2)
    summary = scenarios_summary(None, df)
    assert summary.loc[0, "ratio_small_k"] > 1.2
    plot_scenario3(df)
    plot_scenario1(scenario1(n_generations=5, n_repeats=10, settings=["ecdf"]))


@pytest.mark.slow
def test_cli_reproduce_writes_csv_and_figure(tmp_path, capsys):
    status = cli.main(["reproduce", "scenario3", "--repeats", "3", "--out", str(tmp_path)])
    assert status == 0
    table = pd.read_csv(tmp_path / "scenario3.csv")
    assert set(table["rule"]) == {"naive", "optimal"}
    assert (tmp_path / "scenario3.png").stat().st_size > 0
    assert "ratio_small_k" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["reproduce", "scenario9"], "invalid choice"),
        (["reproduce", "scenario2", "--repeats", "0"], "--repeats"),
        (["reproduce", "scenario2", "--jobs", "0"], "--jobs"),
    ],
)
def test_cli_bad_arguments_exit_2(argv, message, capsys):
    # every subcommand reports a usage error the same way: one line, status 2
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_cli_unwritable_output_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    status = cli.main(["reproduce", "scenario1", "--out", str(blocker / "sub")])
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skrecursive reproduce: error:") and "\n" not in err


def test_theory_uses_the_realised_ratio():
    # k = 3, n = 200: m = round(200 / 3) = 67, so the recursion runs at n / m = 2.985
    df = scenario3(n=200, ks=[3.0], n_generations=7, last=4, n_repeats=2,
                   settings=["gaussian-mean"])
    realised = 200 / 67
    row = df[df["rule"] == "optimal"].iloc[0]
    risk = risk_trajectory(row["weight"], realised, 7)[-4:].mean()
    assert row["m"] == 67
    assert row["theory"] == pytest.approx(error_constant("gaussian-mean", p=2) / 200 * risk,
                                          rel=1e-12)


@pytest.mark.parametrize("settings", ["gaussian-mean", ("ecdf",)])
def test_a_lone_settings_string_is_one_setting(settings):
    df = scenario2(n_generations=3, last=2, n_repeats=2, weights=[0.5], settings=settings)
    assert len(df) == 1


def test_cli_refuses_a_run_too_large_for_memory_before_work(tmp_path, capsys):
    status = cli.main(["reproduce", "scenario2", "--repeats", str(10**14), "--out",
                       str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "of memory" in err
    assert os.listdir(tmp_path) == []
