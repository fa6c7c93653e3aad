"""What each built-in dataset's numbers mean, checked against the data the generators make."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from neuronlab import datasets
from neuronlab.data import DatasetInfo, dataset_info
from neuronlab.data.info import DATASET_INFO


def test_every_dataset_has_its_meaning_written_down() -> None:
    assert set(DATASET_INFO) == {*datasets.dataset_names(), "mnist"}
    for name, info in DATASET_INFO.items():
        assert info.name == name
        assert dataset_info(name) is info


def test_the_regression_datasets_agree_with_load() -> None:
    regression = {n for n, info in DATASET_INFO.items() if info.task == "regression"}
    assert regression == set(datasets.REGRESSION) == {"houses", "plane", "bumps"}


def test_houses_columns_and_target_are_named_as_the_generator_makes_them() -> None:
    info = dataset_info("houses")
    X, y = datasets.houses(200, seed=0)
    assert info.feature_names == ("size (m²)", "location (0-1)")
    assert X[:, 0].min() >= 40
    assert X[:, 0].max() <= 200
    assert X[:, 1].min() >= 0
    assert X[:, 1].max() <= 1
    assert np.allclose(datasets.HOUSE_PRICE(X[:, 0], X[:, 1]), y, atol=50)  # price in k€
    assert (info.target_label, info.target_units) == ("price (k€)", "k€")
    assert (info.feature_label(0), info.feature_label(1)) == ("size (m²)", "location (0-1)")


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "sweets", "digits"])
def test_there_is_one_class_name_per_class_the_generator_makes(name: str) -> None:
    info = dataset_info(name)
    _, y = datasets.load(name)
    assert info.class_names is not None
    assert len(info.class_names) == len(np.unique(y))


def test_class_names_follow_the_generators_labels() -> None:
    X, y = datasets.moons(40, noise=0.0, seed=0)
    upper = X[y == 0, 1].mean() > X[y == 1, 1].mean()
    assert upper
    assert dataset_info("moons").class_label(0) == "upper moon"
    X, y = datasets.circles(40, noise=0.0, seed=0)
    inner = np.linalg.norm(X[y == 1], axis=1).max() < np.linalg.norm(X[y == 0], axis=1).min()
    assert inner
    assert dataset_info("circles").class_label(1) == "inner circle"
    X, y = datasets.xor(40, noise=0.0, seed=0)
    opposite = np.sign(X[:, 0]) != np.sign(X[:, 1])
    assert (opposite == (y == 1)).all()
    assert dataset_info("xor").class_label(1) == "opposite signs"


def test_images_have_their_shape() -> None:
    X, _ = datasets.load("digits")
    shape = dataset_info("digits").image_shape
    assert shape == datasets.DIGITS_SHAPE
    assert shape is not None
    assert shape[0] * shape[1] == X.shape[1]
    assert dataset_info("mnist").image_shape == (28, 28)
    assert dataset_info("mnist").class_names == tuple("0123456789")
    assert dataset_info("moons").image_shape is None


def test_unnamed_things_fall_back_to_plain_names() -> None:
    info = dataset_info("blobs")
    assert (info.feature_label(0), info.feature_label(1), info.class_label(2)) == ("x1", "x2", "2")
    assert info.target_label == "y"


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown dataset 'wine'; expected one of moons, .*mnist"):
        dataset_info("wine")
    with pytest.raises(ValueError, match="unknown dataset 3"):
        dataset_info(3)  # type: ignore[arg-type]


def test_info_is_frozen_and_checks_its_task() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        dataset_info("houses").task = "classification"  # type: ignore[misc]
    with pytest.raises(ValueError, match="expected one of classification, regression"):
        DatasetInfo("mine", "clustering")
