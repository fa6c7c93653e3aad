"""Between the two engines: the same network, the same numbers, on Values or on Tensors.

``from_value_mlp`` turns a scalar ``MLP`` into a tensor ``Sequential``;
``to_value_mlp`` does the reverse for a ``Sequential`` of ``Linear`` layers
and activations (what ``mlp([...])`` builds), and ``to_value_layers`` gives
the scalar layers one by one when their activations differ (the lab's twin).
Neuron j of layer i is row j of layer i's ``weight`` and entry j of its
``bias`` on both sides, so the two networks compute the same function, and a
network built once (with ``mlp``'s He or Xavier start) can be trained on
either engine from the same weights.

Code above asks this module which of the two networks a model is:
``on_tensor_engine`` gives any model as a tensor network (a scalar MLP
converted, anything else as it is), and ``scalar_mlp`` / ``tensor_sequential``
give a model as the one network or None -- so no module above tests
``isinstance(model, MLP)`` (``tests/test_engine_protocol.py`` counts them).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ..tensor import check_dtype
from ..util.checks import describe
from .layers import ACTIVATION_LAYERS, Linear, Sequential, WeightedLayer, weighted_layers
from .module import Module
from .scalar import MLP, Layer

__all__ = [
    "from_value_mlp",
    "on_tensor_engine",
    "scalar_mlp",
    "tensor_sequential",
    "to_value_layers",
    "to_value_mlp",
]


def scalar_mlp(model: object) -> MLP | None:
    """``model`` when it is a scalar ``MLP`` (layers of neurons of Values), None otherwise."""
    return model if isinstance(model, MLP) else None


def tensor_sequential(model: object) -> Sequential | None:
    """``model`` when it is a tensor ``Sequential`` (a ``LanguageModel`` too), None otherwise."""
    return model if isinstance(model, Sequential) else None


def on_tensor_engine(model: Module) -> Module:
    """``model`` as a tensor network: a scalar ``MLP``'s float64 twin, anything else itself.

    The twin computes the same numbers a whole batch at a time, which is how
    the command line predicts and draws a scalar network's decision regions.
    """
    mlp = scalar_mlp(model)
    return model if mlp is None else from_value_mlp(mlp)


def from_value_mlp(model: MLP, *, dtype: Any = np.float64) -> Sequential:
    """The tensor network with exactly the weights of a scalar ``nn.MLP`` (float64 by default).

    Layer i's neuron j becomes row j of ``Linear.weight`` (its ``w``) and entry
    j of ``bias`` (its ``b``), so both networks compute the same function.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"from_value_mlp: expected a neuronlab.nn.MLP, got {type(model).__name__}")
    dt = check_dtype(dtype)
    layers: list[Module] = []
    for i, layer in enumerate(model.layers):
        neurons = layer.neurons
        name = neurons[0].activation
        if any(n.activation != name for n in neurons):
            raise ValueError(f"from_value_mlp: layer {i} mixes activations")
        act = None if name == "linear" else ACTIVATION_LAYERS.get(name)
        if name != "linear" and act is None:
            raise ValueError(
                f"from_value_mlp: layer {i} uses {name!r}, which has no tensor layer "
                f"(expected one of linear, {', '.join(ACTIVATION_LAYERS)})"
            )
        lin = Linear(len(neurons[0].w), len(neurons), dtype=dt, seed=0)
        lin.weight.data[...] = [[w.data for w in n.w] for n in neurons]
        lin.bias.data[...] = [n.b.data for n in neurons]  # type: ignore[union-attr]
        layers.append(lin)
        if act is not None:
            layers.append(act())
    return Sequential(*layers)


def _mlp_plan(model: Sequential) -> list[WeightedLayer]:
    """The Linear layers of ``model``, each with the activation right after it ("linear": none)."""
    for i, module in enumerate(model):
        if isinstance(module, Linear):
            if module.bias is None:
                raise ValueError(
                    f"to_value_mlp: layer {i} has no bias; every scalar Neuron has one"
                )
        elif type(module) not in ACTIVATION_LAYERS.values():
            raise ValueError(
                f"to_value_mlp: layer {i} is {type(module).__name__}; expected Linear layers "
                f"and activations ({', '.join(ACTIVATION_LAYERS)}) only"
            )
        elif i == 0 or not isinstance(model[i - 1], Linear):
            raise ValueError(
                f"to_value_mlp: layer {i} ({module!r}) must follow a Linear layer directly"
            )
    plan = weighted_layers(model)
    if not plan:
        raise ValueError("to_value_mlp: the model has no Linear layer")
    for before, after in itertools.pairwise(plan):
        if after.linear.in_features != before.linear.out_features:
            raise ValueError(
                f"to_value_mlp: a Linear layer of {before.linear.out_features} outputs feeds "
                f"one of {after.linear.in_features} inputs"
            )
    return plan


def _copy_weights(layer: Layer, linear: Linear) -> None:
    """Row j of ``linear.weight`` into neuron j's ``w``, entry j of its bias into ``b``."""
    weight = linear.weight.data.astype(np.float64).tolist()
    bias = linear.bias.data.astype(np.float64).tolist()  # type: ignore[union-attr]
    for neuron, w_row, b in zip(layer.neurons, weight, bias):
        for w, value in zip(neuron.w, w_row):
            w.data = value
        neuron.b.data = b


def to_value_layers(model: Sequential) -> list[Layer]:
    """One scalar ``Layer`` per ``Linear`` of ``model``, same weights, each with its own activation.

    What ``to_value_mlp`` makes, for networks whose hidden layers differ in
    activation (an ``MLP`` has one for all of them): ``model`` must be
    ``Linear`` layers (with bias), each followed by at most one activation
    layer.  Layer l's parameters are labelled as an MLP's (``wl.j.k``, ``bl.j``,
    counted from 0); feed them with ``Layer``'s call, one after the other.

    >>> from neuronlab.nn import ReLU, Tanh
    >>> net = Sequential(Linear(2, 3, seed=0), Tanh(), Linear(3, 2, seed=0), ReLU())
    >>> [(layer.nin, len(layer.neurons), layer.neurons[0].activation)
    ...  for layer in to_value_layers(net)]
    [(2, 3, 'tanh'), (3, 2, 'relu')]
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"to_value_layers: expected a neuronlab Sequential, got {describe(model)}")
    layers: list[Layer] = []
    for number, planned in enumerate(_mlp_plan(model)):
        linear = planned.linear
        layer = Layer(linear.in_features, linear.out_features, planned.activation, seed=0)
        _copy_weights(layer, linear)
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                w.label = f"w{number}.{j}.{k}"
            neuron.b.label = f"b{number}.{j}"
        layers.append(layer)
    return layers


def to_value_mlp(model: Sequential) -> MLP:
    """The scalar ``MLP`` with exactly the weights of a tensor ``Sequential`` (as float64).

    ``model`` must be ``Linear`` layers (with bias), each followed by at most
    one activation layer, every hidden layer with the same activation (an
    ``MLP`` has one hidden activation and one output activation) -- what
    ``mlp([...])`` builds.  Row j of a layer's ``weight`` becomes its neuron
    j's ``w``, entry j of ``bias`` its ``b``.

    >>> from neuronlab.nn import mlp
    >>> net = mlp([2, 3, 1], output_activation="sigmoid", seed=0, dtype="float64")
    >>> scalar = to_value_mlp(net)
    >>> scalar.sizes, scalar.layers[-1].neurons[0].activation
    ([2, 3, 1], 'sigmoid')
    >>> scalar.layers[0].neurons[1].w[0].data == float(net[0].weight.data[1, 0])
    True
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"to_value_mlp: expected a neuronlab Sequential, got {describe(model)}")
    plan = _mlp_plan(model)
    activations = [planned.activation for planned in plan]
    hidden = set(activations[:-1])
    if len(hidden) > 1:
        raise ValueError(
            f"to_value_mlp: the hidden layers use {', '.join(sorted(hidden))}; an MLP has one "
            "activation for all of its hidden layers"
        )
    scalar = MLP(
        plan[0].linear.in_features,
        [planned.linear.out_features for planned in plan],
        activation=hidden.pop() if hidden else "relu",
        output_activation=activations[-1],
        seed=0,
    )
    for layer, planned in zip(scalar.layers, plan):
        _copy_weights(layer, planned.linear)
    return scalar
