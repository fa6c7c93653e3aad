"""The lab's network: hidden layers with an activation each, and an output layer fitted to the task.

``head_for`` picks the loss ("auto": bce for two classes, cross-entropy
for more) and checks that it fits the data; the output layer it reads (one
sigmoid output for bce, a score per class for cross-entropy, ...) is the
loss registry's fact, ``losses.output_layer``.  ``build_network`` makes the tensor
``Sequential`` (float64, so its numbers are the scalar engine's) with the
chosen initialisation and seed; ``read_classes`` turns outputs into a class
and a confidence for every point, which is what the heatmaps colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import one_hot
from ..losses import losses_for, output_layer, wants_one_hot
from ..nn import ACTIVATION_LAYERS, Linear, Module, Sequential, Sigmoid
from ..tensor import Tensor, softmax
from ..util.rng import make_rng
from .settings import LabInputError, LabSettings

__all__ = ["DTYPE", "Head", "build_network", "head_for", "read_classes", "training_targets"]

#: The lab computes in float64, so the page's numbers are the scalar engine's to the last digit.
DTYPE = "float64"


@dataclass(frozen=True)
class Head:
    """How the network's outputs answer: the loss, how many outputs, and their activation."""

    loss: str
    outputs: int
    activation: str  # "sigmoid" or "linear"
    task: str
    classes: int


def head_for(settings: LabSettings, task: str, classes: int) -> Head:
    """The output layer and loss for a task ("auto" picks bce for 2 classes, else cross-entropy).

    A regression is fitted with the registry's regression losses (mse); which
    losses fit two or more classes is the registry's ``tasks`` too.
    """
    if task == "regression":
        fitting = losses_for("regression")
        if settings.loss not in ("auto", *fitting):
            fitted = " or ".join(fitting)
            message = f"a regression set is fitted with {fitted}, not {settings.loss}"
            raise LabInputError("loss", message)
        loss = fitting[0] if settings.loss == "auto" else settings.loss
        layer = output_layer(loss, 0)
        return Head(loss, layer.outputs, layer.activation, task, 0)
    loss = settings.loss
    if loss == "auto":
        loss = "bce" if classes == 2 else "cross_entropy"
    if classes != 2 and loss not in losses_for("several classes"):
        raise LabInputError("loss", f"{loss} separates two classes, the data has {classes}")
    layer = output_layer(loss, classes)
    return Head(loss, layer.outputs, layer.activation, task, classes)


def build_network(settings: LabSettings, inputs: int, head: Head) -> Sequential:
    """Linear layers of the settings' widths, each followed by its activation, then the head."""
    rng = make_rng(settings.seed)
    sizes = [inputs, *settings.hidden, head.outputs]
    layers: list[Module] = []
    for i in range(len(sizes) - 1):
        layers.append(Linear(sizes[i], sizes[i + 1], init=settings.init, seed=rng, dtype=DTYPE))
        activation = settings.activations[i] if i < len(settings.hidden) else head.activation
        if activation in ACTIVATION_LAYERS:
            layers.append(ACTIVATION_LAYERS[activation]())
    return Sequential(*layers)


def training_targets(y: np.ndarray, head: Head) -> np.ndarray:
    """The targets the loss reads: labels, one-hot rows for mse on several classes, or heights."""
    if wants_one_hot(head.loss, head.outputs):
        return one_hot(y, head.classes)
    return y


def read_classes(outputs: np.ndarray, head: Head) -> tuple[np.ndarray, np.ndarray]:
    """(class, confidence in [0.5/k .. 1]) for each row of outputs, as the loss reads them.

    Two classes: the probability of class 1 is the sigmoid output (for hinge,
    σ(2·score)), and the confidence is that of the class chosen.  Several:
    softmax of the scores (cross-entropy) or the largest sigmoid output (mse).
    """
    out = outputs.reshape(len(outputs), -1)
    if head.outputs == 1:
        p1 = out[:, 0] if head.activation == "sigmoid" else _sigmoid(2.0 * out[:, 0])
        p = np.column_stack([1.0 - p1, p1])
    elif head.activation == "linear":
        p = softmax(Tensor(out, dtype=DTYPE), axis=1).data
    else:
        p = out / np.maximum(out.sum(axis=1, keepdims=True), 1e-12)
    classes = p.argmax(axis=1)
    return classes, p[np.arange(len(p)), classes]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return Sigmoid()(Tensor(z, dtype=DTYPE)).data
