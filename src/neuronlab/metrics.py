"""How good are the predictions?  Accuracy, the confusion matrix, precision and recall.

Every function takes plain labels — one per example, as lists or 1-D NumPy
arrays (a column of shape ``(n, 1)`` is accepted too) — never scores: turn
scores into labels first (``outputs.argmax(axis=1)``, or ``p > 0.5``).

On a lopsided problem plain accuracy flatters: if 10% of the digits are 9s,
answering "not a 9" every time is 90% accurate and useless.  Precision
(of the examples called positive, how many are) and recall (of the positives,
how many were found) show it.

Training reads a network's raw outputs instead: ``correct_count`` and
``accuracy_of`` turn them into classes as the loss reads them (the largest of
several outputs; one output above the loss's ``decision_threshold``), so the
Trainer, ``evaluate`` and the reports count a correct answer in one place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .losses import LossFn, decision_threshold
from .util.checks import class_labels, describe, whole_number

__all__ = ["accuracy", "accuracy_of", "confusion_matrix", "correct_count", "precision_recall"]

_MAX_CLASSES = 10_000  # beyond this, a label is surely not a class index


def _labels(y: Any, where: str, what: str) -> np.ndarray:
    """``y`` as a 1-D array of labels, or a clear error."""
    if y is None or isinstance(y, (str, bytes, dict, set)):
        raise TypeError(f"{where}: {what} must be a list or array of labels, got {describe(y)}")
    try:  # labels may be words too ("cat", "dog"): not only numbers
        arr = np.asarray(y)
    except (TypeError, ValueError):
        raise TypeError(
            f"{where}: {what} must be a list or array of labels, got {describe(y)}"
        ) from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{where}: {what} must be one label per example (shape (n,)), got shape {arr.shape}"
            + ("; for scores take .argmax(axis=1) first" if arr.ndim == 2 else "")
        )
    if arr.dtype == object:
        raise TypeError(f"{where}: {what} must hold numbers, got mixed objects")
    return arr


def _pair(y_true: Any, y_pred: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    t = _labels(y_true, where, "y_true")
    p = _labels(y_pred, where, "y_pred")
    if len(t) != len(p):
        raise ValueError(
            f"{where}: y_true and y_pred must have one label per example each, "
            f"got {len(t)} and {len(p)} (shapes {t.shape} and {p.shape})"
        )
    if len(t) == 0:
        raise ValueError(f"{where}: got no examples (empty y_true and y_pred)")
    return t, p


def accuracy(y_true: Any, y_pred: Any) -> float:
    """The fraction of examples whose predicted label equals the true one: (1/n) Σ [ŷ_i = y_i]."""
    t, p = _pair(y_true, y_pred, "accuracy")
    return float(np.mean(t == p))


def confusion_matrix(y_true: Any, y_pred: Any, n_classes: int | None = None) -> np.ndarray:
    """Counts of (true class, predicted class): ``C[i, j]`` = examples of class i predicted as j.

    Rows are true classes, columns predicted classes (scikit-learn's layout),
    so the diagonal holds the correct answers and ``C.sum() == n``.  Labels
    must be integer class indices 0 .. n_classes-1; ``n_classes`` defaults to
    one more than the largest label seen.  Returns an int64 array of shape
    ``(n_classes, n_classes)``.
    """
    t, p = _pair(y_true, y_pred, "confusion_matrix")
    t = class_labels(t.astype(np.int64) if t.dtype == bool else t, "confusion_matrix(y_true)")
    p = class_labels(p.astype(np.int64) if p.dtype == bool else p, "confusion_matrix(y_pred)")
    largest = int(max(t.max(), p.max()))
    if n_classes is None:
        k = largest + 1
        if k > _MAX_CLASSES:
            raise ValueError(
                f"confusion_matrix: the largest label is {largest}, which would make a "
                f"{k}x{k} matrix; labels must be class indices 0..n_classes-1"
            )
    else:
        k = whole_number(n_classes, "confusion_matrix(n_classes)", minimum=1)
        if largest >= k:
            raise ValueError(
                f"confusion_matrix: label {largest} is out of range for n_classes={k} "
                f"(expected labels 0..{k - 1})"
            )
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k).astype(np.int64)


def precision_recall(y_true: Any, y_pred: Any, positive: Any = 1) -> tuple[float, float]:
    """(precision, recall) for the class ``positive``, treating every other label as negative.

    precision = TP / (TP + FP): of the examples predicted positive, the fraction that are.
    recall    = TP / (TP + FN): of the positive examples, the fraction predicted positive.
    A fraction with nothing to count (no positive predictions, or no positives)
    is 0.0, as scikit-learn's ``zero_division=0`` gives it.
    """
    t, p = _pair(y_true, y_pred, "precision_recall")
    if isinstance(positive, (list, tuple, dict, set, np.ndarray)) or positive is None:
        raise TypeError(
            f"precision_recall(positive): expected one label, got {type(positive).__name__}"
        )
    true_pos = t == positive
    pred_pos = p == positive
    tp = int(np.sum(true_pos & pred_pos))
    predicted = int(np.sum(pred_pos))
    actual = int(np.sum(true_pos))
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    return float(precision), float(recall)


def correct_count(outputs: np.ndarray, y: np.ndarray, loss: str | LossFn) -> int | None:
    """How many examples ``outputs`` classify correctly under ``loss`` (None: no classes).

    Several outputs: the largest is the class, compared with the label or, for
    one-hot (or any per-class) targets, with the largest target.  One output:
    above the loss's threshold is class 1.
    """
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)
        return int(np.count_nonzero(outputs.argmax(axis=1) == labels))
    cut = decision_threshold(loss, y)
    if cut is None:
        return None
    out = outputs.reshape(-1)
    return int(np.count_nonzero((out > cut) == (y.reshape(-1) > cut)))


def accuracy_of(outputs: np.ndarray, y: np.ndarray, loss: str | LossFn) -> float | None:
    """The fraction of examples ``outputs`` classify correctly under ``loss`` (None: regression)."""
    count = correct_count(outputs, y, loss)
    return None if count is None or not len(y) else count / len(y)
