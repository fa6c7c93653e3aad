"""The lab's data: points on the plane [-6, 6]², their labels (or heights), and the split.

A generated set is drawn by ``neuronlab.datasets`` with the run's seed and
scaled into the plane; the user's own points ("custom") come from clicks or
an uploaded CSV (``x1,x2,label``).  Either way the points are split into
training and test examples with the seed, so the same settings give the same
split.  ``read_csv`` and ``to_csv`` read and write the points through
``io.rows``, the reader ``neuronlab predict`` uses, within the lab's bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import data as datasets
from ..io.rows import csv_text, parse_rows
from ..util.rng import make_rng
from .settings import MAX_CLASSES, MAX_POINTS, MIN_POINTS, PLACEMENT, LabInputError, LabSettings

__all__ = [
    "DOMAIN",
    "MAX_CSV_BYTES",
    "Problem",
    "custom_problem",
    "make_problem",
    "read_csv",
    "to_csv",
]

#: The plane every point lies in: x1 and x2 from -DOMAIN to DOMAIN.
DOMAIN = 6.0
#: The largest CSV the lab reads.
MAX_CSV_BYTES = 2 * 1024 * 1024
#: What the lab's messages call an uploaded CSV.
CSV_NAME = "the CSV (x1,x2,label rows)"

#: How far the lab's spiral arms wind, in radians from the centre to the edge.
SPIRAL_TURN = 9.0


@dataclass(frozen=True)
class Problem:
    """Points ``X`` (n, 2) on the plane, targets ``y``, and which are for training and testing.

    ``y`` holds class labels 0..classes-1 (int64) for classification, heights
    (float64) for regression.
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    classes: int
    train: np.ndarray  # indices into X
    test: np.ndarray

    @property
    def size(self) -> int:
        """How many points there are."""
        return len(self.X)


def _split(n: int, test_ratio: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/test indices: round(n · test_ratio) test points, at least one each side."""
    order = make_rng(seed).permutation(n)
    n_test = min(max(1, round(n * test_ratio)), n - 1)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def _generate(s: LabSettings) -> tuple[np.ndarray, np.ndarray]:
    if s.dataset == "spiral":  # wound one and a half times, as TensorFlow Playground's
        X, y = datasets.spiral(
            s.points, classes=s.classes, noise=s.noise, seed=s.seed, turn=SPIRAL_TURN
        )
    elif s.dataset == "blobs":
        X, y = datasets.blobs(s.points, centers=s.classes, std=0.5 + 2 * s.noise, seed=s.seed)
    else:
        X, y = datasets.load(s.dataset, n=s.points, noise=s.noise, seed=s.seed)
    centre, scale = PLACEMENT[s.dataset]
    X = (X - np.asarray(centre)) * scale
    return np.clip(X, -DOMAIN, DOMAIN), y


def make_problem(s: LabSettings) -> Problem:
    """The generated set the settings name, on the plane, split with the seed."""
    if s.dataset == "custom":
        raise LabInputError("dataset", "custom data comes from your points or a CSV upload")
    X, y = _generate(s)
    classes = int(y.max()) + 1 if s.task == "classification" else 0
    train, test = _split(len(X), s.test_ratio, s.seed)
    y = y.astype(np.int64) if s.task == "classification" else y.astype(np.float64)
    return Problem(X.astype(np.float64), y, s.task, classes, train, test)


def custom_problem(X: np.ndarray, y: np.ndarray, test_ratio: float, seed: int) -> Problem:
    """The user's own points as a problem: classes when every label is 0..5, else heights."""
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if len(X) < MIN_POINTS:
        raise LabInputError("points", f"expected at least {MIN_POINTS} points, got {len(X)}")
    if len(X) > MAX_POINTS:
        raise LabInputError("points", f"expected at most {MAX_POINTS:,} points, got {len(X):,}")
    whole = np.all(y == np.round(y)) and y.min() >= 0 and y.max() < MAX_CLASSES
    if whole:
        labels = y.astype(np.int64)
        classes = int(labels.max()) + 1
        if classes < 2:
            raise LabInputError("label", "expected points of at least two classes (labels 0 and 1)")
        train, test = _split(len(X), test_ratio, seed)
        return Problem(X, labels, "classification", classes, train, test)
    train, test = _split(len(X), test_ratio, seed)
    return Problem(X, y, "regression", 0, train, test)


def read_csv(content: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Points from a CSV of ``x1,x2,label`` rows (a header row is allowed), checked.

    Read by ``io.rows.parse_rows`` as ``neuronlab predict`` reads its rows
    (quoted numbers, a comma ending every row, comments and blank lines
    alike), within ``MAX_CSV_BYTES`` and ``MAX_POINTS`` rows; every x in
    [-6, 6].  Anything else is a LabInputError (field "csv") naming the line
    or the point and what is wrong.
    """
    try:
        rows = parse_rows(
            content,
            CSV_NAME,
            max_bytes=MAX_CSV_BYTES,
            max_rows=MAX_POINTS,
            columns=3,
            header=True,
        )
    except ValueError as exc:
        raise LabInputError("csv", str(exc)) from None
    X, y = rows[:, :2], rows[:, 2]
    outside = np.flatnonzero(np.abs(X).max(axis=1) > DOMAIN)
    if len(outside):
        i = int(outside[0])
        raise LabInputError(
            "csv",
            f"{CSV_NAME}, point {i + 1}: ({X[i, 0]:g}, {X[i, 1]:g}) lies outside the plane; "
            f"x1 and x2 must be within [-{DOMAIN:g}, {DOMAIN:g}]",
        )
    return X.copy(), y.copy()


def to_csv(problem: Problem) -> str:
    """The points as CSV text with a header, labels as ints for classes (``read_csv`` reads it)."""
    labels = problem.y.tolist()
    if problem.task == "classification":
        labels = [int(label) for label in labels]
    rows = ((x1, x2, label) for (x1, x2), label in zip(problem.X.tolist(), labels))
    return csv_text(rows, names=["x1", "x2", "label"])
