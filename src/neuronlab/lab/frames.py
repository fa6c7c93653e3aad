"""What the page draws after a step: the figures, the heatmaps and the weights, as JSON.

A frame is computed in Python from the network itself -- the page never
computes a number.  Heatmaps are grids over the plane [-6, 6]², row 0 at the
top (x2 = 6), column 0 on the left (x1 = -6), each value scaled into one byte
over a stated range and sent as base64, so a 100×100 map costs 10 KB:

- the output: for classification the class of every pixel and its
  confidence; for regression the network's height;
- every hidden neuron: what it outputs over the plane, over its activation's
  range (tanh [-1, 1], sigmoid and step [0, 1], relu [0, its largest value]).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import numpy as np

from ..nn import Linear
from ..nn.activations import ACTIVATIONS
from ..tensor import Tensor, no_grad
from .network import DTYPE, read_classes
from .problem import DOMAIN

if TYPE_CHECKING:
    from .session import LabSession

__all__ = ["MAX_GRID", "NEURON_GRID", "OUTPUT_GRID", "encode", "frame", "grid_points"]

OUTPUT_GRID = 100  # pixels a side of the output heatmap
NEURON_GRID = 50  # pixels a side of each hidden neuron's heatmap
MAX_GRID = 200  # the largest grid a request may ask for


def grid_points(size: int) -> np.ndarray:
    """The centres of a size×size grid over the plane, row by row from the top (x2 = 6)."""
    centres = (np.arange(size) + 0.5) / size * 2 * DOMAIN - DOMAIN
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


def encode(values: np.ndarray, low: float, high: float) -> str:
    """Values scaled from [low, high] to bytes 0..255 (clipped), as base64 text."""
    span = high - low if high > low else 1.0
    scaled = np.clip((values - low) / span * 255.0 + 0.5, 0, 255)
    return base64.b64encode(scaled.astype(np.uint8).tobytes()).decode("ascii")


def _forward(session: LabSession, points: np.ndarray) -> np.ndarray:
    with no_grad():
        return session.model(Tensor(session.inputs(points), dtype=DTYPE)).data


def _output_map(session: LabSession, size: int) -> dict[str, Any]:
    out = _forward(session, grid_points(size))
    if session.head.task == "regression":
        y = session.problem.y
        low, high = float(y.min()), float(y.max())
        return {
            "size": size,
            "kind": "value",
            "range": [low, high],
            "values": encode(out[:, 0], low, high),
        }
    classes, confidence = read_classes(out, session.head)
    return {
        "size": size,
        "kind": "classes",
        "classes": base64.b64encode(classes.astype(np.uint8).tobytes()).decode("ascii"),
        "confidence": encode(confidence, 0.0, 1.0),
    }


def _neuron_maps(session: LabSession, size: int) -> list[dict[str, Any]]:
    layers = session.model.layer_outputs(session.inputs(grid_points(size)))
    maps = []
    for layer in layers:
        if not layer.hidden:
            continue
        for j in range(layer.values.shape[1]):
            v = layer.values[:, j]
            low, high = ACTIVATIONS[layer.activation].bounds or _span(v, layer.activation)
            maps.append(
                {
                    "layer": layer.layer,
                    "neuron": j,
                    "activation": layer.activation,
                    "size": size,
                    "range": [low, high],
                    "values": encode(v, low, high),
                }
            )
    return maps


def _span(v: np.ndarray, activation: str) -> tuple[float, float]:
    """relu: [0, largest]; linear: symmetric around 0, as large as the largest magnitude."""
    top = float(np.max(np.abs(v))) or 1.0
    return (0.0, float(v.max()) or 1.0) if activation == "relu" else (-top, top)


def _weights(session: LabSession) -> list[dict[str, Any]]:
    """Every layer's weights (out × in) and biases, for the links and the neuron card."""
    return [
        {
            "weight": m.weight.data.tolist(),
            "bias": m.bias.data.tolist() if m.bias is not None else None,
        }
        for m in session.model
        if isinstance(m, Linear)
    ]


def frame(
    session: LabSession,
    *,
    output_grid: int = OUTPUT_GRID,
    neuron_grid: int = NEURON_GRID,
    maps: bool = True,
) -> dict[str, Any]:
    """Everything the page shows after a step (heatmaps only when ``maps``)."""
    body: dict[str, Any] = {
        "type": "frame",
        "step": session.steps,
        "epoch": session.epoch,
        **session.figures(),
        "diverged": session.diverged,
        "warnings": list(session.warnings),
        "weights": _weights(session),
    }
    if maps:
        body["output"] = _output_map(session, output_grid)
        body["neurons"] = _neuron_maps(session, neuron_grid)
    return body
