"""``skrecursive reproduce``: run the paper's scenarios, write CSV files and figures."""

import argparse
import os
import sys
import time

from ._errors import CLIError

__all__ = ["configure", "run", "SCENARIOS"]


def _scenario1(args):
    from .. import reproduce

    df = reproduce.scenario1(n_repeats=args.repeats or 1000, random_state=args.seed,
                             n_jobs=args.jobs, progress=sys.stderr.isatty())
    return df, reproduce.plot_scenario1(df), None


def _scenario2(args):
    from .. import reproduce

    df = reproduce.scenario2(n_repeats=args.repeats or 2000, random_state=args.seed,
                             n_jobs=args.jobs, progress=sys.stderr.isatty())
    summary = reproduce.scenarios_summary(df)
    return df, reproduce.plot_scenario2(df), summary


def _scenario3(args):
    from .. import reproduce

    df = reproduce.scenario3(n_repeats=args.repeats or 1000, random_state=args.seed,
                             n_jobs=args.jobs, progress=sys.stderr.isatty())
    summary = reproduce.scenarios_summary(None, df)
    return df, reproduce.plot_scenario3(df), summary


def _strategies(args):
    from .. import reproduce

    # --repeats N: N engine repeats, and N / 50 (at least 2) meta-estimator fits of the
    # KDE, which take nearly all the time (the engines need about a second)
    repeats = args.repeats or 5000
    df = reproduce.strategies(n_repeats=repeats, kde_repeats=max(2, -(-repeats // 50)),
                              random_state=args.seed, n_jobs=args.jobs)
    last = df[df["generation"] == df["generation"].max()]
    summary = last[["setting", "loop", "generation", "error", "error_se", "theory"]]
    return df, reproduce.plot_strategies(df), summary.reset_index(drop=True)


def _adult_synthesizer(args):
    from .. import reproduce

    # --repeats N: N repeats of each loop (default 3, about a minute on two cores)
    df = reproduce.adult_synthesizer(n_repeats=args.repeats or 3, random_state=args.seed,
                                     n_jobs=args.jobs, progress=sys.stderr.isatty())
    summary = reproduce.summarize_adult_synthesizer(df)
    last = summary[summary["generation"] == summary["generation"].max()]
    columns = ["loop", "weight", "generation", "marginal", "association", "coverage",
               "coverage_se", "utility", "utility_se"]
    return df, reproduce.plot_adult_synthesizer(df), last[columns].reset_index(drop=True)


#: name -> function(args) returning (table, figure, summary or None); extendable.
SCENARIOS = {"scenario1": _scenario1, "scenario2": _scenario2, "scenario3": _scenario3,
             "strategies": _strategies, "adult-synthesizer": _adult_synthesizer}


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text}")
    return value


def _jobs(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value == 0:
        raise argparse.ArgumentTypeError("must be a non-zero integer (-1 = all cores)")
    return value


def configure(parser):
    parser.add_argument("scenario", choices=[*SCENARIOS, "all"],
                        help="which experiment to run ('all' runs every one)")
    parser.add_argument("--repeats", type=_positive_int, default=None, metavar="N",
                        help="Monte Carlo repeats (default: the paper's, 1000 or 2000; "
                             "strategies: 5000 engine repeats and N / 50 KDE fits; "
                             "adult-synthesizer: 3 repeats of each loop)")
    parser.add_argument("--out", default="skrecursive-reproduce", metavar="DIR",
                        help="output directory for CSV files and figures "
                             "(default: ./skrecursive-reproduce)")
    parser.add_argument("--jobs", type=_jobs, default=1, metavar="J",
                        help="parallel workers (default 1; -1 = all cores)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def run(args):
    if args.seed < 0:
        raise CLIError(f"--seed must be >= 0, got {args.seed}")
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as exc:
        raise CLIError(f"cannot create output directory {args.out!r}: {exc.strerror}") from None
    if not os.access(args.out, os.W_OK):
        raise CLIError(f"output directory {args.out!r} is not writable")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    for name in names:
        print(f"{name}: running ...", flush=True)
        start = time.perf_counter()
        table, fig, summary = SCENARIOS[name](args)
        csv = os.path.join(args.out, f"{name}.csv")
        png = os.path.join(args.out, f"{name}.png")
        table.to_csv(csv, index=False)
        fig.savefig(png, dpi=120)
        plt.close(fig)
        print(f"{name}: done in {time.perf_counter() - start:.1f} s; wrote {csv} and {png}")
        if summary is not None and len(summary):
            with pd.option_context("display.width", 120, "display.max_columns", 20):
                print(summary.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    return 0
