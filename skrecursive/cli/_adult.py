"""``skrecursive adult``: the paper's experiments on the bundled UCI Adult data.

Every argument is checked before any work starts; then the logistic
experiment (error versus weight), the recursive classifier's per-generation
test curves (both from :mod:`skrecursive.reproduce`) and their figure run in
turn, and the command prints the time it took.
"""

import math

from ._common import (
    RunOutputs,
    add_run_options,
    check_jobs,
    confirm_duration,
    dry_run,
    duration,
    number,
    progress,
    reporting,
)
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
    m = max(1, round(args.n / args.k))
    if m < low:
        raise CLIError(
            f"--k {args.k:g} gives m = round(n / k) = {m} synthetic rows per generation; the "
            f"fully synthetic classifier loop needs m >= {low} (both classes in every batch "
            f"of {args.generations + 1}): use --k <= {args.n / (low - 0.5):.4g} or a larger --n"
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


def _estimate(settings, n_tasks):
    """Expected CPU and wall time of the run, from a short pilot of each of its parts.

    The logistic experiment runs at most 10 repeats per weight (every weight)
    and the classifier loops their four loops, each at a few numbers of
    fits, in this process with one worker (:func:`._common.fit_pilot`); the
    CPU time per fit is scaled to the run's fits and repeats and shared among
    the workers by rounds of tasks (``n_tasks`` logistic tasks, four loops).
    The minimiser's interval and the figure are timed once on the pilot's
    tables. The pilot takes a few seconds; workers are started during it (and
    reused by the run), so the estimate starts when the run does.
    """
    from ..reproduce import (
        ADULT_CLASSIFIER_LOOPS,
        adult_classifier,
        adult_logistic,
        minimiser_interval,
        plot_adult,
    )
    from ._common import Estimate, cpu_seconds, fit_pilot, start_workers

    fits = settings["n_generations"] + 1
    reps = min(settings["n_repeats"], 10)
    tables = {}

    def logistic(size):
        tables["logistic"] = adult_logistic(
            n=settings["n"], k=settings["k"], n_generations=size - 1, last=1, n_repeats=reps,
            weights=settings["weights"], drop_missing=settings["drop_missing"],
            random_state=settings["random_state"], n_jobs=1)

    def classifier(size):
        tables["classifier"] = adult_classifier(
            n=settings["n"], k=settings["k"], n_generations=size - 1,
            random_state=settings["random_state"], n_jobs=1)

    workers = start_workers(settings["n_jobs"])
    a, b = fit_pilot(logistic, fits, first=2)
    part = Estimate(a, b * fits * settings["n_repeats"] / reps, workers=workers,
                    n_tasks=n_tasks)
    a, b = fit_pilot(classifier, fits, first=2, signal=0.2)
    part = part + Estimate(a, b * fits, workers=workers, n_tasks=len(ADULT_CLASSIFIER_LOOPS))

    def finish(_):
        if len(settings["weights"]) >= 5:
            minimiser_interval(tables["logistic"], confidence=CONFIDENCE)
        plot_adult(tables["logistic"], tables["classifier"])

    return part + Estimate(cpu_seconds(finish, None), 0.0, workers=workers)


def _logistic_section(settings, outputs):
    """The logistic experiment: what the error is, the table, the minimiser and its interval."""
    import numpy as np
    from scipy.stats import norm

    from ..reproduce import adult_logistic, minimiser_interval
    from ..simulation import ADULT_LOGISTIC_FEATURES
    from ..theory import optimal_weight

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


#: The files ``skrecursive adult`` writes in ``--out`` (and ``adult_classifier_timing.csv``:
#: the wall-clock ``fit_time`` of the classifier loops, kept out of the results).
ADULT_OUTPUTS = ("adult_logistic.csv", "adult_classifier.csv", "adult.png")


def run(args):
    """``skrecursive adult``: check everything, run the experiments, print the time taken."""
    import time

    from .._utils.parallel import task_store
    from ..reproduce import adult_classifier, adult_logistic

    check_jobs(args)
    settings = _adult_settings(args)
    n_tasks = dry_run(adult_logistic, **{key: settings[key] for key in _LOGISTIC_KEYS})
    dry_run(adult_classifier, n=settings["n"], k=settings["k"],
            n_generations=settings["n_generations"], drop_missing=settings["drop_missing"],
            random_state=settings["random_state"], n_jobs=settings["n_jobs"])
    outputs = RunOutputs(args.out, list(ADULT_OUTPUTS))
    parameters = {key: settings[key] for key in _LOGISTIC_KEYS
                  if key not in ("n_jobs", "progress")}
    outputs.open_checkpoint({"command": "adult", **parameters}, resume=args.resume)
    # from here on a failure or a refusal removes a checkpoint without completed tasks
    with reporting(args, "skrecursive adult") as lines, outputs.working():
        if lines is not None:
            lines.phase("measuring a short pilot to estimate the duration")
        # the pilot runs outside the checkpoint: its tasks are not part of the run
        expected = _estimate(settings, n_tasks)
        n_weights = len(settings["weights"])
        print(f"Adult experiments: {n_weights} weights x {settings['n_repeats']} repeats x "
              f"{settings['n_generations']} generations, then four classifier loops; a pilot "
              f"measured {expected.cpu:.3g} CPU-s in all, so expect about "
              f"{duration(expected.wall)} on {args.jobs} worker(s)", flush=True)
        confirm_duration(args, expected.wall, "this run")
        start = time.perf_counter()
        with task_store(outputs.checkpoint):
            logistic = _logistic_section(settings, outputs)
            classifier = _classifier_section(settings, outputs)
        _figure_section(outputs, logistic, classifier)
    outputs.finish()
    print(f"skrecursive adult finished in {duration(time.perf_counter() - start)}")
    return 0
