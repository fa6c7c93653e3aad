"""Presets: runs set up to show one idea each, with a sentence on what to look at.

Each preset is a name, a title, one sentence, and the settings that differ
from the lab's defaults -- plus the points and hand-set weights when the idea
needs them.  ``apply_preset(session, name)`` starts the session on it (the
whole run: settings, data, starting weights); an unknown name is a
LabInputError and leaves the session as it was.  ``tests/test_lab_presets.py``
trains each one and checks that it shows what its sentence says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..worked import TANH_NEURON_BIAS, TANH_NEURON_LEAVES
from .problem import Problem, custom_problem
from .session import LabSession
from .settings import LabInputError, LabSettings

__all__ = ["PRESETS", "Preset", "apply_preset", "preset_list", "preset_session"]


@dataclass(frozen=True)
class Preset:
    """A run set up to show one idea.

    ``changes`` are the settings that differ from ``LabSettings()``;
    ``points`` the run's own (x1, x2, label) points when it has them;
    ``weights`` hand-set (layer, neuron, input, value), input -1 the bias.
    """

    name: str
    title: str
    sentence: str
    changes: Mapping[str, Any]
    points: tuple[tuple[float, float, int], ...] = ()
    weights: tuple[tuple[int, int, int, float], ...] = field(default=())


#: Points labelled by the side of the tanh neuron's line they lie on (``worked.TANH_NEURON_LEAVES``:
#: -3·x1 + 1·x2 + b > 0); the design's (x1, x2) = (2, 0) first.
_DESIGN_POINTS = (
    (2.0, 0.0, 1),
    (1.0, 1.0, 1),
    (-2.0, 3.0, 1),
    (0.0, -4.0, 1),
    (-3.0, -2.0, 1),
    (2.5, 4.0, 1),
    (4.0, 1.0, 0),
    (3.0, -3.0, 0),
    (5.0, 4.0, 0),
    (3.0, 0.0, 0),
    (4.0, -2.0, 0),
    (5.0, -1.0, 0),
)

#: Every preset by name, in the order the page lists them.
PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "xor-perceptron",
            "XOR: what one neuron cannot learn",
            "With no hidden layer the network is one neuron, one straight line, and no line "
            "puts XOR's two classes on either side: accuracy stays near 50% however long it "
            "trains -- add the feature x₁x₂ and it learns at once.",
            {"dataset": "xor", "hidden": [], "lr": 0.03},
        ),
        Preset(
            "one-neuron-line",
            "One hidden neuron draws one line",
            "A hidden layer of a single neuron: its picture is one straight edge, and all the "
            "output can read of a point is which side of that line it lies on and how far, so "
            "the network cannot wrap the circle whatever it learns.",
            {"dataset": "circles", "hidden": [1], "activations": ["tanh"]},
        ),
        Preset(
            "lr-too-large",
            "Too large a learning rate",
            "The learning rate 0.3 is too large for this plane: every step overshoots the "
            "minimum by more than it was off, so the loss grows a thousandfold every few steps "
            "until it is no longer a number and training stops (try 0.03).",
            {"dataset": "plane", "hidden": [], "lr": 0.3},
        ),
        Preset(
            "dead-relus",
            "Dead ReLUs",
            "With a learning rate of 3 the large steps soon push every ReLU of a hidden layer "
            "below zero for every point: they output 0, no gradient flows back through them, "
            "the loss freezes near 0.69 (a coin toss) and the dead-ReLU warning appears.",
            {"hidden": [4, 4], "activations": ["relu", "relu"], "init": "he", "lr": 3.0},
        ),
        Preset(
            "spiral-depth",
            "The spiral needs depth or features",
            "Two spiral arms wind one and a half times round each other, so no straight line "
            "separates them (with no hidden layer the network stays near 60%): three hidden "
            "layers bend the boundary round them -- or give a single hidden layer x₁², x₂², "
            "x₁x₂ and the sines to read.",
            {
                "dataset": "spiral",
                "classes": 2,
                "hidden": [8, 8, 8],
                "activations": ["tanh"] * 3,
                "optimizer": "adam",
                "lr": 0.03,
            },
        ),
        Preset(
            "sigmoid-neuron",
            "A sigmoid neuron: a soft line that learns",
            "One hidden sigmoid neuron rises smoothly from 0 to 1 across its line, so a small "
            "change of a weight makes a small change of the output and gradient descent moves "
            "the line until it separates the two blobs.",
            {"dataset": "blobs", "hidden": [1], "activations": ["sigmoid"], "lr": 0.3},
        ),
        Preset(
            "step-neuron",
            "A step neuron: a hard line that cannot move",
            "The same neuron with a step: 0 on one side of its line, 1 on the other, a slope "
            "of 0 everywhere, so no gradient reaches its weights and its line stays where it "
            "started however long it trains (compare the sigmoid neuron).",
            {"dataset": "blobs", "hidden": [1], "activations": ["step"], "lr": 0.3},
        ),
        Preset(
            "tanh-neuron",
            "The tanh neuron of backpropagation",
            "The neuron of the learner's path: x₁ = 2, x₂ = 0, w₁ = −3, w₂ = 1, b = 6.8814, "
            "o = tanh(n) ≈ 0.7071 -- step through point 0 from the hidden neuron and watch "
            "do/dn = 0.5 give dx₁ = −1.5, dw₁ = 1, dx₂ = 0.5 and dw₂ = 0.",
            {"dataset": "custom", "hidden": [1], "activations": ["tanh"]},
            points=_DESIGN_POINTS,
            weights=(
                (1, 0, 0, TANH_NEURON_LEAVES["w1"]),
                (1, 0, 1, TANH_NEURON_LEAVES["w2"]),
                (1, 0, -1, TANH_NEURON_BIAS),
                (2, 0, 0, 1.0),
                (2, 0, -1, 0.0),
            ),
        ),
    )
}


def preset_list() -> list[dict[str, str]]:
    """The presets as the page lists them: ``[{"name", "title", "sentence"}]``."""
    return [{"name": p.name, "title": p.title, "sentence": p.sentence} for p in PRESETS.values()]


def _find(name: Any) -> Preset:
    if not isinstance(name, str) or name not in PRESETS:
        raise LabInputError(
            "name", f"unknown preset {name!r:.40}; expected one of {', '.join(PRESETS)}"
        )
    return PRESETS[name]


def apply_preset(session: LabSession, name: Any) -> None:
    """Start ``session`` on the preset ``name``: its settings, points and hand-set weights.

    An unknown name is a LabInputError and leaves the session as it was.
    """
    preset = _find(name)
    settings = LabSettings().with_changes(preset.changes)
    problem: Problem | None = None
    if preset.points:
        points = np.array(preset.points, dtype=np.float64)
        problem = custom_problem(points[:, :2], points[:, 2], settings.test_ratio, settings.seed)
    session.begin(settings, problem, preset.weights)


def preset_session(name: Any) -> LabSession:
    """A new session started on the preset ``name``."""
    session = LabSession()
    apply_preset(session, name)
    return session
