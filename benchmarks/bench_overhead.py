"""Overhead of RecursiveWeightedRegressor over the same work written as a plain loop.

Both sides do the same things per generation: draw 2,000 fresh real rows with
replacement from the training pool, draw 2,000 synthetic rows (bootstrapped
covariates, the previous model's predictions plus Gaussian noise with the
scale of its real-row residuals), weight the rows as the user guide's recursion page says,
fit a Ridge model and score it (R^2) on the held-out 20% of a 25,000 x 20 pool.
The ratio of the two wall times is the price of the meta-estimator's
bookkeeping (validation, cloning, history). Goal: ratio <= 1.10.

Run with::

    python benchmarks/bench_overhead.py [--repeats 5]
"""

import argparse
import time

import numpy as np
from sklearn.linear_model import Ridge

from skrecursive import RecursiveWeightedRegressor, optimal_weight

N_POOL, N_FEATURES, N_GENERATIONS, N_REAL, N_SYNTHETIC = 25_000, 20, 50, 2_000, 2_000


def make_pool(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((N_POOL, N_FEATURES))
    y = X @ rng.standard_normal(N_FEATURES) + rng.standard_normal(N_POOL)
    return X, y


def plain_loop(X, y, seed):
    """The recursion by hand: same sampling, weighting, fitting and scoring."""
    rng = np.random.RandomState(seed)
    perm = rng.permutation(len(X))
    n_val = int(0.2 * len(X))
    X_val, y_val = X[perm[:n_val]], y[perm[:n_val]]
    X_pool, y_pool = X[perm[n_val:]], y[perm[n_val:]]
    w = optimal_weight(N_REAL / N_SYNTHETIC)
    total = N_REAL + N_SYNTHETIC
    sample_weight = np.r_[np.full(N_REAL, w * total / N_REAL),
                          np.full(N_SYNTHETIC, (1 - w) * total / N_SYNTHETIC)]
    scores, model, scale = [], None, 0.0
    for t in range(N_GENERATIONS + 1):
        idx = rng.randint(len(X_pool), size=N_REAL)
        X_real, y_real = X_pool[idx], y_pool[idx]
        new = Ridge()
        if t == 0:
            new.fit(X_real, y_real)
        else:
            X_syn = X_pool[rng.randint(len(X_pool), size=N_SYNTHETIC)]
            y_syn = model.predict(X_syn) + scale * rng.standard_normal(N_SYNTHETIC)
            new.fit(np.vstack([X_real, X_syn]), np.r_[y_real, y_syn],
                    sample_weight=sample_weight)
        model = new
        scores.append(model.score(X_val, y_val))
        scale = np.sqrt(np.mean((y_real - model.predict(X_real)) ** 2))
    return model, scores


def meta_estimator(X, y, seed):
    return RecursiveWeightedRegressor(
        Ridge(), n_generations=N_GENERATIONS, n_real=N_REAL, n_synthetic=N_SYNTHETIC,
        random_state=seed,
    ).fit(X, y)


def best_time(func, X, y, repeats):
    times = []
    for r in range(repeats):
        start = time.perf_counter()
        func(X, y, r)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per side (best kept)")
    args = parser.parse_args(argv)
    X, y = make_pool()
    plain_loop(X, y, 0)  # warm up both paths (imports, BLAS threads)
    meta_estimator(X, y, 0)
    # interleave the two sides so machine load hits both alike
    plain, ours = [], []
    for _ in range(args.repeats):
        plain.append(best_time(plain_loop, X, y, 1))
        ours.append(best_time(meta_estimator, X, y, 1))
    t_plain, t_ours = min(plain), min(ours)
    print(f"pool {N_POOL} x {N_FEATURES}, {N_GENERATIONS} generations, "
          f"{N_REAL} real + {N_SYNTHETIC} synthetic rows, Ridge; best of {args.repeats}")
    print(f"plain loop              {t_plain:8.3f} s")
    print(f"RecursiveWeightedRegressor {t_ours:5.3f} s")
    print(f"ratio (ours / plain)    {t_ours / t_plain:8.3f}   (goal <= 1.10)")


if __name__ == "__main__":
    main()
