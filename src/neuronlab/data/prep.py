"""Getting any ``(X, y)`` ready for a network: scaled floats, one-hot targets, a fair split.

- ``normalize(X)`` — every number into [0, 1] (``method="range"``, the default,
  one minimum and one maximum for the whole array: right for images, where a
  pixel is a pixel wherever it sits), or each column to mean 0 and standard
  deviation 1 (``method="standard"``, right for measurements in different
  units).  Pass ``reference=X_train`` to scale test data with the training
  data's figures, so both go through the same transformation.
- ``one_hot(y)`` — class labels 0..k-1 as rows of k numbers with a single 1.
- ``train_test_split(X, y)`` — a seeded split that keeps each class's share
  (stratified) unless told otherwise.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..util.checks import class_labels, number_array, real_number, whole_number
from ..util.rng import Seed, make_rng

__all__ = ["normalize", "one_hot", "train_test_split"]

NORMALIZE_METHODS = ("range", "standard")


def _features(X: Any, where: str) -> np.ndarray:
    """``X`` as a finite float64 array with one row per example."""
    arr = number_array(X, where, np.float64, expected="an array of numbers")
    if arr.ndim == 0 or arr.size == 0:
        raise ValueError(f"{where}: expected a non-empty array of examples, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{where}: contains NaN or infinite values")
    return arr


def normalize(
    X: Any,
    method: str = "range",
    *,
    reference: Any = None,
    dtype: Any = np.float64,
) -> np.ndarray:
    """``X`` rescaled as floats; the figures come from ``reference`` (default: ``X`` itself).

    method="range":    (X - min) / (max - min), one min and max for the whole
                       reference array, so the reference lands in [0, 1].
    method="standard": (X - mean) / std per column (axis 0); a column that
                       never changes is only centred.
    A constant reference under "range" maps to zeros.  Returns a new array
    of ``dtype`` (float64 by default; float32 is what the tensor engine uses).
    """
    if method not in NORMALIZE_METHODS:
        raise ValueError(
            f"normalize(method): expected one of {', '.join(NORMALIZE_METHODS)}, got {method!r}"
        )
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"normalize(dtype): expected a float dtype, got {dtype}")
    x = _features(X, "normalize(X)")
    ref = x if reference is None else _features(reference, "normalize(reference)")
    if method == "range":
        low, high = float(ref.min()), float(ref.max())
        span = high - low
        out = (x - low) / span if span > 0 else np.zeros_like(x)
    else:
        if ref.ndim < 2:
            ref = ref[:, None]
        if x.ndim < 2:
            x = x[:, None]
        if ref.shape[1:] != x.shape[1:]:
            raise ValueError(
                f"normalize: X has examples of shape {x.shape[1:]} but reference has "
                f"{ref.shape[1:]}; they must match"
            )
        mean = ref.mean(axis=0)
        std = ref.std(axis=0)
        out = (x - mean) / np.where(std > 0, std, 1.0)
        if np.ndim(X) < 2:
            out = out[:, 0]
    return out.astype(dtype, copy=False)


def one_hot(y: Any, n_classes: int | None = None, dtype: Any = np.float64) -> np.ndarray:
    """Labels 0..k-1 as an (n, k) array with ``Y[i, y_i] = 1`` and zeros elsewhere.

    ``n_classes`` defaults to one more than the largest label.
    """
    idx = class_labels(y, "one_hot(y)")
    largest = int(idx.max())
    if n_classes is None:
        k = largest + 1
    else:
        k = whole_number(n_classes, "one_hot(n_classes)", minimum=1)
        if largest >= k:
            raise ValueError(
                f"one_hot: n_classes={k} but the labels go up to {largest} "
                f"(expected labels 0..{k - 1})"
            )
    out = np.zeros((len(idx), k), dtype=dtype)
    out[np.arange(len(idx)), idx] = 1
    return out


def _test_count(test_size: Any, n: int) -> int:
    """How many of ``n`` examples go to the test set: a fraction in (0, 1) or a count."""
    where = "train_test_split(test_size)"
    if isinstance(test_size, (bool, np.bool_, int, np.integer)):  # a count (a bool is refused)
        return whole_number(test_size, where, minimum=1, maximum=n - 1)
    fraction = real_number(
        test_size, where, minimum=0.0, maximum=1.0, strict=True, strict_maximum=True
    )
    n_test = math.ceil(fraction * n)
    if not 1 <= n_test < n:
        raise ValueError(
            f"train_test_split: test_size={test_size} of {n} examples leaves "
            f"{n_test} for testing and {n - n_test} for training; both need at least 1"
        )
    return n_test


def _stratified_test_indices(y: np.ndarray, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``n_test`` indices so every class gets its share, rounded fairly.

    Class c with n_c of n examples gets ⌊n_c · n_test / n⌋ test examples; the
    few left over by rounding down go to the classes with the largest
    remainders (ties: the rarer class, then the smaller label).
    """
    classes, y_idx, counts = np.unique(y, return_inverse=True, return_counts=True)
    if (counts < 2).any():
        rare = classes[counts < 2][0].item()
        raise ValueError(
            f"train_test_split: class {rare!r} has only 1 example; a stratified split needs "
            f"at least 2 of each class (or pass stratify=False)"
        )
    k, n = len(classes), len(y)
    if n_test < k or n - n_test < k:
        raise ValueError(
            f"train_test_split: {k} classes need at least {k} examples on each side of a "
            f"stratified split, got {n_test} for testing and {n - n_test} for training"
        )
    exact = counts * n_test / n
    take = np.floor(exact).astype(np.int64)
    left = n_test - int(take.sum())
    order = np.lexsort((np.arange(k), counts, -(exact - take)))
    take[order[:left]] += 1
    chosen = []
    for c in range(k):
        members = np.flatnonzero(y_idx == c)
        chosen.append(rng.permutation(members)[: take[c]])
    return np.concatenate(chosen)


def train_test_split(
    X: Any,
    y: Any,
    test_size: float | int = 0.25,
    seed: Seed = 0,
    stratify: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split ``(X, y)`` into ``(X_train, X_test, y_train, y_test)``, seeded and shuffled.

    test_size: a fraction of the examples (rounded up, as scikit-learn does)
    or a count.  stratify=True keeps each class's share equal on both sides
    (n_c · test_size of class c in the test set, up to rounding); it needs
    class labels, at least 2 examples of each class.  Both sides come out in
    random order; the same seed gives the same split on every run.
    """
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError(f"train_test_split(X): expected an array, got {type(X).__name__}")
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"train_test_split: X and y need one entry per example, got shapes {X.shape} "
            f"and {y.shape}"
        )
    if len(X) != len(y):
        raise ValueError(
            f"train_test_split: X has {len(X)} examples but y has {len(y)} "
            f"(shapes {X.shape} and {y.shape})"
        )
    n = len(X)
    if n < 2:
        raise ValueError(f"train_test_split: need at least 2 examples, got {n}")
    n_test = _test_count(test_size, n)
    rng = make_rng(seed)
    if stratify:
        if y.ndim != 1:
            raise ValueError(
                f"train_test_split(stratify=True): y must be one class label per example "
                f"(shape (n,)), got shape {y.shape}"
            )
        if np.issubdtype(y.dtype, np.floating) and not (y == np.round(y)).all():
            raise ValueError(
                "train_test_split(stratify=True): y holds non-integer numbers (a regression "
                "target?); pass stratify=False"
            )
        test = _stratified_test_indices(y, n_test, rng)
    else:
        test = rng.permutation(n)[:n_test]
    is_test = np.zeros(n, dtype=bool)
    is_test[test] = True
    test = rng.permutation(test)
    train = rng.permutation(np.flatnonzero(~is_test))
    return X[train], X[test], y[train], y[test]
