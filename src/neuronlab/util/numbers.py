"""Numbers as a learner reads them: short, exact when whole, scientific when huge or tiny."""

from __future__ import annotations

import math

__all__ = ["format_number"]


def format_number(x: float, digits: int = 4) -> str:
    """``x`` with at most ``digits`` significant digits: ``-2``, ``0.5``, ``0.7071``, ``1.5e+100``.

    Whole numbers below 10¹⁵ print without a decimal point; ``nan``, ``inf``
    and ``-inf`` print as such; -0.0 prints as ``0``.

    >>> format_number(-8.0), format_number(0.70710678), format_number(3e120)
    ('-8', '0.7071', '3e+120')
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.{digits}g}"
