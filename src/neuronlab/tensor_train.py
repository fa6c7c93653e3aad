"""The tensor engine's side of ``fit``, and ``evaluate`` for a trained model on either engine.

``fit`` (train.py) runs one loop for both engines; for a model whose
parameters are Tensors it asks this module two things: how to run a batch
through the model (``forward_tensor``: the whole batch as one Tensor, one
graph per batch rather than one per example) and how to read the numbers out
of the result (``outputs_tensor``).  ``fit`` converts X to the model's dtype
once, before the first batch, so a batch is a slice of an array the model
can use as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np

from .module import Module
from .tensor import Tensor, no_grad

__all__ = ["forward_tensor", "outputs_tensor", "evaluate"]


def forward_tensor(model: Module, X: np.ndarray) -> Tensor:
    """The model's output for a batch: ``model(Tensor(X))``, X of shape (n, features...).

    X is wrapped as a constant Tensor (no gradient) of the parameters' dtype;
    when it already has that dtype (``fit`` converts it once) nothing is copied.
    """
    dtype = model.parameters()[0].data.dtype
    x = X if X.dtype == dtype else X.astype(dtype)
    return model(Tensor(x, dtype=dtype))


def outputs_tensor(preds: Tensor) -> np.ndarray:
    """The numbers of a batch's output: shape (n,) for one output per example, (n, k) for k.

    The same layout the scalar engine gives, so accuracy and predictions read
    both alike.
    """
    data = preds.data
    if data.ndim == 2 and data.shape[1] == 1:
        return data[:, 0]
    return data


def evaluate(
    model: Module,
    X: Any,
    y: Any,
    loss: str | Callable[[Any, Any], Any] | None = None,
) -> dict[str, Any]:
    """The model's loss and accuracy on ``(X, y)``, computed without keeping gradients.

    loss: as in ``fit`` ("mse", "bce", "hinge", "cross_entropy" or a function);
    by default "cross_entropy" for a model with several outputs and "mse" for
    one.  Returns ``{"loss": float, "accuracy": float or None, "n": examples}``;
    accuracy is read from the outputs the way ``fit`` reads it (None for
    regression).  Works for scalar (``MLP``) and tensor models.
    """
    from .losses import get_loss
    from .train import _as_features, _engine, _feature_dtype, _is_tensor_model, accuracy_of

    if not isinstance(model, Module):
        raise TypeError(f"evaluate(model): expected a neuronlab Module, got {type(model).__name__}")
    if not model.parameters():
        raise ValueError("evaluate(model): the model has no parameters")
    X = _as_features(X, "evaluate(X)", _feature_dtype(model))
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(
            f"evaluate(y): expected {len(X)} targets (one per row of X), got shape {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.number) or not np.isfinite(y.astype(np.float64)).all():
        raise ValueError("evaluate(y): targets must be finite numbers")
    if loss is not None:
        loss_fn = get_loss(loss)  # an unknown name fails before any work
    forward, outputs = _engine(model)
    with no_grad() if _is_tensor_model(model) else contextlib.nullcontext():
        preds = forward(model, X)
        out = outputs(preds)
        if loss is None:
            loss = "cross_entropy" if out.ndim == 2 and out.shape[1] > 1 else "mse"
            loss_fn = get_loss(loss)
        loss_name = loss if isinstance(loss, str) else getattr(loss, "__name__", "custom")
        if loss_name == "binary_cross_entropy":
            loss_name = "bce"
        if loss_name == "hinge" and np.isin(y, (0, 1)).all():
            y = 2 * y - 1
        value = loss_fn(preds, y)
    number = float(value.item() if isinstance(value, Tensor) else value.data)
    return {"loss": number, "accuracy": accuracy_of(out, y, loss_name), "n": int(len(X))}
