"""The array side of the tensor engine: dtypes, checked conversion, axes, quiet NumPy.

Everything here works on plain NumPy arrays and numbers; the ``Tensor`` class
and its operations build on it.  ``TensorType`` is the base class of
``Tensor``: the operation modules recognise tensors by it without importing
the class that imports them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..util.checks import describe, whole_number

__all__ = [
    "F32",
    "F64",
    "NUMBER_TYPES",
    "FloatArray",
    "Grads",
    "TensorType",
    "as_array",
    "axes_of",
    "check_dtype",
    "keep_where",
    "number_array",
    "one_axis",
    "quiet",
    "shape_of",
    "sum_to",
]

#: What an operation's backward hands back: one gradient (an array) per input, in order.
Grads = tuple[Any, ...]

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
#: An array of floats (a tensor's data is float32 or float64).
FloatArray = npt.NDArray[np.floating[Any]]
_F32_MAX = float(np.finfo(np.float32).max)
_DTYPES: dict[Any, np.dtype] = {
    np.float32: F32,
    np.float64: F64,
    "float32": F32,
    "float64": F64,
    F32: F32,
    F64: F64,
}
#: Plain numbers an operation accepts beside a tensor.
NUMBER_TYPES = (int, float, np.integer, np.floating, np.bool_)


class TensorType:
    """The base class of ``Tensor``, so operations can recognise a tensor by ``isinstance``."""

    __slots__ = ()


def quiet() -> np.errstate:
    """PyTorch's inf/nan results, without NumPy's RuntimeWarnings."""
    return np.errstate(all="ignore")


def check_dtype(dtype: object) -> np.dtype:
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


def as_array(data: object, dtype: np.dtype, where: str) -> np.ndarray:
    """``data`` (a tensor, an array, a number or nested lists) as an ndarray of ``dtype``.

    No copy when it already is one; numbers beyond float32's range become ±inf
    there, as in PyTorch.  Strings, None, ragged lists, complex numbers and ints
    beyond ±1.8e308 are errors that name ``where``.
    """
    if isinstance(data, TensorType):
        data = data.data  # type: ignore[attr-defined]
    arr = data if isinstance(data, np.ndarray) else _from_python(data, where)
    if arr.dtype.kind not in "biuf":
        kind = "complex numbers are not supported" if arr.dtype.kind == "c" else "expected numbers"
        raise TypeError(f"{where}: {kind}, got {describe(data)}")
    if arr.dtype == dtype:
        return arr
    with quiet():  # float64 beyond float32's range: inf, silently
        return arr.astype(dtype)


def _from_python(data: object, where: str) -> np.ndarray:
    """A number or nested lists as an ndarray (its dtype still to be checked)."""
    failed = TypeError(
        f"{where}: expected numbers (a number, nested lists of numbers or a numpy array), "
        f"got {describe(data)}"
    )
    if isinstance(data, (str, bytes)) or data is None:
        raise failed
    try:
        arr = np.asarray(data)
    except ValueError:
        raise ValueError(
            f"{where}: nested lists must be rectangular (every row the same length), "
            f"got {data!r:.60}"
        ) from None
    except TypeError:
        raise failed from None
    if arr.dtype == object:  # ints too large for int64, or things that are not numbers
        try:
            return np.asarray(data, dtype=F64)
        except OverflowError:
            raise ValueError(
                f"{where}: expected numbers within ±1.8e308, got {describe(data)}"
            ) from None
        except (TypeError, ValueError):
            raise failed from None
    return arr


def number_array(x: Any, dtype: np.dtype, where: str) -> np.ndarray:
    """A plain number as a 0-d array of ``dtype`` (±inf beyond float32's range, as PyTorch)."""
    try:
        if abs(x) <= _F32_MAX:  # the usual case: no cast can overflow
            return np.asarray(x, dtype=dtype)
        with quiet():
            return np.asarray(x, dtype=dtype)
    except OverflowError:  # an int beyond ±1.8e308: PyTorch refuses it too
        raise ValueError(f"{where}: expected a number within ±1.8e308, got {describe(x)}") from None


def axes_of(axis: int | tuple[int, ...] | None, ndim: int, op: str) -> tuple[int, ...] | None:
    """``axis`` (None, an int or a tuple of ints) as a tuple of non-negative axes."""
    if axis is None:
        return None
    many = isinstance(axis, (tuple, list))
    items = tuple(axis) if many else (axis,)  # type: ignore[arg-type]
    out = []
    for item in items:
        a = whole_number(item, f"{op}(axis)")
        if not -ndim <= a < ndim:
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dims")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: axis {axis!r} repeats an axis")
    return tuple(out)


def one_axis(axis: int, ndim: int, op: str) -> int:
    """One axis (an int, may be negative) checked against ``ndim``."""
    if isinstance(axis, (tuple, list)) or axis is None:
        raise TypeError(f"{op}: axis must be an int, got {axis!r}")
    return axes_of(axis, ndim, op)[0]  # type: ignore[index]


def shape_of(shape: tuple[Any, ...], op: str) -> tuple[int, ...]:
    """A shape given as ints (``reshape(2, 3)``) or as one tuple (``reshape((2, 3))``)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(whole_number(n, f"{op}(shape)") for n in shape)


def sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo broadcasting: sum ``g`` over the axes that were stretched to reach its shape."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


_BITS: dict[np.dtype, np.dtype] = {F32: np.dtype(np.int32), F64: np.dtype(np.int64)}


def keep_where(g: np.ndarray, mask: np.ndarray) -> np.ndarray:
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
