"""Reductions: ``sum``, ``mean``, ``max``, ``var`` and ``std`` over some axes (all by default)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from ..util.checks import real_number
from .arrays import Grads, axes_of, quiet
from .operands import require_tensor

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["Axis", "max_", "mean", "std", "sum_", "var"]

Axis = Union[int, tuple[int, ...], None]  # noqa: UP007 (a runtime alias on 3.10)


def stretch(
    g: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool, shape: tuple[int, ...]
) -> Any:
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


def sum_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of a sum: g, stretched over what was summed."""
    axes, keepdims = saved
    return (stretch(g, axes, keepdims, inputs[0].data.shape),)


def count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many entries a reduction over ``axes`` (all when None) takes together."""
    return math.prod(shape if axes is None else [shape[i] for i in axes])


def mean(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Σ a / n over ``axis``;  d/da_i = 1/n.  The mean of nothing is nan, as in PyTorch."""
    a = require_tensor(a, "mean")
    axes = axes_of(axis, a.data.ndim, "mean")
    n = count(a.data.shape, axes)
    with quiet():
        out = np.sum(a.data, axis=axes, keepdims=keepdims) / n  # n = 0: 0 / 0 = nan
    return a.from_op(out, (a,), "mean", mean_backward, (axes, bool(keepdims), n))


def mean_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
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


def max_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of a max, shared equally by the entries that tie for the maximum."""
    axes, keepdims, kept = saved
    x = inputs[0].data
    winners = x == kept
    count = winners.sum(axis=axes, keepdims=True, dtype=g.dtype)
    if not keepdims:
        g = np.expand_dims(g, axes if axes is not None else tuple(range(x.ndim)))
    return ((g / count) * winners,)


def var(a: Tensor, axis: Axis = None, correction: float = 1, keepdims: bool = False) -> Tensor:
    """Σ (a - mean)² / (n - correction) over ``axis``;  d/da_i = 2 (a_i - mean) / (n - correction).

    ``correction=1`` (the default, as in PyTorch) is Bessel's unbiased estimate
    of the variance of the population the entries were drawn from;
    ``correction=0`` is the biased variance of the entries themselves, the one
    BatchNorm normalises with.  The divisor is max(0, n - correction), so one
    entry with correction 1 gives nan (0/0), as in PyTorch.
    """
    a = require_tensor(a, "var")
    out, saved = _variance(a, axis, correction, keepdims, "var")
    return a.from_op(out, (a,), "var", var_backward, saved)


def _variance(a: Tensor, axis: Axis, correction: float, keepdims: bool, op: str) -> tuple[Any, ...]:
    """The variance's array, and what both backwards need: (axes, keepdims, n - c, centred)."""
    axes = axes_of(axis, a.data.ndim, op)
    correction = real_number(correction, f"{op}(correction)", minimum=0.0)
    dof = count(a.data.shape, axes) - correction
    with quiet():
        centred = a.data - np.mean(a.data, axis=axes, keepdims=True)
        out = np.sum(centred * centred, axis=axes, keepdims=keepdims) / max(0.0, dof)
    whole = axes is None or not a.data.ndim
    return np.asarray(out, dtype=a.data.dtype), (axes, bool(keepdims), dof, centred, whole)


def var_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """g · 2 (a - mean) / (n - correction), g stretched over what was reduced.

    With nothing left to divide by (n <= correction) over the whole tensor, the
    slope is taken as PyTorch takes it: inf, or nan where a equals the mean.
    """
    axes, keepdims, dof, centred, whole = saved
    with quiet():
        g = stretch(g, axes, keepdims, centred.shape)
        if whole and dof <= 0:
            x = inputs[0].data
            return (g * np.where(x == np.mean(x), np.nan, np.inf).astype(g.dtype),)
        return (g * 2 / dof * centred,)


def std(a: Tensor, axis: Axis = None, correction: float = 1, keepdims: bool = False) -> Tensor:
    """√var over ``axis`` (``correction`` as in ``var``);  d/da_i = (a_i - mean) / ((n - c) · std).

    Where the std is 0 (a constant input) the slope of √ is infinite; PyTorch
    passes 0 back there, and so does this.
    """
    a = require_tensor(a, "std")
    out, saved = _variance(a, axis, correction, keepdims, "std")
    with quiet():
        out = np.sqrt(out)
    return a.from_op(out, (a,), "std", std_backward, (*saved, out))


def std_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The variance's backward of g / (2 · std) (0 where the std is 0)."""
    out = saved[-1]
    with quiet():
        g_var = np.where(out == 0, 0, g / (2 * out)).astype(g.dtype, copy=False)
    return var_backward(g_var, inputs, saved[:-1])
