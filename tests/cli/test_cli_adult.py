"""The ``skrecursive adult`` command: a tiny run and one-line errors on bad input."""

import re

import pandas as pd
import pytest

from skrecursive import cli
from skrecursive.reproduce import minimiser_interval


def test_tiny_run_writes_csv_and_prints_minimiser(tmp_path, capsys):
    out = tmp_path / "adult"
    status = cli.main([
        "adult", "--repeats", "3", "--n", "100", "--generations", "4",
        "--weights", "0.4", "0.5", "0.6", "0.7", "0.8", "--out", str(out), "--seed", "1",
        "--jobs", "1", "--quiet",
    ])
    printed = capsys.readouterr()
    assert status == 0 and printed.err == ""
    res = pd.read_csv(out / "adult_logistic.csv")
    assert len(res) == 15 and sorted(res["weight"].unique()) == [0.4, 0.5, 0.6, 0.7, 0.8]
    assert (res["rows_used"] == 48842).all() and not res["drop_missing"].any()
    lines = printed.out.splitlines()
    assert any("48,842 rows" in line and "'?' kept" in line for line in lines)
    assert "w*(k) = 0.6180" in printed.out
    # it says what the error is, and how long the run should take before starting
    assert any(line.startswith("error of a repeat = ||beta_t - beta*||^2") and
               "full-data fit" in line and "last 4 generations" in line
               and line.endswith("; lower is better") for line in lines)
    assert re.match(r"Adult experiments: 5 weights x 3 repeats x 4 generations, then four "
                    r"classifier loops; a pilot measured [\d.e+]+ CPU-s in all, so expect "
                    r"about [\d.]+ s on 1 worker\(s\)$", lines[0])
    # the printed minimisers are those of the CSV: the grid one, and the smoothed
    # one with its interval and whether w* lies in it
    best = res.groupby("weight")["error"].mean().idxmin()
    assert f"grid minimiser of the mean error: w = {best:.2f}" in lines
    found = minimiser_interval(res)
    inside = "inside" if found["low"] <= 0.6180 <= found["high"] else "outside"
    assert (f"empirical minimiser (smoothed curve): w = {found['minimiser']:.3f}, 95% interval "
            f"(slope test, paired repeats) [{found['low']:.3f}, {found['high']:.3f}]; "
            f"w* = 0.6180 is {inside} it") in lines
    assert re.match(r"skrecursive adult finished in [\d.]+ s$", lines[-1])
    # the classifier section: four loops, per-generation test log-loss and accuracy
    assert ("test log-loss (lower is better) / accuracy (higher is better) per generation:"
            in lines)
    curves = pd.read_csv(out / "adult_classifier.csv")
    assert sorted(curves["loop"].unique()) == sorted(
        ["fully synthetic (w = 0)", "naive", "optimal w*", "real only (w = 1)"])
    assert len(curves) == 4 * 5 and curves["generation"].max() == 4
    assert curves["accuracy"].between(0.5, 1.0).all() and (curves["log_loss"] > 0).all()
    # every loop starts from the same generation-0 fit on the same real rows
    assert curves[curves["generation"] == 0]["log_loss"].nunique() == 1
    final = curves[(curves["loop"] == "optimal w*") & (curves["generation"] == 4)]
    assert f"final test accuracy {final['accuracy'].iloc[0]:.4f}" in printed.out
    assert (out / "adult.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--k", "0"], "--k must be > 0"),
        (["--repeats", "0"], "--repeats must be >= 1"),
        (["--weights", "0.5", "1.5"], "--weights must be in [0.0, 1.0]"),
        (["--generations", "ten"], "--generations must be an integer"),
        (["--jobs", "0"], "--jobs must be"),
    ],
)
def test_bad_numbers_give_one_line(extra, message, tmp_path, capsys):
    status = cli.main(["adult", "--out", str(tmp_path), *extra])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    # nothing was started: no results written
    assert not (tmp_path / "adult_logistic.csv").exists()


def test_unwritable_out_gives_one_line(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    status = cli.main(["adult", "--out", str(blocker / "sub"), "--repeats", "1"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "--out" in err and "not a writable directory" in err


def test_papers_scale_prints_expected_duration_before_starting(tmp_path, capsys, monkeypatch):
    # stop the run as soon as the real experiment starts: by then the expected
    # duration, measured by the pilot, must already be printed
    import skrecursive.reproduce as reproduce

    pilot = reproduce.adult_logistic
    full_runs = []

    def stop_at_full_run(**kwargs):
        if kwargs["n_repeats"] == 1000:
            full_runs.append(kwargs)
            if len(full_runs) == 2:  # the first is the dry run that checks the arguments
                raise KeyboardInterrupt
        return pilot(**kwargs)

    monkeypatch.setattr(reproduce, "adult_logistic", stop_at_full_run)
    status = cli.main(["adult", "--repeats", "1000", "--jobs", "2", "--out", str(tmp_path),
                       "--quiet"])
    out = capsys.readouterr().out.splitlines()
    assert status == 130 and len(out) == 1
    match = re.match(r"Adult experiments: 30 weights x 1000 repeats x 100 generations, then "
                     r"four classifier loops; a pilot measured ([\d.e+]+) CPU-s in all, so "
                     r"expect about ([\d.]+) (s|min|h) on 2 worker\(s\)$", out[0])
    assert match is not None
    cpu = float(match[1])
    expected = float(match[2]) * {"s": 1, "min": 60, "h": 3600}[match[3]]
    # two workers share the tasks: between half the CPU time and all of it (rounding of the
    # printed figures: 3 significant digits, one decimal)
    assert cpu / 2 * 0.99 <= expected <= cpu * 1.01
    # 30 weights x 1000 repeats cost 100 times 10 repeats: the pilot's CPU is scaled up
    assert cpu > 50 * _per_ten_repeats_cpu()


def _per_ten_repeats_cpu():
    import time

    import skrecursive.reproduce as reproduce

    start = time.process_time()
    reproduce.adult_logistic(n_generations=100, n_repeats=10, n_jobs=1)
    return time.process_time() - start


def test_default_repeats_are_the_experiments_default():
    import inspect

    from skrecursive.cli._adult import ADULT_CLI_REPEATS
    from skrecursive.reproduce import adult_logistic

    default = inspect.signature(adult_logistic).parameters["n_repeats"].default
    assert ADULT_CLI_REPEATS == default == 100
