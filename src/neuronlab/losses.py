"""Cost functions: how far the predictions are from the targets, as one number to minimise.

On the scalar engine, ``predictions`` is a list with one entry per example:
a ``Value`` (one output) or a list of Values (several outputs).  Targets are
plain numbers.  Each function returns one ``Value``: the mean over examples.

On the tensor engine, ``predictions`` is one ``Tensor`` for the whole batch,
shape (n,) or (n, k); targets are a list, an ndarray or a Tensor (used as
constants) of the same shape — a (n,) target beside (n, 1) predictions is
read as its column — and anything else is a ``ValueError`` naming both
shapes rather than a silent broadcast to (n, n).  Each function returns a 0-d
Tensor: the mean, as PyTorch's losses with ``reduction="mean"``, with the
same numbers and gradients.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .engine import Value
from .tensor import Tensor, _node, log_softmax

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
        return _tensor_mse(predictions, targets)
    pairs = _scalar_pairs(predictions, targets, "mse")
    return sum(((p - t) ** 2 for p, t in pairs), Value(0.0)) * (1.0 / len(pairs))


def binary_cross_entropy(probabilities: Any, targets: Any) -> Any:
    """-(1/n) Σ [t ln p + (1 - t) ln(1 - p)] for probabilities p in [0, 1] and targets t in [0, 1].

    A term whose weight (t or 1 - t) is 0 is left out, so p = 0 with t = 0
    costs 0 rather than 0 · ln 0 = nan.
    """
    if _is_tensor(probabilities):
        return _tensor_bce(probabilities, targets)
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
        return _tensor_hinge(scores, targets)
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
        return _tensor_cross_entropy(logits, targets)
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


# -- the tensor engine: the whole batch at once ---------------------------------------


def _tensor_targets(predictions: Tensor, targets: Any, who: str) -> np.ndarray:
    """Targets as a constant array of the predictions' shape and dtype, or a clear error."""
    raw = targets.data if isinstance(targets, Tensor) else targets
    if isinstance(raw, (str, bytes)) or raw is None:
        raise TypeError(f"{who}: targets must be numbers, got {type(raw).__name__}")
    try:
        t = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: targets must be numbers, got {type(raw).__name__}") from None
    shape = predictions.data.shape
    if t.shape != shape:
        column = len(shape) == 2 and shape[1] == 1 and t.shape == shape[:1]
        row = len(shape) == 1 and t.shape == (*shape, 1)
        if not (column or row or (t.size == 1 and predictions.data.size == 1)):
            raise ValueError(
                f"{who}: predictions have shape {shape} but targets have shape {t.shape}; "
                "they must match (one target per output)"
            )
        t = t.reshape(shape)
    if t.size == 0:
        raise ValueError(f"{who}: got an empty batch (predictions of shape {shape})")
    if not np.isfinite(t).all():
        raise ValueError(f"{who}: targets must be finite numbers")
    return t.astype(predictions.data.dtype)


def _tensor_mse(predictions: Tensor, targets: Any) -> Tensor:
    """mean((p - t)²) over every entry, as ``torch.nn.functional.mse_loss``."""
    diff = predictions - _tensor_targets(predictions, targets, "mse")
    return (diff * diff).mean()


def _tensor_hinge(scores: Tensor, targets: Any) -> Tensor:
    """mean(max(0, 1 - t · s)) for targets t = ±1."""
    t = _tensor_targets(scores, targets, "hinge")
    if not np.isin(t, (-1.0, 1.0)).all():
        raise ValueError("hinge: targets must be -1 or +1 (map 0/1 labels with 2*y - 1)")
    return (1.0 - scores * t).relu().mean()


_BCE_EPSILON = float(np.float32(1e-12))  # PyTorch's floor under p(1 - p) in the gradient (a float)


def _tensor_bce(probabilities: Tensor, targets: Any) -> Tensor:
    """-mean(t · max(ln p, -100) + (1 - t) · max(ln(1 - p), -100)), as PyTorch computes it.

    One node: the logarithms are clamped at -100 (so p = 0 or 1 costs at most
    100, never inf), and the gradient is PyTorch's (p - t) / max(p (1 - p), 1e-12) / n.
    """
    t = _tensor_targets(probabilities, targets, "binary_cross_entropy")
    if not ((t >= 0) & (t <= 1)).all():
        bad = t[(t < 0) | (t > 1)][0]
        raise ValueError(f"binary_cross_entropy: targets must lie in [0, 1], got {bad}")
    p = probabilities.data
    outside = (p < 0) | (p > 1)  # NaN passes: a diverged model gets a NaN loss, not an error
    if outside.any():
        raise ValueError(
            "binary_cross_entropy: predictions must be probabilities in [0, 1] (end the "
            f"network with a sigmoid), got values from {np.nanmin(p):.4g} to {np.nanmax(p):.4g}"
        )
    with np.errstate(all="ignore"):
        log_p = np.maximum(np.log(p), -100)
        log_q = np.maximum(np.log1p(-p), -100)
        loss = -(t * log_p + (1 - t) * log_q).mean()
    return _node(np.asarray(loss, dtype=p.dtype), (probabilities,), "bce", _bce_backward, (t,))


def _bce_backward(g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]) -> tuple:
    p = inputs[0].data
    (t,) = saved
    with np.errstate(all="ignore"):
        scale = g / p.size
        return ((p - t) / np.maximum((1 - p) * p, _BCE_EPSILON) * scale,)


def _class_labels(logits: Tensor, targets: Any) -> np.ndarray:
    """Integer class labels for (n, k) logits, checked: n of them, each in 0..k-1."""
    shape = logits.data.shape
    if len(shape) != 2:
        raise ValueError(f"cross_entropy: expected logits of shape (n, classes), got shape {shape}")
    n, k = shape
    raw = targets.data if isinstance(targets, Tensor) else targets
    if (
        type(raw) is np.ndarray
        and raw.dtype.kind in "iu"
        and raw.dtype.isnative
        and raw.shape == (n,)
        and n
        and np.maximum.reduce(raw.view(f"u{raw.itemsize}")) < k
    ):  # the usual case in one pass: as unsigned, a negative label reads as a huge one
        return raw.astype(np.int64)
    if isinstance(raw, (str, bytes)) or raw is None:
        raise TypeError(f"cross_entropy: targets must be class labels, got {type(raw).__name__}")
    labels = np.asarray(raw)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.shape != (n,):
        hint = "; for one-hot targets pass y.argmax(axis=1)" if labels.shape == shape else ""
        raise ValueError(
            f"cross_entropy: logits have shape {shape}, so expected {n} integer class labels "
            f"(shape ({n},)), got targets of shape {labels.shape}{hint}"
        )
    if n == 0:
        raise ValueError("cross_entropy: got an empty batch (logits of shape (0, k))")
    if labels.dtype.kind not in "iub":
        if labels.dtype.kind != "f":
            raise TypeError(f"cross_entropy: targets must be class labels, got {labels.dtype}")
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not whole.all():
            raise ValueError(
                f"cross_entropy: target {labels[~whole][0]!r} is not a class index in 0..{k - 1}"
            )
    labels = labels.astype(np.int64)
    bad = (labels < 0) | (labels >= k)
    if bad.any():
        raise ValueError(
            f"cross_entropy: target {int(labels[bad][0])} is not a class index in 0..{k - 1}"
        )
    return labels


def _tensor_cross_entropy(logits: Tensor, targets: Any) -> Tensor:
    """mean over examples of log Σ_j e^{z_j} - z_target, as ``torch.nn.functional.cross_entropy``.

    Uses the tensor engine's fused softmax-cross-entropy node when it has one
    (gradient (softmax(z) - onehot(t)) / n in one step); otherwise
    ``-log_softmax(z)[i, t_i]``, averaged.
    """
    labels = _class_labels(logits, targets)
    if _fused_cross_entropy is not None:
        return _fused_cross_entropy(logits, labels)  # labels checked above: not again
    picked = log_softmax(logits, axis=1)[np.arange(len(labels)), labels]
    return -picked.mean()


try:
    from .tensor import _softmax_cross_entropy_node as _fused_cross_entropy
except ImportError:  # an engine without the fused primitive: composed from log_softmax
    _fused_cross_entropy = None


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
