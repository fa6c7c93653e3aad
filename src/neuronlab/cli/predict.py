"""``neuronlab predict MODEL INPUT``: a saved model's answer for every row of a file.

A header line, then one tab-separated line per row (see ``PREDICT_HELP`` in
``cli.parser`` for what each kind of model prints).  The rows are read by
``io.rows.read_rows`` (bounded, nothing trusted) and must have as many
numbers as the model has inputs.  A comma-separated file is read by Python's
``csv`` module, with two of the spreadsheets' habits decided on purpose: a
quoted number (``"1.5"``) is read as the number, and a comma ending every row
(an empty last column) is read as no column; a comma ending some rows and not
others, or a quote left open, is refused in one line naming the line.  A
scalar ``MLP`` is run as the tensor network with the same weights: the same
numbers, in bounded memory.
"""

from __future__ import annotations

import argparse

import numpy as np

from ..io.rows import read_rows
from ..io.serialize import load
from ..nn import Linear, Module, weighted_layers
from ..nn.convert import on_tensor_engine, scalar_mlp, tensor_sequential
from ..tensor import Tensor, softmax
from ..training import predict
from ..util.numbers import format_number
from .output import say

__all__ = ["input_width", "output_activation", "run_predict"]

#: Significant digits of the printed outputs and probabilities.
PREDICT_DIGITS = 4


def input_width(model: Module) -> int | None:
    """How many numbers one example has for ``model`` (None when it does not say)."""
    mlp, sequential = scalar_mlp(model), tensor_sequential(model)
    if mlp is not None:
        return mlp.nin
    if sequential is not None:
        for module in sequential:
            width = input_width(module)
            if width is not None:
                return width
    if isinstance(model, Linear):
        return model.in_features
    return None


def output_activation(model: Module) -> str:
    """The activation after the model's last ``Linear``: "sigmoid", "linear", "relu"...

    Read as ``nn.weighted_layers`` reads every layer (a scalar ``MLP`` through
    its tensor twin), in the innermost last ``Sequential``; "linear" when the
    model has no ``Linear`` there.
    """
    network = tensor_sequential(on_tensor_engine(model))
    while network is not None and len(network) and tensor_sequential(network[-1]) is not None:
        network = tensor_sequential(network[-1])
    layers = weighted_layers(network) if network is not None else []
    return layers[-1].activation if layers else "linear"


def _table(outputs: np.ndarray, activation: str) -> tuple[str, np.ndarray | None, np.ndarray]:
    """(header, classes or None, the numbers to print per row) for the model's outputs."""
    if outputs.ndim == 1:
        if activation == "sigmoid":
            return "row\tclass\tp(1)", (outputs > 0.5).astype(np.int64), outputs[:, None]
        return "row\toutput", None, outputs[:, None]
    k = outputs.shape[1]
    classes = outputs.argmax(axis=1)
    if activation == "sigmoid":
        return "row\tclass\t" + "\t".join(f"out({j})" for j in range(k)), classes, outputs
    probabilities = softmax(Tensor(outputs, dtype="float64"), axis=1).data
    return "row\tclass\t" + "\t".join(f"p({j})" for j in range(k)), classes, probabilities


def _output(v: float) -> str:
    """A regression output or score, with ``PREDICT_DIGITS`` significant digits."""
    return format_number(v, PREDICT_DIGITS)


def _probability(p: float) -> str:
    """A probability (or a sigmoid output) with 4 decimals: 0.9997, 0.0000."""
    return f"{p:.4f}"


def run_predict(args: argparse.Namespace) -> None:
    """Load a saved model and print its class and probabilities for every row of a file."""
    model = load(args.model)
    X = read_rows(args.input, columns=input_width(model))
    runner = on_tensor_engine(model)  # a scalar MLP: its tensor twin, the same numbers
    outputs = np.asarray(predict(runner, X), dtype=np.float64)
    header, classes, numbers = _table(outputs, output_activation(runner))
    if not say(header):
        return
    for i, row in enumerate(numbers):
        cells = [str(i)] if classes is None else [str(i), str(int(classes[i]))]
        shown = _output if header.endswith("output") else _probability
        cells += [shown(v) for v in row.tolist()]
        if not say("\t".join(cells)):
            return  # nobody reads any more (e.g. piped into head)
