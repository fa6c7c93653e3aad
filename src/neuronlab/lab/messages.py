"""The messages the lab's server sends the page: the ``State`` of a run, and JSON text for it.

``state_message`` is everything the page needs to draw a run from nothing:
the settings and their URL query, the task, the points, the input features
(with what each computes over the plane, as a small heatmap), the network's
head and the current ``Frame``.  ``dumps`` writes a message as JSON; a number
that is not finite (a diverged loss) is sent as null, since JSON has no NaN.
"""

from __future__ import annotations

import dataclasses
import json
import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .features import FEATURE_LABELS, feature_matrix
from .frames import NEURON_GRID, encode, frame, grid_points
from .problem import DOMAIN

if TYPE_CHECKING:
    from .session import LabSession

__all__ = ["state_message", "frame_message", "settings_fields", "feature_maps", "dumps"]


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
