"""What ``neuronlab train`` trains: the settings resolved from the options and the table,
the network built from them, its optimiser, and the targets its loss reads.

The weights are drawn once, by ``mlp`` (He start for ReLU, Xavier otherwise,
in float64): the tensor engine trains them in float32 (``--dtype float64``:
as they are), and ``--engine scalar`` copies them number for number into a
scalar ``MLP`` (``nn.convert.to_value_mlp``).  With the same seed and batch
size the two engines train the same network from the same weights; in
float64 their losses agree to the last digits.
"""

from __future__ import annotations

import argparse
import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data import one_hot
from ..losses import LOSSES, losses_for, output_layer, wants_one_hot
from ..nn import Module, mlp
from ..nn.activations import ACTIVATIONS
from ..nn.convert import to_value_mlp
from ..optim import OPTIMIZERS, Optimizer, optimizer_recipe
from .defaults import TARGET_LOSS, TRAIN_DEFAULTS
from .errors import UsageError
from .limits import check_network, parameter_count
from .train_data import Scaling, TrainingData

__all__ = ["Plan", "build_model", "fit_targets", "make_optimizer", "make_plan"]

#: The tensor engine's float type unless --dtype says otherwise: float32 is ~5× faster on MNIST.
TENSOR_DTYPE = "float32"
#: Activations a tensor network trains with: a step passes no gradient back.
TENSOR_ACTIVATIONS = tuple(n for n, entry in ACTIVATIONS.items() if entry.passes_gradient)


@dataclass(frozen=True)
class Plan:
    """Every setting of one training run, resolved."""

    engine: str
    sizes: tuple[int, ...]  # inputs, hidden widths, outputs
    activation: str
    output_activation: str
    loss: str
    optimizer: str
    lr: float
    momentum: float | None
    l2: float
    epochs: int
    batch_size: int
    seed: int
    dtype: str | None = None  # the tensor engine's float type (None on the scalar engine)

    @property
    def parameters(self) -> int:
        """How many weights and biases the network has."""
        return parameter_count(self.sizes)

    def config(self) -> dict[str, Any]:
        """The settings as the run report shows them (momentum only for SGD)."""
        rows: dict[str, Any] = {
            "engine": self.engine,
            "dtype": self.dtype,
            "layers": list(self.sizes),
            "init": ACTIVATIONS[self.activation].init,
            "activation": self.activation,
            "output_activation": self.output_activation,
            "loss": self.loss,
            "optimizer": self.optimizer,
            "lr": self.lr,
            "momentum": self.momentum,
            "l2": self.l2,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "seed": self.seed,
        }
        return {k: v for k, v in rows.items() if v is not None}


def _valid_losses(data: TrainingData, target: int | None) -> tuple[str, ...]:
    """The losses of the registry that fit the data (a yes/no question: one output, no softmax)."""
    if data.regression:
        return losses_for("regression")
    if data.classes > 2:
        return losses_for("several classes")
    fitting = losses_for("two classes")
    if target is not None:  # a yes/no question: the losses that read one sigmoid output
        return tuple(n for n in fitting if output_layer(n, 2) == output_layer(TARGET_LOSS, 2))
    return fitting


def _loss(args: argparse.Namespace, data: TrainingData) -> str:
    if args.loss is not None:
        loss = LOSSES.check(args.loss)
    else:
        loss = TARGET_LOSS if args.target is not None else TRAIN_DEFAULTS[data.name].loss
    valid = _valid_losses(data, args.target)
    if loss not in valid:
        kind = "a regression" if data.regression else f"{data.classes} classes"
        raise UsageError(
            f"neuronlab train: loss {loss!r} does not fit dataset {data.name!r} ({kind}); "
            f"expected one of {', '.join(valid)}"
        )
    return loss


def _activation(args: argparse.Namespace, engine: str, default: str) -> str:
    activation = args.activation or default
    if engine == "tensor" and activation not in TENSOR_ACTIVATIONS:
        raise UsageError(
            f"neuronlab train: --activation {activation}: a step passes no gradient back, so "
            f"the tensor engine trains with {', '.join(TENSOR_ACTIVATIONS)}; "
            "the scalar engine (--engine scalar) shows what a step does"
        )
    return activation


def _settings_of(optimizer: str) -> tuple[str, ...]:
    """The settings the optimiser's class takes (``momentum`` among SGD's)."""
    kind, _ = optimizer_recipe(optimizer)
    return tuple(inspect.signature(kind).parameters)


def _momentum(args: argparse.Namespace, optimizer: str) -> float:
    """--momentum when given, else the momentum the optimiser's entry fixes (SGD's: 0)."""
    if args.momentum is not None:
        return float(args.momentum)
    return float(optimizer_recipe(optimizer)[1].get("momentum", 0.0))


def make_plan(args: argparse.Namespace, data: TrainingData) -> Plan:
    """The run's settings: the options given, the table's row for the rest; sizes checked."""
    row = TRAIN_DEFAULTS[data.name]
    engine = row.engine if args.engine == "auto" else args.engine
    loss = _loss(args, data)
    head = output_layer(loss, 0 if data.regression else data.classes)
    optimizer = args.optimizer or row.optimizer
    takes_momentum = "momentum" in _settings_of(optimizer)
    if args.momentum is not None and not takes_momentum:
        raise UsageError(
            "neuronlab train: --momentum applies to --optimizer "
            + " or ".join(n for n in OPTIMIZERS if "momentum" in _settings_of(n))
        )
    if args.dtype is not None and engine != "tensor":
        raise UsageError(
            "neuronlab train: --dtype applies to the tensor engine; the scalar engine "
            "computes in float64"
        )
    plan = Plan(
        engine=engine,
        sizes=(data.X.shape[1], *(args.layers or row.layers), head.outputs),
        activation=_activation(args, engine, row.activation),
        output_activation=head.activation,
        loss=loss,
        optimizer=optimizer,
        lr=row.lr if args.lr is None else args.lr,
        momentum=_momentum(args, optimizer) if takes_momentum else None,
        l2=args.l2,
        epochs=args.epochs or row.epochs,
        batch_size=args.batch_size or row.batch_size,
        seed=args.seed,
        dtype=(args.dtype or TENSOR_DTYPE) if engine == "tensor" else None,
    )
    check_network(plan.sizes, engine, min(plan.batch_size, len(data.X)))
    return plan


def build_model(plan: Plan) -> Module:
    """The network of ``plan``, with its starting weights, on the plan's engine.

    ``mlp`` draws the weights in float64 and rounds them to the dtype: a
    float32 network starts from the scalar network's numbers, rounded.
    """
    output = None if plan.output_activation == "linear" else plan.output_activation
    net = mlp(
        list(plan.sizes),
        activation=plan.activation,
        output_activation=output,
        seed=plan.seed,
        dtype=plan.dtype or "float64",
    )
    return net if plan.engine == "tensor" else to_value_mlp(net)


def make_optimizer(plan: Plan, model: Module) -> Optimizer:
    """The plan's optimiser (from the registry) over the model's parameters, at the plan's rate."""
    settings = {} if plan.momentum is None else {"momentum": plan.momentum}
    return OPTIMIZERS.build(plan.optimizer, model.parameters(), lr=plan.lr, **settings)


def fit_targets(plan: Plan, y: np.ndarray, scaling: Scaling | None = None) -> np.ndarray:
    """The targets as the plan's loss reads them.

    A regression's are standardised as ``scaling`` says; mse on several
    classes reads one-hot rows; every other loss reads the class labels.
    """
    if scaling is not None and scaling.targets:
        return (y - scaling.y_mean) / scaling.y_scale
    if wants_one_hot(plan.loss, plan.sizes[-1]):
        return one_hot(y, plan.sizes[-1])
    return y
