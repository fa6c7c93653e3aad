"""Signs that training is going wrong, told once each, with the cause and the fix.

A learner who picks too large a learning rate sees no error: the loss sits at
a plateau or grows, and the numbers alone do not say why.  ``Diagnostics``
watches a run and warns (``TrainingWarning``) when

- a hidden layer uses ``step``, whose zero slope means no gradient reaches
  the layers before it (only the output layer learns);
- every ReLU of a hidden layer outputs 0 for every example it is shown, so
  no gradient flows back through that layer and training is stuck;
- the loss has grown to 100 times its best: the steps overshoot.
"""

from __future__ import annotations

import inspect
import os
import warnings
from typing import Any

import numpy as np

from ..util.numbers import format_number

__all__ = ["TrainingWarning", "Diagnostics", "SAMPLE_ROWS", "GROWTH"]

#: How many training rows the dead-ReLU check looks at, once per epoch.
SAMPLE_ROWS = 256
#: The loss growth, over its best so far, that counts as overshooting.
GROWTH = 100.0


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
            return self.model.layer_outputs(self.sample)
        except NotImplementedError:
            return []  # a module of the user's own: nothing to look inside

    def at_start(self) -> None:
        """Before the first step: a step activation in a hidden layer."""
        steps = [out.layer for out in self._layers() if out.hidden and out.activation == "step"]
        if steps:
            self._warn(
                "step",
                f"hidden layer {steps[0]} uses the step activation: its slope is 0 everywhere, "
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
