"""Elementwise arithmetic on tensors: + - * / ** and negation, with broadcasting.

Each operation is a pair: the forward computes the array and records the node
(``from_op``), its backward turns the output's gradient ``g`` into one gradient
per input (None for an input that needs none).  ``Tensor.backward`` sums each
of them back to its input's shape, so broadcasting is undone in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .arrays import F64, NUMBER_TYPES, FloatArray, Grads, TensorType, number_array, quiet
from .operands import broadcast, lift, operands, require_tensor

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["add", "div", "mul", "neg", "power", "rpower", "sub"]


def add(a: object, b: object) -> Tensor:
    """a + b, broadcasting;  d/da = 1,  d/db = 1."""
    a, b = operands(a, b, "add")
    return a.from_op(broadcast(np.add, a, b, "add"), (a, b), "+", add_backward)


def add_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of a + b for each of a and b."""
    return g, g


def sub(a: object, b: object) -> Tensor:
    """a - b, broadcasting;  d/da = 1,  d/db = -1."""
    a, b = operands(a, b, "sub")
    return a.from_op(broadcast(np.subtract, a, b, "sub"), (a, b), "-", sub_backward)


def sub_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of a - b for each of a and b."""
    return g, (-g if inputs[1].requires_grad else None)


def mul(a: object, b: object) -> Tensor:
    """a * b, elementwise with broadcasting;  d/da = b,  d/db = a."""
    a, b = operands(a, b, "mul")
    return a.from_op(broadcast(np.multiply, a, b, "mul"), (a, b), "*", mul_backward)


def mul_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of a * b for each of a and b."""
    a, b = inputs
    return (
        g * b.data if a.requires_grad else None,
        g * a.data if b.requires_grad else None,
    )


def div(a: object, b: object) -> Tensor:
    """a / b, elementwise with broadcasting;  d/da = 1/b,  d/db = -a/b² = -(a/b)/b."""
    a, b = operands(a, b, "div")
    out = broadcast(np.true_divide, a, b, "div")
    return a.from_op(out, (a, b), "/", div_backward, (out,))


def div_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of a / b for each of a and b: g / b and -g · ((a/b) / b).

    Grouped as PyTorch groups it, from the saved quotient: never b·b, which
    overflows in float32 for |b| > 1.8e19 where the quotient stays finite.
    """
    a, b = inputs
    return (
        g / b.data if a.requires_grad else None,
        -g * (saved[0] / b.data) if b.requires_grad else None,
    )


def neg(a: Tensor) -> Tensor:
    """-a;  d/da = -1."""
    a = require_tensor(a, "neg")
    return a.from_op(np.negative(a.data), (a,), "neg", neg_backward)


def neg_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of -a."""
    return (-g,)


def power(a: object, k: object) -> Tensor:
    """a ** k;  d/da = k · a**(k-1), and for a tensor exponent d/dk = a**k · ln a.

    d/dk is 0 where a = 0 and k >= 0, as PyTorch defines it.
    """
    if isinstance(k, NUMBER_TYPES) and isinstance(a, TensorType):
        k = float(number_array(k, F64, "pow"))
        with quiet():
            out = power_of(a.data, k)  # type: ignore[attr-defined]
        return a.from_op(out, (a,), f"**{k:g}", power_number_backward, (k,))  # type: ignore
    a, k = operands(a, k, "pow")
    out = broadcast(np.power, a, k, "pow")
    return a.from_op(out, (a, k), "**", power_backward, (out,))


def power_of(x: FloatArray, k: float) -> FloatArray:
    """x ** k for a number k as PyTorch computes it, with its shortcuts for six exponents.

    x*x, x*x*x, √x, 1/√x, 1/x, 1/(x*x) for k = 2, 3, 1/2, -1/2, -1, -2; pow
    otherwise.  So (-inf)**0.5 is nan (not inf), (-0.0)**-0.5 is -inf (not inf)
    and a float32 (1e20)**-2 is 0 (x*x overflows), exactly as in PyTorch.
    """
    if k == 2:
        return x * x
    if k == 3:
        return x * x * x
    if k == 0.5:
        return np.sqrt(x)
    if k == -0.5:
        return 1 / np.sqrt(x)
    if k == -1:
        return 1 / x
    if k == -2:
        return 1 / (x * x)
    return np.power(x, k)


def power_number_backward(
    g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]
) -> Grads:
    """The gradient of a ** k for a number k (0 everywhere when k = 0: a**0 = 1 is flat)."""
    (k,) = saved
    if k == 0.0:
        return (np.zeros_like(g),)
    return (g * (k * power_of(inputs[0].data, k - 1.0)),)


def power_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient of a ** k for a tensor k, for each of a and k.

    As PyTorch: d/da = 0 where k = 0 (even for an inf or nan g), d/dk = 0 where a = 0 and k >= 0.
    """
    a, k = inputs[0].data, inputs[1].data
    ga = gk = None
    if inputs[0].requires_grad:
        ga = np.where(k == 0.0, 0.0, g * (k * np.power(a, k - 1.0))).astype(g.dtype, copy=False)
    if inputs[1].requires_grad:
        local = np.where((a == 0.0) & (k >= 0.0), 0.0, saved[0] * np.log(a))
        gk = g * local.astype(g.dtype, copy=False)
    return ga, gk


def rpower(base: Any, exponent: Tensor) -> Tensor:
    """number ** tensor (``2 ** t``): the base becomes a constant of the tensor's dtype."""
    return power(lift(base, exponent, "pow"), exponent)
