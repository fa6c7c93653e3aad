"""Folding the training data's scaling into a trained network, so that it reads raw inputs."""

from __future__ import annotations

import numpy as np

from ..nn import MLP, Linear, Module, Sequential
from ..nn.convert import scalar_mlp, tensor_sequential

__all__ = ["fold_scaling"]


def _fold_mlp(model: MLP, mean: np.ndarray, std: np.ndarray, y_mean: float, y_scale: float) -> None:
    for neuron in model.layers[0].neurons:
        for i, w in enumerate(neuron.w):
            w.data /= float(std[i])
        neuron.b.data -= sum(w.data * float(m) for w, m in zip(neuron.w, mean))
    for neuron in model.layers[-1].neurons:
        for w in neuron.w:
            w.data *= y_scale
        neuron.b.data = neuron.b.data * y_scale + y_mean


def _fold_sequential(
    model: Sequential, mean: np.ndarray, std: np.ndarray, y_mean: float, y_scale: float
) -> None:
    linears = [m for m in model if isinstance(m, Linear)]
    first, last = linears[0], linears[-1]
    if first.bias is None or last.bias is None:
        raise ValueError("fold_scaling: the first and last Linear layers need a bias")
    dtype = first.weight.data.dtype
    first.weight.data /= std.astype(dtype)
    first.bias.data -= first.weight.data @ mean.astype(dtype)
    last.weight.data *= y_scale
    last.bias.data *= y_scale
    last.bias.data += y_mean


def fold_scaling(
    model: Module, mean: np.ndarray, std: np.ndarray, y_mean: float = 0.0, y_scale: float = 1.0
) -> None:
    """Fold input standardisation and output scaling into the first and last layers, in place.

    The network was trained on (x - mean) / std and predicts (y - y_mean) / y_scale;
    afterwards it reads raw inputs and gives outputs in the data's own units:
    W' = W / std, b' = b - W' · mean (first layer); W' = W · y_scale,
    b' = b · y_scale + y_mean (last layer, which must be linear unless y_scale
    is 1 and y_mean 0).  ``model``: a scalar ``MLP`` or a ``Sequential``.
    """
    mean, std = np.asarray(mean, np.float64), np.asarray(std, np.float64)
    mlp, sequential = scalar_mlp(model), tensor_sequential(model)
    if mlp is not None:
        _fold_mlp(mlp, mean, std, float(y_mean), float(y_scale))
    elif sequential is not None:
        _fold_sequential(sequential, mean, std, float(y_mean), float(y_scale))
    else:
        raise TypeError(
            f"fold_scaling: expected an MLP or a Sequential, got {type(model).__name__}"
        )
