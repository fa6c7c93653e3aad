"""Learning curves: the loss (and accuracy) per epoch, on the training and held-out data."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .common import check_path, finish, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...training.history import History

__all__ = ["plot_loss"]

_MARKERS_UP_TO = 40  # epochs; with more, dots on every epoch would crowd the lines
_LOG_RATIO = 100.0  # a loss that falls by more than this factor is drawn on a log scale


def _column(history: Any, name: str) -> list[float | None]:
    values = getattr(history, name, None)
    if values is None:
        return []
    if not isinstance(values, Sequence):
        raise TypeError(f"plot_loss: history.{name} must be a list, got {type(values).__name__}")
    return list(values)


def _present(values: list[float | None]) -> bool:
    return any(v is not None for v in values)


def _series(values: list[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values])


def _last(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(known[-1]) if known else None


def _curves(
    ax: Axes,
    epochs: np.ndarray,
    train: list[float | None],
    held_out: list[float | None],
    held_out_name: str,
) -> None:
    marker = "o" if len(epochs) <= _MARKERS_UP_TO else None
    ax.plot(epochs, _series(train), color="C0", lw=2, marker=marker, ms=3, label="training")
    if _present(held_out):
        ax.plot(
            epochs,
            _series(held_out),
            color="C1",
            lw=2,
            ls="--",
            marker=marker,
            ms=3,
            label=held_out_name,
        )
    ax.set_xlabel("epoch")
    ax.grid(alpha=0.3)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(epochs) == 1:
        ax.set_xlim(0.5, 1.5)


def _final_text(
    train: list[float | None], held_out: list[float | None], name: str, fmt: str
) -> str:
    parts = []
    for split, values in (("training", train), (name, held_out)):
        value = _last(values)
        if value is not None:
            parts.append(f"{split} {format(value, fmt)}")
    return "final: " + ", ".join(parts) if parts else ""


def plot_loss(
    history: History,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "Training",
    loss_label: str = "loss",
    validation_label: str = "validation",
) -> Figure:
    """Learning curves of a ``History``: the loss per epoch, and the accuracy when classifying.

    Training figures are solid lines, the held-out ones (``history.val_loss``,
    ``val_accuracy``, recorded when ``fit`` had ``validation=``) dashed and
    named ``validation_label`` (say "test" when the held-out data is the test
    set).  With accuracies the figure has two panels side by side, loss and
    accuracy; ``loss_label`` names the loss axis (e.g. "cross-entropy").  A
    loss that falls more than a hundredfold is drawn on a log scale, and the axis says so.
    """
    check_path(path)
    if not hasattr(history, "loss"):
        raise TypeError(
            f"plot_loss: expected a neuronlab.training.History, got {type(history).__name__}"
        )
    loss = _column(history, "loss")
    if not loss:
        raise ValueError("plot_loss: the history has no epochs to plot")
    epochs = np.arange(1, len(loss) + 1)
    val_loss = _column(history, "val_loss")
    accuracy, val_accuracy = _column(history, "accuracy"), _column(history, "val_accuracy")
    classifying = _present(accuracy) or _present(val_accuracy)
    fig = new_figure(10.0 if classifying else 7.0, 4.4)
    axes = fig.subplots(1, 2 if classifying else 1, squeeze=False)[0]

    ax = axes[0]
    _curves(ax, epochs, loss, val_loss, validation_label)
    known = _series(loss + val_loss)
    known = known[np.isfinite(known)]
    log = bool(known.size) and known.min() > 0 and known.max() / known.min() > _LOG_RATIO
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(f"{loss_label}, log scale" if log else loss_label)
    ax.set_title(f"loss — {_final_text(loss, val_loss, validation_label, '.4g')}", fontsize=11)
    ax.legend(loc="upper right")

    if classifying:
        from matplotlib.ticker import MaxNLocator, PercentFormatter

        ax = axes[1]
        _curves(ax, epochs, accuracy, val_accuracy, validation_label)
        shares = _series(accuracy + val_accuracy)
        lowest = float(np.nanmin(shares)) if np.isfinite(shares).any() else 0.0
        # from 0, unless every accuracy is above 50%: then from the 10% step below the lowest
        ax.set_ylim(0.0 if lowest < 0.5 else np.floor(lowest * 10) / 10 - 0.01, 1.01)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))  # whole percents
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("accuracy (share classified right)")
        final = _final_text(accuracy, val_accuracy, validation_label, ".1%")
        ax.set_title(f"accuracy — {final}", fontsize=11)
        ax.legend(loc="lower right")
    fig.suptitle(f"{title}: {len(loss)} epoch{'s' if len(loss) != 1 else ''}")
    return finish(fig, path)
