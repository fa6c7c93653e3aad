"""Matrix products: ``matmul`` (1-D, 2-D and batched) and ``linear``, a layer's x @ Wᵀ + b."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .arrays import Grads, quiet
from .operands import lift, operands, require_tensor

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["linear", "matmul"]


def matmul(a: object, b: object) -> Tensor:
    """a @ b as ``np.matmul`` (1-D, 2-D and batched);  d/da = g @ bᵀ,  d/db = aᵀ @ g."""
    a, b = operands(a, b, "matmul")
    sa, sb = a.data.shape, b.data.shape
    if not sa or not sb:
        raise ValueError(
            f"matmul: both operands need at least one dimension, got shapes {sa} and {sb}"
        )
    ka, kb = sa[-1], (sb[0] if len(sb) == 1 else sb[-2])
    if ka != kb:
        raise ValueError(f"matmul: shapes {sa} and {sb} do not line up ({ka} != {kb})")
    try:
        with quiet():
            out = np.matmul(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"matmul: the batch dimensions of shapes {sa} and {sb} cannot be broadcast together"
        ) from None
    return a.from_op(out, (a, b), "@", matmul_backward)


def matmul_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of a @ b for each of a and b (1-D operands read as a row or a column)."""
    a, b = inputs
    x, y = a.data, b.data
    if x.ndim == 1 and y.ndim == 1:  # a dot product: g is a number
        return (g * y if a.requires_grad else None, g * x if b.requires_grad else None)
    # np.matmul treats a 1-D left operand as a row (1, n) and a 1-D right one as a column
    if x.ndim == 1:
        x, g = x[None, :], g[..., None, :]
    if y.ndim == 1:
        y, g = y[:, None], g[..., None]
    ga = gb = None
    if a.requires_grad:
        ga = np.matmul(g, np.swapaxes(y, -1, -2))
        if a.data.ndim == 1:
            ga = ga[..., 0, :]
    if b.requires_grad:
        gb = np.matmul(np.swapaxes(x, -1, -2), g)
        if b.data.ndim == 1:
            gb = gb[..., 0]
    return ga, gb


def linear(x: Any, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weightᵀ + bias in one node, with ``weight`` of shape (out, in) as in PyTorch.

    d/dx = g @ W,  d/dW = gᵀ @ x (summed over the batch),  d/db = Σ_batch g.
    ``weight.T`` is a view, so no transposed copy is made.
    """
    weight = require_tensor(weight, "linear")
    x = lift(x, weight, "linear")
    if bias is not None:
        bias = lift(bias, weight, "linear")
    w = weight.data
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out, in), got shape {w.shape}")
    if not x.data.ndim or x.data.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input shape {x.shape} does not fit weight shape {w.shape} "
            f"(expected last dimension {w.shape[1]})"
        )
    if bias is not None and bias.data.shape != (w.shape[0],):
        raise ValueError(
            f"linear: bias shape {bias.shape} does not fit weight shape {w.shape} "
            f"(expected ({w.shape[0]},))"
        )
    with quiet():
        out = x.data @ w.T
        if bias is not None:
            out += bias.data
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return weight.from_op(out, inputs, "linear", linear_backward)


def linear_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of x @ Wᵀ + b for each of x, W and b."""
    x, w = inputs[0], inputs[1]
    gx = g @ w.data if x.requires_grad else None
    g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])  # every batch dim as one
    gw = gb = None
    if w.requires_grad:
        x2 = x.data if x.data.ndim == 2 else x.data.reshape(-1, x.data.shape[-1])
        gw = g2.T @ x2
    if len(inputs) == 3 and inputs[2].requires_grad:
        gb = np.add.reduce(g2, axis=0)
    return gx, gw, gb
