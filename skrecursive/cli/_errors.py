"""The exception types the ``skrecursive`` subcommands raise for errors they report."""

__all__ = ["CLIError", "WorkError"]


class CLIError(Exception):
    """A user error, reported as one line on stderr with exit status 2 (no traceback).

    Usage, data and checkpoint errors: the command did not start its work, or
    stopped because its input (the bundled data, a checkpoint) cannot be used.
    ``command`` names the (sub)command the message is about, when known.
    """

    status = 2

    def __init__(self, message, *, command=None):
        # one line, whatever the message held
        super().__init__(" ".join(str(message).split()))
        self.command = command


class WorkError(CLIError):
    """The work itself failed: one line on stderr, exit status 1."""

    status = 1
