"""Exercise 07's operations in one table: each one's forward, where it is tried, and the usual
wrong formulas for its result and its local derivatives.

The right numbers come from neuronlab's Value, never from here: this table
holds only what a wrong answer most likely came from, so that a message can
say "did you use tanh(x) instead of 1 − tanh(x)²?".
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["OPERATIONS", "Operation"]

Guesses = dict[str, float]  # a usual mistake (what to tell the learner) -> the number it gives
SlopeGuesses = dict[str, tuple[float, ...]]  # ... -> the gradients of the Value inputs it gives


def _no_guesses(a: float, b: float) -> Guesses:
    return {}


@dataclass(frozen=True)
class Operation:
    """One operation of exercise 07, tried at ``points`` (a, b).

    ``fn(a, b)`` computes it on any Value class; ``values`` names the inputs
    that are Values (``("a",)`` or ``("a", "b")``), the other one being a plain
    number; ``shown`` names a and b in messages (``("a", "k")``; just ``("a",)``
    when b is written into ``text``, as the 2 of ``2 - a``).  ``derivatives``
    are the right formulas, one per Value input; ``wrong_data`` and
    ``wrong_slopes`` the usual mistakes at (a, b).
    """

    text: str
    fn: Callable[[Any, Any], Any]
    values: tuple[str, ...]
    shown: tuple[str, ...]
    points: tuple[tuple[float, float], ...]
    derivatives: tuple[str, ...]
    wrong_slopes: Callable[[float, float], SlopeGuesses]
    wrong_data: Callable[[float, float], Guesses] = _no_guesses

    def where(self, a: float, b: float) -> str:
        """The point as a message writes it: ``a = 1.5, b = -2``."""
        return ", ".join(f"{name} = {x:g}" for name, x in zip(self.shown, (a, b)))


def _ln(x: float) -> float:
    return math.log(x) if x > 0 else math.nan


def _pow(x: float, y: float) -> float:
    """x ** y as a real number; nan where Python's answer is complex or there is none."""
    try:
        got = x**y
    except (ZeroDivisionError, OverflowError):
        return math.nan
    return float(got) if isinstance(got, (int, float)) else math.nan


def _tanh_slopes(a: float, b: float) -> SlopeGuesses:
    t = math.tanh(a)
    return {
        "did you use tanh(x) instead of 1 − tanh(x)²?": (t,),
        "1 − tanh(x) instead of 1 − tanh(x)²: square the tanh": (1 - t,),
        "1 − x² instead of 1 − tanh(x)²: square the output t = tanh(x), not the input x": (
            1 - a * a,
        ),
        "1 + tanh(x)² instead of 1 − tanh(x)²: the square is taken away from 1": (1 + t * t,),
        "the local derivative 1 − tanh(x)² is missing: out.grad was passed through unchanged": (
            1.0,
        ),
    }


def _exp_slopes(a: float, b: float) -> SlopeGuesses:
    return {
        "e^a is missing: d/da e^a = e^a (that is out.data); out.grad was passed through "
        "unchanged": (1.0,),
        "a instead of e^a: d/da e^a = e^a, which is out.data": (a,),
        "the power rule does not apply to e^a: d/da e^a = e^a, not a·e^(a−1)": (
            a * math.exp(a - 1),
        ),
    }


def _pow_slopes(a: float, k: float) -> SlopeGuesses:
    return {
        "k·a^k instead of k·a^(k−1): the power drops by one": (k * _pow(a, k),),
        "the factor k is missing: k·a^(k−1), not a^(k−1)": (_pow(a, k - 1),),
        "(k−1)·a^(k−1) instead of k·a^(k−1): the factor is the old power k": (
            (k - 1) * _pow(a, k - 1),
        ),
        "a^k·ln(a) is the derivative in k; in a it is k·a^(k−1)": (_pow(a, k) * _ln(a),),
    }


def _div_slopes(a: float, b: float) -> SlopeGuesses:
    return {
        "−a/b instead of −a/b² for d(a/b)/db": (1 / b, -a / b),
        "the minus sign is lost: d(a/b)/db = −a/b²": (1 / b, a / b**2),
        "−1/b² leaves out a: d(a/b)/db = −a/b²": (1 / b, -1 / b**2),
        "d(a/b)/da is 1/b, not b": (b, -a / b**2),
    }


def _rdiv_slopes(a: float, b: float) -> SlopeGuesses:
    return {
        "__rtruediv__ computes a / 2: other / self is other * self**-1": (1 / b,),
        "the minus sign is lost: d(2/a)/da = −2/a²": (b / a**2,),
        "−1/a² leaves out the 2: d(2/a)/da = −2/a²": (-1 / a**2,),
    }


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "-a",
        lambda a, b: -a,
        ("a",),
        ("a",),
        ((0.5, 0.0), (-1.25, 0.0), (2.0, 0.0)),
        ("-1",),
        lambda a, b: {"the sign is lost: -a = a * -1, so d(-a)/da = -1": (1.0,)},
        lambda a, b: {"-a came out as a: -a is a * -1": a},
    ),
    Operation(
        "a - b",
        operator.sub,
        ("a", "b"),
        ("a", "b"),
        ((1.5, -2.0), (0.5, 0.25), (-3.0, 1.0)),
        ("1", "-1"),
        lambda a, b: {
            "d(a - b)/db is -1: a - b = a + (-b), so b's gradient changes sign": (1.0, 1.0),
            "a and b are swapped: self - other is self + (-other)": (-1.0, 1.0),
        },
        lambda a, b: {
            "a and b are swapped: self - other is self + (-other)": b - a,
            "the minus sign is lost: self - other is self + (-other)": a + b,
        },
    ),
    Operation(
        "a - 2",
        operator.sub,
        ("a",),
        ("a",),
        ((1.5, 2.0), (-0.5, 2.0)),
        ("1",),
        lambda a, b: {"a - 2 turned round: self - other is self + (-other)": (-1.0,)},
        lambda a, b: {
            "the minus sign is lost: self - other is self + (-other)": a + b,
            "a - 2 turned round: self - other is self + (-other)": b - a,
        },
    ),
    Operation(
        "2 - a",
        lambda a, b: b - a,
        ("a",),
        ("a",),
        ((0.5, 2.0), (-1.25, 2.0), (3.0, 2.0)),
        ("-1",),
        lambda a, b: {"__rsub__ computes a - 2: other - self is (-self) + other": (1.0,)},
        lambda a, b: {
            "__rsub__(self, other) is other - self (2 - a), not self - other (a - 2): "
            "(-self) + other": a - b
        },
    ),
    Operation(
        "a**k",
        lambda a, k: a**k,
        ("a",),
        ("a", "k"),
        ((1.5, 2.0), (1.5, 3.0), (-1.25, 3.0), (0.5, -1.0), (2.0, 0.5), (0.8, -2.0), (2.5, 1.5)),
        ("k*a**(k-1)",),
        _pow_slopes,
        lambda a, k: {"a * k instead of a ** k": a * k, "k ** a instead of a ** k": _pow(k, a)},
    ),
    Operation(
        "a / b",
        operator.truediv,
        ("a", "b"),
        ("a", "b"),
        ((1.5, -2.0), (0.5, 0.25), (-3.0, 1.5)),
        ("1/b", "-a/b**2"),
        _div_slopes,
        lambda a, b: {"b / a instead of a / b": b / a, "a * b instead of a / b": a * b},
    ),
    Operation(
        "a / 4",
        operator.truediv,
        ("a",),
        ("a",),
        ((1.5, 4.0), (-3.0, 4.0)),
        ("1/4",),
        lambda a, b: {"d(a/4)/da is 1/4, not 4": (b,)},
        lambda a, b: {"a * 4 instead of a / 4": a * b, "4 / a instead of a / 4": b / a},
    ),
    Operation(
        "2 / a",
        lambda a, b: b / a,
        ("a",),
        ("a",),
        ((0.5, 2.0), (-1.25, 2.0), (4.0, 2.0)),
        ("-2/a**2",),
        _rdiv_slopes,
        lambda a, b: {
            "__rtruediv__(self, other) is other / self (2 / a), not self / other (a / 2): "
            "other * self**-1": a / b
        },
    ),
    Operation(
        "exp(a)",
        lambda a, b: a.exp(),
        ("a",),
        ("a",),
        ((0.5, 0.0), (-1.0, 0.0), (2.0, 0.0)),
        ("exp(a)",),
        _exp_slopes,
    ),
    Operation(
        "tanh(a)",
        lambda a, b: a.tanh(),
        ("a",),
        ("a",),
        ((0.5, 0.0), (-1.0, 0.0), (2.0, 0.0), (0.1, 0.0)),
        ("1 - tanh(a)**2",),
        _tanh_slopes,
    ),
)
