"""Neurons, layers and multi-layer perceptrons on the scalar engine.

A ``Neuron`` computes ``activation(w·x + b)``.  A ``Layer`` is a list of
neurons that all see the same inputs; an ``MLP`` is a chain of layers.  The
names and behaviour are micrograd's: weights start uniform in [-1, 1], biases
at 0, hidden layers use ReLU and the last layer is linear unless told otherwise.

Every parameter carries a ``label`` for pictures and explanations, given once
at construction and shaped like its name in ``named_parameters()`` (a lone
neuron's ``w.1`` is ``w1``; an MLP's ``layers.1.neurons.3.w.0`` is
``w1.3.0``).  Inputs given as plain numbers become Values labelled ``x0``,
``x1``, ...
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..engine import Value, as_value, weighted_sum
from ..util.checks import whole_number
from ..util.rng import Seed, make_rng
from .activations import check_activation
from .engines import SCALAR, engine_of_node
from .module import LayerOutput, Module

__all__ = ["MLP", "Layer", "Neuron"]


def _activation_of(name: str) -> Callable[[Value], Value]:
    """The Value method that applies the activation ``name`` (the identity for linear)."""
    return (lambda n: n) if name == "linear" else getattr(Value, name)


def _as_inputs(x: object, nin: int, where: str) -> list[Value]:
    """Check that ``x`` is ``nin`` numbers or Values and return them as Values."""
    if nin == 1 and (engine_of_node(x) is SCALAR or isinstance(x, (int, float, np.number))):
        x = [x]
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(
                f"{where}: expected {nin} inputs (a flat sequence), got an array of shape {x.shape}"
            )
        x = x.tolist()
    if not isinstance(x, Sequence) or isinstance(x, str):
        raise TypeError(
            f"{where}: expected a sequence of {nin} numbers or Values, got {type(x).__name__}"
        )
    if len(x) != nin:
        raise ValueError(f"{where}: expected {nin} inputs, got {len(x)}")
    out = []
    for xi, name in zip(x, _input_labels(nin)):
        value = as_value(xi, where)
        if value is not xi:  # a plain number: a constant input, labelled by its place
            value.label = name
        out.append(value)
    return out


_INPUT_LABELS: list[str] = []  # "x0", "x1", ...: made once, shared by every forward pass


def _input_labels(n: int) -> list[str]:
    """The labels ``x0`` ... ``x{n-1}`` of a network's inputs."""
    if len(_INPUT_LABELS) < n:
        _INPUT_LABELS.extend(f"x{i}" for i in range(len(_INPUT_LABELS), n))
    return _INPUT_LABELS


def _name_parameters(neuron: Neuron, tag: str) -> None:
    """Label ``neuron``'s weights ``w{tag}{k}`` and its bias ``b{tag}`` (``tag`` "" or "1.3.")."""
    for k, w in enumerate(neuron.w):
        w.label = f"w{tag}{k}"
    neuron.b.label = f"b{tag.rstrip('.')}"


class Neuron(Module):
    """One neuron: ``activation(w·x + b)``.

    Its weights are labelled ``w0``, ``w1``, ... and its bias ``b`` (inside a
    ``Layer`` or an ``MLP`` the labels also say where the neuron sits).
    ``fused=True`` (the default) computes w·x + b as one ``dot`` node;
    ``fused=False`` builds micrograd's graph of one ``*`` per input and a chain
    of ``+`` — the same number, every product visible.
    """

    ENGINE = SCALAR

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        *,
        seed: Seed = None,
        fused: bool = True,
    ) -> None:
        nin = whole_number(nin, "Neuron(nin)", minimum=1)
        self.activation = check_activation(activation, "Neuron(activation)")
        rng = make_rng(seed)
        self.w = [Value(float(v)) for v in rng.uniform(-1.0, 1.0, nin)]
        self.b = Value(0.0)
        _name_parameters(self, "")
        self.fused = bool(fused)
        self._act = _activation_of(activation)

    @property
    def nin(self) -> int:
        """How many inputs the neuron takes."""
        return len(self.w)

    def forward(self, x: Sequence[float | Value]) -> Value:
        """activation(w·x + b) for one input vector ``x``."""
        return self._forward(_as_inputs(x, len(self.w), "Neuron"))

    def _forward(self, x: list[Value], x_data: list[float] | None = None) -> Value:
        if self.fused:
            n = weighted_sum(self.w, x, self.b, x_data)
        else:
            n = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return self._act(n)

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that all read the same ``nin`` inputs.

    Neuron j's weight on input k is labelled ``wj.k`` and its bias ``bj``
    (``neurons.j.w.k`` and ``neurons.j.b`` in ``named_parameters()``).
    """

    ENGINE = SCALAR

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        *,
        seed: Seed = None,
        fused: bool = True,
    ) -> None:
        nin = whole_number(nin, "Layer(nin)", minimum=1)
        nout = whole_number(nout, "Layer(nout)", minimum=1)
        rng = make_rng(seed)
        self.neurons = [Neuron(nin, activation, seed=rng, fused=fused) for _ in range(nout)]
        for j, neuron in enumerate(self.neurons):
            _name_parameters(neuron, f"{j}.")

    @property
    def nin(self) -> int:
        """How many inputs each neuron takes."""
        return self.neurons[0].nin

    def forward(self, x: Sequence[float | Value]) -> Value | list[Value]:
        """Every neuron's output; a single Value when the layer has one neuron."""
        out = self._forward(_as_inputs(x, self.nin, "Layer"))
        return out[0] if len(out) == 1 else out

    def _forward(self, x: list[Value]) -> list[Value]:
        x_data = [xi.data for xi in x]  # read once, shared by every neuron
        return [n._forward(x, x_data) for n in self.neurons]

    def __repr__(self) -> str:
        n = self.neurons[0]
        return f"Layer({n.nin}, {len(self.neurons)}, activation={n.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` maps 2 inputs to 1 output.

    Hidden layers use ``activation``; the last layer uses ``output_activation``
    (linear by default, as in micrograd).  ``seed`` makes the initial weights
    reproducible.

    Parameters are labelled for pictures and explanations by where they sit,
    counting from 0 as ``named_parameters()`` does: ``wl.j.k`` is the weight of
    layer l's neuron j on that layer's input k (``layers.l.neurons.j.w.k``) and
    ``bl.j`` that neuron's bias (``layers.l.neurons.j.b``).  Inputs given as
    plain numbers are labelled ``x0``, ``x1``, ...

    >>> model = MLP(2, [3, 1], seed=0)
    >>> model.layers[1].neurons[0].w[2].label, model.layers[0].neurons[2].b.label
    ('w1.0.2', 'b0.2')
    """

    ENGINE = SCALAR

    def __init__(
        self,
        nin: int,
        nouts: int | Sequence[int],
        activation: str = "relu",
        *,
        output_activation: str = "linear",
        seed: Seed = None,
        fused: bool = True,
    ) -> None:
        nin = whole_number(nin, "MLP(nin)", minimum=1)
        # one number is one layer (whole_number below refuses a bool)
        widths: Any = [nouts] if isinstance(nouts, (numbers.Integral, np.integer)) else nouts
        if not isinstance(widths, Sequence) or isinstance(widths, str) or len(widths) == 0:
            raise ValueError(f"MLP(nouts): expected a non-empty list of layer sizes, got {nouts!r}")
        sizes = [nin] + [whole_number(n, "MLP layer size", minimum=1) for n in widths]
        check_activation(activation, "MLP(activation)")
        check_activation(output_activation, "MLP(output_activation)")
        rng = make_rng(seed)
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i < len(widths) - 1 else output_activation,
                seed=rng,
                fused=fused,
            )
            for i in range(len(widths))
        ]
        for i, layer in enumerate(self.layers):
            for j, neuron in enumerate(layer.neurons):
                _name_parameters(neuron, f"{i}.{j}.")

    @property
    def nin(self) -> int:
        """How many inputs the network takes."""
        return self.layers[0].nin

    @property
    def sizes(self) -> list[int]:
        """The width of every layer, inputs first: ``[2, 16, 16, 1]``."""
        return [self.nin] + [len(layer.neurons) for layer in self.layers]

    def forward(self, x: Sequence[float | Value]) -> Value | list[Value]:
        """The network's output for one input vector: a Value, or a list for several outputs."""
        h = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            h = layer._forward(h)
        return h[0] if len(h) == 1 else h

    def layer_outputs(self, X: Any) -> list[LayerOutput]:
        """Each layer's outputs (after its activation) for every row of ``X``, as arrays."""
        rows = np.asarray(X, dtype=np.float64)
        rows = rows[None, :] if rows.ndim == 1 else rows
        per_layer: list[list[list[float]]] = [[] for _ in self.layers]
        for row in rows.tolist():
            h = _as_inputs(row, self.nin, "MLP.layer_outputs")
            for i, layer in enumerate(self.layers):
                h = layer._forward(h)
                per_layer[i].append([v.data for v in h])
        last = len(self.layers) - 1
        return [
            LayerOutput(i + 1, layer.neurons[0].activation, np.array(values), i < last)
            for i, (layer, values) in enumerate(zip(self.layers, per_layer))
        ]

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"MLP of [{inner}]"
