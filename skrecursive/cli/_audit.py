"""``skrecursive audit``: will a synthesizer collapse on my table, and what weight avoids it?

Reads the table (CSV, Parquet or a bundled table's name), checks every
argument, the output folder and the table itself (the synthesizer and the
metrics are tried once on it, which also gives the estimated duration) before
any loop starts, then runs :func:`skrecursive.reproduce.audit` and writes the
CSV files, the figures and the HTML report to ``--out``.

Exit status: 0 on success, 2 for a usage or data error (one line, nothing
written), 1 when the run itself fails (one line; outputs already in ``--out``
are left as they were, every file being replaced atomically).
"""

import sys
import time

from ._common import RunOutputs, add_run_options, confirm_duration, number, progress
from ._errors import CLIError

__all__ = ["configure", "run"]


def configure(parser):
    # names are checked by the audit itself: building the parser imports no library
    parser.add_argument("table", metavar="TABLE",
                        help="a CSV or Parquet file (Parquet needs pyarrow), or a bundled "
                        "table: adult")
    parser.add_argument("--target", metavar="COL", default=None,
                        help="column whose prediction measures utility (train on synthetic, "
                        "test on real); none by default")
    parser.add_argument("--synthesizer", default="copula", metavar="NAME",
                        help="copula: GaussianCopula (default); tree: the sequential tree "
                        "synthesizer")
    parser.add_argument("--weights", metavar="COL", default=None,
                        help="column of row weights (e.g. survey weights): removed from the "
                        "table, used in every fit, and the optimal weight uses their effective "
                        "sample size")
    parser.add_argument("--generations", type=number(int, low=1), default=10, metavar="G",
                        help="generations after the first fit (default 10)")
    parser.add_argument("--repeats", type=number(int, low=2), default=5, metavar="R",
                        help="repeats of every loop (default 5)")
    parser.add_argument("--n", type=number(int, low=2), default=None, metavar="N",
                        help="fresh real rows per generation (default: 1000, or the training "
                        "rows if fewer)")
    parser.add_argument("--k", type=number(float, low=0, low_open=True), default=1.0,
                        help="real rows per synthetic row (default 1)")
    parser.add_argument("--validation", type=number(int, low=10), default=None, metavar="V",
                        help="held-out real rows per repeat (default: 2000, or a quarter of "
                        "the rows if fewer)")
    add_run_options(parser, out="./skrecursive-audit/")


def run(args):
    from ..reproduce import AUDIT_OUTPUTS, plan_audit

    if args.resume:
        raise CLIError("--resume: the audit keeps no checkpoint (its default run takes about a "
                       "minute); run it again without --resume")
    start = time.perf_counter()
    try:
        plan = plan_audit(args.table, target=args.target, synthesizer=args.synthesizer,
                          weight_column=args.weights, n_generations=args.generations,
                          n_repeats=args.repeats, n_real=args.n, k=args.k,
                          n_validation=args.validation, random_state=args.seed,
                          n_jobs=args.jobs, verbose=2 if progress(args) else 1)
    except (ValueError, TypeError) as exc:
        raise CLIError(str(exc)) from None
    # the pilot's estimate, as every run of the command: absurd durations need the flag
    confirm_duration(args, plan.expected_seconds, "skrecursive audit")
    outputs = RunOutputs(args.out, list(AUDIT_OUTPUTS))

    import matplotlib

    matplotlib.use("Agg")
    from ._io import atomic_write

    try:
        result = plan.run()
        paths = []
        for name, content in result.files().items():
            paths.append(outputs.path(name))
            with atomic_write(paths[-1], "wb" if isinstance(content, bytes) else "w") as fh:
                fh.write(content)
    except Exception as exc:  # noqa: BLE001 - a failed run is one line and status 1
        print(f"skrecursive audit: error: the audit failed: {type(exc).__name__}: {exc}"
              .splitlines()[0], file=sys.stderr)
        return 1
    answer = result.answer
    low, high = answer["interval"]
    print(f"marginal distance at the last generation (lower is better): "
          f"{answer['optimal_last']:.4g} at w*; w=0 minus w*: "
          f"{answer['w=0_minus_optimal']:+.4g}; naive minus w*: "
          f"{answer['naive_minus_optimal']:+.4g} (audit_summary.csv)")
    print(f"recommended weight w = {answer['recommended_weight']:.4g}; weights from {low:.4g} "
          f"to {high:.4g} did as well within 2 standard errors (audit_weight_curve.csv)")
    for path in paths:
        print(f"wrote {path}")
    print(f"skrecursive audit finished in {time.perf_counter() - start:.0f} s")
    return 0
