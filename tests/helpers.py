"""Helpers shared by the engine and network tests: nan-aware comparison, PyTorch twins."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from neuronlab import Value


def t64(x: float) -> torch.Tensor:
    """A float64 scalar leaf tensor that requires grad."""
    return torch.tensor(float(x), dtype=torch.float64, requires_grad=True)


def close(actual: float, expected: float, rel: float = 1e-12, abs_: float = 0.0) -> bool:
    """Equal within tolerance, with nan equal to nan and infinities equal only to themselves."""
    if math.isnan(expected) or math.isnan(actual):
        return math.isnan(expected) and math.isnan(actual)
    if math.isinf(expected) or math.isinf(actual):
        return actual == expected
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_)


def assert_close(
    actual: float, expected: float, rel: float = 1e-12, abs_: float = 0.0, what: str = ""
) -> None:
    assert close(actual, expected, rel, abs_), f"{what}: got {actual!r}, expected {expected!r}"


def value_run(fn: Callable[..., Value], xs: Sequence[float]) -> tuple[float, list[float]]:
    """fn on fresh Values made from xs: (output, d output / d each x)."""
    vs = [Value(float(x)) for x in xs]
    out = fn(*vs)
    out.backward()
    return out.data, [v.grad for v in vs]


def torch_run(fn: Callable[..., torch.Tensor], xs: Sequence[float]) -> tuple[float, list[float]]:
    """The same with float64 tensors; an input the output does not depend on gets grad 0."""
    ts = [t64(x) for x in xs]
    out = fn(*ts)
    out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in ts]
