"""Accuracy, confusion matrix, precision and recall: hand-counted cases, scikit-learn, errors."""

from __future__ import annotations

import numpy as np
import pytest

from neuronlab.metrics import accuracy, confusion_matrix, precision_recall


def test_accuracy_counts_matches():
    assert accuracy([0, 1, 2, 2], [0, 2, 2, 2]) == 0.75
    assert accuracy(np.array([[1], [0]]), [1, 0]) == 1.0
    assert accuracy([True, False], [1, 1]) == 0.5


def test_confusion_matrix_by_hand():
    C = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert C.dtype == np.int64
    assert C.sum() == 6
    assert np.trace(C) / C.sum() == accuracy([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])


def test_confusion_matrix_n_classes_pads_and_floats_ok():
    C = confusion_matrix([0.0, 1.0], [1, 1], n_classes=4)
    assert C.shape == (4, 4)
    assert C[0, 1] == 1
    assert C[1, 1] == 1
    assert C.sum() == 2


def test_against_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    t = rng.integers(0, 5, 300)
    p = np.where(rng.random(300) < 0.7, t, rng.integers(0, 5, 300))
    np.testing.assert_array_equal(confusion_matrix(t, p), metrics.confusion_matrix(t, p))
    assert accuracy(t, p) == pytest.approx(metrics.accuracy_score(t, p))
    for positive in range(5):
        precision, recall = precision_recall(t, p, positive=positive)
        assert precision == pytest.approx(metrics.precision_score(t == positive, p == positive))
        assert recall == pytest.approx(metrics.recall_score(t == positive, p == positive))


def test_precision_recall_the_lopsided_nine():
    # 10 examples, one 9: always answering "not a 9" is 90% accurate and finds nothing
    y = np.array([0] * 9 + [1])
    never = np.zeros(10, dtype=int)
    assert accuracy(y, never) == 0.9
    assert precision_recall(y, never) == (0.0, 0.0)
    # answering "a 9" for 4 of them, the real one among them
    guess = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 1])
    assert precision_recall(y, guess) == (0.25, 1.0)


def test_precision_recall_other_positive_label():
    assert precision_recall(["a", "b", "b"], ["b", "b", "a"], positive="b") == (0.5, 0.5)
    assert precision_recall([-1, 1, 1], [1, 1, -1], positive=-1) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("fn", "args", "exc", "match"),
    [
        (accuracy, ([0, 1], [0]), ValueError, "got 2 and 1"),
        (accuracy, ([], []), ValueError, "no examples"),
        (accuracy, ([[0, 1], [1, 0]], [0, 1]), ValueError, r"argmax"),
        (accuracy, ("01", [0, 1]), TypeError, "list or array"),
        (accuracy, (None, [0]), TypeError, "list or array"),
        (confusion_matrix, ([0, -1], [0, 0]), ValueError, ">= 0"),
        (confusion_matrix, ([0, 0.5], [0, 0]), ValueError, "0.5 is not a class index"),
        (confusion_matrix, ([0, 3], [0, 0], 3), ValueError, "label 3 is out of range"),
        (confusion_matrix, ([0, 1], [0, 0], 0), ValueError, ">= 1"),
        (confusion_matrix, ([0, 1], [0, 0], 2.0), TypeError, "n_classes"),
        (confusion_matrix, (["a"], ["a"]), TypeError, "expected class labels"),
        (confusion_matrix, ([0, 10**9], [0, 0]), ValueError, "class indices"),
        (precision_recall, ([0, 1], [0, 1, 1]), ValueError, "got 2 and 3"),
        (precision_recall, ([0, 1], [0, 1], [1]), TypeError, "one label"),
    ],
)
def test_errors(fn, args, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args)
