"""Built-in datasets: generated on the spot (seeded), no download.

``load(name, **options)`` picks one by name; each is also a function here:
``moons``, ``circles``, ``xor``, ``spiral``, ``blobs``, ``sweets``, ``houses``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .synthetic import (
    GATES,
    HOUSE_PRICE,
    SWEETS_FACTORS,
    SWEETS_THRESHOLD,
    SWEETS_WEIGHTS,
    blobs,
    circles,
    gate,
    houses,
    moons,
    spiral,
    sweets,
    xor,
)

#: Dataset name -> the function that makes it.
DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "moons": moons,
    "circles": circles,
    "xor": xor,
    "spiral": spiral,
    "blobs": blobs,
    "sweets": sweets,
    "houses": houses,
}

#: Datasets whose targets are real numbers rather than class labels.
REGRESSION = frozenset({"houses"})


def names() -> list[str]:
    """The names ``load`` accepts."""
    return list(DATASETS)


def load(name: str, **options: Any) -> tuple[np.ndarray, np.ndarray]:
    """The dataset called ``name`` as ``(X, y)``; options go to its function (``n``, ``seed``…)."""
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {', '.join(DATASETS)}")
    return DATASETS[name](**options)


__all__ = [
    "DATASETS",
    "REGRESSION",
    "load",
    "names",
    "moons",
    "circles",
    "xor",
    "spiral",
    "blobs",
    "sweets",
    "houses",
    "gate",
    "GATES",
    "HOUSE_PRICE",
    "SWEETS_FACTORS",
    "SWEETS_WEIGHTS",
    "SWEETS_THRESHOLD",
]
