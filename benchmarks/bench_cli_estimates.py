"""The duration the ``skrecursive`` command prints before a run, against the run itself.

Every experiment command measures a short pilot of its own work and prints
the time it expects (``skrecursive.cli._common.fit_pilot``). This script runs
each command at the given sizes with ``--jobs 1`` (everything in this
process) and prints, for each, the estimate and what the run then took: CPU
seconds (what the pilot measures; a steady load from other processes on a
shared machine changes it little) and wall seconds (equal to CPU seconds on
an idle machine). The machine's load average is printed beside them.

Run with::

    python benchmarks/bench_cli_estimates.py [--small]

``--small`` runs the sizes of ``tests/cli/test_cli_estimates.py``; without it,
the commands' defaults.
"""

import argparse
import os
import tempfile
import time

DEFAULT = [
    ["adult"],
    ["reproduce", "scenario3"],
    ["reproduce", "strategies"],
    ["reproduce", "adult-synthesizer"],
]
SMALL = [
    ["adult", "--repeats", "20", "--generations", "40", "--weights", "0.3", "0.45", "0.6",
     "0.75", "0.9"],
    ["reproduce", "scenario3", "--repeats", "600"],
    ["reproduce", "strategies", "--repeats", "400"],
]


def measure(argv):
    """(estimated CPU s, estimated wall s, run CPU s, run wall s) of one --jobs 1 run."""
    import contextlib
    import io

    from skrecursive import cli
    from skrecursive.cli import _adult, _reproduce

    module = _adult if argv[0] == "adult" else _reproduce
    seen = {"cpu": 0.0, "wall": 0.0}
    estimate = module._estimate

    def recorded(*args, **kwargs):
        result = estimate(*args, **kwargs)
        seen["cpu"] += result.cpu
        seen["wall"] += result.wall
        seen["start"] = (time.process_time(), time.perf_counter())
        return result

    module._estimate = recorded
    try:
        with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()):
            status = cli.main([*argv, "--jobs", "1", "--quiet", "--out", out])
        cpu, wall = time.process_time(), time.perf_counter()
    finally:
        module._estimate = estimate
    assert status == 0, argv
    return seen["cpu"], seen["wall"], cpu - seen["start"][0], wall - seen["start"][1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the test's sizes")
    commands = SMALL if parser.parse_args().small else DEFAULT
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    print(f"{'command':<48}{'est CPU':>9}{'run CPU':>9}{'ratio':>7}"
          f"{'est wall':>10}{'run wall':>10}{'ratio':>7}  load")
    for argv in commands:
        est_cpu, est_wall, cpu, wall = measure(argv)
        load = os.getloadavg()[0]
        print(f"{' '.join(argv)[:47]:<48}{est_cpu:>9.2f}{cpu:>9.2f}{cpu / est_cpu:>7.2f}"
              f"{est_wall:>10.2f}{wall:>10.2f}{wall / est_wall:>7.2f}  {load:.1f}", flush=True)


if __name__ == "__main__":
    main()
