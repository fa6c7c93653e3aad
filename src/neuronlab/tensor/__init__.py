"""The tensor engine: ``Tensor``, a NumPy array with a gradient, and its operations.

``tensor.py`` is the class (storage, gradient, backward); each other file holds
a family of operations, every one a forward and its backward side by side.
The functions here are also ``Tensor`` methods and operators (``a + b``,
``a @ b``, ``a.relu()``).
"""

from .arithmetic import add, div, mul, neg, power, sub
from .arrays import F32, F64, check_dtype
from .functions import abs_, exp, log, relu, sigmoid, step, tanh
from .grad_mode import is_grad_enabled, no_grad
from .linalg import linear, matmul
from .normalization import batch_norm, batch_statistics, layer_norm
from .random import dropout, multinomial
from .reductions import max_, mean, std, sum_, var
from .shapes import concatenate, embedding, reshape, stack, transpose
from .softmax import log_softmax, softmax, softmax_cross_entropy
from .tensor import Backward, Tensor

__all__ = [
    "F32",
    "F64",
    "Backward",
    "Tensor",
    "abs_",
    "add",
    "batch_norm",
    "batch_statistics",
    "check_dtype",
    "concatenate",
    "div",
    "dropout",
    "embedding",
    "exp",
    "is_grad_enabled",
    "layer_norm",
    "linear",
    "log",
    "log_softmax",
    "matmul",
    "max_",
    "mean",
    "mul",
    "multinomial",
    "neg",
    "no_grad",
    "power",
    "relu",
    "reshape",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "stack",
    "std",
    "step",
    "sub",
    "sum_",
    "tanh",
    "transpose",
    "var",
]
