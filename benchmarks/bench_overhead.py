"""Overhead of RecursiveWeightedRegressor over the same recursion written by hand.

The work, identical on both sides: a 25,000 x 20 Gaussian pool of which 20%
(5,000 rows) is held out; per generation, 2,000 real rows drawn with
replacement from the remaining 20,000, 2,000 synthetic rows (covariates drawn
with replacement from the same 20,000, responses from the previous Ridge's
predictions plus Gaussian noise with the residual scale of that Ridge on its
own real rows), per-row weights putting ``w*`` of the mass on the real rows,
a Ridge fit, and R^2 on the held-out rows; 50 generations after generation 0.

The hand loop is what a user would write: no validation, no cloning, no
history. The ratio of the two times is the meta-estimator's own cost
(validation once, then per generation: a copy of the base model, seeding,
the strategy's training set, the checks of the synthetic rows, the history).
Goal: at most 1.05.

Both sides run in this process, with the same BLAS thread limit (one thread by
default: the fits are small), interleaved so that machine load hits both
alike. The headline is the median, over back-to-back pairs of runs, of the
ratio of their CPU times (CPU time is far less disturbed than wall time by
other processes on a shared machine); the best of the runs of each side, CPU
and wall, is printed too.

Run with::

    python benchmarks/bench_overhead.py [--repeats 30] [--threads 1]
"""

import argparse
import time

import numpy as np
from sklearn.linear_model import Ridge
from threadpoolctl import threadpool_limits

from skrecursive import RecursiveWeightedRegressor, optimal_weight

N_POOL, N_FEATURES, N_GENERATIONS, N_REAL, N_SYNTHETIC = 25_000, 20, 50, 2_000, 2_000


def make_pool(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((N_POOL, N_FEATURES))
    y = X @ rng.standard_normal(N_FEATURES) + rng.standard_normal(N_POOL)
    return X, y


def hand_loop(X, y, seed):
    """The recursion by hand."""
    rng = np.random.RandomState(seed)
    perm = rng.permutation(len(X))
    n_val = len(X) // 5
    X_val, y_val = X[perm[:n_val]], y[perm[:n_val]]
    X_pool, y_pool = X[perm[n_val:]], y[perm[n_val:]]
    w = optimal_weight(N_REAL / N_SYNTHETIC)
    n = N_REAL + N_SYNTHETIC
    sample_weight = np.r_[np.full(N_REAL, w * n / N_REAL),
                          np.full(N_SYNTHETIC, (1 - w) * n / N_SYNTHETIC)]
    scores, model, scale = [], None, 0.0
    for _ in range(N_GENERATIONS + 1):
        idx = rng.randint(len(X_pool), size=N_REAL)
        X_real, y_real = X_pool[idx], y_pool[idx]
        if model is None:
            model = Ridge().fit(X_real, y_real)
        else:
            X_syn = X_pool[rng.randint(len(X_pool), size=N_SYNTHETIC)]
            y_syn = model.predict(X_syn) + scale * rng.standard_normal(N_SYNTHETIC)
            model = Ridge().fit(np.vstack([X_real, X_syn]), np.r_[y_real, y_syn],
                                sample_weight=sample_weight)
        scores.append(model.score(X_val, y_val))
        scale = np.sqrt(np.mean((y_real - model.predict(X_real)) ** 2))
    return model, scores


def meta_estimator(X, y, seed):
    est = RecursiveWeightedRegressor(
        Ridge(), n_generations=N_GENERATIONS, n_real=N_REAL, n_synthetic=N_SYNTHETIC,
        random_state=seed,
    ).fit(X, y)
    return est.estimator_, est.generation_scores_


def timed(func, X, y, seed):
    wall, cpu = time.perf_counter(), time.process_time()
    func(X, y, seed)
    return time.process_time() - cpu, time.perf_counter() - wall


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30,
                        help="timed runs per side (default 30)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for both sides")
    args = parser.parse_args(argv)
    X, y = make_pool()
    with threadpool_limits(limits=args.threads):
        hand_loop(X, y, 0)  # warm up both paths (imports, caches)
        meta_estimator(X, y, 0)
        hand, ours = [], []
        for r in range(args.repeats):
            # alternate which side runs first, so neither always inherits a warm cache
            if r % 2:
                ours.append(timed(meta_estimator, X, y, r))
                hand.append(timed(hand_loop, X, y, r))
            else:
                hand.append(timed(hand_loop, X, y, r))
                ours.append(timed(meta_estimator, X, y, r))
    hand, ours = np.array(hand), np.array(ours)
    (hand_cpu, hand_wall), (our_cpu, our_wall) = hand.min(axis=0), ours.min(axis=0)
    paired = np.median(ours[:, 0] / hand[:, 0])
    print(f"pool {N_POOL} x {N_FEATURES} (5,000 held out), {N_GENERATIONS} generations, "
          f"{N_REAL} real + {N_SYNTHETIC} synthetic rows, Ridge, {args.threads} BLAS "
          f"thread(s); {args.repeats} runs per side")
    print(f"{'best of the runs':28s}{'CPU s':>8s}{'wall s':>9s}")
    print(f"{'hand loop':28s}{hand_cpu:8.3f}{hand_wall:9.3f}")
    print(f"{'RecursiveWeightedRegressor':28s}{our_cpu:8.3f}{our_wall:9.3f}")
    print(f"{'ratio (ours / hand)':28s}{our_cpu / hand_cpu:8.3f}{our_wall / hand_wall:9.3f}")
    print(f"median CPU ratio of the {args.repeats} back-to-back pairs: {paired:.3f}"
          "   (goal <= 1.05)")


if __name__ == "__main__":
    main()
