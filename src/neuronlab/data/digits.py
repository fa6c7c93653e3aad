"""Real handwritten digits, 8×8 pixels: the 1,797 images that ship inside scikit-learn.

No download: the numbers are in scikit-learn's wheel (the test set of UCI's
"Optical Recognition of Handwritten Digits": 32×32 bitmaps counted down to
8×8 blocks of 4×4 pixels).  Each image is 64 ink levels 0..16; here they come
divided by 16, so every input lies in [0, 1].
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np

from ..util.rng import Seed
from .prep import train_test_split

__all__ = ["DIGITS_SHAPE", "digits"]

#: The height and width of one digits image; a row of X is this image flattened.
DIGITS_SHAPE = (8, 8)

_INSTALL_HINT = "pip install neuronlab[data]"


_cache: tuple[np.ndarray, np.ndarray] | None = None


def _bundled_csv() -> str | None:
    """The path of the digits file inside scikit-learn's wheel, found without importing it.

    ``import sklearn.datasets`` takes seconds (it loads SciPy); the file it
    would read is a 1,797 × 65 CSV (64 pixels, then the label).  None when
    the layout is not the expected one, and ``load_digits`` is used instead.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ImportError(
            "the digits dataset ships with scikit-learn, which is not installed; "
            f"install it with: {_INSTALL_HINT}  (or: pip install scikit-learn)"
        )
    for folder in spec.submodule_search_locations or ():
        path = os.path.join(folder, "datasets", "data", "digits.csv.gz")
        if os.path.isfile(path):
            return path
    return None


def _load_sklearn_digits() -> tuple[np.ndarray, np.ndarray]:
    """(X in [0, 1], y) for all 1,797 digits, read once per process and then copied."""
    global _cache
    if _cache is None:
        table = None
        path = _bundled_csv()
        if path is not None:
            try:
                table = np.loadtxt(path, delimiter=",", dtype=np.float64)
            except (OSError, ValueError):
                table = None
        if table is None or table.shape != (1797, 65):
            try:
                from sklearn.datasets import load_digits
            except ImportError as exc:
                raise ImportError(
                    "the digits dataset ships with scikit-learn, which could not be imported; "
                    f"install it with: {_INSTALL_HINT}  (or: pip install scikit-learn)"
                ) from exc
            bunch = load_digits()
            table = np.column_stack([bunch.data, bunch.target])
        _cache = (table[:, :64] / 16.0, table[:, 64].astype(np.int64))
    return _cache[0].copy(), _cache[1].copy()


def digits(
    split: bool = True,
    test_size: float | int = 0.25,
    seed: Seed = 0,
) -> tuple[np.ndarray, ...]:
    """The 8×8 handwritten digits: X of shape (n, 64) in [0, 1] (float64), y digits 0..9 (int64).

    split=True (the default): ``(X_train, X_test, y_train, y_test)`` — a
    seeded, stratified split (every digit keeps its share on both sides;
    ``test_size`` a fraction or a count, 0.25 → 1,347 train / 450 test), both
    sides shuffled, as ``train_test_split`` makes it.  split=False: ``(X, y)``,
    all 1,797 examples in scikit-learn's order (``test_size`` and ``seed`` unused).

    A row is an image read row by row: ``X[i].reshape(8, 8)`` shows it.
    Needs scikit-learn (``pip install neuronlab[data]``).
    """
    if not isinstance(split, bool):
        raise TypeError(f"digits(split): expected True or False, got {type(split).__name__}")
    X, y = _load_sklearn_digits()
    if not split:
        return X, y
    return train_test_split(X, y, test_size=test_size, seed=seed, stratify=True)
