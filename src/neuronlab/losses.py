"""Cost functions: how far the predictions are from the targets, as one number to minimise.

On the scalar engine, ``predictions`` is a list with one entry per example:
a ``Value`` (one output) or a list of Values (several outputs).  Targets are
plain numbers.  Each function returns one ``Value``: the mean over examples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .engine import Value

__all__ = ["mse", "binary_cross_entropy", "hinge", "cross_entropy", "LOSSES", "get_loss"]


def _is_tensor(x: object) -> bool:
    return type(x).__name__ == "Tensor" and hasattr(x, "backward")


def _scalar_pairs(predictions: Any, targets: Any, who: str) -> list[tuple[Value, float]]:
    """Flatten per-example predictions and targets into (Value, number) pairs, checking sizes."""
    if isinstance(predictions, Value):
        predictions = [predictions]
    if not isinstance(predictions, Sequence) or len(predictions) == 0:
        raise TypeError(
            f"{who}: expected a non-empty list of predictions (Values), got {predictions!r:.60}"
        )
    flat_p: list[Value] = []
    for p in predictions:
        if isinstance(p, Value):
            flat_p.append(p)
        elif isinstance(p, Sequence) and all(isinstance(q, Value) for q in p):
            flat_p.extend(p)
        else:
            raise TypeError(
                f"{who}: predictions must be Values (or lists of Values), got {type(p).__name__}"
            )
    t = np.asarray(targets, dtype=np.float64).ravel() if not isinstance(targets, Value) else None
    if t is None:
        raise TypeError(f"{who}: targets must be plain numbers, got a Value")
    if t.size != len(flat_p):
        raise ValueError(
            f"{who}: {len(flat_p)} prediction(s) but {t.size} target(s); they must match one to one"
        )
    if not np.isfinite(t).all():
        raise ValueError(f"{who}: targets must be finite numbers")
    return list(zip(flat_p, t.tolist()))


def mse(predictions: Any, targets: Any) -> Any:
    """Mean squared error: (1/n) Σ (prediction - target)²;  d/dp = 2 (p - t) / n."""
    if _is_tensor(predictions):
        from .tensor_losses import mse as tensor_mse

        return tensor_mse(predictions, targets)
    pairs = _scalar_pairs(predictions, targets, "mse")
    return sum(((p - t) ** 2 for p, t in pairs), Value(0.0)) * (1.0 / len(pairs))


def binary_cross_entropy(probabilities: Any, targets: Any) -> Any:
    """-(1/n) Σ [t ln p + (1 - t) ln(1 - p)] for probabilities p in [0, 1] and targets t in [0, 1].

    A term whose weight (t or 1 - t) is 0 is left out, so p = 0 with t = 0
    costs 0 rather than 0 · ln 0 = nan.
    """
    if _is_tensor(probabilities):
        from .tensor_losses import binary_cross_entropy as tensor_bce

        return tensor_bce(probabilities, targets)
    pairs = _scalar_pairs(probabilities, targets, "binary_cross_entropy")
    terms: list[Value] = []
    for p, t in pairs:
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"binary_cross_entropy: targets must lie in [0, 1], got {t}")
        if t != 0.0:
            terms.append(t * p.log())
        if t != 1.0:
            terms.append((1.0 - t) * (1.0 - p).log())
    return sum(terms, Value(0.0)) * (-1.0 / len(pairs))


def hinge(scores: Any, targets: Any) -> Any:
    """Max-margin loss of micrograd's demo: (1/n) Σ max(0, 1 - t · score), targets t = ±1."""
    if _is_tensor(scores):
        from .tensor_losses import hinge as tensor_hinge

        return tensor_hinge(scores, targets)
    pairs = _scalar_pairs(scores, targets, "hinge")
    if any(t not in (-1.0, 1.0) for _, t in pairs):
        raise ValueError("hinge: targets must be -1 or +1 (map 0/1 labels with 2*y - 1)")
    losses = [(1 + -t * s).relu() for s, t in pairs]
    return sum(losses) * (1.0 / len(losses))


def cross_entropy(logits: Any, targets: Any) -> Any:
    """Softmax cross-entropy from raw scores: (1/n) Σ [log Σ_j e^{z_j} - z_target].

    ``logits`` holds one list of class scores per example, ``targets`` the
    integer class of each.  The largest score is subtracted first (a constant,
    which changes nothing but keeps e^z from overflowing).
    """
    if _is_tensor(logits):
        from .tensor_losses import cross_entropy as tensor_ce

        return tensor_ce(logits, targets)
    if not isinstance(logits, Sequence) or len(logits) == 0:
        raise TypeError("cross_entropy: expected a non-empty list of per-example score lists")
    labels = np.asarray(targets).ravel()
    if len(labels) != len(logits):
        raise ValueError(f"cross_entropy: {len(logits)} examples but {len(labels)} targets")
    total: list[Value] = []
    for z, label in zip(logits, labels.tolist()):
        if isinstance(z, Value) or not all(isinstance(zj, Value) for zj in z):
            raise TypeError("cross_entropy: each example's scores must be a list of Values")
        if not float(label).is_integer() or not 0 <= label < len(z):
            raise ValueError(
                f"cross_entropy: target {label!r} is not a class index in 0..{len(z) - 1}"
            )
        shift = max(zj.data for zj in z)
        if not math.isfinite(shift):
            shift = 0.0
        log_norm = sum(((zj - shift).exp() for zj in z), Value(0.0)).log()
        total.append(log_norm - (z[int(label)] - shift))
    return sum(total, Value(0.0)) * (1.0 / len(total))


#: Loss name -> function, as the command line and ``fit(loss="...")`` know them.
LOSSES: dict[str, Callable[[Any, Any], Any]] = {
    "mse": mse,
    "bce": binary_cross_entropy,
    "binary_cross_entropy": binary_cross_entropy,
    "hinge": hinge,
    "cross_entropy": cross_entropy,
}


def get_loss(loss: str | Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """The loss function called ``loss`` (mse, bce, hinge, cross_entropy), or ``loss`` itself."""
    if callable(loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]
    raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)} or a function")
