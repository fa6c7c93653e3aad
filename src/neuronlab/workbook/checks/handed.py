"""Calling the learner's function as a careful check does: on copies of what it is handed,
looking at those copies afterwards (an argument changed in place is named), and twice
(a second call with the same arguments must give the same result).

Used by the checks of exercises 13-17; ``call_learner`` (``arrays``) turns what
the learner's code raises into a finding, as for the other NumPy exercises.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ...nn.engines import TENSOR
from ..findings import Finding, failed
from .arrays import call_learner, entry_text

__all__ = ["call_twice", "call_watched", "same_result"]


class _Bound:
    """The learner's function with its arguments bound, still known by the learner's code
    (``call_learner`` points at the learner's line through ``__code__``)."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.fn, self.args = fn, args
        self.__code__ = getattr(fn, "__code__", None)

    def __call__(self) -> Any:
        return self.fn(*self.args)


def _copied(value: Any) -> Any:
    if TENSOR.is_node(value):
        return value  # a Tensor is handed as it is: its data is compared before and after
    if isinstance(value, np.ndarray):
        return value.copy()
    return copy.deepcopy(value)


def _plain(value: Any) -> Any:
    """What is compared before and after: a Tensor by its numbers, the rest as it is."""
    return value.data.copy() if TENSOR.is_node(value) else _copied(value)


def same_result(a: Any, b: Any) -> bool:
    """Whether two results are the same: arrays entry by entry (nan equal to nan), dicts by
    key, lists and tuples item by item, anything else by ==."""
    if TENSOR.is_node(a) or TENSOR.is_node(b):
        a, b = getattr(a, "data", a), getattr(b, "data", b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            x, y = np.asarray(a), np.asarray(b)
            return x.shape == y.shape and bool(np.array_equal(x, y, equal_nan=x.dtype.kind == "f"))
        except (TypeError, ValueError):
            return False
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_result(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_result(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b) or (a != a and b != b)  # nan == nan here
    except (TypeError, ValueError):
        return False


def _where_changed(before: Any, after: Any) -> str:
    """`` (entry [0, 3] was 2, is now 3)`` for an array changed in place, or ""."""
    if not isinstance(before, np.ndarray) or not isinstance(after, np.ndarray):
        return ""
    if before.shape != after.shape:
        return f" (its shape was {before.shape}, is now {after.shape})"
    diff = np.argwhere(~((before == after) | ((before != before) & (after != after))))
    if not len(diff):
        return ""
    index = tuple(int(i) for i in diff[0])
    was, now = before[index].item(), after[index].item()
    return f" (entry {entry_text(index)} was {was!r}, is now {now!r})"


def _changed(names: tuple[str, ...], before: list[Any], after: list[Any]) -> str:
    """The first argument (by name) that is not what it was, and where."""
    for name, b, a in zip(names, before, after):
        if isinstance(b, Mapping) and isinstance(a, Mapping):
            for key in b:
                if key in a and not same_result(b[key], a[key]):
                    return f"{name}[{key!r}]" + _where_changed(b[key], _plain(a[key]))
            if b.keys() != a.keys():
                return f"{name} (its keys)"
        elif not same_result(b, a):
            return name + _where_changed(b, _plain(a))
    return ""


def call_watched(
    fn: Callable[..., Any],
    call: str,
    likely: str,
    args: Mapping[str, Any],
    *,
    sure: bool = False,
    may_change: tuple[str, ...] = (),
) -> Any:
    """What ``fn`` returns on copies of ``args`` (name -> value, in order); a failed
    finding when it raised (as ``call_learner`` says) or changed an argument in place
    (one of ``may_change`` excepted)."""
    names = tuple(args)
    given = tuple(_copied(a) for a in args.values())
    before = [_plain(a) for a in given]
    got = call_learner(_Bound(fn, given), call, likely, sure=sure)
    if isinstance(got, Finding):
        return got
    watched = [n for n in names if n not in may_change]
    keep = [names.index(n) for n in watched]
    changed = _changed(tuple(watched), [before[i] for i in keep], [_plain(given[i]) for i in keep])
    if changed:
        name, _, where = changed.partition(" (")
        return failed(
            f"{call} changed its argument {name} in place" + (f" ({where}" if where else ""),
            likely=(
                "the caller's array is not yours to change: work on a copy "
                "(x = x + 1 makes a new array; x += 1 or x[...] = changes the one you were handed)"
            ),
        )
    return got


def call_twice(
    fn: Callable[..., Any],
    call: str,
    likely: str,
    args: Mapping[str, Any],
    *,
    sure: bool = False,
    same: Callable[[Any, Any], bool] = same_result,
) -> Any:
    """``call_watched`` twice with the same arguments: the first result, or a failed
    finding when the second call gave another one (state kept between calls)."""
    first = call_watched(fn, call, likely, args, sure=sure)
    if isinstance(first, Finding):
        return first
    second = call_watched(fn, call, likely, args, sure=sure)
    if isinstance(second, Finding):
        return second
    if not same(first, second):
        return failed(
            f"{call}, called twice with the same arguments, gave two different results",
            f"first {_short(first)}, then {_short(second)}",
            likely=(
                "something is kept between calls (a table or generator made outside the "
                "function, or a global): make everything a call needs inside it"
            ),
        )
    return first


def _short(x: Any) -> str:
    return f"{np.asarray(x).ravel()[:6]!r:.80}" if isinstance(x, np.ndarray) else f"{x!r:.80}"
