"""The run's results in numbers and words: what the final model says, and the cards on the page.

The loss in a ``History`` is the mean over an epoch's batches, each measured
just before its update; the figures measured here (the RMSE, the test
accuracy) are of the final model, after the last update.  The page says which
is which.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..losses import LOSSES, decision_threshold
from ..training import predict
from ..util.numbers import format_number
from ..viz.plots.common import classes_of
from .inputs import RunInputs
from .parts import Card

__all__ = [
    "MEASURED",
    "Answers",
    "about_loss",
    "final_answers",
    "loss_words",
    "measured_metrics",
    "normalised_key",
    "result_cards",
]

#: The figures the report measures itself; same-named ``metrics`` are replaced by them.
MEASURED = ("rmse", "test_rmse", "test_accuracy")


@dataclass(frozen=True)
class Answers:
    """The final model's answers and the truth, on the training data and on the test set.

    Classification: class numbers (0, 1, ...); regression: the predicted values.
    """

    train: np.ndarray
    train_truth: np.ndarray
    test: np.ndarray | None
    test_truth: np.ndarray | None


def _classify(
    outputs: np.ndarray, y: np.ndarray, cut: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """(predicted classes, true classes); one output per row is read against ``cut``."""
    predicted, used = classes_of(outputs, cut)
    if used is None:
        return predicted.astype(np.int64), y.astype(np.int64)
    truth_cut = 0.5 if y.min() >= 0 else 0.0  # 0/1 labels, or ±1 targets
    return predicted.astype(np.int64), (y > truth_cut).astype(np.int64)


def final_answers(run: RunInputs) -> Answers | None:
    """What the final model says on X (and the test set); None without a model and data."""
    if run.model is None or run.X is None or run.y is None:
        return None
    pairs = [(run.X, run.y)] + ([run.test] if run.test is not None else [])
    results: list[tuple[np.ndarray, np.ndarray]] = []
    for X, y in pairs:
        outputs = np.asarray(predict(run.model, X), dtype=np.float64)
        if run.task == "regression":
            results.append((outputs.reshape(len(X), -1)[:, 0], y))
        else:
            cut = run.threshold
            if cut is None and run.loss is not None:
                cut = decision_threshold(run.loss, y)
            results.append(_classify(outputs, y, cut))
    test = results[1] if len(results) > 1 else (None, None)
    return Answers(results[0][0], results[0][1], test[0], test[1])


def _rmse(predicted: np.ndarray, truth: np.ndarray) -> float:
    return float(np.sqrt(np.mean((predicted - truth) ** 2)))


def measured_metrics(run: RunInputs, answers: Answers | None) -> dict[str, Any]:
    """The figures the report measures on the final model (see ``MEASURED``)."""
    if answers is None:
        return {}
    out: dict[str, Any] = {}
    units = run.info.target_units if run.info is not None else None
    if run.task == "regression":
        out["rmse"] = _rmse(answers.train, answers.train_truth)
        if answers.test is not None and answers.test_truth is not None:
            out["test_rmse"] = _rmse(answers.test, answers.test_truth)
        if units:
            out["rmse_units"] = units
    elif answers.test is not None and answers.test_truth is not None:
        out["test_accuracy"] = float(np.mean(answers.test == answers.test_truth))
    return out


def normalised_key(key: str) -> str:
    """A metric's name compared loosely: ``"RMSE (original units)"`` -> ``"rmse"``."""
    key = re.sub(r"\s*\([^)]*\)\s*$", "", str(key)).strip().lower()
    return re.sub(r"[\s-]+", "_", key)


def _target_words(run: RunInputs) -> tuple[str, str | None]:
    info = run.info
    return (info.target_name if info and info.target_name else "target"), (
        info.target_units if info else None
    )


def _regression_loss_words(run: RunInputs) -> str:
    target, units = _target_words(run)
    mean, std = run.config.get("target_mean"), run.config.get("target_std")
    standardised = run.config.get("target_standardised")
    if std is not None or standardised is True:
        u = f" {units}" if units else ""
        scale = (
            f"({target} − {format_number(mean)}{u}) / {format_number(std)}{u}"
            if isinstance(mean, (int, float)) and isinstance(std, (int, float))
            else f"({target} − its mean) / its standard deviation"
        )
        return (
            f"the mean squared error of the standardised {target}, {scale}: it has no units, "
            f"and a loss of 1 means errors as large as the spread of the {target}s"
        )
    if standardised is False:
        squared = f"in {units}²" if units else "in the target's units, squared"
        return f"the mean squared error of the {target} itself, {squared}"
    return (
        f"the mean squared error of the {target} as the model was trained on it; the report "
        "was not told whether it was rescaled for training, so it cannot give the loss's units"
    )


def loss_words(run: RunInputs) -> str:
    """What the loss is, exactly, in words: which function, of what, in which units."""
    if run.task == "regression" and run.loss == "mse":
        words = _regression_loss_words(run)
    elif run.loss is not None:
        words = f"the {LOSSES[run.loss].summary}"
    else:
        given = run.config.get("loss")
        words = f"the loss {given!r}" if given is not None else "the loss"
    l2 = run.config.get("l2")
    if isinstance(l2, (int, float)) and l2 > 0:
        words += f", plus the L2 penalty {format_number(l2)} · Σw² (training only)"
    return words


def about_loss(run: RunInputs, measured: Mapping[str, Any]) -> str:
    """The paragraph under the results: what the loss is, and when each figure was measured."""
    if not run.history.epochs:
        return ""
    sentences = [
        f"The loss is {loss_words(run)}.",
        "The training figures are means over the last epoch's batches, each measured just "
        "before the update it caused, so they trail the model a little.",
    ]
    if any(v is not None for v in run.history.val_loss):
        sentences.append(
            f"The {run.held_out} figures are measured on the whole {run.held_out} set at the "
            "end of each epoch."
        )
    final = [
        label
        for key, label in (("rmse", "RMSE"), ("test_accuracy", "test accuracy"))
        if key in measured
    ]
    if final:
        sentences.append(f"The {' and '.join(final)} is of the final model, after the last update.")
    return " ".join(sentences)


def _percent(value: Any) -> str:
    return f"{value:.1%}" if isinstance(value, float) else str(value)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return str(value)
    return format_number(float(value), 4)


def _quality_cards(run: RunInputs, measured: Mapping[str, Any]) -> list[Card]:
    """The final model's RMSE or test accuracy, measured here."""
    units = measured.get("rmse_units")
    suffix = f" {units}" if units else ""
    n_train = len(run.X) if run.X is not None else 0
    n_test = len(run.test[0]) if run.test is not None else 0
    rows = [
        ("rmse", "RMSE", f"root mean squared error on the {n_train} training examples"),
        ("test_rmse", "test RMSE", f"the same on the {n_test} test examples, never trained on"),
        (
            "test_accuracy",
            "test accuracy",
            f"share of the {n_test} test examples classified right; never trained on",
        ),
    ]
    cards = []
    for key, label, note in rows:
        if key in measured:
            value = measured[key]
            shown = (
                _percent(value) if key == "test_accuracy" else f"{format_number(value, 3)}{suffix}"
            )
            cards.append(Card(key, label, shown, note))
    return cards


def _history_cards(run: RunInputs, measured: Mapping[str, Any]) -> list[Card]:
    """The last epoch's figures from the history (no held-out accuracy when measured here)."""
    final = run.history.final()
    held = run.held_out
    rows = [
        (
            "val_accuracy",
            f"{held} accuracy",
            f"share of the {held} examples classified right after the last epoch",
        ),
        ("accuracy", "training accuracy", "share classified right during the last epoch"),
        ("val_loss", f"{held} loss", f"on the {held} examples, after the last epoch"),
        ("loss", "training loss", "mean over the last epoch's batches (see below)"),
    ]
    cards = []
    for key, label, note in rows:
        value = final.get(key)
        if value is None or (key == "val_accuracy" and "test_accuracy" in measured):
            continue
        shown = _percent(value) if key.endswith("accuracy") else _number(value)
        cards.append(Card(key, label, shown, note))
    cards.append(Card("epochs", "epochs", str(run.history.epochs), "passes over the training data"))
    return cards


def result_cards(
    run: RunInputs, measured: Mapping[str, Any], given: Mapping[str, Any]
) -> list[Card]:
    """The cards of the page's results: measured first, then the history's, then ``given``."""
    cards = _quality_cards(run, measured) + _history_cards(run, measured)
    for key, value in given.items():
        as_share = re.search(r"accuracy|precision|recall", key) and isinstance(value, float)
        cards.append(Card(key, key, _percent(value) if as_share else _number(value), "as given"))
    return cards
