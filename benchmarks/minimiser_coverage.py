"""Coverage of :func:`skrecursive.reproduce.minimiser_interval` where the truth is known.

The Adult categorical experiment (:func:`skrecursive.reproduce.adult_categorical`)
has an exactly known expected error curve: its expectation follows a linear
recursion in the weight (``categorical_expected_error`` in
``skrecursive/simulation/_adult_engines.py`` derives it), so the minimiser of
the expected error over the weights is known to any precision (0.6178 at the
paper's sizes, n = m = 500, 100 generations, error averaged over the last 20).
Each replicate runs the whole experiment (the paper's 30 weights, ``--repeats``
repeats per weight, one column) with its own seed, computes the interval and
records whether it holds the true minimiser. Prints the coverage with its
binomial standard error, the mean width and, for comparison, the width of the
interval +- z * SD that the spread of the point estimate over replicates would
give.

Usage::

    python benchmarks/minimiser_coverage.py                      # 200 replicates, 95%
    python benchmarks/minimiser_coverage.py --replicates 400 --confidence 0.8

About 1-2 s per replicate on one core; ``--jobs`` runs replicates in parallel.
"""

import argparse
import time

import numpy as np
from joblib import Parallel, delayed
from scipy.optimize import minimize_scalar
from scipy.stats import norm

from skrecursive.reproduce import adult_categorical, minimiser_interval
from skrecursive.simulation._adult_engines import categorical_expected_error


def true_minimiser(n, m, n_generations, last):
    """Minimiser of the exact expected error of the categorical recursion."""
    found = minimize_scalar(
        lambda w: float(categorical_expected_error(w, n=n, m=m, n_generations=n_generations,
                                                   last=last)),
        bounds=(0.05, 0.95), method="bounded", options={"xatol": 1e-9})
    return float(found.x)


def replicate(seed, *, column, repeats, n, n_generations, last, confidence, weights):
    """One experiment: the interval and the point estimate."""
    res = adult_categorical(n=n, n_generations=n_generations, last=last, n_repeats=repeats,
                            weights=weights, columns=[column], random_state=seed, n_jobs=1)
    found = minimiser_interval(res, confidence=confidence)
    return found["minimiser"], found["low"], found["high"]


def coverage(*, replicates, repeats, confidence, column="workclass", n=500,
             n_generations=100, last=20, weights=None, seed=0, n_jobs=1):
    """Run the replicates; return (true minimiser, estimates, lows, highs).

    ``weights`` None is the paper's grid 0.20, 0.22, ..., 0.78.
    """
    truth = true_minimiser(n, n, n_generations, last)
    seeds = np.random.SeedSequence(seed).generate_state(replicates)
    out = Parallel(n_jobs=n_jobs)(
        delayed(replicate)(int(s), column=column, repeats=repeats, n=n,
                           n_generations=n_generations, last=last, confidence=confidence,
                           weights=weights)
        for s in seeds
    )
    est, low, high = (np.array(v) for v in zip(*out, strict=True))
    return truth, est, low, high


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=100, help="repeats per weight")
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--column", default="workclass")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    truth, est, low, high = coverage(replicates=args.replicates, repeats=args.repeats,
                                     confidence=args.confidence, column=args.column,
                                     seed=args.seed, n_jobs=args.jobs)
    covered = (low <= truth) & (truth <= high)
    rate, r = covered.mean(), len(covered)
    se = np.sqrt(args.confidence * (1 - args.confidence) / r)
    z = norm.ppf(0.5 + args.confidence / 2)
    print(f"Adult categorical ({args.column}), n = m = 500, 100 generations, last 20, "
          f"{args.repeats} repeats per weight on the paper's 30 weights; {r} replicates")
    print(f"true minimiser of the expected error: {truth:.4f}")
    print(f"point estimate: mean {est.mean():.4f}, SD over replicates {est.std(ddof=1):.4f}")
    print(f"nominal {args.confidence:.0%} interval: coverage {rate:.3f} "
          f"(binomial SE at the nominal level {se:.3f}; z = {(rate - args.confidence) / se:+.2f})")
    print(f"mean width {np.mean(high - low):.4f}; +-z*SD of the estimate: "
          f"{2 * z * est.std(ddof=1):.4f}")
    below, above = np.mean(truth < low), np.mean(truth > high)
    print(f"misses: truth below the interval {below:.3f}, above it {above:.3f}")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
