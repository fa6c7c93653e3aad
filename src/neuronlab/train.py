"""fit(): the gradient-descent loop, with batches, a progress bar, a history and a divergence stop.

Each step: predictions for a batch, the loss (plus ``l2 · Σ p²`` if asked),
``zero_grad``, ``backward``, ``optimizer.step``.  If the loss or a gradient
stops being a finite number, training stops with ``TrainingDiverged`` and the
model keeps the last parameters that were finite.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .engine import Value, cycle_collector_paused
from .files import write_atomic
from .losses import get_loss
from .module import Module
from .nn import Seed, make_rng
from .optim import SGD, LRScheduler, Optimizer

__all__ = ["fit", "History", "TrainingDiverged", "predict", "accuracy_of", "write_atomic"]


class TrainingDiverged(RuntimeError):
    """The loss or a gradient became NaN or infinite; the model keeps its last finite parameters."""

    def __init__(self, message: str, *, epoch: int, step: int, history: History) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.step = step
        self.history = history


@dataclass
class History:
    """Per epoch: mean training loss, accuracy (classification), lr and validation figures."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float | None] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs finished."""
        return len(self.loss)

    def final(self) -> dict[str, float | None]:
        """The last epoch's figures by name (empty when no epoch finished)."""
        return {k: v[-1] for k, v in self.as_dict().items() if v}

    def as_dict(self) -> dict[str, list[Any]]:
        """The columns by name, as lists."""
        return {
            "loss": self.loss,
            "accuracy": self.accuracy,
            "val_loss": self.val_loss,
            "val_accuracy": self.val_accuracy,
            "lr": self.lr,
        }

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """Every column as CSV, a row per epoch (empty cells where nothing was recorded).

        Written atomically to ``path`` if given.
        """
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        columns = self.as_dict()
        writer.writerow(["epoch", *columns])
        for i in range(self.epochs):
            cells = (col[i] if i < len(col) else None for col in columns.values())
            writer.writerow([i + 1, *("" if c is None else repr(c) for c in cells)])
        text = buf.getvalue()
        if path is not None:
            write_atomic(path, text)
        return text


# -- the two engines ----------------------------------------------------------


def _is_tensor_model(model: Module) -> bool:
    params = model.parameters()
    return bool(params) and type(params[0]) is not Value


def _forward_scalar(model: Module, X: np.ndarray) -> list[Any]:
    return [model(row) for row in X.tolist()]


def _outputs_scalar(predictions: list[Any]) -> np.ndarray:
    """The numbers inside the predictions: shape (n,) for one output, (n, k) for k."""
    first = predictions[0]
    if isinstance(first, Value):
        return np.array([p.data for p in predictions])
    return np.array([[q.data for q in p] for p in predictions])


def _engine(
    model: Module,
) -> tuple[Callable[[Module, np.ndarray], Any], Callable[[Any], np.ndarray]]:
    if _is_tensor_model(model):
        from .tensor_train import forward_tensor, outputs_tensor

        return forward_tensor, outputs_tensor
    return _forward_scalar, _outputs_scalar


def _feature_dtype(model: Module) -> np.dtype:
    """The dtype X is converted to, once: float64 for Values, the parameters' dtype for Tensors."""
    if _is_tensor_model(model):
        return model.parameters()[0].data.dtype
    return np.dtype(np.float64)


def predict(model: Module, X: Any) -> np.ndarray:
    """The model's outputs for every row of X, as a NumPy array (no gradients kept)."""
    X = _as_features(X, "predict(X)", _feature_dtype(model))
    forward, outputs = _engine(model)
    with _graph_free(model):
        return outputs(forward(model, X))


def _graph_free(model: Module) -> contextlib.AbstractContextManager:
    """A context in which the model records no graph: ``no_grad`` for tensors.

    (A Value graph is freed as soon as its output is dropped, so nothing is needed.)
    """
    if _is_tensor_model(model):
        from .tensor import no_grad

        return no_grad()
    return contextlib.nullcontext()


def accuracy_of(outputs: np.ndarray, y: np.ndarray, loss_name: str) -> float | None:
    """Fraction classified correctly, read the way the loss reads outputs; None for regression.

    hinge: sign of the score; bce: probability > 0.5; several outputs: the
    largest; mse on 0/1 targets: output > 0.5; mse on other targets: None.
    """
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return float(np.mean(outputs.argmax(axis=1) == y))
    out = outputs.reshape(-1)
    if loss_name == "hinge":
        return float(np.mean((out > 0) == (y > 0)))
    if loss_name in ("bce", "binary_cross_entropy") or (
        loss_name == "mse" and np.isin(y, (0, 1)).all()
    ):
        return float(np.mean((out > 0.5) == (y > 0.5)))
    return None


def _as_features(X: Any, who: str, dtype: Any = np.float64) -> np.ndarray:
    try:
        arr = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: expected a 2-D array of numbers, got {type(X).__name__}") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim < 2 or len(arr) == 0:
        raise ValueError(
            f"{who}: expected a non-empty array with one row per example, got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{who}: contains NaN or infinite values")
    return arr


def _check_int(x: Any, what: str, minimum: int = 1) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < minimum:
        raise ValueError(f"{what}: expected an int >= {minimum}, got {x!r}")
    return int(x)


def _snapshot(params: list[Any]) -> list[Any]:
    return [p.data if type(p) is Value else p.data.copy() for p in params]


def _restore(params: list[Any], saved: list[Any]) -> None:
    for p, s in zip(params, saved):
        if type(p) is Value:
            p.data = s
        else:
            p.data[...] = s


def fit(
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: str | Callable[[Any, Any], Any] = "mse",
    optimizer: Optimizer | None = None,
    lr: float = 0.1,
    epochs: int = 10,
    batch_size: int | None = None,
    seed: Seed = 0,
    l2: float = 0.0,
    scheduler: LRScheduler | None = None,
    validation: tuple[Any, Any] | None = None,
    verbose: bool | None = None,
    shuffle: bool = True,
    callback: Callable[[int, History], None] | None = None,
) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent and return the per-epoch ``History``.

    loss: ``"mse"``, ``"bce"``, ``"hinge"`` (0/1 labels are mapped to ±1),
    ``"cross_entropy"`` or a function ``(predictions, targets) -> loss``.
    optimizer: defaults to ``SGD(model.parameters(), lr)``.  batch_size:
    examples per step (all of them when None).  l2: adds ``l2 · Σ p²`` to the
    loss.  scheduler: stepped after every optimiser step.  verbose: a tqdm
    progress bar (default: only when stderr is a terminal).  callback: called
    as ``callback(epoch, history)`` after every epoch.
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit(model): expected a neuronlab Module, got {type(model).__name__}")
    params = model.parameters()
    if not params:
        raise ValueError("fit(model): the model has no parameters to train")
    X = _as_features(X, "fit(X)", _feature_dtype(model))
    if X.ndim != 2 and not _is_tensor_model(model):
        raise ValueError(
            f"fit(X): expected a 2-D array (one row of inputs per example), got shape {X.shape}"
        )
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(
            f"fit(y): expected {len(X)} targets (one per row of X), got shape {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.number) or not np.isfinite(y.astype(np.float64)).all():
        raise ValueError("fit(y): targets must be finite numbers")
    loss_fn = get_loss(loss)
    loss_name = loss if isinstance(loss, str) else getattr(loss, "__name__", "custom")
    if loss_name == "binary_cross_entropy":
        loss_name = "bce"
    if loss_name == "hinge" and np.isin(y, (0, 1)).all():
        y = 2 * y - 1
    epochs = _check_int(epochs, "fit(epochs)")
    batch_size = len(X) if batch_size is None else _check_int(batch_size, "fit(batch_size)")
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not l2 >= 0:
        raise ValueError(f"fit(l2): expected a number >= 0, got {l2!r}")
    if scheduler is not None and not isinstance(scheduler, LRScheduler):
        raise TypeError(f"fit(scheduler): expected an LRScheduler, got {type(scheduler).__name__}")
    if optimizer is None and scheduler is not None:
        optimizer = scheduler.optimizer  # the optimiser the schedule was made for
    if scheduler is not None and optimizer is not scheduler.optimizer:
        raise ValueError("fit: the scheduler steps a different optimizer than the one given")
    if optimizer is None:
        optimizer = SGD(params, lr=lr)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit(optimizer): expected an Optimizer, got {type(optimizer).__name__}")
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise TypeError("fit(validation): expected a pair (X_val, y_val)")
        X_val = _as_features(validation[0], "fit(validation X)", _feature_dtype(model))
        y_val = np.asarray(validation[1])
        if len(y_val) != len(X_val):
            raise ValueError("fit(validation): X_val and y_val have different lengths")
        if loss_name == "hinge" and np.isin(y_val, (0, 1)).all():
            y_val = 2 * y_val - 1
    rng = make_rng(seed)
    forward, outputs = _engine(model)
    if verbose is None:
        verbose = sys.stderr.isatty()

    history = History()
    n = len(X)
    steps_per_epoch = math.ceil(n / batch_size)
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs * steps_per_epoch, desc="training", unit="step", leave=True)
    step = 0
    try:
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n) if shuffle and batch_size < n else np.arange(n)
            loss_sum = 0.0
            correct_outputs = []
            lr_now = optimizer.lr
            for start in range(0, n, batch_size):
                step += 1
                idx = order[start : start + batch_size]
                Xb, yb = X[idx], y[idx]
                with cycle_collector_paused():  # the graph is acyclic: refcounting frees it
                    preds = forward(model, Xb)
                    batch_loss = loss_fn(preds, yb)
                    if l2:
                        batch_loss = batch_loss + l2 * _sum_of_squares(params)
                    value = float(_item(batch_loss))
                    if not math.isfinite(value):
                        raise _diverged("the loss", value, epoch, step, optimizer, history)
                    model.zero_grad()
                    batch_loss.backward()
                    if not _all_grads_finite(params):
                        raise _diverged("a gradient", "non-finite", epoch, step, optimizer, history)
                    saved = _snapshot(params)
                    optimizer.step()
                    if not _all_finite_data(params):
                        _restore(params, saved)
                        raise _diverged(
                            "a parameter", "non-finite", epoch, step, optimizer, history
                        )
                if scheduler is not None:
                    scheduler.step()
                loss_sum += value * len(idx)
                correct_outputs.append((outputs(preds), yb))
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(epoch=epoch, loss=f"{value:.4g}")
            outs = np.concatenate([o for o, _ in correct_outputs])
            ys = np.concatenate([t for _, t in correct_outputs])
            history.loss.append(loss_sum / n)
            history.accuracy.append(accuracy_of(outs, ys, loss_name))
            history.lr.append(lr_now)
            if validation is not None:
                with _graph_free(model):
                    val_preds = forward(model, X_val)
                    history.val_loss.append(float(_item(loss_fn(val_preds, y_val))))
                history.val_accuracy.append(accuracy_of(outputs(val_preds), y_val, loss_name))
            if bar is not None:
                post = {"epoch": epoch, "loss": f"{history.loss[-1]:.4g}"}
                if history.accuracy[-1] is not None:
                    post["acc"] = f"{history.accuracy[-1]:.3f}"
                bar.set_postfix(post)
            if callback is not None:
                callback(epoch, history)
    finally:
        if bar is not None:
            bar.close()
    return history


def _item(x: Any) -> float:
    return x.data if type(x) is Value else x.item()


def _sum_of_squares(params: list[Any]) -> Any:
    if type(params[0]) is Value:
        return sum((p * p for p in params), Value(0.0))
    total = None
    for p in params:
        term = (p * p).sum()
        total = term if total is None else total + term
    return total


def _finite(a: np.ndarray) -> bool:
    """True when every entry of the array is a finite number.

    Usually one pass: a sum of squares has no cancellation, so it is inf or nan
    whenever an entry is; only when it is not finite (an entry is, or the sum
    merely overflowed) are the entries looked at one by one.
    """
    if a.size > 4096 and a.dtype.kind == "f":  # below that, the call costs more than the pass
        flat = a.reshape(-1)
        with np.errstate(over="ignore"):  # an overflow only sends us to the careful look
            if math.isfinite(np.dot(flat, flat)):
                return True
    return bool(np.isfinite(a).all())


def _all_grads_finite(params: list[Any]) -> bool:
    for p in params:
        if type(p) is Value:
            if not math.isfinite(p.grad):
                return False
            continue
        peek = getattr(p, "_peek_grad", None)  # a Tensor's grad, without handing it out
        g = peek() if peek is not None else p.grad
        if g is not None and not _finite(g):
            return False
    return True


def _all_finite_data(params: list[Any]) -> bool:
    for p in params:
        if type(p) is Value:
            if not math.isfinite(p.data):
                return False
        elif not _finite(p.data):
            return False
    return True


def _diverged(
    what: str, value: float | str, epoch: int, step: int, optimizer: Optimizer, history: History
) -> TrainingDiverged:
    return TrainingDiverged(
        f"training diverged: {what} became {value} at step {step} (epoch {epoch}); "
        f"the model keeps its last finite parameters. Try a lower learning rate "
        f"(it was {optimizer.lr:g}).",
        epoch=epoch,
        step=step,
        history=history,
    )
