"""Our fidelity metrics beside sdmetrics' on Adult, for both built-in synthesizers.

GaussianCopula and TreeSynthesizer are fitted on Adult's training split
(30,162 rows); each draws 15,060 rows, compared with the 15,060 rows of the
test split, as are 15,060 real training rows. Printed side by side:

* ``1 - marginal`` (our :func:`~skrecursive.metrics.marginal_distance`) and
  sdmetrics' Column Shapes (mean of KSComplement and TVComplement);
* ``1 - association / 2`` (our normal-score correlations),
  ``1 - contingency`` (our :func:`~skrecursive.metrics.contingency_distance`)
  and sdmetrics' Column Pair Trends (CorrelationSimilarity of numeric pairs,
  ContingencySimilarity of the others);
* our :func:`~skrecursive.metrics.category_coverage` (pooled over all
  categories) and sdmetrics' CategoryCoverage averaged over columns.

sdmetrics is optional: without it only our side is printed. It pins pandas
below 3, so run it in an environment with ``pip install "pandas<3" sdmetrics``
and the project.

Usage::

    python benchmarks/compare_sdmetrics.py       # about a minute on two cores
"""

import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from skrecursive import GaussianCopula, TreeSynthesizer
from skrecursive.datasets import load_adult
from skrecursive.metrics import (
    association_distance,
    category_coverage,
    contingency_distance,
    marginal_distance,
)


def ours(rows, real):
    return {
        "1 - marginal": 1 - marginal_distance(rows, real),
        "1 - association/2": 1 - association_distance(rows, real) / 2,
        "1 - contingency": 1 - contingency_distance(rows, real),
        "coverage": category_coverage(rows, real),
    }


def theirs(rows, real):
    from sdmetrics.reports.single_table import QualityReport
    from sdmetrics.single_column import CategoryCoverage

    categorical = [c for c in real.columns if not pd.api.types.is_numeric_dtype(real[c])]
    metadata = {"columns": {c: {"sdtype": "categorical" if c in categorical else "numerical"}
                            for c in real.columns}}
    # sdmetrics compares category columns by value: give both sides plain objects
    as_objects = {c: object for c in categorical}
    real_o, rows_o = real.astype(as_objects), rows.astype(as_objects)
    report = QualityReport()
    report.generate(real_o, rows_o, metadata, verbose=False)
    scores = report.get_properties().set_index("Property")["Score"]
    coverage = np.mean([CategoryCoverage.compute(real_o[c], rows_o[c]) for c in categorical])
    return {"sdmetrics shapes": scores["Column Shapes"],
            "sdmetrics pair trends": scores["Column Pair Trends"],
            "sdmetrics coverage": coverage}


def main():
    train = load_adult(subset="train").frame
    test = load_adult(subset="test").frame
    try:
        import sdmetrics  # noqa: F401

        have_sdmetrics = True
    except ImportError:
        have_sdmetrics = False
        print("sdmetrics is not installed: printing our metrics only.\n")
    start = time.perf_counter()
    tables = {
        "GaussianCopula": GaussianCopula().fit(train).sample(len(test), random_state=0),
        "TreeSynthesizer": TreeSynthesizer(random_state=0).fit(train).sample(len(test),
                                                                           random_state=0),
        "real training rows": train.sample(len(test), random_state=0).reset_index(drop=True),
    }
    out = {}
    with threadpool_limits(1):
        for name, rows in tables.items():
            out[name] = ours(rows, test)
            if have_sdmetrics:
                out[name].update(theirs(rows, test))
    pd.set_option("display.width", 200)
    print(f"{len(test)} rows of each against the {len(test)} Adult test rows "
          "(higher is better everywhere):")
    print(pd.DataFrame(out).T.round(3).to_string())
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
