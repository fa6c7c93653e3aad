"""Cost functions: how far the predictions are from the targets, as one number to minimise.

On the scalar engine, ``predictions`` is a list with one entry per example:
a ``Value`` (one output) or a list of Values (several outputs).  Targets are
plain numbers.  Each function returns one ``Value``: the mean over examples.

On the tensor engine, ``predictions`` is one ``Tensor`` for the whole batch,
shape (n,) or (n, k); targets are a list, an ndarray or a Tensor (used as
constants) of the same shape -- a (n,) target beside (n, 1) predictions is
read as its column -- and anything else is a ``ValueError`` naming both
shapes rather than a silent broadcast to (n, n).  Each function returns a 0-d
Tensor: the mean, as PyTorch's losses with ``reduction="mean"``, with the
same numbers and gradients.

``LOSSES`` is the one table of what each loss is called, the output layer it
reads and how its outputs read as classes; ``loss_name``, ``output_layer``,
``prepare_targets`` and ``decision_threshold`` are what training, evaluation,
reports, the command line and the lab ask of it (how many outputs a loss's
reading gets right is ``metrics.correct_count``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import Value
from .nn.engines import SCALAR, TENSOR
from .tensor import Tensor, softmax_cross_entropy
from .util.checks import class_labels, describe, number_array, whole_number
from .util.registry import Entry, Registry

__all__ = [
    "LOSSES",
    "LOSS_ALIASES",
    "TASKS",
    "LossSpec",
    "OutputLayer",
    "binary_cross_entropy",
    "cross_entropy",
    "decision_threshold",
    "get_loss",
    "hinge",
    "loss_name",
    "losses_for",
    "mse",
    "output_layer",
    "prepare_targets",
    "wants_one_hot",
]

LossFn = Callable[[Any, Any], Any]


def _scalar_pairs(predictions: Any, targets: Any, where: str) -> list[tuple[Value, float]]:
    """Flatten per-example predictions and targets into (Value, number) pairs, checking sizes."""
    if SCALAR.is_node(predictions):
        predictions = [predictions]
    if not isinstance(predictions, Sequence) or len(predictions) == 0:
        raise TypeError(
            f"{where}: expected a non-empty list of predictions (Values), "
            f"got {describe(predictions)}"
        )
    flat_p: list[Value] = []
    for p in predictions:
        if SCALAR.is_node(p):
            flat_p.append(p)
        elif isinstance(p, Sequence) and all(SCALAR.is_node(q) for q in p):
            flat_p.extend(p)
        else:
            raise TypeError(
                f"{where}: predictions must be Values (or lists of Values), got {type(p).__name__}"
            )
    if SCALAR.is_node(targets):
        raise TypeError(f"{where}: targets must be plain numbers, got a Value")
    t = np.asarray(targets, dtype=np.float64).ravel()
    if t.size != len(flat_p):
        raise ValueError(
            f"{where}: {len(flat_p)} prediction(s) but {t.size} target(s); "
            "they must match one to one"
        )
    if not np.isfinite(t).all():
        raise ValueError(f"{where}: targets must be finite numbers")
    return list(zip(flat_p, t.tolist()))


def _total(terms: list[Value]) -> Value:
    """t1 + t2 + ... built from the first term on, so the graph has no ``0 + ...`` node."""
    return sum(terms[1:], terms[0])


def mse(predictions: Any, targets: Any) -> Any:
    """Mean squared error: (1/n) Σ (prediction - target)²;  d/dp = 2 (p - t) / n."""
    if TENSOR.is_node(predictions):
        diff = predictions - _tensor_targets(predictions, targets, "mse")
        return (diff * diff).mean()
    pairs = _scalar_pairs(predictions, targets, "mse")
    return _total([(p - t) ** 2 for p, t in pairs]) * (1.0 / len(pairs))


_LOG_FLOOR = -100.0  # PyTorch's floor under ln p and ln(1 - p) in binary cross-entropy
_BCE_EPSILON = float(np.float32(1e-12))  # PyTorch's floor under p(1 - p) in its gradient


def binary_cross_entropy(probabilities: Any, targets: Any) -> Any:
    """-(1/n) Σ [t ln p + (1 - t) ln(1 - p)] for probabilities p in [0, 1], targets t in [0, 1].

    As PyTorch computes it: each logarithm is clamped at -100 (so p = 0 with
    t = 1 costs 100, never inf), and the gradient is
    (p - t) / max(p (1 - p), 1e-12) / n.
    """
    if TENSOR.is_node(probabilities):
        return _tensor_bce(probabilities, targets)
    pairs = _scalar_pairs(probabilities, targets, "binary_cross_entropy")
    n = len(pairs)
    terms = []
    for p, t in pairs:
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"binary_cross_entropy: targets must lie in [0, 1], got {t}")
        terms.append(_bce_term(p, t, n))
    return _total(terms)


def _bce_term(p: Value, t: float, n: int) -> Value:
    """One example's share of the mean, -(t ln p + (1 - t) ln(1 - p)) / n, as one node."""
    x = p.data
    log_p = max(math.log(x), _LOG_FLOOR) if x > 0 else _LOG_FLOOR
    log_q = max(math.log1p(-x), _LOG_FLOOR) if x < 1 else _LOG_FLOOR
    loss = -(t * log_p + (1.0 - t) * log_q) / n
    slope = (x - t) / max(x * (1.0 - x), _BCE_EPSILON) / n
    return Value(loss, (p,), (slope,), "bce")


def hinge(scores: Any, targets: Any) -> Any:
    """Max-margin loss of micrograd's demo: (1/n) Σ max(0, 1 - t · score), targets t = ±1."""
    if TENSOR.is_node(scores):
        t = _tensor_targets(scores, targets, "hinge")
        if not np.isin(t, (-1.0, 1.0)).all():
            raise ValueError("hinge: targets must be -1 or +1 (map 0/1 labels with 2*y - 1)")
        return (1.0 - scores * t).relu().mean()
    pairs = _scalar_pairs(scores, targets, "hinge")
    if any(t not in (-1.0, 1.0) for _, t in pairs):
        raise ValueError("hinge: targets must be -1 or +1 (map 0/1 labels with 2*y - 1)")
    losses = [(1 + -t * s).relu() for s, t in pairs]
    return _total(losses) * (1.0 / len(losses))


def cross_entropy(logits: Any, targets: Any) -> Any:
    """Softmax cross-entropy from raw scores: (1/n) Σ [log Σ_j e^{z_j} - z_target].

    ``logits`` holds each example's class scores (a list of Values per example,
    or a Tensor of shape (n, classes)), ``targets`` the integer class of each.
    The largest score is subtracted first (a constant, which changes nothing
    but keeps e^z from overflowing).
    """
    if TENSOR.is_node(logits):
        shape = logits.data.shape
        if len(shape) != 2:
            raise ValueError(
                f"cross_entropy: expected logits of shape (n, classes), got shape {shape}"
            )
        raw = targets.data if TENSOR.is_node(targets) else targets
        if np.shape(raw) == shape and shape[1] > 1:
            raise ValueError(
                f"cross_entropy: expected {shape[0]} class labels, got targets of shape "
                f"{np.shape(raw)}; for one-hot targets pass y.argmax(axis=1)"
            )
        what = f"cross_entropy(targets) for logits of shape {shape}"
        labels = class_labels(raw, what, n=shape[0], classes=shape[1])
        return softmax_cross_entropy(logits, labels)
    if not isinstance(logits, Sequence) or len(logits) == 0:
        raise TypeError("cross_entropy: expected a non-empty list of per-example score lists")
    for z in logits:
        if SCALAR.is_node(z) or not all(SCALAR.is_node(zj) for zj in z):
            raise TypeError("cross_entropy: each example's scores must be a list of Values")
    classes = min(len(z) for z in logits)
    labels = class_labels(targets, "cross_entropy(targets)", n=len(logits), classes=classes)
    total: list[Value] = []
    for z, label in zip(logits, labels.tolist()):
        shift = max(zj.data for zj in z)
        if not math.isfinite(shift):
            shift = 0.0
        log_norm = _total([(zj - shift).exp() for zj in z]).log()
        total.append(log_norm - (z[label] - shift))
    return _total(total) * (1.0 / len(total))


# -- the tensor engine: the whole batch at once ---------------------------------------


def _tensor_targets(predictions: Tensor, targets: Any, where: str) -> np.ndarray:
    """Targets as a constant array of the predictions' shape and dtype, or a clear error."""
    raw = targets.data if TENSOR.is_node(targets) else targets
    t = number_array(raw, f"{where}(targets)", np.float64, expected="numbers")
    shape = predictions.data.shape
    if t.shape != shape:
        column = len(shape) == 2 and shape[1] == 1 and t.shape == shape[:1]
        row = len(shape) == 1 and t.shape == (*shape, 1)
        if not (column or row or (t.size == 1 and predictions.data.size == 1)):
            raise ValueError(
                f"{where}: predictions have shape {shape} but targets have shape {t.shape}; "
                "they must match (one target per output)"
            )
        t = t.reshape(shape)
    if t.size == 0:
        raise ValueError(f"{where}: got an empty batch (predictions of shape {shape})")
    if not np.isfinite(t).all():
        raise ValueError(f"{where}: targets must be finite numbers")
    return t.astype(predictions.data.dtype)


def _tensor_bce(probabilities: Tensor, targets: Any) -> Tensor:
    """Binary cross-entropy of a batch as one node, with PyTorch's clamp and gradient."""
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
        log_p = np.maximum(np.log(p), _LOG_FLOOR)
        log_q = np.maximum(np.log1p(-p), _LOG_FLOOR)
        loss = -(t * log_p + (1 - t) * log_q).mean()
    data = np.asarray(loss, dtype=p.dtype)
    return probabilities.from_op(data, (probabilities,), "bce", _bce_backward, (t,))


def _bce_backward(
    g: np.ndarray, inputs: tuple[Tensor, ...], saved: tuple[Any, ...]
) -> tuple[Any, ...]:
    p = inputs[0].data
    (t,) = saved
    with np.errstate(all="ignore"):
        scale = g / p.size
        return ((p - t) / np.maximum((1 - p) * p, _BCE_EPSILON) * scale,)


# -- the table: names, the output layer a loss reads, how its outputs read as classes -----


@dataclass(frozen=True)
class LossSpec(Entry):
    """One loss: its name, its function (``builds``), and how one output per example reads as a
    class, which problems it fits and the output layer it reads.

    ``threshold``: a single output above it means class 1 (hinge: 0, a score's
    sign; bce: 0.5, a probability).  For mse it is 0.5 on 0/1 targets, 0 on
    ±1 targets, and there is no class otherwise (regression).  ``tasks``: the
    problems it is fitted to, of ``TASKS``.  ``output_activation``: the
    activation of the last layer when the loss separates classes ("sigmoid":
    probabilities; "linear": raw scores).  ``score_per_class``: one output per
    class even for two (cross-entropy's softmax needs a score for each);
    otherwise two classes are read from one output.  ``output_layer`` reads
    these two fields; a regression is always one linear output.
    ``target_per_output``: each output is compared with a target of its own
    (mse), so on several outputs the class labels become one-hot rows
    (``wants_one_hot``).
    """

    threshold: float | None = None
    tasks: tuple[str, ...] = ()
    output_activation: str = "linear"
    score_per_class: bool = False
    target_per_output: bool = False

    @property
    def function(self) -> LossFn:
        """The loss function itself."""
        function: LossFn = self.builds  # an Entry's ``builds`` is of any kind; a loss's is this
        return function


#: The problems a loss can fit: a regression, a yes/no question, several classes.
TASKS = ("regression", "two classes", "several classes")

#: Loss name -> its spec: the one registry of losses (the command line's --loss, the lab's menu,
#: ``fit(loss=...)``, reports); a new loss is added here.  The aliases are other spellings the
#: command line and ``fit(loss=...)`` accept.
LOSSES: Registry[LossSpec] = Registry(
    "loss",
    [
        LossSpec(
            "bce",
            binary_cross_entropy,
            "binary cross-entropy of probabilities",
            "binary cross-entropy",
            0.5,
            ("two classes",),
            output_activation="sigmoid",
        ),
        LossSpec(
            "cross_entropy",
            cross_entropy,
            "softmax cross-entropy of class scores",
            "cross-entropy",
            None,
            ("two classes", "several classes"),
            score_per_class=True,
        ),
        LossSpec(
            "mse",
            mse,
            "mean squared error (the quadratic cost)",
            "mean squared error",
            None,
            TASKS,
            output_activation="sigmoid",  # on classes: the quadratic cost of sigmoid neurons
            target_per_output=True,
        ),
        LossSpec(
            "hinge",
            hinge,
            "max-margin loss of scores, targets ±1",
            "hinge loss",
            0.0,
            ("two classes",),
        ),
    ],
    aliases={"binary_cross_entropy": "bce", "ce": "cross_entropy"},
)
#: Other names the command line and ``fit(loss=...)`` accept.
LOSS_ALIASES: dict[str, str] = LOSSES.aliases


def losses_for(task: str) -> tuple[str, ...]:
    """The names of the losses that fit ``task`` (one of ``TASKS``), in the registry's order."""
    return tuple(spec.name for spec in LOSSES.values() if task in spec.tasks)


def loss_name(loss: str | LossFn) -> str:
    """The table's name of ``loss`` (a name, an alias or one of the functions); "custom" otherwise.

    An unknown string is a ValueError listing the names.
    """
    if isinstance(loss, str):
        return LOSSES.check(loss)
    if not callable(loss):
        raise TypeError(f"loss: expected a name or a function, got {describe(loss)}")
    for spec in LOSSES.values():
        if loss is spec.function:
            return spec.name
    return "custom"


def get_loss(loss: str | LossFn) -> LossFn:
    """The loss function called ``loss`` (a name or an alias), or ``loss`` itself."""
    name = loss_name(loss)
    return loss if name == "custom" else LOSSES[name].function  # type: ignore[return-value]


@dataclass(frozen=True)
class OutputLayer:
    """The last layer a loss reads: how many outputs, and their activation ("sigmoid", "linear")."""

    outputs: int
    activation: str


def output_layer(loss: str | LossFn, classes: int) -> OutputLayer:
    """The output layer ``loss`` reads on a problem of ``classes`` classes (0: a regression).

    A regression: one linear output.  Two classes: one output, or one per class
    for a loss that reads a score per class (cross-entropy); more classes: one
    output per class.  The activation is the loss's ``output_activation``.  A
    loss that does not fit the problem (``LossSpec.tasks``) is a ValueError.

    >>> output_layer("bce", 2), output_layer("cross_entropy", 2).outputs
    (OutputLayer(outputs=1, activation='sigmoid'), 2)
    """
    name = loss_name(loss)
    count = whole_number(classes, "output_layer(classes)", minimum=0)
    if name == "custom" or count == 1:
        what = f"the loss {name!r}" if name == "custom" else "1 class"
        raise ValueError(
            f"output_layer: expected a loss of the registry and 0 (a regression) or at least "
            f"2 classes, got {what}"
        )
    spec = LOSSES[name]
    task = "regression" if count == 0 else "two classes" if count == 2 else "several classes"
    if task not in spec.tasks:
        fits = ", ".join(spec.tasks)
        raise ValueError(f"output_layer: {name} does not fit {task}; it fits {fits}")
    if task == "regression":
        return OutputLayer(1, "linear")
    outputs = count if spec.score_per_class or count > 2 else 1
    return OutputLayer(outputs, spec.output_activation)


def wants_one_hot(loss: str | LossFn, outputs: int) -> bool:
    """Whether ``loss`` on ``outputs`` outputs reads class labels as one-hot rows (mse on several).

    >>> wants_one_hot("mse", 3), wants_one_hot("mse", 1), wants_one_hot("cross_entropy", 3)
    (True, False, False)
    """
    name = loss_name(loss)
    count = whole_number(outputs, "wants_one_hot(outputs)", minimum=1)
    return name in LOSSES and LOSSES[name].target_per_output and count > 1


def prepare_targets(loss: str | LossFn, y: np.ndarray) -> np.ndarray:
    """Targets as ``loss`` reads them: hinge maps 0/1 labels to -1/+1; others are unchanged."""
    if loss_name(loss) == "hinge" and y.size and np.isin(y, (0, 1)).all():
        return 2 * y - 1
    return y


def decision_threshold(loss: str | LossFn, y: np.ndarray) -> float | None:
    """Where a single output splits class 0 from class 1 under ``loss`` (None: regression)."""
    name = loss_name(loss)
    if name == "mse":
        if np.isin(y, (0, 1)).all():
            return 0.5
        return 0.0 if np.isin(y, (-1, 1)).all() else None
    return LOSSES[name].threshold if name in LOSSES else None
