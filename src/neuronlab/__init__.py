"""neuronlab: neural networks from first principles.

A scalar autograd engine small enough to read (``Value``), the neurons and
networks built on it (``Neuron``, ``Layer``, ``MLP``), the threshold
``Perceptron``, cost functions, gradient descent and a training loop.
"""

from .engine import Value, dot
from .module import Module
from .nn import MLP, Layer, Neuron

__version__ = "0.1.0"

__all__ = ["Value", "dot", "Module", "Neuron", "Layer", "MLP", "__version__"]
