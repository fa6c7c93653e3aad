"""Probes that look past one call on the worked example: what a single right answer can hide.

A learner's function can give the worked example's answer and still be
wrong: it changes the caller's list or array in place, it ignores one of its
arguments (or has the answer written in), it keeps state from one call to
the next, or it uses a function that is itself wrong.  Every check may use
these:

- ``Watch(fn, name)``: call the learner's function through it; ``changed()``
  is a failed finding naming the first argument a call changed in place
  (``weights was [2, 6, 2] before the call and [] after``), or None;
  ``changed_argument`` makes that finding from copies taken before a call.
- ``same(a, b)``: numbers, lists, tuples, dicts and arrays equal entry by
  entry (nan equal to nan): how ``Watch`` compares an argument before and after.
- ``ignored_argument(fn, args, others)``: the name of the first argument whose
  change leaves the answer as it was (``others`` maps a position to another
  value to try), or "".
- ``constant_answer(fn, cases)``: "it gives 4 whatever its inputs" when every case
  gets one and the same number (the worked example's answer written in), or "".
- ``uses(fn, name)``: whether the code of ``fn`` refers to ``name`` (a function
  of the same file it calls), and ``not_checked(fn, name, dependency)``: the
  one line that says a function was skipped because what it uses failed.
- ``mutable_default(fn)``: ``visited=set()`` when a parameter's default is a
  list, set or dict (made once, when ``def`` runs, and shared by every call).
"""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from types import CodeType
from typing import Any

import numpy as np

from ..findings import Finding, failed
from .mistakes import number, show

__all__ = [
    "Watch",
    "argument_names",
    "brief",
    "changed_argument",
    "constant_answer",
    "ignored_argument",
    "mutable_default",
    "not_checked",
    "same",
    "uses",
]


def same(a: Any, b: Any) -> bool:
    """``a`` and ``b`` hold the same numbers in the same shape (nan equals nan)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        x, y = np.asarray(a), np.asarray(b)
        if x.shape != y.shape or x.dtype.kind != y.dtype.kind:
            return False
        if x.dtype.kind in "fc":
            return bool(np.array_equal(x, y, equal_nan=True))
        return bool(np.array_equal(x, y))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except Exception:  # an object whose == raises, or gives an array
        return a is b


def argument_names(fn: Callable[..., Any], count: int) -> list[str]:
    """The names of ``fn``'s first ``count`` positional parameters ("argument 1" ... where
    they cannot be read); a ``Watch`` answers for the function it watches."""
    try:
        names = [
            p.name
            for p in inspect.signature(getattr(fn, "fn", fn)).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        names = []
    return [names[i] if i < len(names) else f"argument {i + 1}" for i in range(count)]


def brief(value: Any) -> str:
    """An argument as a call in a message shows it: numbers, or an array's shape."""
    if isinstance(value, np.ndarray):
        return f"<array {value.shape}>"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: ..." for k in list(value)[:4]) + "}"
    return show(value, 4)


def _difference(before: Any, after: Any) -> str:
    """How an argument changed, in a few words: the first entry that differs, or both."""
    if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
        if before.shape != after.shape:
            return f"had shape {before.shape} before the call and {after.shape} after"
        with np.errstate(invalid="ignore"):
            where = np.argwhere(~((before == after) | (np.isnan(before) & np.isnan(after))))
        if where.size:
            index = tuple(int(i) for i in where[0])
            return (
                f"held {show(before[index])} at {list(index)} before the call and "
                f"{show(after[index])} after"
            )
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in before:
            if key not in after:
                return f"lost its entry {key!r}"
            if not same(before[key], after[key]):
                return f"[{key!r}] " + _difference(before[key], after[key])
        added = [k for k in after if k not in before]
        return f"gained the entry {added[0]!r}" if added else "changed"
    return f"was {show(before)} before the call and {show(after)} after"


_LIST = (
    "your function changes a list it was given (append, pop, sort, x[i] = ..., x += ...): "
    "the caller's list is theirs; build a new list, or work on a copy (list(x))"
)
_ARRAY = (
    "an in-place operation (-=, +=, *=, out=, x[...] = ...) wrote into the caller's array: "
    "write x = x - ... to make a new array, or copy it first (x = x.copy())"
)
_DICT = (
    "your function changes a dict it was given, or an array inside it, in place: make new "
    "arrays (d = a - b, not a -= b) and leave the caller's dict as it came"
)


def _likely(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return _ARRAY
    if isinstance(value, Mapping):
        return _DICT
    return _LIST


def changed_argument(
    name: str, call: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> Finding | None:
    """A failed finding naming the first argument (by name) of the learner's function
    ``name`` whose value ``after`` the call ``call`` is not what it was ``before``; or None."""
    for arg, value in after.items():
        if not same(before[arg], value):
            said = _difference(before[arg], value)
            return failed(
                f"{name} changed its argument {arg} in place: {arg}"
                f"{'' if said.startswith('[') else ' '}{said}",
                f"the call: {call}",
                likely=_likely(value),
            )
    return None


class Watch:
    """The learner's function, called through this: each call's arguments are copied first
    and compared after, and the first call that changed one in place is kept.

    ``exempt`` holds the positions of arguments the function is meant to change (0: the
    model that ``train_step(model, X, y, lr)`` trains).
    """

    def __init__(self, fn: Callable[..., Any], name: str, exempt: Sequence[int] = ()) -> None:
        self.fn, self.name, self.exempt = fn, name, tuple(exempt)
        self.first: Finding | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        names = argument_names(self.fn, len(args))
        watched = {
            name: value for i, (name, value) in enumerate(zip(names, args)) if i not in self.exempt
        }
        watched.update(kwargs)
        before = {name: copy.deepcopy(value) for name, value in watched.items()}
        result = self.fn(*args, **kwargs)
        if self.first is None:
            shown = [brief(before[n]) if n in before else n for n in names]
            shown += [f"{k}={brief(before[k])}" for k in kwargs]
            call = f"{self.name}({', '.join(shown)})"
            self.first = changed_argument(self.name, call, before, watched)
        return result

    def changed(self) -> Finding | None:
        """The failed finding of the first call that changed an argument, or None."""
        return self.first


def ignored_argument(fn: Callable[..., Any], args: Sequence[Any], others: Mapping[int, Any]) -> str:
    """The name of the first argument of ``fn`` (by position in ``others``) whose change to
    ``others[i]`` leaves ``fn(*args)`` as it was; "" when each one changes it (or a call
    raises)."""
    try:
        first = fn(*args)
        names = argument_names(fn, len(args))
        for i, other in others.items():
            changed = list(args)
            changed[i] = other
            if same(fn(*changed), first):
                return names[i]
    except Exception:  # a call that raises is another finding's business
        return ""
    return ""


def constant_answer(fn: Callable[..., Any], cases: list[tuple[Any, ...]]) -> str:
    """The likely mistake when ``fn`` gives one and the same number for every case (whose
    right answers differ): the worked example's answer written in; "" otherwise."""
    try:
        answers = {number(fn(*[list(a) if isinstance(a, list) else a for a in c])) for c in cases}
    except Exception:  # a call that raises is another finding's business
        return ""
    if len(answers) != 1 or None in answers:
        return ""
    (answer,) = answers
    return (
        f"it gives {show(answer)} whatever its inputs, the same answer for every case: "
        "is the worked example's answer written in (hard-coded)? Compute it from the arguments"
    )


def _names_in(code: CodeType) -> set[str]:
    found = set(code.co_names) | set(code.co_freevars)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found |= _names_in(const)
    return found


def uses(fn: Any, name: str) -> bool:
    """Whether the code of ``fn`` (a function, or a Watch of one) refers to ``name``."""
    fn = getattr(fn, "fn", fn)
    code = getattr(fn, "__code__", None)
    return isinstance(code, CodeType) and name in _names_in(code)


def not_checked(dependent: str, dependency: str) -> Finding:
    """The line for a function skipped because one it uses failed above."""
    return failed(f"not checked: {dependent} uses {dependency}, which failed above")


def mutable_default(fn: Any) -> str:
    """``visited=set()`` (the parameter and its default as written) for the first parameter
    of ``fn`` whose default is a list, set or dict; "" when there is none."""
    try:
        parameters = inspect.signature(getattr(fn, "fn", fn)).parameters.values()
    except (TypeError, ValueError):
        return ""
    for p in parameters:
        for kind, written in ((list, "[]"), (set, "set()"), (dict, "{}")):
            if isinstance(p.default, kind):
                return f"{p.name}={written}"
    return ""
