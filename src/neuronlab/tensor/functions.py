"""Elementwise functions: ``exp``, ``log`` and the activations (tanh, sigmoid, relu, step).

Each forward keeps what its derivative needs (usually its own output), so the
backward is one line of the derivative's formula.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .arrays import Grads, keep_where, quiet
from .operands import require_tensor

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["abs_", "exp", "log", "relu", "sigmoid", "step", "tanh"]


def exp(a: Tensor) -> Tensor:
    """e ** a (inf on overflow);  d/da = e ** a."""
    a = require_tensor(a, "exp")
    with quiet():
        out = np.exp(a.data)
    return a.from_op(out, (a,), "exp", exp_backward, (out,))


def exp_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """g · e**a, from the saved output."""
    return (g * saved[0],)


def log(a: Tensor) -> Tensor:
    """ln a (ln 0 = -inf, ln of a negative = nan);  d/da = 1 / a."""
    a = require_tensor(a, "log")
    with quiet():
        out = np.log(a.data)
    return a.from_op(out, (a,), "log", log_backward)


def log_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """g / a."""
    return (g / inputs[0].data,)


def tanh(a: Tensor) -> Tensor:
    """tanh a;  d/da = 1 - tanh(a)**2."""
    a = require_tensor(a, "tanh")
    out = np.tanh(a.data)
    return a.from_op(out, (a,), "tanh", tanh_backward, (out,))


def tanh_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """g · (1 - t²), t the saved output."""
    t = saved[0]
    return (g * (1 - t * t),)


def sigmoid(a: Tensor) -> Tensor:
    """σ(a) = 1 / (1 + e**-a);  d/da = σ(a) (1 - σ(a)).

    Computed from e**-|a|, which lies in (0, 1], so no input can overflow:
    σ(a) = 1 / (1 + e**-|a|) for a >= 0 and e**-|a| / (1 + e**-|a|) below.
    """
    a = require_tensor(a, "sigmoid")
    x = a.data
    e = np.exp(-np.abs(x))
    d = e + 1
    out = np.where(x >= 0, 1 / d, e / d)
    return a.from_op(out, (a,), "sigmoid", sigmoid_backward, (out,))


def sigmoid_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """g · s (1 - s), s the saved output."""
    s = saved[0]
    return (g * (1 - s) * s,)


def relu(a: Tensor) -> Tensor:
    """max(0, a);  d/da = 1 if a > 0 else 0 (nan passes through, as in PyTorch)."""
    a = require_tensor(a, "relu")
    out = np.maximum(a.data, 0)
    return a.from_op(out, (a,), "relu", relu_backward, (out,))


def relu_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """g where the output is not 0, exactly 0 elsewhere (even for an inf or nan g)."""
    out = saved[0]  # max(a, 0): 0, positive or nan, so out != 0 is "not out <= 0": nan passes
    return (keep_where(g, out != 0),)


def abs_(a: Tensor) -> Tensor:
    """|a|;  d/da = sign(a): 1, -1, or 0 at 0 (and at nan, as PyTorch has it)."""
    a = require_tensor(a, "abs")
    return a.from_op(np.abs(a.data), (a,), "abs", abs_backward)


def abs_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """g · sign(a), the sign 0 at 0 and at nan."""
    x = inputs[0].data
    sign = (x > 0).astype(g.dtype) - (x < 0).astype(g.dtype)
    return (g * sign,)


def step(a: Tensor) -> Tensor:
    """The perceptron's threshold: 1 where a > 0, else 0;  d/da = 0 (no slope to follow)."""
    a = require_tensor(a, "step")
    out = (a.data > 0).astype(a.data.dtype)
    return a.from_op(out, (a,), "step", step_backward)


def step_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """Zeros: a flat function passes nothing back."""
    return (np.zeros_like(g),)
