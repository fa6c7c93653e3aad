"""The confusion matrix as a picture: which classes the model mixes up, and how often."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ...metrics import confusion_matrix
from .common import as_names, check_path, finish, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["confusion_colours", "plot_confusion_matrix"]


def confusion_colours(counts: np.ndarray) -> np.ndarray:
    """RGBA colours of a confusion matrix's cells: right answers blue, mistakes red, zeros white.

    Each kind has its own scale (the diagonal's largest count is the darkest
    blue, the largest mistake the darkest red), so a single mistake beside a
    diagonal of hundreds still shows.
    """
    from matplotlib import colormaps

    k = len(counts)
    colours = np.ones((k, k, 4))
    diagonal = np.eye(k, dtype=bool)
    right_max = max(int(counts[diagonal].max()), 1)
    wrong_max = max(int(counts[~diagonal].max()) if k > 1 else 0, 1)
    blues, reds = colormaps["Blues"], colormaps["Reds"]
    for i in range(k):
        for j in range(k):
            c = int(counts[i, j])
            if c == 0:
                continue
            if i == j:
                colours[i, j] = blues(0.25 + 0.75 * c / right_max)
            else:
                colours[i, j] = reds(0.3 + 0.6 * c / wrong_max)
    return colours


def _dark(rgba: np.ndarray) -> bool:
    r, g, b = rgba[:3]
    return 0.299 * r + 0.587 * g + 0.114 * b < 0.55


def _write_counts(ax: Axes, counts: np.ndarray, colours: np.ndarray) -> None:
    k = len(counts)
    font = 11 if k <= 10 else max(6, 14 - k // 2)
    for i in range(k):
        for j in range(k):
            c = int(counts[i, j])
            ink = "white" if _dark(colours[i, j]) else ("#222" if c else "#bbb")
            ax.text(j, i, str(c), ha="center", va="center", fontsize=font, color=ink)


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    class_names: Any = None,
    n_classes: int | None = None,
    title: str | None = None,
    what: str = "class",
) -> Figure:
    """The confusion matrix of labels ``y_pred`` against ``y_true``, each cell with its count.

    Rows are the true classes, columns the predicted ones (``metrics.confusion_matrix``'s
    layout): the diagonal (blue) counts the right answers, every other cell
    (red) one kind of mistake — row 4, column 9 is "a 4 taken for a 9".
    ``class_names`` label the rows and columns; ``what`` names the thing
    classified on the axes ("true digit", "predicted digit").
    """
    check_path(path)
    counts = confusion_matrix(y_true, y_pred, n_classes)
    k = len(counts)
    names = as_names(class_names, "plot_confusion_matrix(class_names)")
    if names is None:
        names = tuple(str(i) for i in range(k))
    if len(names) < k:
        raise ValueError(f"plot_confusion_matrix: {k} classes but only {len(names)} class names")
    names = names[:k]
    size = min(11.0, max(5.0, 2.4 + 0.55 * k))
    fig = new_figure(size, size * 0.95)
    ax = fig.subplots()
    colours = confusion_colours(counts)
    ax.imshow(colours, interpolation="nearest")
    _write_counts(ax, counts, colours)
    rotate = k > 4 and max(map(len, names)) > 3
    ax.set_xticks(range(k), names, rotation=45 if rotate else 0, ha="left" if rotate else "center")
    ax.set_yticks(range(k), names)
    ax.set_xlabel(f"predicted {what}")
    ax.set_ylabel(f"true {what}")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    ax.set_xticks(np.arange(k + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(k + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="#ddd", lw=0.8)
    ax.tick_params(which="minor", length=0)
    right, total = int(np.trace(counts)), int(counts.sum())
    fig.suptitle(
        (title + ": " if title else "") + f"{right} of {total} right ({right / total:.1%})\n"
        "diagonal (blue): right answers · elsewhere (red): mistakes",
        fontsize=11,
    )
    return finish(fig, path)
