"""fit(): train for some epochs with a progress bar, the short loop over ``Trainer.step()``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..nn.module import Module
from ..optim import LRScheduler, Optimizer
from ..util.checks import whole_number
from ..util.rng import Seed
from .history import History
from .trainer import LossArg, Trainer

__all__ = ["fit"]


def fit(
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: LossArg = "mse",
    optimizer: Optimizer | None = None,
    lr: float | None = None,
    epochs: int = 10,
    batch_size: int | None = None,
    seed: Seed = 0,
    l2: float = 0.0,
    l1: float = 0.0,
    scheduler: LRScheduler | None = None,
    validation: tuple[Any, Any] | None = None,
    verbose: bool | None = None,
    shuffle: bool = True,
    callback: Callable[[int, History], None] | None = None,
) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent and return the per-epoch ``History``.

    Every option but these is the ``Trainer``'s (loss, optimizer or lr,
    batch_size, seed, l2, l1, scheduler, validation, shuffle).  epochs: how many
    passes over the data.  verbose: a tqdm progress bar (default: only when
    stderr is a terminal).  callback: called as ``callback(epoch, history)``
    after every epoch.  Stops with ``TrainingDiverged`` when the loss or a
    gradient is no longer a finite number.
    """
    epochs = whole_number(epochs, "fit(epochs)", minimum=1)
    if callback is not None and not callable(callback):
        raise TypeError(f"fit(callback): expected a function, got {type(callback).__name__}")
    trainer = Trainer(
        model,
        X,
        y,
        loss=loss,
        optimizer=optimizer,
        lr=lr,
        batch_size=batch_size,
        seed=seed,
        shuffle=shuffle,
        l2=l2,
        l1=l1,
        scheduler=scheduler,
        validation=validation,
        who="fit",
    )
    if verbose is None:
        verbose = sys.stderr.isatty()
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs * trainer.steps_per_epoch, desc="training", unit="step")
    try:
        for epoch in range(1, epochs + 1):
            for _ in range(trainer.steps_per_epoch):
                value = trainer.step()
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(epoch=epoch, loss=f"{value:.4g}")
            if callback is not None:
                callback(epoch, trainer.history)
    finally:
        if bar is not None:
            bar.close()
    return trainer.history
