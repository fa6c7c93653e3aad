"""Reductions: ``sum``, ``mean`` and ``max`` over some axes (all of them by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

import numpy as np

from .arrays import axes_of, quiet
from .operands import require_tensor

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["sum_", "mean", "max_", "Axis"]

Axis = Union[int, tuple[int, ...], None]  # noqa: UP007 (a runtime alias on 3.10)
Grads = tuple[Any, ...]


def stretch(g: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool, shape: tuple) -> Any:
    """The gradient of a reduction stretched back over the axes it reduced (a view)."""
    if not keepdims:
        g = np.expand_dims(g, axes if axes is not None else tuple(range(len(shape))))
    return np.broadcast_to(g, shape)


def sum_(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Σ a over ``axis`` (all axes by default);  d/da_i = 1."""
    a = require_tensor(a, "sum")
    axes = axes_of(axis, a.data.ndim, "sum")
    with quiet():
        out = np.sum(a.data, axis=axes, keepdims=keepdims)
    return a.from_op(out, (a,), "sum", sum_backward, (axes, bool(keepdims)))


def sum_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> Grads:
    """The gradient of a sum: g, stretched over what was summed."""
    axes, keepdims = saved
    return (stretch(g, axes, keepdims, inputs[0].data.shape),)


def mean(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Σ a / n over ``axis``;  d/da_i = 1/n.  The mean of nothing is nan, as in PyTorch."""
    a = require_tensor(a, "mean")
    axes = axes_of(axis, a.data.ndim, "mean")
    shape = a.data.shape
    n = a.data.size if axes is None else int(np.prod([shape[i] for i in axes]))
    with quiet():
        out = np.sum(a.data, axis=axes, keepdims=keepdims) / n  # n = 0: 0 / 0 = nan
    return a.from_op(out, (a,), "mean", mean_backward, (axes, bool(keepdims), n))


def mean_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> Grads:
    """The gradient of a mean: g / n, stretched over what was averaged."""
    axes, keepdims, n = saved
    return (stretch(g / n, axes, keepdims, inputs[0].data.shape),)


def max_(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The largest entry over ``axis`` (PyTorch's ``amax``).

    d/da_i = 1/k at each of the k entries equal to the maximum, 0 elsewhere.
    """
    a = require_tensor(a, "max")
    axes = axes_of(axis, a.data.ndim, "max")
    try:
        out = np.max(a.data, axis=axes, keepdims=True)
    except ValueError:
        raise ValueError(
            f"max: cannot take the max over an empty axis (shape {a.shape}, axis {axis!r})"
        ) from None
    kept = out
    if not keepdims:
        out = out.reshape(()) if axes is None else np.squeeze(out, axis=axes)
    return a.from_op(out, (a,), "max", max_backward, (axes, bool(keepdims), kept))


def max_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> Grads:
    """The gradient of a max, shared equally by the entries that tie for the maximum."""
    axes, keepdims, kept = saved
    x = inputs[0].data
    winners = x == kept
    count = winners.sum(axis=axes, keepdims=True, dtype=g.dtype)
    if not keepdims:
        g = np.expand_dims(g, axes if axes is not None else tuple(range(x.ndim)))
    return ((g / count) * winners,)
