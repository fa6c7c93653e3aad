"""The scalar twin of one point: the lab's network on ``Value``s, for one point, same weights.

The lab trains a float64 tensor network on whole batches.  To show what one
neuron does with one point -- every product, every sum, every gradient -- the
same network is built again on the scalar engine for that point alone:

- each input feature is a ``Value`` labelled by its name (``x1``, ``x1^2``);
- each weight and bias a labelled ``Value`` holding the tensor's number
  (``w1.0.2``: layer 1, neuron 0, input 2; ``b1.0``), layers counted from 1
  as the page counts them;
- each neuron's weighted sum one ``dot`` node (``z1.0``) and its activation
  the ``Value`` method of that name (``a1.0``; a "linear" neuron's output is
  its ``z``);
- the point's loss (``L``) with the run's loss function from
  ``neuronlab.losses``, on the targets training gives it.

The weights and each layer's activation are ``nn.convert.to_value_layers``'s
scalar layers, relabelled as the page counts; the maths is the engine's own:
nothing here computes an activation or a derivative.  The twin's numbers are
the tensor network's for that point (to rounding), and ``backward()`` gives
the gradients of that one point's loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import Value, dot
from ..losses import get_loss, prepare_targets
from ..nn import Layer, to_value_layers
from ..nn.activations import activate
from ..util.checks import whole_number
from .network import training_targets
from .settings import LabInputError, field_value

if TYPE_CHECKING:
    from .session import LabSession

__all__ = ["Twin", "TwinLayer", "build_twin", "check_neuron", "check_point"]


@dataclass(frozen=True)
class TwinLayer:
    """One weighted layer of the twin (``number`` counts from 1).

    ``inputs`` are what the layer reads (the features, or the previous
    layer's ``outputs``); ``weights[j][i]`` and ``biases[j]`` neuron j's
    parameters; ``sums[j]`` its z = w·a + b; ``outputs[j]`` its activation of z.
    """

    number: int
    activation: str
    inputs: list[Value]
    weights: list[list[Value]]
    biases: list[Value]
    sums: list[Value]
    outputs: list[Value]


@dataclass(frozen=True)
class Twin:
    """The network on one point, on the scalar engine, and that point's loss ``loss``.

    ``point`` indexes the run's points, ``x`` is the point on the plane,
    ``label`` its class or height, ``target`` what the loss compares the
    outputs with (hinge's ±1, mse's one-hot row), ``inputs`` the features.
    """

    point: int
    x: tuple[float, float]
    label: float
    target: np.ndarray
    inputs: list[Value]
    layers: list[TwinLayer]
    loss: Value

    def layer(self, number: int) -> TwinLayer:
        """Weighted layer ``number`` (from 1)."""
        return self.layers[number - 1]

    def outputs(self) -> list[Value]:
        """The network's outputs for the point."""
        return self.layers[-1].outputs

    def backward(self) -> None:
        """Fill every ``.grad`` with d(this point's loss)/d(value) (the engine's backward)."""
        self.loss.backward()


def check_point(session: LabSession, point: Any) -> int:
    """``point`` as an index into the run's points, or a LabInputError saying the range."""
    return field_value(whole_number, point, "point", minimum=0, maximum=session.problem.size - 1)


def check_neuron(session: LabSession, layer: Any, neuron: Any) -> tuple[int, int]:
    """(layer, neuron) when the network has them (layers from 1, neurons from 0)."""
    layers = session.linear_layers()
    layer = field_value(whole_number, layer, "layer", minimum=1, maximum=len(layers))
    neuron = field_value(whole_number, neuron, "neuron")
    width = layers[layer - 1].out_features
    if not 0 <= neuron < width:
        raise LabInputError(
            "neuron", f"expected a neuron from 0 to {width - 1} of layer {layer}, got {neuron}"
        )
    return int(layer), int(neuron)


def _layer(number: int, layer: Layer, inputs: list[Value]) -> TwinLayer:
    """One scalar layer (from ``nn.convert``), relabelled as the page counts, on ``inputs``.

    Each neuron's weighted sum is its own ``dot`` node (``z``) so the page can
    show it before the activation (``a``) the neuron's ``Layer`` would apply.
    """
    activation = layer.neurons[0].activation
    weights, biases, sums, outputs = [], [], [], []
    for j, neuron in enumerate(layer.neurons):
        for i, w in enumerate(neuron.w):
            w.label = f"w{number}.{j}.{i}"
        neuron.b.label = f"b{number}.{j}"
        z = dot(neuron.w, inputs, neuron.b)
        z.label = f"z{number}.{j}"
        a = activate(z, activation)
        if a is not z:
            a.label = f"a{number}.{j}"
        weights.append(neuron.w)
        biases.append(neuron.b)
        sums.append(z)
        outputs.append(a)
    return TwinLayer(number, activation, inputs, weights, biases, sums, outputs)


def build_twin(session: LabSession, point: Any) -> Twin:
    """The session's network and loss for one of its points, on ``Value``s (no backward yet)."""
    index = check_point(session, point)
    p, head = session.problem, session.head
    row = session.inputs(p.X[index : index + 1])[0]
    inputs = [
        Value(float(v), label=name) for v, name in zip(row.tolist(), session.settings.features)
    ]
    layers: list[TwinLayer] = []
    reads = inputs
    for number, layer in enumerate(to_value_layers(session.model), start=1):
        layers.append(_layer(number, layer, reads))
        reads = layers[-1].outputs
    target = prepare_targets(head.loss, training_targets(p.y[index : index + 1], head))
    outputs = layers[-1].outputs
    predictions: list[Any] = [outputs[0]] if len(outputs) == 1 else [outputs]
    loss = get_loss(head.loss)(predictions, target)
    loss.label = "L"
    x1, x2 = (float(c) for c in p.X[index])
    return Twin(index, (x1, x2), float(p.y[index]), target, inputs, layers, loss)
