"""Checking what training, evaluation and prediction receive: inputs X and targets y."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..nn.engines import finite_array
from ..util.checks import number_array

__all__ = ["as_features", "as_indices", "as_targets"]


def as_features(
    X: Any, where: str, dtype: Any = np.float64, *, rows_only: bool = False
) -> np.ndarray:
    """``X`` as an array of ``dtype`` with one row per example (a 1-D X is one column).

    No copy when it already is one.  Empty, non-numeric, NaN or infinite input
    is an error naming ``where``; so is more than 2-D input when ``rows_only``
    (a scalar network reads one flat row of inputs per example).
    """
    arr = number_array(X, where, dtype, expected="a 2-D array of numbers")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim < 2 or len(arr) == 0 or arr.size == 0:
        raise ValueError(
            f"{where}: expected a non-empty array with one row per example, got shape {arr.shape}"
        )
    if rows_only and arr.ndim != 2:
        raise ValueError(
            f"{where}: expected a 2-D array (one row of inputs per example), got shape {arr.shape}"
        )
    if not finite_array(arr):
        raise ValueError(f"{where}: contains NaN or infinite values")
    return arr


def as_targets(y: Any, n: int, where: str) -> np.ndarray:
    """``y`` as a numeric array with one target (or one row of targets) per example."""
    arr = number_array(y, where, expected="targets that are numbers, one per example")
    if arr.ndim == 0 or len(arr) != n:
        raise ValueError(f"{where}: expected {n} targets (one per row of X), got shape {arr.shape}")
    if not finite_array(arr):
        raise ValueError(f"{where}: targets must be finite numbers")
    return arr


def as_indices(X: Any, where: str, limit: int) -> np.ndarray:
    """``X`` as an int64 array of token indices in [0, limit), one row (a context) per example.

    For a model that starts with an ``Embedding``: its inputs are row numbers
    of the table, not features, so they stay integers (whole numbers stored
    as floats are accepted).  An index outside the table is an IndexError
    naming it, found before any training.
    """
    arr = number_array(X, where, expected="integer indices (one context per row)")
    if arr.dtype.kind == "f" and not (np.isfinite(arr).all() and (arr == np.round(arr)).all()):
        raise ValueError(f"{where}: expected integer indices, got numbers that are not whole")
    if arr.ndim == 0 or len(arr) == 0 or arr.size == 0:
        raise ValueError(
            f"{where}: expected a non-empty array with one row per example, got shape {arr.shape}"
        )
    out = arr.astype(np.int64, copy=False)
    low, high = int(out.min()), int(out.max())
    if low < 0 or high >= limit:
        bad = low if low < 0 else high
        raise IndexError(f"{where}: index {bad} is out of range for an embedding of {limit} rows")
    return out
