"""Gradient descent: optimisers that move parameters against their gradients, and schedules.

One implementation serves both engines: a parameter is anything with ``.data``
and ``.grad`` — a ``Value`` (floats) or a ``Tensor`` (NumPy arrays, updated in
place).  The update rules and names follow PyTorch's ``torch.optim``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .engine import Value
from .tensor import Tensor

__all__ = ["Optimizer", "SGD", "Adam", "LRScheduler", "LinearLR", "StepLR", "CosineAnnealingLR"]


def _positive(x: object, what: str, allow_zero: bool = False) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.number)) or not math.isfinite(x):
        raise TypeError(f"{what}: expected a finite number, got {x!r}")
    if x < 0 or (x == 0 and not allow_zero):
        raise ValueError(f"{what}: expected a number {'>=' if allow_zero else '>'} 0, got {x!r}")
    return float(x)


def _grad_of(p: Any) -> Any:
    """A parameter's gradient, read for this step only (a Tensor's array is not kept)."""
    return p._peek_grad() if type(p) is Tensor else p.grad


class Optimizer:
    """Base class: holds the parameters and the learning rate ``lr``."""

    def __init__(self, params: Iterable[Any], lr: float) -> None:
        if isinstance(params, (Value, str)) or not isinstance(params, Iterable):
            raise TypeError(
                "optimizer: expected an iterable of parameters (e.g. model.parameters()), "
                f"got {type(params).__name__}"
            )
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer: got an empty list of parameters")
        for p in self.params:
            if not (hasattr(p, "data") and hasattr(p, "grad")):
                raise TypeError(
                    f"optimizer: every parameter needs .data and .grad, got {type(p).__name__}"
                )
        self.lr = _positive(lr, "lr")
        self.steps = 0

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero."""
        for p in self.params:
            if type(p) is Value:
                p.grad = 0.0
            else:
                p.zero_grad()

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

    g = grad + weight_decay · p;  v = momentum · v + g;  p -= lr · v
    (Nesterov: p -= lr · (g + momentum · v)).  With the defaults: p -= lr · grad.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _positive(momentum, "momentum", allow_zero=True)
        self.weight_decay = _positive(weight_decay, "weight_decay", allow_zero=True)
        if nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs a momentum > 0")
        self.nesterov = bool(nesterov)
        self._velocity: list[Any] = [None] * len(self.params)

    def step(self) -> None:
        """p -= lr · (gradient, with weight decay and momentum applied)."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        plain = mu == 0 and wd == 0
        for i, p in enumerate(self.params):
            g = _grad_of(p)
            if g is None:  # a Tensor that no backward reached
                continue
            if plain:
                p.data -= lr * g
                continue
            if wd:
                g = g + wd * p.data
            if mu:
                v = self._velocity[i]
                v = g if v is None else mu * v + g
                if isinstance(v, np.ndarray) and v is g:
                    v = v.copy()
                self._velocity[i] = v
                g = g + mu * v if self.nesterov else v
            p.data -= lr * g
        self.steps += 1


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient and its square.

    m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  p -= lr · m̂ / (√v̂ + eps),
    with m̂ = m / (1 - β1^t) and v̂ = v / (1 - β2^t) correcting the start at zero.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise TypeError(f"Adam(betas): expected a pair of numbers, got {betas!r}")
        b1, b2 = (_positive(b, "Adam(betas)", allow_zero=True) for b in betas)
        if not (b1 < 1 and b2 < 1):
            raise ValueError(f"Adam(betas): each must be in [0, 1), got {betas!r}")
        self.betas = (b1, b2)
        self.eps = _positive(eps, "Adam(eps)")
        self.weight_decay = _positive(weight_decay, "weight_decay", allow_zero=True)
        self._m: list[Any] = [0.0] * len(self.params)
        self._v: list[Any] = [0.0] * len(self.params)

    def step(self) -> None:
        """One Adam update of every parameter."""
        b1, b2 = self.betas
        self.steps += 1
        t = self.steps
        correction1 = 1.0 - b1**t
        correction2 = 1.0 - b2**t
        for i, p in enumerate(self.params):
            g = _grad_of(p)
            if g is None:
                continue
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            m = b1 * self._m[i] + (1.0 - b1) * g
            v = b2 * self._v[i] + (1.0 - b2) * (g * g)
            self._m[i], self._v[i] = m, v
            denom = (v / correction2) ** 0.5 + self.eps
            p.data -= self.lr * (m / correction1) / denom


class LRScheduler:
    """Base class: sets ``optimizer.lr`` from the number of ``step()`` calls so far.

    Call ``step()`` once after each ``optimizer.step()``; ``lr_at(k)`` gives
    the learning rate for step k in closed form.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"scheduler: expected an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_step = 0

    def lr_at(self, k: int) -> float:
        """The learning rate after ``k`` scheduler steps."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one step and set the optimiser's learning rate."""
        self.last_step += 1
        self.optimizer.lr = self.lr_at(self.last_step)

    @property
    def lr(self) -> float:
        """The learning rate in force now."""
        return self.optimizer.lr


class LinearLR(LRScheduler):
    """lr changes linearly from base·start_factor to base·end_factor over ``total_iters`` steps.

    micrograd's demo, lr = 1.0 - 0.9 · k / 100, is ``LinearLR(opt, 1.0, 0.1, 100)`` with lr 1.
    The defaults are that decay (PyTorch's are 1/3 -> 1.0 over 5 steps).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0,
        end_factor: float = 0.1,
        total_iters: int = 100,
    ) -> None:
        super().__init__(optimizer)
        self.start_factor = _positive(start_factor, "LinearLR(start_factor)")
        self.end_factor = _positive(end_factor, "LinearLR(end_factor)", allow_zero=True)
        if isinstance(total_iters, bool) or not isinstance(total_iters, int) or total_iters < 1:
            raise ValueError(f"LinearLR(total_iters): expected an int >= 1, got {total_iters!r}")
        self.total_iters = total_iters
        optimizer.lr = self.lr_at(0)

    def lr_at(self, k: int) -> float:
        """base · (start + (end - start) · min(k, total) / total)."""
        frac = min(k, self.total_iters) / self.total_iters
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * frac)


class StepLR(LRScheduler):
    """lr = base · gamma^(k // step_size): multiplied by ``gamma`` every ``step_size`` steps."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR(step_size): expected an int >= 1, got {step_size!r}")
        self.step_size = step_size
        self.gamma = _positive(gamma, "StepLR(gamma)")

    def lr_at(self, k: int) -> float:
        """base · gamma^(k // step_size)."""
        return self.base_lr * self.gamma ** (k // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """lr follows half a cosine from base down to ``eta_min`` over ``T_max`` steps.

    After ``T_max`` it stays at ``eta_min`` (PyTorch's closed form would rise again).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        super().__init__(optimizer)
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR(T_max): expected an int >= 1, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = _positive(eta_min, "CosineAnnealingLR(eta_min)", allow_zero=True)

    def lr_at(self, k: int) -> float:
        """eta_min + (base - eta_min) · (1 + cos(π · min(k, T_max) / T_max)) / 2."""
        k = min(k, self.T_max)
        return (
            self.eta_min
            + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * k / self.T_max)) / 2
        )
