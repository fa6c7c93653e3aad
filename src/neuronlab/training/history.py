"""What a training run remembers: figures per epoch, per step and per checkpoint, and how a run
can fail."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from typing import Any

from ..util.files import write_atomic

__all__ = ["Checkpoint", "History", "TrainingDiverged"]


@dataclass(frozen=True)
class Checkpoint:
    """The losses on the whole training data and on the validation data after ``step`` steps."""

    step: int
    loss: float
    val_loss: float | None
    lr: float


@dataclass(repr=False)
class History:
    """What a run recorded.

    Per epoch: mean training loss, accuracy (classification), lr and
    validation figures.  Per step: ``batch_loss``, each batch's loss (the
    lectures' ``lossi``).  Every ``eval_every`` steps: a ``Checkpoint`` with
    the loss on all the training data and on the validation data.  When the
    trainer records updates: ``update_ratios``, for each weight matrix,
    log10(std(Δp) / std(p)) at the steps in ``update_steps``.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float | None] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    update_steps: list[int] = field(default_factory=list)
    update_ratios: dict[str, list[float]] = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        """How many epochs finished."""
        return len(self.loss)

    def final(self) -> dict[str, float | None]:
        """The last epoch's figures by name (empty when no epoch finished)."""
        return {k: v[-1] for k, v in self.as_dict().items() if v}

    def as_dict(self) -> dict[str, list[Any]]:
        """The per-epoch columns by name, as lists."""
        return {
            "loss": self.loss,
            "accuracy": self.accuracy,
            "val_loss": self.val_loss,
            "val_accuracy": self.val_accuracy,
            "lr": self.lr,
        }

    def checkpoints_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The checkpoints as CSV (step, loss, val_loss, lr), written atomically to ``path``."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["step", "loss", "val_loss", "lr"])
        for c in self.checkpoints:
            writer.writerow(
                [c.step, repr(c.loss), "" if c.val_loss is None else repr(c.val_loss), c.lr]
            )
        text = buf.getvalue()
        if path is not None:
            write_atomic(path, text)
        return text

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """Every per-epoch column as CSV, a row per epoch (empty cells where nothing was recorded).

        Written atomically to ``path`` if given.
        """
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        columns = self.as_dict()
        writer.writerow(["epoch", *columns])
        for i in range(self.epochs):
            cells = (col[i] if i < len(col) else None for col in columns.values())
            writer.writerow([i + 1, *("" if c is None else repr(c) for c in cells)])
        text = buf.getvalue()
        if path is not None:
            write_atomic(path, text)
        return text

    def __repr__(self) -> str:
        if not self.epochs:
            return "History(0 epochs)"
        parts = [f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}"]
        parts.append(f"loss {self.loss[-1]:.4g}")
        if self.accuracy and self.accuracy[-1] is not None:
            parts.append(f"accuracy {self.accuracy[-1]:.1%}")
        if self.val_accuracy and self.val_accuracy[-1] is not None:
            parts.append(f"val_accuracy {self.val_accuracy[-1]:.1%}")
        return f"History({', '.join(parts)})"


class TrainingDiverged(RuntimeError):
    """The loss or a gradient became NaN or infinite; the model keeps its last finite parameters."""

    def __init__(self, message: str, *, epoch: int, step: int, history: History) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.step = step
        self.history = history
