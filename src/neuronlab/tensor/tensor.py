"""Tensor: a NumPy array with a gradient, and the same reverse-mode autograd as ``Value``.

``Value`` differentiates one number at a time; a ``Tensor`` does the same for a
whole array at once, so a network can train on images.  The semantics are
``Value``'s: ``.data``, ``.grad``, ``backward()``, gradients that add up where
a tensor is used twice, leaves that accumulate across calls until
``zero_grad()``, an iterative topological order, PyTorch's inf/nan results.

This file is the class: its storage, its gradient and the backward pass.  The
operations are in files of their own (``arithmetic``, ``linalg``,
``reductions``, ``shapes``, ``functions``, ``softmax``, ``normalization``,
``random``), each written as a
pair: the forward computes the array and records the node with
``Tensor.from_op``, the backward turns the output's gradient into its inputs'.
A node stores its inputs, its op name, the backward function and the arrays
that function needs -- never a closure that points back at the node -- so a
graph holds no reference cycles and is freed by reference counting as soon as
the loss goes out of scope.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Union

import numpy as np

from ..util.checks import describe
from ..walk import topological_order
from .arithmetic import add, div, mul, neg, power, rpower, sub
from .arrays import F32, TensorType, as_array, check_dtype, quiet, sum_to
from .functions import abs_, exp, log, relu, sigmoid, step, tanh
from .grad_mode import is_grad_enabled
from .linalg import matmul
from .operands import plain
from .reductions import Axis, max_, mean, std, sum_, var
from .shapes import getitem, reshape, transpose
from .softmax import log_softmax, softmax

__all__ = ["Backward", "Tensor"]

Operand = Union["Tensor", float, int, np.ndarray]
#: A backward function: (output gradient, the node's inputs, what the forward saved) -> one
#: gradient per input (None for an input that needs none).
Backward = Callable[[np.ndarray, tuple["Tensor", ...], tuple[Any, ...]], tuple[Any, ...]]

_new = object.__new__


class Tensor(TensorType):
    """An array that remembers how it was computed, so it can be differentiated.

    ``data`` is a float32 (default) or float64 ndarray; ``grad`` is
    d(output)/d(this tensor), an array of the same shape, after
    ``output.backward()``.  A leaf made with ``requires_grad=True`` starts with
    ``grad`` at zeros (as ``Value.grad`` starts at 0.0); intermediate tensors get
    theirs during ``backward``; a tensor that does not require grad keeps
    ``grad = None``.

    A leaf that requires grad owns its data (a copy of what it was given); a
    constant made from an ndarray of the right dtype shares it, like
    ``torch.as_tensor``.  ``<``, ``<=``, ``>``, ``>=`` give plain boolean
    arrays; ``==`` is identity, as for any Python object (compare ``.data``).

    >>> a = Tensor([2.0, -3.0], requires_grad=True)
    >>> L = (a * a).sum()
    >>> L.backward()
    >>> a.grad
    array([ 4., -6.], dtype=float32)
    """

    __slots__ = (
        "__weakref__",
        "_backward",
        "_grad",
        "_requires_grad",
        "_saved",
        "_zeroed",
        "data",
        "inputs",
        "label",
        "op",
    )
    __array_ufunc__ = None  # ndarray <op> Tensor defers to Tensor's reflected operators

    def __init__(
        self,
        data: Any,
        *,
        dtype: Any = None,
        requires_grad: bool = False,
        label: str = "",
    ) -> None:
        dt = check_dtype(dtype)
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(
                f"Tensor(): requires_grad must be a bool, got {describe(requires_grad)}"
            )
        if type(label) is not str:
            raise TypeError(f"Tensor(): label must be a str, got {type(label).__name__}")
        arr = as_array(data, dt, "Tensor()")
        if requires_grad and (arr is data or (isinstance(data, Tensor) and arr is data.data)):
            arr = arr.copy()  # a parameter owns its numbers: optimisers change them in place
        self.data: np.ndarray = arr
        self.label = label
        self._requires_grad = bool(requires_grad)
        self._grad: np.ndarray | None = _zeros_like(arr) if requires_grad else None
        self._zeroed = bool(requires_grad)  # grad is the read-only zeros of _zeros_like
        self.inputs: tuple[Tensor, ...] = ()  # the tensors this one was computed from
        self.op = ""  # the operation that made it ("" for a leaf)
        self._backward: Backward | None = None
        self._saved: tuple[Any, ...] = ()

    # -- what it is ---------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """How many dimensions the array has."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """How many numbers the array holds."""
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        """float32 or float64."""
        return self.data.dtype

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this tensor (parameters and anything computed from them)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"requires_grad must be a bool, got {describe(flag)}")
        if self.inputs:
            raise ValueError(
                "requires_grad can only be changed on a leaf tensor; use .detach() for a "
                "tensor cut off from its graph"
            )
        self._requires_grad = bool(flag)
        if flag and self._grad is None:
            self._grad = _zeros_like(self.data)
            self._zeroed = True
        elif not flag:
            self._grad = None
            self._zeroed = False

    @property
    def grad(self) -> np.ndarray | None:
        """d(output)/d(this tensor) after ``output.backward()``, an array of ``data``'s shape.

        ``None`` for a tensor that does not require grad (and for an
        intermediate before any backward).  Reading it changes nothing.  Between
        ``zero_grad()`` (or a new leaf) and the next ``backward`` a leaf's grad
        may be a read-only array of zeros (see ``zero_grad``).
        """
        return self._grad

    @grad.setter
    def grad(self, value: np.ndarray | None) -> None:
        if value is not None:
            value = as_array(value, self.data.dtype, "grad")
            if value.shape != self.data.shape:
                raise ValueError(f"grad: expected shape {self.shape}, got {value.shape}")
            if not value.flags.writeable:  # backward adds into a leaf's grad
                value = value.copy()
        self._grad = value
        self._zeroed = False

    def item(self) -> float:
        """The one number of a one-element tensor, as a Python float."""
        if self.data.size != 1:
            raise ValueError(
                f"item(): only a tensor with one element has an item, got shape {self.shape}"
            )
        return float(self.data.reshape(()))

    def numpy(self) -> np.ndarray:
        """The data array itself (shared, not a copy), as ``torch.Tensor.numpy``."""
        return self.data

    def detach(self) -> Tensor:
        """The same numbers (shared) in a new tensor cut off from the graph."""
        return self.from_op(self.data, (), "", None)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if dtype is None and not copy:
            return self.data
        return np.array(self.data, dtype=dtype, copy=True)

    def __float__(self) -> float:
        return self.item()

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                "use (t.data > 0).any() or .all()"
            )
        return bool(self.data.reshape(()))

    def __len__(self) -> int:
        if not self.data.ndim:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        body = np.array2string(
            self.data, separator=", ", prefix="Tensor(", threshold=50, precision=4
        )
        parts = [body]
        if self.data.dtype != F32:
            parts.append(f"dtype={self.data.dtype}")
        if self.op:
            parts.append(f"op={self.op!r}")
        elif self._requires_grad:
            parts.append("requires_grad=True")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Tensor({', '.join(parts)})"

    # -- how an operation records its result ---------------------------------------

    @classmethod
    def from_op(
        cls,
        data: Any,
        inputs: tuple[Tensor, ...],
        op: str,
        backward: Backward | None,
        saved: tuple[Any, ...] = (),
    ) -> Tensor:
        """A new tensor holding ``data`` (an ndarray), made by ``op`` from ``inputs``.

        It joins the graph -- remembering its inputs, ``backward`` and what the
        forward ``saved`` for it -- only when an input requires grad and grad
        mode is on; otherwise it is a constant.  With no inputs it is a
        constant made of ``data``.  This is how every operation, and a loss
        defined outside this package, records a node (``backward`` None: no
        gradient passes back through it).
        """
        out = _new(Tensor)
        out.data = data if type(data) is np.ndarray else np.asarray(data)
        out._grad = None
        out._zeroed = False
        out.label = ""
        if inputs and is_grad_enabled():
            for x in inputs:
                if x._requires_grad:
                    out._requires_grad = True
                    out.inputs = inputs
                    out.op = op
                    out._backward = backward
                    out._saved = saved
                    return out
        out._requires_grad = False
        out.inputs = ()
        out.op = ""
        out._backward = None
        out._saved = ()
        return out

    # -- operators (the operations themselves are in their own files) ---------------

    def __add__(self, other: Operand) -> Tensor:
        return add(self, other)

    def __radd__(self, other: Operand) -> Tensor:
        return add(other, self)

    def __sub__(self, other: Operand) -> Tensor:
        return sub(self, other)

    def __rsub__(self, other: Operand) -> Tensor:
        return sub(other, self)

    def __mul__(self, other: Operand) -> Tensor:
        return mul(self, other)

    def __rmul__(self, other: Operand) -> Tensor:
        return mul(other, self)

    def __truediv__(self, other: Operand) -> Tensor:
        return div(self, other)

    def __rtruediv__(self, other: Operand) -> Tensor:
        return div(other, self)

    def __pow__(self, exponent: Operand) -> Tensor:
        return power(self, exponent)

    def __rpow__(self, base: Operand) -> Tensor:
        return rpower(base, self)

    def __neg__(self) -> Tensor:
        return neg(self)

    def __matmul__(self, other: Operand) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Operand) -> Tensor:
        return matmul(other, self)

    def __getitem__(self, index: Any) -> Tensor:
        return getitem(self, index)

    def __lt__(self, other: Operand) -> np.ndarray:
        return self.data < plain(other, "<")

    def __le__(self, other: Operand) -> np.ndarray:
        return self.data <= plain(other, "<=")

    def __gt__(self, other: Operand) -> np.ndarray:
        return self.data > plain(other, ">")

    def __ge__(self, other: Operand) -> np.ndarray:
        return self.data >= plain(other, ">=")

    __hash__ = object.__hash__

    # -- methods that mirror the functions below -----------------------------------

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Σ over ``axis`` (all by default);  d/dx_i = 1."""
        return sum_(self, axis, keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Σ x / n over ``axis``;  d/dx_i = 1/n."""
        return mean(self, axis, keepdims)

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """The largest entry over ``axis``; the gradient is shared equally by the maxima."""
        return max_(self, axis, keepdims)

    def var(self, axis: Axis = None, correction: float = 1, keepdims: bool = False) -> Tensor:
        """Σ (x - mean)² / (n - correction) over ``axis``;  d/dx_i = 2 (x_i - mean) / (n - c)."""
        return var(self, axis, correction, keepdims)

    def std(self, axis: Axis = None, correction: float = 1, keepdims: bool = False) -> Tensor:
        """√var over ``axis``;  d/dx_i = (x_i - mean) / ((n - correction) · std)."""
        return std(self, axis, correction, keepdims)

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        """The same numbers in a new shape (``-1`` once for "whatever is left")."""
        return reshape(self, *shape)

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        """``reshape`` under PyTorch's other name, so the lectures' ``emb.view(32, -1)`` runs."""
        return reshape(self, *shape)

    def transpose(self, *axes: int | Sequence[int]) -> Tensor:
        """Axes permuted (reversed when none are given), as ``np.transpose``."""
        return transpose(self, *axes)

    @property
    def T(self) -> Tensor:
        """Axes reversed: the matrix transpose for 2-D tensors."""
        return transpose(self)

    def exp(self) -> Tensor:
        """e ** x;  d/dx = e ** x."""
        return exp(self)

    def log(self) -> Tensor:
        """ln x;  d/dx = 1 / x."""
        return log(self)

    def tanh(self) -> Tensor:
        """tanh x;  d/dx = 1 - tanh(x)**2."""
        return tanh(self)

    def sigmoid(self) -> Tensor:
        """σ(x) = 1 / (1 + e**-x);  d/dx = σ(x) (1 - σ(x))."""
        return sigmoid(self)

    def relu(self) -> Tensor:
        """max(0, x);  d/dx = 1 if x > 0 else 0."""
        return relu(self)

    def abs(self) -> Tensor:
        """|x|;  d/dx = sign(x) (0 at 0)."""
        return abs_(self)

    def step(self) -> Tensor:
        """1 where x > 0, else 0 (the perceptron's threshold);  d/dx = 0."""
        return step(self)

    def softmax(self, axis: int = -1) -> Tensor:
        """e**x_i / Σ_j e**x_j along ``axis``."""
        return softmax(self, axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x_i - log Σ_j e**x_j along ``axis``."""
        return log_softmax(self, axis)

    # -- backpropagation -----------------------------------------------------------

    def topological_order(self) -> list[Tensor]:
        """The computed tensors this one depends on (itself included), inputs first.

        Leaves are left out: they have nothing to pass back (the walk is
        ``neuronlab.walk``, shared with ``Value``).
        """
        return topological_order(self)

    def backward(self, gradient: Any = None) -> None:
        """Fill ``.grad`` of every tensor this one depends on: d(self)/d(that tensor).

        A one-element output is seeded with 1; any other output needs
        ``gradient``, an array of its shape (the vector of a vector-Jacobian
        product).  Nodes are visited from the output back to the leaves, each
        handing its inputs their share of the gradient (the chain rule).  Leaves
        accumulate across calls (``+=``, as in PyTorch) until ``zero_grad()``;
        intermediate tensors show this call's gradient only; a tensor used twice
        gets the sum of both contributions.
        """
        if not self._requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad (no input of its graph has "
                "requires_grad=True, or it was computed inside no_grad())"
            )
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward: the output has shape {self.shape}; only a one-element output "
                    "is seeded with 1, otherwise pass gradient= an array of the output's shape"
                )
            seed = np.empty(self.data.shape, self.data.dtype)
            seed.fill(1)
        else:
            seed = np.array(as_array(gradient, self.data.dtype, "backward(gradient)"))
            if seed.shape != self.data.shape:
                raise ValueError(
                    f"backward: gradient has shape {seed.shape}, expected the output's shape "
                    f"{self.shape}"
                )
        if not self.inputs:  # a leaf: its gradient with respect to itself
            _accumulate(self, seed, seed)
            return
        order = self.topological_order()
        for node in order:
            node._grad = None
        self._grad = seed
        with quiet():
            for node in reversed(order):
                g, backward = node._grad, node._backward
                if g is None or backward is None:  # no gradient reached it, or none passes
                    continue
                grads = backward(g, node.inputs, node._saved)
                for x, gx in zip(node.inputs, grads):
                    if gx is None or not x._requires_grad:
                        continue
                    _accumulate(x, gx, g)

    def zero_grad(self) -> None:
        """Set ``grad`` to zeros; ``None`` stays ``None`` without grad.

        An array someone holds (``g = t.grad`` kept, or a view of it) is
        zeroed in place, and the next ``backward`` adds into it.  Otherwise a
        leaf's grad becomes a read-only array of zeros that costs nothing, and
        the next ``backward`` simply takes over the gradient it computes (see
        "how a leaf's gradient is stored" below).
        """
        if not self._requires_grad:
            self._grad = None
        elif self._grad is None or self.inputs:
            self._grad = np.zeros_like(self.data)
        elif not self._zeroed:
            _zero_leaf_grad(self)


# -- how a leaf's gradient is stored: the speed tricks, all in this one place ------------
#
# A training step calls zero_grad() and then backward() on every parameter.  Filling the
# gradient with zeros and then adding the new gradient into it would pass over each array
# twice, though the new gradient is usually a fresh array already.  So zero_grad() puts a
# read-only array of zeros in its place (``_zeroed``; no memory, no pass), and the first
# contribution of the next backward is taken over as the gradient (``_accumulate``).  An
# array that someone still holds is zeroed in place instead, so that what they hold stays
# the gradient; whether anyone holds it is read from its reference count (CPython),
# compared with that of an array nobody else holds.  Reading ``.grad`` changes nothing.


def _zeros_like(data: np.ndarray) -> np.ndarray:
    """A read-only array of zeros of ``data``'s shape and dtype, which stores one number.

    Made once per shape and dtype and shared (it cannot be written), so a step's
    zero_grad() is a dictionary lookup per parameter.
    """
    key = (data.shape, data.dtype.char)
    zeros = _ZEROS.get(key)
    if zeros is None:
        if len(_ZEROS) >= 256:  # a bound on what the cache holds
            _ZEROS.clear()
        zeros = _ZEROS[key] = np.broadcast_to(np.zeros((), data.dtype), data.shape)
    return zeros


_ZEROS: dict[tuple[tuple[int, ...], str], np.ndarray] = {}


def _references(holder: Tensor) -> int:
    """How many references ``holder``'s grad array has, counted always in this same way."""
    return sys.getrefcount(holder._grad)


class _Holder:
    """A stand-in for a tensor, holding a grad array in the same kind of slot."""

    __slots__ = ("_grad",)
    _grad: np.ndarray


def _references_when_alone() -> int:
    """What ``_references`` gives for an array that nothing but its tensor holds."""
    alone = _Holder()
    alone._grad = np.zeros(1)
    return _references(alone)  # type: ignore[arg-type]  # a stand-in with the same slot


_ALONE = _references_when_alone() if hasattr(sys, "getrefcount") else -1


def _zero_leaf_grad(t: Tensor) -> None:
    """zero_grad() of a leaf whose grad is a real array: in place when held, else replaced."""
    if _ALONE < 0 or _references(t) > _ALONE:  # someone holds it (or we cannot tell)
        t._grad.fill(0)  # type: ignore[union-attr]  # checked by zero_grad
    else:
        t._grad = _zeros_like(t.data)
        t._zeroed = True


def _accumulate(x: Tensor, gx: Any, g: np.ndarray) -> None:
    """Add one contribution ``gx`` (made from the gradient ``g``) to ``x``'s gradient.

    ``gx`` is first summed back to x's shape and cast to x's dtype.  An
    intermediate tensor's gradient is never written in place (it may be a view
    of another's); a leaf's accumulates in place.  When a leaf's gradient is
    the read-only zeros ``zero_grad`` left, adding is copying: a freshly made
    ``gx`` (not ``g`` itself, not a view) is then simply taken over, which
    saves a pass over the array.  Backward functions never return
    one new array for two inputs, so a taken-over array belongs to one leaf.
    """
    data = x.data
    if type(gx) is not np.ndarray:
        gx = np.asarray(gx)
    if gx.shape != data.shape:
        gx = sum_to(gx, data.shape)
    if gx.dtype != data.dtype:
        gx = gx.astype(data.dtype)
    grad = x._grad
    if x.inputs:  # intermediate: this call's gradient only
        x._grad = gx if grad is None else grad + gx
    elif grad is None:
        x._grad = np.array(gx)  # a leaf owns its gradient array
    elif x._zeroed:  # leaf at the read-only zeros: 0 + gx = gx
        x._zeroed = False
        fresh = gx is not g and gx.base is None and gx.flags.writeable
        x._grad = gx if fresh else np.array(gx)
    else:
        grad += gx  # a leaf accumulates in place
