"""Tensor: a NumPy array with a gradient, and the same reverse-mode autograd as ``Value``.

``Value`` differentiates one number at a time; a ``Tensor`` does the same for a
whole array at once, so a network can train on images.  The semantics are
``Value``'s: ``.data``, ``.grad``, ``backward()``, gradients that add up where
a tensor is used twice, leaves that accumulate across calls until
``zero_grad()``, an iterative topological order, PyTorch's inf/nan results.

Every operation below is a pair, written next to each other::

    def mul(a, b):            the forward: compute the array, record the node
    def _mul_backward(...):   the local chain rule: incoming gradient g -> input gradients

A node stores its inputs, its op name, the module-level backward function and
whatever arrays that function needs -- never a closure that points back at the
node -- so a graph holds no reference cycles and is freed by reference
counting as soon as the loss goes out of scope.  Broadcasting is undone in one
place (``backward`` sums each gradient back to its input's shape), so the
backward functions read like the maths.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Union

import numpy as np

from .engine import topological_order

__all__ = [
    "Tensor",
    "no_grad",
    "is_grad_enabled",
    "add",
    "sub",
    "mul",
    "div",
    "power",
    "neg",
    "matmul",
    "linear",
    "mean",
    "reshape",
    "transpose",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "softmax",
    "log_softmax",
    "concatenate",
    "stack",
]

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
_DTYPES: dict[Any, np.dtype] = {
    np.float32: F32,
    np.float64: F64,
    "float32": F32,
    "float64": F64,
    F32: F32,
    F64: F64,
}
_NUMBER = (int, float, np.integer, np.floating, np.bool_)

Operand = Union["Tensor", float, int, np.ndarray]  # noqa: UP007 (a runtime alias on 3.10)
Axis = Union[int, tuple[int, ...], None]  # noqa: UP007
Backward = Callable[[np.ndarray, tuple["Tensor", ...], tuple[Any, ...]], tuple[Any, ...]]


# -- grad mode -------------------------------------------------------------------


class _GradMode(threading.local):
    enabled = True  # each thread starts with grad recording on


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when operations record a graph (outside any ``no_grad`` block)."""
    return _mode.enabled


class no_grad:
    """Turn off graph recording: as ``with no_grad():`` or as a ``@no_grad()`` decorator.

    Inside, results never require grad, so evaluation costs no graph and no
    memory for backward.  The switch is per thread, as in PyTorch.
    """

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> no_grad:
        self._previous.append(_mode.enabled)
        _mode.enabled = False
        return self

    def __exit__(self, *exc_info: object) -> None:
        _mode.enabled = self._previous.pop()

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def without_grad(*args: Any, **kwargs: Any) -> Any:
            with no_grad():
                return func(*args, **kwargs)

        return without_grad


def _quiet() -> np.errstate:
    """PyTorch's inf/nan results, without NumPy's RuntimeWarnings."""
    return np.errstate(all="ignore")


# -- turning things into arrays, at the boundary -----------------------------------


def _check_dtype(dtype: object) -> np.dtype:
    """float32 (the default, for speed) or float64; anything else is a ValueError."""
    if dtype is None:
        return F32
    try:
        return _DTYPES[dtype]
    except (KeyError, TypeError):
        raise ValueError(
            f"dtype: expected float32 or float64 (np.float32, np.float64, 'float32', "
            f"'float64'), got {dtype!r}"
        ) from None


def _what(x: object) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of dtype {x.dtype}"
    return f"{type(x).__name__} {x!r:.60}"


def _as_array(data: object, dtype: np.dtype, where: str) -> np.ndarray:
    """``data`` as an ndarray of ``dtype`` (no copy when it already is one)."""
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, np.ndarray):
        arr = data
    else:
        if isinstance(data, (str, bytes)) or data is None:
            arr = None
        else:
            try:
                arr = np.asarray(data)
            except ValueError:
                raise ValueError(
                    f"{where}: nested lists must be rectangular (every row the same length), "
                    f"got {data!r:.60}"
                ) from None
            except TypeError:
                arr = None
        if arr is None:
            raise TypeError(
                f"{where}: expected numbers (a number, nested lists of numbers or a numpy "
                f"array), got {_what(data)}"
            )
    if arr.dtype.kind not in "biuf":
        kind = "complex numbers are not supported" if arr.dtype.kind == "c" else "expected numbers"
        raise TypeError(f"{where}: {kind}, got {_what(data)}")
    return arr.astype(dtype, copy=False)


# -- the Tensor --------------------------------------------------------------------


class Tensor:
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
        "data",
        "label",
        "_grad",
        "_zeroed",
        "_lent",
        "_requires_grad",
        "_inputs",
        "_op",
        "_backward",
        "_saved",
        "__weakref__",
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
        dt = _check_dtype(dtype)
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Tensor(): requires_grad must be a bool, got {_what(requires_grad)}")
        if type(label) is not str:
            raise TypeError(f"Tensor(): label must be a str, got {type(label).__name__}")
        arr = _as_array(data, dt, "Tensor()")
        if requires_grad and (arr is data or (isinstance(data, Tensor) and arr is data.data)):
            arr = arr.copy()  # a parameter owns its numbers: optimisers change them in place
        self.data: np.ndarray = arr
        self.label = label
        self._requires_grad = bool(requires_grad)
        self._grad: np.ndarray | None = np.zeros_like(arr) if requires_grad else None
        self._zeroed = bool(requires_grad)  # grad holds zeros that nobody has looked at yet
        self._lent = False  # the grad array has been handed out (``.grad``): zero it in place
        self._inputs: tuple[Tensor, ...] = ()
        self._op = ""
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
            raise TypeError(f"requires_grad must be a bool, got {_what(flag)}")
        if self._inputs:
            raise ValueError(
                "requires_grad can only be changed on a leaf tensor; use .detach() for a "
                "tensor cut off from its graph"
            )
        self._requires_grad = bool(flag)
        if flag and self._grad is None:
            self._grad = np.zeros_like(self.data)
        elif not flag:
            self._grad = None
        self._zeroed = False
        self._lent = False

    @property
    def grad(self) -> np.ndarray | None:
        """d(output)/d(this tensor) after ``output.backward()``, an array of ``data``'s shape.

        ``None`` for a tensor that does not require grad (and for an
        intermediate before any backward).
        """
        if self._zeroed:
            if not self._lent:
                self._grad.fill(0)  # zero_grad left it as it was: nobody could see it
            self._zeroed = False  # someone may now hold the array: keep it, add into it
        self._lent = True
        return self._grad

    @grad.setter
    def grad(self, value: np.ndarray | None) -> None:
        if value is not None:
            value = _as_array(value, self.data.dtype, "grad")
            if value.shape != self.data.shape:
                raise ValueError(f"grad: expected shape {self.shape}, got {value.shape}")
        self._grad = value
        self._zeroed = False
        self._lent = True

    @property
    def inputs(self) -> tuple[Tensor, ...]:
        """The tensors this one was computed from (empty for a leaf)."""
        return self._inputs

    @property
    def op(self) -> str:
        """The operation that made this tensor (``""`` for a leaf)."""
        return self._op

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
        return _node(self.data, (), "", None)

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
        if self._op:
            parts.append(f"op={self._op!r}")
        elif self._requires_grad:
            parts.append("requires_grad=True")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Tensor({', '.join(parts)})"

    # -- operators (the ops themselves are the functions further down) -------------

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
        return power(_lift(base, self.data.dtype, "power"), self)

    def __neg__(self) -> Tensor:
        return neg(self)

    def __matmul__(self, other: Operand) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Operand) -> Tensor:
        return matmul(other, self)

    def __getitem__(self, index: Any) -> Tensor:
        return _getitem(self, index)

    def __lt__(self, other: Operand) -> np.ndarray:
        return self.data < _plain(other, "<")

    def __le__(self, other: Operand) -> np.ndarray:
        return self.data <= _plain(other, "<=")

    def __gt__(self, other: Operand) -> np.ndarray:
        return self.data > _plain(other, ">")

    def __ge__(self, other: Operand) -> np.ndarray:
        return self.data >= _plain(other, ">=")

    __hash__ = object.__hash__

    # -- methods that mirror the functions below -----------------------------------

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Σ over ``axis`` (all by default);  d/dx_i = 1."""
        return _sum(self, axis, keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Σ x / n over ``axis``;  d/dx_i = 1/n."""
        return mean(self, axis, keepdims)

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """The largest entry over ``axis``; the gradient is shared equally by the maxima."""
        return _max(self, axis, keepdims)

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        """The same numbers in a new shape (``-1`` once for "whatever is left")."""
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

    def softmax(self, axis: int = -1) -> Tensor:
        """e**x_i / Σ_j e**x_j along ``axis``."""
        return softmax(self, axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x_i - log Σ_j e**x_j along ``axis``."""
        return log_softmax(self, axis)

    # -- backpropagation -----------------------------------------------------------

    def topological_order(self) -> list[Tensor]:
        """The computed tensors this one depends on (itself included), inputs first.

        Leaves are left out: they have nothing to pass back (the walk is the
        scalar engine's, ``engine.topological_order``).
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
            seed = np.array(_as_array(gradient, self.data.dtype, "backward(gradient)"))
            if seed.shape != self.data.shape:
                raise ValueError(
                    f"backward: gradient has shape {seed.shape}, expected the output's shape "
                    f"{self.shape}"
                )
        if not self._inputs:  # a leaf: its gradient with respect to itself
            _accumulate(self, seed, seed)
            return
        order = self.topological_order()
        for node in order:
            node._grad = None
        self._grad = seed
        with _quiet():
            for node in reversed(order):
                g = node._grad
                if g is None:
                    continue
                grads = node._backward(g, node._inputs, node._saved)
                for x, gx in zip(node._inputs, grads):
                    if gx is None or not x._requires_grad:
                        continue
                    _accumulate(x, gx, g)

    def zero_grad(self) -> None:
        """Set ``grad`` to zeros (in place for a leaf); ``None`` stays ``None`` without grad.

        A leaf's array is only filled with zeros when someone may hold it (it was
        handed out by ``.grad``); otherwise it is marked as zeros and filled when
        somebody first looks, which the next ``backward`` usually makes needless.
        """
        if not self._requires_grad:
            self._grad = None
            return
        if self._grad is None or self._inputs:
            self._grad = np.zeros_like(self.data)
            self._lent = False
        elif self._lent:
            self._grad.fill(0)
        self._zeroed = True

    def _peek_grad(self) -> np.ndarray | None:
        """``grad`` for the library's own readers (optimisers, fit's checks) that keep no reference.

        Unlike ``.grad`` it does not count as handing the array out, so the next
        ``zero_grad`` need not fill it.
        """
        if self._zeroed and not self._lent:
            self._grad.fill(0)
            self._lent = True  # now truly zeros: no need to fill again
        return self._grad


_new = object.__new__


def _node(
    data: Any,
    inputs: tuple[Tensor, ...],
    op: str,
    backward: Backward | None,
    saved: tuple[Any, ...] = (),
) -> Tensor:
    """A new tensor holding ``data``; it joins the graph only if an input requires grad."""
    out = _new(Tensor)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    out._grad = None
    out._zeroed = False
    out._lent = False
    out.label = ""
    if _mode.enabled:
        for x in inputs:
            if x._requires_grad:
                out._requires_grad = True
                out._inputs = inputs
                out._op = op
                out._backward = backward
                out._saved = saved
                return out
    out._requires_grad = False
    out._inputs = ()
    out._op = ""
    out._backward = None
    out._saved = ()
    return out


def _sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo broadcasting: sum ``g`` over the axes that were stretched to reach its shape."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def _accumulate(x: Tensor, gx: Any, g: np.ndarray) -> None:
    """Add one contribution ``gx`` (made from the gradient ``g``) to ``x``'s gradient.

    ``gx`` is first summed back to x's shape and cast to x's dtype.  An
    intermediate tensor's gradient is never written in place (it may be a view
    of another's); a leaf's accumulates in place.  When a leaf's gradient holds
    zeros nobody has looked at (just after ``zero_grad``), adding is copying:
    a freshly made ``gx`` (not ``g`` itself, not a view) is then simply taken
    over, which saves a pass over the array.  Backward functions never return
    one new array for two inputs, so a taken-over array belongs to one leaf.
    """
    data = x.data
    if type(gx) is not np.ndarray:
        gx = np.asarray(gx)
    if gx.shape != data.shape:
        gx = _sum_to(gx, data.shape)
    if gx.dtype != data.dtype:
        gx = gx.astype(data.dtype)
    if x._inputs:  # intermediate: this call's gradient only
        x._grad = gx if x._grad is None else x._grad + gx
    elif x._zeroed:  # leaf at zeros: 0 + gx = gx
        x._zeroed = False
        if gx is not g and gx.base is None and gx.flags.writeable:
            x._grad = gx
            x._lent = False
        else:
            np.copyto(x._grad, gx)
    elif x._grad is None:
        x._grad = np.array(gx)  # a leaf owns its gradient array
    else:
        x._grad += gx  # a leaf accumulates in place


_BITS = {F32: np.dtype(np.int32), F64: np.dtype(np.int64)}
_UNSIGNED = {n: np.dtype(f"u{n}") for n in (1, 2, 4, 8)}


def _keep(g: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``np.where(mask, g, 0)``: g where ``mask`` holds, exactly 0 elsewhere (even for inf, nan).

    Done on the bit patterns: each entry of g is ANDed with all ones (kept) or
    all zeros (+0.0).  The same numbers as ``np.where``, whose per-entry branch
    is mispredicted on a random mask such as ReLU's and runs several times slower.
    """
    ints = _BITS.get(g.dtype)
    if ints is None or type(mask) is not np.ndarray or mask.shape != g.shape:
        return np.where(mask, g, 0).astype(g.dtype, copy=False)
    bits = mask.astype(ints)  # 1 or 0
    np.negative(bits, out=bits)  # all ones (-1) or all zeros
    np.bitwise_and(bits, g.view(ints), out=bits)
    return bits.view(g.dtype)


def _lift(x: Any, dtype: np.dtype, op: str) -> Tensor:
    """A Tensor as is; a number or ndarray as a constant of ``dtype``; else a TypeError."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, _NUMBER):
        return _node(np.asarray(x, dtype=dtype), (), "", None)
    if isinstance(x, np.ndarray):
        return _node(_as_array(x, dtype, op), (), "", None)
    raise TypeError(f"{op}: expected a Tensor, a number or a numpy array, got {_what(x)}")


def _operands(a: Any, b: Any, op: str) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors; a number or array takes the dtype of the tensor beside it."""
    if type(a) is Tensor:
        return a, (b if type(b) is Tensor else _lift(b, a.data.dtype, op))
    if isinstance(b, Tensor):
        return _lift(a, b.data.dtype, op), b
    a = _lift(a, F32, op)
    return a, _lift(b, a.data.dtype, op)


def _plain(x: Any, op: str) -> Any:
    """The operand of a comparison as plain numbers."""
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (_NUMBER, np.ndarray)):
        return x
    raise TypeError(f"Tensor {op} ?: expected a Tensor, a number or a numpy array, got {_what(x)}")


def _broadcast(ufunc: np.ufunc, a: Tensor, b: Tensor, op: str) -> np.ndarray:
    """``ufunc(a, b)`` with NumPy broadcasting, or a ValueError naming the op and both shapes."""
    try:
        with _quiet():
            return ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together"
        ) from None


def _axes(axis: Axis, ndim: int, op: str) -> tuple[int, ...] | None:
    """``axis`` (None, an int or a tuple of ints) as a tuple of non-negative axes."""
    if axis is None:
        return None
    many = isinstance(axis, (tuple, list))
    items = tuple(axis) if many else (axis,)
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dims")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: axis {axis!r} repeats an axis")
    return tuple(out)


def _axis(axis: int, ndim: int, op: str) -> int:
    """One axis (int, may be negative) checked against ``ndim``."""
    if isinstance(axis, (tuple, list)) or axis is None:
        raise TypeError(f"{op}: axis must be an int, got {axis!r}")
    return _axes(axis, ndim, op)[0]  # type: ignore[index]


# -- elementwise arithmetic ----------------------------------------------------------
# Each backward gets the output's gradient g and returns one gradient per input
# (None for an input that needs none); backward() sums them to each input's shape.


def add(a: Operand, b: Operand) -> Tensor:
    """a + b, broadcasting;  d/da = 1,  d/db = 1."""
    a, b = _operands(a, b, "add")
    return _node(_broadcast(np.add, a, b, "add"), (a, b), "+", _add_backward)


def _add_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    return g, g


def sub(a: Operand, b: Operand) -> Tensor:
    """a - b, broadcasting;  d/da = 1,  d/db = -1."""
    a, b = _operands(a, b, "sub")
    return _node(_broadcast(np.subtract, a, b, "sub"), (a, b), "-", _sub_backward)


def _sub_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    return g, (-g if inputs[1]._requires_grad else None)


def mul(a: Operand, b: Operand) -> Tensor:
    """a * b, elementwise with broadcasting;  d/da = b,  d/db = a."""
    a, b = _operands(a, b, "mul")
    return _node(_broadcast(np.multiply, a, b, "mul"), (a, b), "*", _mul_backward)


def _mul_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    a, b = inputs
    return (
        g * b.data if a._requires_grad else None,
        g * a.data if b._requires_grad else None,
    )


def div(a: Operand, b: Operand) -> Tensor:
    """a / b, elementwise with broadcasting;  d/da = 1/b,  d/db = -a/b²."""
    a, b = _operands(a, b, "div")
    return _node(_broadcast(np.true_divide, a, b, "div"), (a, b), "/", _div_backward)


def _div_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    a, b = inputs
    return (
        g / b.data if a._requires_grad else None,
        -g * a.data / (b.data * b.data) if b._requires_grad else None,
    )


def neg(a: Tensor) -> Tensor:
    """-a;  d/da = -1."""
    a = _lift(a, F32, "neg")
    return _node(np.negative(a.data), (a,), "neg", _neg_backward)


def _neg_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    return (-g,)


def power(a: Operand, k: Operand) -> Tensor:
    """a ** k for a number k;  d/da = k · a**(k-1).

    With a tensor exponent: d/da = k · a**(k-1),  d/dk = a**k · ln a (0 where
    a = 0 and k >= 0, as PyTorch defines it).
    """
    if isinstance(k, _NUMBER) and isinstance(a, Tensor):
        k = float(k)
        with _quiet():
            out = _pow(a.data, k)
        return _node(out, (a,), f"**{k:g}", _power_number_backward, (k,))
    a, k = _operands(a, k, "pow")
    return _node(_broadcast(np.power, a, k, "pow"), (a, k), "**", _power_backward)


def _power_number_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    (k,) = saved
    if k == 0.0:
        return (np.zeros_like(g),)
    return (g * (k * _pow(inputs[0].data, k - 1.0)),)


def _pow(x: np.ndarray, k: float) -> np.ndarray:
    """x ** k for a number k, with PyTorch's results: x ** -0.5 is 1 / √x (nan at -inf)."""
    if k == -0.5:
        return 1 / np.sqrt(x)
    return np.power(x, k)


def _power_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    a, k = inputs[0].data, inputs[1].data
    ga = gk = None
    if inputs[0]._requires_grad:
        ga = np.where(k == 0.0, 0.0, g * (k * np.power(a, k - 1.0))).astype(g.dtype, copy=False)
    if inputs[1]._requires_grad:
        local = np.where((a == 0.0) & (k >= 0.0), 0.0, np.power(a, k) * np.log(a))
        gk = g * local.astype(g.dtype, copy=False)
    return ga, gk


# -- matrix products ---------------------------------------------------------------


def matmul(a: Operand, b: Operand) -> Tensor:
    """a @ b as ``np.matmul`` (1-D, 2-D and batched);  d/da = g @ bᵀ,  d/db = aᵀ @ g."""
    a, b = _operands(a, b, "matmul")
    sa, sb = a.data.shape, b.data.shape
    if not sa or not sb:
        raise ValueError(
            f"matmul: both operands need at least one dimension, got shapes {sa} and {sb}"
        )
    ka, kb = sa[-1], (sb[0] if len(sb) == 1 else sb[-2])
    if ka != kb:
        raise ValueError(f"matmul: shapes {sa} and {sb} do not line up ({ka} != {kb})")
    try:
        with _quiet():
            out = np.matmul(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"matmul: the batch dimensions of shapes {sa} and {sb} cannot be broadcast together"
        ) from None
    return _node(out, (a, b), "@", _matmul_backward)


def _matmul_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    a, b = inputs
    x, y = a.data, b.data
    if x.ndim == 1 and y.ndim == 1:  # a dot product: g is a number
        return (g * y if a._requires_grad else None, g * x if b._requires_grad else None)
    # np.matmul treats a 1-D left operand as a row (1, n) and a 1-D right one as a column
    if x.ndim == 1:
        x, g = x[None, :], g[..., None, :]
    if y.ndim == 1:
        y, g = y[:, None], g[..., None]
    ga = gb = None
    if a._requires_grad:
        ga = np.matmul(g, np.swapaxes(y, -1, -2))
        if a.data.ndim == 1:
            ga = ga[..., 0, :]
    if b._requires_grad:
        gb = np.matmul(np.swapaxes(x, -1, -2), g)
        if b.data.ndim == 1:
            gb = gb[..., 0]
    return ga, gb


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weightᵀ + bias in one node, with ``weight`` of shape (out, in) as in PyTorch.

    d/dx = g @ W,  d/dW = gᵀ @ x (summed over the batch),  d/db = Σ_batch g.
    ``weight.T`` is a view, so no transposed copy is made.
    """
    weight = _lift(weight, F32, "linear")
    x = _lift(x, weight.data.dtype, "linear")
    if bias is not None:
        bias = _lift(bias, weight.data.dtype, "linear")
    w = weight.data
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out, in), got shape {w.shape}")
    if not x.data.ndim or x.data.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input shape {x.shape} does not fit weight shape {w.shape} "
            f"(expected last dimension {w.shape[1]})"
        )
    with _quiet():
        out = x.data @ w.T
        if bias is not None:
            if bias.data.shape != (w.shape[0],):
                raise ValueError(
                    f"linear: bias shape {bias.shape} does not fit weight shape {w.shape} "
                    f"(expected ({w.shape[0]},))"
                )
            out += bias.data
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return _node(out, inputs, "linear", _linear_backward)


def _linear_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    x, w = inputs[0], inputs[1]
    gx = g @ w.data if x._requires_grad else None
    g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])  # every batch dim as one
    gw = gb = None
    if w._requires_grad:
        x2 = x.data if x.data.ndim == 2 else x.data.reshape(-1, x.data.shape[-1])
        gw = g2.T @ x2
    if len(inputs) == 3 and inputs[2]._requires_grad:
        gb = np.add.reduce(g2, axis=0)
    return gx, gw, gb


# -- reductions ------------------------------------------------------------------


def _expand(g: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool, shape: tuple) -> Any:
    """The gradient of a reduction stretched back over the axes it reduced (a view)."""
    if not keepdims:
        g = np.expand_dims(g, axes if axes is not None else tuple(range(len(shape))))
    return np.broadcast_to(g, shape)


def _sum(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Σ a over ``axis`` (all axes by default);  d/da_i = 1."""
    axes = _axes(axis, a.data.ndim, "sum")
    with _quiet():
        out = np.sum(a.data, axis=axes, keepdims=keepdims)
    return _node(out, (a,), "sum", _sum_backward, (axes, bool(keepdims)))


def _sum_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    axes, keepdims = saved
    return (_expand(g, axes, keepdims, inputs[0].data.shape),)


def mean(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Σ a / n over ``axis``;  d/da_i = 1/n.  The mean of nothing is nan, as in PyTorch."""
    axes = _axes(axis, a.data.ndim, "mean")
    shape = a.data.shape
    n = a.data.size if axes is None else int(np.prod([shape[i] for i in axes]))
    with _quiet():
        out = np.sum(a.data, axis=axes, keepdims=keepdims) / n  # n = 0: 0 / 0 = nan
    return _node(out, (a,), "mean", _mean_backward, (axes, bool(keepdims), n))


def _mean_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    axes, keepdims, n = saved
    return (_expand(g / n, axes, keepdims, inputs[0].data.shape),)


def _max(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The largest entry over ``axis`` (PyTorch's ``amax``).

    d/da_i = 1/k at each of the k entries equal to the maximum, 0 elsewhere.
    """
    axes = _axes(axis, a.data.ndim, "max")
    try:
        out = np.max(a.data, axis=axes, keepdims=True)
    except ValueError:
        raise ValueError(
            f"max: cannot take the max over an empty axis (shape {a.shape}, axis {axis!r})"
        ) from None
    kept = out
    if not keepdims:
        out = out.reshape(()) if axes is None else np.squeeze(out, axis=axes)
    return _node(out, (a,), "max", _max_backward, (axes, bool(keepdims), kept))


def _max_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    axes, keepdims, kept = saved
    x = inputs[0].data
    winners = x == kept
    count = winners.sum(axis=axes, keepdims=True, dtype=g.dtype)
    if not keepdims:
        g = np.expand_dims(g, axes if axes is not None else tuple(range(x.ndim)))
    return ((g / count) * winners,)


# -- shapes ----------------------------------------------------------------------


def _shape_args(shape: tuple, op: str) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"{op}: expected ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def reshape(a: Tensor, *shape: int | Sequence[int]) -> Tensor:
    """The same numbers in a new shape;  the gradient is reshaped back."""
    new = _shape_args(shape, "reshape")
    try:
        out = a.data.reshape(new)
    except ValueError:
        raise ValueError(
            f"reshape: cannot reshape shape {a.shape} ({a.data.size} numbers) into {new}"
        ) from None
    return _node(out, (a,), "reshape", _reshape_backward)


def _reshape_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    return (g.reshape(inputs[0].data.shape),)


def transpose(a: Tensor, *axes: int | Sequence[int]) -> Tensor:
    """Axes permuted (reversed when none are given);  the gradient is permuted back."""
    ndim = a.data.ndim
    perm = _shape_args(axes, "transpose") if axes else tuple(range(ndim))[::-1]
    if sorted(p % ndim if ndim and -ndim <= p < ndim else p for p in perm) != list(range(ndim)):
        raise ValueError(
            f"transpose: axes {perm} are not a permutation of the {ndim} axes of shape {a.shape}"
        )
    perm = tuple(p % ndim for p in perm)
    return _node(a.data.transpose(perm), (a,), "transpose", _transpose_backward, (perm,))


def _transpose_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    return (g.transpose(np.argsort(saved[0])),)


def _is_basic(index: Any) -> bool:
    """True when ``index`` cannot pick one entry twice (ints, slices, a boolean mask)."""
    parts = index if isinstance(index, tuple) else (index,)
    for p in parts:
        if p is None or p is Ellipsis or isinstance(p, (slice, int, np.integer)):
            continue
        if isinstance(p, np.ndarray) and p.dtype == np.bool_ and len(parts) == 1:
            continue
        return False
    return True


def _index(index: Any) -> Any:
    """Tensors inside an index become integer arrays (they hold whole numbers as floats)."""
    if isinstance(index, tuple):
        return tuple(_index(i) for i in index)
    if isinstance(index, Tensor):
        d = index.data
        if not np.all(d == np.trunc(d)):
            raise IndexError(f"getitem: an index tensor must hold whole numbers, got {d!r:.60}")
        return d.astype(np.intp)
    return index


def _getitem(a: Tensor, index: Any) -> Tensor:
    """a[index] with ints, slices, integer arrays or boolean masks.

    The gradient is scattered back with ``np.add.at``, so an entry picked twice
    gets both contributions.
    """
    index = _index(index)
    try:
        out = a.data[index]
    except IndexError as e:
        raise IndexError(
            f"getitem: index {index!r:.60} does not fit shape {a.shape}: {e}"
        ) from None
    saved = (index, _is_basic(index))
    return _node(out, (a,), "getitem", _getitem_backward, saved)


def _getitem_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    index, basic = saved
    gx = np.zeros(inputs[0].data.shape, dtype=g.dtype)
    if basic:
        gx[index] = g
    else:
        np.add.at(gx, index, g)
    return (gx,)


def _tensors(tensors: Any, op: str) -> list[Tensor]:
    if isinstance(tensors, (Tensor, np.ndarray)) or not isinstance(tensors, Sequence):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {_what(tensors)}")
    if not tensors:
        raise ValueError(f"{op}: expected at least one tensor, got an empty sequence")
    dtype = next((t.data.dtype for t in tensors if isinstance(t, Tensor)), F32)
    return [_lift(t, dtype, op) for t in tensors]


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Tensors joined along an existing ``axis``;  each gets its own slice of the gradient."""
    ts = _tensors(tensors, "concatenate")
    first = ts[0].data
    if not first.ndim:
        raise ValueError("concatenate: 0-d tensors cannot be concatenated; use stack")
    ax = _axis(axis, first.ndim, "concatenate")
    for t in ts[1:]:
        s = t.data.shape
        if len(s) != first.ndim or any(
            n != m for i, (n, m) in enumerate(zip(s, first.shape)) if i != ax
        ):
            raise ValueError(f"concatenate: shapes {first.shape} and {s} differ outside axis {ax}")
    out = np.concatenate([t.data for t in ts], axis=ax)
    offsets = np.cumsum([t.data.shape[ax] for t in ts])[:-1]
    return _node(out, tuple(ts), "concatenate", _concatenate_backward, (ax, offsets))


def _concatenate_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    ax, offsets = saved
    return tuple(np.split(g, offsets, axis=ax))


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Tensors of one shape stacked along a new ``axis``;  each gets its slice of the gradient."""
    ts = _tensors(tensors, "stack")
    shape = ts[0].data.shape
    for t in ts[1:]:
        if t.data.shape != shape:
            raise ValueError(f"stack: shapes {shape} and {t.shape} differ; all must be equal")
    ax = _axis(axis, len(shape) + 1, "stack")
    out = np.stack([t.data for t in ts], axis=ax)
    return _node(out, tuple(ts), "stack", _stack_backward, (ax,))


def _stack_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    return tuple(np.moveaxis(g, saved[0], 0))


# -- elementwise functions ------------------------------------------------------------


def exp(a: Tensor) -> Tensor:
    """e ** a (inf on overflow);  d/da = e ** a."""
    a = _lift(a, F32, "exp")
    with _quiet():
        out = np.exp(a.data)
    return _node(out, (a,), "exp", _exp_backward, (out,))


def _exp_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    return (g * saved[0],)


def log(a: Tensor) -> Tensor:
    """ln a (ln 0 = -inf, ln of a negative = nan);  d/da = 1 / a."""
    a = _lift(a, F32, "log")
    with _quiet():
        out = np.log(a.data)
    return _node(out, (a,), "log", _log_backward)


def _log_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    return (g / inputs[0].data,)


def tanh(a: Tensor) -> Tensor:
    """tanh a;  d/da = 1 - tanh(a)**2."""
    a = _lift(a, F32, "tanh")
    out = np.tanh(a.data)
    return _node(out, (a,), "tanh", _tanh_backward, (out,))


def _tanh_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    t = saved[0]
    return (g * (1 - t * t),)


def sigmoid(a: Tensor) -> Tensor:
    """σ(a) = 1 / (1 + e**-a);  d/da = σ(a) (1 - σ(a)).

    Computed from e**-|a|, which lies in (0, 1], so no input can overflow:
    σ(a) = 1 / (1 + e**-|a|) for a >= 0 and e**-|a| / (1 + e**-|a|) below.
    """
    a = _lift(a, F32, "sigmoid")
    x = a.data
    e = np.exp(-np.abs(x))
    d = e + 1
    out = np.where(x >= 0, 1 / d, e / d)
    return _node(out, (a,), "sigmoid", _sigmoid_backward, (out,))


def _sigmoid_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    s = saved[0]
    return (g * (1 - s) * s,)


def relu(a: Tensor) -> Tensor:
    """max(0, a);  d/da = 1 if a > 0 else 0 (nan passes through, as in PyTorch)."""
    a = _lift(a, F32, "relu")
    out = np.maximum(a.data, 0)
    return _node(out, (a,), "relu", _relu_backward, (out,))


def _relu_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    out = saved[0]  # max(a, 0): 0, positive or nan, so out != 0 is "not out <= 0": nan passes
    return (_keep(g, out != 0),)


# -- softmax and its logarithm ----------------------------------------------------------


def softmax(a: Tensor, axis: int = -1) -> Tensor:
    """s_i = e**(a_i - m) / Σ_j e**(a_j - m), m = max a (so no exp overflows).

    d/da: g ↦ s · (g - Σ_j g_j s_j).
    """
    a = _lift(a, F32, "softmax")
    ax = _axis(axis, a.data.ndim, "softmax")
    with _quiet():
        e = np.exp(a.data - a.data.max(axis=ax, keepdims=True))
        out = e / e.sum(axis=ax, keepdims=True)
    return _node(out, (a,), "softmax", _softmax_backward, (ax, out))


def _softmax_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    ax, s = saved
    return (s * (g - (g * s).sum(axis=ax, keepdims=True)),)


def log_softmax(a: Tensor, axis: int = -1) -> Tensor:
    """a_i - m - log Σ_j e**(a_j - m), m = max a: the log of softmax without over/underflow.

    d/da: g ↦ g - softmax(a) · Σ_j g_j.
    """
    a = _lift(a, F32, "log_softmax")
    ax = _axis(axis, a.data.ndim, "log_softmax")
    with _quiet():
        z = a.data - a.data.max(axis=ax, keepdims=True)
        out = z - np.log(np.exp(z).sum(axis=ax, keepdims=True))
    return _node(out, (a,), "log_softmax", _log_softmax_backward, (ax, out))


def _log_softmax_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    ax, out = saved
    return (g - np.exp(out) * g.sum(axis=ax, keepdims=True),)


def _softmax_cross_entropy(logits: Tensor, targets: Any) -> Tensor:
    """Mean cross-entropy of integer class labels under softmax(logits), as one node.

    ``logits``: a Tensor of shape (N, C), raw scores (no softmax applied);
    ``targets``: N integer class labels in [0, C) (an int ndarray, list, or a
    Tensor holding whole numbers).  Returns a 0-d Tensor:

        L = (1/N) Σ_n [ log Σ_c e**z_nc - z_n,t_n ]   (computed with z - max z, so stable)
        dL/dz = (softmax(z) - onehot(t)) / N

    The fused form of ``-log_softmax(z)[range(N), t].mean()``: one node, one
    pass, the same numbers as ``torch.nn.functional.cross_entropy``.
    """
    z = logits if isinstance(logits, Tensor) else _lift(logits, F32, "cross_entropy")
    if z.data.ndim != 2:
        raise ValueError(f"cross_entropy: expected logits of shape (N, C), got shape {z.shape}")
    n, c = z.data.shape
    return _softmax_cross_entropy_node(z, _class_labels(targets, n, c))


def _softmax_cross_entropy_node(z: Tensor, t: np.ndarray) -> Tensor:
    """The node of ``_softmax_cross_entropy`` for labels already checked (ints in [0, C))."""
    if type(z) is not Tensor:
        z = _lift(z, F32, "cross_entropy")
    n = len(t)
    rows = np.arange(n)
    x = z.data
    with _quiet():
        shifted = x - np.maximum.reduce(x, axis=1, keepdims=True)
        e = np.exp(shifted)
        total = np.add.reduce(e, axis=1, keepdims=True)
        loss = np.add.reduce(np.log(total[:, 0]) - shifted[rows, t]) / n
    return _node(loss, (z,), "cross_entropy", _cross_entropy_backward, (e, total, rows, t))


def _cross_entropy_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple) -> tuple:
    e, total, rows, t = saved
    p = e / total  # softmax
    p[rows, t] -= 1  # minus the one-hot targets
    p *= g / len(t)
    return (p,)


def _class_labels(targets: Any, n: int, c: int) -> np.ndarray:
    """``targets`` as n integer labels in [0, c), or a clear error."""
    t = targets.data if isinstance(targets, Tensor) else targets
    if type(t) is not np.ndarray or t.dtype.kind not in "iu":
        t = np.asarray(t)
        if t.dtype.kind == "f" and np.all(t == np.round(t)):
            t = t.astype(np.int64)  # whole numbers stored as floats
        if t.dtype.kind not in "iu":
            raise TypeError(f"cross_entropy: targets must be integer class labels, got {_what(t)}")
    if t.shape != (n,):
        raise ValueError(
            f"cross_entropy: expected {n} targets (shape ({n},)) for logits of shape "
            f"({n}, {c}), got shape {t.shape}"
        )
    if n == 0:
        raise ValueError("cross_entropy: expected at least one example, got logits of shape (0, C)")
    if t.dtype.isnative and np.maximum.reduce(t.view(_UNSIGNED[t.itemsize])) < c:
        return t  # as unsigned, a negative label reads as a huge one: one pass checks both ends
    lo, hi = np.minimum.reduce(t), np.maximum.reduce(t)
    if lo < 0 or hi >= c:
        raise ValueError(
            f"cross_entropy: targets must be class labels in [0, {c}), got values from {lo} to {hi}"
        )
    return t
