"""From the scalar engine to the tensor engine: the same network, the same numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import check_dtype
from .layers import ACTIVATION_LAYERS, Linear, Sequential
from .module import Module
from .scalar import MLP

__all__ = ["from_value_mlp"]


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
