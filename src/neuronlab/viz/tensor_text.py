"""How a tensor is written in pictures and explanations: its shape, its axes, its numbers.

Shapes are written as NumPy writes them (``(32, 27)``, ``(64,)``, ``()``).  A
small tensor (``SMALL`` numbers or fewer) is written out in full; a larger one
by a summary: its mean and standard deviation for data, its norm and largest
entry for a gradient.  Which axes a reduction took, or a broadcast stretched,
are read back from the shapes alone, since that is all a graph node shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..util.numbers import format_number

__all__ = [
    "SMALL",
    "Reduction",
    "axes_text",
    "broadcast_axes",
    "data_summary",
    "grad_summary",
    "reduction_of",
    "shape_text",
    "values_text",
]

#: A tensor of at most this many numbers is written out in full.
SMALL = 6
_MAX_SEARCH_NDIM = 8  # beyond this many axes, the axes of a reduction are not searched for

Shape = tuple[int, ...]


def shape_text(shape: Shape) -> str:
    """A shape as NumPy writes it: ``(32, 27)``, ``(64,)``, ``()``."""
    return str(tuple(int(n) for n in shape))


def axes_text(axes: tuple[int, ...]) -> str:
    """``axis 0`` or ``axes 0 and 1`` or ``axes 0, 1 and 2``."""
    if len(axes) == 1:
        return f"axis {axes[0]}"
    head = ", ".join(str(a) for a in axes[:-1])
    return f"axes {head} and {axes[-1]}"


@dataclass(frozen=True)
class Reduction:
    """What a reduction took together, read from its input and output shapes.

    ``axes`` are the axes it reduced (None when they cannot be told apart,
    e.g. (3, 3) to (3,)); ``whole`` is True when it reduced every axis;
    ``keepdims`` whether the reduced axes stay as size 1.
    """

    axes: tuple[int, ...] | None
    whole: bool
    keepdims: bool


def reduction_of(in_shape: Shape, out_shape: Shape) -> Reduction:
    """The axes a sum, mean, max, var or std over ``in_shape`` took to give ``out_shape``.

    >>> reduction_of((32, 27), (32, 1)), reduction_of((32, 64), (64,)).axes
    (Reduction(axes=(1,), whole=False, keepdims=True), (0,))
    """
    nd = len(in_shape)
    if len(out_shape) == nd:  # keepdims: the reduced axes are those now of size 1
        axes = tuple(i for i in range(nd) if out_shape[i] == 1 and in_shape[i] != 1)
        if not axes:
            axes = tuple(i for i in range(nd) if out_shape[i] == 1)
        return Reduction(axes, len(axes) == nd, True)
    if not out_shape:
        return Reduction(tuple(range(nd)), True, False)
    if nd > _MAX_SEARCH_NDIM or len(out_shape) > nd:
        return Reduction(None, False, False)
    fits = [
        gone
        for gone in combinations(range(nd), nd - len(out_shape))
        if tuple(n for i, n in enumerate(in_shape) if i not in gone) == tuple(out_shape)
    ]
    return Reduction(fits[0] if len(fits) == 1 else None, False, False)


def broadcast_axes(x_shape: Shape, out_shape: Shape) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The axes of ``out_shape`` a broadcast operand was stretched along.

    Returns (axes it did not have, which its gradient sums away; axes where it
    had size 1, which its gradient sums and keeps as size 1), numbered as in
    ``out_shape``.

    >>> broadcast_axes((64,), (32, 64)), broadcast_axes((1, 64), (32, 64))
    (((0,), ()), ((), (0,)))
    """
    lead = len(out_shape) - len(x_shape)
    gone = tuple(range(lead))
    kept = tuple(lead + i for i, n in enumerate(x_shape) if n == 1 and out_shape[lead + i] != 1)
    return gone, kept


def _nested(a: np.ndarray, number: Callable[[float], str]) -> str:
    if a.ndim == 0:
        return number(float(a))
    return "[" + ", ".join(_nested(row, number) for row in a) + "]"


def values_text(a: np.ndarray, number: Callable[[float], str] = format_number) -> str:
    """Every number of ``a``, nested as its shape: ``[[1, 2], [3, 4]]`` (for small arrays).

    >>> values_text(np.array([[0.5, -1.0]])), values_text(np.array(3.25))
    ('[[0.5, -1]]', '3.25')
    """
    return _nested(np.asarray(a), number)


def _finite_or_count(a: np.ndarray) -> str | None:
    """None when every number is finite; else how many are nan or inf (never a silent nan)."""
    finite = np.isfinite(a)
    if finite.all():
        return None
    nans = int(np.isnan(a).sum())
    infs = int(a.size - finite.sum()) - nans
    parts = [f"{k:,} {word}" for k, word in ((nans, "nan"), (infs, "inf")) if k]
    return f"{' and '.join(parts)} of {a.size:,}"


def data_summary(a: np.ndarray) -> str:
    """A large array in a few words: ``mean 0.0123, std 0.9812``."""
    a = np.asarray(a, dtype=np.float64)
    if not a.size:
        return "empty"
    bad = _finite_or_count(a)
    if bad:
        return bad
    with np.errstate(all="ignore"):
        scale = float(np.abs(a).max())
        mean = float(np.mean(a))
        std = scale * float(np.std(a / scale)) if scale else 0.0
    return f"mean {format_number(mean)}, std {format_number(std)}"


def grad_summary(g: np.ndarray) -> str:
    """A large gradient in a few words: ``norm 0.0456, largest |entry| 0.0123``."""
    g = np.asarray(g, dtype=np.float64)
    if not g.size:
        return "empty"
    bad = _finite_or_count(g)
    if bad:
        return bad
    largest = float(np.abs(g).max())
    norm = largest * float(np.sqrt(np.sum((g / largest) ** 2))) if largest else 0.0
    return f"norm {format_number(norm)}, largest |entry| {format_number(largest)}"
