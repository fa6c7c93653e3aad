"""What the learner's code left behind while a check ran: the line it was on, and its warnings.

A check runs the learner's functions from neuronlab's own code, so every
question here is "which of these frames (or warnings) are the learner's?":
those of the learner's file when there is one, else (a notebook) those of
code that is neither neuronlab's nor Python's or an installed package's.
``learner_line`` names the line an error came from, ``line_of_frame`` the
line a stopped check was on, and ``warnings_finding`` turns the warnings the
learner's code raised (NumPy's "overflow encountered in exp", say, which
leaves an answer right only by rounding) into a failed finding.
"""

from __future__ import annotations

import linecache
import os
import sysconfig
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from .findings import Finding, failed

__all__ = ["defined_at", "is_learners", "learner_line", "line_of_frame", "warnings_finding"]

_OURS = str(Path(__file__).resolve().parents[1])  # the neuronlab package
_PYTHONS = tuple(
    {
        str(Path(p).resolve())
        for k in ("stdlib", "platstdlib", "purelib", "platlib")
        if (p := sysconfig.get_paths().get(k))
    }
)


def is_learners(filename: str, file: str | None) -> bool:
    """Whether code of ``filename`` is the learner's: their file ``file``, or (no file: a
    notebook) code that is not neuronlab's, Python's or an installed package's."""
    if file:
        try:
            return os.path.exists(filename) and os.path.samefile(filename, file)
        except OSError:
            return False
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    resolved = str(Path(filename).resolve())
    return not resolved.startswith((_OURS, *_PYTHONS))


def learner_line(error: BaseException, file: str | None) -> str:
    """Where in the learner's file an error came from: ``line 12: return a * b`` (or "")."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = [f for f in frames if is_learners(f.filename, file)]
    if not mine:
        return ""
    last = mine[-1]
    return f"line {last.lineno}: {(last.line or '').strip()}"


def line_of_frame(
    frame: FrameType | None, file: str | None, outermost: FrameType | None = None
) -> tuple[str, str]:
    """The innermost learner's frame from ``frame`` outward, short of ``outermost`` (the
    frame that ran the check): (its function, ``line 7: while True:``), or ("", "") when
    none of those frames is the learner's."""
    while frame is not None and frame is not outermost:
        code = frame.f_code
        if is_learners(code.co_filename, file):
            text = linecache.getline(code.co_filename, frame.f_lineno).strip()
            return code.co_name, f"line {frame.f_lineno}" + (f": {text}" if text else "")
        frame = frame.f_back
    return "", ""


def _likely(message: str) -> str:
    """The usual cause of a warning the learner's code raised."""
    if "overflow" in message and "exp" in message:
        return (
            "e^z overflowed to inf (NumPy warns and goes on, so an answer can even come out "
            "right, by rounding): raise e only to numbers <= 0: for a sigmoid e^z / (1 + e^z) "
            "when z < 0, for a tanh e^(-2|x|), for a softmax subtract the row's largest value"
        )
    if "overflow" in message and "scalar" in message:
        return (
            "a number grew past what its type holds: in a small integer type (uint8 up to "
            "255, int16 up to 32,767) it wraps around, in a float it becomes inf; count in "
            "int (64 bits) and compute in float64"
        )
    if "overflow" in message:
        return "a number grew past the largest float (about 1.8e308) and became inf"
    if "divide by zero" in message and "log" in message:
        return (
            "log(0) is -inf: a probability rounded to 0 before its log; take the log first, "
            "log p = (z - max) - log Σ e^(z - max)"
        )
    if "divide by zero" in message:
        return "a division by 0 gave inf: which denominator can be 0 here?"
    if "invalid value" in message:
        return "a nan was made (0/0, inf - inf or inf / inf): nan then spreads to every sum"
    return "a warning is a problem your code went past: fix what it says"


def warnings_finding(caught: Sequence[warnings.WarningMessage], file: str | None) -> Finding | None:
    """A failed finding for the warnings that the learner's code raised, or None."""
    mine = [w for w in caught if is_learners(w.filename, file)]
    if not mine:
        return None
    lines = []
    for w in mine:
        text = linecache.getline(w.filename, w.lineno).strip()
        where = f"at line {w.lineno}" + (f": {text}" if text else "")
        lines.append(f"{w.category.__name__}: {w.message}, {where}")
    details = list(dict.fromkeys(lines))[:3]
    return failed(
        f"your code raised a warning while it was checked: {mine[0].category.__name__}: "
        f"{mine[0].message}",
        *details,
        likely=_likely(str(mine[0].message)),
    )


def defined_at(fn: Any) -> str:
    """`` (line 58: def backward)``, where the learner defined ``fn``; "" for what has no code."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return ""
    return f" (line {code.co_firstlineno}: def {getattr(fn, '__name__', '?')})"
