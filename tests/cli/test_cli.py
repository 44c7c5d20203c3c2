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


def test_theory_huge_and_tiny_k_print_rows(capsys):
    assert main(["theory", "--k", "1e308", "1e-320"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    assert [float(v) for v in rows[0]] == [1e308, 1.0, 1.0, 1.0, 1.0]
    assert float(rows[1][1]) == pytest.approx(1e-160, rel=1e-3)  # w* ~ sqrt(k)


@pytest.mark.parametrize("command", ["adult", "reproduce"])
def test_shared_options_mean_the_same_everywhere(command, capsys):
    from skrecursive.cli import build_parser
    from skrecursive.cli._common import DEFAULT_JOBS

    argv = [command, "strategies"] if command == "reproduce" else [command]
    args = build_parser().parse_args(argv)
    assert args.jobs == DEFAULT_JOBS == -1
    assert (args.seed, args.resume, args.quiet) == (0, False, False)
    for bad, flag in ((["--jobs", "0"], "--jobs"), (["--seed", "-1"], "--seed"),
                      (["--repeats", "x"], "--repeats")):
        assert main([*argv, *bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and flag in err


def test_adult_small_n_fails_up_front(tmp_path, capsys):
    status = main(["adult", "--n", "5", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert "--n must be >= 48" in err
    assert not list(tmp_path.iterdir())


def test_adult_duplicate_weights_fail_up_front(tmp_path, capsys):
    assert main(["adult", "--weights", "0.5", "0.5", "--out", str(tmp_path)]) == 2
    assert "--weights must be distinct" in capsys.readouterr().err


def test_building_the_parser_does_not_import_scikit_learn():
    # --help, --version and usage errors answer in a tenth of a second; the subcommands
    # import the library (scikit-learn alone takes about a second) when they run
    code = ("import sys; from skrecursive.cli import build_parser; build_parser(); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
