"""neuronlab: neural networks from first principles.

A scalar autograd engine small enough to read (``Value``), the neurons and
networks built on it (``Neuron``, ``Layer``, ``MLP``), the threshold
``Perceptron``, cost functions, gradient descent and a training loop; the
same autograd on NumPy arrays (``Tensor``) with layers that train real digit
classifiers; and pictures and explanations of every step (``neuronlab.viz``).
"""

__version__ = "0.1.0"

from . import data as datasets
from .engine import Value, dot
from .layers import Flatten, Linear, ReLU, Sequential, Sigmoid, Tanh, mlp
from .losses import binary_cross_entropy, cross_entropy, hinge, mse
from .metrics import accuracy, confusion_matrix, precision_recall
from .module import Module
from .nn import MLP, Layer, Neuron
from .optim import SGD, Adam, CosineAnnealingLR, LinearLR, StepLR
from .perceptron import Perceptron, PerceptronFit
from .serialize import load, save
from .tensor import Tensor, no_grad
from .tensor_train import evaluate
from .torch_bridge import from_torch, to_torch
from .train import History, TrainingDiverged, fit, predict
from .viz import draw_graph, explain, gradcheck, nudge

__all__ = [
    "__version__",
    "datasets",
    "Value",
    "dot",
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "Perceptron",
    "PerceptronFit",
    "mse",
    "binary_cross_entropy",
    "hinge",
    "cross_entropy",
    "SGD",
    "Adam",
    "LinearLR",
    "StepLR",
    "CosineAnnealingLR",
    "fit",
    "predict",
    "History",
    "TrainingDiverged",
    "evaluate",
    "Tensor",
    "no_grad",
    "Linear",
    "Sequential",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "Flatten",
    "mlp",
    "accuracy",
    "confusion_matrix",
    "precision_recall",
    "save",
    "load",
    "to_torch",
    "from_torch",
    "draw_graph",
    "explain",
    "nudge",
    "gradcheck",
]
