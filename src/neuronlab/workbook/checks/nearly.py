"""Comparing float32 results: within a relative tolerance, not to the last bit.

A learner's float32 computation and neuronlab's own agree only to about
seven digits when they add the same numbers in another order; ``compare_near``
says what ``arrays.problem`` says (the type, the shape, inf or nan, the
largest difference), with the usual mistakes matched to the same tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..findings import Finding, failed
from .arrays import Mistake, as_array, compare, problem

__all__ = ["FLOAT32", "compare_library", "compare_near", "near", "near_mistake"]

#: How close float32 results must be: this fraction of the largest entry (about 80 ulps).
FLOAT32 = 1e-5


def near(got: np.ndarray, expected: np.ndarray, rel: float = FLOAT32, scale: float = 0.0) -> bool:
    """Same shape, finite, and every entry within ``rel`` of the largest entry of ``expected``
    (or of ``scale``, when that is larger)."""
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape or not np.isfinite(got).all():
        return False
    size = max(float(np.abs(expected).max(initial=0.0)), scale)
    return bool(np.all(np.abs(got - expected) <= rel * size + 1e-30))


def near_mistake(
    got: np.ndarray, mistakes: Sequence[Mistake], rel: float = FLOAT32, scale: float = 0.0
) -> str:
    """The first usual mistake whose array is ``got``, to ``rel`` (of ``scale``, if larger)."""
    for text, candidate in mistakes:
        if candidate is not None and near(got, np.asarray(candidate, dtype=np.float64), rel, scale):
            return text
    return ""


def compare_near(
    name: str,
    where: str,
    got: Any,
    expected: Any,
    mistakes: Sequence[Mistake] = (),
    unstable: str = "",
    rel: float = FLOAT32,
) -> Finding | None:
    """None when ``got`` is ``expected`` to ``rel``; otherwise a failed finding saying what is
    wrong and which usual mistake it looks like."""
    e = np.asarray(expected, dtype=np.float64)
    a = as_array(got)
    if a is not None and near(a, e, rel):
        return None
    found = problem(got, e, (), unstable)
    if found is None:  # within problem's own (tighter) tolerance: cannot happen, but be safe
        return None
    summary, details, likely = found
    if a is not None:
        likely = near_mistake(a, mistakes, rel) or (
            "" if likely.startswith("nearly right") else likely
        )
    return failed(f"{name} {where} {summary}", *details, likely=likely)


def compare_library(
    name: str,
    where: str,
    got: Any,
    expected: Any,
    mistakes: Sequence[Mistake] = (),
    unstable: str = "",
) -> Finding | None:
    """``arrays.compare`` for a reference that is neuronlab's own code, not autograd: the
    same finding, saying whose numbers differ."""
    wrong = compare(name, where, got, np.asarray(expected), mistakes, unstable)
    if wrong is None:
        return None
    message = wrong.message.replace("differs from autograd's", "differs from neuronlab's")
    return failed(message, *wrong.details, likely=wrong.likely)
