"""Signs that training is going wrong, told once each, with the cause and the fix.

A learner who picks too large a learning rate sees no error: the loss sits at
a plateau or grows, and the numbers alone do not say why.  ``Diagnostics``
watches a run and warns (``TrainingWarning``) when

- a hidden layer uses ``step``, whose zero slope means no gradient reaches
  the layers before it (only the output layer learns);
- every ReLU of a hidden layer outputs 0 for every example it is shown, so
  no gradient flows back through that layer and training is stuck;
- the loss has grown to 100 times its best: the steps overshoot;
- more than half of a tanh layer's outputs are saturated (|t| > 0.97) at
  the start, so its slope 1 - t² is nearly 0 and little gradient gets
  through: the starting weights are too large (later in training a share of
  saturated units is normal, and says nothing about the start);
- a weight matrix's update:data ratio is far from the lectures' guide of
  1e-3 per step: the layer learns too slowly, or steps so far that it undoes
  what it learned.
"""

from __future__ import annotations

import inspect
import os
import warnings
from typing import Any

import numpy as np

from ..nn.activations import ACTIVATIONS
from ..util.numbers import format_number
from .updates import GUIDE

__all__ = [
    "GROWTH",
    "SAMPLE_ROWS",
    "SATURATED",
    "SATURATED_SHARE",
    "UPDATE_CHECK_STEPS",
    "UPDATE_RANGE",
    "Diagnostics",
    "TrainingWarning",
]

#: How many training rows the dead-ReLU and saturation checks look at, once per epoch.
SAMPLE_ROWS = 256
#: The loss growth, over its best so far, that counts as overshooting.
GROWTH = 100.0
#: A tanh output beyond this (in size) is saturated: its slope 1 - t² is below 0.06.
SATURATED = 0.97
#: The share of saturated outputs in one tanh layer that earns a warning.
SATURATED_SHARE = 0.5
#: The steps whose update:data ratios are measured (the weights are copied before them).
UPDATE_CHECK_STEPS = frozenset({100, 1000})
#: log10 of the update:data ratio outside which a layer's steps are far from the 1e-3 guide.
UPDATE_RANGE = (-5.0, -1.0)


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _caller_level() -> int:
    """The ``stacklevel`` that points a warning at the first line outside neuronlab.

    (A warning should name the user's ``fit(...)`` or ``trainer.step()`` line,
    however deep inside the library it is raised.)
    """
    frame = inspect.currentframe()
    level = 0
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    return level


class TrainingWarning(UserWarning):
    """A sign that training is going wrong; the message says the cause and the fix."""


class Diagnostics:
    """Watches one run; each kind of warning is given at most once."""

    def __init__(self, model: Any, X: np.ndarray) -> None:
        self.model = model
        self.sample = X[:SAMPLE_ROWS]
        self.given: set[str] = set()
        self.best_loss = float("inf")

    def _warn(self, kind: str, message: str) -> None:
        if kind not in self.given:
            self.given.add(kind)
            warnings.warn(message, TrainingWarning, stacklevel=_caller_level())

    def _layers(self) -> list[Any]:
        try:
            layers: list[Any] = self.model.layer_outputs(self.sample)
            return layers
        except NotImplementedError:
            return []  # a module of the user's own: nothing to look inside

    def at_start(self) -> None:
        """Before the first step: a step activation in a hidden layer, saturated tanh layers."""
        layers = self._layers()
        self._look_for_saturation(layers)
        steps = [out for out in layers if out.hidden and not _passes_gradient(out.activation)]
        if steps:
            self._warn(
                "step",
                f"hidden layer {steps[0].layer} uses the {steps[0].activation} activation: its "
                "slope is 0 everywhere, "
                "so no gradient reaches the layers before it and only the layers after it "
                "learn. Use sigmoid (a smooth step) or relu for hidden layers.",
            )

    def after_epoch(self, loss: float, lr: float) -> None:
        """After each epoch: the loss against its best so far, and dead ReLU layers."""
        self.best_loss = min(self.best_loss, loss)
        if self.best_loss > 0 and loss > GROWTH * self.best_loss:
            self._warn(
                "growth",
                f"the loss has grown from {format_number(self.best_loss)} to "
                f"{format_number(loss)} ({format_number(loss / self.best_loss)} times its best): "
                f"the steps overshoot the minimum. Lower the learning rate (it is "
                f"{format_number(lr)}), e.g. to {format_number(lr / 10)}.",
            )
        if "dead" in self.given:
            return
        for out in self._layers():
            if out.hidden and out.activation == "relu" and not (out.values > 0).any():
                self._warn(
                    "dead",
                    f"every ReLU of hidden layer {out.layer} outputs 0 for every example: "
                    "no gradient flows back through it, so the network's output is the same "
                    "for every input and training is stuck. The usual cause is a learning "
                    f"rate too large (it is {format_number(lr)}): start again with a smaller "
                    "one, e.g. a tenth of it.",
                )
                return

    def _look_for_saturation(self, layers: list[Any]) -> None:
        """Warn (once) when more than half of a tanh layer's outputs are beyond ±0.97."""
        if "saturated" in self.given:
            return
        for out in layers:
            if out.activation != "tanh" or not out.values.size:
                continue
            share = float(np.mean(np.abs(out.values) > SATURATED))
            if share > SATURATED_SHARE:
                self._warn(
                    "saturated",
                    f"{share:.0%} of the outputs of tanh layer {out.layer} are saturated "
                    f"(|t| > {SATURATED}): there the slope 1 - t² is nearly 0, so almost no "
                    "gradient flows back through them and the layers before learn slowly. Start "
                    'with smaller weights before the tanh (Linear(..., init="kaiming", '
                    "gain=5/3)) or normalise its input (BatchNorm1d before the tanh).",
                )
                return

    def wants_updates(self, step: int) -> bool:
        """Whether the update:data ratios of this step (counted from 1) should be measured."""
        return step in UPDATE_CHECK_STEPS and "updates" not in self.given

    def after_updates(self, ratios: dict[str, float], lr: float) -> None:
        """Warn (once) when a weight matrix's log10 update:data ratio is far from the guide.

        Steps that are too large come first: they can stop the gradient from
        reaching the layers before (saturated units), which then seem too slow.
        """
        low, high = UPDATE_RANGE
        known = {name: r for name, r in ratios.items() if not np.isnan(r)}  # nan: no spread
        if not known:
            return
        fastest = max(known, key=known.__getitem__)
        slowest = min(known, key=known.__getitem__)
        if known[fastest] > high:
            name, ratio = fastest, known[fastest]
            what = "so each step undoes much of what was learned. Lower the learning rate"
            better = format_number(lr / 10)
        elif known[slowest] < low:
            name, ratio = slowest, known[slowest]
            what = "so it learns very slowly. Raise the learning rate"
            better = format_number(lr * 10)
        else:
            return
        moved = (
            "do not move its weights at all"
            if ratio == -np.inf
            else f"move its weights by 10^{ratio:.1f} of their spread"
        )
        self._warn(
            "updates",
            f"the steps of {name} {moved} (the lectures' guide is about 10^{GUIDE:.0f}), "
            f"{what} (it is {format_number(lr)}), e.g. to {better}.",
        )


def _passes_gradient(activation: str) -> bool:
    """Whether ``activation`` passes a gradient back (a name the registry lacks: assumed so)."""
    entry = ACTIVATIONS.get(activation)
    return entry is None or entry.passes_gradient
