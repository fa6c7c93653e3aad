"""``neuronlab train``: load the data, build the network, train it with ``fit``, test, save, report.

Everything that can be refused is refused before training starts: the
options, the ``--save`` path, the ``--out`` folder, the network's size.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from ..io.serialize import save
from ..metrics import precision_recall
from ..nn import SCALAR, Module
from ..nn.convert import on_tensor_engine
from ..training import History, evaluate, fit, predict
from .limits import MAX_STEP_NUMBERS, slow_run_note
from .output import figure, final_line, note, progress_printer, say
from .paths import check_save_path
from .reporting import REPORT_RESOLUTION, check_report_folder, write_report
from .scaling import fold_scaling
from .train_data import Scaling, TrainingData, load_training_data, scaling_for
from .train_model import Plan, build_model, fit_targets, make_optimizer, make_plan

__all__ = ["run_train"]


def _announce(data: TrainingData, plan: Plan) -> None:
    tested = f", {len(data.test[0])} test" if data.test is not None else ""
    network = "-".join(str(s) for s in plan.sizes)
    engine = f"{plan.engine} engine" + (f" ({plan.dtype})" if plan.dtype else "")
    say(
        f"neuronlab train: {data.name} ({len(data.X)} training examples{tested}), "
        f"{engine}, network {network} ({plan.parameters:,} parameters, "
        f"{plan.activation}, {plan.output_activation} output), loss {plan.loss}"
    )
    say(
        f"{plan.optimizer} lr {figure(plan.lr)}, {plan.epochs} epoch{'s' * (plan.epochs != 1)}, "
        f"batches of {plan.batch_size}, seed {plan.seed}"
    )


def _note_if_slow(plan: Plan, examples: int) -> None:
    dtype = plan.dtype or "float32"
    slow = slow_run_note(
        plan.engine, plan.parameters, examples, plan.epochs, plan.batch_size, dtype
    )
    if slow is not None:
        note(slow)


def _train(model: Module, plan: Plan, data: TrainingData, scaling: Scaling, quiet: bool) -> History:
    def scaled(X: np.ndarray) -> np.ndarray:
        return (X - scaling.mean) / scaling.std if scaling.inputs else X

    validation = None
    if data.test is not None:  # the report's test curve: the test set after every epoch
        validation = (scaled(data.test[0]), fit_targets(plan, data.test[1], scaling))
    verbose = not quiet and sys.stderr.isatty()
    callback = (
        None if (quiet or verbose) else progress_printer(plan.epochs, max(1, plan.epochs // 10))
    )
    history = fit(
        model,
        scaled(data.X),
        fit_targets(plan, data.y, scaling),
        loss=plan.loss,
        validation=validation,
        optimizer=make_optimizer(plan, model),
        l2=plan.l2,
        epochs=plan.epochs,
        batch_size=plan.batch_size,
        seed=plan.seed,
        verbose=verbose,
        callback=callback,
    )
    say(final_line(history))
    return history


def _figures(model: Module, plan: Plan, data: TrainingData, target: int | None) -> dict[str, float]:
    """Print and return the final model's figures: RMSE, or test accuracy (and precision)."""
    figures: dict[str, float] = {}
    if data.regression:
        rmse = float(np.sqrt(np.mean((predict(model, data.X) - data.y) ** 2)))
        units = f" {data.info.target_units}" if data.info.target_units else ""
        say(f"root mean squared error {figure(rmse)}{units} on the training examples (raw units)")
    if data.test is None:
        return figures
    X_test, y_test = data.test
    test = evaluate(model, X_test, fit_targets(plan, y_test), loss=plan.loss)
    line = f"test accuracy {test['accuracy']:.2%} on {test['n']} examples"
    if target is not None:
        said_yes = (predict(model, X_test).reshape(-1) > 0.5).astype(np.int64)
        precision, recall = precision_recall(y_test, said_yes)
        figures.update({"test precision": precision, "test recall": recall})
        line += (
            f"; is it a {target}? precision {precision:.2%}, recall {recall:.2%} "
            f"({float(np.mean(y_test)):.0%} of the test images are a {target})"
        )
    say(line)
    return figures


def _config(args: argparse.Namespace, data: TrainingData, plan: Plan, scaling: Scaling) -> dict:
    """The settings that apply to this run, for the report."""
    config: dict[str, Any] = {"command": "train", "dataset": data.name, **data.options}
    if args.target is not None:
        config["target"] = args.target
    config["examples"] = len(data.X)
    config.update(plan.config())
    config["inputs_standardised"] = scaling.inputs
    if scaling.targets:
        config.update(
            target_standardised=True, target_mean=scaling.y_mean, target_std=scaling.y_scale
        )
    if args.save is not None:
        config["save"] = args.save
    return config


def _report_model(model: Module, evaluated: Module, data: TrainingData) -> Module:
    """The trained model, unless the report's predictions would make too big a scalar graph."""
    if model.engine is not SCALAR:
        return model
    rows = max(len(data.X), len(data.test[0]) if data.test else 0, REPORT_RESOLUTION**2)
    return model if rows * model.num_parameters() <= MAX_STEP_NUMBERS["scalar"] else evaluated


def run_train(args: argparse.Namespace) -> History:
    """Train a network as the ``train`` options say; test it when the dataset has a test set."""
    if args.save is not None:
        check_save_path(args.save)
    if not args.no_report:
        check_report_folder(args.out)
    data = load_training_data(args)
    scaling = scaling_for(data)
    plan = make_plan(args, data)
    model = build_model(plan)
    if not args.quiet:
        _announce(data, plan)
    _note_if_slow(plan, len(data.X))
    history = _train(model, plan, data, scaling, args.quiet)
    if scaling.inputs or scaling.targets:  # the model now reads raw inputs, gives raw outputs
        fold_scaling(model, scaling.mean, scaling.std, scaling.y_mean, scaling.y_scale)
    evaluated = on_tensor_engine(model)  # fast, same numbers
    figures = _figures(evaluated, plan, data, args.target)
    if args.save is not None:
        save(model, args.save)
        say(f"model saved to {args.save}")
    if not args.no_report:
        write_report(
            args.out,
            config=_config(args, data, plan, scaling),
            history=history,
            model=_report_model(model, evaluated, data),
            data=(data.X, data.y),
            name=f"train-{data.name}",
            test=data.test,
            info=data.info,
            metrics=figures or None,
        )
    return history
