"""``skrecursive reproduce``: run the paper's scenarios, write CSV files and figures.

Every experiment of the command is dry-run first (its arguments and memory
estimate checked, up to where its first task would start), then the output
folder's targets are checked, then the experiments run, writing each completed
task to the checkpoint that ``--resume`` continues from.
"""

import time

from ._common import RunOutputs, add_run_options, dry_run, number, progress

__all__ = ["configure", "run", "SCENARIOS"]


def _scenario1(args):
    from .. import reproduce

    df = reproduce.scenario1(n_repeats=args.repeats or 1000, random_state=args.seed,
                             n_jobs=args.jobs, progress=progress(args))
    return df, reproduce.plot_scenario1(df), None


def _scenario2(args):
    from .. import reproduce

    df = reproduce.scenario2(n_repeats=args.repeats or 2000, random_state=args.seed,
                             n_jobs=args.jobs, progress=progress(args))
    summary = reproduce.scenarios_summary(df)
    return df, reproduce.plot_scenario2(df), summary


def _scenario3(args):
    from .. import reproduce

    df = reproduce.scenario3(n_repeats=args.repeats or 1000, random_state=args.seed,
                             n_jobs=args.jobs, progress=progress(args))
    summary = reproduce.scenarios_summary(None, df)
    return df, reproduce.plot_scenario3(df), summary


def _strategies(args):
    from .. import reproduce

    # --repeats N: N engine repeats, and N / 50 (at least 2) meta-estimator fits of the
    # KDE, which take nearly all the time (the engines need about a second)
    repeats = args.repeats or 5000
    df = reproduce.strategies(n_repeats=repeats, kde_repeats=max(2, -(-repeats // 50)),
                              random_state=args.seed, n_jobs=args.jobs,
                              progress=progress(args))
    last = df[df["generation"] == df["generation"].max()]
    summary = last[["setting", "loop", "generation", "error", "error_se", "theory"]]
    return df, reproduce.plot_strategies(df), summary.reset_index(drop=True)


def _adult_synthesizer(args):
    from .. import reproduce

    # --repeats N: N repeats of each loop (default 3; the command prints its time)
    df = reproduce.adult_synthesizer(n_repeats=args.repeats or 3, random_state=args.seed,
                                     n_jobs=args.jobs, progress=progress(args))
    summary = reproduce.summarize_adult_synthesizer(df)
    last = summary[summary["generation"] == summary["generation"].max()]
    columns = ["loop", "weight", "generation", "marginal_distance", "association_distance",
               "category_coverage", "category_coverage_se", "utility_accuracy",
               "utility_accuracy_se"]
    shown = last[columns].reset_index(drop=True)
    shown.attrs["direction"] = summary.attrs["direction"]
    return df, reproduce.plot_adult_synthesizer(df), shown


#: name -> function(args) returning (table, figure, summary or None); extendable.
SCENARIOS = {"scenario1": _scenario1, "scenario2": _scenario2, "scenario3": _scenario3,
             "strategies": _strategies, "adult-synthesizer": _adult_synthesizer}


def configure(parser):
    parser.add_argument("scenario", choices=[*SCENARIOS, "all"],
                        help="which experiment to run ('all' runs every one)")
    parser.add_argument("--repeats", type=number(int, low=1), default=None, metavar="N",
                        help="Monte Carlo repeats (default: the paper's, 1000 or 2000; "
                             "strategies: 5000 engine repeats and N / 50 KDE fits; "
                             "adult-synthesizer: 3 repeats of each loop)")
    add_run_options(parser, out="skrecursive-reproduce")


def run(args):
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    # every check before any work: each experiment up to its first task, then the outputs
    for name in names:
        dry_run(SCENARIOS[name], args)
    outputs = RunOutputs(args.out, [f"{name}.{ext}" for name in names for ext in ("csv", "png")])
    outputs.open_checkpoint({"command": "reproduce", "scenario": args.scenario,
                             "repeats": args.repeats, "seed": args.seed}, resume=args.resume)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from .._utils.parallel import task_store

    with task_store(outputs.checkpoint):
        for name in names:
            print(f"{name}: running ...", flush=True)
            start = time.perf_counter()
            table, fig, summary = SCENARIOS[name](args)
            csv = outputs.write_csv(table, f"{name}.csv")
            png = outputs.save_figure(fig, f"{name}.png", dpi=120)
            plt.close(fig)
            print(f"{name}: done in {time.perf_counter() - start:.1f} s; wrote {csv} and {png}")
            if summary is not None and len(summary):
                with pd.option_context("display.width", 120, "display.max_columns", 20):
                    print(summary.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
                if summary.attrs.get("direction"):  # which way is better, in words
                    print(summary.attrs["direction"])
    outputs.finish()
    return 0
