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
    depend on it. More than the CPUs this process may use is reduced to them
    (one warning line); never more workers than independent tasks.
``--seed S``
    Random seed, an int >= 0 (default 0).
``--resume``
    Continue the interrupted run in ``--out``: the tasks it completed are read
    back instead of recomputed, and the outputs are identical to those of an
    uninterrupted run. Refused when the earlier run had other parameters or
    another version of skrecursive or numpy. Without ``--resume``, a folder
    holding an interrupted run is refused rather than overwritten.
``--quiet``
    No progress: without it, a progress bar when stderr is a terminal, and
    otherwise one line on stderr every :data:`PROGRESS_INTERVAL` seconds
    (``skrecursive adult 2> log`` shows how far the run is).
``--yes-long-run``
    Start a run expected to take more than :data:`LONG_RUN_SECONDS`. Every
    run prints its expected duration before it starts, measured by a short
    pilot of its own work (:func:`fit_pilot`); a longer one is refused
    without this flag.

Results tables never hold wall-clock columns: ``fit_time`` goes to a
``<name>_timing.csv`` file beside ``<name>.csv`` (:meth:`RunOutputs.write_csv`),
so the results of a resumed run are byte-identical to an uninterrupted one.
"""

import argparse
import contextlib
import math
import os
import re
import sys
import threading
import time

from .._utils.parallel import duration
from ._errors import CLIError, WorkError

__all__ = ["Parser", "number", "add_run_options", "RunOutputs", "dry_run", "DEFAULT_JOBS",
           "check_jobs", "progress", "reporting", "fit_pilot", "Estimate", "confirm_duration",
           "start_workers",
           "duration", "describe_failure", "LONG_RUN_SECONDS", "PROGRESS_INTERVAL",
           "TIMING_COLUMNS"]

#: Longest expected duration a run starts with without ``--yes-long-run`` (3 hours).
LONG_RUN_SECONDS = 3 * 3600
#: Seconds between two progress lines when stderr is not a terminal.
PROGRESS_INTERVAL = 10.0
#: Wall-clock columns: written to ``<name>_timing.csv``, never to the results.
TIMING_COLUMNS = ("fit_time",)

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
                        help="no progress (a bar on a terminal, otherwise a line on stderr "
                        f"every {PROGRESS_INTERVAL:g} s)")
    parser.add_argument("--yes-long-run", action="store_true",
                        help="start the run even when it is expected to take more than "
                        f"{LONG_RUN_SECONDS / 3600:g} h (the expected duration is printed "
                        "before any run starts)")


def check_jobs(args):
    """Cap ``--jobs`` at the CPUs this process may use (one warning line when reduced)."""
    from .._utils.parallel import effective_workers

    try:
        args.jobs = effective_workers(args.jobs, name="--jobs")
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    return args.jobs


def progress(args):
    """Whether to show progress bars: not ``--quiet`` and stderr is a terminal."""
    return not args.quiet and sys.stderr.isatty()


class ProgressLines:
    """Periodic one-line progress on a stream that is not a terminal.

    A background thread prints, every ``interval`` seconds, the current step,
    the tasks of it completed so far and the time elapsed. Fed by
    :func:`skrecursive._utils.parallel.progress_reporter` (``start`` and
    ``advance``) and by :meth:`phase`.
    """

    def __init__(self, command, *, interval=None, stream=None):
        self.command = command
        self.interval = PROGRESS_INTERVAL if interval is None else interval
        self.stream = sys.stderr if stream is None else stream
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._begin = time.monotonic()
        self._desc, self._done, self._total = "starting", 0, None
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def phase(self, desc):
        with self._lock:
            self._desc, self._done, self._total = desc, 0, None

    def start(self, desc, total):
        with self._lock:
            self._desc, self._done, self._total = desc, 0, total

    def advance(self, desc):
        with self._lock:
            self._done += 1

    def line(self):
        with self._lock:
            desc, done, total = self._desc, self._done, self._total
        elapsed = duration(time.monotonic() - self._begin)
        tasks = "" if total is None else f" {done}/{total} tasks,"
        return f"{self.command}: {desc}:{tasks} {elapsed} elapsed"

    def _loop(self):
        while not self._stop.wait(self.interval):
            print(self.line(), file=self.stream, flush=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


@contextlib.contextmanager
def reporting(args, command):
    """Progress lines on stderr for the block, when stderr is not a terminal and not --quiet.

    Yields the :class:`ProgressLines` (or None), whose ``phase`` names a step.
    """
    if args.quiet or sys.stderr.isatty():
        yield None
        return
    from .._utils.parallel import progress_reporter

    with ProgressLines(command) as lines, progress_reporter(lines):
        yield lines


# ------------------------------------------------------------------------ estimates


def cpu_seconds(run, size):
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        start = time.process_time()
        run(size)
        return time.process_time() - start


def fit_pilot(run, full, *, first=1, largest=None, signal=0.3):
    """CPU seconds of ``run(size)`` as ``a + b * size``, from a short pilot of the real work.

    ``run(first)`` runs once to warm up (imports, caches, bundled data), then
    again, timed; then larger sizes (at most ``largest``, default ``full``),
    each chosen from the slope seen so far, until the time added over
    ``run(first)`` is at least ``signal`` seconds (enough to measure) or the
    size reaches ``full``. A pilot therefore takes about ``3 * run(first) +
    2 * signal`` CPU seconds, whatever ``full``. Everything runs in this
    process with one BLAS thread (``run`` must use one worker), so the times
    are CPU times: a steady load from other processes does not change them.

    Returns
    -------
    intercept, slope : float
        ``a`` and ``b``, both >= 0.
    """
    largest = int(full if largest is None else min(largest, full))
    run(first)
    base = cpu_seconds(run, first)
    size, spent = first, base
    while size < largest:
        slope = (spent - base) / (size - first) if size > first else 0.0
        guess = first + 1.5 * signal / slope if slope > 0 else 4 * size
        size = int(min(max(guess, 2 * size), 64 * size, largest))
        spent = cpu_seconds(run, size)
        if spent - base >= signal:
            break
    slope = max(spent - base, 0.0) / (size - first) if size > first else 0.0
    return max(base - slope * first, 0.0), slope


def _ready():
    import skrecursive.reproduce  # noqa: F401 - what every task of a run imports

    return os.getpid()


def start_workers(n_jobs):
    """Start the run's worker processes now; returns how many there are.

    joblib keeps its process pool between calls, so the run's tasks start on
    workers that have imported the library already: the duration printed
    before a run then need not include their start-up.
    """
    from joblib import Parallel, delayed

    from .._utils.parallel import effective_workers

    workers = effective_workers(n_jobs, warn=False)
    if workers > 1:
        Parallel(n_jobs=workers)(delayed(_ready)() for _ in range(workers))
    return workers


class Estimate:
    """Expected duration of a part of a run: serial CPU seconds and the wall time on workers.

    ``fixed`` CPU seconds run once; ``variable`` CPU seconds are shared by
    ``n_tasks`` equal independent tasks (None: many) over ``workers``
    workers, which take ``ceil(n_tasks / workers)`` rounds.
    """

    def __init__(self, fixed, variable, *, workers, n_tasks=None):
        self.fixed, self.variable = fixed, variable
        self.workers, self.n_tasks = max(1, workers), n_tasks
        share = (1 / self.workers if n_tasks is None or n_tasks < 1
                 else math.ceil(n_tasks / self.workers) / n_tasks)
        self.cpu = fixed + variable
        self.wall = fixed + variable * share

    def __add__(self, other):
        total = Estimate(0.0, 0.0, workers=self.workers)
        total.cpu, total.wall = self.cpu + other.cpu, self.wall + other.wall
        return total


def confirm_duration(args, wall, what):
    """Refuse a run expected to last more than :data:`LONG_RUN_SECONDS` without --yes-long-run."""
    if wall > LONG_RUN_SECONDS and not args.yes_long_run:
        raise CLIError(
            f"{what} is expected to take about {duration(wall)} on {args.jobs} worker(s), "
            f"more than the {duration(LONG_RUN_SECONDS)} a run starts without confirmation: "
            "reduce its size, or add --yes-long-run to start it anyway"
        )


class _DryRunDone(Exception):
    """Raised where a dry run's first task would start."""


class _DryRun:
    MISSING = object()

    def __init__(self):
        self.n_tasks = None
        self._keys = 0

    def key(self, fn, args, kwargs):
        self._keys += 1
        return self._keys

    def get(self, key):
        # every key of the first call is counted before the first get
        self.n_tasks = self._keys
        raise _DryRunDone


def dry_run(function, *args, **kwargs):
    """Call ``function`` up to the start of its first task: every check, no work.

    Parameter errors (``ValueError``/``TypeError``, the memory estimates
    included) become :class:`CLIError` so the command ends with one line
    before any computation. Returns the number of tasks of the function's
    first parallel step (None if it has none).
    """
    from .._utils.parallel import task_store

    store = _DryRun()
    try:
        with task_store(store):
            function(*args, **kwargs)
    except _DryRunDone:
        pass
    except (ValueError, TypeError) as exc:
        raise CLIError(str(exc)) from None
    return store.n_tasks


def describe_failure(exc):
    """``(status, one line)`` for an exception ending a command.

    Unusable data or checkpoints are input errors (2, their own message);
    anything else is a failure of the work (1, the exception's type and
    message).
    """
    from ..datasets import ChecksumError
    from ._io import CheckpointError, OutputError

    message = " ".join(str(exc).split())
    if isinstance(exc, CLIError):
        return exc.status, message
    if isinstance(exc, (CheckpointError, OutputError, ChecksumError)):
        return 2, message
    if isinstance(exc, MemoryError):
        return 1, ("out of memory" + (f" ({message})" if message else "")
                   + ": reduce the run's size or --jobs")
    return 1, f"{type(exc).__name__}: {message}" if message else type(exc).__name__


#: columns that identify a row of a results table, repeated in its timing file
_ROW_KEYS = ("setting", "strategy", "loop", "rule", "k", "weight", "repeat", "generation")


def _timing_name(name):
    return f"{os.path.splitext(name)[0]}_timing.csv"


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
                if name.endswith(".csv"):
                    check_target(os.path.join(folder, _timing_name(name)))
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
        """Write ``table`` to ``name``, its wall-clock columns to ``<stem>_timing.csv``.

        The timing file repeats the columns that identify a row (loop,
        repeat, generation, ...), so the two join back; the results file then
        depends only on the parameters and the seed.
        """
        from ._io import atomic_write

        timing = [c for c in table.columns if c in TIMING_COLUMNS]
        if timing:
            keys = [c for c in _ROW_KEYS if c in table.columns]
            with atomic_write(self.path(_timing_name(name))) as fh:
                table[keys + timing].to_csv(fh, index=False, lineterminator="\n")
            table = table.drop(columns=timing)
        path = self.path(name)
        with atomic_write(path) as fh:
            table.to_csv(fh, index=False, lineterminator="\n")
        return path

    @contextlib.contextmanager
    def working(self):
        """The run's work: a failure becomes one line that says what became of the checkpoint.

        A checkpoint without completed tasks is removed (a plain rerun then
        starts afresh); one with completed tasks is kept, and the message says
        how to continue it or clear it.
        """
        try:
            yield
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - every failure gets one line
            status, message = describe_failure(exc)
            cp = self.checkpoint
            if cp is not None and os.path.isdir(cp.path):
                done = sum(name.endswith(".npz") for name in os.listdir(cp.path))
                if done:
                    message = message.rstrip(".") + (
                        f"; the {done} completed task(s) are kept in {cp.path}: rerun with "
                        "--resume once the cause is fixed, or remove that folder to start "
                        "afresh")
                else:
                    cp.remove()
            raise (CLIError if status == 2 else WorkError)(message) from None

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
