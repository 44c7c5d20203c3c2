"""Expected durations: every run prints one, measured by a pilot, and refuses absurd ones."""

import re
import time

import pytest

from skrecursive import cli
from skrecursive.cli import _adult, _common, _reproduce

#: The brief's bound: the printed estimate within a factor 1.5 of the run's time.
FACTOR = 1.5


def _measure(monkeypatch, module, argv):
    """(estimated CPU-s, CPU-s the run then took) of one ``--jobs 1`` run of the command.

    With one worker everything runs in this process, so its CPU time is the
    run's: on an idle machine that is its wall time, and unlike wall time it
    does not change with the load other processes put on a shared machine.
    """
    seen = {}
    estimate = module._estimate

    def recorded(*args, **kwargs):
        result = estimate(*args, **kwargs)
        seen.setdefault("cpu", 0.0)
        seen["cpu"] += result.cpu
        seen["start"] = time.process_time()  # the run starts after the last pilot
        return result

    monkeypatch.setattr(module, "_estimate", recorded)
    assert cli.main([*argv, "--jobs", "1", "--quiet"]) == 0
    return seen["cpu"], time.process_time() - seen["start"]


@pytest.mark.slow
@pytest.mark.parametrize("module, argv", [
    # pilots of 2-8 fits (10 repeats) extrapolated to 41 fits x 20 repeats
    (_adult, ["adult", "--repeats", "20", "--generations", "40",
              "--weights", "0.3", "0.45", "0.6", "0.75", "0.9"]),
    # pilots of 1 to a few dozen repeats extrapolated to 60 (600 took about 25 minutes of
    # CI on one worker; 60 keeps the extrapolation and about 2.5 minutes)
    (_reproduce, ["reproduce", "scenario3", "--repeats", "60"]),
    # pilots of 1-3 KDE fits (and 50-150 engine repeats) extrapolated to 8 (and 400)
    (_reproduce, ["reproduce", "strategies", "--repeats", "400"]),
])
def test_estimate_is_within_a_factor_1_5_of_the_run(module, argv, tmp_path, monkeypatch,
                                                   capsys):
    expected, measured = _measure(monkeypatch, module, [*argv, "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "expect about" in out
    assert 1 / FACTOR <= measured / expected <= FACTOR, (expected, measured)


def test_pilot_fits_a_line_and_stops_early():
    # run(size) costs a + b * size CPU seconds: the fit recovers a and b from sizes far
    # below full, and never runs the full size
    sizes = []

    def run(size):
        sizes.append(size)
        stop = time.process_time() + 0.02 + 0.004 * size
        while time.process_time() < stop:
            pass

    a, b = _common.fit_pilot(run, 10**9, first=1, signal=0.2)
    assert max(sizes) < 200 and sizes[:2] == [1, 1]
    # a busy loop's CPU time is exact to the scheduler's tick (a few ms): 25% of 0.02 s
    assert a == pytest.approx(0.02, abs=0.005) and b == pytest.approx(0.004, rel=0.1)


def test_pilot_of_a_run_smaller_than_its_first_size_does_not_loop():
    sizes = []
    a, b = _common.fit_pilot(sizes.append, 1, first=1)
    assert sizes == [1, 1] and b == 0.0


def test_estimate_shares_tasks_by_rounds():
    # 4 equal tasks on 3 workers take 2 rounds: half the serial time, not a third
    est = _common.Estimate(1.0, 8.0, workers=3, n_tasks=4)
    assert (est.cpu, est.wall) == (9.0, 5.0)
    assert _common.Estimate(1.0, 8.0, workers=4).wall == 3.0


@pytest.mark.parametrize("argv", [
    ["adult", "--generations", "10000000000"],
    ["adult", "--repeats", "100000000"],
    ["reproduce", "scenario2", "--repeats", "100000000000"],
])
def test_absurd_runs_are_refused_up_front(argv, tmp_path, capsys):
    start = time.perf_counter()
    status = cli.main([*argv, "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    # refused for its memory need (checked first) or its duration: never started
    assert "of memory" in err or "--yes-long-run" in err
    assert time.perf_counter() - start < 60
    # no checkpoint was left to block a rerun
    assert not (tmp_path / "out" / ".skrecursive-checkpoint").exists()


def test_long_run_is_refused_without_the_flag_and_starts_with_it(tmp_path, capsys,
                                                                 monkeypatch):
    # a limit of 0.01 s makes this small run "long": refused with one line, no checkpoint;
    # the same run with --yes-long-run completes
    monkeypatch.setattr(_common, "LONG_RUN_SECONDS", 0.01)
    argv = ["adult", "--repeats", "2", "--n", "100", "--generations", "3", "--weights",
            "0.5", "--jobs", "1", "--quiet", "--out", str(tmp_path)]
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "--yes-long-run" in captured.err
    assert re.search(r"expect about [\d.]+ s on 1 worker", captured.out)
    assert not (tmp_path / ".skrecursive-checkpoint").exists()
    assert cli.main([*argv, "--yes-long-run"]) == 0
    assert (tmp_path / "adult_logistic.csv").exists()
