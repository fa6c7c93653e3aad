"""Gradient descent: optimisers that move parameters against their gradients, and schedules.

One implementation serves both engines: a parameter is anything with ``.data``
and ``.grad`` — a ``Value`` (floats) or a ``Tensor`` (NumPy arrays, updated in
place).  The update rules and names follow PyTorch's ``torch.optim``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import partial
from typing import Any, cast

import numpy as np

from .nn.engines import SCALAR, engine_of_parameter, one_engine
from .util.checks import non_negative_number, positive_number, real_number, whole_number
from .util.registry import Entry, Registry

__all__ = [
    "MOMENTUM",
    "OPTIMIZERS",
    "SCHEDULES",
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "LRScheduler",
    "LinearLR",
    "MultiStepLR",
    "Optimizer",
    "StepLR",
    "optimizer_recipe",
]


class Optimizer:
    """Base class: holds the parameters and the learning rate ``lr``.

    A parameter is anything with ``.data`` and ``.grad`` (a ``Value`` or a
    ``Tensor``); the engine that reads their gradients is chosen once, here.
    """

    def __init__(self, params: Iterable[Any], lr: float) -> None:
        if SCALAR.is_node(params) or isinstance(params, str) or not isinstance(params, Iterable):
            raise TypeError(
                "optimizer: expected an iterable of parameters (e.g. model.parameters()), "
                f"got {type(params).__name__}"
            )
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer: got an empty list of parameters")
        for p in self.params:
            try:
                engine_of_parameter(p)
            except TypeError:
                raise TypeError(
                    f"optimizer: every parameter must be a Value or a Tensor, "
                    f"got {type(p).__name__}"
                ) from None
        engine = one_engine([engine_of_parameter(p) for p in self.params], "optimizer")
        assert engine is not None  # there is at least one parameter
        self.engine = engine
        self.lr = positive_number(lr, "lr")
        self.steps = 0

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero."""
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        raise NotImplementedError

    def max_change(self, grad_norm: float) -> float | None:
        """An upper bound on how far the next ``step`` moves any one parameter entry.

        ``grad_norm`` is √(Σ grad²) over every parameter.  Call it once per
        step, before ``step``; None when no bound is known.  Training uses it
        to skip snapshots: parameters that are far from overflowing stay finite.
        """
        return None

    def _settings(self) -> str:
        return f"lr={self.lr:g}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._settings()})"


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
        self.momentum = non_negative_number(momentum, "SGD(momentum)")
        self.weight_decay = non_negative_number(weight_decay, "SGD(weight_decay)")
        if nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs a momentum > 0")
        self.nesterov = bool(nesterov)
        self._velocity: list[Any] = [None] * len(self.params)
        self._velocity_norm = 0.0  # a bound on √(Σ v²), for max_change

    def _settings(self) -> str:
        text = f"lr={self.lr:g}"
        if self.momentum:
            text += f", momentum={self.momentum:g}" + (", nesterov=True" if self.nesterov else "")
        if self.weight_decay:
            text += f", weight_decay={self.weight_decay:g}"
        return text

    def max_change(self, grad_norm: float) -> float | None:
        """lr·‖g‖ for plain SGD; with momentum, lr times a running bound on ‖v‖."""
        if self.weight_decay:
            return None  # the decay term depends on the parameters themselves
        if not self.momentum:
            return self.lr * grad_norm
        self._velocity_norm = self.momentum * self._velocity_norm + grad_norm
        step = (
            grad_norm + self.momentum * self._velocity_norm
            if self.nesterov
            else (self._velocity_norm)
        )
        return self.lr * step

    def step(self) -> None:
        """p -= lr · (gradient, with weight decay and momentum applied)."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        plain = mu == 0 and wd == 0
        grad_of = self.engine.grad_of
        for i, p in enumerate(self.params):
            g = grad_of(p)
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
    ``weight_decay`` adds weight_decay · p to the gradient (an L2 penalty),
    which the scaling then divides down; ``AdamW`` decays the weights directly.
    """

    #: Whether weight decay shrinks the weights directly (AdamW) or joins the gradient (Adam).
    decoupled = False

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
        b1, b2 = (real_number(b, "Adam(betas)", minimum=0.0) for b in betas)
        if not (b1 < 1 and b2 < 1):
            raise ValueError(f"Adam(betas): each must be in [0, 1), got {betas!r}")
        self.betas = (b1, b2)
        self.eps = positive_number(eps, "Adam(eps)")
        self.weight_decay = non_negative_number(weight_decay, "Adam(weight_decay)")
        self._m: list[Any] = [0.0] * len(self.params)
        self._v: list[Any] = [0.0] * len(self.params)

    def step(self) -> None:
        """One Adam update of every parameter."""
        b1, b2 = self.betas
        self.steps += 1
        t = self.steps
        correction1 = 1.0 - b1**t
        correction2 = 1.0 - b2**t
        grad_of = self.engine.grad_of
        for i, p in enumerate(self.params):
            g = grad_of(p)
            if g is None:
                continue
            if self.weight_decay and self.decoupled:
                p.data *= 1.0 - self.lr * self.weight_decay
            elif self.weight_decay:
                g = g + self.weight_decay * p.data
            m = b1 * self._m[i] + (1.0 - b1) * g
            v = b2 * self._v[i] + (1.0 - b2) * (g * g)
            self._m[i], self._v[i] = m, v
            denom = (v / correction2) ** 0.5 + self.eps
            p.data -= self.lr * (m / correction1) / denom

    def _settings(self) -> str:
        text = f"lr={self.lr:g}, betas=({self.betas[0]:g}, {self.betas[1]:g})"
        return text + (f", weight_decay={self.weight_decay:g}" if self.weight_decay else "")

    def max_change(self, grad_norm: float) -> float | None:
        """lr · (1-β1)·√(S / (1-β2)) · √(1-β2^t) / (1-β1^t), S = Σ_{j<t} (β1²/β2)^j.

        By Cauchy-Schwarz |m| ≤ (1-β1)·√(S·v/(1-β2)) for every entry, so
        |m̂| / √v̂ is bounded whatever the gradients are (≈ 7.3·lr for the defaults).
        """
        b1, b2 = self.betas
        if b2 == 0.0:
            return None
        t = self.steps + 1  # the step about to be taken
        ratio = b1 * b1 / b2
        series = t if ratio == 1.0 else (1.0 - ratio**t) / (1.0 - ratio)
        bound = (1.0 - b1) * math.sqrt(series / (1.0 - b2))
        return self.lr * bound * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter), as ``torch.optim.AdamW``.

    Each step first shrinks every weight, p -= lr · weight_decay · p, then
    takes Adam's step without any penalty in the gradient.  In ``Adam`` the
    penalty's gradient is divided by √v̂ like every other gradient, so weights
    with large gradients are hardly decayed at all; here every weight decays
    at the same rate.  The default decay is PyTorch's, 0.01.
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def max_change(self, grad_norm: float) -> float | None:
        """Adam's bound: the decay only shrinks weights while lr · weight_decay <= 2."""
        if self.lr * self.weight_decay > 2.0:
            return None
        return super().max_change(grad_norm)


#: Optimiser name -> class: how recipes, the lr sweep and the command line name them.
#: The momentum of the "momentum" optimiser: SGD with momentum 0.9, the usual choice.
MOMENTUM = 0.9

#: Optimiser name -> what builds it from (params, lr=..., ...): the one registry of optimisers
#: (the command line's --optimizer, the lab's menus, the language recipes); a new one is added
#: here.  "momentum" is SGD with ``momentum=MOMENTUM`` fixed.
OPTIMIZERS: Registry[Entry] = Registry(
    "optimizer",
    [
        Entry("sgd", SGD, "plain gradient descent: p -= lr · grad", "SGD"),
        Entry(
            "momentum",
            partial(SGD, momentum=MOMENTUM),
            f"SGD with momentum {MOMENTUM}: v = {MOMENTUM} v + grad;  p -= lr · v",
            "SGD with momentum",
        ),
        Entry("adam", Adam, "Adam: steps scaled by running averages of grad and grad²", "Adam"),
        Entry("adamw", AdamW, "AdamW: Adam with weight decay apart from the gradient", "AdamW"),
    ],
)


def optimizer_recipe(name: str) -> tuple[type[Optimizer], dict[str, Any]]:
    """The class the optimiser ``name`` builds and the settings its entry fixes.

    ``optimizer_recipe("momentum")`` is ``(SGD, {"momentum": 0.9})``: what an
    exported script writes as ``SGD(params, lr=..., momentum=0.9)``.
    """
    builds = OPTIMIZERS[name].builds
    if isinstance(builds, partial):
        return cast("type[Optimizer]", builds.func), dict(builds.keywords)
    return builds, {}


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

    def _settings(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._settings()}; lr now {self.lr:g})"


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
        self.start_factor = positive_number(start_factor, "LinearLR(start_factor)")
        self.end_factor = non_negative_number(end_factor, "LinearLR(end_factor)")
        self.total_iters = whole_number(total_iters, "LinearLR(total_iters)", minimum=1)
        optimizer.lr = self.lr_at(0)

    def _settings(self) -> str:
        return (
            f"start_factor={self.start_factor:g}, end_factor={self.end_factor:g}, "
            f"total_iters={self.total_iters}"
        )

    def lr_at(self, k: int) -> float:
        """base · (start + (end - start) · min(k, total) / total)."""
        frac = min(k, self.total_iters) / self.total_iters
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * frac)


class StepLR(LRScheduler):
    """lr = base · gamma^(k // step_size): multiplied by ``gamma`` every ``step_size`` steps."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = whole_number(step_size, "StepLR(step_size)", minimum=1)
        self.gamma = positive_number(gamma, "StepLR(gamma)")

    def _settings(self) -> str:
        return f"step_size={self.step_size}, gamma={self.gamma:g}"

    def lr_at(self, k: int) -> float:
        """base · gamma^(k // step_size)."""
        return self.base_lr * self.gamma ** (k // self.step_size)


class MultiStepLR(LRScheduler):
    """lr = base · gamma^(milestones passed): dropped by ``gamma`` at each step in ``milestones``.

    The lectures' ``lr = 0.1 if i < 100000 else 0.01`` is
    ``MultiStepLR(SGD(params, lr=0.1), milestones=[100_000], gamma=0.1)``.
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
            raise TypeError(
                f"MultiStepLR(milestones): expected a list of steps, got {milestones!r}"
            )
        steps = [whole_number(m, "MultiStepLR(milestones)", minimum=1) for m in milestones]
        if steps != sorted(set(steps)):
            raise ValueError(f"MultiStepLR(milestones): expected increasing steps, got {steps}")
        self.milestones = steps
        self.gamma = positive_number(gamma, "MultiStepLR(gamma)")

    def _settings(self) -> str:
        return f"milestones={self.milestones}, gamma={self.gamma:g}"

    def lr_at(self, k: int) -> float:
        """base · gamma^(number of milestones <= k)."""
        return self.base_lr * self.gamma ** sum(1 for m in self.milestones if m <= k)


class CosineAnnealingLR(LRScheduler):
    """lr follows half a cosine from base down to ``eta_min`` over ``T_max`` steps.

    After ``T_max`` it stays at ``eta_min`` (PyTorch's closed form would rise again).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer)
        self.T_max = whole_number(T_max, "CosineAnnealingLR(T_max)", minimum=1)
        self.eta_min = non_negative_number(eta_min, "CosineAnnealingLR(eta_min)")

    def _settings(self) -> str:
        return f"T_max={self.T_max}, eta_min={self.eta_min:g}"

    def lr_at(self, k: int) -> float:
        """eta_min + (base - eta_min) · (1 + cos(π · min(k, T_max) / T_max)) / 2."""
        k = min(k, self.T_max)
        return (
            self.eta_min
            + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * k / self.T_max)) / 2
        )


#: Schedule name -> its class (each takes the optimiser, then its own settings): the one
#: registry of learning-rate schedules; a new one is added here.
SCHEDULES: Registry[Entry] = Registry(
    "schedule",
    [
        Entry("linear", LinearLR, "lr moves linearly from base·start to base·end", "linear"),
        Entry("step", StepLR, "lr times gamma every step_size steps", "step"),
        Entry("multistep", MultiStepLR, "lr times gamma at each milestone", "milestones"),
        Entry("cosine", CosineAnnealingLR, "lr down half a cosine to eta_min", "cosine"),
    ],
)
