"""Starting weights for the tensor layers: He, Xavier and PyTorch's default, all seeded.

Every initialiser takes the weight's shape as (fan_out, fan_in), PyTorch's
layout, a ``seed`` and a ``dtype``, and returns a NumPy array.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import check_dtype
from ..util.checks import whole_number
from ..util.rng import Seed, make_rng

__all__ = ["he_uniform", "xavier_uniform", "uniform_init", "INITS"]


def _shape2(shape: object, who: str) -> tuple[int, int]:
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValueError(f"{who}: expected a shape (fan_out, fan_in), got {shape!r}")
    return (
        whole_number(shape[0], f"{who}(fan_out)", minimum=1),
        whole_number(shape[1], f"{who}(fan_in)", minimum=1),
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


#: Linear(init=...) name -> weight initialiser.
INITS: dict[str, Callable[..., np.ndarray]] = {
    "he": he_uniform,
    "xavier": xavier_uniform,
    "uniform": uniform_init,
}
