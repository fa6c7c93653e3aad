"""A look inside a deep network, as the makemore lectures take it (part 3, "BatchNorm").

A network can train badly while its loss says little about why.  These
pictures show what flows through it for one batch:

- ``plot_activation_histograms``: what each tanh (or ReLU) layer outputs;
  outputs piled up at ±1 are saturated, and pass almost no gradient back;
- ``plot_gradient_histograms``: the gradient of the loss with respect to
  each of those outputs; in a healthy network every layer's spread is alike;
- ``plot_weight_gradients``: the gradient of every weight matrix, and how
  large it is next to the weights themselves (the grad:data ratio);
- ``plot_update_ratios``: how far each training step moved each weight
  matrix, next to its spread, over a run (the lectures' 1e-3 guide);
- ``plot_saturation``: which units of a tanh layer are saturated for which
  examples; a unit saturated for every example is dead.

Each reads the model and never changes it: the forward passes run on the
model as it is (in its current mode, so BatchNorm in training mode uses the
batch's own statistics, the lectures' view, and its running statistics are
put back), and the gradients are computed on a deep copy.  The numbers
behind the pictures are public too: ``layer_activations``,
``layer_gradients`` and ``weight_gradients``.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...language.model import LanguageModel
from ...losses import get_loss
from ...nn.convert import tensor_sequential
from ...nn.engines import TENSOR
from ...nn.layers import ReLU, Sequential, Tanh
from ...nn.module import Module
from ...tensor import Tensor, is_grad_enabled, no_grad
from ...training.diagnostics import SATURATED
from ...training.trainer import model_inputs
from ...training.updates import GUIDE
from ...util.checks import describe, one_of
from .common import check_path, finish, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...training.history import History

__all__ = [
    "LAYER_KINDS",
    "SATURATION_LAYERS",
    "SATURATION_ROWS",
    "LayerValues",
    "WeightGradient",
    "layer_activations",
    "layer_gradients",
    "plot_activation_histograms",
    "plot_gradient_histograms",
    "plot_saturation",
    "plot_update_ratios",
    "plot_weight_gradients",
    "weight_gradients",
]

#: The layers the histograms can look at, by name.
LAYER_KINDS: dict[str, type[Module]] = {"tanh": Tanh, "relu": ReLU}
#: How many examples (rows) ``plot_saturation`` draws, as the lecture does.
SATURATION_ROWS = 32
#: How many tanh layers ``plot_saturation`` draws at most (the first ones).
SATURATION_LAYERS = 4
_BINS = 60


# -- the numbers ------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerValues:
    """One layer's numbers for a batch: its outputs, or the loss's gradient with respect to them.

    ``index`` is the layer's position in the ``Sequential`` (``model[index]``),
    ``kind`` its class name ("Tanh"), ``values`` an array of the output's shape.
    """

    index: int
    kind: str
    values: np.ndarray

    @property
    def name(self) -> str:
        """``layer 3 (Tanh)``: how the pictures name the layer."""
        return f"layer {self.index} ({self.kind})"

    @property
    def mean(self) -> float:
        """The mean of ``values``."""
        return float(np.mean(self.values))

    @property
    def std(self) -> float:
        """The standard deviation of ``values`` (over all of them, divided by n, as NumPy's)."""
        return float(np.std(self.values))

    def share_beyond(self, limit: float) -> float:
        """The share of ``values`` whose size exceeds ``limit`` (saturated tanh: 0.97)."""
        return float(np.mean(np.abs(self.values) > limit))


@dataclass(frozen=True)
class WeightGradient:
    """A weight matrix (a 2-D parameter) by its name, its numbers and its gradient for a batch."""

    name: str
    data: np.ndarray
    grad: np.ndarray

    @property
    def ratio(self) -> float:
        """std(grad) / std(data): how large a step of plain SGD with lr 1 would be, relatively."""
        spread = float(np.std(self.data))
        return math.nan if spread == 0.0 else float(np.std(self.grad)) / spread


def _checked_model(model: object, where: str) -> Sequential:
    sequential = tensor_sequential(model)
    if sequential is None:
        raise TypeError(
            f"{where}(model): expected a Sequential network (a LanguageModel, or layers such as "
            f"Linear and Tanh in a Sequential), got {describe(model)}"
        )
    return sequential


def _inputs(model: Sequential, X: Any, where: str) -> Any:
    """X as the model's first layer reads it: integer contexts, or a Tensor of features."""
    try:
        arr = model_inputs(model, X, f"{where}(X)")
    except IndexError as e:  # a character index outside the embedding table
        raise ValueError(str(e)) from None
    if isinstance(model, LanguageModel) and (arr.ndim != 2 or arr.shape[1] != model.block_size):
        raise ValueError(
            f"{where}(X): expected contexts of shape (N, {model.block_size}) (the model's "
            f"block_size), got shape {arr.shape}"
        )
    if model.takes_indices():
        return arr
    return Tensor(arr, dtype=arr.dtype)


def _matching_layers(model: Sequential, layer: Any, where: str) -> list[int]:
    one_of(layer, LAYER_KINDS, f"{where}(layer)")
    kind = LAYER_KINDS[layer]
    found = [i for i, m in enumerate(model) if isinstance(m, kind)]
    if not found:
        layers = ", ".join(type(m).__name__ for m in model) or "none"
        raise ValueError(
            f"{where}: the model has no {kind.__name__} layer to look at (its layers: {layers})"
        )
    return found


def _loss_function(loss: Any, where: str) -> Any:
    try:
        return get_loss(loss)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{where}(loss): {e}") from None


def _activations(model: Any, X: Any, layer: Any, where: str) -> list[LayerValues]:
    net = _checked_model(model, where)
    wanted = _matching_layers(net, layer, where)
    x = _inputs(net, X, where)
    with no_grad():
        outputs = net.trace(x)  # puts BatchNorm's running statistics back
    return [
        LayerValues(i, type(net[i]).__name__, np.array(outputs[i].data, dtype=np.float64))
        for i in wanted
    ]


def _backward_on_a_copy(model: Any, X: Any, y: Any, loss: Any, where: str) -> tuple[Any, list]:
    """A deep copy of the model, and its layers' outputs after a backward of the loss on (X, y)."""
    net = _checked_model(model, where)
    loss_fn = _loss_function(loss, where)
    x = _inputs(net, X, where)
    if np.ndim(y) == 0 or len(y) != len(x):
        raise ValueError(
            f"{where}(y): expected one target per row of X ({len(x)}), got {describe(y)}"
        )
    if not is_grad_enabled():
        raise RuntimeError(f"{where}: gradients need a graph; call it outside a no_grad() block")
    twin = copy.deepcopy(net)  # the user's model, its gradients and statistics stay as they are
    twin.zero_grad()
    outputs = twin.trace(x)
    value = loss_fn(outputs[-1], y)
    if not TENSOR.is_node(value) or value.data.size != 1:
        raise ValueError(
            f"{where}(loss): expected the loss to be one number, got {describe(value)}"
        )
    value.backward()
    return twin, outputs


def _gradients(model: Any, X: Any, y: Any, layer: Any, loss: Any, where: str) -> list[LayerValues]:
    wanted = _matching_layers(_checked_model(model, where), layer, where)
    twin, outputs = _backward_on_a_copy(model, X, y, loss, where)
    found = []
    for i in wanted:
        grad = outputs[i].grad
        values = np.zeros(outputs[i].data.shape) if grad is None else np.array(grad, np.float64)
        found.append(LayerValues(i, type(twin[i]).__name__, values))
    return found


def layer_activations(model: Sequential, X: Any, *, layer: str = "tanh") -> list[LayerValues]:
    """The outputs of every ``layer`` ("tanh" or "relu") layer of ``model`` for the inputs ``X``.

    ``X``: integer contexts (N, block_size) for a ``LanguageModel``, features
    otherwise.  Computed without a graph, in the model's current mode; the
    model does not change.
    """
    return _activations(model, X, layer, "layer_activations")


def layer_gradients(
    model: Sequential, X: Any, y: Any, *, layer: str = "tanh", loss: Any = "cross_entropy"
) -> list[LayerValues]:
    """d loss / d output of every ``layer`` layer, for the loss of the model's output on (X, y).

    Computed on a deep copy of ``model`` (its forward in the model's current
    mode, then a backward), so the model, its gradients and its BatchNorm
    statistics do not change.
    """
    return _gradients(model, X, y, layer, loss, "layer_gradients")


def _weights(model: Any, X: Any, y: Any, loss: Any, where: str) -> list[WeightGradient]:
    twin, _ = _backward_on_a_copy(model, X, y, loss, where)
    found = []
    for name, p in twin.named_parameters():
        if p.data.ndim == 2:
            grad = np.zeros(p.data.shape) if p.grad is None else np.array(p.grad, np.float64)
            found.append(WeightGradient(name, np.array(p.data, dtype=np.float64), grad))
    if not found:
        raise ValueError(f"{where}: the model has no weight matrix (a 2-D parameter) to look at")
    return found


def weight_gradients(
    model: Sequential, X: Any, y: Any, *, loss: Any = "cross_entropy"
) -> list[WeightGradient]:
    """Every weight matrix (2-D parameter) of ``model`` with its gradient for the loss on (X, y).

    Computed on a deep copy, as ``layer_gradients``: the model does not change.
    """
    return _weights(model, X, y, loss, "weight_gradients")


# -- the pictures -------------------------------------------------------------------------


def _mode_text(model: Sequential) -> str:
    has_batchnorm = any(type(m).__name__ == "BatchNorm1d" for m in model.modules())
    if not has_batchnorm:
        return ""
    if model.training:
        return "training mode: BatchNorm normalises with this batch's own statistics"
    return "evaluation mode: BatchNorm uses its running statistics"


def _signed(x: float, digits: int) -> str:
    """``x`` with its sign and ``digits`` decimals, never "-0.00"."""
    return f"{round(x, digits) + 0.0:+.{digits}f}"


def _bins(values: np.ndarray) -> int:
    """Fewer bins for fewer values (one batch is noisy), at most ``_BINS``."""
    return int(np.clip(np.sqrt(values.size) / 2, 15, _BINS))


def _histogram_lines(
    ax: Axes, found: list[LayerValues], bounds: tuple[float, float], labels: list[str]
) -> None:
    for k, (values, label) in enumerate(zip(found, labels)):
        bins = _bins(values.values)
        density, edges = np.histogram(values.values, bins=bins, range=bounds, density=True)
        centres = (edges[:-1] + edges[1:]) / 2
        ax.plot(centres, density, color=f"C{k % 10}", lw=2, label=label)
    ax.set_xlim(*bounds)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)


def _legend_below(fig: Figure, ax: Axes, count: int) -> None:
    fig.legend(
        *ax.get_legend_handles_labels(),
        loc="outside lower center",
        ncols=1 if count <= 4 else 2,
        fontsize=9,
        frameon=False,
    )


def _activation_label(values: LayerValues, layer: str) -> str:
    start = f"{values.name}: mean {_signed(values.mean, 2)}, std {values.std:.2f}"
    if layer == "tanh":
        return start + f", saturated {values.share_beyond(SATURATED):.1%}"
    return start + f", zero {float(np.mean(values.values <= 0)):.1%}"


def plot_activation_histograms(
    model: Sequential, X: Any, *, layer: str = "tanh", path: str | os.PathLike[str] | None = None
) -> Figure:
    """The distribution of every tanh (or ReLU, ``layer="relu"``) layer's outputs for a batch.

    One line per layer: the density of its outputs for the inputs ``X``
    (integer contexts for a ``LanguageModel``, features otherwise), in the
    model's current mode, and in the legend its mean, standard deviation and
    saturated share (|t| > 0.97, where tanh's slope 1 - t² is below 0.06).
    How to read it: a healthy tanh layer spreads over (-1, 1) with a few
    percent saturated, and every layer looks alike.  Peaks at ±1 mean the
    pre-activations are too large (weights too big, or no normalisation):
    those units pass almost no gradient back, and the layers before learn
    slowly.  Outputs squeezed near 0 mean the signal is shrinking.  For ReLU
    the legend gives the share of outputs that are exactly 0.  One batch of
    32 gives a ragged line; a few hundred examples give a smoother one.
    """
    check_path(path)
    found = _activations(model, X, layer, "plot_activation_histograms")
    if layer == "tanh":
        bounds = (-1.0, 1.0)
    else:
        top = max(float(np.percentile(v.values, 99.5)) for v in found)
        bounds = (0.0, top if top > 0 else 1.0)
    fig = new_figure(8.5, 4.8 + 0.25 * len(found))
    ax = fig.subplots()
    if layer == "tanh":
        for side in (-1, 1):
            ax.axvspan(
                side * SATURATED,
                side * 1.0,
                color="0.85",
                zorder=0,
                label=f"saturated: |t| > {SATURATED}" if side == 1 else None,
            )
    labels = [_activation_label(v, layer) for v in found]
    _histogram_lines(ax, found, bounds, labels)
    ax.set_xlabel(f"{layer} output")
    ax.set_ylabel("density")
    mode = _mode_text(model)
    note = (
        "healthy: spread over (-1, 1), few outputs near ±1"
        if layer == "tanh"
        else "healthy: outputs spread above 0; a large share of zeros means many units are off"
    )
    ax.set_title("\n".join(t for t in (note, mode) if t), fontsize=9.5, color="0.3")
    fig.suptitle(
        f"Activation distribution of each {LAYER_KINDS[layer].__name__} layer "
        f"({len(found)} layer{'s' if len(found) != 1 else ''}, {_rows(X)} examples)"
    )
    _legend_below(fig, ax, len(found) + 1)
    return finish(fig, path)


def _rows(X: Any) -> str:
    return f"{len(X):,}"


def _symmetric_bounds(arrays: Sequence[np.ndarray]) -> tuple[float, float]:
    """±(the 99.9th percentile of every value's size): outliers do not flatten the rest."""
    top = max(float(np.percentile(np.abs(a), 99.9)) for a in arrays)
    top = top if top > 0 else 1.0
    return -top, top


def plot_gradient_histograms(
    model: Sequential,
    X: Any,
    y: Any,
    *,
    layer: str = "tanh",
    loss: Any = "cross_entropy",
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """The distribution of the loss's gradient with respect to every tanh (or ReLU) layer's output.

    The loss (``loss``, cross-entropy by default) of the model's output on
    the batch (``X``, ``y``) is backpropagated through a deep copy of the
    model, and each layer's output gradient is drawn as a line; the legend
    gives its mean and standard deviation.  How to read it: in a healthy
    network every layer's gradients have about the same spread, so every
    layer learns at about the same pace.  Spreads that shrink layer by layer
    towards the input (vanishing) or grow (exploding) mean the layers are
    badly scaled: saturated tanh units, for one, pass back almost nothing.
    """
    check_path(path)
    found = _gradients(model, X, y, layer, loss, "plot_gradient_histograms")
    fig = new_figure(8.5, 4.8 + 0.25 * len(found))
    ax = fig.subplots()
    labels = [f"{v.name}: mean {_signed(v.mean, 6)}, std {v.std:.1e}" for v in found]
    _histogram_lines(ax, found, _symmetric_bounds([v.values for v in found]), labels)
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 2))
    ax.set_xlabel(f"gradient of the loss with respect to the {layer} output")
    ax.set_ylabel("density")
    note = "healthy: every layer's spread about the same (no layer vanishing or exploding)"
    mode = _mode_text(model)
    ax.set_title("\n".join(t for t in (note, mode) if t), fontsize=9.5, color="0.3")
    fig.suptitle(
        f"Gradient distribution of each {LAYER_KINDS[layer].__name__} layer's output "
        f"({_rows(X)} examples)"
    )
    _legend_below(fig, ax, len(found))
    return finish(fig, path)


def plot_weight_gradients(
    model: Sequential,
    X: Any,
    y: Any,
    *,
    loss: Any = "cross_entropy",
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """The distribution of the gradient of every weight matrix, and its grad:data ratio.

    For each 2-D parameter (the embedding table and every Linear's weight):
    the density of its gradient for the loss on (``X``, ``y``), computed on a
    deep copy of the model.  The legend gives the gradient's standard
    deviation and the grad:data ratio, std(grad) / std(weights): how large a
    gradient step is next to the weights it moves.  How to read it: healthy
    layers have similar ratios; a layer whose ratio is ten times the others'
    (the lectures' last layer, started small) trains ten times faster than
    the rest, and a layer with a tiny ratio barely learns.
    """
    check_path(path)
    found = _weights(model, X, y, loss, "plot_weight_gradients")
    fig = new_figure(8.5, 4.8 + 0.25 * len(found))
    ax = fig.subplots()
    as_values = [LayerValues(0, w.name, w.grad) for w in found]
    labels = [
        f"{w.name} {tuple(w.data.shape)}: std {np.std(w.grad):.1e}, grad:data ratio {w.ratio:.1e}"
        for w in found
    ]
    _histogram_lines(ax, as_values, _symmetric_bounds([w.grad for w in found]), labels)
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 2))
    ax.set_xlabel("gradient of the loss with respect to each weight")
    ax.set_ylabel("density")
    ax.set_title(
        "healthy: similar grad:data ratios, none far above the rest\n"
        "(a step of SGD moves a matrix by lr × its ratio of its spread: aim for about 1e-3)",
        fontsize=9.5,
        color="0.3",
    )
    fig.suptitle(f"Weight gradient distribution of each weight matrix ({_rows(X)} examples)")
    _legend_below(fig, ax, len(found))
    return finish(fig, path)


def _recorded_ratios(history: Any, where: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    if not hasattr(history, "update_ratios") or not hasattr(history, "update_steps"):
        raise TypeError(f"{where}(history): expected a neuronlab History, got {describe(history)}")
    steps = np.asarray(history.update_steps, dtype=np.float64)
    if not len(steps) or not history.update_ratios:
        raise ValueError(
            f"{where}: the history has no recorded update:data ratios; train with "
            "fit(..., record_updates=N) to record them every N steps"
        )
    series = {}
    for name, values in history.update_ratios.items():
        arr = np.asarray(values, dtype=np.float64)
        if arr.shape != steps.shape:
            raise ValueError(
                f"{where}: history.update_ratios[{name!r}] has {arr.size} values for "
                f"{steps.size} recorded steps"
            )
        series[name] = np.where(np.isfinite(arr), arr, np.nan)  # no change (-inf): a gap
    return steps, series


def plot_update_ratios(history: History, *, path: str | os.PathLike[str] | None = None) -> Figure:
    """How big each training step was next to the weights it moved, per weight matrix.

    One line per weight matrix: log10(std(update) / std(weights)) at the
    steps the run recorded (``fit(..., record_updates=N)``), and a dashed
    line at -3, the lectures' guide: a step that moves the weights by about a
    thousandth of their spread.  How to read it: healthy lines settle near
    the guide.  Far below it (-4 and lower) a layer learns slowly: the
    learning rate is too small for it; far above (-2 and higher) its steps
    are so large they undo what was learned.  A line far from the others
    (the lectures' small last layer, early on) is a layer scaled unlike the rest.
    """
    check_path(path)
    steps, series = _recorded_ratios(history, "plot_update_ratios")
    fig = new_figure(9.0, 5.0)
    ax = fig.subplots()
    marker = "o" if len(steps) <= 30 else None
    for k, (name, values) in enumerate(series.items()):
        ax.plot(steps, values, color=f"C{k % 10}", lw=1.6, marker=marker, ms=3, label=name)
    ax.axhline(GUIDE, color="black", ls="--", lw=1.3, label=f"1e{GUIDE:.0f} guide")
    ax.set_xlabel("step")
    ax.set_ylabel("log10(update std / weight std)")
    ax.grid(alpha=0.3)
    known = np.concatenate([v[np.isfinite(v)] for v in series.values()] + [np.array([GUIDE])])
    ax.set_ylim(min(float(known.min()), GUIDE - 1) - 0.3, max(float(known.max()), GUIDE + 1) + 0.3)
    ax.set_title(
        "healthy: near the guide; far below learns slowly, far above overshoots",
        fontsize=9.5,
        color="0.3",
    )
    fig.suptitle(f"Update:data ratio of each weight matrix ({len(steps):,} recorded steps)")
    fig.legend(loc="outside right upper", fontsize=9)
    return finish(fig, path)


def _saturation_panel(ax: Axes, found: LayerValues) -> int:
    """One layer's image (white: saturated), titled; returns how many of its units are dead."""
    from matplotlib.patches import Rectangle

    values = found.values
    rows = values.reshape(-1, values.shape[-1])[:SATURATION_ROWS]
    saturated = np.abs(rows) > SATURATED
    dead = np.flatnonzero(saturated.all(axis=0))
    ax.imshow(saturated, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for unit in dead:  # outlined in red, and marked above the image
        ax.add_patch(Rectangle((unit - 0.5, -0.5), 1, len(rows), fill=False, ec="#d62728", lw=1.5))
    if dead.size:
        ax.plot(dead, np.full(dead.size, -1.4), "v", color="#d62728", ms=7, clip_on=False)
    if values.ndim == 2:
        ax.set_ylabel(f"example\n(the first {len(rows)})", fontsize=9)
    else:
        positions = int(np.prod(values.shape[1:-1]))
        examples = -(-len(rows) // positions)
        ax.set_ylabel(f"example × position\n({examples} × {positions} positions)", fontsize=9)
    ax.set_xlabel(f"unit of the layer (0–{values.shape[-1] - 1})", fontsize=9)
    plural = "s" if dead.size != 1 else ""
    dead_text = f", {dead.size} dead unit{plural} (▼, outlined in red)" if dead.size else ""
    ax.set_title(
        f"{found.name}: {saturated.mean():.1%} of these outputs saturated{dead_text}",
        fontsize=10,
        loc="left",
    )
    return int(dead.size)


def plot_saturation(
    model: Sequential, X: Any, *, path: str | os.PathLike[str] | None = None
) -> Figure:
    """Which tanh units are saturated (|t| > 0.97) for which examples: white where they are.

    One image per tanh layer (the first four): a row per example (the first
    32 of ``X``; for the WaveNet's (N, T, C) outputs a row per example and
    position), a column per unit, white where the output is saturated and
    black where it is not, as the lecture draws it.  How to read it: a
    healthy layer is mostly black.  Much white means the pre-activations are
    too large.  A column white from top to bottom (marked ▼) is a dead unit:
    saturated for every example shown, its slope 1 - t² is ~0 for all of
    them, so its incoming weights get no gradient and it never learns.
    """
    check_path(path)
    found = _activations(model, X, "tanh", "plot_saturation")
    shown = found[:SATURATION_LAYERS]
    fig = new_figure(11.0, 0.9 + 2.3 * len(shown))
    axes = np.atleast_1d(fig.subplots(len(shown), 1, squeeze=False)).ravel()
    dead = sum(_saturation_panel(ax, values) for ax, values in zip(axes, shown))
    more = (
        f" (the first {len(shown)} of {len(found)} tanh layers)" if len(shown) < len(found) else ""
    )
    fig.suptitle(f"Saturated tanh outputs: white where |t| > {SATURATED}, black where not{more}")
    verdict = (
        f"{dead} dead unit{'s' if dead != 1 else ''}: a column white for every example is "
        "a unit that passes no gradient for any of them, so it never learns"
        if dead
        else "no dead unit: no column is white for every example (a white column would be a "
        "unit that never learns)"
    )
    fig.supxlabel(verdict, fontsize=9.5, color="0.25")
    return finish(fig, path)
