"""The input features a lab network can read: x1, x2, their squares, their product, their sines.

A network that reads x1² and x2² can draw a circle with one neuron; one that
reads sin x1 can draw waves.  ``feature_matrix`` turns points of the plane
into the chosen features, for training and for every pixel of a heatmap alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .settings import FEATURES

__all__ = ["FEATURE_FORMULAS", "FEATURE_LABELS", "feature_matrix"]

#: Feature name -> the numbers it reads from points (n, 2).
FEATURE_FORMULAS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}
assert tuple(FEATURE_FORMULAS) == FEATURES

#: How the page writes each feature.
FEATURE_LABELS: dict[str, str] = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin(x1)": "sin(x₁)",
    "sin(x2)": "sin(x₂)",
}


def feature_matrix(X: np.ndarray, features: Sequence[str], dtype: type = np.float64) -> np.ndarray:
    """The chosen features of points ``X`` (n, 2), one column each, in the order given.

    >>> feature_matrix(np.array([[2.0, 3.0]]), ["x1", "x1*x2", "x2^2"]).tolist()
    [[2.0, 6.0, 9.0]]
    """
    columns = [FEATURE_FORMULAS[name](X) for name in features]
    return np.column_stack(columns).astype(dtype, copy=False)
