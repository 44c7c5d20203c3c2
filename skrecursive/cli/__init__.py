"""The ``skrecursive`` command.

Subcommands add themselves to :data:`SUBCOMMANDS`: each entry maps a name to
``(help, configure, run)`` where ``configure(parser)`` declares its arguments and
``run(args)`` does the work and returns an exit status.
"""

import argparse
import sys

from ..theory import limiting_risk, naive_weight, optimal_weight
from . import _adult, _reproduce
from ._errors import CLIError

__all__ = ["main", "CLIError"]


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (value > 0 and value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _configure_theory(parser):
    parser.add_argument(
        "--k",
        type=_positive_float,
        nargs="+",
        default=[1.0],
        metavar="K",
        help="ratio of real to synthetic rows per generation, n/m (one or more; default 1)",
    )


def _run_theory(args):
    rows = []
    for k in args.k:
        w_opt, w_naive = optimal_weight(k), naive_weight(k)
        rows.append((k, w_opt, w_naive, limiting_risk(w_opt, k), limiting_risk(w_naive, k)))
    header = ("k", "w*(k)", "naive k/(1+k)", "risk at w*", "risk naive")
    print("Limiting risk relative to real data only (He, Xu & Cheng 2026):")
    print("".join(f"{h:>15}" for h in header))
    for row in rows:
        print("".join(f"{v:>15.4g}" for v in row))
    return 0


SUBCOMMANDS = {
    "theory": (
        "optimal and naive weights with their limiting risks for given k",
        _configure_theory,
        _run_theory,
    ),
    "adult": (
        "the paper's experiments on the UCI Adult data: error versus weight, and the "
        "recursive classifier's test log-loss and accuracy per generation",
        _adult.configure,
        _adult.run,
    ),
    "reproduce": (
        "run the paper's simulation scenarios, writing CSV files and figures",
        _reproduce.configure,
        _reproduce.run,
    ),
}


def build_parser():
    """The argument parser of the ``skrecursive`` command."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="skrecursive",
        description="Recursive training on mixed real and synthetic data without collapse.",
    )
    parser.add_argument("--version", action="version", version=f"skrecursive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (help_text, configure, run) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        configure(p)
        p.set_defaults(_run=run)
    return parser


def main(argv=None):
    """Entry point of the ``skrecursive`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args._run(args)
    except CLIError as exc:
        print(f"skrecursive {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

