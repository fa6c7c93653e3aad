"""Real data: scikit-learn's digits with a stratified split, and the prep helpers.

MNIST's IDX files are tested in test_mnist.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import datasets
from neuronlab.data import digits, normalize, one_hot, train_test_split

pytest.importorskip("sklearn")


# -- digits ---------------------------------------------------------------------


def test_digits_split_shapes_dtypes_and_range():
    X_train, X_test, y_train, y_test = digits()
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert y_train.shape == (1347,) and y_test.shape == (450,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert X_train.min() >= 0.0 and X_train.max() <= 1.0
    assert X_train.max() == 1.0  # 16/16: full ink is present
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))


def test_digits_unsplit_is_the_whole_set_and_in_load():
    X, y = digits(split=False)
    assert X.shape == (1797, 64) and y.shape == (1797,)
    X2, y2 = datasets.load("digits")
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert "digits" in datasets.names()
    X[0, 0] = 99.0  # callers get copies: the cached set is untouched
    assert digits(split=False)[0][0, 0] == 0.0


def test_digits_split_is_a_partition_of_the_whole_set():
    X, y = digits(split=False)
    X_train, X_test, y_train, y_test = digits(seed=3)
    rows = {tuple(r) + (int(t),) for r, t in zip(X, y)}
    both = np.vstack([X_train, X_test])
    labels = np.concatenate([y_train, y_test])
    assert {tuple(r) + (int(t),) for r, t in zip(both, labels)} == rows
    assert len(both) == len(X)


def test_digits_split_is_stratified():
    _, _, y_train, y_test = digits(test_size=0.25, seed=1)
    _, y_all = digits(split=False)
    counts = np.bincount(y_all)
    test_counts = np.bincount(y_test, minlength=10)
    # every class gets its share of the test set, give or take the rounding
    assert np.all(np.abs(test_counts - counts * 450 / 1797) < 1)
    np.testing.assert_array_equal(test_counts + np.bincount(y_train, minlength=10), counts)


def test_digits_seeded():
    a = digits(seed=7)
    b = digits(seed=7)
    c = digits(seed=8)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], c[3])


def test_digits_test_size_as_count_and_fraction():
    _, X_test, _, _ = digits(test_size=100)
    assert len(X_test) == 100
    _, X_test, _, _ = digits(test_size=0.1)
    assert len(X_test) == 180  # ceil(179.7)


@pytest.mark.parametrize("test_size", [0, 1.0, 0.0, -0.1, 1797, 5000, 0.9999])
def test_digits_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        digits(test_size=test_size)


def test_digits_without_sklearn_names_the_extra(monkeypatch):
    import importlib.util
    import sys

    module = sys.modules["neuronlab.data.digits"]  # the package's name `digits` is the function
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(module, "_cache", None)
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "sklearn" else real_find_spec(name, *a),
    )
    with pytest.raises(ImportError, match=r"pip install neuronlab\[data\]"):
        digits()


def test_digits_fallback_to_load_digits(monkeypatch):
    import sys

    module = sys.modules["neuronlab.data.digits"]
    monkeypatch.setattr(module, "_cache", None)
    monkeypatch.setattr(module, "_bundled_csv", lambda: None)
    X, y = digits(split=False)
    monkeypatch.setattr(module, "_cache", None)
    monkeypatch.undo()
    X2, y2 = digits(split=False)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


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
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, seed=0, stratify=False
    )
    assert len(X_test) == 5 and len(X_train) == 15
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
