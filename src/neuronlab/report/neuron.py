"""One neuron of a scalar network, drawn as a computation graph with its gradients."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..engine import Value, dot
from ..nn import Layer, Module, Neuron
from ..nn.activations import ACTIVATIONS, activate
from ..nn.convert import scalar_mlp
from .parts import Picture

__all__ = ["UNFUSED_UP_TO", "first_neuron", "first_neuron_graph", "neuron_graph_picture"]

#: A neuron with more inputs is drawn with one ``dot`` node instead of 2n nodes.
UNFUSED_UP_TO = 6

_FILE = "neuron_graph.svg"
_TOP_DOWN_UP_TO = 3  # inputs: a graph this small reads best top to bottom, and fits the page


def first_neuron(model: Any) -> Neuron | None:
    """The first neuron of a scalar ``Neuron``, ``Layer`` or ``MLP``; None for anything else."""
    if isinstance(model, Neuron):
        return model
    if isinstance(model, Layer):
        return model.neurons[0]
    mlp = scalar_mlp(model)
    if mlp is not None:
        return mlp.layers[0].neurons[0]
    return None


def _weighted_sum(xs: list[Value], ws: list[Value], b: Value) -> Value:
    if len(xs) > UNFUSED_UP_TO:
        return dot(ws, xs, b)
    terms = []  # micrograd's picture: x1*w1 + x2*w2 + ... + b
    for i, (xi, wi) in enumerate(zip(xs, ws)):
        product = xi * wi
        product.label = f"x{i + 1}*w{i + 1}"
        terms.append(product)
    n = terms[0]
    for term in terms[1:]:
        label = f"{n.label} + {term.label}"
        n = n + term
        if len(xs) <= 3:
            n.label = label
    return n + b


def first_neuron_graph(model: Module, x: Any) -> Value | None:
    """The first neuron of ``model`` computing its output on input ``x``, backpropagated.

    Builds the neuron's computation afresh from labelled copies of its numbers
    — inputs ``x1, x2, ...``, weights ``w1, w2, ...``, bias ``b``, weighted sum
    ``n``, output ``o`` — and calls ``o.backward()``, so every node holds
    d(o)/d(node).  The model's own parameters are only read, never changed.
    Up to 6 inputs each product ``x_i*w_i`` is its own node; beyond that the
    weighted sum is one ``dot`` node.  Returns ``None`` for a model that is not a
    scalar ``Neuron``, ``Layer`` or ``MLP`` (nothing to draw).
    """
    neuron = first_neuron(model)
    if neuron is None:
        return None
    values = np.asarray(x, dtype=np.float64).ravel()
    if values.size != neuron.nin:
        raise ValueError(
            f"first_neuron_graph: the neuron takes {neuron.nin} inputs, got {values.size}"
        )
    xs = [Value(float(v), label=f"x{i + 1}") for i, v in enumerate(values)]
    ws = [Value(w.data, label=f"w{i + 1}") for i, w in enumerate(neuron.w)]
    n = _weighted_sum(xs, ws, Value(neuron.b.data, label="b"))
    n.label = "n"
    o = activate(n, neuron.activation)
    if o is n:  # a linear neuron: its output is the weighted sum itself
        o = n * 1.0
    o.label = "o"
    o.backward()
    return o


def _no_graph_reason(model: Module) -> str:
    if model.engine.name == "tensor":
        return (
            "No single-neuron graph: this network runs on the tensor engine, where a whole "
            "layer is one matrix product, so there is no graph of one neuron to draw. "
            "Draw a scalar MLP's neuron with neuronlab.draw_graph."
        )
    return (
        f"No single-neuron graph: a {type(model).__name__} is not a Neuron, Layer or MLP, "
        "the networks whose first neuron the report knows how to find."
    )


def neuron_graph_picture(folder: Path, model: Module, X: np.ndarray) -> Picture | str:
    """Draw the first neuron on one example into neuron_graph.svg, or say in words why not.

    The example is the first on which the neuron is active: a ReLU that
    outputs 0 passes back gradient 0 to everything, a picture of zeros.
    """
    neuron = first_neuron(model)
    if neuron is None:
        return _no_graph_reason(model)
    weighted = X @ np.array([w.data for w in neuron.w]) + neuron.b.data
    silent = ACTIVATIONS[neuron.activation].silent_below_zero  # 0 out, 0 back, for n <= 0
    active = np.flatnonzero(weighted > 0) if silent else None
    i = int(active[0]) if active is not None and len(active) else 0
    o = first_neuron_graph(model, X[i])
    assert o is not None  # first_neuron found a neuron above
    small = neuron.nin <= _TOP_DOWN_UP_TO
    try:
        from ..viz.graph import draw_graph

        draw_graph(o, rankdir="TB" if small else "LR").save(folder / _FILE)  # atomic
    except Exception as e:  # a picture must not lose the rest of the report
        return f"No single-neuron graph: drawing it failed ({type(e).__name__}: {e})."
    data = (folder / _FILE).read_bytes()
    if not data:
        return "No single-neuron graph: the drawing came out empty."
    inputs = f"{neuron.nin} inputs" if neuron.nin > UNFUSED_UP_TO else "its inputs"
    points = re.search(rb'<svg[^>]*\swidth="([0-9.]+)pt"', data)
    return Picture(
        _FILE,
        "One neuron, forward and backward",
        f"The first neuron of the first layer on training example {i + 1}: {inputs} x, its "
        "weights w and bias b, the weighted sum n and the output o. Each box shows its value "
        "(data) and d(o)/d(box) (grad), as o.backward() computed it.",
        data,
        # a big graph keeps a readable size (12 pt text at 12 px) and scrolls in its box
        width_px=None if small or points is None else round(float(points.group(1))),
    )
