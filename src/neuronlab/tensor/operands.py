"""What an operation does with its operands before it computes: tensors as they are,
plain numbers and arrays as constants of the tensor's dtype, shapes checked for broadcasting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..util.checks import describe
from .arrays import F64, NUMBER_TYPES, TensorType, as_array, number_array, quiet

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["broadcast", "lift", "operands", "plain", "require_tensor", "tensors_of"]


def require_tensor(x: Any, op: str) -> Tensor:
    """``x`` itself when it is a Tensor; anything else is a TypeError naming ``op``."""
    if not isinstance(x, TensorType):
        raise TypeError(f"{op}: expected a Tensor, got {describe(x)}")
    return x  # type: ignore[return-value]


def lift(x: Any, like: Tensor, op: str) -> Tensor:
    """A Tensor as it is; a number or ndarray as a constant of ``like``'s dtype."""
    if isinstance(x, TensorType):
        return x  # type: ignore[return-value]
    dtype = like.data.dtype
    if isinstance(x, NUMBER_TYPES):
        return like.from_op(number_array(x, dtype, op), (), "", None)
    if isinstance(x, np.ndarray):
        return like.from_op(as_array(x, dtype, op), (), "", None)
    raise TypeError(f"{op}: expected a Tensor, a number or a numpy array, got {describe(x)}")


def operands(a: Any, b: Any, op: str) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors: a number or array takes the dtype of the tensor beside it.

    At least one of them must be a Tensor (as in PyTorch's functions).
    """
    if isinstance(a, TensorType):
        return a, lift(b, a, op)  # type: ignore[arg-type, return-value]
    if isinstance(b, TensorType):
        return lift(a, b, op), b  # type: ignore[arg-type, return-value]
    raise TypeError(f"{op}: expected at least one Tensor, got {describe(a)} and {describe(b)}")


def tensors_of(items: Any, op: str) -> list[Tensor]:
    """A list or tuple of tensors (numbers and arrays among them lifted), for stack/concatenate."""
    if isinstance(items, (TensorType, np.ndarray)) or not isinstance(items, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {describe(items)}")
    if not items:
        raise ValueError(f"{op}: expected at least one tensor, got an empty sequence")
    like = next((t for t in items if isinstance(t, TensorType)), None)
    if like is None:
        raise TypeError(f"{op}: expected tensors, got no Tensor among {len(items)} items")
    return [lift(t, like, op) for t in items]  # type: ignore[arg-type]


def plain(x: Any, op: str) -> np.ndarray | np.generic | float:
    """The operand of a comparison as plain numbers.

    A Python number is compared as a float64 (so 1e300 does not overflow a
    float32 tensor's dtype first); an int beyond ±1.8e308 is a ValueError.
    """
    if isinstance(x, TensorType):
        data: np.ndarray = x.data  # type: ignore[attr-defined]
        return data
    if isinstance(x, (int, float)):
        return number_array(x, F64, f"Tensor {op} ?")
    if isinstance(x, (*NUMBER_TYPES, np.ndarray)):
        return x
    raise TypeError(
        f"Tensor {op} ?: expected a Tensor, a number or a numpy array, got {describe(x)}"
    )


def broadcast(ufunc: np.ufunc, a: Tensor, b: Tensor, op: str) -> np.ndarray:
    """``ufunc(a, b)`` with NumPy broadcasting, or a ValueError naming the op and both shapes."""
    try:
        with quiet():
            out: np.ndarray = ufunc(a.data, b.data)
            return out
    except ValueError:
        raise ValueError(
            f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together"
        ) from None
