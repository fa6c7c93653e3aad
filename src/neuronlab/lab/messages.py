"""The messages the lab's server sends the page: the ``State`` of a run, and JSON text for it.

``state_message`` is everything the page needs to draw a run from nothing:
the settings and their URL query, the task, the points, the input features
(with what each computes over the plane, as a small heatmap), the network's
head, the current ``Frame`` and the page's menus (``menus``: each name with
its title and one line, read from the registries, so no list of names is
written in the page's JavaScript).  ``dumps`` writes a message as JSON; a number
that is not finite (a diverged loss) is sent as null, since JSON has no NaN.
"""

from __future__ import annotations

import dataclasses
import json
import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ..data.info import DATASET_INFO, DATASETS
from ..losses import LOSSES
from ..nn.activations import ACTIVATIONS
from ..nn.init import INITS
from ..optim import OPTIMIZERS
from ..util.registry import Registry
from . import settings
from .features import FEATURE_LABELS, feature_matrix
from .frames import NEURON_GRID, encode, frame, grid_points
from .problem import DOMAIN

if TYPE_CHECKING:
    from .session import LabSession

__all__ = ["dumps", "feature_maps", "frame_message", "menus", "settings_fields", "state_message"]

#: The lab's own choices beside the registries' names: (how a menu shows it, what it means).
_LAB_CHOICES = {
    "custom": ("yours", "your own points: click the plane to add them, or upload a CSV"),
    "auto": ("auto", "the loss that fits the task: bce, cross-entropy or mse"),
    "none": ("none", "no penalty on the weights"),
    "l1": ("L1", "a penalty of rate · Σ|w|: pushes weights to exactly 0"),
    "l2": ("L2", "a penalty of rate · Σ w²: keeps weights small"),
}


def settings_fields(session: LabSession) -> dict[str, Any]:
    """The settings as JSON fields (tuples as lists)."""
    fields = dataclasses.asdict(session.settings)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}


@lru_cache(maxsize=1)
def feature_maps() -> dict[str, dict[str, Any]]:
    """What each input feature is over the plane: a heatmap over [-m, m], m its largest size.

    >>> maps = feature_maps()
    >>> maps["x1"]["range"], maps["x1*x2"]["size"]
    ([-6.0, 6.0], 50)
    """
    points = grid_points(NEURON_GRID)
    maps = {}
    for name in FEATURE_LABELS:
        values = feature_matrix(points, [name])[:, 0]
        top = DOMAIN if name in ("x1", "x2") else float(np.abs(values).max()) or 1.0
        maps[name] = {
            "size": NEURON_GRID,
            "range": [-top, top],
            "values": encode(values, -top, top),
        }
    return maps


def _menu(names: tuple[str, ...], registry: Registry[Any] | None) -> list[dict[str, Any]]:
    """The page's menu of ``names``: each with its title and summary, from the registry."""
    items = []
    for name in names:
        if registry is not None and name in registry:
            entry = registry[name]
            items.append({"name": name, "title": entry.label, "summary": entry.summary})
        else:
            title, summary = _LAB_CHOICES[name]
            items.append({"name": name, "title": title, "summary": summary})
    return items


@lru_cache(maxsize=1)
def menus() -> dict[str, list[dict[str, Any]]]:
    """Every menu of the page, read from the registries (``settings`` says which names the lab
    offers); a dataset says whether its number of classes can be chosen (``classes``)."""
    datasets = _menu(settings.DATASETS, DATASETS)
    for item in datasets:
        info = DATASET_INFO.get(item["name"])
        item["classes"] = bool(info and info.task == "classification" and not info.class_names)
    return {
        "dataset": datasets,
        "activation": _menu(settings.ACTIVATIONS, ACTIVATIONS),
        "init": _menu(settings.INITS, INITS),
        "optimizer": _menu(settings.OPTIMIZERS, OPTIMIZERS),
        "loss": _menu(settings.LOSSES, LOSSES),
        "regularization": _menu(settings.REGULARIZATIONS, None),
    }


def _points(session: LabSession) -> list[list[Any]]:
    p = session.problem
    part = np.full(p.size, "train", dtype=object)
    part[p.test] = "test"
    labels = p.y.astype(int).tolist() if p.task == "classification" else p.y.tolist()
    return [[x1, x2, label, kind] for (x1, x2), label, kind in zip(p.X.tolist(), labels, part)]


def frame_message(session: LabSession, rev: int, **extra: Any) -> dict[str, Any]:
    """The session's ``Frame``, stamped with the run's revision (and ``extra`` fields, e.g. id)."""
    return {**frame(session), "rev": rev, **extra}


def state_message(session: LabSession, *, playing: bool, rev: int) -> dict[str, Any]:
    """The ``State`` of docs/lab.md: everything the page draws a run from."""
    head = session.head
    return {
        "type": "state",
        "rev": rev,
        "settings": settings_fields(session),
        "query": session.settings.to_query(),
        "task": session.problem.task,
        "classes": session.problem.classes,
        "domain": DOMAIN,
        "points": _points(session),
        "features": dict(FEATURE_LABELS),
        "feature_maps": feature_maps(),
        "menus": menus(),
        "head": {"loss": head.loss, "outputs": head.outputs, "activation": head.activation},
        "playing": playing,
        "frame": frame_message(session, rev),
    }


def _finite(value: Any) -> Any:
    """The same structure with every non-finite float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """NumPy numbers and arrays as the Python numbers and lists JSON writes."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def dumps(message: Any) -> str:
    """A message as compact JSON text; NaN and infinities become null.

    >>> dumps({"loss": float("nan"), "step": np.int64(3)})
    '{"loss":null,"step":3}'
    """
    try:
        return json.dumps(message, allow_nan=False, separators=(",", ":"), default=_plain)
    except ValueError:  # a number that is not finite somewhere: the slow walk
        plain = json.loads(json.dumps(message, default=_plain))  # NaN survives this round trip
        return json.dumps(_finite(plain), allow_nan=False, separators=(",", ":"))
