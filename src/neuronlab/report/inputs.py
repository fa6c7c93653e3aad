"""The arguments of ``write_run_report``, checked once, before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.info import DatasetInfo
from ..losses import LOSSES, decision_threshold, loss_name
from ..nn import Module
from ..training import History
from ..util.checks import describe, real_number, whole_number

__all__ = ["RunInputs", "check_inputs", "looks_like_regression"]

_WHERE = "write_run_report"


@dataclass(frozen=True)
class RunInputs:
    """Everything a report is made from, checked: arrays are float64, ``y`` is one column."""

    config: Mapping[str, Any]
    history: History
    model: Module | None
    X: np.ndarray | None
    y: np.ndarray | None
    test: tuple[np.ndarray, np.ndarray] | None
    info: DatasetInfo | None
    name: str
    threshold: float | None
    resolution: int

    @property
    def task(self) -> str:
        """ "classification" or "regression": from ``info``, else guessed from the loss and y."""
        if self.info is not None:
            return self.info.task
        if self.y is not None and looks_like_regression(self.y, self.config):
            return "regression"
        return "classification"

    @property
    def held_out(self) -> str:
        """What the history's held-out figures are called: "test" when a test set came."""
        return "test" if self.test is not None else "validation"

    @property
    def loss(self) -> str | None:
        """The loss's name in neuronlab's table (None when not given or not known)."""
        name = self.config.get("loss")
        if not isinstance(name, str):
            return None
        try:
            found = loss_name(name)
        except ValueError:
            return None
        return None if found == "custom" else found


def looks_like_regression(y: np.ndarray, config: Mapping[str, Any]) -> bool:
    """True unless the targets are a handful of whole numbers or the loss classifies them."""
    name = config.get("loss")
    if isinstance(name, str) and name != "mse":
        try:
            classes_only = "regression" not in LOSSES[loss_name(name)].tasks
            if classes_only or decision_threshold(name, y) is not None:
                return False
        except ValueError:
            pass
    values = np.unique(y)
    return not (np.all(np.equal(np.mod(values, 1), 0)) and len(values) <= 20)


def _rows(X: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) as float arrays: X (n, features), y (n,); a clear ValueError otherwise."""
    try:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{_WHERE}({where}): expected arrays of numbers") from None
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"{_WHERE}({where}): expected X of shape (n, features), got {X.shape}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (len(X),):
        raise ValueError(
            f"{_WHERE}({where}): expected {len(X)} targets (one per row of X), got shape {y.shape}"
        )
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError(f"{_WHERE}({where}): X and y must be finite numbers (no NaN or inf)")
    return X, y


def _check_kinds(config: Any, history: Any, model: Any, name: Any, info: Any) -> None:
    if not isinstance(config, Mapping):
        raise TypeError(f"{_WHERE}(config): expected a dict, got {type(config).__name__}")
    if not isinstance(history, History):
        raise TypeError(
            f"{_WHERE}(history): expected a neuronlab History, got {type(history).__name__}"
        )
    if model is not None and not isinstance(model, Module):
        raise TypeError(f"{_WHERE}(model): expected a neuronlab Module, got {type(model).__name__}")
    if not isinstance(name, str):
        raise TypeError(f"{_WHERE}(name): expected a str, got {type(name).__name__}")
    if info is not None and not isinstance(info, DatasetInfo):
        raise TypeError(
            f"{_WHERE}(info): expected a DatasetInfo (neuronlab.datasets.dataset_info(name)), "
            f"got {type(info).__name__}"
        )


def _check_numbers(threshold: Any, resolution: Any) -> float | None:
    whole_number(resolution, f"{_WHERE}(resolution)")
    return None if threshold is None else real_number(threshold, f"{_WHERE}(threshold)")


def check_inputs(
    config: Any,
    history: Any,
    model: Any,
    X: Any,
    y: Any,
    *,
    name: Any,
    threshold: Any,
    resolution: Any,
    test: Any,
    info: Any,
) -> RunInputs:
    """The report's arguments checked and converted; a TypeError or ValueError says why not."""
    _check_kinds(config, history, model, name, info)
    cut = _check_numbers(threshold, resolution)
    if (X is None) != (y is None):
        raise ValueError(f"{_WHERE}: give both X and y, or neither")
    data = None if X is None else _rows(X, y, "X, y")
    held_out = None
    if test is not None:
        if not isinstance(test, (tuple, list)) or len(test) != 2:
            raise TypeError(
                f"{_WHERE}(test): expected a pair (X_test, y_test), got {describe(test)}"
            )
        held_out = _rows(test[0], test[1], "test")
        if data is not None and held_out[0].shape[1] != data[0].shape[1]:
            raise ValueError(
                f"{_WHERE}(test): the test set has {held_out[0].shape[1]} features, "
                f"the training data {data[0].shape[1]}"
            )
    return RunInputs(
        config=config,
        history=history,
        model=model,
        X=None if data is None else data[0],
        y=None if data is None else data[1],
        test=held_out,
        info=info,
        name=name,
        threshold=cut,
        resolution=int(resolution),
    )
