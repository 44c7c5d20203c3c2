"""Running independent tasks through joblib, in order, with an optional progress bar.

Shared by the fast engines (simulation scenarios and the Adult experiments)
and the experiments of ``reproduce``: results come back in submission order,
so they never depend on ``n_jobs`` or on the joblib backend (Dask included).

A *task store* (see :func:`task_store`) may be active while a run executes:
``run_in_order`` then asks it for the results of tasks already completed
(skipped, not recomputed) and hands it each new result as soon as it is
available. That is how an interrupted ``skrecursive reproduce`` run resumes.
"""

import contextlib
from contextvars import ContextVar

from joblib import Parallel, delayed

__all__ = ["run_in_order", "task_store"]

_STORE = ContextVar("skrecursive_task_store", default=None)


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
    """Run ``calls``, a list of ``(function, args, kwargs)``; return the results in order."""
    store = _STORE.get()
    if store is None:
        keys, results, todo = None, None, list(range(len(calls)))
    else:
        keys = [store.key(fn, args, kwargs) for fn, args, kwargs in calls]
        results = [store.get(key) for key in keys]
        todo = [i for i, result in enumerate(results) if result is store.MISSING]
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(calls[i][0])(*calls[i][1], **calls[i][2]) for i in todo
    )
    fresh = outputs
    if progress:
        from tqdm.auto import tqdm

        fresh = tqdm(outputs, total=len(todo), desc=desc, unit="task")
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
