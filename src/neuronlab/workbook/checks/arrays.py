"""What the checks of the learner's NumPy backward passes (exercises 10-12) share.

The learner's arrays are held against the gradients neuronlab's tensor
engine leaves in ``.grad``, entry by entry: ``close`` within a fraction of
the largest entry, ``problem`` says what is wrong (the type, the shape, or
the largest difference and where, both numbers) and which usual mistake
gives exactly that array; ``call_learner`` calls the learner's function on
copies of the arguments, turns whatever it raises into a finding, and names
an argument it changed in place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ...tensor import F64, Tensor
from ...util.numbers import format_number
from ..findings import Finding, failed
from ..traces import learner_line
from .probes import argument_names, changed_argument

__all__ = [
    "RELATIVE",
    "Arrays",
    "Mistake",
    "as_array",
    "attempt",
    "call_learner",
    "close",
    "compare",
    "entry_text",
    "likely_mistake",
    "number_text",
    "problem",
    "scaled",
    "shape_text",
    "tensor_of",
    "worst_entry",
]


#: A usual mistake: what it looks like (the ``likely`` sentence) and the array it gives.
Mistake = tuple[str, "np.ndarray | float | None"]
Arrays = dict[str, np.ndarray]

#: How close counts as right: within this fraction of the gradient's largest entry.
RELATIVE = 1e-9


def tensor_of(a: Any, grad: bool = True) -> Tensor:
    return Tensor(np.asarray(a, dtype=np.float64), dtype=F64, requires_grad=grad)


def shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def number_text(x: float, digits: int = 6) -> str:
    return format_number(float(x), digits)


def as_array(got: Any) -> np.ndarray | None:
    """``got`` as a float64 array, or None when it is not numbers."""
    if got is None:
        return None
    try:
        a = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return a if a.dtype == np.float64 else None


def close(got: np.ndarray, expected: np.ndarray) -> bool:
    """Same shape, and every entry within RELATIVE of the largest entry of ``expected``."""
    if got.shape != expected.shape or not np.isfinite(got).all():
        return False
    scale = float(np.abs(expected).max(initial=0.0))
    return bool(np.all(np.abs(got - expected) <= RELATIVE * scale + 1e-300))


def worst_entry(got: np.ndarray, expected: np.ndarray) -> tuple[tuple[int, ...], float, float]:
    """The entry where ``got`` (of ``expected``'s shape) is furthest off (nan and inf first)."""
    with np.errstate(all="ignore"):
        gap = np.abs(got - expected)
    gap = np.where(np.isfinite(gap), gap, np.inf)
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), got.shape))
    return index, float(expected[index]), float(got[index])


def entry_text(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]" if index else ""


def likely_mistake(got: np.ndarray, mistakes: Sequence[Mistake]) -> str:
    """The first usual mistake that gives exactly ``got``."""
    for text, candidate in mistakes:
        if candidate is not None and close(got, np.asarray(candidate, dtype=np.float64)):
            return text
    return ""


def scaled(got: np.ndarray, expected: np.ndarray) -> str:
    """The likely mistake when ``got`` is ``expected`` times one number c (not 1) everywhere:
    a factor too many, or one missing; "" otherwise."""
    big = np.abs(expected) > 1e-12 * float(np.abs(expected).max(initial=0.0))
    if got.shape != expected.shape or not big.any() or not np.isfinite(got).all():
        return ""
    ratios = got[big] / expected[big]
    c = float(ratios.flat[0])
    if c == 1.0 or abs(c) < 1e-12 or not np.allclose(ratios, c, rtol=1e-7, atol=0.0):
        return ""
    if not close(got, c * expected):  # the entries near 0 must fit too
        return ""
    factor = f"1/{format_number(1 / c, 4)}" if abs(c) < 1 else format_number(c, 4)
    return (
        f"every entry is {factor} times the right one: a factor too many or one missing — "
        "divided by the batch size n, a mean where a sum belongs (or a sum where a mean "
        "belongs), or a 2 of a square's derivative?"
    )


def problem(
    got: Any, expected: np.ndarray, mistakes: Sequence[Mistake] = (), unstable: str = ""
) -> tuple[str, list[str], str] | None:
    """None when ``got`` is ``expected``; otherwise (what is wrong, details, likely mistake).

    What is wrong is its type, its shape, or its largest difference and where;
    ``unstable`` is the likely mistake when ``got`` has inf or nan and autograd does not.
    """
    a = as_array(got)
    if a is None:
        return f"is not an array of numbers but {type(got).__name__}: {got!r:.60}", [], ""
    if close(a, expected):
        return None
    likely = likely_mistake(a, mistakes)
    if a.shape != expected.shape:
        if expected.shape == () and a.size == 1 and close(a.reshape(()), expected):
            return (
                f"is an array of shape {shape_text(a.shape)}, not one number",
                [],
                "the number is right: return float(...) of it",
            )
        if a.shape == ():
            wanted = shape_text(expected.shape)
            return f"is one number; expected an array of shape {wanted}", [], likely
        return f"has shape {shape_text(a.shape)}; expected {shape_text(expected.shape)}", [], likely
    finite = np.isfinite(a)
    if not finite.all():
        bad = tuple(int(i) for i in np.argwhere(~finite)[0])
        at = f" at {entry_text(bad)}" if bad else ""
        likely = likely or (unstable if np.isfinite(expected).all() else "")
        said = [f"got {number_text(a[bad])}{at}"]
        return "has inf or nan where autograd's is finite", said, likely
    index, e, g = worst_entry(a, expected)
    scale = float(np.abs(expected).max(initial=0.0))
    if not likely and abs(g - e) <= 1e-5 * scale:
        likely = "nearly right (within 1e-5): is something computed in float32, or rounded?"
    likely = likely or scaled(a, expected)
    summary = "differs from autograd's" + (f" most at {entry_text(index)}" if index else "")
    digits = 6 if abs(g - e) > 1e-5 * max(abs(e), abs(g)) else 15  # enough to tell them apart
    off = number_text(abs(g - e))
    return (
        summary,
        [f"expected {number_text(e, digits)}, got {number_text(g, digits)} (off by {off})"],
        likely,
    )


def compare(
    name: str,
    where: str,
    got: Any,
    expected: np.ndarray,
    mistakes: Sequence[Mistake] = (),
    unstable: str = "",
) -> Finding | None:
    """None when ``got`` is ``expected``; otherwise a failed finding saying what is wrong.

    ``name`` is the result ("dA"), ``where`` the case ("for A (2, 3) @ B (3, 3)").
    """
    found = problem(got, expected, mistakes, unstable)
    if found is None:
        return None
    summary, details, likely = found
    return failed(f"{name} {where} {summary}", *details, likely=likely)


def call_learner(fn: Any, call: str, likely: str, *args: Any, sure: bool = False) -> Any:
    """What the learner's ``fn`` returns on copies of ``args``; a NumPy shape or index
    error becomes a failed finding (``call`` and the learner's line) with ``likely`` as its
    likely mistake, or (unless ``sure``) the one a broadcasting error points at; so does an
    argument the call changed in place (``logits -= ...`` on the caller's array)."""
    given = [copy.deepcopy(a) for a in args]
    try:
        got = fn(*given)
    except (ValueError, IndexError) as error:
        code = getattr(fn, "__code__", None)
        where = learner_line(error, getattr(code, "co_filename", None))
        return failed(
            f"{call} raised {type(error).__name__}: {str(error)[:200]}",
            *([f"at {where}"] if where else []),
            likely=_BROADCAST if "could not be broadcast" in str(error) and not sure else likely,
        )
    names = argument_names(fn, len(args))
    name = getattr(fn, "__name__", "your function")
    changed = changed_argument(name, call, dict(zip(names, args)), dict(zip(names, given)))
    return changed if changed is not None else got


#: The likely mistake behind an elementwise operation on shapes that do not broadcast.
_BROADCAST = (
    "an entry-by-entry operation on shapes that do not fit: * multiplies entry by entry (the "
    "matrix product is @), and a sum without keepdims=True gives (n,) where (n, 1) belongs"
)


def attempt(fn: Callable[[], Any]) -> np.ndarray | None:
    """A usual mistake's result, or None where its shapes do not even line up."""
    try:
        with np.errstate(all="ignore"):
            return np.asarray(fn(), dtype=np.float64)
    except (ValueError, IndexError):
        return None
