"""Time ``skrecursive audit`` on the bundled Adult table at its defaults.

Runs ``skrecursive audit adult --target income`` (45,222 rows, 15 columns;
GaussianCopula, 4 loops x 5 repeats x 10 generations of 1,000 real and 1,000
synthetic rows, a weight curve of 8 weights x 5 repeats) in a temporary output
folder, in this process and its joblib workers, and prints what the command
printed (its estimated and actual duration), the wall time, the CPU time of
all processes, that CPU divided by the cores (the wall time on idle cores if
the work spread evenly) and the load average, since a shared machine's load
stretches the wall time.

Usage::

    python benchmarks/bench_audit.py                      # the copula, all cores
    python benchmarks/bench_audit.py --synthesizer tree   # the tree synthesizer
"""

import argparse
import contextlib
import io
import os
import resource
import sys
import tempfile
import time


def _cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthesizer", default="copula")
    parser.add_argument("--jobs", type=int, default=-1)
    args = parser.parse_args(argv)

    from joblib.externals.loky import get_reusable_executor

    from skrecursive import cli

    get_reusable_executor().shutdown(wait=True)  # workers start inside the timed run
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as out:
        cpu0, start = _cpu(), time.perf_counter()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = cli.main(["audit", "adult", "--target", "income", "--synthesizer",
                               args.synthesizer, "--jobs", str(args.jobs), "--out", out,
                               "--quiet"])
        wall = time.perf_counter() - start
        get_reusable_executor().shutdown(wait=True)  # the workers' CPU counts once exited
        total = _cpu() - cpu0
    if status != 0:
        sys.exit(f"skrecursive audit failed with status {status}")
    cores = os.cpu_count() or 1
    print(f"`skrecursive audit adult --target income --synthesizer {args.synthesizer}`:")
    for line in printed.getvalue().splitlines():
        if not line.startswith("wrote "):
            print(f"   {line}")
    print(f"   wall {wall:.1f} s; CPU {total:.1f} s in all processes; CPU / {cores} cores = "
          f"{total / cores:.1f} s (load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
