"""Compare the two built-in synthesizers on Adult: GaussianCopula and TreeSynthesizer.

Both are fitted on Adult's training split (30,162 complete rows, 14 features
and ``income``) and scored on rows of the test split they never saw:

* ``marginal``: :func:`skrecursive.metrics.marginal_distance` (lower is better);
* ``association``: :func:`skrecursive.metrics.association_distance`, the mean
  absolute difference of normal-score correlations (lower is better);
* ``contingency``: :func:`skrecursive.metrics.contingency_distance`, the mean
  total variation distance of every pair's joint cells, numeric columns in
  deciles (lower is better);
* ``coverage``: :func:`skrecursive.metrics.category_coverage` (higher is better);
* ``utility``: :func:`skrecursive.metrics.synthetic_utility`, accuracy on the
  test rows of a HistGradientBoostingClassifier predicting ``income``, trained
  on the synthetic rows (higher is better);
* ``copied`` (one fit only): the share of synthetic rows equal, in every
  column, to a row of the training split (the row of real test rows shows
  the share that happens by chance).

Part 1, one fit: each synthesizer fitted once on the whole training split,
scored on ``--repeats`` independent draws of 15,060 rows against the 15,060
test rows; a row of real training rows (15,060 drawn without replacement)
shows what real data scores. Part 2, the recursion:
``RecursiveDensityEstimator(synthesizer, n_real=2000, n_synthetic=2000,
n_generations=10)`` on the training split for ``w = 0`` and ``w*``, every
generation's model scored on 5,000 test rows; generation 0 and the last
generation are printed, means and standard errors over ``--repeats``.

Usage::

    python benchmarks/compare_synthesizers.py              # 5 minutes at load average 9, two cores
    python benchmarks/compare_synthesizers.py --repeats 5 --generations 20
"""

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from skrecursive import GaussianCopula, RecursiveDensityEstimator, TreeSynthesizer
from skrecursive.datasets import load_adult
from skrecursive.metrics import (
    association_distance,
    category_coverage,
    contingency_distance,
    marginal_distance,
    synthetic_utility,
)

METRICS = ["marginal", "association", "contingency", "coverage", "utility"]
SYNTHESIZERS = {"GaussianCopula": lambda seed: GaussianCopula(),
                "TreeSynthesizer": lambda seed: TreeSynthesizer(random_state=seed)}


def scores(rows, real, real_summary, seed):
    """Every metric of synthetic ``rows`` against the ``real`` rows."""
    classifier = HistGradientBoostingClassifier(categorical_features="from_dtype",
                                                random_state=seed)
    return {
        "marginal": marginal_distance(rows, real_summary),
        "association": association_distance(rows, real_summary),
        "contingency": contingency_distance(rows, real),
        "coverage": category_coverage(rows, real_summary),
        "utility": synthetic_utility(rows, real, target="income", estimator=classifier),
    }


def copied(rows, train):
    """Share of ``rows`` equal in every column to a row of ``train``."""
    seen = set(pd.util.hash_pandas_object(train.astype(object), index=False))
    return float(pd.util.hash_pandas_object(rows.astype(object), index=False).isin(seen).mean())


def one_fit(train, test, repeats):
    summary = GaussianCopula().fit(test)
    out = []
    for name, make in SYNTHESIZERS.items():
        start = time.perf_counter()
        model = make(0).fit(train)
        fit_time = time.perf_counter() - start
        for r in range(repeats):
            rows = model.sample(len(test), random_state=r)
            out.append({"synthesizer": name, "repeat": r, "fit_s": fit_time,
                        **scores(rows, test, summary, r), "copied": copied(rows, train)})
    for r in range(repeats):
        rows = train.sample(len(test), random_state=r).reset_index(drop=True)
        out.append({"synthesizer": "real training rows", "repeat": r, "fit_s": np.nan,
                    **scores(rows, test, summary, r), "copied": np.nan})
    out.append({"synthesizer": "real test rows", "repeat": 0, "fit_s": np.nan,
                **dict.fromkeys(METRICS, np.nan), "copied": copied(test, train)})
    return pd.DataFrame(out)


def recursion(train, test, repeats, generations, n_real):
    held_out = test.sample(5000, random_state=0).reset_index(drop=True)
    summary = GaussianCopula().fit(held_out)
    out = []
    for name, make in SYNTHESIZERS.items():
        for loop, weight in (("w=0", 0.0), ("w*", "optimal")):
            for r in range(repeats):
                est = RecursiveDensityEstimator(
                    make(r), n_generations=generations, n_real=n_real, n_synthetic=n_real,
                    weight=weight, validation_fraction=0.01, keep_estimators=True,
                    random_state=r,
                ).fit(train)
                for g in (0, generations):
                    rows = est.estimators_[g].sample(len(held_out), random_state=r)
                    out.append({"synthesizer": name, "loop": loop, "repeat": r,
                                "generation": g, **scores(rows, held_out, summary, r)})
    return pd.DataFrame(out)


def mean_se(frame, by, metrics=METRICS):
    grouped = frame.groupby(by, sort=False)[metrics]
    mean, se = grouped.mean(), grouped.std(ddof=1) / np.sqrt(grouped.size().to_numpy()[:, None])
    if se.isna().all().all():  # one repeat: no standard error
        return mean.round(3)
    text = mean.map("{:.3f}".format) + se.map(lambda v: "" if np.isnan(v) else f" ({v:.3f})")
    return text.where(mean.notna(), "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--generations", type=int, default=10)
    parser.add_argument("--n-real", type=int, default=2000)
    args = parser.parse_args(argv)
    train = load_adult(subset="train").frame
    test = load_adult(subset="test").frame
    pd.set_option("display.width", 200)
    with threadpool_limits(1):
        start = time.perf_counter()
        first = one_fit(train, test, args.repeats)
        print(f"One fit on {len(train)} training rows, scored on {len(test)} test rows "
              f"(mean (standard error) over {args.repeats} draws):")
        table = mean_se(first, "synthesizer", [*METRICS, "copied"])
        table.insert(0, "fit_s", first.groupby("synthesizer", sort=False)["fit_s"].first()
                     .round(2))
        print(table.to_string())
        print(f"\nRecursion: {args.n_real} real + {args.n_real} synthetic rows per "
              f"generation, {args.generations} generations, scored on 5000 test rows "
              f"(mean (standard error) over {args.repeats} repeats):")
        second = recursion(train, test, args.repeats, args.generations, args.n_real)
        print(mean_se(second, ["synthesizer", "loop", "generation"]).to_string())
        print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
