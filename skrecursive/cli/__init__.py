"""The ``skrecursive`` command: argument parsing and printing only.

Subcommands add themselves to :data:`SUBCOMMANDS`: each entry maps a name to
``(help, configure, run)`` where ``configure(parser)`` declares its arguments
(the shared ones through :func:`._common.add_run_options`) and ``run(args)``
does the work and returns an exit status.

Every error is one line on stderr (``skrecursive COMMAND: error: ...``), never
a traceback, and every warning one line (``skrecursive COMMAND: warning:
...``). Exit status: 0 on success; 2 for a usage, data or checkpoint error
(every argument, the output folder, the memory and the expected duration of a
run are checked before any computation starts; a missing or damaged bundled
data file and an unusable checkpoint end the run with one line); 1 for a
failure of the work itself (the line names the exception, and says whether
completed tasks were kept for ``--resume``); 130 when interrupted (Ctrl-C, at
any moment, start-up included: one line, and the output folder stays
consistent and resumable with ``--resume``).
"""

import signal
import sys

from ._errors import CLIError, WorkError

__all__ = ["main", "CLIError", "WorkError"]


def _configure_theory(parser):
    from ._common import number

    parser.add_argument(
        "--k",
        type=number(float, low=0, low_open=True),
        nargs="+",
        default=[1.0],
        metavar="K",
        help="ratio of real to synthetic rows per generation, n/m (one or more; default 1)",
    )


def _run_theory(args):
    from ..theory import limiting_risk, naive_weight, optimal_weight

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


def _subcommands():
    from . import _adult, _audit, _reproduce

    return {
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
        "audit": (
            "will a synthesizer collapse on your table? the recursive loop at w = 0, naive, "
            "w* and real only, with a weight curve and an HTML report",
            _audit.configure,
            _audit.run,
        ),
    }


def build_parser():
    """The argument parser of the ``skrecursive`` command."""
    from .. import __version__
    from ._common import Parser

    parser = Parser(
        prog="skrecursive",
        description="Recursive training on mixed real and synthetic data without collapse.",
    )
    parser.add_argument("--version", action="version", version=f"skrecursive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name, (help_text, configure, run) in _subcommands().items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        configure(p)
        p.set_defaults(_run=run)
    return parser


def _main(argv):
    import warnings

    command = "skrecursive"

    def one_line(message, category, filename, lineno, file=None, line=None):
        text = " ".join(str(message).split())
        print(f"{command}: warning: {text}", file=sys.stderr, flush=True)

    with warnings.catch_warnings():
        warnings.showwarning = one_line
        try:
            args = build_parser().parse_args(argv)
            command = f"skrecursive {args.command}"
            return args._run(args)
        except CLIError as exc:
            print(f"{exc.command or command}: error: {exc}", file=sys.stderr)
            return exc.status
        except Exception as exc:  # noqa: BLE001 - the command never prints a traceback
            from ._common import describe_failure

            status, message = describe_failure(exc)
            print(f"{command}: error: {message}", file=sys.stderr)
            return status


def main(argv=None):
    """Entry point of the ``skrecursive`` command; returns the exit status."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # a second Ctrl-C while the one line is printed must not add a traceback
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            print("skrecursive: interrupted", file=sys.stderr)
        finally:
            signal.signal(signal.SIGINT, previous)
        return 130
