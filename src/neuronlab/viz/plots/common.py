"""What every plot shares: a figure with no pyplot, atomic saving, input checks, class colours.

matplotlib is imported only when a figure is made, so importing the plots is light.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ...util.checks import real_number
from ...util.files import atomic_file

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CLASS_COLOURS",
    "IMAGE_FORMATS",
    "MARKERS",
    "MAX_RESOLUTION",
    "as_names",
    "as_points",
    "as_targets",
    "check_path",
    "class_colour",
    "classes_of",
    "finish",
    "finite_threshold",
    "limits",
    "model_outputs",
    "new_figure",
    "require_matplotlib",
    "save_figure",
    "scatter_classes",
]

#: File extensions ``path=`` accepts, and the format each one writes.
IMAGE_FORMATS = {".png": "png", ".svg": "svg"}

#: One colour and one marker per class, in order (colour-blind readers still tell markers apart).
CLASS_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
MAX_RESOLUTION = 1000


def require_matplotlib() -> None:
    """Import matplotlib, or raise an ImportError that says how to install it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "neuronlab's plots need matplotlib, which is not installed: "
            "pip install neuronlab[viz]  (or: pip install matplotlib)"
        ) from e


def new_figure(width: float, height: float) -> Figure:
    """A Figure drawn by the Agg canvas: no pyplot, no window, no global backend change."""
    require_matplotlib()
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


def finish(fig: Figure, path: str | os.PathLike[str] | None) -> Figure:
    """Save ``fig`` when a path is given; return it either way."""
    if path is not None:
        save_figure(fig, path)
    return fig


def check_path(path: object) -> None:
    """Fail on a bad ``path``, or a missing matplotlib, before any (possibly slow) work starts."""
    require_matplotlib()
    if path is None:
        return
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a file name (str or Path), got {type(path).__name__}")
    _image_format(path)


# -- input checks ---------------------------------------------------------------


def as_points(X: Any, where: str, columns: int | None = 2) -> np.ndarray:
    """X as a finite float array of shape (n, columns), or a ValueError naming what came."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: expected an array of numbers, got {type(X).__name__}") from None
    if columns is None and arr.ndim == 1:  # one feature
        arr = arr[:, None]
    want = f"(n, {columns})" if columns else "(n, features)"
    if arr.ndim != 2 or len(arr) == 0 or (columns is not None and arr.shape[1] != columns):
        raise ValueError(f"{where}: expected X of shape {want}, got an array of shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{where}: X contains NaN or infinite values")
    return arr


def as_targets(y: Any, n: int, where: str) -> np.ndarray:
    """y as a finite float array of shape (n,) (a column is accepted), or a clear error."""
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: expected y as numbers, got {type(y).__name__}") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.shape != (n,):
        raise ValueError(f"{where}: expected y of shape ({n},) (one per row of X), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{where}: y contains NaN or infinite values")
    return arr


def as_names(names: Any, where: str) -> tuple[str, ...] | None:
    """A list of names (class or feature names) as a tuple of str; None stays None."""
    if names is None:
        return None
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise TypeError(f"{where}: expected a list of names, got {type(names).__name__}")
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"{where}: expected every name to be a str, got {list(names)!r}")
    return tuple(names)


def limits(values: np.ndarray, margin: float = 0.15) -> tuple[float, float]:
    """The range of ``values`` widened by ``margin`` of its width on each side (1 when flat)."""
    lo, hi = float(values.min()), float(values.max())
    pad = (hi - lo) * margin if hi > lo else 1.0
    return lo - pad, hi + pad


# -- classes ------------------------------------------------------------------------


def class_colour(i: int) -> str:
    """The colour of the i-th class (counting the classes present from 0)."""
    return CLASS_COLOURS[i % len(CLASS_COLOURS)]


def _class_text(label: float, class_names: tuple[str, ...] | None) -> str:
    k = int(label) if float(label).is_integer() else None
    if class_names is not None and k is not None and 0 <= k < len(class_names):
        return f"{class_names[k]} (y = {k})"
    return f"y = {label:g}"


def scatter_classes(
    ax: Axes, X: np.ndarray, y: np.ndarray, class_names: tuple[str, ...] | None = None
) -> None:
    """The points of each class in its own colour and marker, labelled for the legend."""
    for i, label in enumerate(np.unique(y)):
        mask = y == label
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=36,
            c=class_colour(i),
            marker=MARKERS[i % len(MARKERS)],
            edgecolors="black",
            linewidths=0.6,
            label=_class_text(float(label), class_names),
            zorder=3,
        )


def model_outputs(model: Any, points: np.ndarray, where: str) -> np.ndarray:
    """What ``model`` says for each row: a neuronlab Module, an object with ``predict``, or a
    function of the whole array."""
    from ...nn.module import Module
    from ...training.trainer import predict

    if isinstance(model, Module):
        out = predict(model, points)
    elif callable(getattr(model, "predict", None)):
        out = model.predict(points)
    elif callable(model):
        out = model(points)
    else:
        raise TypeError(
            f"{where}: expected a neuronlab model, an object with predict(X) or a function of X, "
            f"got {type(model).__name__}"
        )
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 0 or len(out) != len(points):
        raise ValueError(
            f"{where}: the model gave output of shape {out.shape} for {len(points)} points"
        )
    return out


def classes_of(outputs: np.ndarray, threshold: float | None) -> tuple[np.ndarray, float | None]:
    """Class per row from raw outputs, and the threshold used (None: argmax).

    Several outputs per row: the largest wins.  One output: class 1 where it
    exceeds ``threshold`` (default 0.5 when every output lies in [0, 1], as
    probabilities do, else 0, as for hinge scores).
    """
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return outputs.argmax(axis=1).astype(float), None
    scores = outputs.reshape(len(outputs))
    if threshold is None:
        threshold = 0.5 if ((scores >= 0) & (scores <= 1)).all() else 0.0
    return (scores > threshold).astype(float), threshold


def finite_threshold(threshold: Any, where: str) -> float | None:
    """``threshold`` as a float (None stays None), checked by ``util.checks.real_number``."""
    return None if threshold is None else real_number(threshold, f"{where}(threshold)")
