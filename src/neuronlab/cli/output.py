"""What the command line prints: results on stdout, notes and warnings on stderr, one line each.

Every number goes through ``figure`` (``util.numbers.format_number``): short,
and scientific when huge, so a run whose loss explodes prints ``3.2e+104``, not
a hundred digits.  When stdout is a pipe whose reader has gone (``neuronlab
... | head``), ``say`` sends the rest of the output to the null device and the
run carries on quietly: a model being trained is still saved.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

from ..training import History
from ..util.numbers import format_number

__all__ = [
    "figure",
    "final_line",
    "flush_stdout",
    "note",
    "print_warning",
    "progress_printer",
    "say",
    "silence_stdout",
]

#: Significant digits of every figure the command prints (the demo's loss reads 0.0126).
DIGITS = 3

_state = {"silenced": False}


def figure(x: float, digits: int = DIGITS) -> str:
    """A number as the command prints it: ``0.0126``, ``12.3``, ``3.2e+104``, ``nan``."""
    return format_number(x, digits)


def silence_stdout() -> None:
    """Send whatever is still to be printed to the null device (stdout's reader has gone)."""
    _state["silenced"] = True
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # a stdout without a file descriptor
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 -- lives as long as the process
    finally:
        os.close(devnull)


def say(text: str = "", *, flush: bool = False) -> bool:
    """Print one line on stdout; False once nobody reads it any more (then nothing is shown)."""
    if _state["silenced"]:
        return False
    try:
        print(text, flush=flush)
    except BrokenPipeError:
        silence_stdout()
        return False
    return True


def flush_stdout() -> None:
    """Flush stdout before exiting, quietly when its reader has gone."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    except (OSError, ValueError):  # closed or otherwise gone: nothing left to show
        pass


def note(text: str) -> None:
    """A note on stderr: ``neuronlab: note: ...``, one line."""
    with contextlib.suppress(OSError, ValueError):
        print(f"neuronlab: note: {' '.join(text.split())}", file=sys.stderr, flush=True)


def print_warning(
    message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    """A warning on the command line: one line on stderr, no file name or source line."""
    text = " ".join(str(message).split())
    with contextlib.suppress(OSError, ValueError):
        print(f"neuronlab: warning: {text}", file=sys.stderr, flush=True)


def progress_printer(total: int, every: int) -> Callable[[int, History], None]:
    """A ``fit`` callback printing the loss (and accuracy) every ``every`` epochs."""

    def report(epoch: int, history: History) -> None:
        """Print epoch ``epoch``'s figures when it is one to show."""
        if epoch % every == 0 or epoch == total or epoch == 1:
            acc = history.accuracy[-1]
            acc_text = f"  accuracy {acc:.0%}" if acc is not None else ""
            say(f"epoch {epoch:4d}/{total}  loss {figure(history.loss[-1])}{acc_text}", flush=True)

    return report


def final_line(history: History) -> str:
    """``final loss 0.0126, accuracy 100.0%``: the last epoch's figures."""
    line = f"final loss {figure(history.loss[-1])}"
    accuracy = history.accuracy[-1]
    if accuracy is not None:
        line += f", accuracy {accuracy:.1%}"
    return line
