"""The one exception type the ``skrecursive`` subcommands raise for user errors."""

__all__ = ["CLIError"]


class CLIError(Exception):
    """A user error, reported as one line on stderr with exit status 2 (no traceback).

    ``command`` names the (sub)command the message is about, when known.
    """

    def __init__(self, message, *, command=None):
        super().__init__(message)
        self.command = command
