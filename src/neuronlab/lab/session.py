"""One lab run: the settings, the data, the network and the ``Trainer`` that steps it.

Everything the page does goes through a ``LabSession``: change a setting
(``change``), train (``step``, one batch each, through the same
``Trainer.step()`` that ``fit`` runs), start again (``reset``), add or remove
a point, upload a CSV.  A change that cannot be taken raises
``LabInputError`` and leaves the session exactly as it was.  A run that
diverges stops with ``diverged`` set to ``TrainingDiverged``'s message; the
training warnings (dead ReLUs, an overshooting loss) are kept in ``warnings``.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..losses import LOSSES
from ..nn import Linear, Sequential
from ..optim import MOMENTUM, OPTIMIZERS, Optimizer
from ..training import Trainer, TrainingDiverged, TrainingWarning, evaluate
from ..util.checks import real_number, whole_number
from .features import feature_matrix
from .network import Head, build_network, head_for, training_targets
from .problem import DOMAIN, Problem, custom_problem, make_problem, read_csv
from .settings import LabInputError, LabSettings, changed_fields, field_value

__all__ = ["DATA_FIELDS", "MOMENTUM", "TUNABLE_FIELDS", "WEIGHT_LIMIT", "Edit", "LabSession"]

#: Settings that change the data (a new draw, or a new split of the user's points).
DATA_FIELDS = frozenset({"dataset", "classes", "noise", "points", "test_ratio", "seed"})
#: Settings a running training takes as they are, without starting again.
TUNABLE_FIELDS = frozenset({"lr"})
#: The largest weight (in size) a learner may set by hand.
WEIGHT_LIMIT = 1000.0


@dataclass(frozen=True)
class Edit:
    """A change made to a run while it trains, after ``step`` batches: a weight, or the lr.

    ``kind`` is "weight" (``where`` = (layer, neuron, input), input -1 the bias)
    or "lr" (``where`` = ()); ``value`` is the new number.  The run's edits, in
    order, are what an exported script replays to reach the same numbers.
    """

    step: int
    kind: str
    where: tuple[int, ...]
    value: float


class LabSession:
    """The state of the lab: one run, trained a batch at a time."""

    def __init__(self, settings: LabSettings | None = None, problem: Problem | None = None):
        self.settings = settings or LabSettings()
        self.problem = problem if problem is not None else make_problem(self.settings)
        self.diverged: str | None = None
        self.warnings: list[str] = []
        self._start()

    # -- building a run ---------------------------------------------------------------------

    def _start(self) -> None:
        """A fresh network and trainer for the current settings and data."""
        s, p = self.settings, self.problem
        self.head: Head = head_for(s, p.task, p.classes)
        self.model: Sequential = build_network(s, len(s.features), self.head)
        with warnings.catch_warnings(record=True) as caught:  # a step activation is told now
            warnings.simplefilter("always", TrainingWarning)
            self.trainer = Trainer(
                self.model,
                self.inputs(p.X[p.train]),
                training_targets(p.y[p.train], self.head),
                loss=self.head.loss,
                optimizer=self._optimizer(),
                batch_size=min(s.batch_size, len(p.train)),
                seed=s.seed,
                l1=s.reg_rate if s.regularization == "l1" else 0.0,
                l2=s.reg_rate if s.regularization == "l2" else 0.0,
            )
        self.diverged = None
        self.warnings = []
        self._keep_warnings(caught)
        self.start_settings = s  # the settings this run started with (the lr may change later)
        self.edits: list[Edit] = []  # what changed while it trained, in order

    def _optimizer(self) -> Optimizer:
        s = self.settings
        return OPTIMIZERS.build(s.optimizer, self.model.parameters(), lr=s.lr)

    def inputs(self, X: np.ndarray) -> np.ndarray:
        """The network's inputs for points of the plane: the chosen features, in float64."""
        return feature_matrix(X, self.settings.features, dtype=np.float64)

    @property
    def steps(self) -> int:
        """Batches trained so far in this run."""
        return self.trainer.steps_done

    @property
    def epoch(self) -> float:
        """Epochs trained so far, with the fraction of the current one."""
        return self.trainer.epochs_done + self.trainer.epoch_progress

    # -- what the page asks for --------------------------------------------------------------

    def change(self, changes: Mapping[str, Any]) -> None:
        """Apply settings; a new draw of the data or a new network unless only the lr changed."""
        new = self.settings.with_changes(changes)  # checked first: nothing changes on an error
        changed = changed_fields(self.settings, new)
        if not changed:
            return
        if changed <= TUNABLE_FIELDS:
            self.settings = new
            self.trainer.optimizer.lr = new.lr
            self.edits.append(Edit(self.steps, "lr", (), new.lr))
            return
        problem = self.problem
        if changed & DATA_FIELDS:
            problem = self._new_problem(new)
        head_for(new, problem.task, problem.classes)  # the loss must fit the data
        self.settings, self.problem = new, problem
        self._start()

    def _new_problem(self, s: LabSettings) -> Problem:
        if s.dataset != "custom":
            return make_problem(s)
        p = self.problem
        return custom_problem(p.X, p.y, s.test_ratio, s.seed)

    def begin(
        self,
        settings: LabSettings,
        problem: Problem | None = None,
        weights: Sequence[tuple[int, int, int, float]] = (),
    ) -> None:
        """Replace this run with a new one: its settings, its points (generated when None),
        and weights set by hand (layer, neuron, input, value; input -1 the bias).

        Everything is built and checked before the session changes, so a
        LabInputError leaves it as it was.
        """
        trial = LabSession(settings, problem)
        for layer, neuron, i, value in weights:
            trial.set_weight(layer, neuron, i, value)
        self.settings, self.problem = trial.settings, trial.problem
        self._start()
        for layer, neuron, i, value in weights:
            self.set_weight(layer, neuron, i, value)

    def reset(self) -> None:
        """Start the run again: the same settings and data, the starting weights again."""
        self._start()

    def step(self, count: int = 1) -> float | None:
        """Train ``count`` batches; the last batch's loss (None when the run has diverged)."""
        if self.diverged is not None:
            return None
        loss = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TrainingWarning)
            try:
                for _ in range(count):
                    loss = self.trainer.step()
            except TrainingDiverged as error:
                self.diverged = str(error)
        self._keep_warnings(caught)
        return loss

    def _keep_warnings(self, caught: list[warnings.WarningMessage]) -> None:
        """Keep each training warning once, in the order they came."""
        for w in caught:
            if issubclass(w.category, TrainingWarning) and str(w.message) not in self.warnings:
                self.warnings.append(str(w.message))

    def figures(self) -> dict[str, Any]:
        """The loss and accuracy on the training and test points (accuracy None for regression)."""
        p, head = self.problem, self.head
        out = {}
        for name, idx in (("train", p.train), ("test", p.test)):
            result = evaluate(
                self.model,
                self.inputs(p.X[idx]),
                training_targets(p.y[idx], head),
                loss=head.loss,
            )
            out[name] = {"loss": result["loss"], "accuracy": result["accuracy"]}
        return out

    # -- the weights, by hand -------------------------------------------------------------------

    def linear_layers(self) -> list[Linear]:
        """The network's weighted layers, in order: layer 1 first, the output layer last."""
        return [m for m in self.model if isinstance(m, Linear)]

    def set_weight(self, layer: int, neuron: int, input: int, value: float) -> None:
        """Set one weight of the network by hand; training goes on from it.

        ``layer`` counts the weighted layers from 1 (the output layer is the
        last), ``neuron`` and ``input`` count from 0, and ``input`` -1 is the
        neuron's bias.  Every argument is checked first: a LabInputError names
        the one that cannot be taken, and nothing changes.
        """
        layers = self.linear_layers()
        layer = _whole(layer, "layer", 1, len(layers))
        m = layers[layer - 1]
        neuron = _whole(neuron, "neuron", 0, m.out_features - 1)
        input = _whole(input, "input", -1, m.in_features - 1)
        value = field_value(
            real_number, value, "value", minimum=-WEIGHT_LIMIT, maximum=WEIGHT_LIMIT
        )
        # In place, as the optimiser moves it.  The trainer's bound on the largest weight may now
        # be short by at most WEIGHT_LIMIT, which is nothing beside its margin below overflow.
        if input == -1:
            assert m.bias is not None  # the lab's layers all have a bias
            m.bias.data[neuron] = float(value)
        else:
            m.weight.data[neuron, input] = float(value)
        self.edits.append(Edit(self.steps, "weight", (layer, neuron, input), float(value)))

    # -- the user's own data ---------------------------------------------------------------------

    def add_point(self, x1: float, x2: float, label: float) -> None:
        """Add a point (a class 0..5, or a height for regression); the data becomes custom."""
        point = np.array([[_coordinate(x1, "x1"), _coordinate(x2, "x2")]])
        label = _label(label, self.problem.task)
        self._use_points(np.vstack([self.problem.X, point]), np.append(self.problem.y, label))

    def remove_point(self, x1: float, x2: float, radius: float = 0.3) -> bool:
        """Remove the point nearest (x1, x2) within ``radius``; False when there is none."""
        p = self.problem
        dist = np.hypot(p.X[:, 0] - _coordinate(x1, "x1"), p.X[:, 1] - _coordinate(x2, "x2"))
        nearest = int(np.argmin(dist))
        if dist[nearest] > radius:
            return False
        keep = np.arange(p.size) != nearest
        self._use_points(p.X[keep], p.y[keep])
        return True

    def upload(self, content: bytes) -> None:
        """Replace the data with a CSV's points (x1,x2,label rows)."""
        X, y = read_csv(content)
        self._use_points(X, y)

    def _use_points(self, X: np.ndarray, y: np.ndarray) -> None:
        s = self.settings
        problem = custom_problem(X, y, s.test_ratio, s.seed)  # checked before anything changes
        settings = s if s.dataset == "custom" else dataclasses.replace(s, dataset="custom")
        if (
            problem.task == "classification"
            and settings.loss != "auto"
            and "several classes" not in LOSSES[settings.loss].tasks
            and (problem.classes != 2)
        ):
            settings = dataclasses.replace(settings, loss="auto")
        head_for(settings, problem.task, problem.classes)
        self.settings, self.problem = settings, problem
        self._start()


def _whole(value: Any, field: str, low: int, high: int) -> int:
    return field_value(whole_number, value, field, minimum=low, maximum=high)


def _coordinate(value: Any, field: str) -> float:
    return field_value(real_number, value, field, minimum=-DOMAIN, maximum=DOMAIN)


def _label(value: Any, task: str) -> float:
    value = field_value(real_number, value, "label")
    if task == "classification" and (value != int(value) or not 0 <= value < 6):
        raise LabInputError("label", f"expected a class from 0 to 5, got {value}")
    return float(value)
