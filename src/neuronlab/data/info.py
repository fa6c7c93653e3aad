"""The built-in datasets: the one registry of their names, what makes each, what its numbers mean.

``DATASETS`` is the registry: each entry names the function that makes the
data and says in one line what it is, and carries its ``DatasetInfo``:
feature names, the target and its units, classes.  Pictures and reports read
this to label their axes ("size (m²)", "price (k€)") and legends ("upper
moon") instead of ``x[0]`` and ``y = 1``.  It is the one place these facts
are written down; the generators in ``synthetic``, ``digits`` and ``mnist``
make the numbers.

>>> info = dataset_info("houses")
>>> info.task, info.feature_label(0), info.target_label
('regression', 'size (m²)', 'price (k€)')
>>> dataset_info("digits").class_label(3), dataset_info("digits").image_shape
('3', (8, 8))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..util.registry import Entry, Registry
from .digits import DIGITS_SHAPE, digits
from .mnist import mnist
from .synthetic import (
    SWEETS_FACTORS,
    blobs,
    bumps,
    circles,
    houses,
    moons,
    plane,
    spiral,
    sweets,
    xor,
)

__all__ = [
    "DATASETS",
    "DATASET_INFO",
    "MNIST_SHAPE",
    "TASKS",
    "DatasetEntry",
    "DatasetInfo",
    "TrainTest",
    "dataset_info",
]

#: The two kinds of problem: predict a class, or predict a number.
TASKS = ("classification", "regression")

#: The height and width of one MNIST image; a row of X is this image flattened.
MNIST_SHAPE = (28, 28)

_DIGIT_NAMES = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class DatasetInfo:
    """The meaning of a dataset's columns and targets, for labelling its pictures.

    ``task`` is "classification" or "regression".  ``feature_names`` names the
    columns of X (None: plain ``x1, x2, ...``), ``target_name`` and
    ``target_units`` the number a regression predicts, ``class_names`` the
    label of each class 0, 1, ... (None: the numbers themselves), and
    ``image_shape`` the (height, width) of an image when each row of X is one.
    """

    name: str
    task: str
    feature_names: tuple[str, ...] | None = None
    target_name: str | None = None
    target_units: str | None = None
    class_names: tuple[str, ...] | None = None
    image_shape: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(
                f"DatasetInfo(task): expected one of {', '.join(TASKS)}, got {self.task!r}"
            )

    def feature_label(self, i: int) -> str:
        """How an axis showing column ``i`` of X is labelled: its name, or ``x1``, ``x2``, ..."""
        if self.feature_names is not None and 0 <= i < len(self.feature_names):
            return self.feature_names[i]
        return f"x{i + 1}"

    @property
    def target_label(self) -> str:
        """The target with its units, as an axis says it: ``price (k€)``; ``y`` when unnamed."""
        name = self.target_name or "y"
        return f"{name} ({self.target_units})" if self.target_units else name

    def class_label(self, k: int) -> str:
        """What class ``k`` is called: its name, or the number itself."""
        if self.class_names is not None and 0 <= k < len(self.class_names):
            return self.class_names[k]
        return str(k)


def _all_digits(seed: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits as ``(X, y)`` in scikit-learn's order (``seed`` accepted, unused)."""
    X, y = digits(split=False)
    return X, y


#: A dataset's own training and test sets: ``((X_train, y_train), (X_test, y_test))``.
TrainTest = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _digits_train_test(*, seed: Any = 0, path: Any = None) -> TrainTest:
    """The digits' seeded, stratified split (3/4 to train), as ``digits()`` makes it."""
    X, X_test, y, y_test = digits(seed=seed)
    return (X, y), (X_test, y_test)


def _mnist_train_test(*, seed: Any = None, path: Any = None) -> TrainTest:
    """MNIST's own 60,000 training and 10,000 test images, read from the folder ``path``."""
    return mnist(path, "train"), mnist(path, "test")


@dataclass(frozen=True)
class DatasetEntry(Entry):
    """One built-in dataset: its name, the function that makes ``(X, y)`` (``builds``), a line
    saying what it is, and ``info``, what its numbers mean.  ``from_files``: read from the user's
    own files (mnist: ``load("mnist", path=folder)``), not generated or shipped.  ``train_test``:
    when the dataset has its own test set, the function giving ``TrainTest``, called with
    ``seed=`` and ``path=`` (the folder of a dataset read from files; None otherwise)."""

    info: DatasetInfo | None = None
    from_files: bool = False
    train_test: Callable[..., TrainTest] | None = None


def _dataset(
    info: DatasetInfo,
    builds: Any,
    summary: str,
    from_files: bool = False,
    train_test: Callable[..., TrainTest] | None = None,
) -> DatasetEntry:
    return DatasetEntry(info.name, builds, summary, info.name, info, from_files, train_test)


#: The one registry of the built-in datasets, by the name ``data.load`` knows each under: what
#: makes it and what its numbers mean.  A new dataset is added here; the command line's
#: --dataset, the lab's menu and the reports read it.
DATASETS: Registry[DatasetEntry] = Registry(
    "dataset",
    [
        _dataset(
            DatasetInfo("moons", "classification", class_names=("upper moon", "lower moon")),
            moons,
            "two interleaving half circles (micrograd's demo data)",
        ),
        _dataset(
            DatasetInfo("circles", "classification", class_names=("outer circle", "inner circle")),
            circles,
            "a small circle inside a large one",
        ),
        _dataset(
            DatasetInfo("xor", "classification", class_names=("same signs", "opposite signs")),
            xor,
            "points around the four corners, class 1 where exactly one coordinate is positive",
        ),
        _dataset(DatasetInfo("spiral", "classification"), spiral, "interleaved spiral arms"),
        _dataset(DatasetInfo("blobs", "classification"), blobs, "Gaussian clusters"),
        _dataset(
            DatasetInfo(
                "sweets",
                "classification",
                feature_names=SWEETS_FACTORS,
                target_name="eat sweets",
                class_names=("no", "yes"),
            ),
            sweets,
            "the perceptron's sweets decision: three yes/no factors",
        ),
        _dataset(
            DatasetInfo(
                "houses",
                "regression",
                feature_names=("size (m²)", "location (0-1)"),
                target_name="price",
                target_units="k€",
            ),
            houses,
            "house prices from size and location",
        ),
        _dataset(
            DatasetInfo("plane", "regression", target_name="height"),
            plane,
            "a tilted plane over [-1, 1]²",
        ),
        _dataset(
            DatasetInfo("bumps", "regression", target_name="height"),
            bumps,
            "two hills and a valley over [-1, 1]²",
        ),
        _dataset(
            DatasetInfo(
                "digits",
                "classification",
                target_name="digit",
                class_names=_DIGIT_NAMES,
                image_shape=DIGITS_SHAPE,
            ),
            _all_digits,
            "1,797 real 8×8 handwritten digits (scikit-learn's)",
            train_test=_digits_train_test,
        ),
        _dataset(
            DatasetInfo(
                "mnist",
                "classification",
                target_name="digit",
                class_names=_DIGIT_NAMES,
                image_shape=MNIST_SHAPE,
            ),
            mnist,
            "MNIST's 28×28 digits, read from your own IDX files (path=folder)",
            from_files=True,
            train_test=_mnist_train_test,
        ),
    ],
)

#: Every built-in dataset's meaning, by its name (read from ``DATASETS``).
DATASET_INFO: dict[str, DatasetInfo] = {
    name: entry.info for name, entry in DATASETS.items() if entry.info is not None
}


def dataset_info(name: str) -> DatasetInfo:
    """The meaning of the built-in dataset ``name``; an unknown name is a ValueError."""
    return DATASET_INFO[DATASETS.check(name, "dataset_info")]
