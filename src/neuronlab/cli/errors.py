"""How the command line ends: exit statuses, and the error that is one line on stderr."""

from __future__ import annotations

__all__ = ["EXIT_DIVERGED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "UsageError"]

#: Everything went as asked.
EXIT_OK = 0
#: Training stopped because the loss or a parameter stopped being a finite number.
EXIT_DIVERGED = 1
#: A bad argument or input file: one line on stderr, nothing done.
EXIT_USAGE = 2
#: Stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A bad argument: reported as its one-line message on stderr, exit status 2."""
