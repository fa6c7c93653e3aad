"""Each fact about a loss, an activation or a dataset is read from its registry entry, once.

The output layer a loss reads (``losses.output_layer``: ``output_activation``
and ``score_per_class``), whether it reads one-hot rows (``wants_one_hot``),
the starting weights an activation wants and whether it passes a gradient,
and a dataset's own test set and files: the command line, the lab, its
exported script, reports and ``predict`` all ask the registry, so these tests
change an entry and watch every front end follow it.
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np
import pytest

import neuronlab.data as data_module
import neuronlab.losses as losses_module
from neuronlab.cli import train_data
from neuronlab.cli.errors import UsageError
from neuronlab.cli.parser import build_parser
from neuronlab.cli.predict import output_activation
from neuronlab.cli.train_data import load_training_data
from neuronlab.cli.train_model import TENSOR_ACTIVATIONS, fit_targets, make_plan
from neuronlab.data import DATASETS, DatasetEntry, DatasetInfo
from neuronlab.lab.export import run_script
from neuronlab.lab.network import head_for, training_targets
from neuronlab.lab.session import LabSession
from neuronlab.lab.settings import LabInputError, LabSettings
from neuronlab.losses import LOSSES, OutputLayer, output_layer, wants_one_hot
from neuronlab.nn import (
    MLP,
    Linear,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    from_value_mlp,
    mlp,
)
from neuronlab.nn.activations import ACTIVATIONS
from neuronlab.report.inputs import looks_like_regression
from neuronlab.util.registry import Registry

#: A dataset of each kind of problem the CLI trains: (its name, the lab's task, classes).
PROBLEMS = [("plane", "regression", 0), ("moons", "classification", 2)]
#: The output layer of each loss on each problem, as neuronlab has always built it.
EXPECTED = {
    ("bce", 2): OutputLayer(1, "sigmoid"),
    ("cross_entropy", 2): OutputLayer(2, "linear"),
    ("cross_entropy", 3): OutputLayer(3, "linear"),
    ("cross_entropy", 10): OutputLayer(10, "linear"),
    ("mse", 0): OutputLayer(1, "linear"),
    ("mse", 2): OutputLayer(1, "sigmoid"),
    ("mse", 3): OutputLayer(3, "sigmoid"),
    ("hinge", 2): OutputLayer(1, "linear"),
}


def cli_head(loss: str, dataset: str) -> OutputLayer | None:
    """The output layer ``neuronlab train`` plans for ``loss`` on ``dataset`` (None: refused)."""
    args = build_parser().parse_args(["train", "--dataset", dataset, "--loss", loss, "--n", "40"])
    try:
        plan = make_plan(args, load_training_data(args))
    except UsageError:
        return None
    return OutputLayer(plan.sizes[-1], plan.output_activation)


def lab_head(loss: str, task: str, classes: int) -> OutputLayer | None:
    """The output layer the lab builds for ``loss`` (None: refused)."""
    try:
        head = head_for(LabSettings(loss=loss), task, classes)
    except LabInputError:
        return None
    assert head.loss == loss
    return OutputLayer(head.outputs, head.activation)


def registry_head(loss: str, classes: int) -> OutputLayer | None:
    try:
        return output_layer(loss, classes)
    except ValueError:
        return None


@pytest.mark.parametrize(("loss", "classes"), sorted(EXPECTED))
def test_each_loss_reads_the_output_layer_it_always_had(loss: str, classes: int) -> None:
    assert output_layer(loss, classes) == EXPECTED[(loss, classes)]


@pytest.mark.parametrize("loss", LOSSES.names)
@pytest.mark.parametrize(("dataset", "task", "classes"), PROBLEMS)
def test_the_cli_and_the_lab_build_the_registrys_head_for_every_loss(
    loss: str, dataset: str, task: str, classes: int
) -> None:
    expected = registry_head(loss, classes)
    assert lab_head(loss, task, classes) == expected
    assert cli_head(loss, dataset) == expected
    lab_several = lab_head(loss, "classification", 4)
    assert lab_several == registry_head(loss, 4)


def test_a_changed_loss_entry_changes_both_front_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry is the one place: give bce a score per class and both builders follow."""
    changed = dataclasses.replace(LOSSES["bce"], output_activation="linear", score_per_class=True)
    registry = Registry("loss", [changed if e.name == "bce" else e for e in LOSSES.values()])
    monkeypatch.setattr(losses_module, "LOSSES", registry)
    assert lab_head("bce", "classification", 2) == OutputLayer(2, "linear")
    assert cli_head("bce", "moons") == OutputLayer(2, "linear")


@pytest.mark.parametrize(
    ("loss", "classes", "error", "words"),
    [
        ("bce", 3, ValueError, "bce does not fit several classes; it fits two classes"),
        ("hinge", 0, ValueError, "hinge does not fit regression"),
        ("cross_entropy", 0, ValueError, "cross_entropy does not fit regression"),
        ("mse", 1, ValueError, "got 1 class"),
        ("mse", -1, ValueError, "output_layer(classes): expected a whole number"),
        ("mse", True, TypeError, "output_layer(classes)"),
        ("mse", 2.0, TypeError, "output_layer(classes)"),
        ("nope", 2, ValueError, "unknown loss 'nope'"),
        (lambda p, t: p, 2, ValueError, "got the loss 'custom'"),
    ],
)
def test_output_layer_refuses_what_does_not_fit(loss, classes, error, words) -> None:
    with pytest.raises(error) as caught:
        output_layer(loss, classes)
    assert words in str(caught.value)


def test_an_alias_reads_the_same_output_layer() -> None:
    assert output_layer("ce", 2) == output_layer("cross_entropy", 2)
    assert output_layer(LOSSES["bce"].function, 2) == OutputLayer(1, "sigmoid")


@pytest.mark.parametrize("loss", LOSSES.names)
@pytest.mark.parametrize("outputs", [1, 2, 3])
def test_one_hot_targets_are_one_decision(loss: str, outputs: int) -> None:
    """The CLI's targets, the lab's and the exported script's line all follow ``wants_one_hot``."""
    y = np.array([0, 1, 1, 0, 1])
    expected = loss == "mse" and outputs > 1
    assert wants_one_hot(loss, outputs) is expected
    plan = argparse.Namespace(loss=loss, sizes=(2, outputs))
    cli = fit_targets(plan, y)  # type: ignore[arg-type]
    head = head_for(LabSettings(loss="auto"), "classification", 2)
    lab = training_targets(
        y, dataclasses.replace(head, loss=loss, outputs=outputs, classes=max(2, outputs))
    )
    if expected:
        assert cli.shape == lab.shape == (5, outputs)
        assert (cli.argmax(axis=1) == y).all()
        assert (lab.argmax(axis=1) == y).all()
    else:
        assert cli is y
        assert lab is y


def test_the_exported_script_one_hots_exactly_when_the_lab_does() -> None:
    several = LabSession(LabSettings(dataset="spiral", classes=3, loss="mse", hidden=(4,)))
    assert "datasets.one_hot(y, 3)" in run_script(several)
    scores = LabSession(LabSettings(dataset="spiral", classes=3, loss="cross_entropy", hidden=(4,)))
    assert "one_hot" not in run_script(scores)


def test_wants_one_hot_checks_the_count() -> None:
    with pytest.raises(ValueError, match=r"wants_one_hot\(outputs\)"):
        wants_one_hot("mse", 0)
    assert wants_one_hot(lambda p, t: p, 3) is False


def test_a_report_reads_a_classes_only_loss_from_its_tasks() -> None:
    heights = np.array([0.0, 1.0, 2.0])  # a handful of whole numbers: classes unless told
    for name, spec in LOSSES.items():
        classes_only = "regression" not in spec.tasks
        if classes_only:
            assert not looks_like_regression(np.linspace(0, 1, 50), {"loss": name})
    assert looks_like_regression(np.linspace(0, 1, 50), {"loss": "mse"})
    assert not looks_like_regression(heights, {"loss": "mse"})


@pytest.mark.parametrize("activation", [a for a in ACTIVATIONS.names if a != "linear"])
def test_an_activation_names_the_starting_weights_it_wants(activation: str) -> None:
    net = mlp([2, 3, 1], activation=activation, seed=0)
    assert net[0].init == ACTIVATIONS[activation].init
    assert ACTIVATIONS[activation].init == ("he" if activation == "relu" else "xavier")
    args = build_parser().parse_args(
        ["train", "--dataset", "moons", "--n", "40", "--activation", activation]
        + (["--engine", "scalar"] if activation == "step" else [])
    )
    plan = make_plan(args, load_training_data(args))
    assert plan.config()["init"] == ACTIVATIONS[activation].init


def test_the_tensor_engine_trains_the_activations_that_pass_a_gradient() -> None:
    assert tuple(n for n in ACTIVATIONS.names if n != "step") == TENSOR_ACTIVATIONS
    assert [n for n, e in ACTIVATIONS.items() if not e.passes_gradient] == ["step"]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (Sequential(Linear(2, 3, seed=0), ReLU(), Linear(3, 1, seed=0), Sigmoid()), "sigmoid"),
        (Sequential(Linear(2, 3, seed=0), Tanh(), Linear(3, 2, seed=0)), "linear"),
        (Sequential(Linear(2, 1, seed=0)), "linear"),
        (Linear(2, 1, seed=0), "linear"),
        (Sequential(), "linear"),
        (
            Sequential(
                Sequential(Linear(2, 3, seed=0), ReLU()), Sequential(Linear(3, 1, seed=0), Tanh())
            ),
            "tanh",
        ),
        (MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0), "sigmoid"),
        (MLP(2, [3, 2], activation="relu", seed=0), "linear"),
    ],
)
def test_predict_reads_the_last_activation_as_weighted_layers_does(model, expected) -> None:
    assert output_activation(model) == expected


def test_predict_reads_a_scalar_mlp_as_its_tensor_twin() -> None:
    scalar = MLP(2, [4, 3], activation="relu", output_activation="sigmoid", seed=1)
    assert output_activation(scalar) == output_activation(from_value_mlp(scalar)) == "sigmoid"


def fashion_registry(folder_calls: list[object]) -> Registry[DatasetEntry]:
    """The datasets and one more read from files, as a second IDX dataset would be added."""

    def train_test(*, seed: object = None, path: object = None):
        folder_calls.append(path)
        X = np.arange(8.0).reshape(2, 4) / 8
        return (X, np.array([0, 1])), (X[:1], np.array([1]))

    info = DatasetInfo("fashion", "classification", image_shape=(2, 2))
    extra = DatasetEntry(
        "fashion", train_test, "clothes", "fashion", info, from_files=True, train_test=train_test
    )
    return Registry("dataset", [*DATASETS.values(), extra])


def train_args(**given: object) -> argparse.Namespace:
    options = {"data_dir": None, "target": None, "seed": 0, "n": None, "noise": None}
    return argparse.Namespace(**{**options, **given})


def test_a_second_dataset_from_files_needs_no_cli_edit(monkeypatch, tmp_path) -> None:
    calls: list[object] = []
    registry = fashion_registry(calls)
    monkeypatch.setattr(data_module, "DATASETS", registry)
    monkeypatch.setattr(train_data, "dataset_info", lambda name: registry[name].info)
    loaded = load_training_data(train_args(dataset="fashion", data_dir=str(tmp_path)))
    assert calls == [str(tmp_path)]
    assert loaded.X.shape == (2, 4)
    assert loaded.test is not None
    assert len(loaded.test[0]) == 1
    assert loaded.options == {"data_dir": str(tmp_path)}
    with pytest.raises(UsageError, match="--dataset fashion needs --data-dir"):
        load_training_data(train_args(dataset="fashion"))
    with pytest.raises(UsageError, match="--data-dir applies to --dataset mnist or fashion only"):
        load_training_data(train_args(dataset="moons", data_dir=str(tmp_path)))
    with pytest.raises(
        UsageError, match="--target works with --dataset digits or mnist or fashion"
    ):
        load_training_data(train_args(dataset="moons", target=3))
    yes_no = load_training_data(train_args(dataset="fashion", data_dir="x", target=1))
    assert yes_no.y.tolist() == [0, 1]


def test_the_digits_keep_their_own_split() -> None:
    loaded = load_training_data(train_args(dataset="digits"))
    assert loaded.test is not None
    assert (len(loaded.X), len(loaded.test[0])) == (1347, 450)
    assert loaded.options == {}


def test_the_help_lists_the_registrys_datasets(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    files = [n for n, e in DATASETS.items() if e.from_files]
    images = [n for n, e in DATASETS.items() if e.info is not None and e.info.image_shape]
    assert files == ["mnist"]
    assert images == ["digits", "mnist"]
    assert "--data-dir DIR --dataset mnist: the folder of its files" in text
    assert "--target DIGIT digits/mnist as a yes/no question" in text


def test_the_no_gradient_warning_reads_passes_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mark tanh as passing no gradient and the trainer's start-of-run warning names it."""
    from neuronlab.data import moons
    from neuronlab.training import Trainer, TrainingWarning, diagnostics

    frozen = dataclasses.replace(ACTIVATIONS["tanh"], passes_gradient=False)
    registry = Registry(
        "activation", [frozen if e.name == "tanh" else e for e in ACTIVATIONS.values()]
    )
    monkeypatch.setattr(diagnostics, "ACTIVATIONS", registry)
    X, y = moons(10)
    with pytest.warns(TrainingWarning, match="hidden layer 1 uses the tanh activation"):
        Trainer(mlp([2, 3, 1], activation="tanh", seed=0), X, y, loss="mse")
