"""Time the paper authors' functions in the interpreter that runs this script.

Started by ``_peer.py`` (never imported by skrecursive, and it imports no
skrecursive): once with the benchmark's own interpreter (the authors' code in
our environment) and, with ``--peer-python PATH``, with the interpreter of the
authors' pinned environment (their ``requirements.txt``). It loads one of the
authors' scripts from the directory given on the command line, answers
``ready`` with its versions, then reads one JSON request per line,
``{"w": ..., "rep": ...}``, calls the function on that (weight, repeat) and
answers the CPU seconds of this process the call took, so that the parent
can interleave the calls with its own measurements.

Usage (by ``_peer.py``)::

    PYTHON _peer_worker.py DIR scenario2|adult
"""

import contextlib
import importlib.util
import json
import sys
import time
import warnings
from pathlib import Path


def _load(peer_dir, relative_path, name):
    path = Path(peer_dir).expanduser().resolve() / relative_path
    if not path.is_file():
        raise SystemExit(f"{relative_path} not found under {peer_dir}")
    sys.path.insert(0, str(path.parent))  # their relative imports (Frameworks....)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scenario2(peer_dir):
    module = _load(peer_dir, "Scenario2/S2_GoldenRatio.py", "peer_s2")
    return (lambda w, rep: module.S2_w(w, rep)), 0.0


def _adult(peer_dir):
    import numpy as np

    module = _load(peer_dir, "Real_Data/Real_Data_Experiment.py", "peer_adult")
    data = Path(peer_dir).expanduser() / "Real_Data" / "Data"
    start = time.process_time()
    train, test = module.load_clean_adult(str(data / "adult.data"), str(data / "adult.test"))
    X_all, y_all, _ = module.prepare_full_data(train, test)
    model_true = module.fit_logistic(X_all, y_all)
    beta_true = np.concatenate([model_true.intercept_, model_true.coef_.ravel()])
    fixed = time.process_time() - start

    def call(w, rep):
        # as their script calls it for every (weight, repeat)
        return module.recursive_training(X_all, y_all, beta_true, T=100, n=500, m=500, w=w,
                                         rng=np.random.default_rng(rep))

    return call, fixed


def main():
    peer_dir, kind = sys.argv[1], sys.argv[2]
    # one BLAS thread (idle BLAS threads spin and count as CPU time) and no warnings
    # (the authors' solvers warn about convergence; printing is not the work)
    from threadpoolctl import threadpool_limits

    with contextlib.ExitStack() as stack:
        stack.enter_context(threadpool_limits(limits=1))
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        call, fixed = {"scenario2": _scenario2, "adult": _adult}[kind](peer_dir)
        import numpy
        import sklearn

        versions = {"python": sys.version.split()[0], "numpy": numpy.__version__,
                    "scikit-learn": sklearn.__version__}
        print(json.dumps({"ready": fixed, **versions}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            start = time.process_time()
            call(request["w"], request["rep"])
            print(json.dumps({"cpu": time.process_time() - start}), flush=True)


if __name__ == "__main__":
    main()
