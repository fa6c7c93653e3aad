"""The operations that draw random numbers: ``multinomial`` (sampling) and ``dropout``.

Each takes a ``generator``: an int seed, a ``numpy.random.Generator`` (used as
it is, so one generator can feed many calls in turn) or None for fresh
randomness.  The same seed gives the same draws on every run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..util.checks import flag, real_number, whole_number
from ..util.rng import Seed, make_rng
from .arrays import F64, Grads, as_array, quiet
from .operands import require_tensor

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["dropout", "multinomial"]


def _probability_rows(probs: Any) -> tuple[np.ndarray, bool]:
    """``probs`` as a float64 array of shape (rows, categories), every row a valid weighting,
    and whether it came as one row (1-D)."""
    p = as_array(probs, F64, "multinomial(probs)")
    if p.ndim not in (1, 2) or p.shape[-1] == 0:
        raise ValueError(
            f"multinomial: expected probabilities of shape (categories,) or (rows, categories), "
            f"got shape {p.shape}"
        )
    rows = p.reshape(1, -1) if p.ndim == 1 else p
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise ValueError("multinomial: probabilities must be finite numbers >= 0 (no inf or nan)")
    empty = np.flatnonzero(rows.sum(axis=1) <= 0)
    if empty.size:
        raise ValueError(f"multinomial: row {empty[0]} of the probabilities sums to 0")
    return rows, p.ndim == 1


def multinomial(
    probs: Any, num_samples: int = 1, replacement: bool = False, *, generator: Seed = None
) -> np.ndarray:
    """Draw category indices in proportion to ``probs``, as ``torch.multinomial`` does.

    ``probs``: one row of non-negative weights (they need not sum to 1), or a
    2-D array of rows (a Tensor or an array).  Returns int64 indices of shape
    (num_samples,) or (rows, num_samples).  With ``replacement`` an index may
    come again; without it (the default, as in PyTorch) each row gives
    ``num_samples`` different categories, at most as many as have a weight
    above 0.  Category i of a row is drawn with probability p_i / Σ p: each
    draw inverts the row's cumulative sum at a uniform number in [0, Σ p).
    """
    rows, one_row = _probability_rows(probs)
    n = whole_number(num_samples, "multinomial(num_samples)", minimum=1)
    replacement = flag(replacement, "multinomial(replacement)")
    rng = make_rng(generator)
    draw = _with_replacement if replacement else _without_replacement
    drawn = draw(rows, n, rng)
    return drawn[0] if one_row else drawn


def _with_replacement(rows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    cumulative = np.cumsum(rows, axis=1)
    uniform = rng.random((len(rows), n)) * cumulative[:, -1:]
    drawn = np.empty((len(rows), n), dtype=np.int64)
    for i, (c, u) in enumerate(zip(cumulative, uniform)):
        # the first category whose cumulative sum passes u; a category of weight 0 has an
        # empty interval and is never drawn (u rounding up to the total: the last positive one)
        last = int(np.flatnonzero(rows[i])[-1])
        drawn[i] = np.minimum(np.searchsorted(c, u, side="right"), last)
    return drawn


def _without_replacement(rows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    positive = np.count_nonzero(rows, axis=1).min()
    if n > positive:
        raise ValueError(
            f"multinomial: cannot draw {n} different categories without replacement from a row "
            f"with only {positive} of weight above 0 (use replacement=True)"
        )
    # Each category gets the key u^(1/p), u uniform; the n largest keys are a draw without
    # replacement in proportion to p (Efraimidis and Spirakis), ordered as drawn.
    with np.errstate(divide="ignore"):
        keys = np.log(rng.random(rows.shape)) / rows  # log of u^(1/p): -inf where p = 0
    order = np.argsort(-keys, axis=1, kind="stable")
    return order[:, :n].astype(np.int64)


def dropout(x: Tensor, p: float = 0.5, *, generator: Seed = None) -> Tensor:
    """Each entry zeroed with probability ``p``, the others scaled by 1 / (1 - p).

    The scale keeps every entry's expected value, so nothing needs changing
    when dropout is switched off for evaluation.  d/dx = the same mask:
    1 / (1 - p) where the entry was kept, 0 where it was dropped.  p = 1
    drops everything (all zeros, as in PyTorch).
    """
    x = require_tensor(x, "dropout")
    p = real_number(p, "dropout(p)", minimum=0.0, maximum=1.0)
    data = x.data
    if p == 1.0:
        mask = np.zeros(data.shape, dtype=data.dtype)
    else:
        keep = make_rng(generator).random(data.shape) >= p
        mask = keep.astype(data.dtype) * data.dtype.type(1.0 / (1.0 - p))
    with quiet():  # a dropped inf or nan is 0 · inf = nan, as in PyTorch
        out = data * mask
    return x.from_op(out, (x,), "dropout", dropout_backward, (mask,))


def dropout_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> Grads:
    """g times the mask of the forward pass."""
    with quiet():
        return (g * saved[0],)
