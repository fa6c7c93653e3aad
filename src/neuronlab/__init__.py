"""neuronlab: neural networks from first principles.

A scalar autograd engine small enough to read (``Value``), the neurons and
networks built on it (``Neuron``, ``Layer``, ``MLP``), the threshold
``Perceptron``, cost functions, gradient descent and a training loop
(``Trainer``, ``fit``); the same autograd on NumPy arrays (``Tensor``) with
layers that train real digit classifiers; and pictures and explanations of
every step (``neuronlab.viz``); and character-level language models, the
makemore lectures' ladder from bigram counts to a WaveNet
(``neuronlab.language``).  ``docs/architecture.md`` shows the layers.
"""

from . import data as datasets
from . import language
from .engine import Value, dot
from .io.serialize import load, save
from .io.torch_bridge import from_torch, to_torch
from .language import sample
from .losses import binary_cross_entropy, cross_entropy, hinge, mse
from .metrics import accuracy, confusion_matrix, precision_recall
from .nn import (
    MLP,
    BatchNorm1d,
    Dropout,
    Embedding,
    Flatten,
    FlattenConsecutive,
    Layer,
    LayerNorm,
    Linear,
    Module,
    Neuron,
    Perceptron,
    PerceptronFit,
    ReLU,
    Sequential,
    Sigmoid,
    Step,
    Tanh,
    mlp,
)
from .optim import SGD, Adam, AdamW, CosineAnnealingLR, LinearLR, MultiStepLR, StepLR
from .tensor import Tensor, no_grad
from .training import (
    History,
    Trainer,
    TrainingDiverged,
    TrainingWarning,
    evaluate,
    fit,
    lr_find,
    predict,
)
from .version import __version__
from .viz import (
    draw_graph,
    explain,
    gradcheck,
    nudge,
    plot_activation_histograms,
    plot_activations,
    plot_bigram_counts,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_embedding,
    plot_gradient_histograms,
    plot_language_losses,
    plot_loss,
    plot_lr_sweep,
    plot_misclassified,
    plot_nudge,
    plot_perceptron,
    plot_regression,
    plot_saturation,
    plot_sigmoid,
    plot_update_ratios,
    plot_weight_gradients,
    plot_weight_images,
)

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "BatchNorm1d",
    "CosineAnnealingLR",
    "Dropout",
    "Embedding",
    "Flatten",
    "FlattenConsecutive",
    "History",
    "Layer",
    "LayerNorm",
    "Linear",
    "LinearLR",
    "Module",
    "MultiStepLR",
    "Neuron",
    "Perceptron",
    "PerceptronFit",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Step",
    "StepLR",
    "Tanh",
    "Tensor",
    "Trainer",
    "TrainingDiverged",
    "TrainingWarning",
    "Value",
    "__version__",
    "accuracy",
    "binary_cross_entropy",
    "confusion_matrix",
    "cross_entropy",
    "datasets",
    "dot",
    "draw_graph",
    "evaluate",
    "explain",
    "fit",
    "from_torch",
    "gradcheck",
    "hinge",
    "language",
    "load",
    "lr_find",
    "mlp",
    "mse",
    "no_grad",
    "nudge",
    "plot_activation_histograms",
    "plot_activations",
    "plot_bigram_counts",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_embedding",
    "plot_gradient_histograms",
    "plot_language_losses",
    "plot_loss",
    "plot_lr_sweep",
    "plot_misclassified",
    "plot_nudge",
    "plot_perceptron",
    "plot_regression",
    "plot_saturation",
    "plot_sigmoid",
    "plot_update_ratios",
    "plot_weight_gradients",
    "plot_weight_images",
    "precision_recall",
    "predict",
    "sample",
    "save",
    "to_torch",
]
