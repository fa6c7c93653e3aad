"""Starting weights for the tensor layers: He, Xavier, Kaiming, plain normal and PyTorch's default.

Every initialiser takes the weight's shape as (fan_out, fan_in), PyTorch's
layout, a ``seed`` and a ``dtype``, and returns a NumPy array.  ``INITS``
is the registry of the ones ``Linear(init=...)`` offers; ``calculate_gain`` gives the gain
that keeps activations at a steady scale through a nonlinearity (5/3 for tanh,
√2 for ReLU), as ``torch.nn.init.calculate_gain`` does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import check_dtype
from ..util.checks import one_of, real_number, whole_number
from ..util.registry import Entry, Registry
from ..util.rng import Seed, make_rng

__all__ = [
    "GAINS",
    "INITS",
    "calculate_gain",
    "he_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "normal_init",
    "uniform_init",
    "xavier_uniform",
]

#: Nonlinearity -> the gain that keeps the scale of activations through it (PyTorch's values):
#: tanh squashes, so its inputs need a little more spread (5/3); ReLU zeroes half, so √2.
GAINS: dict[str, float] = {
    "linear": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
}


def calculate_gain(nonlinearity: str) -> float:
    """The gain for weights feeding ``nonlinearity``: tanh 5/3, relu √2, linear and sigmoid 1.

    >>> round(calculate_gain("tanh"), 4)
    1.6667
    """
    return GAINS[one_of(nonlinearity, GAINS, "calculate_gain(nonlinearity)")]


def _shape2(shape: object, where: str) -> tuple[int, int]:
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValueError(f"{where}: expected a shape (fan_out, fan_in), got {shape!r}")
    return (
        whole_number(shape[0], f"{where}(fan_out)", minimum=1),
        whole_number(shape[1], f"{where}(fan_in)", minimum=1),
    )


def he_uniform(shape: tuple[int, int], *, seed: Seed = None, dtype: Any = None) -> np.ndarray:
    """He (Kaiming) uniform for ReLU layers: U(-a, a), a = √(6 / fan_in).

    Keeps the variance of the activations about constant through ReLU layers
    (Var w = 2 / fan_in).  ``shape`` is (fan_out, fan_in), PyTorch's layout.
    """
    fan_out, fan_in = _shape2(shape, "he_uniform")
    a = math.sqrt(6.0 / fan_in)
    return make_rng(seed).uniform(-a, a, (fan_out, fan_in)).astype(check_dtype(dtype))


def xavier_uniform(shape: tuple[int, int], *, seed: Seed = None, dtype: Any = None) -> np.ndarray:
    """Xavier (Glorot) uniform for tanh/sigmoid layers: U(-a, a), a = √(6 / (fan_in + fan_out)).

    Var w = 2 / (fan_in + fan_out): the signal keeps its scale both forward and
    backward.  ``shape`` is (fan_out, fan_in).
    """
    fan_out, fan_in = _shape2(shape, "xavier_uniform")
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return make_rng(seed).uniform(-a, a, (fan_out, fan_in)).astype(check_dtype(dtype))


def uniform_init(shape: tuple[int, ...], *, seed: Seed = None, dtype: Any = None) -> np.ndarray:
    """PyTorch's default for ``nn.Linear``: U(-a, a), a = 1 / √fan_in, fan_in = shape[-1].

    Used for the weight (shape (out, in)) and, with init="uniform", for the bias
    too (shape (out,), with the layer's fan_in passed as ``shape[-1]`` of the weight).
    """
    if not isinstance(shape, (tuple, list)) or not shape:
        raise ValueError(f"uniform_init: expected a shape (..., fan_in), got {shape!r}")
    dims = tuple(whole_number(n, "uniform_init(shape)", minimum=1) for n in shape)
    a = 1.0 / math.sqrt(dims[-1])
    return make_rng(seed).uniform(-a, a, dims).astype(check_dtype(dtype))


def _gain_of(gain: object, nonlinearity: str, where: str) -> float:
    """``gain`` when given (a number > 0), else the nonlinearity's own."""
    if gain is None:
        return calculate_gain(nonlinearity)
    return real_number(gain, f"{where}(gain)", minimum=0.0, strict=True)


def kaiming_normal(
    shape: tuple[int, int],
    *,
    nonlinearity: str = "linear",
    gain: float | None = None,
    seed: Seed = None,
    dtype: Any = None,
) -> np.ndarray:
    """Kaiming (He) normal: N(0, σ²), σ = gain / √fan_in.

    Each output of the layer sums fan_in products, so dividing by √fan_in
    keeps its variance at about the input's; the gain makes up for what the
    nonlinearity after it squashes (``calculate_gain``: tanh 5/3, relu √2).
    The lectures' ``torch.randn(fan_in, fan_out) * (5/3) / fan_in**0.5`` is
    ``kaiming_normal(shape, nonlinearity="tanh")`` (in PyTorch's (out, in) layout).
    ``gain`` overrides the nonlinearity's (0.1 gives the lectures' small last layer).
    """
    fan_out, fan_in = _shape2(shape, "kaiming_normal")
    std = _gain_of(gain, nonlinearity, "kaiming_normal") / math.sqrt(fan_in)
    return (make_rng(seed).standard_normal((fan_out, fan_in)) * std).astype(check_dtype(dtype))


def kaiming_uniform(
    shape: tuple[int, int],
    *,
    nonlinearity: str = "linear",
    gain: float | None = None,
    seed: Seed = None,
    dtype: Any = None,
) -> np.ndarray:
    """Kaiming (He) uniform: U(-a, a), a = gain · √(3 / fan_in) (the same variance as the normal).

    ``he_uniform`` is this with the ReLU gain √2.
    """
    fan_out, fan_in = _shape2(shape, "kaiming_uniform")
    a = _gain_of(gain, nonlinearity, "kaiming_uniform") * math.sqrt(3.0 / fan_in)
    return make_rng(seed).uniform(-a, a, (fan_out, fan_in)).astype(check_dtype(dtype))


def normal_init(
    shape: tuple[int, ...], *, std: float = 1.0, seed: Seed = None, dtype: Any = None
) -> np.ndarray:
    """N(0, std²) for every entry, whatever the fan-in: the lectures' first ``torch.randn``.

    Too large for a wide layer (each output then has variance fan_in · std²),
    which is exactly what the lectures show going wrong before Kaiming's fix.
    """
    if not isinstance(shape, (tuple, list)) or not shape:
        raise ValueError(f"normal_init: expected a shape, got {shape!r}")
    dims = tuple(whole_number(n, "normal_init(shape)", minimum=1) for n in shape)
    scale = real_number(std, "normal_init(std)", minimum=0.0)
    return (make_rng(seed).standard_normal(dims) * scale).astype(check_dtype(dtype))


#: Linear(init=...) name -> weight initialiser (each takes the shape, seed and dtype): the one
#: registry of initialisations; a new one is added here.
INITS: Registry[Entry] = Registry(
    "initialisation",
    [
        Entry(
            "xavier",
            xavier_uniform,
            "Xavier uniform, a = √(6 / (fan_in + fan_out)): for tanh",
            "Xavier",
        ),
        Entry("he", he_uniform, "He uniform, a = √(6 / fan_in): for ReLU", "He"),
        Entry("uniform", uniform_init, "PyTorch's default, U(±1 / √fan_in)", "uniform"),
        Entry(
            "kaiming", kaiming_normal, "Kaiming normal, std = gain / √fan_in (gain 1)", "Kaiming"
        ),
        Entry(
            "normal",
            normal_init,
            "N(0, 1) whatever the fan-in: too large for wide layers",
            "normal",
        ),
    ],
)
