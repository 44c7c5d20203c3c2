"""Benchmark the simulation engines against the paper authors' scripts.

Measures, on this machine:

1. CPU-seconds per (weight, repeat) of scenario 2 (n = m = 100, p = 2,
   T = 200 generations) for each of the six settings and in total, against the
   authors' reference of about 21 CPU-seconds per (weight, repeat) pair;
2. wall time and peak memory of the full scenario 2 (30 weights x 2000
   repeats x 200 generations) with ``--jobs`` workers;
3. wall time of the full adult-logistic reproduction (30 x 1000 x 100) when
   ``skrecursive.reproduce.adult_logistic`` exists (authors: about 8.6 hours).

Usage::

    python benchmarks/bench_scenarios.py            # everything, full sizes
    python benchmarks/bench_scenarios.py --quick    # CPU ratios only, a minute

CPU times on a shared machine are noisy; the ratios printed come from one run.
"""

import argparse
import os
import resource
import time

import numpy as np

from skrecursive import reproduce
from skrecursive.reproduce import PAPER_SETTINGS, SCENARIO2_WEIGHTS
from skrecursive.simulation._engines import ENGINES, FAMILY

AUTHORS_CPU_PER_PAIR = 21.0  # CPU-seconds per (weight, repeat) of scenario 2
AUTHORS_ADULT_WALL = 8.6 * 3600  # seconds, full adult-logistic on 2 cores


def cpu_per_pair(repeats=250, weights=(0.2, 0.5, 0.78), n_generations=200):
    """CPU-seconds per (weight, repeat) of each scenario-2 family, single process."""
    out = {}
    for family in dict.fromkeys(FAMILY[s] for s in PAPER_SETTINGS):
        rng = np.random.Generator(np.random.SFC64(0))  # the engines' generator
        start = time.process_time()
        for w in weights:
            ENGINES[family](rng, repeats, 100, 100, 2, w, n_generations, 1.0)
        out[family] = (time.process_time() - start) / (repeats * len(weights))
    return out


def rng_bound_per_pair(repeats=250, n_generations=200):
    """CPU-seconds per (weight, repeat) to draw the raw rows of the six settings only.

    Per generation: n + m rows for each setting (p normals per row for the
    Gaussian and regression settings, a response per regression row, one
    uniform per CDF row); what a row-by-row engine cannot avoid.
    """
    rng = np.random.Generator(np.random.SFC64(0))  # the engines' generator
    rows = 200
    start = time.process_time()
    for _ in range(n_generations):
        for _ in range(4):  # gaussian and the three regressions: covariates
            rng.standard_normal((repeats, rows, 2))
        rng.standard_normal((repeats, rows))  # linear noise
        rng.random((repeats, rows))  # logistic labels
        rng.poisson(np.e, size=(repeats, rows))  # poisson counts (mean of exp(x'b))
        rng.random((repeats, rows))  # ecdf
    return (time.process_time() - start) / repeats


def _children():
    """Pids of the live child processes (the joblib workers), Linux only."""
    pids = []
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/children") as fh:
            pids += fh.read().split()
    return pids


def _children_usage():
    """(peak resident MB summed, CPU seconds summed) of the live child processes."""
    peak = cpu = 0.0
    try:
        for pid in _children():
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        peak += int(line.split()[1]) / 1024
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan"), float("nan")
    return peak, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CPU ratios only")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2000, help="scenario 2 repeats")
    args = parser.parse_args(argv)

    print("1. CPU-seconds per (weight, repeat), scenario 2 sizes, one process")
    per = cpu_per_pair()
    for family, sec in per.items():
        print(f"   {family:10s} {1e3 * sec:8.2f} ms")
    total = sum(per.values())
    bound = rng_bound_per_pair()
    print(f"   all six    {1e3 * total:8.2f} ms  -> {AUTHORS_CPU_PER_PAIR / total:,.0f}x less CPU "
          f"than the authors' {AUTHORS_CPU_PER_PAIR:g} s")
    print(f"   drawing every raw row alone would take {1e3 * bound:.2f} ms "
          f"(a row-level engine's bound: {AUTHORS_CPU_PER_PAIR / bound:,.0f}x)")
    if args.quick:
        return 0

    n_pairs = len(SCENARIO2_WEIGHTS) * args.repeats
    print(f"2. full scenario 2: {len(SCENARIO2_WEIGHTS)} weights x {args.repeats} repeats x "
          f"200 generations, six settings, n_jobs={args.jobs}")
    _, workers_cpu0 = _children_usage()
    start = time.perf_counter()
    cpu0 = time.process_time()
    df = reproduce.scenario2(n_repeats=args.repeats, n_jobs=args.jobs, random_state=0)
    wall = time.perf_counter() - start
    peak_workers, workers_cpu = _children_usage()
    cpu = time.process_time() - cpu0 + workers_cpu - workers_cpu0
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   wall {wall:.1f} s ({wall / 60:.2f} min), CPU {cpu:.0f} s in all processes "
          f"(= {cpu / args.jobs / 60:.2f} min of wall time on {args.jobs} idle cores)")
    print(f"   authors' scripts: {n_pairs * 12 / 3600:.0f} h of wall time -> "
          f"{n_pairs * 12 / wall:,.0f}x; CPU per (weight, repeat) {1e3 * cpu / n_pairs:.2f} ms")
    print(f"   peak memory: main process {peak_self:.0f} MB + workers {peak_workers:.0f} MB")
    summary = reproduce.scenarios_summary(df)
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.4g}"))

    if hasattr(reproduce, "adult_logistic"):
        print(f"3. full adult-logistic (30 x 1000 x 100), n_jobs={args.jobs}")
        start = time.perf_counter()
        reproduce.adult_logistic(random_state=0, n_jobs=args.jobs)
        wall = time.perf_counter() - start
        print(f"   wall {wall:.1f} s ({wall / 60:.2f} min); authors: about 8.6 h -> "
              f"{AUTHORS_ADULT_WALL / wall:,.0f}x")
    else:
        print("3. adult-logistic: skrecursive.reproduce.adult_logistic not available, skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
