"""Softmax, its logarithm, and softmax cross-entropy as one fused node.

All three subtract the largest score first (a constant, which changes nothing
but keeps e**z from overflowing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .arrays import Grads, one_axis, quiet
from .operands import require_tensor

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["log_softmax", "softmax", "softmax_cross_entropy"]


def softmax(a: Tensor, axis: int = -1) -> Tensor:
    """s_i = e**(a_i - m) / Σ_j e**(a_j - m), m = max a (so no exp overflows).

    d/da: g ↦ s · (g - Σ_j g_j s_j).
    """
    a = require_tensor(a, "softmax")
    ax = one_axis(axis, a.data.ndim, "softmax")
    with quiet():
        e = np.exp(a.data - a.data.max(axis=ax, keepdims=True))
        out = e / e.sum(axis=ax, keepdims=True)
    return a.from_op(out, (a,), "softmax", softmax_backward, (ax, out))


def softmax_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """s · (g - Σ g s) along the axis."""
    ax, s = saved
    return (s * (g - (g * s).sum(axis=ax, keepdims=True)),)


def log_softmax(a: Tensor, axis: int = -1) -> Tensor:
    """a_i - m - log Σ_j e**(a_j - m), m = max a: the log of softmax without over/underflow.

    d/da: g ↦ g - softmax(a) · Σ_j g_j.
    """
    a = require_tensor(a, "log_softmax")
    ax = one_axis(axis, a.data.ndim, "log_softmax")
    with quiet():
        z = a.data - a.data.max(axis=ax, keepdims=True)
        out = z - np.log(np.exp(z).sum(axis=ax, keepdims=True))
    return a.from_op(out, (a,), "log_softmax", log_softmax_backward, (ax, out))


def log_softmax_backward(
    g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]
) -> Grads:
    """g - softmax(a) · Σ g along the axis."""
    ax, out = saved
    return (g - np.exp(out) * g.sum(axis=ax, keepdims=True),)


def softmax_cross_entropy(z: Tensor, labels: np.ndarray) -> Tensor:
    """Mean cross-entropy of class labels under softmax(z), as one node.

    ``z``: raw scores of shape (N, C); ``labels``: N integer classes in [0, C),
    already checked (``losses.cross_entropy`` checks them).  Returns a 0-d Tensor:

        L = (1/N) Σ_n [ log Σ_c e**z_nc - z_n,t_n ]   (computed with z - max z, so stable)
        dL/dz = (softmax(z) - onehot(t)) / N

    The fused form of ``-log_softmax(z)[range(N), t].mean()``: one node, one
    pass, the same numbers as ``torch.nn.functional.cross_entropy``.
    """
    z = require_tensor(z, "cross_entropy")
    n = len(labels)
    rows = np.arange(n)
    x = z.data
    with quiet():
        shifted = x - np.maximum.reduce(x, axis=1, keepdims=True)
        e = np.exp(shifted)
        total = np.add.reduce(e, axis=1, keepdims=True)
        loss = np.add.reduce(np.log(total[:, 0]) - shifted[rows, labels]) / n
    saved = (e, total, rows, labels)
    return z.from_op(np.asarray(loss), (z,), "cross_entropy", cross_entropy_backward, saved)


def cross_entropy_backward(
    g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]
) -> Grads:
    """(softmax(z) - onehot(t)) · g / N.

    An inf or nan g takes PyTorch's two steps instead (nll, then log_softmax:
    h = -onehot · g/N, then h - softmax · Σ h), whose nan entries differ.
    """
    e, total, rows, t = saved
    p = e / total  # softmax
    if not np.isfinite(g):
        h = np.zeros_like(p)
        h[rows, t] = -g / len(t)
        return (h - p * h.sum(axis=1, keepdims=True),)
    p[rows, t] -= 1  # minus the one-hot targets
    p *= g / len(t)
    return (p,)
