"""``skrecursive reproduce``: run the paper's scenarios, write CSV files and figures.

Every experiment of the command is dry-run first (its arguments and memory
estimate checked, up to where its first task would start), then the output
folder's targets are checked, then the experiments run, writing each completed
task to the checkpoint that ``--resume`` continues from.
"""

import time

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
    start_workers,
)

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


#: --repeats of each experiment when not given (adult-synthesizer: repeats of each loop)
DEFAULT_REPEATS = {"scenario1": 1000, "scenario2": 2000, "scenario3": 1000,
                   "strategies": 5000, "adult-synthesizer": 3}


def _pilot(name, args):
    """A short pilot of experiment ``name``: ``(run(size), first, full, largest)``.

    ``run(size)`` does the experiment's own work, figure included, at a size
    where its CPU time is about linear: the repeats (scenarios); units of 50
    engine repeats and one KDE fit (strategies, whose KDE fits take nearly
    all the time); the fits of one repeat of every loop (adult-synthesizer,
    whose repeats are few and long).
    """
    import argparse
    import inspect

    import matplotlib.pyplot as plt

    from .. import reproduce

    repeats = args.repeats or DEFAULT_REPEATS[name]
    if name == "strategies":
        def run(units):
            df = reproduce.strategies(n_repeats=50 * units, kde_repeats=units,
                                      random_state=args.seed, n_jobs=1)
            plt.close(reproduce.plot_strategies(df))

        return run, 1, max(2, -(-repeats // 50)), None
    if name == "adult-synthesizer":
        fits = inspect.signature(reproduce.adult_synthesizer).parameters["n_generations"]
        fits = fits.default + 1

        def run(size):
            df = reproduce.adult_synthesizer(n_repeats=1, n_generations=size - 1,
                                             random_state=args.seed, n_jobs=1)
            reproduce.summarize_adult_synthesizer(df)
            plt.close(reproduce.plot_adult_synthesizer(df))

        return run, 1, repeats * fits, fits
    small = vars(args) | {"jobs": 1, "quiet": True}

    def run(size):
        plt.close(SCENARIOS[name](argparse.Namespace(**small | {"repeats": size}))[1])

    return run, 1, repeats, None


def _estimate(name, args, n_tasks):
    from ._common import Estimate, fit_pilot

    run, first, full, largest = _pilot(name, args)
    a, b = fit_pilot(run, full, first=first, largest=largest)
    return Estimate(a, b * full, workers=args.jobs, n_tasks=n_tasks)


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
    check_jobs(args)
    # every check before any work: each experiment up to its first task, then the outputs
    n_tasks = {name: dry_run(SCENARIOS[name], args) for name in names}
    n_tasks["strategies"] = None  # its first tasks (the engines) are not its long part
    outputs = RunOutputs(args.out, [f"{name}.{ext}" for name in names for ext in ("csv", "png")])

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from .._utils.parallel import task_store

    outputs.open_checkpoint({"command": "reproduce", "scenario": args.scenario,
                             "repeats": args.repeats, "seed": args.seed}, resume=args.resume)
    # from here on a failure or a refusal removes a checkpoint without completed tasks
    with reporting(args, "skrecursive reproduce") as lines, outputs.working():
        # the expected duration of each experiment, from a short pilot of its own work
        # (outside the checkpoint: its tasks are not the run's); the workers start meanwhile
        total = 0.0
        start_workers(args.jobs)
        for name in names:
            if lines is not None:
                lines.phase(f"{name}: measuring a short pilot to estimate the duration")
            expected = _estimate(name, args, n_tasks[name])
            total += expected.wall
            print(f"{name}: a pilot measured {expected.cpu:.3g} CPU-s in all, so expect "
                  f"about {duration(expected.wall)} on {args.jobs} worker(s)", flush=True)
        if len(names) > 1:
            print(f"all: expect about {duration(total)} in all", flush=True)
        confirm_duration(args, total, f"reproduce {args.scenario}")
        with task_store(outputs.checkpoint):
            for name in names:
                if lines is not None:
                    lines.phase(name)
                print(f"{name}: running ...", flush=True)
                start = time.perf_counter()
                table, fig, summary = SCENARIOS[name](args)
                csv = outputs.write_csv(table, f"{name}.csv")
                png = outputs.save_figure(fig, f"{name}.png", dpi=120)
                plt.close(fig)
                print(f"{name}: done in {duration(time.perf_counter() - start)}; wrote {csv} "
                      f"and {png}", flush=True)
                if summary is not None and len(summary):
                    with pd.option_context("display.width", 120, "display.max_columns", 20):
                        print(summary.to_string(index=False,
                                                float_format=lambda v: f"{v:.4g}"))
                if summary.attrs.get("direction"):  # which way is better, in words
                    print(summary.attrs["direction"])
    outputs.finish()
    return 0
