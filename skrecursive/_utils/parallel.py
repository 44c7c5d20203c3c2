"""Running independent tasks through joblib, in order, with an optional progress bar.

Shared by the fast engines (simulation scenarios and the Adult experiments)
and the experiments of ``reproduce``: results come back in submission order,
so they never depend on ``n_jobs`` or on the joblib backend (Dask included).

A *task store* (see :func:`task_store`) may be active while a run executes:
``run_in_order`` then asks it for the results of tasks already completed
(skipped, not recomputed) and hands it each new result as soon as it is
available. That is how an interrupted ``skrecursive reproduce`` run resumes.

A *progress reporter* (see :func:`progress_reporter`) may be active too: it
is told how many tasks each call holds and each time one completes (the
``skrecursive`` command prints periodic one-line progress from it when its
output is not a terminal).

:func:`effective_workers` is the one place a worker count is checked and
capped: at the CPUs this process may use and at the number of independent
tasks.
"""

import contextlib
import warnings
from contextvars import ContextVar
from numbers import Integral

from joblib import Parallel, delayed

__all__ = ["run_in_order", "task_store", "progress_reporter", "effective_workers",
           "available_cpus", "duration"]

_STORE = ContextVar("skrecursive_task_store", default=None)
_REPORTER = ContextVar("skrecursive_progress_reporter", default=None)

#: joblib backends that run on this machine: their workers share its CPUs
_LOCAL_BACKENDS = ("LokyBackend", "MultiprocessingBackend", "ThreadingBackend",
                   "SequentialBackend")


def available_cpus():
    """CPUs this process may use: the machine's, within its affinity mask and cgroup quota."""
    from joblib import cpu_count

    return max(1, int(cpu_count()))


def _backend_is_local():
    try:
        from joblib.parallel import get_active_backend
    except ImportError:  # pragma: no cover - joblib moved it; assume the default backend
        return True
    backend, _ = get_active_backend()
    return type(backend).__name__ in _LOCAL_BACKENDS


def effective_workers(n_jobs, n_tasks=None, name="n_jobs", *, warn=True):
    """The number of workers to start for ``n_jobs`` and ``n_tasks`` independent tasks.

    Checks ``n_jobs`` (None or a non-zero int, as joblib reads it: -1 is every
    CPU, -2 all but one, ...) and caps it at what can be used:

    * on this machine (joblib's local backends: processes or threads), at the
      CPUs this process may use (:func:`available_cpus`: affinity mask and
      cgroup quota included); a larger explicit request is reduced with a
      ``UserWarning`` naming ``name``, since more workers than CPUs only add
      processes and memory. A negative value below ``-cpus`` leaves no CPU by
      joblib's rule; one worker is used, with a warning. On another backend
      (e.g. a Dask cluster, through ``joblib.parallel_config``) the backend
      counts its workers and no machine cap applies.
    * at ``n_tasks`` (when given), silently: workers beyond the number of
      independent tasks would stay idle, and results never depend on the
      count.

    Parameters
    ----------
    n_jobs : int or None
        The requested count; None means joblib's default (one worker, or the
        ``n_jobs`` of an active ``joblib.parallel_config``).
    n_tasks : int, default=None
        Number of independent tasks the workers share; None: no cap.
    name : str, default="n_jobs"
        How messages name the parameter (``"--jobs"`` for the command).
    warn : bool, default=True
        Warn when the machine cap reduces the request (False for the inner
        calls of a function that has already warned).

    Returns
    -------
    workers : int
        At least 1.

    Raises
    ------
    ValueError
        When ``n_jobs`` is 0 or not an int.

    Examples
    --------
    >>> from skrecursive._utils.parallel import effective_workers
    >>> effective_workers(-1, n_tasks=1)
    1
    >>> effective_workers(1, n_tasks=100)
    1
    """
    if n_jobs is not None and (not isinstance(n_jobs, Integral) or isinstance(n_jobs, bool)
                               or n_jobs == 0):
        raise ValueError(
            f"{name} must be None, a positive int (workers) or a negative int (-1: all "
            f"CPUs, -2: all but one, ...); got {n_jobs!r}."
        )
    from joblib import effective_n_jobs

    if _backend_is_local():
        cpus = available_cpus()
        if n_jobs is not None and n_jobs < 0:
            workers = cpus + 1 + int(n_jobs)
            if workers < 1:
                if warn:
                    warnings.warn(
                        f"{name}={n_jobs} leaves no CPU of the {cpus} this process may use "
                        f"(cpus + 1 + {name} < 1); using 1 worker.", UserWarning, stacklevel=2)
                workers = 1
        else:
            workers = int(effective_n_jobs(n_jobs))
            if workers > cpus:
                if warn:
                    warnings.warn(
                        f"{name}={workers} asks for more workers than the {cpus} CPU(s) this "
                        f"process may use; using {cpus}.", UserWarning, stacklevel=2)
                workers = cpus
    else:
        workers = int(effective_n_jobs(n_jobs))
    if n_tasks is not None:
        workers = min(workers, int(n_tasks))
    return max(1, workers)


@contextlib.contextmanager
def progress_reporter(reporter):
    """Make ``reporter`` hear about the tasks of every :func:`run_in_order` call in the block.

    ``reporter`` has ``start(desc, total)`` (a call with ``total`` tasks still
    to run begins) and ``advance(desc)`` (one of them completed).
    """
    token = _REPORTER.set(reporter)
    try:
        yield reporter
    finally:
        _REPORTER.reset(token)


@contextlib.contextmanager
def task_store(store):
    """Make ``store`` the task store of every :func:`run_in_order` call in the block.

    ``store`` has ``key(fn, args, kwargs) -> str``, ``get(key)`` (a stored
    result, or a sentinel meaning "not done") with the sentinel as its
    ``MISSING`` attribute, and ``put(key, result)``. Its ``key`` may raise to
    stop a run where its first task would start (a dry run).
    """
    token = _STORE.set(store)
    try:
        yield store
    finally:
        _STORE.reset(token)


def run_in_order(calls, *, n_jobs=None, progress=False, desc="tasks"):
    """Run ``calls``, a list of ``(function, args, kwargs)``; return the results in order.

    ``n_jobs`` is capped by :func:`effective_workers` at the CPUs and at the
    number of tasks left to run (callers have checked it and warned).
    """
    store = _STORE.get()
    if store is None:
        keys, results, todo = None, None, list(range(len(calls)))
    else:
        keys = [store.key(fn, args, kwargs) for fn, args, kwargs in calls]
        results = [store.get(key) for key in keys]
        todo = [i for i, result in enumerate(results) if result is store.MISSING]
    reporter = _REPORTER.get()
    if reporter is not None:
        reporter.start(desc, len(todo))
    workers = effective_workers(n_jobs, max(len(todo), 1), warn=False)
    outputs = Parallel(n_jobs=workers, return_as="generator")(
        delayed(calls[i][0])(*calls[i][1], **calls[i][2]) for i in todo
    )
    fresh = outputs
    if progress:
        from tqdm.auto import tqdm

        fresh = tqdm(outputs, total=len(todo), desc=desc, unit="task")
    if reporter is not None:
        fresh = _reported(fresh, reporter, desc)
    try:
        if store is None:
            return list(fresh)
        for i, result in zip(todo, fresh, strict=True):
            store.put(keys[i], result)
            results[i] = result
        return results
    finally:
        # stop the workers here, on an interrupt too, not when the generator is
        # garbage collected (possibly at interpreter exit)
        outputs.close()


def _reported(results, reporter, desc):
    for result in results:
        reporter.advance(desc)
        yield result


def duration(seconds):
    """``12.3 s``, ``4.5 min`` or ``1.7e+06 h``: a duration in one short field.

    The one format of every duration the library prints (estimates before a
    run, the time it took after it).

    Examples
    --------
    >>> from skrecursive._utils.parallel import duration
    >>> duration(12.34), duration(270), duration(7200)
    ('12.3 s', '4.5 min', '2.0 h')
    """
    if seconds < 90:
        return f"{seconds:.1f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 1e4 else f"{hours:.2g} h"
