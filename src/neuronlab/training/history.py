"""What a training run remembers: one row of figures per epoch, and how a run can fail."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from typing import Any

from ..util.files import write_atomic

__all__ = ["History", "TrainingDiverged"]


@dataclass(repr=False)
class History:
    """Per epoch: mean training loss, accuracy (classification), lr and validation figures."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float | None] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs finished."""
        return len(self.loss)

    def final(self) -> dict[str, float | None]:
        """The last epoch's figures by name (empty when no epoch finished)."""
        return {k: v[-1] for k, v in self.as_dict().items() if v}

    def as_dict(self) -> dict[str, list[Any]]:
        """The columns by name, as lists."""
        return {
            "loss": self.loss,
            "accuracy": self.accuracy,
            "val_loss": self.val_loss,
            "val_accuracy": self.val_accuracy,
            "lr": self.lr,
        }

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """Every column as CSV, a row per epoch (empty cells where nothing was recorded).

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
