"""Everything a lab run is made of, checked, and written as a URL query so a run can be shared.

``LabSettings`` holds the data (which set, noise, points, the train/test
split, the seed), the input features, the network (hidden layers and an
activation each, the initialisation) and the training (optimiser, learning
rate, batch size, L1 or L2 penalty, loss).  ``with_changes`` checks a partial
update the page sends and returns new settings, or raises ``LabInputError``
naming the field; ``to_query`` and ``from_query`` turn settings into the
URL's query string and back.  The same settings and seed give the same run:
the same data, the same starting weights, the same numbers after the same
steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .. import losses, optim
from ..data.info import dataset_info
from ..nn import activations as nn_activations
from ..nn import init as nn_init
from ..util.checks import describe, real_number, whole_number
from ..util.registry import unknown_name

T = TypeVar("T")

__all__ = [
    "ACTIVATIONS",
    "CLASSIFICATION_SETS",
    "DATASETS",
    "FEATURES",
    "INITS",
    "LOSSES",
    "MAX_CLASSES",
    "MAX_LAYERS",
    "MAX_POINTS",
    "MAX_WIDTH",
    "OPTIMIZERS",
    "PLACEMENT",
    "REGRESSION_SETS",
    "REGULARIZATIONS",
    "LabInputError",
    "LabSettings",
    "changed_fields",
    "field_value",
]

#: The generated sets the lab draws on its plane, each a name of the dataset registry
#: (``data.DATASETS``) -> where it lies there: (the centre of its points, the scale).
PLACEMENT: dict[str, tuple[tuple[float, float], float]] = {
    "circles": ((0.0, 0.0), 5.0),
    "xor": ((0.0, 0.0), 3.0),
    "moons": ((0.5, 0.25), 3.0),
    "spiral": ((0.0, 0.0), 5.0),
    "blobs": ((0.0, 0.0), 0.9),
    "plane": ((0.0, 0.0), 5.0),
    "bumps": ((0.0, 0.0), 5.0),
}
#: The lab's menus, read from the registries of the layers that define the things; "custom" is
#: the user's own points, "auto" the loss that fits the task.
CLASSIFICATION_SETS = tuple(n for n in PLACEMENT if dataset_info(n).task == "classification")
REGRESSION_SETS = tuple(n for n in PLACEMENT if dataset_info(n).task == "regression")
DATASETS = (*CLASSIFICATION_SETS, *REGRESSION_SETS, "custom")
#: The input features a network can read, each toggled on or off.
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
ACTIVATIONS = nn_activations.ACTIVATIONS.names
INITS = nn_init.INITS.names
OPTIMIZERS = optim.OPTIMIZERS.names
LOSSES = ("auto", *losses.LOSSES.names)
REGULARIZATIONS = ("none", "l1", "l2")

MAX_LAYERS = 6  # hidden layers
MAX_WIDTH = 16  # neurons per hidden layer
MAX_CLASSES = 6
MAX_POINTS = 10_000
MIN_POINTS = 10


class LabInputError(ValueError):
    """A setting or an input the lab cannot take; ``field`` names it for the page."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LabSettings:
    """One lab run: data, features, network and training (TensorFlow Playground's defaults)."""

    dataset: str = "circles"
    classes: int = 2
    noise: float = 0.0
    points: int = 500
    test_ratio: float = 0.5
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    init: str = "xavier"
    optimizer: str = "sgd"
    lr: float = 0.03
    batch_size: int = 10
    regularization: str = "none"
    reg_rate: float = 0.0
    loss: str = "auto"

    @property
    def task(self) -> str:
        """ "regression" for plane and bumps, else "classification" (custom: its labels decide)."""
        return "regression" if self.dataset in REGRESSION_SETS else "classification"

    def with_changes(self, changes: Mapping[str, Any]) -> LabSettings:
        """New settings with ``changes`` applied, every field checked; a LabInputError if not."""
        if not isinstance(changes, Mapping):
            raise LabInputError(
                "settings", f"expected an object of fields, got {describe(changes)}"
            )
        names = {f.name for f in dataclasses.fields(self)}
        values = dataclasses.asdict(self)
        for key, value in changes.items():
            if key not in names:
                raise LabInputError(str(key), f"unknown setting; expected one of {_listed(names)}")
            values[key] = _CHECKS[key](value, key)
        if "hidden" in changes and "activations" not in changes:
            values["activations"] = _fit_activations(values["activations"], values["hidden"])
        return _consistent(LabSettings(**values))

    def to_query(self) -> dict[str, str]:
        """The settings as URL query parameters (only those that differ from the defaults)."""
        default = LabSettings()
        query = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                query[f.name] = _to_text(value)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> LabSettings:
        """Settings from URL query parameters (missing ones take their defaults)."""
        known = {f.name: f.type for f in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for key, text in query.items():
            if key not in known:
                continue  # other parameters (the token, a preset) are not settings
            changes[key] = _from_text(key, text)
        return cls().with_changes(changes)


# -- checks, one per kind of field -------------------------------------------------------------


def changed_fields(old: Any, new: Any) -> set[str]:
    """The names of the fields in which two settings of one dataclass differ."""
    return {f.name for f in dataclasses.fields(new) if getattr(new, f.name) != getattr(old, f.name)}


def field_value(check: Callable[..., T], value: Any, field: str, **bounds: Any) -> T:
    """``check(value, field, **bounds)``, one of ``util.checks``, failing as a LabInputError.

    The lab's field errors are the library's argument errors with the field's
    name as the caller's: ``points: expected a whole number from 10 to 10,000, got 9``.
    """
    try:
        return check(value, field, **bounds)
    except (TypeError, ValueError) as exc:
        raise LabInputError(field, str(exc).removeprefix(f"{field}: ")) from None


def _listed(options: Any) -> str:
    return ", ".join(str(o) for o in options)


def _choice(options: tuple[str, ...], kind: str) -> Any:
    def check(value: Any, field: str) -> str:
        if value not in options:  # the registries' one message, with the lab's own choices
            raise LabInputError(field, str(unknown_name(kind, value, options)))
        return str(value)

    return check


def _integer(low: int, high: int) -> Any:
    def check(value: Any, field: str) -> int:
        return field_value(whole_number, value, field, minimum=low, maximum=high)

    return check


def _number(low: float, high: float, *, above_low: bool = False) -> Any:
    def check(value: Any, field: str) -> float:
        return field_value(real_number, value, field, minimum=low, maximum=high, strict=above_low)

    return check


def _features(value: Any, field: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise LabInputError(field, f"expected a list of features, got {describe(value)}")
    chosen = set(value)
    unknown = chosen - set(FEATURES)
    if unknown:
        raise LabInputError(
            field, f"unknown feature {sorted(unknown)[0]!r}; expected some of {_listed(FEATURES)}"
        )
    if not chosen:
        raise LabInputError(field, "expected at least one input feature")
    return tuple(f for f in FEATURES if f in chosen)  # always in the table's order


def _hidden(value: Any, field: str) -> tuple[int, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise LabInputError(field, f"expected a list of layer widths, got {describe(value)}")
    if len(value) > MAX_LAYERS:
        raise LabInputError(field, f"expected at most {MAX_LAYERS} hidden layers, got {len(value)}")
    width = _integer(1, MAX_WIDTH)
    return tuple(width(w, f"{field}[{i}]") for i, w in enumerate(value))


def _activations(value: Any, field: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise LabInputError(
            field, f"expected one activation per hidden layer, got {describe(value)}"
        )
    check = _choice(ACTIVATIONS, "activation")
    return tuple(check(a, f"{field}[{i}]") for i, a in enumerate(value))


_CHECKS: dict[str, Any] = {
    "dataset": _choice(DATASETS, "dataset"),
    "classes": _integer(2, MAX_CLASSES),
    "noise": _number(0.0, 0.5),
    "points": _integer(MIN_POINTS, MAX_POINTS),
    "test_ratio": _number(0.1, 0.9),
    "seed": _integer(0, 2**31 - 1),
    "features": _features,
    "hidden": _hidden,
    "activations": _activations,
    "init": _choice(INITS, "initialisation"),
    "optimizer": _choice(OPTIMIZERS, "optimizer"),
    "lr": _number(0.0, 10.0, above_low=True),
    "batch_size": _integer(1, MAX_POINTS),
    "regularization": _choice(REGULARIZATIONS, "regularization"),
    "reg_rate": _number(0.0, 10.0),
    "loss": _choice(LOSSES, "loss"),
}


def _fit_activations(activations: tuple[str, ...], hidden: tuple[int, ...]) -> tuple[str, ...]:
    """Activations for a new number of layers: kept where they were, a new layer takes the last."""
    last = activations[-1] if activations else "tanh"
    return tuple(activations[i] if i < len(activations) else last for i in range(len(hidden)))


def _consistent(s: LabSettings) -> LabSettings:
    """The settings when their parts agree; a LabInputError names the part that does not."""
    if len(s.activations) != len(s.hidden):
        raise LabInputError(
            "activations",
            f"expected one activation per hidden layer ({len(s.hidden)}), got {len(s.activations)}",
        )
    fits = losses.TASKS if s.loss == "auto" else losses.LOSSES[s.loss].tasks  # auto fits any
    if s.task == "regression" and "regression" not in fits:
        fitted = " or ".join(losses.losses_for("regression"))
        raise LabInputError("loss", f"a regression set is fitted with {fitted}, not {s.loss}")
    if s.dataset == "custom":
        return s  # the user's points decide how many classes there are (the session checks)
    two_class = len(dataset_info(s.dataset).class_names or ()) == 2 or s.classes == 2
    if s.task == "classification" and "several classes" not in fits and not two_class:
        why = "separates two classes" if s.loss == "hinge" else "answers a yes/no question"
        several = " or ".join(losses.losses_for("several classes"))
        raise LabInputError("loss", f"{s.loss} {why}; use {several}")
    return s


# -- the URL's text ------------------------------------------------------------------------------


def _to_text(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


_TUPLE_FIELDS = {"features", "hidden", "activations"}
_INT_FIELDS = {"classes", "points", "seed", "batch_size"}
_FLOAT_FIELDS = {"noise", "test_ratio", "lr", "reg_rate"}


def _from_text(key: str, text: str) -> Any:
    """One query parameter's text as the value its setting takes (checked by with_changes)."""
    if not isinstance(text, str) or len(text) > 200:
        raise LabInputError(key, "expected a short text in the URL")
    try:
        if key in _TUPLE_FIELDS:
            items = [t for t in text.split(",") if t] if text else []
            return [int(t) for t in items] if key == "hidden" else items
        if key in _INT_FIELDS:
            return int(text)
        if key in _FLOAT_FIELDS:
            return float(text)
    except ValueError:
        raise LabInputError(key, f"expected a number in the URL, got {text!r:.40}") from None
    return text
