"""PyTorch as a second reference for the learner's Value, when it is installed.

``TorchValue`` wraps a float64 PyTorch scalar in the learner's interface
(``data``, ``grad``, ``label``, the operators, ``exp``, ``tanh``,
``backward``), so the expressions a check builds on the learner's Value can
be built on PyTorch too, operation for operation, and their gradients
compared.  ``torch_value_class`` is None when PyTorch is not installed.
``prepare`` imports PyTorch ahead of a check: a module whose check uses it
names it as its own ``prepare`` (``sandbox.prepare_check`` calls that before
the time limit starts, since the import alone takes seconds).
"""

from __future__ import annotations

import importlib.util
from typing import Any

__all__ = ["TorchValue", "prepare", "torch_value_class"]


def torch_value_class() -> type | None:
    """The ``TorchValue`` class, or None when PyTorch cannot be imported."""
    if TorchValue.torch is None:
        if importlib.util.find_spec("torch") is None:
            return None
        try:
            import torch
        except ImportError:  # installed but broken
            return None
        TorchValue.torch = torch
    return TorchValue


def prepare() -> None:
    """Import PyTorch now, when it is installed (the checks that use it ask again later)."""
    torch_value_class()


def _wrap(x: Any) -> TorchValue:
    return x if isinstance(x, TorchValue) else TorchValue(x)


class TorchValue:
    """One float64 PyTorch scalar in the learner's Value interface (every gradient kept)."""

    torch: Any = None  # the torch module, set by torch_value_class()

    def __init__(self, data: Any, label: str = "") -> None:
        torch = self.torch
        if isinstance(data, torch.Tensor):
            self.t = data
            self.t.retain_grad()  # an intermediate keeps its .grad, as a Value does
        else:
            self.t = torch.tensor(float(data), dtype=torch.float64, requires_grad=True)
        self.label = label

    @property
    def data(self) -> float:
        """The number."""
        return float(self.t.detach())

    @property
    def grad(self) -> float:
        """d(output)/d(this), after backward()."""
        return 0.0 if self.t.grad is None else float(self.t.grad)

    def __add__(self, other: Any) -> TorchValue:
        return TorchValue(self.t + _wrap(other).t)

    def __mul__(self, other: Any) -> TorchValue:
        return TorchValue(self.t * _wrap(other).t)

    def __sub__(self, other: Any) -> TorchValue:
        return TorchValue(self.t - _wrap(other).t)

    def __truediv__(self, other: Any) -> TorchValue:
        return TorchValue(self.t / _wrap(other).t)

    def __radd__(self, other: Any) -> TorchValue:
        return _wrap(other) + self

    def __rmul__(self, other: Any) -> TorchValue:
        return _wrap(other) * self

    def __rsub__(self, other: Any) -> TorchValue:
        return _wrap(other) - self

    def __rtruediv__(self, other: Any) -> TorchValue:
        return _wrap(other) / self

    def __neg__(self) -> TorchValue:
        return TorchValue(-self.t)

    def __pow__(self, k: float) -> TorchValue:
        return TorchValue(self.t**k)

    def exp(self) -> TorchValue:
        """e^self."""
        return TorchValue(self.t.exp())

    def tanh(self) -> TorchValue:
        """tanh(self)."""
        return TorchValue(self.t.tanh())

    def backward(self) -> None:
        """Fill every .grad this value depends on."""
        self.t.backward()
