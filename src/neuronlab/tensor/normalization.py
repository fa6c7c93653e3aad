"""Normalisation: every feature shifted to mean 0 and scaled to variance 1, then a gain and a bias.

    x̂ = (x - mean) / √(var + eps),   out = x̂ · weight + bias

The features are the last axis.  ``batch_norm`` takes the mean and variance
over the examples of the batch (every axis but the last), or from running
statistics given to it; ``layer_norm`` over the features of each example.
Each is one node with its backward written out, rather than a graph of a
dozen subtractions and divisions: the backward of a normalisation is a
textbook formula, and one node is much faster than twelve.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..util.checks import positive_number
from .arrays import Grads, quiet
from .operands import lift, require_tensor

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["batch_norm", "batch_statistics", "layer_norm"]


def batch_statistics(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean and the biased variance (Σ (x - mean)² / n) of each feature over the batch.

    ``x`` has shape (N, C) or (N, T, C); both results have shape (C,).
    """
    axes = tuple(range(x.ndim - 1))
    n = x.size // x.shape[-1]
    with quiet():  # np.add.reduce: ndarray.mean's Python wrapper costs more than the sum here
        mean = np.add.reduce(x, axis=axes) / n
        centred = x - mean
        return mean, np.add.reduce(centred * centred, axis=axes) / n


def _affine(x: Tensor, weight: Any, bias: Any, op: str) -> tuple[Tensor, ...]:
    """The inputs of a normalisation node: x, then the weight and bias that are given."""
    width = x.data.shape[-1] if x.data.ndim else 0
    inputs = [x]
    for name, p in (("weight", weight), ("bias", bias)):
        if p is None:
            continue
        p = lift(p, x, op)
        if p.data.shape != (width,):
            raise ValueError(
                f"{op}: {name} must have shape ({width},), one per feature of input shape "
                f"{x.shape}, got {p.shape}"
            )
        inputs.append(p)
    return tuple(inputs)


def batch_norm(
    x: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    mean: np.ndarray,
    var: np.ndarray,
    eps: float = 1e-5,
    *,
    from_batch: bool = True,
) -> Tensor:
    """(x - mean) / √(var + eps) · weight + bias, per feature (the last axis of x).

    ``from_batch``: ``mean`` and ``var`` are this batch's own statistics
    (``batch_statistics(x.data)``, training mode), so they depend on x and
    the backward goes through them:
    d/dx = (1/σ) · (ĝ - mean(ĝ) - x̂ · mean(ĝ · x̂)),  ĝ = g · weight.
    Otherwise they are constants (running statistics, evaluation mode) and
    d/dx = g · weight / σ.  In both, d/dweight = Σ g · x̂ and d/dbias = Σ g.
    """
    x = require_tensor(x, "batch_norm")
    if x.data.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C) or (N, T, C), got {x.shape}")
    eps = positive_number(eps, "batch_norm(eps)")
    inputs = _affine(x, weight, bias, "batch_norm")
    return _normalized(inputs, weight is not None, mean, var, eps, from_batch, "batch_norm")


def layer_norm(
    x: Tensor, weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5
) -> Tensor:
    """(x - mean) / √(var + eps) · weight + bias over the features (last axis) of each example.

    The mean and (biased) variance are each example's own, so the same
    formula holds in training and evaluation;  d/dx as for ``batch_norm``
    with the means taken over the features.
    """
    x = require_tensor(x, "layer_norm")
    if not x.data.ndim:
        raise ValueError("layer_norm: expected an input with a feature axis, got a 0-d tensor")
    eps = positive_number(eps, "layer_norm(eps)")
    inputs = _affine(x, weight, bias, "layer_norm")
    width = x.data.shape[-1]
    with quiet():
        mean = np.add.reduce(x.data, axis=-1, keepdims=True) / width
        centred = x.data - mean
        var = np.add.reduce(centred * centred, axis=-1, keepdims=True) / width
    return _normalized(inputs, weight is not None, mean, var, eps, True, "layer_norm")


def _normalized(
    inputs: tuple[Tensor, ...],
    has_weight: bool,
    mean: np.ndarray,
    var: np.ndarray,
    eps: float,
    from_batch: bool,
    op: str,
) -> Tensor:
    """The node: x̂ · weight + bias, with what its backward needs saved."""
    x = inputs[0]
    dtype = x.data.dtype
    with quiet():
        inv_std = (1.0 / np.sqrt(np.asarray(var, dtype) + dtype.type(eps))).astype(dtype)
        xhat = (x.data - np.asarray(mean, dtype)) * inv_std
        out = xhat
        if has_weight:
            out = out * inputs[1].data
        if len(inputs) > 1 + has_weight:
            out = out + inputs[-1].data
    # the axes a statistic was taken over: the batch's (all but the features) or the features'
    axes = tuple(range(x.data.ndim - 1)) if op == "batch_norm" else (x.data.ndim - 1,)
    n = math.prod(x.data.shape[i] for i in axes)
    saved = (xhat, inv_std, has_weight, from_batch, axes, n)
    return x.from_op(out, inputs, op, normalized_backward, saved)


def normalized_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradients of x, the weight and the bias (see ``batch_norm``)."""
    xhat, inv_std, has_weight, from_batch, axes, n = saved
    x = inputs[0]
    leading = tuple(range(g.ndim - 1))  # the weight and bias are shared by all but the features
    grads: list[Any] = [None]
    with quiet():
        if has_weight:
            grads.append(np.add.reduce(g * xhat, axis=leading) if inputs[1].requires_grad else None)
        if len(inputs) > 1 + has_weight:
            grads.append(np.add.reduce(g, axis=leading) if inputs[-1].requires_grad else None)
        if x.requires_grad:
            ghat = g * inputs[1].data if has_weight else g
            if from_batch:  # the mean and the variance move with x too
                mean_g = np.add.reduce(ghat, axis=axes, keepdims=True) / n
                mean_gx = np.add.reduce(ghat * xhat, axis=axes, keepdims=True) / n
                ghat = ghat - mean_g - xhat * mean_gx
            grads[0] = ghat * inv_std
    return tuple(grads)
