"""The `skrecursive` command: the theory subcommand and error handling."""

import subprocess
import sys

import pytest

from skrecursive import limiting_risk, naive_weight, optimal_weight
from skrecursive.cli import main


def test_theory_single_k(capsys):
    assert main(["theory", "--k", "1"]) == 0
    out = capsys.readouterr().out
    row = [line for line in out.splitlines() if line.split() and line.split()[0] == "1"]
    assert len(row) == 1
    values = [float(v) for v in row[0].split()]
    expected = [1.0, optimal_weight(1.0), 0.5, limiting_risk(optimal_weight(1.0), 1.0),
                limiting_risk(0.5, 1.0)]
    assert values == pytest.approx(expected, abs=5e-4)


def test_theory_table(capsys):
    assert main(["theory", "--k", "0.1", "1", "2"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    assert [float(r[0]) for r in rows] == [0.1, 1.0, 2.0]
    for r in rows:
        k = float(r[0])
        assert float(r[1]) == pytest.approx(optimal_weight(k), abs=5e-4)
        assert float(r[2]) == pytest.approx(naive_weight(k), abs=5e-4)


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "inf"])
def test_theory_bad_k_exits_with_one_line(bad):
    proc = subprocess.run(
        [sys.executable, "-m", "skrecursive.cli", "theory", "--k", bad],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "--k" in proc.stderr


def test_no_subcommand_is_an_error():
    proc = subprocess.run([sys.executable, "-m", "skrecursive.cli"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
