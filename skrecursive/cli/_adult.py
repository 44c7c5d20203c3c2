"""``skrecursive adult``: the paper's experiments on the bundled UCI Adult data.

Every argument is checked before any work starts; then the logistic
experiment (error versus weight), the recursive classifier's per-generation
test curves (both from :mod:`skrecursive.reproduce`) and their figure run in
turn, and the command prints the time it took.
"""

import math
import os

from ._common import RunOutputs, add_run_options, dry_run, number, progress
from ._errors import CLIError

__all__ = ["configure", "run", "ADULT_CLI_REPEATS", "ADULT_OUTPUTS"]

#: Level of the intervals printed and drawn by ``skrecursive adult``.
CONFIDENCE = 0.95

#: Repeats per weight of the default ``skrecursive adult`` run: the default of
#: :func:`skrecursive.reproduce.adult_logistic` (the paper uses 1000). 30 weights x
#: 100 repeats x 100 generations of the batched logistic engine plus the four
#: classifier loops take about 30 CPU-seconds in all processes, about 15 s of
#: wall time on two cores (``python benchmarks/bench_adult.py --main-job``
#: measures both). Repeats share their random draws across weights, so the
#: differences between weights, which locate the minimum of the curve, are paired
#: (:func:`skrecursive.reproduce.minimiser_interval` gives its interval).
ADULT_CLI_REPEATS = 100  # a test keeps it equal to reproduce's (imported lazily)

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
    from ..simulation import PAPER_WEIGHTS

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


def _expected_seconds(settings):
    """CPU per (weight, repeat) and expected wall time of the logistic experiment.

    Measured, not assumed: two short pilots (one chunk of at most 50 repeats
    at two weights, 1 and 6 generations) run in this process with one BLAS
    thread; their difference is the cost of 5 generations without the fixed
    start-up (data, full-data fit), which is then scaled to the run's size and
    workers. The pilots (after a warm-up call) take about a second.
    """
    import time

    from joblib import effective_n_jobs
    from threadpoolctl import threadpool_limits

    from ..reproduce import adult_logistic

    reps, weights = min(settings["n_repeats"], 50), settings["weights"][:2]
    cpu = []
    for gens in (1, 1, 6):  # the first call warms up (data loading, imports)
        with threadpool_limits(limits=1):
            start = time.process_time()
            adult_logistic(n=settings["n"], k=settings["k"], n_generations=gens, last=1,
                           n_repeats=reps, weights=weights,
                           drop_missing=settings["drop_missing"], random_state=0, n_jobs=1)
            cpu.append(time.process_time() - start)
    per_generation = max(cpu[2] - cpu[1], 0.0) / (reps * len(weights) * 5)
    per_pair = per_generation * (settings["n_generations"] + 1)
    pairs = settings["n_repeats"] * len(settings["weights"])
    workers = max(1, min(effective_n_jobs(settings["n_jobs"]), os.cpu_count() or 1))
    return per_pair, cpu[1] + pairs * per_pair / workers, workers


def _logistic_section(settings, outputs, expected):
    """The logistic experiment: what the error is, the table, the minimiser and its interval."""
    import numpy as np
    from scipy.stats import norm

    from ..reproduce import adult_logistic, minimiser_interval
    from ..simulation import ADULT_LOGISTIC_FEATURES
    from ..theory import optimal_weight

    per_pair, expected, workers = expected
    n_weights = len(settings["weights"])
    print(f"Adult logistic experiment: {n_weights} weights x {settings['n_repeats']} repeats "
          f"x {settings['n_generations']} generations; measured {1e3 * per_pair:.0f} CPU-ms per "
          f"(weight, repeat), so expect about {_duration(expected)} on {workers} worker(s)")
    res = adult_logistic(**{key: settings[key] for key in _LOGISTIC_KEYS})
    first = res.iloc[0]
    k, last, confidence = settings["k"], settings["last"], CONFIDENCE
    kept = "dropped" if settings["drop_missing"] else "kept, as in the authors' run"
    print(f"Adult logistic regression (He, Xu & Cheng 2026): {first['rows_used']:,} rows of "
          f"adult.data + adult.test, rows with '?' {kept}")
    print(f"features: {', '.join(ADULT_LOGISTIC_FEATURES)}; target: income > 50K")
    beta = ", ".join(f"{b:.4g}" for b in res.attrs["pseudo_truth"])
    print(f"full-data fit beta* (intercept, coefficients) on all rows: ({beta})")
    print(f"k = {k:g} (n = {first['n']} real, m = {first['m']} synthetic rows per generation), "
          f"{first['n_generations']} generations, {settings['n_repeats']} repeats per weight; "
          "repeat r uses the same random draws at every weight")
    print(f"error of a repeat = ||beta_t - beta*||^2, the squared distance of the fitted "
          f"(intercept, coefficients) to the full-data fit, averaged over the last {last} "
          "generations; lower is better")
    w_star = optimal_weight(k)
    print(f"w*(k) = {w_star:.4f}")
    print(f"{'weight':>8}{'mean error':>14}{f'{confidence:.0%} interval of the mean':>34}"
          f"{'repeats':>9}")
    summary = res.groupby("weight")["error"].agg(["mean", "std", "count"])
    z = norm.ppf(0.5 + confidence / 2)
    for w, row in summary.iterrows():
        half = z * row["std"] / np.sqrt(row["count"]) if row["count"] > 1 else np.nan
        interval = f"[{row['mean'] - half:.4g}, {row['mean'] + half:.4g}]"
        print(f"{w:>8.2f}{row['mean']:>14.4g}{interval:>34}{int(row['count']):>9}")
    best = summary["mean"].idxmin()
    print(f"grid minimiser of the mean error: w = {best:.2f}")
    if len(summary) >= 5:
        found = minimiser_interval(res, confidence=confidence)
        inside = found["low"] <= w_star <= found["high"]
        print(f"empirical minimiser (smoothed curve): w = {found['minimiser']:.3f}, "
              f"{confidence:.0%} interval (slope test, paired repeats) [{found['low']:.3f}, "
              f"{found['high']:.3f}]; w* = {w_star:.4f} is "
              f"{'inside' if inside else 'outside'} it")
    else:
        print("(no interval for the minimiser: it needs at least 5 weights)")
    path = outputs.write_csv(res, "adult_logistic.csv")
    print(f"wrote {path}")
    return res


def _classifier_section(settings, outputs):
    """The recursive classifier on all features: test log-loss and accuracy per generation."""
    from ..reproduce import ADULT_CLASSIFIER_LOOPS, adult_classifier

    curves = adult_classifier(
        n=settings["n"], k=settings["k"], n_generations=settings["n_generations"],
        random_state=settings["random_state"], n_jobs=settings["n_jobs"],
        progress=settings["progress"],
    )
    attrs = curves.attrs
    print()
    print(f"RecursiveWeightedClassifier on all {attrs['n_features']} features "
          f"({attrs['rows_used']:,} complete rows; one-hot encoding + logistic regression), "
          f"n = {attrs['n']} real and m = {attrs['m']} synthetic rows per generation, scored "
          f"on a held-out {attrs['test_fraction']:.0%} test split")
    names = list(ADULT_CLASSIFIER_LOOPS)
    T = settings["n_generations"]
    shown = sorted({0, *range(0, T + 1, max(1, T // 10)), T})
    wide = curves.pivot(index="generation", columns="loop", values=["log_loss", "accuracy"])
    print("test log-loss (lower is better) / accuracy (higher is better) per generation:")
    print(f"{'generation':>10}" + "".join(f"{name:>26}" for name in names))
    for t in shown:
        cells = "".join(
            f"{wide.loc[t, ('log_loss', name)]:>18.4f} / {wide.loc[t, ('accuracy', name)]:.3f}"
            for name in names
        )
        print(f"{t:>10}{cells}")
    w_opt = curves.loc[curves["loop"] == "optimal w*", "weight"].iloc[-1]
    print(f"optimal weight w* = {w_opt:.4f}: final test accuracy "
          f"{wide.loc[T, ('accuracy', 'optimal w*')]:.4f}, log-loss "
          f"{wide.loc[T, ('log_loss', 'optimal w*')]:.4f}")
    path = outputs.write_csv(curves, "adult_classifier.csv")
    print(f"wrote {path}")
    return curves


def _figure_section(outputs, logistic, classifier):
    """One PNG: error versus weight with w*, and the classifier's per-generation curves."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..reproduce import plot_adult

    fig = plot_adult(logistic, classifier, confidence=CONFIDENCE)
    path = outputs.save_figure(fig, "adult.png", dpi=110)
    plt.close(fig)
    print(f"wrote {path}")


def _duration(seconds):
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


#: The files ``skrecursive adult`` writes in ``--out``.
ADULT_OUTPUTS = ("adult_logistic.csv", "adult_classifier.csv", "adult.png")


def run(args):
    """``skrecursive adult``: check everything, run the experiments, print the time taken."""
    import time

    from .._utils.parallel import task_store
    from ..reproduce import adult_logistic

    settings = _adult_settings(args)
    dry_run(adult_logistic, **{key: settings[key] for key in _LOGISTIC_KEYS})
    outputs = RunOutputs(args.out, list(ADULT_OUTPUTS))
    parameters = {key: settings[key] for key in _LOGISTIC_KEYS
                  if key not in ("n_jobs", "progress")}
    outputs.open_checkpoint({"command": "adult", **parameters}, resume=args.resume)
    start = time.perf_counter()
    # the pilot runs outside the checkpoint: its tasks are not part of the run
    expected = _expected_seconds(settings)
    with task_store(outputs.checkpoint):
        logistic = _logistic_section(settings, outputs, expected)
        classifier = _classifier_section(settings, outputs)
    _figure_section(outputs, logistic, classifier)
    outputs.finish()
    print(f"skrecursive adult finished in {_duration(time.perf_counter() - start)}")
    return 0
