"""Run the paper authors' own scripts beside skrecursive, fairly (shared by the benchmarks).

The authors' repository (CC0) is never downloaded, imported by the package or
shipped with it: a benchmark loads its scripts at run time from a directory the
user names with ``--peer DIR`` (a checkout of the authors' repository).

Fairness, on both sides alike:

* the same process and the same machine, measured one after the other;
* BLAS limited to one thread (``threadpoolctl``): with several threads on a
  small machine, idle BLAS threads spin and are counted as CPU time;
* warnings silenced (the authors' solvers warn about convergence; printing
  those warnings is not part of the work);
* CPU time of the process (``time.process_time``), so that other jobs on a
  shared machine count neither for nor against either side.
"""

import contextlib
import importlib.util
import sys
import time
import warnings
from pathlib import Path

from threadpoolctl import threadpool_limits

__all__ = ["fair", "cpu_seconds", "load_peer_module", "print_ratio"]


@contextlib.contextmanager
def fair():
    """One BLAS thread and no warnings, for either side."""
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def cpu_seconds(func, *args, **kwargs):
    """``(result, CPU seconds of this process)`` of one call, under :func:`fair`."""
    with fair():
        start = time.process_time()
        result = func(*args, **kwargs)
        return result, time.process_time() - start


def load_peer_module(peer_dir, relative_path, name):
    """Import one script of the authors' repository from ``peer_dir`` (not run as main).

    The script's own folder goes first on ``sys.path`` so that its relative
    imports (``Frameworks....``) resolve as when the authors run it.
    """
    path = Path(peer_dir).expanduser().resolve() / relative_path
    if not path.is_file():
        raise SystemExit(
            f"--peer: {relative_path} not found under {peer_dir}; pass a checkout of the "
            "authors' Model_Collapse_Codes repository."
        )
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    with fair():
        spec.loader.exec_module(module)
    return module


def print_ratio(ours, peer, what):
    """Print both CPU costs per (weight, repeat) and their ratio, or say none was measured."""
    if peer is None:
        print(f"   {what}: skrecursive {1e3 * ours:.2f} ms per (weight, repeat); no ratio "
              "measured (pass --peer DIR, a checkout of the authors' repository, to run "
              "their code beside ours)")
    else:
        print(f"   {what}: skrecursive {1e3 * ours:.2f} ms, authors {peer:.3f} s per "
              f"(weight, repeat) -> ratio {peer / ours:,.0f}x (one BLAS thread on both "
              "sides, same process)")
