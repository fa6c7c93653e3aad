"""What the names page draws after a step, computed in Python from the model itself.

A names ``Frame`` carries the step, the train and dev losses (on fixed
examples), the characters' embedding on its first two principal components,
each tanh layer's activation histogram and saturated share, the update:data
ratio of every weight matrix over the steps, and (about once a second while
playing) ten new samples.  Each figure comes from the library's own
functions: ``evaluate``, ``sample``, ``embedding_projection``,
``layer_activations``, the Trainer's recorded ``update_ratios``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..nn.sequence import Embedding
from ..training.diagnostics import SATURATED
from ..training.updates import GUIDE
from ..viz.plots.internals import layer_activations
from ..viz.plots.language import embedding_projection
from .names_settings import LIMITS

if TYPE_CHECKING:
    from .names_session import NamesSession

__all__ = ["activation_histograms", "embedding_points", "names_frame", "ratio_series"]


def embedding_points(session: NamesSession) -> dict[str, Any]:
    """Each character's embedding as a point: its two columns, or the first two principal
    components of a wider table, with the share of the variance each explains."""
    first = session.model[0]
    assert isinstance(first, Embedding)  # every model of the ladder starts with one
    table = np.asarray(first.weight.data, dtype=np.float64)
    points, shares = embedding_projection(table)
    return {
        "characters": session.data.vocabulary.characters,
        "dimensions": int(table.shape[1]),
        "points": np.round(points, 4).tolist(),
        "shares": np.round(shares, 4).tolist(),
    }


def activation_histograms(session: NamesSession) -> list[dict[str, Any]]:
    """Every tanh layer's outputs on the fixed look-at examples: a histogram over [-1, 1] and
    the share beyond ``SATURATED`` (0.97) in size.  None for the bigram network (no tanh)."""
    if not any(type(m).__name__ == "Tanh" for m in session.model):
        return []
    bins = LIMITS.histogram_bins
    found = []
    for layer in layer_activations(session.model, session.data.look, layer="tanh"):
        counts, _ = np.histogram(layer.values, bins=bins, range=(-1.0, 1.0))
        found.append(
            {
                "name": layer.name,
                "counts": counts.tolist(),
                "range": [-1.0, 1.0],
                "mean": layer.mean,
                "std": layer.std,
                "saturated": layer.share_beyond(SATURATED),
            }
        )
    return found


def _layer_name(session: NamesSession, parameter: str) -> str:
    """``"2.weight"`` -> ``"layer 2 (Linear)"``, as the histograms name layers."""
    index = parameter.split(".", 1)[0]
    if not index.isdigit():
        return parameter
    return f"layer {index} ({type(session.model[int(index)]).__name__})"


def ratio_series(session: NamesSession) -> dict[str, Any]:
    """log10(update:data ratio) of every weight matrix over the steps, at most
    ``LIMITS.ratio_points`` points each (evenly thinned), and the guide (-3)."""
    history = session.trainer.history
    steps = history.update_steps
    count = len(steps)
    keep = np.unique(np.linspace(0, count - 1, min(count, LIMITS.ratio_points)).astype(int))
    series = []
    for name, values in history.update_ratios.items():
        picked = [values[i] for i in keep]
        series.append(
            {
                "name": _layer_name(session, name),
                "values": [round(v, 4) if math.isfinite(v) else None for v in picked],
            }
        )
    return {"steps": [steps[i] for i in keep], "series": series, "guide": GUIDE}


def names_frame(session: NamesSession, *, samples: bool) -> dict[str, Any]:
    """Everything the names page shows after a step (new ``samples`` only when asked)."""
    trainer = session.trainer
    body: dict[str, Any] = {
        "type": "frame",
        "step": session.steps,
        "epoch": trainer.epochs_done + trainer.epoch_progress,
        "batch_loss": trainer.last_loss,
        **session.losses(),
        "diverged": session.diverged,
        "embedding": embedding_points(session),
        "activations": activation_histograms(session),
        "ratios": ratio_series(session),
    }
    if samples:
        body["samples"] = list(session.samples)
        body["temperature"] = session.settings.temperature
    return body
