"""Argument checks shared by every public entry point, with one message style.

Each check takes the value and ``what`` (how the caller names it, e.g.
``"fit(epochs)"``) and returns the value in its plain Python type, or raises:
``TypeError`` when the kind is wrong, ``ValueError`` when the kind is right but
the value is not allowed.  Messages read ``<what>: expected <this>, got <that>``.

>>> whole_number(3, "epochs", minimum=1)
3
>>> whole_number(True, "epochs")
Traceback (most recent call last):
...
TypeError: epochs: expected a whole number (int), got bool True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "describe",
    "whole_number",
    "real_number",
    "positive_number",
    "non_negative_number",
    "one_of",
    "flag",
    "number_array",
    "class_labels",
]

T = TypeVar("T")


def describe(x: object, limit: int = 60) -> str:
    """What came, for an error message: its type and a short repr (``str 'abc'``)."""
    if isinstance(x, np.ndarray):
        return f"an array of dtype {x.dtype} and shape {x.shape}"
    text = repr(x)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(x).__name__} {text}"


def _bound(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


def _bounds_text(minimum: float | None, maximum: float | None, strict: bool) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if strict else '>='} {_bound(minimum)}")
    if maximum is not None:
        parts.append(f"<= {_bound(maximum)}")
    return " and ".join(parts)


def whole_number(
    x: object, what: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """``x`` as an int within [minimum, maximum]; a bool or a float is a TypeError."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Integral, np.integer)):
        raise TypeError(f"{what}: expected a whole number (int), got {describe(x)}")
    value = int(x)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = _bounds_text(minimum, maximum, strict=False)
        raise ValueError(f"{what}: expected an int {bounds}, got {value}")
    return value


def real_number(
    x: object,
    what: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict: bool = False,
) -> float:
    """``x`` as a finite float within the bounds (``strict``: strictly above ``minimum``)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.number)):
        raise TypeError(f"{what}: expected a number, got {describe(x)}")
    if isinstance(x, np.number) and not np.isrealobj(x):
        raise TypeError(f"{what}: expected a real number, got {describe(x)}")
    value = float(x)  # an int too large for a float raises OverflowError here
    if not math.isfinite(value):
        raise ValueError(f"{what}: expected a finite number, got {value}")
    too_low = minimum is not None and (value <= minimum if strict else value < minimum)
    if too_low or (maximum is not None and value > maximum):
        bounds = _bounds_text(minimum, maximum, strict)
        raise ValueError(f"{what}: expected a number {bounds}, got {value:g}")
    return value


def positive_number(x: object, what: str) -> float:
    """``x`` as a finite float > 0 (a learning rate, a step size)."""
    return real_number(x, what, minimum=0.0, strict=True)


def non_negative_number(x: object, what: str) -> float:
    """``x`` as a finite float >= 0 (a penalty, a momentum, a noise level)."""
    return real_number(x, what, minimum=0.0)


def one_of(x: T, options: Iterable[T], what: str) -> T:
    """``x`` itself when it is one of ``options``; otherwise a ValueError listing them."""
    choices = list(options)
    try:
        if x in choices:
            return x
    except TypeError:  # an unhashable or incomparable x is simply not among them
        pass
    listed = ", ".join(str(c) for c in choices)
    raise ValueError(f"{what}: expected one of {listed}, got {x!r:.60}")


def flag(x: Any, what: str) -> bool:
    """``x`` as a bool; only True and False (and NumPy's bools) are accepted."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{what}: expected True or False, got {describe(x)}")
    return bool(x)


def number_array(x: Any, what: str, dtype: Any = None, expected: str = "numbers") -> np.ndarray:
    """``x`` (an array, nested lists, a number) as an ndarray of numbers (of ``dtype`` if given).

    Text, None, dicts, sets, ragged lists and non-numeric arrays are a
    TypeError saying ``expected`` (e.g. "class labels") and what came.
    """
    if x is None or isinstance(x, (str, bytes, dict, set)):
        raise TypeError(f"{what}: expected {expected}, got {describe(x)}")
    if isinstance(x, np.ndarray) and x.dtype.kind not in "biuf":
        raise TypeError(f"{what}: expected {expected}, got {describe(x)}")
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{what}: expected {expected}, got {describe(x)}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: expected {expected}, got {describe(arr)}")
    return arr


def _label_limit(dtype: np.dtype, classes: int | None) -> int:
    """Labels read as unsigned must stay below this: ``classes``, or the signed maximum + 1."""
    if classes is not None:
        return classes
    return int(np.iinfo(dtype).max) + 1 if dtype.kind == "i" else 1 << (8 * dtype.itemsize)


def class_labels(
    y: Any, what: str, *, n: int | None = None, classes: int | None = None
) -> np.ndarray:
    """``y`` as a 1-D int64 array of class indices 0, 1, 2, ... (the one label check).

    Accepts ints, bools and whole numbers stored as floats; a column of shape
    (n, 1) is read as its n labels.  ``n``: how many there must be; ``classes``:
    every label must be below it.
    """
    if (
        type(y) is np.ndarray
        and y.dtype.kind in "iu"
        and y.dtype.isnative
        and y.ndim == 1
        and len(y)
        and (n is None or len(y) == n)
        and np.maximum.reduce(y.view(f"u{y.itemsize}")) < _label_limit(y.dtype, classes)
    ):  # the usual case in one pass: as unsigned, a negative label reads as a huge one
        return y.astype(np.int64, copy=False)
    labels = number_array(y, what, expected="class labels (ints)")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or (n is not None and len(labels) != n):
        count = f"{n} class labels" if n is not None else "class labels"
        shape = f"({n},)" if n is not None else "(n,)"
        raise ValueError(
            f"{what}: expected {count}, one per example (shape {shape}), got shape {labels.shape}"
        )
    if len(labels) == 0:
        raise ValueError(f"{what}: expected at least one label, got none")
    if labels.dtype.kind == "f":
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not whole.all():
            bad = labels[~whole][0].item()
            raise ValueError(f"{what}: {bad!r} is not a class index (a whole number)")
    out = labels.astype(np.int64)
    low, high = int(out.min()), int(out.max())
    if low < 0 or (classes is not None and high >= classes):
        allowed = f"in 0..{classes - 1}" if classes is not None else ">= 0"
        bad = low if low < 0 else high
        raise ValueError(f"{what}: label {bad} is not a class index {allowed}")
    return out
