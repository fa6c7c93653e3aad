"""What a wrong answer most likely came from: the usual mistakes' answers, side by side.

A check computes the right answer and, beside it, what each usual mistake
would have given (``{"the bias is missing: add b": w·x, ...}``); ``likely``
names the first mistake whose answer is the learner's.  ``number`` reads what
the learner returned as a float (or None), ``close`` compares two numbers and
``show`` writes numbers as the messages do.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...util.numbers import format_number

__all__ = ["Answer", "close", "likely", "number", "numbers_of", "show"]

#: A number, or several (a list of weights): what a candidate answer may be.
Answer = float | Sequence[float]


def number(x: Any) -> float | None:
    """``x`` as a float when it is a real number (int, float, bool, NumPy scalar); else None."""
    if isinstance(x, numbers.Real):
        return float(x)
    if hasattr(x, "item") and hasattr(x, "dtype") and getattr(x, "size", 0) == 1:
        return number(x.item())  # a NumPy array holding one number
    return None


def numbers_of(xs: Any) -> list[float] | None:
    """A list (or tuple, or NumPy array) of real numbers as floats; None if it is not one."""
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Iterable):
        return None
    out = [number(x) for x in xs]
    return None if any(x is None for x in out) else [x for x in out if x is not None]


def close(a: float, b: float, rel: float = 1e-9, tiny: float = 1e-12) -> bool:
    """``a`` and ``b`` agree to ``rel`` (or both are within ``tiny`` of each other)."""
    if math.isnan(a) or math.isnan(b):
        return False
    return math.isclose(a, b, rel_tol=rel, abs_tol=tiny)


def _matches(got: Answer, answer: Answer, rel: float) -> bool:
    if isinstance(got, (int, float)) or isinstance(answer, (int, float)):
        return (
            isinstance(got, (int, float))
            and isinstance(answer, (int, float))
            and close(got, answer, rel)
        )
    return len(got) == len(answer) and all(close(g, a, rel) for g, a in zip(got, answer))


def likely(got: Answer, candidates: Mapping[str, Answer], rel: float = 1e-7) -> str:
    """The first usual mistake (a key of ``candidates``) whose answer is ``got``; "" if none."""
    for mistake, answer in candidates.items():
        if _matches(got, answer, rel):
            return mistake
    return ""


def show(x: Any, digits: int = 6) -> str:
    """A number, or a list of numbers, as the messages write them: ``0.786``, ``[1, -0.5]``."""
    value = number(x)
    if value is not None:
        return format_number(value, digits)
    listed = numbers_of(x)
    if listed is not None:
        return "[" + ", ".join(format_number(v, digits) for v in listed) + "]"
    return repr(x)[:60]
