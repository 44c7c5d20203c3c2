"""Running independent tasks through joblib, in order, with an optional progress bar.

Shared by the fast engines (simulation scenarios and the Adult experiments):
results come back in submission order, so they never depend on ``n_jobs`` or
on the joblib backend (Dask included).
"""

from joblib import Parallel, delayed

__all__ = ["run_in_order"]


def run_in_order(calls, *, n_jobs=None, progress=False, desc="tasks"):
    """Run ``calls``, a list of ``(function, args, kwargs)``; return the results in order."""
    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(fn)(*args, **kwargs) for fn, args, kwargs in calls
    )
    if progress:
        from tqdm.auto import tqdm

        results = tqdm(results, total=len(calls), desc=desc, unit="task")
    return list(results)
