"""What each built-in dataset's numbers mean: feature names, the target and its units, classes.

Pictures and reports read this to label their axes ("size (m²)", "price (k€)")
and legends ("upper moon") instead of ``x[0]`` and ``y = 1``.  It is the one
place these facts are written down; the generators in ``synthetic``,
``digits`` and ``mnist`` make the numbers.

>>> info = dataset_info("houses")
>>> info.task, info.feature_label(0), info.target_label
('regression', 'size (m²)', 'price (k€)')
>>> dataset_info("digits").class_label(3), dataset_info("digits").image_shape
('3', (8, 8))
"""

from __future__ import annotations

from dataclasses import dataclass

from .digits import DIGITS_SHAPE
from .synthetic import SWEETS_FACTORS

__all__ = ["DatasetInfo", "dataset_info", "DATASET_INFO", "TASKS", "MNIST_SHAPE"]

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


#: Every built-in dataset's meaning, by the name ``datasets.load`` knows it under (and mnist).
DATASET_INFO: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo("moons", "classification", class_names=("upper moon", "lower moon")),
        DatasetInfo("circles", "classification", class_names=("outer circle", "inner circle")),
        DatasetInfo(
            "xor",
            "classification",
            class_names=("same signs", "opposite signs"),
        ),
        DatasetInfo("spiral", "classification"),
        DatasetInfo("blobs", "classification"),
        DatasetInfo(
            "sweets",
            "classification",
            feature_names=SWEETS_FACTORS,
            target_name="eat sweets",
            class_names=("no", "yes"),
        ),
        DatasetInfo(
            "houses",
            "regression",
            feature_names=("size (m²)", "location (0-1)"),
            target_name="price",
            target_units="k€",
        ),
        DatasetInfo("plane", "regression", target_name="height"),
        DatasetInfo("bumps", "regression", target_name="height"),
        DatasetInfo(
            "digits",
            "classification",
            target_name="digit",
            class_names=_DIGIT_NAMES,
            image_shape=DIGITS_SHAPE,
        ),
        DatasetInfo(
            "mnist",
            "classification",
            target_name="digit",
            class_names=_DIGIT_NAMES,
            image_shape=MNIST_SHAPE,
        ),
    )
}


def dataset_info(name: str) -> DatasetInfo:
    """The meaning of the built-in dataset ``name``; an unknown name is a ValueError."""
    if not isinstance(name, str) or name not in DATASET_INFO:
        raise ValueError(
            f"dataset_info: unknown dataset {name!r}; expected one of {', '.join(DATASET_INFO)}"
        )
    return DATASET_INFO[name]
