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
    "Tensor",
    "Backward",
    "no_grad",
    "is_grad_enabled",
    "F32",
    "F64",
    "check_dtype",
    "add",
    "sub",
    "mul",
    "div",
    "power",
    "neg",
    "matmul",
    "linear",
    "sum_",
    "mean",
    "max_",
    "var",
    "std",
    "embedding",
    "batch_norm",
    "batch_statistics",
    "layer_norm",
    "dropout",
    "multinomial",
    "reshape",
    "transpose",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "step",
    "abs_",
    "softmax",
    "log_softmax",
    "softmax_cross_entropy",
    "concatenate",
    "stack",
]
