"""Benchmark the Adult logistic engine, and the authors' own code beside it when given.

Measures CPU-seconds per (weight, repeat) of the paper's Adult logistic
recursion (n = m = 500 rows per generation, 100 generations after generation 0,
error averaged over the last 20, the paper's 30 weights) with
:func:`skrecursive.reproduce.adult_logistic` in one process. With ``--peer
DIR`` (a checkout of the authors' repository, CC0) it also runs the authors'
``recursive_training`` from ``Real_Data/Real_Data_Experiment.py`` on their own
copy of the data, called as their script calls it for every (weight, repeat)
(``T=100, n=500, m=500``, ``rng=np.random.default_rng(rep)``), in the same
process, and prints the ratio. Both sides run with one BLAS thread and
warnings silenced, and CPU time is the process's own (see ``_peer.py``);
loading the data and fitting the pseudo-truth happen once per run on both
sides and are timed apart. Without ``--peer`` no ratio is measured.

Usage::

    python benchmarks/bench_adult.py                 # ours only, under a minute
    python benchmarks/bench_adult.py --peer DIR      # and the authors' recursive_training
    python benchmarks/bench_adult.py --full --jobs 2 # and the paper's full run (30 x 1000)
    python benchmarks/bench_adult.py --main-job      # time `skrecursive adult` at its defaults

``--main-job`` runs the command's default experiment (in a temporary output
directory) and prints its wall time, the CPU time of all its processes (this
one and the joblib workers), and that CPU divided by the cores, the wall time
it would take on idle cores if the work spread evenly.

The authors' script is loaded from DIR at run time; skrecursive never ships,
downloads or imports it.
"""

import argparse
import contextlib
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _peer import cpu_seconds, fair, load_peer_module, print_ratio  # noqa: E402

from skrecursive.reproduce import adult_logistic  # noqa: E402
from skrecursive.simulation._adult_engines import PAPER_WEIGHTS  # noqa: E402

#: The paper's grid 0.20, 0.22, ..., 0.78: the engine fits every weight of a repeat
#: together on shared random draws, so the cost per (weight, repeat) is measured on
#: the workload of the paper's experiment (fewer weights cost more per pair).
WEIGHTS = [float(w) for w in PAPER_WEIGHTS]
#: (weight, repeat) pairs of the authors' recursive_training timed with --peer
PEER_PAIRS = ((0.2, 0), (0.5, 1), (0.62, 2), (0.78, 3))


def ours_per_pair(repeats, weights=WEIGHTS):
    """CPU-seconds per (weight, repeat) and of the fixed start-up (data, pseudo-truth)."""
    adult_logistic(n_repeats=1, n_generations=1, last=1, weights=[0.5], n_jobs=1)  # warm up
    _, fixed = cpu_seconds(adult_logistic, n_repeats=1, n_generations=1, last=1,
                           weights=[0.5], n_jobs=1, random_state=0)
    _, cpu = cpu_seconds(adult_logistic, n_repeats=repeats, weights=list(weights), n_jobs=1,
                         random_state=0)
    return (cpu - fixed) / (repeats * len(weights)), fixed


def peer_per_pair(peer_dir, n_pairs):
    """CPU-seconds of the authors' ``recursive_training`` per (weight, repeat)."""
    module = load_peer_module(peer_dir, "Real_Data/Real_Data_Experiment.py", "peer_adult")
    data = Path(peer_dir).expanduser() / "Real_Data" / "Data"
    with fair():
        start = time.process_time()
        train, test = module.load_clean_adult(str(data / "adult.data"), str(data / "adult.test"))
        X_all, y_all, _ = module.prepare_full_data(train, test)
        model_true = module.fit_logistic(X_all, y_all)
        beta_true = np.concatenate([model_true.intercept_, model_true.coef_.ravel()])
        fixed = time.process_time() - start
    print(f"   authors' data and pseudo-truth: {X_all.shape[0]:,} rows, {fixed:.2f} CPU-s "
          "(once per run, left out of the ratio)")
    times = []
    for w, rep in PEER_PAIRS[:n_pairs]:
        _, cpu = cpu_seconds(module.recursive_training, X_all, y_all, beta_true, T=100, n=500,
                             m=500, w=w, rng=np.random.default_rng(rep))
        times.append(cpu)
        print(f"   authors' recursive_training(w={w}, rep={rep}): {cpu:.2f} CPU-s")
    return statistics.mean(times)


def main_job():
    """Wall and total CPU seconds of ``skrecursive adult`` with its defaults."""
    from joblib.externals.loky import get_reusable_executor

    from skrecursive import cli

    def cpu():
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    get_reusable_executor().shutdown(wait=True)  # workers start inside the timed run
    with tempfile.TemporaryDirectory() as out:
        cpu0, start = cpu(), time.perf_counter()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = cli.main(["adult", "--out", out, "--quiet"])
        wall = time.perf_counter() - start
        # the workers' CPU is counted once they have exited
        get_reusable_executor().shutdown(wait=True)
        total = cpu() - cpu0
    if status != 0:
        raise SystemExit(f"skrecursive adult failed with status {status}")
    lines = printed.getvalue().splitlines()
    return wall, total, [line for line in lines if line.startswith(("empirical", "skrecursive"))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peer", metavar="DIR", default=None,
                        help="a checkout of the authors' Model_Collapse_Codes repository")
    parser.add_argument("--peer-calls", type=int, default=3,
                        help=f"calls of the authors' recursive_training to time "
                        f"(1-{len(PEER_PAIRS)}, default 3)")
    parser.add_argument("--repeats", type=int, default=40,
                        help="our repeats per weight of the paper's 30 weights for the CPU "
                        "figure (default 40)")
    parser.add_argument("--full", action="store_true",
                        help="also time the paper's full run (30 weights x 1000 repeats)")
    parser.add_argument("--jobs", type=int, default=2, help="workers of the full run")
    parser.add_argument("--main-job", action="store_true",
                        help="only time `skrecursive adult` at its defaults")
    parser.add_argument("--weights", type=float, nargs="+", default=None, metavar="W",
                        help="our weights (default: the paper's 30); the engines fit all "
                        "weights of a repeat together, so fewer weights cost more per pair")
    args = parser.parse_args(argv)
    weights = WEIGHTS if args.weights is None else tuple(args.weights)

    if args.main_job:
        wall, total, lines = main_job()
        cores = os.cpu_count() or 1
        print("`skrecursive adult` at its defaults:")
        for line in lines:
            print(f"   {line}")
        load = os.getloadavg()[0]
        print(f"   wall {wall:.1f} s; CPU {total:.1f} s in all processes; CPU / {cores} cores = "
              f"{total / cores:.1f} s (load average {load:.1f} at the end)")
        return 0

    print("1. CPU-seconds per (weight, repeat), Adult logistic, n = m = 500, 100 generations, "
          "one process, one BLAS thread")
    ours, fixed = ours_per_pair(args.repeats, weights)
    print(f"   skrecursive: {1e3 * ours:.2f} ms per (weight, repeat) over "
          f"{len(weights)} weights x {args.repeats} repeats (start-up {fixed:.2f} CPU-s, once "
          "per run, left out)")
    peer = None
    if args.peer is not None:
        peer = peer_per_pair(args.peer, max(1, min(args.peer_calls, len(PEER_PAIRS))))
    print_ratio(ours, peer, "Adult logistic")
    if args.full:
        print(f"2. full Adult logistic: 30 weights x 1000 repeats, n_jobs={args.jobs}")
        start = time.perf_counter()
        with fair():
            res = adult_logistic(n_repeats=1000, n_jobs=args.jobs, random_state=0)
        wall = time.perf_counter() - start
        best = res.groupby("weight")["error"].mean().idxmin()
        print(f"   wall {wall:.1f} s ({wall / 60:.2f} min) on {os.cpu_count()} cores; "
              f"minimiser of the mean error {best:.2f}")
        if peer is not None:
            print(f"   the authors' code at the CPU measured above: about "
                  f"{30_000 * peer / 3600:,.1f} CPU-hours (extrapolated, not run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
