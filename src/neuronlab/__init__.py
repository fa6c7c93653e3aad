"""neuronlab: neural networks from first principles.

A scalar autograd engine small enough to read (``Value``), the neurons and
networks built on it (``Neuron``, ``Layer``, ``MLP``), the threshold
``Perceptron``, cost functions, gradient descent and a training loop.
"""

__version__ = "0.1.0"

from . import data as datasets
from .engine import Value, dot
from .losses import binary_cross_entropy, cross_entropy, hinge, mse
from .module import Module
from .nn import MLP, Layer, Neuron
from .optim import SGD, Adam, CosineAnnealingLR, LinearLR, StepLR
from .perceptron import Perceptron, PerceptronFit
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
    "draw_graph",
    "explain",
    "nudge",
    "gradcheck",
]
