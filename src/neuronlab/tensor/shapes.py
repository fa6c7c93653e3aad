"""Shape operations: reshape, transpose, indexing, embedding, concatenate and stack.

They move numbers around without changing them, so each backward moves the
gradient back to where the numbers came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..util.checks import describe
from .arrays import Grads, TensorType, one_axis, quiet, shape_of
from .operands import require_tensor, tensors_of

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["concatenate", "embedding", "getitem", "indices_of", "reshape", "stack", "transpose"]


def reshape(a: Tensor, *shape: int | Sequence[int]) -> Tensor:
    """The same numbers in a new shape;  the gradient is reshaped back."""
    a = require_tensor(a, "reshape")
    new = shape_of(shape, "reshape")
    try:
        out = a.data.reshape(new)
    except ValueError:
        raise ValueError(
            f"reshape: cannot reshape shape {a.shape} ({a.data.size} numbers) into {new}"
        ) from None
    return a.from_op(out, (a,), "reshape", reshape_backward)


def reshape_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient in the input's shape."""
    return (g.reshape(inputs[0].data.shape),)


def transpose(a: Tensor, *axes: int | Sequence[int]) -> Tensor:
    """Axes permuted (reversed when none are given);  the gradient is permuted back."""
    a = require_tensor(a, "transpose")
    ndim = a.data.ndim
    perm = shape_of(axes, "transpose") if axes else tuple(range(ndim))[::-1]
    if sorted(p % ndim if ndim and -ndim <= p < ndim else p for p in perm) != list(range(ndim)):
        raise ValueError(
            f"transpose: axes {perm} are not a permutation of the {ndim} axes of shape {a.shape}"
        )
    perm = tuple(p % ndim for p in perm)
    return a.from_op(a.data.transpose(perm), (a,), "transpose", transpose_backward, (perm,))


def transpose_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient with the axes put back in their order."""
    return (g.transpose(np.argsort(saved[0])),)


def _picks_once(index: Any) -> bool:
    """True when ``index`` cannot pick one entry twice (ints, slices, a boolean mask)."""
    parts = index if isinstance(index, tuple) else (index,)
    for p in parts:
        if p is None or p is Ellipsis or isinstance(p, (slice, int, np.integer)):
            continue
        if isinstance(p, np.ndarray) and p.dtype == np.bool_ and len(parts) == 1:
            continue
        return False
    return True


def _plain_index(index: Any) -> Any:
    """Tensors inside an index become integer arrays (they hold whole numbers as floats)."""
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, TensorType):
        d = index.data  # type: ignore[attr-defined]
        if not np.all(d == np.trunc(d)):
            raise IndexError(f"getitem: an index tensor must hold whole numbers, got {d!r:.60}")
        return d.astype(np.intp)
    return index


def getitem(a: Tensor, index: Any) -> Tensor:
    """a[index] with ints, slices, integer arrays or boolean masks.

    The gradient is scattered back with ``np.add.at``, so an entry picked twice
    gets both contributions.
    """
    index = _plain_index(index)
    try:
        out = a.data[index]
    except IndexError as e:
        raise IndexError(
            f"getitem: index {index!r:.60} does not fit shape {a.shape}: {e}"
        ) from None
    saved = (index, _picks_once(index))
    return a.from_op(out, (a,), "getitem", getitem_backward, saved)


def getitem_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """The gradient put back at the entries that were picked (zeros elsewhere)."""
    index, once = saved
    gx = np.zeros(inputs[0].data.shape, dtype=g.dtype)
    if once:
        gx[index] = g
    else:
        np.add.at(gx, index, g)
    return (gx,)


def indices_of(indices: Any, rows: int, op: str) -> np.ndarray:
    """``indices`` as an integer array whose every entry is a row number in [0, rows).

    Integers only (a float array is a TypeError: a row number is not
    rounded); a negative index or one past the last row is an IndexError
    naming it, as PyTorch refuses it.
    """
    if isinstance(indices, TensorType):
        raise TypeError(
            f"{op}: expected integer indices (a numpy array or list of ints), got a Tensor "
            "(a Tensor holds floats; pass its indices as integers)"
        )
    idx = indices if isinstance(indices, np.ndarray) else np.asarray(indices)
    if idx.dtype.kind not in "iu" or idx.dtype == np.bool_:
        raise TypeError(f"{op}: expected integer indices, got {describe(indices)}")
    # one pass: read as unsigned, a negative index is a huge one
    if idx.size and np.maximum.reduce(idx.view(f"u{idx.itemsize}"), axis=None) >= rows:
        low, high = int(idx.min()), int(idx.max())
        bad = low if low < 0 else high
        raise IndexError(f"{op}: index {bad} is out of range for a table of {rows} rows")
    return idx


def embedding(table: Tensor, indices: Any) -> Tensor:
    """Row ``i`` of ``table`` for every index ``i``: shape (*indices.shape, dim).

    The same numbers as ``one_hot(indices) @ table``, without the one-hot.
    The backward scatters each row's gradient back into the table with
    ``np.add.at``, so a row looked up twice gets both contributions.
    """
    table = require_tensor(table, "embedding")
    if table.data.ndim != 2:
        raise ValueError(f"embedding: the table must be 2-D (rows, dim), got shape {table.shape}")
    idx = indices_of(indices, table.data.shape[0], "embedding")
    out = np.take(table.data, idx, axis=0)
    return table.from_op(out, (table,), "embedding", embedding_backward, (idx,))


#: Up to this many (rows × lookups), the embedding's backward is one matrix product.
ONE_HOT_LIMIT = 1 << 23


def embedding_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """Each looked-up row's gradient added into its row of the table (zeros elsewhere).

    That is one_hot(indices)ᵀ @ g: for a small table (a vocabulary of
    characters) the product itself is fastest; for a large one the lookups
    are sorted by row and each row's run of gradients summed at once
    (``np.add.reduceat``), which makes no one-hot matrix.  So is an inf or
    nan in g, which the product would spread to every row as 0 · inf.
    """
    (idx,) = saved
    rows, dim = inputs[0].data.shape
    flat = idx.reshape(-1)
    g2 = g.reshape(-1, dim)
    if rows * flat.size <= ONE_HOT_LIMIT:
        one_hot = np.zeros((rows, flat.size), dtype=g.dtype)
        one_hot[flat, np.arange(flat.size)] = 1
        with quiet():
            gx = one_hot @ g2
        if np.isfinite(gx).all():
            return (gx,)
    gx = np.zeros((rows, dim), dtype=g.dtype)
    if flat.size:
        order = np.argsort(flat, kind="stable")
        looked_up = flat[order]
        starts = np.flatnonzero(np.r_[True, looked_up[1:] != looked_up[:-1]])
        with quiet():
            gx[looked_up[starts]] = np.add.reduceat(g2[order], starts, axis=0)
    return (gx,)


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Tensors joined along an existing ``axis``;  each gets its own slice of the gradient."""
    ts = tensors_of(tensors, "concatenate")
    first = ts[0].data
    if not first.ndim:
        raise ValueError("concatenate: 0-d tensors cannot be concatenated; use stack")
    ax = one_axis(axis, first.ndim, "concatenate")
    for t in ts[1:]:
        s = t.data.shape
        if len(s) != first.ndim or any(
            n != m for i, (n, m) in enumerate(zip(s, first.shape)) if i != ax
        ):
            raise ValueError(f"concatenate: shapes {first.shape} and {s} differ outside axis {ax}")
    out = np.concatenate([t.data for t in ts], axis=ax)
    offsets = np.cumsum([t.data.shape[ax] for t in ts])[:-1]
    return ts[0].from_op(out, tuple(ts), "concatenate", concatenate_backward, (ax, offsets))


def concatenate_backward(
    g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]
) -> Grads:
    """Each input's slice of the gradient."""
    ax, offsets = saved
    return tuple(np.split(g, offsets, axis=ax))


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Tensors of one shape stacked along a new ``axis``;  each gets its slice of the gradient."""
    ts = tensors_of(tensors, "stack")
    shape = ts[0].data.shape
    for t in ts[1:]:
        if t.data.shape != shape:
            raise ValueError(f"stack: shapes {shape} and {t.shape} differ; all must be equal")
    ax = one_axis(axis, len(shape) + 1, "stack")
    out = np.stack([t.data for t in ts], axis=ax)
    return ts[0].from_op(out, tuple(ts), "stack", stack_backward, (ax,))


def stack_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """Each input's slice of the gradient along the stacked axis."""
    return tuple(np.moveaxis(g, saved[0], 0))
