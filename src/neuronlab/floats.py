"""Float arithmetic as IEEE 754 and PyTorch define it, for ``Value``'s operations.

Python's ``math`` raises where IEEE floats (and PyTorch, in float64) give an
answer: ``math.exp(1000)`` raises ``OverflowError`` where PyTorch gives inf,
``1.0 / 0.0`` raises ``ZeroDivisionError`` where it gives inf, ``math.log(0)``
raises where it gives -inf.  Each function here is the plain operation, plus
only what it takes to give PyTorch's answer at those edges, so that
``engine.py`` can say each operation's forward and derivative in one line:

=============  ==================================================================
``exp(x)``     e**x; inf when it overflows
``log(x)``     ln x; -inf at 0, nan below 0
``sigmoid(x)`` 1 / (1 + e**-x), computed so neither branch overflows
``divide``     x / y; ±inf for x / 0 (the sign of 0 counts), nan for 0 / 0
``ieee_pow``   x**y as C's pow: ±inf on overflow and for 0 to a negative power
``power(x,k)`` x**k as PyTorch computes it for a number k (its six shortcuts)
``to_float``   a Python number as a float, or a ValueError for an int beyond ±1.8e308
=============  ==================================================================

``tests/test_floats.py`` checks every function against PyTorch on the edges
(0, -0, ±inf, nan, the overflow thresholds) and on random floats.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["divide", "exp", "ieee_pow", "log", "power", "sigmoid", "to_float"]


def exp(x: float) -> float:
    """e**x, with ``inf`` instead of ``OverflowError`` for large x.

    >>> exp(0.0), exp(1000.0), exp(-1000.0)
    (1.0, inf, 0.0)
    """
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def log(x: float) -> float:
    """ln x as PyTorch gives it: ln 0 = -inf, ln of a negative = nan.

    >>> log(1.0), log(0.0), log(-1.0)
    (0.0, -inf, nan)
    """
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def sigmoid(x: float) -> float:
    """1 / (1 + e**-x), computed so that neither branch can overflow.

    >>> sigmoid(0.0), sigmoid(-1000.0), sigmoid(1000.0)
    (0.5, 0.0, 1.0)
    """
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = exp(x)
    return e / (1.0 + e)


def divide(x: float, y: float) -> float:
    """x / y as IEEE floats define it: ±inf for x / ±0, nan for 0 / 0 and nan / 0.

    >>> divide(1.0, 0.0), divide(1.0, -0.0), divide(0.0, 0.0), divide(6.0, 3.0)
    (inf, -inf, nan, 2.0)
    """
    try:
        return x / y
    except ZeroDivisionError:
        if x == 0 or x != x:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)


def _odd_integer(y: float) -> bool:
    return y.is_integer() and int(y) % 2 == 1


def ieee_pow(x: float, y: float) -> float:
    """x**y as IEEE (C's) pow: ±inf on overflow and for 0 to a negative power, nan off its domain.

    >>> ieee_pow(10.0, 400.0), ieee_pow(-10.0, 401.0), ieee_pow(-0.0, -1.0), ieee_pow(-8.0, 0.5)
    (inf, -inf, -inf, nan)
    """
    try:
        return math.pow(x, y)
    except OverflowError:
        return -math.inf if (x < 0 and _odd_integer(y)) else math.inf
    except ValueError:  # 0 to a negative power, or a negative base to a fraction
        if x == 0:
            return math.copysign(math.inf, x) if _odd_integer(y) else math.inf
        return math.nan


def power(x: float, k: float) -> float:
    """x**k for a number k as PyTorch computes it, with its shortcuts for six exponents.

    x*x, x*x*x, √x, 1/√x, 1/x, 1/(x*x) for k = 2, 3, 1/2, -1/2, -1, -2; IEEE pow
    otherwise.  So (-inf)**0.5 is nan (not inf), (-0.0)**-0.5 is -inf (not inf)
    and (1e160)**-2 is 0 (x*x overflows), exactly as in PyTorch.

    >>> power(-math.inf, 0.5), power(-0.0, -0.5), power(1e160, -2.0), power(2.0, 10.0)
    (nan, -inf, 0.0, 1024.0)
    """
    if k == 2:
        return x * x
    if k == 3:
        return x * x * x
    if k == 0.5:
        return math.sqrt(x) if x >= 0 else math.nan
    if k == -0.5:
        return divide(1.0, math.sqrt(x)) if x >= 0 else math.nan
    if k == -1:
        return divide(1.0, x)
    if k == -2:
        return divide(1.0, x * x)
    return ieee_pow(x, k)


def to_float(x: float | numbers.Real, where: str) -> float:
    """A real number as a float; an int beyond a float's ±1.8e308 is refused, as PyTorch does.

    ``where`` names the operation in the ``ValueError``.

    >>> to_float(3, "Value()")
    3.0
    >>> to_float(10**400, "Value()")
    Traceback (most recent call last):
    ...
    ValueError: Value(): expected a number within ±1.8e308 (a float), got an int of about 10**400
    """
    try:
        return float(x)
    except OverflowError:
        came = type(x).__name__
        if isinstance(x, int):
            came = f"an int of about 10**{math.floor(math.log10(abs(x)))}"
        raise ValueError(
            f"{where}: expected a number within ±1.8e308 (a float), got {came}"
        ) from None
