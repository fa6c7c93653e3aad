"""Pictures of image data: the images a classifier got wrong, and what its first layer looks for."""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ...util.checks import whole_number
from .common import as_names, check_path, finish, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "first_layer_weights",
    "image_shape_of",
    "plot_misclassified",
    "plot_weight_images",
    "weight_mosaic",
]

_COLUMNS = 8
_LABEL_ROWS = 3  # empty pixel rows above each weight image, where its name goes


def image_shape_of(shape: Any, n_pixels: int, where: str) -> tuple[int, int]:
    """``shape`` as (height, width) that holds exactly ``n_pixels`` values, or a clear error."""
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"{where}: image_shape must be (height, width), got {shape!r}")
    h, w = (whole_number(s, f"{where}(image_shape)") for s in shape)
    if h < 1 or w < 1 or h * w != n_pixels:
        raise ValueError(
            f"{where}: image_shape {h}×{w} holds {h * w} pixels, but each row has {n_pixels}"
        )
    return h, w


def _grid(n: int, cell: float, extra_height: float = 0.0) -> tuple[int, int, float, float]:
    cols = min(_COLUMNS, max(n, 1))
    rows = max(1, math.ceil(n / cols))
    return rows, cols, cols * cell + 0.4, rows * cell * 1.12 + extra_height


def plot_misclassified(
    images: Any,
    y_true: Any,
    y_pred: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    image_shape: tuple[int, int],
    class_names: Any = None,
    max_images: int = 24,
    title: str | None = None,
) -> Figure:
    """The images whose predicted label differs from the true one, each titled "true 4 / said 9".

    ``images`` has one flattened image per row (``image_shape`` gives its
    height and width), ``y_true`` and ``y_pred`` one label each.  At most
    ``max_images`` are drawn, in the order they come, dark ink on white as
    the digits were written.  When every label is right the figure says so.
    """
    check_path(path)
    X, t, p = _images_and_labels(images, y_true, y_pred)
    h, w = image_shape_of(image_shape, X.shape[1], "plot_misclassified")
    names = as_names(class_names, "plot_misclassified(class_names)")
    limit = whole_number(max_images, "plot_misclassified(max_images)", minimum=1)
    wrong = np.flatnonzero(t != p)
    shown = wrong[:limit]
    heading = (title or "Misclassified images") + f": {len(wrong)} of {len(t)} wrong"
    if len(shown) < len(wrong):
        heading += f", the first {len(shown)} shown"
    if not len(wrong):
        return finish(
            _message_figure(heading, "No mistakes: every image was classified right."), path
        )
    rows, cols, width, height = _grid(len(shown), 1.25, 0.5)
    fig = new_figure(width, height)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    top = max(float(X.max()), 1e-12)
    for ax in axes:
        ax.axis("off")
    for ax, i in zip(axes, shown):
        ax.imshow(X[i].reshape(h, w), cmap="gray_r", vmin=0.0, vmax=top, interpolation="nearest")
        said = f"true {_label(t[i], names)}\nsaid {_label(p[i], names)}"
        ax.set_title(said, fontsize=9, color="#b00020")
    fig.suptitle(heading)
    return finish(fig, path)


def _images_and_labels(images: Any, y_true: Any, y_pred: Any) -> tuple[np.ndarray, ...]:
    X = np.asarray(images, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"plot_misclassified: expected one image per row, got shape {X.shape}")
    t, p = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if not len(t) == len(p) == len(X):
        raise ValueError(
            f"plot_misclassified: {len(X)} images, {len(t)} true labels and {len(p)} predicted "
            "labels; expected one label of each per image"
        )
    return X, t, p


def _label(k: Any, names: tuple[str, ...] | None) -> str:
    k = int(k)
    return names[k] if names is not None and 0 <= k < len(names) else str(k)


def _message_figure(heading: str, message: str) -> Figure:
    fig = new_figure(6.0, 1.6)
    ax = fig.subplots()
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12)
    fig.suptitle(heading)
    return fig


def first_layer_weights(model: Any) -> np.ndarray | None:
    """The first layer's weights as an array (neurons, inputs), read without changing the model.

    A tensor ``Sequential``: its first ``Linear``'s weight; a scalar ``MLP``
    or ``Layer``: each first-layer neuron's weights as a row; a ``Neuron``: one
    row.  None for anything else.
    """
    from ...nn.convert import scalar_mlp, tensor_sequential
    from ...nn.layers import Linear
    from ...nn.scalar import Layer, Neuron

    sequential, mlp = tensor_sequential(model), scalar_mlp(model)
    if sequential is not None:
        first = next((m for m in sequential if isinstance(m, Linear)), None)
        return None if first is None else np.array(first.weight.data, dtype=np.float64)
    if isinstance(model, Linear):
        return np.array(model.weight.data, dtype=np.float64)
    if mlp is not None:
        model = mlp.layers[0]
    if isinstance(model, Layer):
        return np.array([[w.data for w in n.w] for n in model.neurons], dtype=np.float64)
    if isinstance(model, Neuron):
        return np.array([[w.data for w in model.w]], dtype=np.float64)
    return None


def plot_weight_images(
    weights: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    image_shape: tuple[int, int],
    max_images: int = 64,
    title: str | None = None,
) -> Figure:
    """Each first-layer neuron's weights drawn as an image: what pattern of ink it responds to.

    ``weights`` is an array (neurons, pixels) — ``first_layer_weights(model)``
    gives it — or a model.  One small image per neuron (at most
    ``max_images``), all on one diverging colour scale centred at 0: red
    pixels add to the neuron's weighted sum where there is ink, blue ones
    subtract from it, white ones do not matter.
    """
    check_path(path)
    W = weights if isinstance(weights, np.ndarray) else first_layer_weights(weights)
    if W is None:
        raise TypeError(
            "plot_weight_images: expected an array (neurons, pixels) or a network with a "
            f"first layer, got {type(weights).__name__}"
        )
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or not np.isfinite(W).all():
        raise ValueError(
            f"plot_weight_images: expected finite weights of shape (neurons, pixels), got {W.shape}"
        )
    h, w = image_shape_of(image_shape, W.shape[1], "plot_weight_images")
    shown = W[: whole_number(max_images, "plot_weight_images(max_images)", minimum=1)]
    # one scale for all, set by the 99th percentile so a few large weights do not wash out the rest
    limit = max(float(np.percentile(np.abs(shown), 99)), 1e-12)
    mosaic, corners = weight_mosaic(shown, (h, w))
    rows = int(np.ceil(len(shown) / _COLUMNS))
    cols = min(_COLUMNS, len(shown))
    fig = new_figure(cols * 1.05 + 1.4, rows * 1.2 + 0.7)
    ax = fig.subplots()
    ax.axis("off")
    from matplotlib import colormaps

    cmap = colormaps["RdBu_r"].with_extremes(bad="white")
    image = ax.imshow(mosaic, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
    for k, (top, left) in enumerate(corners):  # each tile's name in the gap above it
        ax.text(
            left + w / 2 - 0.5, top - 1.2, f"neuron {k + 1}", ha="center", va="center", fontsize=7.5
        )
    bar = fig.colorbar(image, ax=ax, extend="both", shrink=min(0.9, 0.35 + 0.12 * rows), pad=0.02)
    bar.set_label("weight (red: ink here raises the neuron's sum, blue: lowers it)", fontsize=9)
    more = f" (the first {len(shown)} of {len(W)})" if len(shown) < len(W) else ""
    fig.suptitle(
        (title or "First-layer weights")
        + f": one {h}×{w} image per hidden neuron{more}, 0 is white"
    )
    return finish(fig, path)


def weight_mosaic(
    weights: np.ndarray, image_shape: tuple[int, int], columns: int = _COLUMNS
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The rows of ``weights`` as images tiled into one array, NaN between them.

    Returns the array and each tile's (top, left) corner.  Tiles are a pixel
    apart side by side and three rows apart top to bottom, room for a name.
    One picture instead of one plot per neuron: 64 neurons draw in a blink.
    """
    h, w = image_shape
    n = len(weights)
    cols = min(columns, n)
    rows = int(np.ceil(n / cols))
    mosaic = np.full((rows * (h + _LABEL_ROWS), cols * (w + 1) - 1), np.nan)
    corners = []
    for k in range(n):
        top, left = (k // cols) * (h + _LABEL_ROWS) + _LABEL_ROWS, (k % cols) * (w + 1)
        mosaic[top : top + h, left : left + w] = weights[k].reshape(h, w)
        corners.append((top, left))
    return mosaic, corners
