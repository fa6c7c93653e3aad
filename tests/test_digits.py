"""Real data: scikit-learn's digits with a stratified split.

MNIST's IDX files are tested in test_mnist.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab import datasets
from neuronlab.data import digits

pytest.importorskip("sklearn")


# -- digits ---------------------------------------------------------------------


def test_digits_split_shapes_dtypes_and_range():
    X_train, X_test, y_train, y_test = digits()
    assert X_train.shape == (1347, 64)
    assert X_test.shape == (450, 64)
    assert y_train.shape == (1347,)
    assert y_test.shape == (450,)
    assert X_train.dtype == np.float64
    assert y_train.dtype == np.int64
    assert X_train.min() >= 0.0
    assert X_train.max() <= 1.0
    assert X_train.max() == 1.0  # 16/16: full ink is present
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))


def test_digits_unsplit_is_the_whole_set_and_in_load():
    X, y = digits(split=False)
    assert X.shape == (1797, 64)
    assert y.shape == (1797,)
    X2, y2 = datasets.load("digits")
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert "digits" in datasets.dataset_names()
    X[0, 0] = 99.0  # callers get copies: the cached set is untouched
    assert digits(split=False)[0][0, 0] == 0.0


def test_digits_split_is_a_partition_of_the_whole_set():
    X, y = digits(split=False)
    X_train, X_test, y_train, y_test = digits(seed=3)
    rows = {(*r, int(t)) for r, t in zip(X, y)}
    both = np.vstack([X_train, X_test])
    labels = np.concatenate([y_train, y_test])
    assert {(*r, int(t)) for r, t in zip(both, labels)} == rows
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
