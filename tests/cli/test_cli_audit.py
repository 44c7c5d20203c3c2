"""``skrecursive audit``: a CSV in, the report out; one-line errors before any work."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skrecursive.cli import main
from skrecursive.reproduce import AUDIT_OUTPUTS

SMALL = ["--generations", "2", "--repeats", "2", "--n", "60", "--validation", "40",
         "--jobs", "1", "--quiet"]


@pytest.fixture
def table_csv(tmp_path):
    rng = np.random.RandomState(0)
    n = 240
    x = rng.normal(size=n)
    frame = pd.DataFrame({"x": np.round(x, 2), "n": rng.randint(0, 5, size=n),
                          "city": rng.choice(["a", "b", "c"], size=n),
                          "y": np.where(x + rng.normal(size=n) > 0, "yes", "no")})
    frame.loc[rng.rand(n) < 0.1, "x"] = np.nan  # missing values in a numeric column
    frame.loc[rng.rand(n) < 0.1, "city"] = None  # and in a text column
    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.slow  # 4 loops and a curve of 8 weights, with figures
@pytest.mark.parametrize("synthesizer", ["copula", "tree"])
def test_audit_writes_the_report(synthesizer, table_csv, tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["audit", str(table_csv), "--target", "y", "--synthesizer", synthesizer,
                   "--out", str(out), *SMALL])
    printed = capsys.readouterr().out
    assert status == 0
    assert sorted(os.listdir(out)) == sorted(AUDIT_OUTPUTS)
    assert "expect about" in printed and "finished in" in printed
    assert "recommended weight w = 0.618" in printed
    summary = pd.read_csv(out / "audit_summary.csv")
    w0 = summary[(summary["loop"] == "w=0") & (summary["metric"] == "marginal")]
    assert f"w=0 minus w*: {w0['diff_to_optimal'].iloc[0]:+.4g}" in printed
    settings = pd.read_csv(out / "audit_settings.csv").set_index("key")["value"]
    assert int(settings["n_missing"]) > 40
    assert settings["synthesizer"] == {"copula": "GaussianCopula",
                                       "tree": "TreeSynthesizer"}[synthesizer]


@pytest.mark.parametrize("args, says", [
    (["missing.csv"], "does not exist"),
    (["{table}", "--target", "nope"], "target"),
    (["{table}", "--synthesizer", "gan"], "synthesizer"),
    (["{table}", "--weights", "city"], "weight column"),
    (["{table}", "--generations", "0"], "--generations"),
])
def test_usage_and_data_errors_are_one_line_and_write_nothing(args, says, table_csv, tmp_path,
                                                              capsys):
    out = tmp_path / "out"
    argv = [a.format(table=table_csv) for a in args]
    assert main(["audit", *argv, "--out", str(out), *SMALL]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and err.startswith("skrecursive audit: error:")
    assert not out.exists()


def test_a_link_at_a_target_is_refused_before_any_work(table_csv, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.html"
    victim.write_text("keep")
    os.symlink(victim, out / "audit.html")
    assert main(["audit", str(table_csv), "--out", str(out), *SMALL]) == 2
    err = capsys.readouterr().err
    assert "symbolic link" in err and err.count("\n") == 1
    assert victim.read_text() == "keep"
    assert os.listdir(out) == ["audit.html"]


def test_a_failed_run_exits_with_status_1(table_csv, tmp_path, monkeypatch, capsys):
    from skrecursive.reproduce import _audit

    def broken(*args, **kwargs):
        raise RuntimeError("the synthesizer ran out of memory\nsecond line")

    monkeypatch.setattr(_audit, "_one_loop", broken)
    assert main(["audit", str(table_csv), "--out", str(tmp_path / "out"), *SMALL]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ran out of memory" in err
    assert os.listdir(tmp_path / "out") == []


def test_a_long_audit_is_refused_without_the_flag(table_csv, tmp_path, monkeypatch, capsys):
    # a limit of 1 ms makes this small audit "long": one line, status 2, nothing written,
    # after the estimate was printed; the same limit with --yes-long-run passes the check
    from skrecursive.cli import _common
    from skrecursive.reproduce import _audit

    monkeypatch.setattr(_common, "LONG_RUN_SECONDS", 0.001)
    out = tmp_path / "out"
    assert main(["audit", str(table_csv), "--out", str(out), *SMALL]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "--yes-long-run" in captured.err
    assert not out.exists() or os.listdir(out) == []

    def stop(*args, **kwargs):  # past the duration check, the loops start: stop there
        raise RuntimeError("started")

    monkeypatch.setattr(_audit, "_one_loop", stop)
    assert main(["audit", str(table_csv), "--out", str(out), *SMALL, "--yes-long-run"]) == 1
    assert "started" in capsys.readouterr().err


def test_help_lists_the_audit():
    proc = subprocess.run([sys.executable, "-m", "skrecursive.cli", "audit", "--help"],
                          capture_output=True, text=True, check=True)
    for flag in ("--target", "--synthesizer", "--weights", "--out", "--quiet"):
        assert flag in proc.stdout
