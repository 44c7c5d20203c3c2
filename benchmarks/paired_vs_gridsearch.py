"""Which weights can be told apart: the paired weight curve against GridSearchCV.

On the bundled Adult data (a random subset of the complete training rows), a
RecursiveWeightedClassifier around a one-hot + scaled logistic regression is
scored (log loss) at several weights two ways:

* ``GridSearchCV(..., {"weight": grid}, cv=5)``: one final model per fold, the
  mean test score and its standard error over folds (std / sqrt(5)); also the
  fold-by-fold difference to ``"optimal"`` and its standard error;
* ``skrecursive.weight_curve``: ``--repeats`` repeats with common random
  numbers, each scored by the mean validation log loss of its last
  ``--last`` generations; the paired difference to ``"optimal"`` and its
  standard error.

A weight is *separated* from the optimal one when its difference exceeds two
standard errors. The user guide's "your own data" page quotes the output.

Run with::

    python benchmarks/paired_vs_gridsearch.py [--repeats 20] [--n-jobs 2]
"""

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skrecursive import RecursiveWeightedClassifier, weight_curve
from skrecursive.datasets import load_adult

WEIGHTS = [0.3, "naive", "optimal", 0.8]
COLUMNS = ["age", "education-num", "hours-per-week", "capital-gain", "sex", "relationship",
           "marital-status"]


def make_estimator():
    pre = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), make_column_selector(dtype_include="category")),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )
    return RecursiveWeightedClassifier(
        make_pipeline(pre, LogisticRegression()),
        n_generations=10, n_real=500, scoring="neg_log_loss", random_state=0,
    )


def load(n_rows, seed=0):
    X, y = load_adult(subset="train", return_X_y=True)
    idx = np.random.RandomState(seed).choice(len(X), size=n_rows, replace=False)
    return X.iloc[idx][COLUMNS].reset_index(drop=True), y.iloc[idx].to_numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--last", type=int, default=5)
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args(argv)
    X, y = load(args.rows)
    est = make_estimator()

    start = time.perf_counter()
    search = GridSearchCV(est, {"weight": WEIGHTS}, cv=5, scoring="neg_log_loss",
                          n_jobs=args.n_jobs).fit(X, y)
    res = search.cv_results_
    n_splits = search.n_splits_
    folds = np.array([res[f"split{i}_test_score"] for i in range(n_splits)])  # (splits, weights)
    ref = WEIGHTS.index("optimal")
    fold_diff = folds - folds[:, [ref]]
    grid = pd.DataFrame({
        "label": [str(w) for w in WEIGHTS],
        "grid_logloss": -res["mean_test_score"],
        "grid_se": res["std_test_score"] / np.sqrt(n_splits),
        "grid_diff": fold_diff.mean(axis=0),
        "grid_diff_se": fold_diff.std(axis=0, ddof=1) / np.sqrt(n_splits),
    })
    grid_time = time.perf_counter() - start

    start = time.perf_counter()
    curve = weight_curve(est, X, y, weights=WEIGHTS, n_repeats=args.repeats, last=args.last,
                         n_jobs=args.n_jobs, random_state=0)
    curve_time = time.perf_counter() - start
    curve = curve.assign(label=curve["label"].astype(str))
    table = curve[["weight", "label"]].assign(
        curve_logloss=-curve["score_mean"], curve_se=curve["score_se"],
        curve_diff=curve["diff_mean"], curve_diff_se=curve["diff_se"],
    ).merge(grid, on="label")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["grid_z"] = table["grid_diff"] / table["grid_diff_se"]
        table["curve_z"] = table["curve_diff"] / table["curve_diff_se"]
    pd.set_option("display.width", 200)
    print(f"Adult, {args.rows} training rows, k = {curve.attrs['k']:g}, "
          f"w*(k) = {curve.attrs['optimal_weight']:.3f}; differences are score(w) - "
          "score(optimal), score = -log loss (negative: worse than optimal)")
    print(table.round(4).to_string(index=False))
    print(f"GridSearchCV (5 folds): {grid_time:.0f} s; weight_curve ({args.repeats} repeats, "
          f"last {args.last} generations): {curve_time:.0f} s")
    return table


if __name__ == "__main__":
    main()
