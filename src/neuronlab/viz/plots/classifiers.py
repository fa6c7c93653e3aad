"""Classifiers in the plane: a network's decision regions and a perceptron's line."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ...util.checks import whole_number
from ...util.numbers import format_number
from .common import (
    MAX_RESOLUTION,
    as_names,
    as_points,
    as_targets,
    check_path,
    class_colour,
    classes_of,
    finish,
    finite_threshold,
    limits,
    model_outputs,
    new_figure,
    scatter_classes,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...nn.perceptron import Perceptron

__all__ = ["plot_decision_boundary", "plot_perceptron"]

_OUTPUT_1 = "#1f77b4"  # the perceptron's "yes" side


def _axis_names(feature_names: Any, where: str) -> tuple[str, str]:
    names = as_names(feature_names, f"{where}(feature_names)")
    if names is None:
        return "x1", "x2"
    if len(names) != 2:
        raise ValueError(f"{where}: expected 2 feature names (one per axis), got {len(names)}")
    return names[0], names[1]


def _check_resolution(resolution: Any) -> int:
    return whole_number(
        resolution, "plot_decision_boundary(resolution)", minimum=2, maximum=MAX_RESOLUTION
    )


def _shade_regions(
    ax: Axes,
    gx: np.ndarray,
    gy: np.ndarray,
    outputs: np.ndarray,
    classes: np.ndarray,
    used: float | None,
    k: int,
) -> None:
    """Colour each region by its class; with a threshold, cut exactly where the score crosses it."""
    from matplotlib.colors import ListedColormap

    if used is not None:  # two classes: the regions meet exactly on the boundary line
        scores = outputs.reshape(gx.shape)
        lo, hi = float(scores.min()), float(scores.max())
        levels = [min(lo, used) - 1.0, used, max(hi, used) + 1.0]
        ax.contourf(
            gx, gy, scores, levels=levels, colors=[class_colour(0), class_colour(1)], alpha=0.25
        )
        if lo < used < hi:
            ax.contour(gx, gy, scores, levels=[used], colors="black", linewidths=1.4)
        return
    light = ListedColormap([class_colour(i) for i in range(k)], name="neuronlab-classes")
    # cells, not contours: contouring class numbers would invent bands of the class between
    ax.pcolormesh(
        gx,
        gy,
        classes.reshape(gx.shape),
        cmap=light,
        vmin=-0.5,
        vmax=k - 0.5,
        alpha=0.25,
        shading="nearest",
    )


def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    resolution: int = 60,
    threshold: float | None = None,
    title: str | None = None,
    feature_names: Any = None,
    class_names: Any = None,
) -> Figure:
    """The regions a 2-D classifier assigns to each class, with the data points on top.

    ``model`` is a neuronlab model (read through ``neuronlab.training.predict``,
    so scalar ``Value`` networks and tensor networks both work), an object
    with ``predict(X)``, or a function of an (m, 2) array.  One output per
    point is a score: class 1 where it exceeds ``threshold`` (default: 0.5 when
    every output lies in [0, 1], as probabilities do, else 0, as for hinge
    scores).  Several outputs per point: the largest wins.  The grid has
    ``resolution × resolution`` points (each is one forward pass).
    ``feature_names`` label the axes (default ``x1``, ``x2``) and
    ``class_names`` the legend (default ``y = 0``, ``y = 1``).
    """
    check_path(path)
    X = as_points(X, "plot_decision_boundary")
    y = as_targets(y, len(X), "plot_decision_boundary")
    resolution = _check_resolution(resolution)
    cut = finite_threshold(threshold, "plot_decision_boundary")
    xlabel, ylabel = _axis_names(feature_names, "plot_decision_boundary")
    names = as_names(class_names, "plot_decision_boundary(class_names)")
    (x0, x1), (y0, y1) = limits(X[:, 0]), limits(X[:, 1])
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    outputs = model_outputs(model, grid, "plot_decision_boundary")
    classes, used = classes_of(outputs, cut)

    labels = np.unique(y)
    fig = new_figure(5.6, 5.2)
    ax = fig.subplots()
    k = max(len(labels), int(classes.max()) + 1, 2)
    _shade_regions(ax, gx, gy, outputs, classes, used, k)
    scatter_classes(ax, X, y, names)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    predicted = classes_of(model_outputs(model, X, "plot_decision_boundary"), used)[0]
    truth = y if len(labels) > 2 or used is None else (y > (0.5 if labels.min() >= 0 else 0.0))
    acc = float(np.mean(predicted == truth))
    one = names[1] if names is not None and len(names) > 1 else "class 1"
    rule = "the largest output wins" if used is None else f"{one} where output > {used:g}"
    ax.set_title(
        title or f"Decision regions ({rule})\n{acc:.0%} of these points classified right",
        fontsize=11,
    )
    ax.legend(loc="best", fontsize=9, framealpha=0.9)
    return finish(fig, path)


def _perceptron_parts(perceptron: Any) -> tuple[np.ndarray, float]:
    if not (hasattr(perceptron, "weights") and hasattr(perceptron, "bias")):
        raise TypeError(
            f"plot_perceptron: expected a neuronlab Perceptron, got {type(perceptron).__name__}"
        )
    w = np.asarray(perceptron.weights, dtype=np.float64)
    if w.shape != (2,):
        raise ValueError(
            f"plot_perceptron: the decision line needs a perceptron with 2 inputs, "
            f"this one has {w.size}"
        )
    return w, float(perceptron.bias)


def _draw_line(ax: Axes, w: np.ndarray, b: float, xs: tuple[float, float]) -> None:
    label = "the line w·x = threshold"
    if w[1] != 0:
        line = np.array(xs)
        ax.plot(line, -(w[0] * line + b) / w[1], color="black", lw=1.8, label=label)
    elif w[0] != 0:
        ax.axvline(-b / w[0], color="black", lw=1.8, label=label)


def _shade_output_1(ax: Axes, perceptron: Any, box: tuple[float, float, float, float]) -> None:
    """Shade exactly where ``perceptron.predict`` says 1 (nothing where it says 0)."""
    x0, x1, y0, y1 = box
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    fires = np.asarray(perceptron.predict(np.column_stack([gx.ravel(), gy.ravel()])))
    if fires.any():
        ax.contourf(
            gx,
            gy,
            fires.reshape(gx.shape).astype(float),
            levels=[0.5, 1.5],
            colors=[_OUTPUT_1],
            alpha=0.22,
        )


def _mark_wrong_and_on_line(
    ax: Axes, X: np.ndarray, wrong: np.ndarray, on_line: np.ndarray
) -> None:
    if wrong.any():
        ax.scatter(
            X[wrong, 0],
            X[wrong, 1],
            s=260,
            facecolors="none",
            edgecolors="black",
            linewidths=1.4,
            ls="--",
            label="classified wrong",
            zorder=4,
        )
    if on_line.any():
        ax.text(
            0.99,
            0.01,
            f"{int(on_line.sum())} point(s) on the line: there w·x + b = 0 is not > 0, "
            "so the output is 0",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "grey"},
        )


def plot_perceptron(
    perceptron: Perceptron,
    X: Any,
    y: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """A two-input perceptron's decision line ``w·x = threshold`` and the points it separates.

    Exactly the region where the perceptron outputs 1 is shaded (read from
    ``perceptron.predict`` itself, so the picture cannot disagree with it);
    where it outputs 0 stays white.  Points it gets wrong are ringed, and
    points lying exactly on the line are counted in the picture: there
    w·x + b = 0 is not > 0, so the output is 0.  Needs exactly two weights.
    """
    check_path(path)
    w, b = _perceptron_parts(perceptron)
    X = as_points(X, "plot_perceptron")
    y = as_targets(y, len(X), "plot_perceptron")
    (x0, x1), (y0, y1) = limits(X[:, 0], 0.3), limits(X[:, 1], 0.3)
    fig = new_figure(6.0, 6.4)
    ax = fig.subplots()
    _shade_output_1(ax, perceptron, (x0, x1, y0, y1))
    _draw_line(ax, w, b, (x0, x1))
    scatter_classes(ax, X, y)
    wrong = np.asarray(perceptron.predict(X)) != y
    _mark_wrong_and_on_line(ax, X, wrong, np.isclose(X @ w + b, 0.0, atol=1e-12) & w.any())
    from matplotlib.patches import Patch

    handles, _ = ax.get_legend_handles_labels()
    handles.append(Patch(color=_OUTPUT_1, alpha=0.22, label="shaded: output 1 (w·x > threshold)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=9)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    right = f"{int((~wrong).sum())} of {len(y)} points right"
    ax.set_title(
        (title + "\n" if title else "") + f"w = ({format_number(w[0])}, {format_number(w[1])}), "
        f"threshold {format_number(-b)}: {right}",
        fontsize=11,
    )
    return finish(fig, path)
