"""Networks on both engines, behind one ``Module`` protocol.

- ``module``: ``Module`` -- parameters found by attribute, ``zero_grad``,
  ``state_dict``, train/eval -- and ``engines``: what differs between the two
  engines, asked once through ``Module.engine``.
- ``scalar``: micrograd's ``Neuron``, ``Layer`` and ``MLP`` on ``Value``.
- ``layers``: PyTorch-style ``Linear``, ``Sequential`` and activation layers on
  ``Tensor``, with ``mlp([...])`` and ``weighted_layers`` (each ``Linear`` and
  the activation after it, read in one place); ``init`` their starting
  weights; ``convert`` a scalar MLP as a tensor network and back.
- ``sequence`` (``Embedding``, ``FlattenConsecutive``), ``normalization``
  (``BatchNorm1d``, ``LayerNorm``) and ``dropout``: the layers of language models.
- ``activations``: the activation names both engines know.
- ``perceptron``: the threshold perceptron and its learning rule.
"""

from .activations import ACTIVATIONS
from .convert import from_value_mlp, to_value_layers, to_value_mlp
from .dropout import Dropout
from .engines import SCALAR, TENSOR, Engine
from .init import (
    GAINS,
    INITS,
    calculate_gain,
    he_uniform,
    kaiming_normal,
    kaiming_uniform,
    normal_init,
    uniform_init,
    xavier_uniform,
)
from .layers import (
    ACTIVATION_LAYERS,
    Flatten,
    Linear,
    ReLU,
    Sequential,
    Sigmoid,
    Step,
    Tanh,
    WeightedLayer,
    mlp,
    weighted_layers,
)
from .module import Module, is_parameter
from .normalization import BatchNorm1d, LayerNorm
from .perceptron import Perceptron, PerceptronFit
from .scalar import MLP, Layer, Neuron
from .sequence import Embedding, FlattenConsecutive

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_LAYERS",
    "GAINS",
    "INITS",
    "MLP",
    "SCALAR",
    "TENSOR",
    "BatchNorm1d",
    "Dropout",
    "Embedding",
    "Engine",
    "Flatten",
    "FlattenConsecutive",
    "Layer",
    "LayerNorm",
    "Linear",
    "Module",
    "Neuron",
    "Perceptron",
    "PerceptronFit",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Step",
    "Tanh",
    "WeightedLayer",
    "calculate_gain",
    "from_value_mlp",
    "he_uniform",
    "is_parameter",
    "kaiming_normal",
    "kaiming_uniform",
    "mlp",
    "normal_init",
    "to_value_layers",
    "to_value_mlp",
    "uniform_init",
    "weighted_layers",
    "xavier_uniform",
]
