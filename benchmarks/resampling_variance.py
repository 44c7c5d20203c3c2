"""What realising row weights by resampling costs, against passing them natively, on Adult.

A synthesizer that takes no ``sample_weight`` is fitted on a resample of the
weighted batch (:class:`skrecursive.SynthesizerAdapter`, or the loop itself
for any model without weights). The expected fit is the same; the variance is
not. Here :class:`skrecursive.GaussianCopula`, which takes weights natively,
is fitted three ways on the same batches: with the weights, and through
``SynthesizerAdapter`` around a shim that hides its ``sample_weight`` with
``resampling="multinomial"`` (the bootstrap) and ``"systematic"``.

Part 1: ``--repeats`` batches of a ``w*`` generation (1,000 fresh real rows
of Adult and 1,000 rows of a copula fitted on other real rows, weights
``w* = 0.618`` and ``0.382`` in total); the variance over batches of every
fitted parameter (category probabilities, numeric means, normal-score
correlations), summed, relative to the native fit.

Part 2: the recursion, ``RecursiveDensityEstimator(..., n_real=1000,
n_generations=10, weight="optimal")``, each way; the marginal and association
distances of the last generation to 5,000 held-out rows, mean and standard
error over ``--loops`` repeats.

Usage::

    python benchmarks/resampling_variance.py      # 10 minutes at load average 14 on two cores
"""

import argparse
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from skrecursive import GaussianCopula, RecursiveDensityEstimator, SynthesizerAdapter
from skrecursive.datasets import load_adult
from skrecursive.metrics import association_distance, marginal_distance
from skrecursive.theory import optimal_weight


class CopulaWithoutWeights:
    """GaussianCopula behind a third-party interface: ``fit(data)``, ``sample(num_rows)``."""

    def __init__(self):
        self.random_state = None

    def fit(self, data):
        self.model = GaussianCopula().fit(data)

    def sample(self, num_rows):
        return self.model.sample(num_rows, random_state=self.random_state)


WAYS = {
    "native weights": lambda: GaussianCopula(),
    "multinomial resample": lambda: SynthesizerAdapter(CopulaWithoutWeights(),
                                                       resampling="multinomial"),
    "systematic resample": lambda: SynthesizerAdapter(CopulaWithoutWeights(),
                                                      resampling="systematic"),
}


def parameters(model):
    """Every fitted parameter of a copula, by name (categories by their value)."""
    copula = model.synthesizer_.model if isinstance(model, SynthesizerAdapter) else model
    out = {}
    for j, (kind, levels, p) in enumerate(zip(copula.column_kinds_, copula.categories_,
                                              copula.probabilities_, strict=True)):
        if kind == "numeric":
            out[f"mean {j}"] = float(np.sum(levels.astype(float) * p))
        else:
            out.update({f"p {j} {level}": q for level, q in zip(levels, p, strict=True)})
    upper = np.triu_indices_from(copula.correlation_, k=1)
    out.update({f"corr {i} {j}": copula.correlation_[i, j] for i, j in zip(*upper, strict=True)})
    return out


def one_generation(frame, repeats, n):
    rng = np.random.RandomState(0)
    w = optimal_weight(1.0)
    previous = GaussianCopula().fit(frame.iloc[rng.choice(len(frame), n, replace=False)])
    fits = {way: [] for way in WAYS}
    for r in range(repeats):
        real = frame.iloc[rng.randint(len(frame), size=n)]
        batch = pd.concat([real, previous.sample(n, random_state=rng)], ignore_index=True)
        sw = np.r_[np.full(n, w / n), np.full(n, (1 - w) / n)]
        for way, make in WAYS.items():
            model = make()
            if isinstance(model, SynthesizerAdapter):
                model.set_params(random_state=r)
            fits[way].append(parameters(model.fit(batch, sample_weight=sw)))
    # a category absent from a fit has probability 0 there
    total = {way: pd.DataFrame(v).fillna(0.0).var(ddof=1).sum() for way, v in fits.items()}
    return pd.Series({way: total[way] / total["native weights"] for way in WAYS},
                     name="variance / native")


def recursion(frame, held_out, loops, n):
    summary = GaussianCopula().fit(held_out)
    out = []
    for way, make in WAYS.items():
        for r in range(loops):
            est = RecursiveDensityEstimator(make(), n_generations=10, n_real=n,
                                            validation_fraction=0.01, random_state=r).fit(frame)
            # every way scored on drawn rows (a copula could be scored exactly: not fair)
            rows = est.sample(len(held_out), random_state=r)
            out.append({"way": way, "marginal": marginal_distance(rows, summary),
                        "association": association_distance(rows, summary)})
    table = pd.DataFrame(out).groupby("way", sort=False)
    mean, se = table.mean(), table.std(ddof=1) / np.sqrt(loops)
    return mean.map("{:.4f}".format) + " (" + se.map("{:.4f}".format) + ")"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--loops", type=int, default=10)
    args = parser.parse_args(argv)
    frame = load_adult().frame
    held_out = frame.sample(5000, random_state=1)
    pool = frame.drop(held_out.index).reset_index(drop=True)
    start = time.perf_counter()
    with threadpool_limits(1):
        print(f"One w* generation (1000 real + 1000 synthetic rows), {args.repeats} batches: "
              "summed variance of the fitted parameters, relative to native weights")
        print(one_generation(pool, args.repeats, 1000).round(2).to_string())
        print(f"\nRecursion, 10 generations at w*, last generation against 5000 held-out rows "
              f"(mean (standard error) over {args.loops} loops)")
        print(recursion(pool, held_out, args.loops, 1000).to_string())
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
