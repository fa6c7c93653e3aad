"""The two engines as the code above them sees them: one small protocol, chosen once.

A parameter is anything with ``.data`` and ``.grad``: a ``Value`` (one float)
or a ``Tensor`` (an array, changed in place).  Everything that must still
differ between the two -- how a batch runs through a model, how its numbers
are read, how a parameter is copied, checked or restored -- is a method of an
``Engine``.  A model names its engine (``Module.engine``); training, the
optimisers and saving ask it and never test ``type(p) is Value``.

Code above asks the same way about anything else: ``engine_of_node(x)`` is
the engine a number of a graph belongs to (None for anything that is not
one), ``Engine.is_node(x)`` asks one engine, and ``TENSOR.checked_node``
refuses what a tensor layer cannot take.  Outside the engines, this protocol
and the converters (``nn.convert``), no module tests ``isinstance(x, Value)``,
``Tensor``, ``MLP`` or ``Sequential``: ``tests/test_engine_protocol.py``
counts them.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import Value, cycle_collector_paused
from ..tensor import Tensor, no_grad
from ..util.checks import real_number

if TYPE_CHECKING:  # for the type checker only: an ``is_node`` check narrows both ways
    from typing_extensions import TypeIs

__all__ = [
    "SCALAR",
    "TENSOR",
    "Engine",
    "ScalarEngine",
    "TensorEngine",
    "engine_of_node",
    "engine_of_parameter",
    "finite_array",
    "is_parameter",
    "one_engine",
]

_BIG_ARRAY = 4096  # above this many entries a one-pass sum of squares beats np.isfinite
_BLOCK = 1 << 20  # entries checked at a time, so a check never allocates more than this


def finite_array(a: np.ndarray) -> bool:
    """True when every entry of ``a`` is a finite number, in bounded extra memory.

    A sum of squares has no cancellation, so it is inf or nan whenever an entry
    is: one pass of ``np.dot`` usually answers.  Only when it is not finite (an
    entry is, or the sum merely overflowed) are the entries looked at one by
    one, a block at a time.
    """
    if a.dtype.kind not in "fc":
        return True  # integers and booleans are always finite
    flat = a.reshape(-1)
    for start in range(0, flat.size, _BLOCK):
        block = flat[start : start + _BLOCK]
        if block.size > _BIG_ARRAY and a.dtype.kind == "f":
            with np.errstate(over="ignore", invalid="ignore"):
                if math.isfinite(np.dot(block, block)):
                    continue
        if not np.isfinite(block).all():
            return False
    return True


class Engine:
    """What training, optimisers and saving need from an engine; one instance per engine."""

    name = "engine"
    #: What one number of its graphs is called in an error message.
    node_name = "node"
    #: True when a model reads one flat row of numbers per example (no images as 2-D arrays).
    rows_only = False
    #: Examples evaluated per forward pass when no gradient is needed (bounds the memory).
    eval_rows = 4096

    def __repr__(self) -> str:
        return f"<{self.name} engine>"

    def is_node(self, x: object) -> bool:
        """True when ``x`` is a number of this engine's graphs (a ``Value``, a ``Tensor``)."""
        raise NotImplementedError

    def checked_node(self, x: Any, where: str) -> Any:
        """``x`` itself when it is a node of this engine; otherwise a TypeError naming ``where``."""
        if not self.is_node(x):
            raise TypeError(f"{where}: expected a {self.node_name}, got {type(x).__name__}")
        return x

    # -- running a model ------------------------------------------------------------

    def feature_dtype(self, params: Sequence[Any]) -> np.dtype:
        """The dtype inputs are converted to, once, before the first batch."""
        raise NotImplementedError

    def forward(self, model: Any, X: np.ndarray) -> Any:
        """The model's predictions for a batch ``X`` (one row per example), as a graph."""
        raise NotImplementedError

    def outputs(self, predictions: Any) -> np.ndarray:
        """The numbers of a batch's predictions: shape (n,) for one output, (n, k) for k."""
        raise NotImplementedError

    def item(self, loss: Any) -> float:
        """A loss node's number."""
        raise NotImplementedError

    def no_grad(self) -> contextlib.AbstractContextManager[Any]:
        """A block in which the model records no graph (for evaluation)."""
        return contextlib.nullcontext()

    def step_context(self) -> contextlib.AbstractContextManager[Any]:
        """A block around one training step (forward, backward, update)."""
        return contextlib.nullcontext()

    def sum_of_squares(self, params: Sequence[Any]) -> Any:
        """Σ p² over every parameter, as a node of the graph (for an L2 penalty)."""
        raise NotImplementedError

    def sum_of_magnitudes(self, params: Sequence[Any]) -> Any:
        """Σ |p| over every parameter, as a node of the graph (for an L1 penalty)."""
        raise NotImplementedError

    # -- reading and writing parameters ----------------------------------------------

    def grad_of(self, p: Any) -> Any:
        """A parameter's gradient, to read now and not keep (None: no backward reached it)."""
        return p.grad

    def grad_norm_squared(self, params: Sequence[Any]) -> float:
        """Σ grad² over every parameter: inf or nan when any gradient entry is not finite."""
        raise NotImplementedError

    def data_finite(self, params: Sequence[Any]) -> bool:
        """True when every parameter holds finite numbers."""
        raise NotImplementedError

    def largest_magnitude(self, params: Sequence[Any]) -> float:
        """max |p| over every parameter entry."""
        raise NotImplementedError

    def snapshot(self, params: Sequence[Any]) -> list[Any]:
        """Copies of the parameters' numbers, for ``restore``."""
        raise NotImplementedError

    def restore(self, params: Sequence[Any], saved: Sequence[Any]) -> None:
        """Put back the numbers of a ``snapshot``."""
        raise NotImplementedError

    def size(self, p: Any) -> int:
        """How many numbers one parameter holds."""
        raise NotImplementedError

    def copy_data(self, p: Any) -> Any:
        """A copy of one parameter's numbers (a float, or an array)."""
        raise NotImplementedError

    def checked_data(self, name: str, p: Any, new: Any) -> Any:
        """``new`` made fit to replace ``p``'s numbers; an error names ``name``."""
        raise NotImplementedError

    def assign(self, p: Any, new: Any) -> None:
        """Replace ``p``'s numbers with ``new`` (already checked)."""
        raise NotImplementedError


class ScalarEngine(Engine):
    """``Value``: one graph node per number; a batch is a list of per-example outputs."""

    name = "scalar"
    node_name = "Value"
    rows_only = True
    eval_rows = 64  # every example's graph lives until its chunk's loss is read

    def is_node(self, x: object) -> TypeIs[Value]:
        return isinstance(x, Value)

    def feature_dtype(self, params: Sequence[Any]) -> np.dtype:
        return np.dtype(np.float64)

    def forward(self, model: Any, X: np.ndarray) -> list[Any]:
        return [model(row) for row in X.tolist()]

    def outputs(self, predictions: Any) -> np.ndarray:
        first = predictions[0]
        if isinstance(first, Value):
            return np.array([p.data for p in predictions])
        return np.array([[q.data for q in p] for p in predictions])

    def item(self, loss: Any) -> float:
        return float(loss.data)

    def step_context(self) -> contextlib.AbstractContextManager[Any]:
        # A Value graph has no cycles: reference counting frees it, and the cycle
        # collector would only rescan every live node again and again.
        return cycle_collector_paused()

    def sum_of_squares(self, params: Sequence[Any]) -> Any:
        squares = [p * p for p in params]
        return sum(squares[1:], squares[0])

    def sum_of_magnitudes(self, params: Sequence[Any]) -> Any:
        magnitudes = [p.abs() for p in params]
        return sum(magnitudes[1:], magnitudes[0])

    def grad_norm_squared(self, params: Sequence[Any]) -> float:
        with np.errstate(over="ignore"):
            return math.fsum(p.grad * p.grad for p in params) if params else 0.0

    def data_finite(self, params: Sequence[Any]) -> bool:
        return all(math.isfinite(p.data) for p in params)

    def largest_magnitude(self, params: Sequence[Any]) -> float:
        return max((abs(p.data) for p in params), default=0.0)

    def snapshot(self, params: Sequence[Any]) -> list[Any]:
        return [p.data for p in params]

    def restore(self, params: Sequence[Any], saved: Sequence[Any]) -> None:
        for p, s in zip(params, saved):
            p.data = s

    def size(self, p: Any) -> int:
        return 1

    def copy_data(self, p: Any) -> float:
        return float(p.data)

    def checked_data(self, name: str, p: Any, new: Any) -> float:
        if isinstance(new, np.ndarray) and new.shape == ():
            new = new[()]
        return real_number(new, f"load_state_dict({name})", finite=False)

    def assign(self, p: Any, new: Any) -> None:
        p.data = new


class TensorEngine(Engine):
    """``Tensor``: a whole batch is one array and one graph."""

    name = "tensor"
    node_name = "Tensor"

    def is_node(self, x: object) -> TypeIs[Tensor]:
        return isinstance(x, Tensor)

    def feature_dtype(self, params: Sequence[Any]) -> np.dtype:
        return params[0].data.dtype if params else np.dtype(np.float32)

    def forward(self, model: Any, X: np.ndarray) -> Tensor:
        # X is already of the parameters' dtype (converted once, before the first batch),
        # so wrapping it as a constant copies nothing; integer indices go to the model as they are.
        if X.dtype.kind in "iu":
            predictions: Tensor = model(X)
        else:
            predictions = model(Tensor(X, dtype=X.dtype if X.dtype.kind == "f" else None))
        return predictions

    def outputs(self, predictions: Tensor) -> np.ndarray:
        data = predictions.data
        if data.ndim == 2 and data.shape[1] == 1:
            return data[:, 0]
        return data

    def item(self, loss: Tensor) -> float:
        return loss.item()

    def no_grad(self) -> contextlib.AbstractContextManager[Any]:
        return no_grad()

    def sum_of_squares(self, params: Sequence[Any]) -> Any:
        terms = [(p * p).sum() for p in params]
        return sum(terms[1:], terms[0])

    def sum_of_magnitudes(self, params: Sequence[Any]) -> Any:
        terms = [p.abs().sum() for p in params]
        return sum(terms[1:], terms[0])

    def grad_of(self, p: Any) -> Any:
        return p.grad

    def grad_norm_squared(self, params: Sequence[Any]) -> float:
        total = 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            for p in params:
                g = p.grad
                if g is not None:
                    flat = g.reshape(-1)
                    total += float(np.dot(flat, flat))
        return total

    def data_finite(self, params: Sequence[Any]) -> bool:
        return all(finite_array(p.data) for p in params)

    def largest_magnitude(self, params: Sequence[Any]) -> float:
        return max((float(np.abs(p.data).max()) for p in params if p.data.size), default=0.0)

    def snapshot(self, params: Sequence[Any]) -> list[Any]:
        return [p.data.copy() for p in params]

    def restore(self, params: Sequence[Any], saved: Sequence[Any]) -> None:
        for p, s in zip(params, saved):
            p.data[...] = s

    def size(self, p: Any) -> int:
        return int(p.data.size)

    def copy_data(self, p: Any) -> np.ndarray:
        return np.array(p.data, copy=True)

    def checked_data(self, name: str, p: Any, new: Any) -> np.ndarray:
        arr = np.asarray(new)
        if arr.shape != p.data.shape:
            raise ValueError(
                f"load_state_dict: {name} expects shape {p.data.shape}, got {arr.shape}"
            )
        if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            raise TypeError(f"load_state_dict: {name} needs real numbers, not {arr.dtype}")
        return arr.astype(p.data.dtype)

    def assign(self, p: Any, new: Any) -> None:
        p.data[...] = new


SCALAR = ScalarEngine()
TENSOR = TensorEngine()


def engine_of_parameter(p: object) -> Engine:
    """The engine a parameter belongs to: SCALAR for a Value, TENSOR for a Tensor."""
    if isinstance(p, Value):
        return SCALAR
    if isinstance(p, Tensor):
        return TENSOR
    raise TypeError(f"expected a parameter (a Value or a Tensor), got {type(p).__name__}")


def engine_of_node(x: object) -> Engine | None:
    """The engine whose graphs ``x`` is a number of: SCALAR for a Value, TENSOR for a Tensor.

    None for anything else (a plain number, a list, an array): the caller says
    what it expected.
    """
    if isinstance(x, Value):
        return SCALAR
    if isinstance(x, Tensor):
        return TENSOR
    return None


def is_parameter(obj: object) -> bool:
    """True for things an optimiser updates: a ``Value``, or a ``Tensor`` that requires grad.

    Asked of every attribute of every module whenever a model lists its
    parameters, so the usual answer (a Value) comes first and fast.
    """
    if type(obj) is Value:
        return True
    return isinstance(obj, Tensor) and obj.requires_grad


def one_engine(engines: Iterator[Engine] | Sequence[Engine], where: str) -> Engine | None:
    """The single engine among ``engines`` (None when there is none); mixing is an error."""
    found = set(engines)
    if len(found) > 1:
        names = " and ".join(sorted(e.name for e in found))
        raise TypeError(f"{where} mixes the {names} engines; a model computes with one")
    return next(iter(found), None)
