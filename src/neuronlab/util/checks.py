"""Argument checks shared by every public entry point, with one message style.

Each check takes the value and ``where`` (where it was given, named as the
caller names it: ``"fit(epochs)"``, or a lab field's name such as ``"points"``)
and returns the value in its plain Python type, or raises: ``TypeError`` when
the kind is wrong, ``ValueError`` when the kind is right but the value is not
allowed.  Messages read ``<where>: expected <this>, got <that>``; what came is
written by ``describe`` (its type and a short repr) when the kind is wrong, and
as the value itself when only the value is.  An empty ``where`` leaves the
``<where>: `` out: the command line passes it, since argparse names the option
itself (``argument --epochs: expected a whole number from 1 to 100,000, got 0``).

>>> whole_number(3, "epochs", minimum=1)
3
>>> whole_number(True, "epochs")
Traceback (most recent call last):
...
TypeError: epochs: expected a whole number (int), got bool True
>>> whole_number(0, "epochs", minimum=1, maximum=1000)
Traceback (most recent call last):
...
ValueError: epochs: expected a whole number from 1 to 1,000, got 0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "class_labels",
    "describe",
    "flag",
    "non_negative_number",
    "number_array",
    "one_of",
    "positive_number",
    "real_number",
    "whole_number",
]

T = TypeVar("T")


def describe(x: object, limit: int = 60) -> str:
    """What came, for every error message: its type and a short repr (``str 'abc'``).

    An array is described by its dtype and shape; an int too long to write out
    (Python refuses beyond 4,300 digits) by its size, ``an int of about 10**5000``.
    """
    if isinstance(x, np.ndarray):
        return f"an array of dtype {x.dtype} and shape {x.shape}"
    if _huge(x):
        return _shown(x)
    return f"{type(x).__name__} {_shown(x, limit)}"


def _huge(x: object) -> bool:
    return isinstance(x, int) and x.bit_length() > 1024  # beyond any float, too long to read


def _shown(x: object, limit: int = 60) -> str:
    """``x``'s repr, cut to ``limit`` characters (a huge int by its power of ten)."""
    if isinstance(x, int) and _huge(x):
        return f"an int of about 10**{math.floor(math.log10(abs(x)))}"
    text = repr(x)
    return text[: limit - 3] + "..." if len(text) > limit else text


def _at(where: str) -> str:
    """The start of a message: ``"<where>: "``, or nothing for an empty ``where``."""
    return f"{where}: " if where else ""


def _bound(x: float) -> str:
    """A bound as people write it: ``10,000``, ``1,000,000`` (for 1e6 too), ``1e-05``."""
    whole = isinstance(x, int) or (math.isfinite(x) and x == round(x) and abs(x) < 1e15)
    return f"{int(x):,}" if whole else f"{x:g}"


def _bounds_text(
    minimum: float | None, maximum: float | None, strict: bool, strict_maximum: bool = False
) -> str:
    """``from 1 to 10``, ``above 0 and at most 10``, ``above 0 and below 1``, ``>= 1``, ``< 1``."""
    if minimum is not None and maximum is not None:
        low, high = _bound(minimum), _bound(maximum)
        if not (strict or strict_maximum):
            return f"from {low} to {high}"
        start = f"above {low}" if strict else f"at least {low}"
        return f"{start} and {'below' if strict_maximum else 'at most'} {high}"
    if minimum is not None:
        return f"{'>' if strict else '>='} {_bound(minimum)}"
    if maximum is not None:
        return f"{'<' if strict_maximum else '<='} {_bound(maximum)}"
    return ""


def whole_number(
    x: object, where: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """``x`` as a Python int within [minimum, maximum]: the one whole-number check.

    What counts as a whole number is decided here, once, for every caller:

    - ``int`` and NumPy's integers (``np.int64``, ``np.uint8``, ...) are taken,
      and returned as a plain ``int`` (any size: a bound, not the type, limits it);
    - ``bool`` (and ``np.bool_``) is a TypeError: ``True`` is not a count;
    - a float is a TypeError even when it is whole (``3.0``, ``np.float32(3)``),
      as ``range(3.0)`` refuses it: write ``int(x)`` where you mean it;
    - anything else (text, None, a Fraction) is a TypeError naming what came.

    Input from outside Python meets the same rule: the command line reads the
    text with ``int()``, so ``--epochs 3.0`` is refused; a JSON ``3.0`` is a
    float, so the lab refuses it too (a browser's ``JSON.stringify`` writes
    ``3`` for a whole number, never ``3.0``).  Outside the bounds is a
    ValueError: ``points: expected a whole number from 10 to 10,000, got 9``.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Integral, np.integer)):
        raise TypeError(f"{_at(where)}expected a whole number (int), got {describe(x)}")
    value = int(x)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = _bounds_text(minimum, maximum, strict=False)
        raise ValueError(f"{_at(where)}expected a whole number {bounds}, got {_shown(value)}")
    return value


def real_number(
    x: object,
    where: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict: bool = False,
    strict_maximum: bool = False,
    finite: bool = True,
) -> float:
    """``x`` as a float within the bounds: the one real-number check.

    What counts as a real number is decided here, once, for every caller:

    - ``int``, ``float`` and NumPy's real numbers (``np.float32``, ``np.int64``,
      ...) are taken, and returned as a plain ``float``;
    - ``bool`` (and ``np.bool_``) and complex numbers are a TypeError, and so is
      anything else (text, None, an array) -- named by ``describe``;
    - NaN, the infinities and an int beyond any float are a ValueError, unless
      ``finite=False`` (a loss that diverged is still a loss; a bound still
      refuses them, since NaN is within none);
    - the bounds are closed (``minimum <= x <= maximum``) unless ``strict``
      (``x > minimum``) or ``strict_maximum`` (``x < maximum``) open them; the
      message states them: ``lr: expected a number above 0 and at most 10, got 0``.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.number)):
        raise TypeError(f"{_at(where)}expected a number, got {describe(x)}")
    if isinstance(x, np.number) and not np.isrealobj(x):
        raise TypeError(f"{_at(where)}expected a real number, got {describe(x)}")
    try:
        value = float(x)
    except OverflowError:  # an int beyond any float: outside every bound
        value = -math.inf if x < 0 else math.inf
    too_low = minimum is not None and not (value > minimum if strict else value >= minimum)
    too_high = maximum is not None and not (value < maximum if strict_maximum else value <= maximum)
    if (finite and not math.isfinite(value)) or too_low or too_high:
        bounds = _bounds_text(minimum, maximum, strict, strict_maximum)
        expected = f"a number {bounds}" if bounds else "a finite number"
        raise ValueError(f"{_at(where)}expected {expected}, got {_shown(x)}")
    return value


def positive_number(x: object, where: str) -> float:
    """``x`` as a finite float > 0 (a learning rate, a step size)."""
    return real_number(x, where, minimum=0.0, strict=True)


def non_negative_number(x: object, where: str) -> float:
    """``x`` as a finite float >= 0 (a penalty, a momentum, a noise level)."""
    return real_number(x, where, minimum=0.0)


def one_of(x: T, options: Iterable[T], where: str) -> T:
    """``x`` itself when it is one of ``options``; otherwise a ValueError listing them."""
    choices = list(options)
    try:
        if x in choices:
            return x
    except TypeError:  # an unhashable or incomparable x is simply not among them
        pass
    listed = ", ".join(str(c) for c in choices)
    raise ValueError(f"{where}: expected one of {listed}, got {x!r:.60}")


def flag(x: Any, where: str) -> bool:
    """``x`` as a bool; only True and False (and NumPy's bools) are accepted."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{where}: expected True or False, got {describe(x)}")
    return bool(x)


def number_array(x: Any, where: str, dtype: Any = None, expected: str = "numbers") -> np.ndarray:
    """``x`` (an array, nested lists, a number) as an ndarray of numbers (of ``dtype`` if given).

    Text, None, dicts, sets, ragged lists and non-numeric arrays are a
    TypeError saying ``expected`` (e.g. "class labels") and what came.
    """
    if x is None or isinstance(x, (str, bytes, dict, set)):
        raise TypeError(f"{where}: expected {expected}, got {describe(x)}")
    if isinstance(x, np.ndarray) and x.dtype.kind not in "biuf":
        raise TypeError(f"{where}: expected {expected}, got {describe(x)}")
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{where}: expected {expected}, got {describe(x)}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{where}: expected {expected}, got {describe(arr)}")
    return arr


def _label_limit(dtype: np.dtype, classes: int | None) -> int:
    """Labels read as unsigned must stay below this: ``classes``, or the signed maximum + 1."""
    if classes is not None:
        return classes
    return int(np.iinfo(dtype).max) + 1 if dtype.kind == "i" else 1 << (8 * dtype.itemsize)


def class_labels(
    y: Any, where: str, *, n: int | None = None, classes: int | None = None
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
    labels = number_array(y, where, expected="class labels (ints)")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or (n is not None and len(labels) != n):
        count = f"{n} class labels" if n is not None else "class labels"
        shape = f"({n},)" if n is not None else "(n,)"
        raise ValueError(
            f"{where}: expected {count}, one per example (shape {shape}), got shape {labels.shape}"
        )
    if len(labels) == 0:
        raise ValueError(f"{where}: expected at least one label, got none")
    if labels.dtype.kind == "f":
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not whole.all():
            bad = labels[~whole][0].item()
            raise ValueError(f"{where}: {bad!r} is not a class index (a whole number)")
    out = labels.astype(np.int64)
    low, high = int(out.min()), int(out.max())
    if low < 0 or (classes is not None and high >= classes):
        allowed = f"in 0..{classes - 1}" if classes is not None else ">= 0"
        bad = low if low < 0 else high
        raise ValueError(f"{where}: label {bad} is not a class index {allowed}")
    return out
