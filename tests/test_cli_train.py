"""``neuronlab train`` as a learner meets it: the defaults, both engines, mse, readable numbers,
and every oversized or misplaced option refused before any work, in bounded memory."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from child_process import limited_process

from neuronlab import datasets
from neuronlab.cli import main
from neuronlab.cli.defaults import TRAIN_DEFAULTS
from neuronlab.cli.limits import MAX_PARAMETERS, duration_text, estimated_seconds, slow_run_note
from neuronlab.cli.parser import DATASET_NAMES, build_parser
from neuronlab.cli.train import run_train
from neuronlab.cli.train_data import load_training_data
from neuronlab.cli.train_model import build_model, make_plan
from neuronlab.nn import MLP, Sequential, from_value_mlp

CLI = [sys.executable, "-m", "neuronlab.cli"]


def run(*args, cwd, timeout=300):
    """The command in a subprocess, as a user runs it (report folders land in ``cwd``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV"))}
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd
    )


def parse(*args):
    return build_parser().parse_args(["train", *args])


def one_line_error(capsys, args, code=2):
    """main(args) in this process: the status, and the single line it wrote on stderr."""
    status = main(args)
    out, err = capsys.readouterr()
    assert status == code, (status, out, err)
    assert out == "", out  # refused before anything ran
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    return lines[0]


# -- the defaults --------------------------------------------------------------------------


def test_the_table_has_a_row_for_every_dataset_and_help_shows_it(capsys):
    assert set(TRAIN_DEFAULTS) == set(DATASET_NAMES)
    assert main(["train", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "defaults per dataset" in help_text
    for name, row in TRAIN_DEFAULTS.items():
        layers = ",".join(str(w) for w in row.layers)
        pattern = (
            rf"\n  {name}\s+{row.engine}\s+{layers}\s+{row.activation}\s+{row.loss}\s+"
            rf"{row.optimizer}\s+{row.lr:g}\s+{row.epochs}\s+{row.batch_size}\n"
        )
        assert re.search(pattern, help_text), (name, help_text)


def test_digits_defaults_reach_97_percent(tmp_path):
    proc = run("train", "--dataset", "digits", "--no-report", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    row = TRAIN_DEFAULTS["digits"]
    assert "tensor engine (float32), network 64-128-10 (9,610 parameters" in proc.stdout
    assert f"adam lr {row.lr:g}, {row.epochs} epochs, batches of {row.batch_size}" in proc.stdout
    m = re.search(r"test accuracy ([\d.]+)% on 450 examples", proc.stdout)
    assert m, proc.stdout
    assert float(m.group(1)) >= 97.0, proc.stdout  # 98.22% when measured


# -- both engines: the same weights, the same batches, the same numbers ---------------------


def test_both_engines_start_from_the_same_weights():
    for engine, dtype in (("scalar", None), ("tensor", "float64"), ("tensor", "float32")):
        args = parse("--dataset", "spiral", "--engine", engine, "--layers", "5,4", "--seed", "3")
        if dtype is not None:
            args.dtype = dtype
        data = load_training_data(args)
        model = build_model(make_plan(args, data))
        if engine == "scalar":
            assert isinstance(model, MLP)
            assert model.sizes == [2, 5, 4, 3]
            scalar = [p.data.astype(np.float64) for p in from_value_mlp(model).parameters()]
        else:
            assert isinstance(model, Sequential)
            assert model.parameters()[0].data.dtype == np.dtype(dtype)
            weights = [p.data for p in model.parameters()]
    # float32 weights are the scalar engine's float64 numbers, rounded
    for w32, w64 in zip(weights, scalar):
        assert np.array_equal(w32, w64.astype(np.float32))


def test_both_engines_train_the_same_network(capsys):
    """Same seed: the same starting weights, batches of the same examples, the same losses."""
    common = ("--dataset", "moons", "--epochs", "8", "--no-report")
    scalar = run_train(parse(*common, "--engine", "scalar"))
    exact = run_train(parse(*common, "--engine", "tensor", "--dtype", "float64"))
    fast = run_train(parse(*common, "--engine", "tensor"))
    np.testing.assert_allclose(exact.loss, scalar.loss, rtol=1e-12, atol=0)
    np.testing.assert_allclose(fast.loss, scalar.loss, rtol=1e-5, atol=0)
    assert exact.accuracy == scalar.accuracy
    out = capsys.readouterr().out
    assert out.count("adam lr 0.01, 8 epochs, batches of 32, seed 0") == 3


# -- mse on classes: the quadratic cost of the notes -------------------------------------------


def test_mse_on_digits_trains_one_hot_targets_with_sigmoid_outputs(tmp_path):
    proc = run("train", "--dataset", "digits", "--loss", "mse", "--no-report", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "network 64-128-10 (9,610 parameters, relu, sigmoid output), loss mse" in proc.stdout
    m = re.search(r"test accuracy ([\d.]+)% on 450 examples", proc.stdout)
    assert m, proc.stdout
    assert float(m.group(1)) >= 95.0, proc.stdout  # 97.8% when measured


def test_mse_on_spiral_learns_three_one_hot_classes(capsys):
    """Three sigmoid outputs against one-hot rows; the class is the largest output."""
    history = run_train(
        parse("--dataset", "spiral", "--loss", "mse", "--engine", "tensor", "--no-report")
    )
    out = capsys.readouterr().out
    assert "network 2-16-16-3 (371 parameters, relu, sigmoid output), loss mse" in out
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < 0.01
    assert re.search(r"final loss 0\.00\d+, accuracy 100\.0%", out), out


def test_loss_aliases_are_accepted(capsys):
    run_train(parse("--dataset", "blobs", "--loss", "ce", "--epochs", "1", "--no-report"))
    assert "loss cross_entropy" in capsys.readouterr().out


# -- numbers a learner can read -----------------------------------------------------------------


def test_huge_losses_print_in_scientific_notation(tmp_path):
    """Plain gradient descent with lr 1 on houses: losses near 1e90, still finite."""
    args = ["--dataset", "houses", "--optimizer", "sgd", "--lr", "1", "--epochs", "30"]
    proc = run("train", *args, "--no-report", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"loss \d\.\d+e\+\d\d", proc.stdout), proc.stdout
    assert not re.search(r"\d{16}", proc.stdout + proc.stderr), proc.stdout
    assert max(len(line) for line in proc.stdout.splitlines()) < 150


def test_numpy_overflow_warnings_never_reach_the_user(tmp_path):
    args = ["--dataset", "houses", "--optimizer", "sgd", "--lr", "10", "--epochs", "30"]
    proc = run("train", *args, "--no-report", "--quiet", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # diverged
    lines = proc.stderr.splitlines()
    assert all(line.startswith("neuronlab: ") for line in lines), proc.stderr
    assert "RuntimeWarning" not in proc.stderr
    assert "overflow" not in proc.stderr
    errors = [line for line in lines if not line.startswith("neuronlab: warning: ")]
    assert len(errors) == 1, proc.stderr
    assert "diverged" in errors[0], proc.stderr


# -- how long it will take -------------------------------------------------------------------


def test_time_estimates_and_notes():
    assert duration_text(0.2) == "about 1 second"
    assert duration_text(40) == "about 40 seconds"
    assert duration_text(259) == "about 4 minutes"
    assert duration_text(2 * 3600) == "about 2 hours"
    assert duration_text(5 * 86400) == "about 5 days"
    assert estimated_seconds("scalar", 1000, 100, 10, 32) == 1.0  # 10⁶ weight-examples a second
    assert slow_run_note("scalar", 337, 100, 100, 32) is None  # the moons: a few seconds
    assert slow_run_note("scalar", 9610, 1347, 20, 32) == (
        "the scalar engine will take about 4 minutes here (9,610 weights × 1,347 examples × "
        "20 epochs, one Python object per number); --engine tensor trains the same network "
        "in about 1 second"
    )
    assert slow_run_note("tensor", 9610, 1347, 20, 32) is None
    assert slow_run_note("tensor", 5_000_000, 60_000, 100, 64) == (
        "this run will take about 4 hours (5,000,000 weights × 60,000 examples × 100 epochs)"
    )


def test_the_scalar_engine_on_digits_says_it_will_be_slow(tmp_path):
    """The note comes before training; the process is stopped once it has said it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV"))}
    args = [*CLI, "train", "--dataset", "digits", "--engine", "scalar", "--no-report"]
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        first = proc.stderr.readline()
    finally:
        proc.kill()
        proc.communicate()
    assert first.startswith("neuronlab: note: the scalar engine will take about 4 minutes here")
    assert "--engine tensor trains the same network in about 1 second" in first


# -- refused before any work: one line, exit 2 ----------------------------------------------------

REFUSED = {
    "huge --n": (
        ["--n", str(10**18)],
        "argument --n: expected a whole number from 1 to 1,000,000, got 1000000000000000000 "
        "(the points are made in memory at once)",
    ),
    "huge layers": (["--layers", "100000,100000"], "at most 4,096 neurons per layer"),
    "a billion neurons": (["--layers", "1000000000"], "got 1,000,000,000"),
    "too deep": (["--layers", ",".join(["2"] * 101)], "at most 100 hidden layers, got 101"),
    "scalar parameters": (
        ["--layers", "1000,1000"],
        "this network has 1,005,001 parameters; the scalar engine takes at most 200,000 "
        "(it keeps one Python object per weight); --engine tensor takes it",
    ),
    "tensor parameters": (
        ["--engine", "tensor", "--layers", "4096,4096,4096"],
        "this network has 33,579,009 parameters; the tensor engine takes at most 10,000,000",
    ),
    "scalar batch graph": (
        ["--n", "100000", "--batch-size", "100000"],
        "--batch-size 100,000: one training step would hold 33,700,000 graph nodes on the "
        "scalar engine, at most 10,000,000",
    ),
    "huge noise": (
        ["--noise", "1e308"],
        "argument --noise: expected a number from 0 to 1,000,000, got 1e+308",
    ),
    "noise overflow": (
        ["--noise", "1e999"],
        "argument --noise: expected a number from 0 to 1,000,000, got inf",
    ),
    "epochs": (
        ["--epochs", str(10**9)],
        "argument --epochs: expected a whole number from 1 to 100,000",
    ),
    "n on digits": (["--dataset", "digits", "--n", "5"], "--n: digits is a fixed set"),
    "noise on sweets": (["--dataset", "sweets", "--noise", "1"], "--noise: sweets is a fixed"),
    "data dir on moons": (["--data-dir", "x"], "--data-dir applies to --dataset mnist only"),
    "momentum with adam": (
        ["--momentum", "0.9"],
        "--momentum applies to --optimizer sgd or momentum",
    ),
    "dtype on scalar": (["--dtype", "float64"], "--dtype applies to the tensor engine"),
    "step on tensor": (["--engine", "tensor", "--activation", "step"], "a step passes no gradient"),
    "hinge on digits": (
        ["--dataset", "digits", "--loss", "hinge"],
        "expected one of cross_entropy, mse",
    ),
    "save suffix": (["--save", "model.pkl"], "--save: expected a file name ending in .npz"),
    "save folder": (["--save", "/nonexistent-folder/m.npz"], "the folder /nonexistent-folder does"),
    "out empty": (["--out", ""], "--out: run folder: the name is empty"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_before_any_work(case, capsys):
    args, words = REFUSED[case]
    line = one_line_error(capsys, ["train", *args])
    assert words in line, line


def test_save_and_out_are_checked_before_training(tmp_path, capsys):
    (tmp_path / "a.npz").mkdir()
    line = one_line_error(capsys, ["train", "--save", str(tmp_path / "a.npz")])
    assert line.endswith("a.npz: is a folder; give a file name")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own file")
    line = one_line_error(capsys, ["train", "--out", str(mine)])
    assert "already holds files that are not a neuronlab run's (notes.txt)" in line
    assert (mine / "notes.txt").read_text() == "my own file"
    line = one_line_error(capsys, ["train", "--out", str(mine / "notes.txt")])
    assert "is a file, not a folder" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npz", "mine"]  # nothing written


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the address space from /proc"
)


@linux_only
@pytest.mark.parametrize(
    "args",
    [
        ["--n", str(10**18)],
        ["--layers", "100000,100000"],
        ["--layers", "1000000000", "--engine", "scalar"],
        ["--layers", "4096,4096", "--engine", "scalar"],
        ["--noise", "1e308"],
        ["--n", "1000000", "--batch-size", "1000000", "--engine", "tensor"],
    ],
)
def test_hostile_sizes_are_refused_in_bounded_memory(args, tmp_path):
    """Each case in a child allowed 256 MB above what it uses after importing neuronlab."""
    proc = limited_process(
        f"sys.exit(main({['train', *args, '--no-report']!r}))",
        extra=256 << 20,
        setup="import sys\nfrom neuronlab.cli import main",
        cwd=tmp_path,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("neuronlab train: "), proc.stderr


# -- the report gets the rows that apply ----------------------------------------------------------


def test_the_report_config_holds_only_what_applies(tmp_path, capsys):
    assert main(["train", "--dataset", "moons", "--epochs", "2", "--out", str(tmp_path / "m")]) == 0
    moons = json.loads((tmp_path / "m" / "config.json").read_text())
    assert moons["n"] == 100
    assert moons["noise"] == 0.1
    assert moons["engine"] == "scalar"
    assert moons["layers"] == [2, 16, 16, 1]
    assert moons["batch_size"] == 32
    for absent in ("target", "data_dir", "dtype", "momentum", "save", "target_standardised"):
        assert absent not in moons
    args = ["--dataset", "digits", "--target", "9", "--epochs", "2", "--optimizer", "sgd"]
    assert main(["train", *args, "--out", str(tmp_path / "d")]) == 0
    digits = json.loads((tmp_path / "d" / "config.json").read_text())
    assert digits["target"] == 9
    assert digits["loss"] == "bce"
    assert digits["dtype"] == "float32"
    assert digits["momentum"] == 0.0
    assert digits["examples"] == 1347
    for absent in ("n", "noise", "data_dir"):
        assert absent not in digits
    assert (
        main(["train", "--dataset", "houses", "--epochs", "2", "--out", str(tmp_path / "h")]) == 0
    )
    houses = json.loads((tmp_path / "h" / "config.json").read_text())
    _X, y = datasets.houses(100, 10.0, seed=0)
    assert houses["target_standardised"] is True
    assert houses["target_mean"] == pytest.approx(float(y.mean()), rel=1e-12)
    assert houses["target_std"] == pytest.approx(float(y.std()), rel=1e-12)
    assert "report: " in capsys.readouterr().out
    assert MAX_PARAMETERS["scalar"] < MAX_PARAMETERS["tensor"]


# -- the converter both engines share: a tensor Sequential as a scalar MLP --------------------


def test_to_value_mlp_copies_every_number_and_computes_the_same():
    from neuronlab.nn import mlp
    from neuronlab.nn.convert import to_value_mlp
    from neuronlab.training import predict

    net = mlp([3, 4, 5, 2], activation="tanh", output_activation="sigmoid", seed=1, dtype="float64")
    scalar = to_value_mlp(net)
    assert scalar.sizes == [3, 4, 5, 2]
    assert [layer.neurons[0].activation for layer in scalar.layers] == ["tanh", "tanh", "sigmoid"]
    back = from_value_mlp(scalar)
    for p, q in zip(net.parameters(), back.parameters()):
        assert np.array_equal(p.data, q.data)
    X = np.random.default_rng(0).normal(size=(6, 3))
    np.testing.assert_allclose(predict(scalar, X), predict(net, X), rtol=1e-13, atol=1e-15)


def test_to_value_mlp_refuses_what_an_mlp_cannot_be() -> None:
    from neuronlab.nn import Flatten, Linear, ReLU, Tanh, mlp
    from neuronlab.nn.convert import to_value_mlp

    cases = [
        (Sequential(Linear(2, 3, bias=False)), "layer 0 has no bias"),
        (Sequential(Flatten(), Linear(2, 3)), "layer 0 is Flatten"),
        (Sequential(ReLU(), Linear(2, 3)), r"layer 0 \(ReLU\(\)\) must follow a Linear"),
        (Sequential(Linear(2, 3), ReLU(), Tanh()), "must follow a Linear layer directly"),
        (Sequential(Linear(2, 3), ReLU(), Linear(3, 3), Tanh(), Linear(3, 1)), "relu, tanh"),
        (Sequential(Linear(2, 3), Linear(4, 1)), "3 outputs feeds one of 4 inputs"),
        (Sequential(), "no Linear layer"),
    ]
    for model, message in cases:
        with pytest.raises(ValueError, match=message):
            to_value_mlp(model)
    with pytest.raises(TypeError, match="expected a neuronlab Sequential, got MLP"):
        to_value_mlp(to_value_mlp(mlp([2, 1], seed=0)))  # type: ignore[arg-type]
