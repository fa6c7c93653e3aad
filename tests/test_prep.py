"""The prep helpers: normalize, one_hot, train_test_split."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab.data import normalize, one_hot, train_test_split

# -- prep -----------------------------------------------------------------------


def test_train_test_split_stratified_keeps_shares_and_pairs():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [50, 30, 20])
    X = np.column_stack([np.arange(100), y])  # column 1 repeats the label: pairs stay together
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=rng)
    np.testing.assert_array_equal(np.bincount(y_test), [10, 6, 4])
    np.testing.assert_array_equal(X_train[:, 1], y_train)
    np.testing.assert_array_equal(X_test[:, 1], y_test)
    assert sorted(np.concatenate([X_train[:, 0], X_test[:, 0]]).tolist()) == list(range(100))
    assert not np.all(np.diff(y_train) >= 0)  # shuffled, not sorted by class


def test_train_test_split_rounding_gives_exact_test_count():
    y = np.repeat([0, 1, 2], [7, 7, 7])
    X = np.arange(21.0)
    _, X_test, _, y_test = train_test_split(X, y, test_size=0.5, seed=0)
    assert len(X_test) == 11  # ceil(10.5)
    assert sorted(np.bincount(y_test).tolist()) == [3, 4, 4]


def test_train_test_split_unstratified_for_regression():
    X = np.arange(20.0)[:, None]
    y = X[:, 0] * 0.5 + 0.1
    with pytest.raises(ValueError, match="stratify=False"):
        train_test_split(X, y, test_size=0.25, seed=0)
    X_train, X_test, _y_train, y_test = train_test_split(
        X, y, test_size=0.25, seed=0, stratify=False
    )
    assert len(X_test) == 5
    assert len(X_train) == 15
    np.testing.assert_array_equal(X_test[:, 0] * 0.5 + 0.1, y_test)


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "exc", "match"),
    [
        (np.zeros((4, 2)), np.zeros(3), {}, ValueError, "4 examples but y has 3"),
        (np.zeros((4, 2)), [0, 0, 0, 1], {}, ValueError, "class 1 has only 1 example"),
        (np.zeros((6, 2)), [0, 1, 2, 0, 1, 2], {"test_size": 2}, ValueError, "3 classes"),
        (np.zeros((4, 2)), [0, 1, 0, 1], {"test_size": "half"}, TypeError, "test_size"),
        (np.zeros((1, 2)), [0], {}, ValueError, "at least 2"),
        (None, [0, 1], {}, TypeError, "expected an array"),
    ],
)
def test_train_test_split_errors(X, y, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        train_test_split(X, y, **kwargs)


def test_normalize_range_and_reference():
    X = np.array([[0.0, 5.0], [10.0, 2.5]])
    np.testing.assert_allclose(normalize(X), [[0.0, 0.5], [1.0, 0.25]])
    test = np.array([[20.0, -10.0]])
    np.testing.assert_allclose(normalize(test, reference=X), [[2.0, -1.0]])
    assert normalize(X, dtype=np.float32).dtype == np.float32
    np.testing.assert_array_equal(normalize(np.full((3, 2), 7.0)), np.zeros((3, 2)))


def test_normalize_standard_per_column():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, (200, 3))
    X[:, 2] = 4.0  # a constant column is centred, not divided by zero
    Z = normalize(X, "standard")
    np.testing.assert_allclose(Z[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :2].std(axis=0), 1.0)
    np.testing.assert_array_equal(Z[:, 2], 0.0)
    Z_test = normalize(X[:5] + 1.0, "standard", reference=X)
    np.testing.assert_allclose(Z_test[:, :2], Z[:5, :2] + 1.0 / X[:, :2].std(axis=0))
    with pytest.raises(ValueError, match="must match"):
        normalize(X[:, :2], "standard", reference=X)


@pytest.mark.parametrize(
    ("X", "kwargs", "exc", "match"),
    [
        ([[1.0, np.nan]], {}, ValueError, "NaN"),
        ([], {}, ValueError, "non-empty"),
        ("abc", {}, TypeError, "array of numbers"),
        ([[1.0]], {"method": "minmax"}, ValueError, "range, standard"),
        ([[1.0]], {"dtype": np.int32}, TypeError, "float dtype"),
    ],
)
def test_normalize_errors(X, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        normalize(X, **kwargs)


def test_one_hot():
    Y = one_hot([2, 0, 1, 2])
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert Y.dtype == np.float64
    assert one_hot(np.array([[1], [0]]), 4).shape == (2, 4)
    assert one_hot([1.0, 0.0], dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize(
    ("y", "n", "exc", "match"),
    [
        ([0, 3], 3, ValueError, "n_classes=3 but the labels go up to 3"),
        ([0, -1], None, ValueError, "label -1 is not a class index >= 0"),
        ([0.5, 1], None, ValueError, "0.5 is not a class index"),
        ([[0, 1], [1, 0]], None, ValueError, "shape"),
        ([], None, ValueError, "at least one label"),
        (["a", "b"], None, TypeError, "expected class labels"),
        ([0, 1], 2.0, TypeError, "n_classes"),
    ],
)
def test_one_hot_errors(y, n, exc, match):
    with pytest.raises(exc, match=match):
        one_hot(y, n)
