"""No traceback from the command: every error one line, exit 2 (usage, data, checkpoint) or 1."""

import json
import os
import subprocess
import sys

import pytest

from skrecursive import cli
from skrecursive.cli import _common
from skrecursive.cli import _io as io
from skrecursive.cli._reproduce import SCENARIOS

SMALL_ADULT = ["adult", "--repeats", "2", "--n", "100", "--generations", "3", "--weights",
               "0.4", "0.6", "--jobs", "1", "--quiet"]
SMALL_STRATEGIES = ["reproduce", "strategies", "--repeats", "2", "--jobs", "1", "--quiet"]


def _one_error_line(capsys, status, expected_status, *words):
    err = capsys.readouterr().err
    assert status == expected_status, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith("skrecursive") and ": error: " in err
    for word in words:
        assert word in err, err
    return err


BAD_OPTIONS = [
    (["--jobs", "0"], "--jobs"),
    (["--jobs", "two"], "--jobs"),
    (["--seed", "-1"], "--seed"),
    (["--seed", "1.5"], "--seed"),
    (["--repeats", "0"], "--repeats"),
    (["--repeats", "1e9"], "--repeats"),
    (["--no-such-option"], "unrecognized"),
]


@pytest.mark.parametrize("command", [["adult"], *[["reproduce", s] for s in [*SCENARIOS, "all"]]])
@pytest.mark.parametrize("bad, word", BAD_OPTIONS)
def test_every_subcommand_gives_one_line_for_bad_options(command, bad, word, tmp_path, capsys):
    status = cli.main([*command, *bad, "--out", str(tmp_path / "out")])
    _one_error_line(capsys, status, 2, word)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv, word", [
    (["theory", "--k", "0"], "--k"),
    (["theory", "--k", "nan"], "--k"),
    (["theory", "--k", "--k", "1"], "--k"),
    (["theory", "--bogus"], "unrecognized"),
    (["nosuchcommand"], "invalid choice"),
    (["reproduce"], "scenario"),
    (["reproduce", "scenario9"], "invalid choice"),
    (["adult", "--k", "1e9"], "--k"),  # m = round(n / k) = 1 synthetic row: refused
    (["adult", "--k", "-1"], "--k"),
    (["adult", "--n", "10"], "--n"),
    (["adult", "--n", "1e12"], "--n"),
    (["adult", "--weights", "1.5"], "--weights"),
    (["adult", "--weights", "0.5", "0.5"], "--weights"),
    (["adult", "--generations", "0"], "--generations"),
])
def test_bad_values_give_one_line_before_any_work(argv, word, tmp_path, capsys):
    if argv[0] != "theory":
        argv = [*argv, "--out", str(tmp_path / "out")]
    status = cli.main(argv)
    _one_error_line(capsys, status, 2, word)
    assert not (tmp_path / "out" / io.CHECKPOINT_DIR).exists()


@pytest.mark.parametrize("command", [SMALL_ADULT, SMALL_STRATEGIES])
def test_an_output_folder_below_a_file_is_one_line(command, tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    status = cli.main([*command, "--out", str(tmp_path / "file" / "sub")])
    _one_error_line(capsys, status, 2, "--out", "not a writable directory")


# ------------------------------------------------------------------ odd checkpoints


def _checkpoint(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    return folder, folder / io.CHECKPOINT_DIR


@pytest.mark.parametrize("damage", [
    lambda cp: (cp.mkdir(), (cp / "manifest.json").write_text("{not json")),
    lambda cp: (cp.mkdir(), (cp / "manifest.json").write_text(json.dumps([1, 2]))),
    lambda cp: (cp.mkdir(), (cp / "manifest.json").write_text("null")),
    lambda cp: (cp.mkdir(), (cp / "manifest.json").mkdir()),
    lambda cp: cp.mkdir(),  # no manifest at all
    lambda cp: cp.write_text("a file where the checkpoint folder belongs"),
    lambda cp: cp.symlink_to(cp.parent.parent),
], ids=["garbage", "list", "null", "folder-manifest", "no-manifest", "file", "symlink"])
@pytest.mark.parametrize("resume", [False, True])
def test_odd_checkpoints_are_one_line(damage, resume, tmp_path, capsys):
    folder, cp = _checkpoint(tmp_path)
    damage(cp)
    argv = [*SMALL_STRATEGIES, "--out", str(folder), *(["--resume"] if resume else [])]
    err = _one_error_line(capsys, cli.main(argv), 2)
    assert io.CHECKPOINT_DIR in err
    assert not (folder / "strategies.csv").exists()


def test_a_damaged_task_file_during_resume_is_one_line(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "out"
    original_put = io.Checkpoint.put
    saved = []

    def put_then_interrupt(self, key, result):
        original_put(self, key, result)
        saved.append(key)
        if len(saved) == 3:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(io.Checkpoint, "put", put_then_interrupt)
        assert cli.main([*SMALL_STRATEGIES, "--out", str(folder)]) == 130
    capsys.readouterr()
    for name in os.listdir(folder / io.CHECKPOINT_DIR):
        if name.endswith(".npz"):
            (folder / io.CHECKPOINT_DIR / name).write_bytes(b"garbage")
    err = _one_error_line(capsys, cli.main([*SMALL_STRATEGIES, "--out", str(folder),
                                            "--resume"]), 2, "damaged")
    assert ".npz" in err


def test_missing_bundled_data_is_one_line(tmp_path):
    # a fresh process (no cached tables) whose bundled data folder is empty
    (tmp_path / "data").mkdir()
    code = ("import sys, pathlib; from skrecursive.datasets import _adult; "
            f"_adult.resources.files = lambda package: pathlib.Path({str(tmp_path)!r}); "
            "from skrecursive.cli import main; "
            f"sys.exit(main({[*SMALL_ADULT, '--out', str(tmp_path / 'out')]!r}))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "adult.data" in proc.stderr and "reinstall" in proc.stderr
    assert not (tmp_path / "out" / io.CHECKPOINT_DIR).exists()


# ------------------------------------------------------------------ failed work


def test_failed_work_is_one_line_status_1_and_says_how_to_clear(tmp_path, capsys,
                                                               monkeypatch):
    from skrecursive import reproduce

    real = reproduce.adult_classifier

    def failing(**kwargs):
        if "progress" in kwargs:  # the run's call (the dry run and the pilot pass)
            raise RuntimeError("the base model\nexploded")
        return real(**kwargs)

    monkeypatch.setattr(reproduce, "adult_classifier", failing)
    folder = tmp_path / "out"
    err = _one_error_line(capsys, cli.main([*SMALL_ADULT, "--out", str(folder)]), 1,
                          "RuntimeError: the base model exploded", "--resume",
                          "remove that folder")
    cp = folder / io.CHECKPOINT_DIR
    assert str(cp) in err and cp.is_dir()
    # a plain rerun says how to go on; --resume reuses the completed logistic task
    assert cli.main([*SMALL_ADULT, "--out", str(folder)]) == 2
    assert "--resume" in capsys.readouterr().err
    monkeypatch.setattr(reproduce, "adult_classifier", real)
    assert cli.main([*SMALL_ADULT, "--out", str(folder), "--resume"]) == 0
    assert "resuming: 1 completed tasks" in capsys.readouterr().out
    assert not cp.exists()


def test_failure_before_any_task_leaves_no_checkpoint(tmp_path, capsys, monkeypatch):
    from skrecursive.cli import _adult

    def failing(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(_adult, "_logistic_section", failing)
    folder = tmp_path / "out"
    _one_error_line(capsys, cli.main([*SMALL_ADULT, "--out", str(folder)]), 1,
                    "out of memory")
    assert not (folder / io.CHECKPOINT_DIR).exists()
    # so a plain rerun starts afresh
    monkeypatch.undo()
    assert cli.main([*SMALL_ADULT, "--out", str(folder)]) == 0


# ------------------------------------------------------------------ resumed = uninterrupted


def test_resumed_adult_run_writes_byte_identical_results(tmp_path, capsys, monkeypatch):
    """The classifier's wall-clock fit_time goes to a timing file, not the results."""
    whole = tmp_path / "whole"
    assert cli.main([*SMALL_ADULT, "--out", str(whole)]) == 0
    parts = tmp_path / "parts"
    original_put = io.Checkpoint.put
    saved = []

    def put_then_interrupt(self, key, result):
        original_put(self, key, result)
        saved.append(key)
        if len(saved) == 3:  # the logistic task and two of the four classifier loops
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(io.Checkpoint, "put", put_then_interrupt)
        assert cli.main([*SMALL_ADULT, "--out", str(parts)]) == 130
    assert cli.main([*SMALL_ADULT, "--out", str(parts), "--resume"]) == 0
    assert "resuming: 3 completed tasks" in capsys.readouterr().out
    for name in ("adult_logistic.csv", "adult_classifier.csv"):
        assert (parts / name).read_bytes() == (whole / name).read_bytes(), name
    header = (whole / "adult_classifier.csv").read_text().splitlines()[0].split(",")
    assert "fit_time" not in header
    timing = (whole / "adult_classifier_timing.csv").read_text().splitlines()
    assert timing[0] == "loop,weight,generation,fit_time"
    assert len(timing) == 1 + 4 * 4  # four loops of four fits


# ------------------------------------------------------------------ progress and warnings


def test_progress_lines_off_a_terminal_and_quiet(tmp_path, capsys, monkeypatch):
    # stderr is captured here, so it is not a terminal: progress comes as lines
    monkeypatch.setattr(_common, "PROGRESS_INTERVAL", 0.05)
    argv = [a for a in SMALL_STRATEGIES if a != "--quiet"]
    assert cli.main([*argv, "--out", str(tmp_path / "a")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 3
    assert all(line.startswith("skrecursive reproduce: ") and line.endswith(" elapsed")
               for line in lines)
    assert any("tasks," in line for line in lines)
    assert cli.main([*SMALL_STRATEGIES, "--out", str(tmp_path / "b")]) == 0
    assert capsys.readouterr().err == ""


def test_too_many_jobs_is_one_warning_line_and_the_run_goes_on(tmp_path, capsys):
    from skrecursive._utils.parallel import available_cpus

    argv = [a for a in SMALL_STRATEGIES if a not in ("--jobs", "1")]
    assert cli.main([*argv, "--jobs", "100000", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (f"skrecursive reproduce: warning: --jobs=100000 asks for more "
                            f"workers than the {available_cpus()} CPU(s) this process may "
                            f"use; using {available_cpus()}.\n")
    assert f"on {available_cpus()} worker(s)" in captured.out
