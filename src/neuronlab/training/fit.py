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
    epochs: int | None = None,
    steps: int | None = None,
    batch_size: int | None = None,
    seed: Seed = 0,
    l2: float = 0.0,
    l1: float = 0.0,
    scheduler: LRScheduler | None = None,
    validation: tuple[Any, Any] | None = None,
    verbose: bool | None = None,
    shuffle: bool = True,
    callback: Callable[[int, History], None] | None = None,
    batches: str = "epochs",
    eval_every: int | None = None,
    record_updates: int = 0,
) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent and return its ``History``.

    Every option but these is the ``Trainer``'s (loss, optimizer or lr,
    batch_size, seed, l2, l1, scheduler, validation, shuffle, batches,
    eval_every, record_updates).  epochs: how many passes over the data (10
    by default); or steps: exactly this many batches (the lectures count
    steps: ``fit(..., steps=200_000, batch_size=32, batches="random")``).
    verbose: a tqdm progress bar (default: only when stderr is a terminal).
    callback: called as ``callback(epoch, history)`` after every epoch.
    Stops with ``TrainingDiverged`` when the loss or a gradient is no longer a
    finite number.
    """
    if epochs is not None and steps is not None:
        raise ValueError("fit: give epochs or steps, not both")
    if callback is not None and not callable(callback):
        raise TypeError(f"fit(callback): expected a function, got {type(callback).__name__}")
    if steps is not None:
        steps = whole_number(steps, "fit(steps)", minimum=1)
    else:
        epochs = whole_number(10 if epochs is None else epochs, "fit(epochs)", minimum=1)
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
        batches=batches,
        eval_every=eval_every,
        record_updates=record_updates,
        where="fit",
    )
    total = steps if steps is not None else epochs * trainer.steps_per_epoch  # type: ignore[operator]
    _run(trainer, total, sys.stderr.isatty() if verbose is None else bool(verbose), callback)
    return trainer.history


#: Steps between two refreshes of the progress bar's loss (formatting it costs more than a step).
POSTFIX_EVERY = 200


def _run(
    trainer: Trainer, total: int, verbose: bool, callback: Callable[[int, History], None] | None
) -> None:
    """``total`` steps of ``trainer``, with a progress bar and the callback after each epoch."""
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="training", unit="step", mininterval=0.25)
    try:
        for k in range(1, total + 1):
            epochs = trainer.epochs_done
            value = trainer.step()
            if bar is not None:
                bar.update(1)
                if k % POSTFIX_EVERY == 0 or k == total:
                    bar.set_postfix(_progress(trainer, value), refresh=False)
            if callback is not None and trainer.epochs_done != epochs:
                callback(trainer.epochs_done, trainer.history)
    finally:
        if bar is not None:
            bar.close()


def _progress(trainer: Trainer, value: float) -> dict[str, str]:
    """What the progress bar shows after the figures: epoch, loss, and the last validation loss."""
    shown = {"epoch": str(trainer.epochs_done + 1), "loss": f"{value:.4g}"}
    points = trainer.history.checkpoints
    if points and points[-1].val_loss is not None:
        shown["val_loss"] = f"{points[-1].val_loss:.4g}"
    return shown
