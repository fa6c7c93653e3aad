"""Small generated datasets for the learner's path: seeded, no download.

Every function returns NumPy arrays ``X`` (float64, one row per example) and
``y`` (int64 class labels, or float64 targets for regression).  The same
``seed`` gives the same numbers on every run.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..util.checks import non_negative_number, one_of, real_number, whole_number
from ..util.rng import Seed, make_rng

__all__ = [
    "GATES",
    "HOUSE_PRICE",
    "SWEETS_FACTORS",
    "SWEETS_THRESHOLD",
    "SWEETS_WEIGHTS",
    "blobs",
    "bumps",
    "circles",
    "gate",
    "houses",
    "moons",
    "plane",
    "spiral",
    "sweets",
    "xor",
]


#: The most points a generated dataset may have (a learner's toy data, not a memory test).
MAX_POINTS = 1_000_000


def _count(n: object, where: str = "n", minimum: int = 1) -> int:
    return whole_number(n, where, minimum=minimum, maximum=MAX_POINTS)


def _noise_level(noise: object, where: str = "noise") -> float:
    return non_negative_number(noise, where)


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator):
    order = rng.permutation(len(X))
    return X[order], y[order]


def moons(n: int = 100, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (micrograd's demo data); labels 0 and 1.

    Upper moon: (cos t, sin t); lower moon: (1 - cos t, 0.5 - sin t), t in [0, π],
    plus Gaussian noise of standard deviation ``noise``.
    """
    n = _count(n, minimum=2)
    noise = _noise_level(noise)
    rng = make_rng(seed)
    n_upper = n // 2 + n % 2
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n - n_upper)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, (n, 2))
    y = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n - n_upper, np.int64)])
    return _shuffled(X, y, rng)


def circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (label 1, radius ``factor``) inside a large one (label 0, radius 1)."""
    n = _count(n, minimum=2)
    noise = _noise_level(noise)
    factor = real_number(factor, "factor", minimum=0.0, maximum=1.0, strict=True)
    if factor == 1.0:
        raise ValueError("factor: expected a number strictly between 0 and 1, got 1")
    rng = make_rng(seed)
    n_outer = n // 2 + n % 2
    t_outer = np.linspace(0.0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2 * np.pi, n - n_outer, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    X = np.vstack([outer, inner]) + rng.normal(0.0, noise, (n, 2))
    y = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n - n_outer, np.int64)])
    return _shuffled(X, y, rng)


def xor(n: int = 200, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points around the four corners (±1, ±1); label 1 where exactly one coordinate is positive.

    No single line separates the classes: the problem a perceptron cannot learn.
    """
    n = _count(n, minimum=4)
    noise = _noise_level(noise)
    rng = make_rng(seed)
    corners = rng.integers(0, 2, (n, 2))
    X = (2.0 * corners - 1.0) + rng.normal(0.0, noise, (n, 2))
    y = (corners[:, 0] ^ corners[:, 1]).astype(np.int64)
    return X, y


def spiral(
    n: int = 300, classes: int = 3, noise: float = 0.2, seed: Seed = 0, turn: float = 4.0
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (n points in all); labels 0 .. classes-1.

    Each arm turns through ``turn`` radians from the centre to the edge (4, the
    default, is about two thirds of a circle; 9 winds one and a half times and
    needs a deeper network or more features).
    """
    n = _count(n, minimum=2)
    classes = whole_number(classes, "classes", minimum=2, maximum=100)
    noise = _noise_level(noise)
    turn = real_number(turn, "turn", minimum=0.0, maximum=100.0)
    rng = make_rng(seed)
    y = np.arange(n, dtype=np.int64) % classes
    radius = np.linspace(0.05, 1.0, n)
    angle = y * (2 * np.pi / classes) + radius * turn + rng.normal(0.0, noise, n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _shuffled(X, y, rng)


def blobs(
    n: int = 150, centers: int = 3, std: float = 0.5, dim: int = 2, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters (std ``std``) around ``centers`` random centres in [-5, 5]."""
    n = _count(n)
    centers = whole_number(centers, "centers", minimum=1, maximum=100)
    dim = whole_number(dim, "dim", minimum=1, maximum=1000)
    std = _noise_level(std, "std")
    rng = make_rng(seed)
    middles = rng.uniform(-5.0, 5.0, (centers, dim))
    y = np.arange(n, dtype=np.int64) % centers
    X = middles[y] + rng.normal(0.0, std, (n, dim))
    return _shuffled(X, y, rng)


#: The three yes/no factors of the sweets decision, and the perceptron that decides.
SWEETS_FACTORS = ("is it the weekend", "do I really want sweets", "are there sweets at home")
SWEETS_WEIGHTS = (2.0, 6.0, 2.0)
SWEETS_THRESHOLD = 5.0


def sweets() -> tuple[np.ndarray, np.ndarray]:
    """All 8 combinations of the three yes/no sweets factors and the decision.

    With weights (2, 6, 2) and threshold 5 the decision is 1 exactly when the
    second factor is 1: 6 alone clears the threshold, 2 + 2 = 4 does not.
    """
    X = np.array(list(itertools.product((0.0, 1.0), repeat=3)))
    y = (X @ np.array(SWEETS_WEIGHTS) > SWEETS_THRESHOLD).astype(np.int64)
    return X, y


def HOUSE_PRICE(size: np.ndarray, location: np.ndarray) -> np.ndarray:
    """The formula behind ``houses``: price (k€) = 50 + 2.5 · size (m²) + 120 · location (0–1)."""
    return 50.0 + 2.5 * np.asarray(size) + 120.0 * np.asarray(location)


def houses(n: int = 100, noise: float = 10.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """House prices (k€) from size (m², 40–200) and location quality (0–1), with noise.

    ``y = HOUSE_PRICE(size, location) + N(0, noise²)``; columns of X: size, location.
    """
    n = _count(n)
    noise = _noise_level(noise)
    rng = make_rng(seed)
    size = rng.uniform(40.0, 200.0, n)
    location = rng.uniform(0.0, 1.0, n)
    X = np.column_stack([size, location])
    y = HOUSE_PRICE(size, location) + rng.normal(0.0, noise, n)
    return X, y


def plane(n: int = 200, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """A tilted plane: y = 0.6·x1 - 0.4·x2 + noise, points uniform in the square [-1, 1]².

    The simplest regression a network can fit: one linear neuron is enough.
    """
    n = _count(n)
    noise = _noise_level(noise)
    rng = make_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, 2))
    y = 0.6 * X[:, 0] - 0.4 * X[:, 1] + rng.normal(0.0, noise, n)
    return X, y


def bumps(n: int = 200, noise: float = 0.05, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """A landscape of two hills and a valley over [-1, 1]²: a sum of three Gaussians, plus noise.

    y = e^(-|x - (-0.4, 0.4)|²/0.1) + e^(-|x - (0.5, 0.3)|²/0.1) - e^(-|x - (0, -0.5)|²/0.1);
    no line fits it, so the network needs hidden neurons.
    """
    n = _count(n)
    noise = _noise_level(noise)
    rng = make_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, 2))
    y = rng.normal(0.0, noise, n)
    for (cx, cy), sign in (((-0.4, 0.4), 1.0), ((0.5, 0.3), 1.0), ((0.0, -0.5), -1.0)):
        y += sign * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / 0.1)
    return X, y


#: Truth tables of the logic gates for the perceptron learning rule.
GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
}


def gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate: X is the 4 input pairs, y the outputs."""
    one_of(name, GATES, "gate")
    X = np.array(list(itertools.product((0.0, 1.0), repeat=2)))
    return X, np.array(GATES[name], dtype=np.int64)
