"""A regression fit: the target against a feature, and predicted against actual."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ...util.checks import whole_number
from ...util.numbers import format_number
from .common import as_points, as_targets, check_path, finish, limits, model_outputs, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_regression"]


def _predictions(model_or_fn: Any, X: np.ndarray) -> np.ndarray:
    predicted = model_outputs(model_or_fn, X, "plot_regression")
    if predicted.ndim == 2 and predicted.shape[1] == 1:
        predicted = predicted[:, 0]
    if predicted.ndim != 1:
        raise ValueError(
            f"plot_regression: expected one prediction per row, got shape {predicted.shape}"
        )
    return predicted


def plot_regression(
    model_or_fn: Any,
    X: Any,
    y: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    feature: int = 0,
    feature_label: str | None = None,
    target_label: str = "target",
    units: str | None = None,
    title: str | None = None,
) -> Figure:
    """A regression fit in two panels: target against one feature, and predicted against actual.

    ``model_or_fn`` is a neuronlab model (read through
    ``neuronlab.training.predict``), an object with ``predict(X)``, or a function
    of the whole X returning one prediction per row (use a function to undo a
    standardisation: ``lambda X: predict(model, (X - mu) / sd) * y_sd + y_mu``).
    For the houses data: ``feature_label="size (m²)", target_label="price (k€)",
    units="k€"`` (``units`` follows the RMSE in the title).
    """
    check_path(path)
    X = as_points(X, "plot_regression", columns=None)
    y = as_targets(y, len(X), "plot_regression")
    feature = whole_number(feature, "plot_regression(feature)")
    if not 0 <= feature < X.shape[1]:
        raise ValueError(
            f"plot_regression: feature {feature} is not a column of X (shape {X.shape})"
        )
    predicted = _predictions(model_or_fn, X)
    rmse = float(np.sqrt(np.mean((predicted - y) ** 2)))
    xname = feature_label or f"x{feature + 1}"
    fig = new_figure(10.5, 4.8)
    left, right = fig.subplots(1, 2)
    _against_feature(left, X, y, predicted, feature, xname, target_label)
    _predicted_against_actual(right, y, predicted, target_label)
    right.set_title(
        f"predicted against actual (RMSE {format_number(rmse, 3)}{' ' + units if units else ''})",
        fontsize=11,
    )
    if title:
        fig.suptitle(title)
    return finish(fig, path)


def _against_feature(
    ax: Axes,
    X: np.ndarray,
    y: np.ndarray,
    predicted: np.ndarray,
    feature: int,
    xname: str,
    target: str,
) -> None:
    """The actual and predicted targets against one feature (a line when it is the only one)."""
    xs = X[:, feature]
    ax.scatter(xs, y, s=22, color="C0", alpha=0.8, label="actual", zorder=3)
    if X.shape[1] == 1:
        order = np.argsort(xs)
        ax.plot(xs[order], predicted[order], color="C3", lw=2, label="predicted")
    else:
        ax.scatter(xs, predicted, s=22, color="C3", marker="x", label="predicted", zorder=4)
    ax.set_xlabel(xname)
    ax.set_ylabel(target)
    ax.set_title(f"{target} against {xname}", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="best")


def _predicted_against_actual(ax: Axes, y: np.ndarray, predicted: np.ndarray, target: str) -> None:
    """Each prediction against its actual value, with the diagonal of perfect predictions."""
    lo, hi = limits(np.concatenate([y, predicted]), 0.05)
    ax.plot([lo, hi], [lo, hi], color="grey", ls="--", lw=1, label="perfect: predicted = actual")
    ax.scatter(y, predicted, s=22, color="C3", alpha=0.8, zorder=3)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(f"actual {target}")
    ax.set_ylabel(f"predicted {target}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
