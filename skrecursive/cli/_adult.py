"""``skrecursive adult``: the paper's experiments on the bundled UCI Adult data.

Every argument is checked before any work starts; then each function of
:data:`ADULT_STEPS` runs in order: the logistic experiment (error versus
weight), the recursive classifier's per-generation test curves, the figure.
"""

import math

from ._common import RunOutputs, add_run_options, dry_run, number, progress
from ._errors import CLIError

__all__ = ["configure", "run", "ADULT_STEPS", "ADULT_CLI_REPEATS"]

#: Repeats per weight of the default ``skrecursive adult`` run. 30 weights x 60
#: repeats x 100 generations of the batched logistic engine take about 57
#: CPU-seconds in all (start-up included), about 30 s of wall time on two free
#: cores, leaving room in the two-minute budget for the classifier part.
#: Repeats share their random draws across weights, so 60 of them resolve
#: differences of the mean error between weights to a few percent: every weight
#: up to 0.52 and from 0.66 on loses to 0.62 by more than 2.5 paired standard
#: errors (scaled from a 100-repeat pilot), so the printed minimiser lands in
#: 0.54-0.64, around w* = 0.618, where the curve is flat. The paper uses 1000.
ADULT_CLI_REPEATS = 60


#: Share of the majority class (income <= 50K) in the Adult rows: 76.1%.
_MAJORITY_SHARE = 0.761
#: Largest accepted chance that some real batch of the classifier loops holds one class.
_ONE_CLASS_RISK = 1e-3


def min_real_rows(n_generations):
    """Smallest ``--n`` for the classifier loops to see both classes in every real batch.

    Four loops draw ``n_generations + 1`` real batches of ``n`` rows each; a
    batch holds only the majority class with probability about ``0.761^n``,
    which must stay below ``1e-3`` over all of them (48 rows at the default
    100 generations; ``LogisticRegression`` cannot fit one class).
    """
    batches = 4 * (n_generations + 1)
    return math.ceil(math.log(_ONE_CLASS_RISK / batches) / math.log(_MAJORITY_SHARE))


def configure(parser):
    parser.add_argument("--repeats", type=number(int, low=1), default=ADULT_CLI_REPEATS,
                        metavar="N",
                        help=f"repeats per weight (default {ADULT_CLI_REPEATS}; paper: 1000)")
    parser.add_argument("--n", type=number(int, low=2), default=500,
                        help="fresh real rows per generation (default 500; at least enough "
                        "for both classes in every real batch: 48 at 100 generations)")
    parser.add_argument("--k", type=number(float, low=0, low_open=True), default=1.0,
                        help="real rows per synthetic row, n/m (default 1: m = n)")
    parser.add_argument("--generations", type=number(int, low=1), default=100,
                        help="generations after generation 0 (default 100); the error is "
                        "averaged over the last 20 (or all, if fewer)")
    parser.add_argument("--weights", type=number(float, low=0.0, high=1.0), nargs="+",
                        default=None, metavar="W",
                        help="weights on the real data (default 0.20, 0.22, ..., 0.78)")
    parser.add_argument("--drop-missing", action="store_true",
                        help="drop the rows with a missing value ('?'); the authors' run kept "
                        "all 48,842 rows")
    add_run_options(parser, out="./skrecursive-adult/")


def _adult_settings(args):
    """The run's settings from the parsed (already range-checked) arguments."""
    from ..simulation._adult_engines import PAPER_WEIGHTS

    low = min_real_rows(args.generations)
    if args.n < low:
        raise CLIError(
            f"--n must be >= {low} with --generations {args.generations}: smaller real "
            "batches too often hold a single class, which the classifier loops cannot fit"
        )
    weights = [float(w) for w in PAPER_WEIGHTS] if args.weights is None else args.weights
    if len(set(weights)) != len(weights):
        raise CLIError(f"--weights must be distinct, got {' '.join(map(str, weights))}")
    return {
        "n_repeats": args.repeats,
        "n": args.n,
        "k": args.k,
        "n_generations": args.generations,
        "last": min(20, args.generations),
        "weights": weights,
        "drop_missing": args.drop_missing,
        "random_state": args.seed,
        "n_jobs": args.jobs,
        "progress": progress(args),
    }


_LOGISTIC_KEYS = ("n", "k", "n_generations", "n_repeats", "weights", "last", "drop_missing",
                  "random_state", "n_jobs", "progress")


def _adult_logistic_step(settings):
    """The logistic experiment: table of mean error per weight, minimiser, CSV."""

    import numpy as np

    from ..reproduce import adult_logistic
    from ..simulation._adult_engines import ADULT_LOGISTIC_FEATURES
    from ..theory import optimal_weight

    res = adult_logistic(**{key: settings[key] for key in _LOGISTIC_KEYS})
    first = res.iloc[0]
    k = settings["k"]
    kept = "dropped" if settings["drop_missing"] else "kept, as in the authors' run"
    print(f"Adult logistic regression (He, Xu & Cheng 2026): {first['rows_used']:,} rows of "
          f"adult.data + adult.test, rows with '?' {kept}")
    print(f"features: {', '.join(ADULT_LOGISTIC_FEATURES)}; target: income > 50K")
    beta = ", ".join(f"{b:.4g}" for b in res.attrs["pseudo_truth"])
    print(f"pseudo-truth (intercept, coefficients) on all rows: ({beta})")
    print(f"k = {k:g} (n = {first['n']} real, m = {first['m']} synthetic rows per generation), "
          f"{first['n_generations']} generations, error averaged over the last "
          f"{settings['last']}, {settings['n_repeats']} repeats per weight")
    w_star = optimal_weight(k)
    print(f"w*(k) = {w_star:.4f}")
    print(f"{'weight':>8}{'mean error':>14}{'95% interval':>26}{'repeats':>9}")
    summary = res.groupby("weight")["error"].agg(["mean", "std", "count"])
    for w, row in summary.iterrows():
        half = 1.96 * row["std"] / np.sqrt(row["count"]) if row["count"] > 1 else np.nan
        interval = f"[{row['mean'] - half:.4g}, {row['mean'] + half:.4g}]"
        print(f"{w:>8.2f}{row['mean']:>14.4g}{interval:>26}{int(row['count']):>9}")
    best = summary["mean"].idxmin()
    print(f"empirical minimiser: w = {best:.2f}    theory w*(k) = {w_star:.4f}")
    path = settings["outputs"].write_csv(res, "adult_logistic.csv")
    print(f"wrote {path}")
    settings["logistic"] = res


def _adult_classifier_step(settings):
    """RecursiveWeightedClassifier on all features: per-generation test log-loss and accuracy."""

    import pandas as pd
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from .._core.classification import RecursiveWeightedClassifier
    from ..datasets import load_adult

    data = load_adult(drop_missing=True)
    X, y = data.data, data.target
    n, k = settings["n"], settings["k"]
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"),
             make_column_selector(dtype_include="category")),
            (StandardScaler(), make_column_selector(dtype_include="number")),
        ),
        LogisticRegression(max_iter=1000),
    )
    weights = {"fully synthetic (w = 0)": 0.0, "naive": "naive", "optimal w*": "optimal",
               "real only (w = 1)": 1.0}
    print()
    print(f"RecursiveWeightedClassifier on all {X.shape[1]} features ({X.shape[0]:,} complete "
          f"rows; one-hot encoding + logistic regression), n = {n} real and "
          f"m = {max(1, round(n / k))} synthetic rows per generation, scored on a held-out 30% "
          "test split")
    from threadpoolctl import threadpool_limits
    from tqdm.auto import tqdm

    fitted, frames = {}, []
    for name, weight in tqdm(weights.items(), desc="classifier loops", leave=False,
                             disable=not settings["progress"]):
        est = RecursiveWeightedClassifier(
            model, n_generations=settings["n_generations"], n_real=n, n_synthetic=1.0 / k,
            weight=weight, validation_fraction=0.3, scoring=["neg_log_loss", "accuracy"],
            random_state=settings["random_state"],
        )
        # hundreds of small fits: BLAS threads cost more than they save (same results)
        with threadpool_limits(limits=1, user_api="blas"):
            est.fit(X, y)
        fitted[name] = est
        frame = pd.DataFrame(est.history_)
        frame.insert(0, "loop", name)
        frames.append(frame)
    curves = pd.concat(frames, ignore_index=True)
    curves["log_loss"] = -curves.pop("score_neg_log_loss")
    curves["accuracy"] = curves.pop("score_accuracy")
    T = settings["n_generations"]
    shown = sorted({0, *range(0, T + 1, max(1, T // 10)), T})
    wide = curves.pivot(index="generation", columns="loop", values=["log_loss", "accuracy"])
    print("test log-loss / accuracy per generation:")
    print(f"{'generation':>10}" + "".join(f"{name:>26}" for name in weights))
    for t in shown:
        cells = "".join(
            f"{wide.loc[t, ('log_loss', name)]:>18.4f} / {wide.loc[t, ('accuracy', name)]:.3f}"
            for name in weights
        )
        print(f"{t:>10}{cells}")
    opt = fitted["optimal w*"]
    print(f"optimal weight w* = {opt.weight_:.4f}: final test accuracy "
          f"{wide.loc[T, ('accuracy', 'optimal w*')]:.4f}, log-loss "
          f"{wide.loc[T, ('log_loss', 'optimal w*')]:.4f}")
    path = settings["outputs"].write_csv(curves, "adult_classifier.csv")
    print(f"wrote {path}")
    settings["classifiers"] = list(fitted.values())


def _adult_figure_step(settings):
    """One PNG: error versus weight with w*, and the classifier's per-generation curves."""

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plotting import GenerationCurveDisplay, WeightCurveDisplay

    results = settings["logistic"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5), layout="constrained")
    WeightCurveDisplay.from_results(results, k=settings["k"], ax=axes[0])
    axes[0].set_title("Adult logistic regression: error vs weight")
    estimators = settings["classifiers"]
    labels = ["fully synthetic", "naive", "optimal w*", "real only"]
    GenerationCurveDisplay.from_estimator(estimators, labels=labels, metric="neg_log_loss",
                                          negate_score=True, ax=axes[1])
    axes[1].set_title("Classifier: test log-loss per generation")
    GenerationCurveDisplay.from_estimator(estimators, labels=labels, metric="accuracy",
                                          ax=axes[2])
    axes[2].set_title("Classifier: test accuracy per generation")
    path = settings["outputs"].save_figure(fig, "adult.png", dpi=110)
    plt.close(fig)
    print(f"wrote {path}")


#: The sections of ``skrecursive adult``, run in order with the checked settings.
ADULT_STEPS = [_adult_logistic_step, _adult_classifier_step, _adult_figure_step]


#: The files ``skrecursive adult`` writes in ``--out``.
ADULT_OUTPUTS = ("adult_logistic.csv", "adult_classifier.csv", "adult.png")


def run(args):
    """``skrecursive adult``: check everything, then run each of :data:`ADULT_STEPS`."""
    settings = _adult_settings(args)
    from ..reproduce import adult_logistic

    dry_run(adult_logistic, **{key: settings[key] for key in _LOGISTIC_KEYS})
    outputs = RunOutputs(args.out, list(ADULT_OUTPUTS))
    parameters = {key: settings[key] for key in _LOGISTIC_KEYS
                  if key not in ("n_jobs", "progress")}
    outputs.open_checkpoint({"command": "adult", **parameters}, resume=args.resume)
    settings["outputs"] = outputs

    from .._utils.parallel import task_store

    with task_store(outputs.checkpoint):
        for step in ADULT_STEPS:
            step(settings)
    outputs.finish()
    return 0
