"""Built-in datasets: generated on the spot (seeded) or shipped with a library, no download.

``load(name, **options)`` picks one by name and returns ``(X, y)``;
``dataset_names()`` lists the names it accepts, the names of ``DATASETS``, the
one registry of datasets (in ``info``, with what each one's numbers mean).  Each is also a function
here: ``moons``, ``circles``, ``xor``, ``spiral``, ``blobs``, ``sweets``,
``houses``, and ``digits`` (real 8×8 handwritten digits from scikit-learn;
``load("digits")`` gives all 1,797, ``digits()`` a stratified train/test
split).  ``mnist(folder)`` reads MNIST from the user's own IDX files, so
``load("mnist", path=folder)`` needs the folder.  ``normalize``, ``one_hot`` and
``train_test_split`` prepare any ``(X, y)``.

Text, for character-level language models (the makemore lectures):
``names()`` gives the 32,033 names shipped with neuronlab, ``read_words(path)``
a word list from a text file (every limit checked: ``MAX_WORDS``,
``MAX_WORD_LENGTH``, ``MAX_VOCABULARY``); ``Vocabulary`` numbers the
characters, with ``BOUNDARY`` (".") at 0; ``context_windows(words,
block_size)`` makes the (context, next character) examples and
``split_words(words)`` the lectures' train/dev/test split.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .digits import DIGITS_SHAPE, digits
from .info import DATASET_INFO, DATASETS, DatasetEntry, DatasetInfo, dataset_info
from .mnist import mnist, read_idx
from .prep import normalize, one_hot, train_test_split
from .synthetic import (
    GATES,
    HOUSE_PRICE,
    SWEETS_FACTORS,
    SWEETS_THRESHOLD,
    SWEETS_WEIGHTS,
    blobs,
    bumps,
    circles,
    gate,
    houses,
    moons,
    plane,
    spiral,
    sweets,
    xor,
)
from .text import BOUNDARY, MAX_BLOCK_SIZE, Vocabulary, context_windows, split_words
from .words import MAX_VOCABULARY, MAX_WORD_LENGTH, MAX_WORDS, names, read_words

#: Datasets whose targets are real numbers rather than class labels (from the registry).
REGRESSION = frozenset(name for name, i in DATASET_INFO.items() if i.task == "regression")


def dataset_names() -> list[str]:
    """The names ``load`` accepts: the registry's (``names()`` gives the 32,033 first names)."""
    return list(DATASETS)


def load(name: str, **options: Any) -> tuple[np.ndarray, np.ndarray]:
    """The dataset called ``name`` as ``(X, y)``; options go to its function (``n``, ``seed``…).

    mnist is read from the user's files: ``load("mnist", path=folder)``.
    """
    entry = DATASETS[DATASETS.check(name)]
    if entry.from_files and "path" not in options:
        raise ValueError(f"load({name!r}): it is read from your files; pass path=<the folder>")
    return entry.builds(**options)


__all__ = [
    "BOUNDARY",
    "DATASETS",
    "DIGITS_SHAPE",
    "GATES",
    "HOUSE_PRICE",
    "MAX_BLOCK_SIZE",
    "MAX_VOCABULARY",
    "MAX_WORDS",
    "MAX_WORD_LENGTH",
    "REGRESSION",
    "SWEETS_FACTORS",
    "SWEETS_THRESHOLD",
    "SWEETS_WEIGHTS",
    "DatasetEntry",
    "DatasetInfo",
    "Vocabulary",
    "blobs",
    "bumps",
    "circles",
    "context_windows",
    "dataset_info",
    "dataset_names",
    "digits",
    "gate",
    "houses",
    "load",
    "mnist",
    "moons",
    "names",
    "normalize",
    "one_hot",
    "plane",
    "read_idx",
    "read_words",
    "spiral",
    "split_words",
    "sweets",
    "train_test_split",
    "xor",
]
