"""What every ``skrecursive`` subcommand shares: the parser, argument types, the run options
and the safe handling of its output folder.

The run options mean the same in every subcommand that has them:

``--out DIR``
    Output folder, created if needed; checked for writability, and every
    target file for being neither a symbolic link nor a folder, before any
    computation starts. Files are written atomically (a temporary file in the
    same folder, then renamed): an interrupted run never leaves half a file,
    and a symbolic link at a target is refused, never followed.
``--jobs J``
    Parallel worker processes, default -1 (all cores); the results do not
    depend on it.
``--seed S``
    Random seed, an int >= 0 (default 0).
``--resume``
    Continue the interrupted run in ``--out``: the tasks it completed are read
    back instead of recomputed, and the outputs are identical to those of an
    uninterrupted run. Refused when the earlier run had other parameters or
    another version of skrecursive or numpy. Without ``--resume``, a folder
    holding an interrupted run is refused rather than overwritten.
``--quiet``
    No progress bar (shown only when stderr is a terminal anyway).
"""

import argparse
import os
import re
import sys

from ._errors import CLIError

__all__ = ["Parser", "number", "add_run_options", "RunOutputs", "dry_run", "DEFAULT_JOBS"]

#: ``--jobs`` default of every subcommand: all cores (results never depend on it).
DEFAULT_JOBS = -1


class Parser(argparse.ArgumentParser):
    """``ArgumentParser`` whose errors become one-line :class:`CLIError` (exit status 2)."""

    def error(self, message):
        # "argument --k: must be > 0, got 0" -> "--k must be > 0, got 0"
        match = re.match(r"argument ([^:]+): (must .*)", message)
        raise CLIError(f"{match[1]} {match[2]}" if match else message, command=self.prog)


def number(kind, *, low=None, high=None, low_open=False):
    """An argparse ``type``: an int or a finite float within the given bounds."""

    def convert(text):
        try:
            value = kind(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(
                f"must be {'an integer' if kind is int else 'a number'}, got {text!r}"
            ) from None
        bad = value != value or value in (float("inf"), float("-inf"))
        if low is not None:
            bad = bad or (value <= low if low_open else value < low)
        bad = bad or (high is not None and value > high)
        if bad:
            if high is not None:
                rng = f"in [{low}, {high}]"
            elif low is not None:
                rng = f"> {low}" if low_open else f">= {low}"
            else:
                rng = "finite"
            finite = "a finite number " if value != value or abs(value) == float("inf") else ""
            raise argparse.ArgumentTypeError(f"must be {finite}{rng}, got {text}")
        return value

    convert.__name__ = kind.__name__
    return convert


def _jobs(text):
    value = number(int)(text)
    if value == 0:
        raise argparse.ArgumentTypeError(
            "must be a positive number of workers or negative (-1: all cores), got 0")
    return value


def add_run_options(parser, *, out):
    """Add ``--out`` (default ``out``), ``--jobs``, ``--seed``, ``--resume``, ``--quiet``."""
    parser.add_argument("--out", default=out, metavar="DIR",
                        help=f"output folder (default {out}); files are replaced atomically "
                        "and never written through a symbolic link")
    parser.add_argument("--jobs", type=_jobs, default=DEFAULT_JOBS, metavar="J",
                        help=f"parallel worker processes (default {DEFAULT_JOBS}: all cores); "
                        "results do not depend on it")
    parser.add_argument("--seed", type=number(int, low=0), default=0, metavar="S",
                        help="random seed, an integer >= 0 (default 0)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in --out (same parameters and "
                        "versions), to the same results")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar (it is shown only when stderr is a terminal)")


def progress(args):
    """Whether to show progress bars: not ``--quiet`` and stderr is a terminal."""
    return not args.quiet and sys.stderr.isatty()


class _DryRunDone(Exception):
    """Raised where a dry run's first task would start."""


class _DryRun:
    MISSING = object()

    def key(self, fn, args, kwargs):
        raise _DryRunDone


def dry_run(function, *args, **kwargs):
    """Call ``function`` up to the start of its first task: every check, no work.

    Parameter errors (``ValueError``/``TypeError``, the memory estimates
    included) become :class:`CLIError` so the command ends with one line
    before any computation.
    """
    from .._utils.parallel import task_store

    try:
        with task_store(_DryRun()):
            function(*args, **kwargs)
    except _DryRunDone:
        pass
    except (ValueError, TypeError) as exc:
        raise CLIError(str(exc)) from None


class RunOutputs:
    """The output folder of one run: checked targets, atomic writes, the checkpoint.

    Parameters
    ----------
    folder : str
        ``--out``.
    names : list of str
        The files the run will write in ``folder``.
    """

    def __init__(self, folder, names):
        from ._io import OutputError, check_target, prepare_output_dir

        try:
            prepare_output_dir(folder)
            for name in names:
                check_target(os.path.join(folder, name))
        except OutputError as exc:
            raise CLIError(f"--out: {exc}") from None
        self.folder = folder
        self.checkpoint = None

    def path(self, name):
        return os.path.join(self.folder, name)

    def open_checkpoint(self, parameters, *, resume):
        """Open (or resume) the checkpoint of a run with these parameters."""
        import numpy as np

        from .. import __version__
        from ._io import Checkpoint, CheckpointError, OutputError

        manifest = {"parameters": parameters, "skrecursive": __version__,
                    "numpy": np.__version__}
        try:
            self.checkpoint = Checkpoint(self.folder, manifest, resume=resume)
        except (CheckpointError, OutputError) as exc:
            raise CLIError(str(exc)) from None
        if self.checkpoint.resumed:
            print(f"resuming: {self.checkpoint.resumed} completed tasks found in "
                  f"{self.checkpoint.path}", flush=True)
        return self.checkpoint

    def write_csv(self, table, name):
        from ._io import atomic_write

        path = self.path(name)
        with atomic_write(path) as fh:
            table.to_csv(fh, index=False, lineterminator="\n")
        return path

    def save_figure(self, fig, name, **kwargs):
        from ._io import atomic_write

        path = self.path(name)
        with atomic_write(path, "wb") as fh:
            fig.savefig(fh, format=os.path.splitext(name)[1][1:], **kwargs)
        return path

    def finish(self):
        """The run completed: its checkpoint is no longer needed."""
        if self.checkpoint is not None:
            self.checkpoint.remove()
