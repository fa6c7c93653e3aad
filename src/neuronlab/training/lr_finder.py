"""The learning-rate finder: one short run whose learning rate rises step by step.

The lectures' way of choosing a learning rate: take 1,000 steps, the k-th
with lr = 10^(-3 + 3k/1000), and plot each step's loss against its lr.  Too
small a rate and the loss hardly moves; too large and it shoots up; a good
rate sits in the valley between, a little before the bottom.  ``lr_find``
trains the model itself for the sweep, then puts back every parameter and
BatchNorm statistic, so the model is as it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..nn.module import Module
from ..optim import OPTIMIZERS
from ..util.checks import one_of, positive_number, whole_number
from ..util.rng import Seed
from .history import TrainingDiverged
from .trainer import LossArg, Trainer

__all__ = ["SWEEP_OPTIMIZERS", "LRSweep", "lr_find"]

#: The optimisers (names of ``optim.OPTIMIZERS``) a sweep can step with: the lectures' SGD, and
#: the AdamW of neuronlab's recipes.
SWEEP_OPTIMIZERS = ("sgd", "adamw")


@dataclass(frozen=True)
class LRSweep:
    """The learning rate and the loss of every step of a sweep, and the rate it suggests.

    ``suggestion``: half the rate where the smoothed loss was lowest (at the
    bottom the steps already start to overshoot; half of it still learns
    quickly and stays stable).  For the lectures' MLP this gives about 0.1,
    the rate the lecture reads off its plot.  ``stopped`` says why
    the sweep ended early (the loss diverged), or is "".
    """

    lrs: np.ndarray
    losses: np.ndarray
    suggestion: float
    stopped: str = ""

    def smoothed(self) -> np.ndarray:
        """The losses averaged over a window of 5% of the steps (the lectures' plot is noisy)."""
        return _moving_average(self.losses, max(1, len(self.losses) // 20))


def _moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Each value averaged with the ``window - 1`` before it (fewer at the start)."""
    sums = np.cumsum(np.insert(values.astype(np.float64), 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (sums[1:] - sums[np.arange(1, len(values) + 1) - counts]) / counts


def lr_find(
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: LossArg = "cross_entropy",
    start: float = 1e-3,
    end: float = 1.0,
    steps: int = 1000,
    batch_size: int = 32,
    optimizer: str = "sgd",
    seed: Seed = 0,
) -> LRSweep:
    """Train ``steps`` batches (drawn at random) with lr rising from ``start`` to ``end``.

    The k-th step uses lr = start · (end/start)^(k / (steps - 1)), evenly
    spaced on a log scale as in the lectures (10^-3 to 10^0 over 1,000
    steps), stepping with ``optimizer`` (one of ``SWEEP_OPTIMIZERS``).
    The sweep stops early when the loss diverges (beyond 4 times its
    lowest, or not a number).  The model's parameters and buffers are put
    back as they were before the sweep, whatever happens.
    """
    low = positive_number(start, "lr_find(start)")
    high = positive_number(end, "lr_find(end)")
    if high <= low:
        raise ValueError(f"lr_find: end ({high:g}) must be above start ({low:g})")
    count = whole_number(steps, "lr_find(steps)", minimum=2, maximum=100_000)
    kind = OPTIMIZERS[one_of(optimizer, SWEEP_OPTIMIZERS, "lr_find(optimizer)")].builds
    lrs = np.geomspace(low, high, count)
    saved = model.state_dict()
    try:
        opt = kind(model.parameters(), lr=low)
        trainer = Trainer(
            model,
            X,
            y,
            loss=loss,
            optimizer=opt,
            batch_size=batch_size,
            seed=seed,
            batches="random",
            diagnose=False,
            where="lr_find",
        )
        losses, stopped = _sweep(trainer, lrs)
    finally:
        model.load_state_dict(saved)
    lrs = lrs[: len(losses)]
    values = np.array(losses)
    best = int(np.argmin(_moving_average(values, max(1, len(values) // 20))))
    return LRSweep(lrs, values, float(lrs[best]) / 2, stopped)


def _sweep(trainer: Trainer, lrs: np.ndarray) -> tuple[list[float], str]:
    """Each step's loss at its lr, until the end or until the loss diverges."""
    losses: list[float] = []
    for lr in lrs:
        trainer.optimizer.lr = float(lr)
        try:
            value = trainer.step()
        except TrainingDiverged:
            return losses, f"the loss diverged at lr {lr:.3g}"
        losses.append(value)
        if len(losses) > 10 and value > 4 * min(losses) and math.isfinite(value):
            return losses, f"the loss rose past 4 times its lowest at lr {lr:.3g}"
    return losses, ""
