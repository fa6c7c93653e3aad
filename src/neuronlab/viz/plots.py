"""The classic pictures of the learner's path, drawn with matplotlib.

Every function returns a matplotlib ``Figure`` and, given ``path=``, also
saves it as PNG or SVG (chosen by the file's extension).  Figures are made with
matplotlib's object API and drawn by the Agg renderer: no window opens, no
display is needed, and the pyplot state of a notebook is left alone.

matplotlib is imported only when a picture is drawn, so ``import neuronlab``
stays light; without it each function says how to install it
(``pip install neuronlab[viz]``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import Value
from ..util.files import atomic_file

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..nn.perceptron import Perceptron
    from ..training.history import History

__all__ = [
    "plot_activations",
    "plot_sigmoid",
    "plot_loss",
    "plot_decision_boundary",
    "plot_perceptron",
    "plot_regression",
    "plot_nudge",
    "save_figure",
    "IMAGE_FORMATS",
]

#: File extensions ``path=`` accepts, and the format each one writes.
IMAGE_FORMATS = {".png": "png", ".svg": "svg"}

_CLASS_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_MAX_RESOLUTION = 1000


# -- matplotlib, loaded on demand ----------------------------------------------


def _require_matplotlib() -> None:
    """Import matplotlib, or raise an ImportError that says how to install it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "neuronlab's plots need matplotlib, which is not installed: "
            "pip install neuronlab[viz]  (or: pip install matplotlib)"
        ) from e


def _new_figure(width: float, height: float) -> Figure:
    """A Figure drawn by the Agg canvas: no pyplot, no window, no global backend change."""
    _require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _image_format(path: str | os.PathLike[str]) -> str:
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in IMAGE_FORMATS:
        raise ValueError(
            f"cannot save a plot as {os.fspath(path)!r}: unknown extension {ext or '(none)'!r}; "
            f"expected one of {', '.join(IMAGE_FORMATS)}"
        )
    return IMAGE_FORMATS[ext]


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> None:
    """Save ``fig`` as PNG or SVG by ``path``'s extension, atomically.

    The picture is written to a temporary file in the same folder and then
    renamed over ``path``, so a reader never sees half an image.  An extension
    other than ``.png`` / ``.svg`` raises ``ValueError`` before anything is written.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a file name (str or Path), got {type(path).__name__}")
    fmt = _image_format(path)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save a plot in {folder!r}: no such folder")
    import matplotlib

    with atomic_file(path) as f, matplotlib.rc_context({"svg.hashsalt": "neuronlab"}):
        # No creation date in the file: the same figure gives the same bytes.
        metadata = {"Date": None} if fmt == "svg" else {}
        fig.savefig(f, format=fmt, dpi=100, metadata=metadata)


def _finish(fig: Figure, path: str | os.PathLike[str] | None) -> Figure:
    if path is not None:
        save_figure(fig, path)
    return fig


def _check_path(path: object) -> None:
    """Fail on a bad ``path``, or a missing matplotlib, before any (possibly slow) work starts."""
    _require_matplotlib()
    if path is None:
        return
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a file name (str or Path), got {type(path).__name__}")
    _image_format(path)


# -- input checks ---------------------------------------------------------------


def _as_points(X: Any, who: str, columns: int | None = 2) -> np.ndarray:
    """X as a finite float array of shape (n, columns), or a ValueError naming what came."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: expected an array of numbers, got {type(X).__name__}") from None
    if columns is None and arr.ndim == 1:  # one feature
        arr = arr[:, None]
    want = f"(n, {columns})" if columns else "(n, features)"
    if arr.ndim != 2 or len(arr) == 0 or (columns is not None and arr.shape[1] != columns):
        raise ValueError(f"{who}: expected X of shape {want}, got an array of shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{who}: X contains NaN or infinite values")
    return arr


def _as_targets(y: Any, n: int, who: str) -> np.ndarray:
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: expected y as numbers, got {type(y).__name__}") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.shape != (n,):
        raise ValueError(f"{who}: expected y of shape ({n},) (one per row of X), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{who}: y contains NaN or infinite values")
    return arr


def _limits(values: np.ndarray, margin: float = 0.15) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    pad = (hi - lo) * margin if hi > lo else 1.0
    return lo - pad, hi + pad


def _scatter_classes(ax: Axes, X: np.ndarray, y: np.ndarray) -> None:
    for i, label in enumerate(np.unique(y)):
        mask = y == label
        text = f"{label:g}"
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=36,
            c=_CLASS_COLOURS[i % len(_CLASS_COLOURS)],
            marker=_MARKERS[i % len(_MARKERS)],
            edgecolors="black",
            linewidths=0.6,
            label=f"y = {text}",
            zorder=3,
        )


# -- activation functions -------------------------------------------------------


def _through_engine(op: Callable[[Value], Value], z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """op(z) and d op/dz at every z, as neuronlab's own Value computes them."""
    out, slope = [], []
    for zi in z.tolist():
        v = Value(zi)
        o = op(v)
        o.backward()
        out.append(o.data)
        slope.append(v.grad)
    return np.array(out), np.array(slope)


def plot_activations(path: str | os.PathLike[str] | None = None) -> Figure:
    """Step, sigmoid, tanh and ReLU, each with its derivative, in a 2×2 grid.

    The values and slopes are computed by ``Value`` itself (forward, then
    ``backward()``), so the picture shows exactly what the engine uses.
    """
    _check_path(path)
    z = np.linspace(-5.0, 5.0, 401)
    panels = [
        ("step", Value.step, "1 if z > 0 else 0", "0 (no slope to follow)"),
        ("sigmoid", Value.sigmoid, r"$\sigma(z) = 1/(1+e^{-z})$", "σ(z)(1 − σ(z))"),
        ("tanh", Value.tanh, "tanh(z)", "1 − tanh²(z)"),
        ("relu", Value.relu, "max(0, z)", "1 if z > 0 else 0"),
    ]
    fig = _new_figure(9.0, 6.5)
    axes = fig.subplots(2, 2)
    for ax, (name, op, formula, derivative) in zip(axes.ravel(), panels):
        out, slope = _through_engine(op, z)
        if name in ("step", "relu"):  # draw the jump at 0 as a jump, not a steep line
            left, right = z <= 0, z > 0
            ax.plot(z[left], out[left], color="C0", lw=2.2, label=formula)
            ax.plot(z[right], out[right], color="C0", lw=2.2)
            ax.plot(z[left], slope[left], color="C1", lw=1.8, ls="--", label=f"slope: {derivative}")
            ax.plot(z[right], slope[right], color="C1", lw=1.8, ls="--")
        else:
            ax.plot(z, out, color="C0", lw=2.2, label=formula)
            ax.plot(z, slope, color="C1", lw=1.8, ls="--", label=f"slope: {derivative}")
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_title(name)
        ax.set_xlabel("z = w·x + b")
        ax.set_ylim(-1.25, 1.6 if name != "relu" else 5.2)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    fig.suptitle("Activation functions (solid) and their derivatives (dashed)")
    return _finish(fig, path)


def plot_sigmoid(path: str | os.PathLike[str] | None = None) -> Figure:
    """The sigmoid curve with σ(0) = 0.5 and its limits for large ±z marked.

    The perceptron's step is drawn faintly behind it: for large |z| the
    sigmoid neuron behaves like a perceptron (≈1 or ≈0); near 0 it is smooth.
    """
    _check_path(path)

    z = np.linspace(-10.0, 10.0, 801)
    s = np.array([Value(v).sigmoid().data for v in z.tolist()])
    fig = _new_figure(8.0, 4.8)
    ax = fig.subplots()
    ax.plot(z, (z > 0).astype(float), color="grey", lw=1.2, ls=":", label="perceptron step")
    ax.plot(z, s, color="C0", lw=2.4, label=r"$\sigma(z) = 1/(1+e^{-z})$")
    ax.axhline(1.0, color="C2", lw=0.8, ls="--")
    ax.axhline(0.0, color="C3", lw=0.8, ls="--")
    ax.plot([0], [0.5], "o", color="black", zorder=4)
    ax.annotate(
        "σ(0) = 0.5",
        xy=(0, 0.5),
        xytext=(1.5, 0.42),
        arrowprops={"arrowstyle": "->"},
        fontsize=11,
    )
    hi, lo = Value(10.0).sigmoid().data, Value(-10.0).sigmoid().data
    ax.plot([10, -10], [hi, lo], "o", color="C2", zorder=4)
    ax.annotate(
        f"large positive z: σ → 1\nσ(10) ≈ {hi:.5f}",
        xy=(10, hi),
        xytext=(3.2, 0.72),
        arrowprops={"arrowstyle": "->"},
        fontsize=10,
    )
    ax.annotate(
        f"large negative z: σ → 0\nσ(−10) ≈ {lo:.2e}",
        xy=(-10, lo),
        xytext=(-9.6, 0.22),
        arrowprops={"arrowstyle": "->"},
        fontsize=10,
    )
    ax.set_xlim(-10.5, 10.5)
    ax.set_ylim(-0.08, 1.1)
    ax.set_xlabel("z = w·x + b")
    ax.set_ylabel("output")
    ax.set_title("The sigmoid neuron: a smooth perceptron")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    return _finish(fig, path)


# -- training -----------------------------------------------------------------


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


def plot_loss(
    history: History,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "Training",
) -> Figure:
    """The loss per epoch of a ``History`` (and its validation loss when recorded).

    When the history holds accuracies (classification), they are drawn on a
    second axis on the right, in another colour.
    """
    _check_path(path)
    loss = _column(history, "loss")
    if not hasattr(history, "loss"):
        raise TypeError(
            f"plot_loss: expected a neuronlab.train.History, got {type(history).__name__}"
        )
    if not loss:
        raise ValueError("plot_loss: the history has no epochs to plot")
    epochs = np.arange(1, len(loss) + 1)
    fig = _new_figure(8.0, 4.8)
    ax = fig.subplots()
    handles = []
    handles += ax.plot(epochs, _series(loss), color="C0", lw=2, label="loss")
    val_loss = _column(history, "val_loss")
    if _present(val_loss):
        handles += ax.plot(epochs, _series(val_loss), color="C0", ls="--", lw=1.6, label="val loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss", color="C0")
    ax.tick_params(axis="y", labelcolor="C0")
    ax.grid(alpha=0.3)
    accuracy = _column(history, "accuracy")
    val_accuracy = _column(history, "val_accuracy")
    if _present(accuracy) or _present(val_accuracy):
        ax2 = ax.twinx()
        if _present(accuracy):
            handles += ax2.plot(epochs, _series(accuracy), color="C1", lw=2, label="accuracy")
        if _present(val_accuracy):
            handles += ax2.plot(
                epochs, _series(val_accuracy), color="C1", ls="--", lw=1.6, label="val accuracy"
            )
        ax2.set_ylabel("accuracy", color="C1")
        ax2.set_ylim(-0.02, 1.02)
        ax2.tick_params(axis="y", labelcolor="C1")
    if len(loss) == 1:
        ax.set_xlim(0.5, 1.5)
    final = f"final loss {loss[-1]:.4g}" if loss[-1] is not None else ""
    ax.set_title(f"{title}: {len(loss)} epoch(s), {final}")
    ax.legend(handles=handles, loc="center right")
    return _finish(fig, path)


# -- classifiers ----------------------------------------------------------------


def _model_outputs(model: Any, points: np.ndarray, who: str) -> np.ndarray:
    """What ``model`` says for each row: a neuronlab Module, an object with ``predict``, or a
    function of the whole array."""
    from ..nn.module import Module
    from ..training.trainer import predict

    if isinstance(model, Module):
        out = predict(model, points)
    elif callable(getattr(model, "predict", None)):
        out = model.predict(points)
    elif callable(model):
        out = model(points)
    else:
        raise TypeError(
            f"{who}: expected a neuronlab model, an object with predict(X) or a function of X, "
            f"got {type(model).__name__}"
        )
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 0 or len(out) != len(points):
        raise ValueError(
            f"{who}: the model gave output of shape {out.shape} for {len(points)} points"
        )
    return out


def _classes(outputs: np.ndarray, threshold: float | None) -> tuple[np.ndarray, float | None]:
    """Class per row from raw outputs: argmax for (n, k), ``score > threshold`` for (n,)."""
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return outputs.argmax(axis=1).astype(float), None
    scores = outputs.reshape(len(outputs))
    if threshold is None:  # probabilities cross at 0.5, signed scores (hinge) at 0
        threshold = 0.5 if ((scores >= 0) & (scores <= 1)).all() else 0.0
    return (scores > threshold).astype(float), threshold


def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    resolution: int = 60,
    threshold: float | None = None,
    title: str | None = None,
) -> Figure:
    """The regions a 2-D classifier assigns to each class, with the data points on top.

    ``model`` is a neuronlab model (read through ``neuronlab.train.predict``, so
    scalar ``Value`` networks and tensor networks both work), an object with
    ``predict(X)``, or a function of an (m, 2) array.  One output per point is
    a score: class 1 where it exceeds ``threshold`` (default: 0.5 when every
    output lies in [0, 1], as probabilities do, else 0, as for hinge scores).
    Several outputs per point: the largest wins.  The grid has
    ``resolution × resolution`` points (each is one forward pass).
    """
    _check_path(path)
    X = _as_points(X, "plot_decision_boundary")
    y = _as_targets(y, len(X), "plot_decision_boundary")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise TypeError(f"plot_decision_boundary: resolution must be an int, got {resolution!r}")
    if not 2 <= resolution <= _MAX_RESOLUTION:
        raise ValueError(
            f"plot_decision_boundary: resolution must be in 2..{_MAX_RESOLUTION}, got {resolution}"
        )
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float, np.number))
        or not math.isfinite(threshold)
    ):
        raise ValueError(
            f"plot_decision_boundary: threshold must be a finite number, got {threshold!r}"
        )
    (x0, x1), (y0, y1) = _limits(X[:, 0]), _limits(X[:, 1])
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    outputs = _model_outputs(model, grid, "plot_decision_boundary")
    classes, used = _classes(outputs, None if threshold is None else float(threshold))
    zz = classes.reshape(gx.shape)

    from matplotlib.colors import ListedColormap

    labels = np.unique(y)
    k = max(len(labels), int(classes.max()) + 1, 2)
    light = ListedColormap(
        [_CLASS_COLOURS[i % len(_CLASS_COLOURS)] for i in range(k)], name="neuronlab-classes"
    )
    fig = _new_figure(6.4, 5.6)
    ax = fig.subplots()
    if k == 2:  # two classes: smooth regions, and the boundary line where the score crosses
        ax.contourf(gx, gy, zz, levels=[-0.5, 0.5, 1.5], cmap=light, alpha=0.25)
    else:  # cells, not contours: contouring class numbers would invent bands of the class between
        ax.pcolormesh(
            gx, gy, zz, cmap=light, vmin=-0.5, vmax=k - 0.5, alpha=0.25, shading="nearest"
        )
    if used is not None:
        scores = outputs.reshape(len(outputs)).reshape(gx.shape)
        if scores.min() < used < scores.max():
            ax.contour(gx, gy, scores, levels=[used], colors="black", linewidths=1.4)
    _scatter_classes(ax, X, y)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    predicted = _classes(_model_outputs(model, X, "plot_decision_boundary"), used)[0]
    truth = y if len(labels) > 2 or used is None else (y > (0.5 if labels.min() >= 0 else 0.0))
    acc = float(np.mean(predicted == truth))
    rule = "largest output" if used is None else f"output > {used:g}"
    ax.set_title(title or f"Decision boundary ({rule}); accuracy {acc:.0%}")
    ax.legend(loc="best", fontsize=8)
    return _finish(fig, path)


def plot_perceptron(
    perceptron: Perceptron,
    X: Any,
    y: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """A two-input perceptron's decision line ``w·x + b = 0`` and the points it separates.

    The side where the perceptron outputs 1 is shaded.  Needs a perceptron
    with exactly two weights (a line in the plane).
    """
    _check_path(path)
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
    b = float(perceptron.bias)
    X = _as_points(X, "plot_perceptron")
    y = _as_targets(y, len(X), "plot_perceptron")
    (x0, x1), (y0, y1) = _limits(X[:, 0], 0.3), _limits(X[:, 1], 0.3)
    fig = _new_figure(5.8, 5.4)
    ax = fig.subplots()
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    fires = (w[0] * gx + w[1] * gy + b > 0).astype(float)
    ax.contourf(gx, gy, fires, levels=[-0.5, 0.5, 1.5], colors=["#d6272822", "#1f77b433"])
    if w[1] != 0:
        xs = np.array([x0, x1])
        ax.plot(xs, -(w[0] * xs + b) / w[1], color="black", lw=1.8, label="w·x + b = 0")
    elif w[0] != 0:
        ax.axvline(-b / w[0], color="black", lw=1.8, label="w·x + b = 0")
    _scatter_classes(ax, X, y)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    line = "no line (all weights are 0)" if not w.any() else "shaded: output 1"
    ax.set_title(
        title or f"Perceptron w = ({w[0]:g}, {w[1]:g}), threshold {-b:g}\n{line}",
        fontsize=11,
    )
    ax.legend(loc="best", fontsize=8)
    return _finish(fig, path)


# -- regression -----------------------------------------------------------------


def plot_regression(
    model_or_fn: Any,
    X: Any,
    y: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    feature: int = 0,
    feature_label: str | None = None,
    target_label: str = "target",
    title: str | None = None,
) -> Figure:
    """A regression fit in two panels: target against one feature, and predicted against actual.

    ``model_or_fn`` is a neuronlab model (read through
    ``neuronlab.train.predict``), an object with ``predict(X)``, or a function
    of the whole X returning one prediction per row (use a function to undo a
    standardisation: ``lambda X: predict(model, (X - mu) / sd) * y_sd + y_mu``).
    For the houses data: ``feature_label="size (m²)", target_label="price (k€)"``.
    """
    _check_path(path)
    X = _as_points(X, "plot_regression", columns=None)
    y = _as_targets(y, len(X), "plot_regression")
    if isinstance(feature, bool) or not isinstance(feature, (int, np.integer)):
        raise TypeError(f"plot_regression: feature must be a column index, got {feature!r}")
    if not 0 <= feature < X.shape[1]:
        raise ValueError(
            f"plot_regression: feature {feature} is not a column of X (shape {X.shape})"
        )
    predicted = _model_outputs(model_or_fn, X, "plot_regression")
    if predicted.ndim == 2 and predicted.shape[1] == 1:
        predicted = predicted[:, 0]
    if predicted.ndim != 1:
        raise ValueError(
            f"plot_regression: expected one prediction per row, got shape {predicted.shape}"
        )
    rmse = float(np.sqrt(np.mean((predicted - y) ** 2)))
    fig = _new_figure(10.0, 4.6)
    left, right = fig.subplots(1, 2)
    xs = X[:, feature]
    left.scatter(xs, y, s=22, color="C0", alpha=0.8, label="actual", zorder=3)
    if X.shape[1] == 1:
        order = np.argsort(xs)
        left.plot(xs[order], predicted[order], color="C3", lw=2, label="predicted")
    else:
        left.scatter(xs, predicted, s=22, color="C3", marker="x", label="predicted", zorder=4)
    left.set_xlabel(feature_label or f"x[{feature}]")
    left.set_ylabel(target_label)
    left.set_title(f"{target_label} against {feature_label or f'x[{feature}]'}")
    left.grid(alpha=0.3)
    left.legend(loc="best")
    lo, hi = _limits(np.concatenate([y, predicted]), 0.05)
    right.plot([lo, hi], [lo, hi], color="grey", ls="--", lw=1, label="perfect: predicted = actual")
    right.scatter(y, predicted, s=22, color="C3", alpha=0.8, zorder=3)
    right.set_xlim(lo, hi)
    right.set_ylim(lo, hi)
    right.set_aspect("equal", adjustable="box")
    right.set_xlabel(f"actual {target_label}")
    right.set_ylabel(f"predicted {target_label}")
    right.set_title(f"predicted against actual (RMSE {rmse:.4g})")
    right.grid(alpha=0.3)
    right.legend(loc="upper left", fontsize=8)
    if title:
        fig.suptitle(title)
    return _finish(fig, path)


# -- derivatives ------------------------------------------------------------------


def plot_nudge(
    fn: Callable[[float], float],
    x: float,
    h: float = 1.0,
    path: str | os.PathLike[str] | None = None,
    *,
    slope: float | None = None,
    xlabel: str = "x",
    ylabel: str = "f(x)",
    title: str | None = None,
) -> Figure:
    """A derivative as a slope: ``fn`` near ``x``, the nudge from x to x + h, and the rise.

    Marks ``(x, fn(x))`` and ``(x + h, fn(x + h))`` with the run ``h`` and the
    rise ``fn(x + h) - fn(x)`` between them; with ``slope`` (the gradient
    backpropagation found) it also draws the tangent line of that slope, so
    the two can be compared: for a small h, rise / h ≈ slope.
    """
    _check_path(path)
    if not callable(fn):
        raise TypeError(f"plot_nudge: fn must be a function of one number, got {type(fn).__name__}")
    for name, value in (("x", x), ("h", h), ("slope", slope)):
        if value is None and name == "slope":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise TypeError(f"plot_nudge: {name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"plot_nudge: {name} must be finite, got {value!r}")
    if h == 0:
        raise ValueError("plot_nudge: h must not be 0 (a nudge of nothing measures nothing)")
    x, h = float(x), float(h)
    y0, y1 = float(fn(x)), float(fn(x + h))
    span = 2.0 * abs(h)
    xs = np.linspace(min(x, x + h) - span, max(x, x + h) + span, 201)
    ys = np.array([float(fn(v)) for v in xs.tolist()])
    fig = _new_figure(6.8, 4.8)
    ax = fig.subplots()
    ax.plot(xs, ys, color="C0", lw=2.2, label=ylabel)
    if slope is not None:
        ax.plot(
            xs,
            y0 + float(slope) * (xs - x),
            color="C2",
            lw=1.4,
            ls="--",
            label=f"tangent, slope {slope:g} (backprop)",
        )
    ax.plot([x, x + h], [y0, y0], color="C1", lw=1.4)
    ax.plot([x + h, x + h], [y0, y1], color="C3", lw=2.0)
    ax.plot([x, x + h], [y0, y1], "o", color="black", zorder=4)
    ax.annotate(
        f"h = {h:g}",
        xy=(x + h / 2, y0),
        xytext=(0, -16),
        textcoords="offset points",
        ha="center",
        color="C1",
    )
    ax.annotate(
        f"rise {y1 - y0:.4g}",
        xy=(x + h, (y0 + y1) / 2),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        color="C3",
    )
    ax.annotate(f"{y0:.4g}", xy=(x, y0), xytext=(-10, 8), textcoords="offset points", ha="right")
    ax.annotate(
        f"{y1:.4g}", xy=(x + h, y1), xytext=(-10, 8), textcoords="offset points", ha="right"
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    ax.set_title(
        title
        or f"nudge {xlabel} by h = {h:g}: {ylabel} moves {y0:.4g} → {y1:.4g}, "
        f"rise / h = {(y1 - y0) / h:.4g}",
        fontsize=11,
    )
    return _finish(fig, path)
