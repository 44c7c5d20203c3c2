"""Run the paper authors' own functions beside skrecursive, fairly (shared by the benchmarks).

The authors' repository (CC0) is never downloaded, imported by the package or
shipped with it: a benchmark loads its scripts at run time from a directory the
user names with ``--peer DIR`` (or the environment variable
``SKRECURSIVE_PEER_DIR``), a checkout of the authors' repository.

Their functions run in separate interpreters (``_peer_worker.py``), each timing
its own calls with its own CPU clock:

* *ours-env*: the benchmark's interpreter, i.e. their code on our versions of
  numpy, scipy and scikit-learn;
* *own-env*: with ``--peer-python PATH`` (or ``SKRECURSIVE_PEER_PYTHON``), the
  interpreter of an environment built from their ``requirements.txt`` (their
  pinned versions), e.g. ``python3.10 -m venv ENV && ENV/bin/pip install -r
  DIR/requirements.txt``.

The fairer ratio is the lower one: the authors' code measured where it runs
fastest. Fairness on every side alike:

* interleaved rounds (ours, then one call on each of their sides, again and
  again), so that load on a shared machine hits every side alike;
* CPU time of the process doing the work (``time.process_time``), so that
  other jobs count neither for nor against either side;
* BLAS limited to one thread (idle BLAS threads spin and are counted as CPU
  time) and warnings silenced (printing them is not the work).
"""

import contextlib
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

from threadpoolctl import threadpool_limits

__all__ = ["fair", "cpu_seconds", "add_peer_arguments", "PeerSides", "measure", "report"]

_WORKER = Path(__file__).resolve().parent / "_peer_worker.py"


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


def add_peer_arguments(parser, what):
    """The options naming the authors' code and its environment."""
    parser.add_argument(
        "--peer", metavar="DIR", default=os.environ.get("SKRECURSIVE_PEER_DIR"),
        help="a checkout of the authors' Model_Collapse_Codes repository (default: "
        f"$SKRECURSIVE_PEER_DIR); runs their {what} beside ours")
    parser.add_argument(
        "--peer-python", metavar="PATH", default=os.environ.get("SKRECURSIVE_PEER_PYTHON"),
        help="the python of an environment built from their requirements.txt (default: "
        "$SKRECURSIVE_PEER_PYTHON); their code is then also timed in its own pinned "
        "environment")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds (ours, then one call of theirs per "
                        "environment), default 3")


class PeerSides:
    """The authors' function served by one worker per environment."""

    def __init__(self, peer_dir, peer_python, kind):
        self.workers = {}
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        pythons = {"ours-env": sys.executable}
        if peer_python is not None:
            pythons["own-env"] = peer_python
        for name, python in pythons.items():
            proc = subprocess.Popen(
                [python, str(_WORKER), str(peer_dir), kind], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, env=env, cwd=str(Path(peer_dir)),
            )
            ready = self._read(proc, name)
            print(f"   authors' code, {name}: python {ready['python']}, numpy "
                  f"{ready['numpy']}, scikit-learn {ready['scikit-learn']}"
                  + (f"; data and pseudo-truth {ready['ready']:.2f} CPU-s (once, left out)"
                     if ready["ready"] else ""))
            self.workers[name] = proc

    @staticmethod
    def _read(proc, name):
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"the authors' code did not start in {name} (see above)")
        return json.loads(line)

    def call(self, w, rep):
        """CPU seconds of one call in each environment: ``{env: seconds}``."""
        out = {}
        for name, proc in self.workers.items():
            proc.stdin.write(json.dumps({"w": w, "rep": rep}) + "\n")
            proc.stdin.flush()
            out[name] = self._read(proc, name)["cpu"]
        return out

    def close(self):
        for proc in self.workers.values():
            proc.stdin.close()
            proc.wait()


def measure(ours, peer, pairs, rounds):
    """Interleaved rounds: every workload of ``ours``, then one pair on each peer side.

    ``ours`` maps a label to a function returning our CPU seconds per
    (weight, repeat); ``peer`` is a :class:`PeerSides` or None. Returns the
    mean CPU per (weight, repeat) of each of ours and each peer environment.
    """
    ours_times = {label: [] for label in ours}
    peer_times = {}
    for r in range(rounds):
        for label, run in ours.items():
            ours_times[label].append(run())
        if peer is not None:
            w, rep = pairs[r % len(pairs)]
            for env, sec in peer.call(w, rep).items():
                peer_times.setdefault(env, []).append(sec)
                print(f"   round {r + 1}: authors' ({w}, rep {rep}) {env} {sec:.2f} CPU-s")

    def mean(values):
        return sum(values) / len(values)

    return ({k: mean(v) for k, v in ours_times.items()},
            {k: mean(v) for k, v in peer_times.items()})


def report(what, ours, peer, goals=None):
    """Print our CPU per (weight, repeat), the authors' per environment and the ratios.

    ``goals`` maps a label of ``ours`` to the ratio to reach against the
    authors' code in our environment.
    """
    goals = goals or {}
    print(f"   {what}, CPU per (weight, repeat), one BLAS thread:")
    for label, sec in ours.items():
        line = f"   {label:>12s}: skrecursive {1e3 * sec:7.2f} ms"
        if not peer:
            print(line + "; no ratio (pass --peer DIR to run the authors' code beside ours)")
            continue
        ratios = {env: p / sec for env, p in peer.items()}
        parts = [f"authors {env} {p:.3f} s -> {ratios[env]:,.0f}x" for env, p in peer.items()]
        fairer = min(ratios.values())
        line += "; " + "; ".join(parts) + f"; fairer {fairer:,.0f}x"
        if label in goals:
            ok = ratios["ours-env"] >= goals[label]
            line += (f"; goal >= {goals[label]:g}x vs the authors in our environment: "
                     f"{'met' if ok else 'NOT met'}")
        print(line)
    if peer and "own-env" not in peer:
        print("   (their code in its own pinned environment: pass --peer-python PATH)")
    print(f"   load average {os.getloadavg()[0]:.1f} at the end ({os.cpu_count()} cores)")
