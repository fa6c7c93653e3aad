"""The ``neuronlab`` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import neuronlab

CLI = [sys.executable, "-m", "neuronlab.cli"]
SCRIPT = Path(sys.executable).parent / "neuronlab"


def run(*args, cmd=CLI, timeout=120, cwd=None):
    """Run the command in a fresh folder (run reports land there, not in the repository)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV"))}
    with tempfile.TemporaryDirectory() as scratch:
        return subprocess.run(
            [*cmd, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
            cwd=cwd or scratch,
        )


def run_many(arg_lists):
    """Run several commands at once (each is a separate process); results in order."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda args: run(*args), arg_lists))


def final_accuracy(stdout: str) -> float:
    m = re.search(r"final loss ([\d.]+), accuracy ([\d.]+)%", stdout)
    assert m, stdout
    return float(m.group(2)) / 100


def assert_clean(proc):
    assert "Traceback" not in proc.stderr
    assert "Traceback" not in proc.stdout


# -- what works ---------------------------------------------------------------------------------


def test_version():
    proc = run("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"neuronlab {neuronlab.__version__}"


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")
def test_console_script_is_installed():
    proc = run("--version", cmd=[str(SCRIPT)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"neuronlab {neuronlab.__version__}"
    bad = run("train", "--lr", "-1", cmd=[str(SCRIPT)])
    assert bad.returncode == 2
    assert len(bad.stderr.splitlines()) == 1


def test_help_lists_the_commands():
    proc = run("--help")
    assert proc.returncode == 0
    for cmd in ("demo", "train", "perceptron"):
        assert cmd in proc.stdout


def test_demo_quiet_reaches_95_percent(tmp_path):
    proc = run("demo", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_clean(proc)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2  # quiet: only the final figures and where the report went
    assert final_accuracy(lines[0]) >= 0.95
    assert proc.stderr == ""
    (folder,) = (tmp_path / "runs").iterdir()
    assert folder.name.startswith("demo-")
    assert lines[1] == f"report: {Path('runs') / folder.name / 'index.html'}"
    for name in ("config.json", "history.csv", "loss.png", "index.html", "neuron_graph.svg"):
        assert (folder / name).stat().st_size > 0


def test_demo_out_and_no_report(tmp_path):
    proc = run("demo", "--quiet", "--out", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r" / "index.html").exists()
    proc = run("demo", "--quiet", "--no-report", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()


def test_graph_prints_the_value_and_every_gradient(capsys):
    from neuronlab.cli import main

    args = ["graph", "L = (a*b + c) * f", "--set", "a=2", "b=-3", "c=10", "f=-2"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "L = (a*b + c) * f = -8" in out
    for name, grad in (("a", "6"), ("b", "-4"), ("c", "-2"), ("f", "4")):
        assert f"dL/d{name} = {grad}" in out


def test_perceptron_sweets():
    proc = run("perceptron", "--sweets")
    assert proc.returncode == 0, proc.stderr
    rows = [line.split() for line in proc.stdout.splitlines() if re.match(r"^\s*[01]\s", line)]
    assert len(rows) == 8
    seen = set()
    for x1, x2, x3, wx, out in rows:
        seen.add((x1, x2, x3))
        assert float(wx) == 2 * int(x1) + 6 * int(x2) + 2 * int(x3)
        assert out == x2  # the output equals the second factor
    assert len(seen) == 8
    assert "threshold 5" in proc.stdout
    assert "second factor in every row: True" in proc.stdout


def gate_table(stdout):
    rows = [line.split() for line in stdout.splitlines() if re.match(r"^\s*[01]\s+[01]\s", line)]
    assert len(rows) == 4, stdout
    return {(int(a), int(b)): (int(t), int(o)) for a, b, t, o in rows}


@pytest.mark.parametrize(
    ("gate", "truth"),
    [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0])],
)
def test_perceptron_learns_gate(gate, truth):
    proc = run("perceptron", "--gate", gate)
    assert proc.returncode == 0, proc.stderr
    assert f"perceptron on {gate.upper()}: converged" in proc.stdout
    table = gate_table(proc.stdout)
    for (a, b), expected in zip([(0, 0), (0, 1), (1, 0), (1, 1)], truth):
        assert table[(a, b)] == (expected, expected)
    assert "cannot learn" not in proc.stdout


def test_perceptron_xor_does_not_converge():
    proc = run("perceptron", "--gate", "xor", "--epochs", "30")
    assert proc.returncode == 0, proc.stderr
    assert "did not converge in 30 epochs" in proc.stdout
    assert "cannot learn" in proc.stdout
    table = gate_table(proc.stdout)
    assert any(t != o for t, o in table.values())
    assert proc.stderr == ""


def test_train_moons_quiet():
    proc = run("train", "--dataset", "moons", "--layers", "8", "--epochs", "20", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert_clean(proc)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("report: runs/train-moons-")
    assert 0.5 < final_accuracy(lines[0]) <= 1.0


def test_train_prints_progress_when_not_quiet():
    proc = run(
        "train",
        "--dataset",
        "circles",
        "--n",
        "40",
        "--layers",
        "6,6",
        "--epochs",
        "10",
        "--activation",
        "tanh",
        "--loss",
        "bce",
        "--seed",
        "3",
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "circles (40 training examples)" in out
    assert "loss bce" in out
    assert "tanh" in out
    assert re.search(r"epoch\s+1/10", out)
    assert re.search(r"epoch\s+10/10", out)
    final_accuracy(out)


def test_train_is_reproducible_and_seeded():
    args = [
        "train",
        "--dataset",
        "xor",
        "--n",
        "40",
        "--layers",
        "4",
        "--epochs",
        "5",
        "--batch-size",
        "8",
        "--quiet",
        "--no-report",  # the report's folder name holds the time
    ]
    a, b, c = run_many([[*args, "--seed", "1"], [*args, "--seed", "1"], [*args, "--seed", "2"]])
    assert a.returncode == b.returncode == c.returncode == 0
    assert a.stdout == b.stdout
    assert a.stdout != c.stdout


def test_train_multiclass_uses_cross_entropy():
    proc = run("train", "--dataset", "spiral", "--n", "60", "--layers", "8", "--epochs", "3")
    assert proc.returncode == 0, proc.stderr
    assert "loss cross_entropy" in proc.stdout
    final_accuracy(proc.stdout)


def rmse(stdout):
    m = re.search(r"root mean squared error ([\d.e+-]+) k€ on the training examples", stdout)
    assert m, stdout
    return float(m.group(1))


def test_train_houses_regression():
    proc = run("train", "--dataset", "houses", "--lr", "0.1", "--epochs", "20", "--layers", "8")
    assert proc.returncode == 0, proc.stderr
    assert "loss mse" in proc.stdout
    assert "accuracy" not in proc.stdout  # regression: no accuracy
    # prices spread with std ~135 k€ and noise 10 k€: a trained model does far better than 135
    assert rmse(proc.stdout) < 40


def test_train_houses_with_defaults_learns():
    proc = run("train", "--dataset", "houses", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert rmse(proc.stdout) < 40


def test_diverging_train_is_one_line_exit_1():
    # plain gradient descent on all 100 houses at once, far too large a step: diverges at step 5
    args = ["--optimizer", "sgd", "--batch-size", "100", "--lr", "100", "--layers", "4"]
    proc = run("train", "--dataset", "houses", *args, "--quiet")
    assert proc.returncode == 1
    assert_clean(proc)
    lines = proc.stderr.strip().splitlines()
    warned = [line for line in lines if line.startswith("neuronlab: warning: ")]
    errors = [line for line in lines if line not in warned]
    assert len(errors) == 1, proc.stderr  # one line for the error, one per warning before it
    assert "diverged" in errors[0]
    assert "lower learning rate" in errors[0]
    assert re.search(r"step \d+", errors[0])
    assert any("the loss has grown" in w and "Lower the learning rate" in w for w in warned)


# -- every bad argument: one line on stderr, exit 2, no traceback ---------------------------------

# The command lines of the issue and a few more, each in its own process.
BAD = {
    "unknown dataset": (["train", "--dataset", "nope"], ["nope", "moons", "houses"]),
    "unknown activation": (["train", "--activation", "swish"], ["swish", "relu", "tanh"]),
    "layers not numbers": (["train", "--layers", "1,x"], ["--layers", "1,x"]),
    "layers zero": (["train", "--layers", "0"], ["--layers", ">= 1"]),
    "lr negative": (["train", "--lr", "-1"], ["--lr", "-1"]),
    "lr nan": (["train", "--lr", "nan"], ["--lr", "nan"]),
    "lr text": (["train", "--lr", "fast"], ["--lr", "fast"]),
    "epochs zero": (["train", "--epochs", "0"], ["--epochs", "from 1 to 100,000, got 0"]),
    "epochs float": (["train", "--epochs", "2.5"], ["--epochs"]),
    "noise negative": (["train", "--noise", "-1"], ["--noise"]),
    "seed negative": (["demo", "--seed", "-1"], ["--seed"]),
    "unknown subcommand": (["fly"], ["fly", "demo", "train", "perceptron"]),
    "unknown flag": (["train", "--bogus"], ["--bogus"]),
    "loss for regression": (["train", "--dataset", "houses", "--loss", "hinge"], ["hinge", "mse"]),
    "loss for multiclass": (
        ["train", "--dataset", "spiral", "--loss", "bce"],
        ["bce", "cross_entropy"],
    ),
    "unknown loss": (["train", "--loss", "bogus"], ["bogus"]),
    "too few points": (
        ["train", "--dataset", "moons", "--n", "1"],
        ["n: expected a whole number from 2 to 1,000,000, got 1"],
    ),
    "missing gate or sweets": (["perceptron"], ["--gate", "--sweets"]),
    "gate and sweets": (["perceptron", "--gate", "and", "--sweets"], ["--sweets"]),
    "unknown gate": (["perceptron", "--gate", "xnor"], ["xnor"]),
}

# More of the same validators, checked in-process through main() (no process start-up cost).
BAD_IN_PROCESS = {
    "layers negative": (["train", "--layers", "16,-1"], ["--layers"]),
    "layers empty item": (["train", "--layers", "16,,16"], ["--layers"]),
    "layers empty": (["train", "--layers", ""], ["--layers"]),
    "lr zero": (["train", "--lr", "0"], ["--lr"]),
    "lr inf": (["train", "--lr", "inf"], ["--lr"]),
    "batch size zero": (["train", "--batch-size", "0"], ["--batch-size"]),
    "n zero": (["train", "--n", "0"], ["--n"]),
    "noise nan": (["train", "--noise", "nan"], ["--noise"]),
    "momentum negative": (["train", "--momentum", "-0.5"], ["--momentum"]),
    "l2 negative": (["train", "--l2", "-1"], ["--l2"]),
    "seed text": (["train", "--seed", "abc"], ["--seed"]),
    "unknown flag on demo": (["demo", "--layers", "3"], ["--layers"]),
    "perceptron epochs zero": (["perceptron", "--gate", "and", "--epochs", "0"], ["--epochs"]),
    "perceptron lr negative": (["perceptron", "--gate", "and", "--lr", "-2"], ["--lr"]),
    "xor too few points": (
        ["train", "--dataset", "xor", "--n", "3"],
        ["n: expected a whole number from 4 to 1,000,000, got 3"],
    ),
    "bce for regression": (["train", "--dataset", "houses", "--loss", "bce"], ["bce", "mse"]),
}


def assert_one_line_usage_error(code, stdout, stderr, words):
    assert code == 2, (code, stdout, stderr)
    assert "Traceback" not in stderr + stdout
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("neuronlab"), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "usage:" not in stderr
    assert stdout == ""  # nothing trained, nothing printed


@pytest.fixture(scope="module")
def bad_runs():
    """Every bad command line, run concurrently once (they are independent processes)."""
    return dict(zip(BAD, run_many([args for args, _ in BAD.values()])))


@pytest.mark.parametrize("case", list(BAD))
def test_bad_argument_is_one_line_exit_2(case, bad_runs):
    proc = bad_runs[case]
    assert_one_line_usage_error(proc.returncode, proc.stdout, proc.stderr, BAD[case][1])


@pytest.mark.parametrize("case", list(BAD_IN_PROCESS))
def test_bad_argument_in_process(case, capsys):
    from neuronlab.cli import main

    args, words = BAD_IN_PROCESS[case]
    code = main(args)
    out, err = capsys.readouterr()
    assert_one_line_usage_error(code, out, err, words)


def test_no_command_shows_help_and_exits_2():
    proc = run()
    assert proc.returncode == 2
    assert_clean(proc)
    assert "demo" in proc.stdout + proc.stderr
    assert "train" in proc.stdout + proc.stderr


# -- the tensor engine from the command line: digits, is-it-a-9, MNIST files, save/predict --------


def test_train_digits_uses_the_tensor_engine_and_reports_test_accuracy(tmp_path):
    proc = run(
        "train",
        "--dataset",
        "digits",
        "--layers",
        "64",
        "--epochs",
        "30",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--save",
        str(tmp_path / "d.npz"),
        "--out",
        str(tmp_path / "report"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "tensor engine" in proc.stdout
    m = re.search(r"test accuracy ([\d.]+)% on 450 examples", proc.stdout)
    assert m, proc.stdout
    assert float(m.group(1)) >= 95.0, proc.stdout
    assert (tmp_path / "d.npz").stat().st_size > 0
    assert (tmp_path / "report" / "index.html").exists()

    # predict: the saved model classifies rows of a .npy file as the training run did
    from neuronlab import datasets, load, predict

    _, X_test, _, y_test = datasets.digits(seed=0)
    np.save(tmp_path / "x.npy", X_test[:20])
    out = run("predict", str(tmp_path / "d.npz"), str(tmp_path / "x.npy"))
    assert out.returncode == 0, out.stderr
    header, *rows = out.stdout.strip().splitlines()
    assert header == "row\tclass\t" + "\t".join(f"p({k})" for k in range(10))
    assert len(rows) == 20
    printed = [int(r.split("\t")[1]) for r in rows]
    expected = predict(load(tmp_path / "d.npz"), X_test[:20]).argmax(axis=1).tolist()
    assert printed == expected
    assert np.mean(np.array(printed) == y_test[:20]) >= 0.8


def test_is_it_a_nine_reports_precision_and_recall():
    proc = run(
        "train",
        "--dataset",
        "digits",
        "--layers",
        "32",
        "--epochs",
        "20",
        "--target",
        "9",
        "--no-report",
    )
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"is it a 9\? precision ([\d.]+)%, recall ([\d.]+)%", proc.stdout)
    assert m, proc.stdout
    assert float(m.group(1)) > 50
    assert float(m.group(2)) > 50
    assert "10% of the test images are a 9" in proc.stdout


def test_saved_houses_model_reads_raw_inputs(tmp_path):
    """Standardisation is folded into the saved network: raw size and location in, k€ out."""
    proc = run(
        "train",
        "--dataset",
        "houses",
        "--epochs",
        "200",
        "--layers",
        "8",
        "--no-report",
        "--save",
        str(tmp_path / "h.npz"),
    )
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "h.csv").write_text("100,0.5\n150, 1\n")  # spaces around a comma are fine
    out = run("predict", str(tmp_path / "h.npz"), str(tmp_path / "h.csv"))
    assert out.returncode == 0, out.stderr
    header, *lines = out.stdout.strip().splitlines()
    assert header == "row\toutput"
    values = [float(line.split("\t")[1]) for line in lines]
    from neuronlab.data import HOUSE_PRICE

    for got, want in zip(values, [HOUSE_PRICE(100, 0.5), HOUSE_PRICE(150, 1.0)]):
        assert abs(got - want) < 40  # noise is 10 k€, prices span ~100..~600


def test_fold_scaling_is_exact_for_both_engines():
    from neuronlab import MLP, mlp
    from neuronlab.cli.scaling import fold_scaling
    from neuronlab.training import predict

    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, (7, 3))
    mean, std = X.mean(axis=0), X.std(axis=0)
    for model in (MLP(3, [4, 1], seed=0), mlp([3, 4, 1], seed=0, dtype="float64")):
        before = predict(model, (X - mean) / std) * 5.0 + 7.0
        fold_scaling(model, mean, std, 7.0, 5.0)
        np.testing.assert_allclose(predict(model, X), before, rtol=1e-9, atol=1e-9)


def _write_idx(path: Path, array: np.ndarray) -> None:
    code = 0x08  # unsigned bytes
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_train_on_mnist_files(tmp_path):
    rng = np.random.default_rng(0)
    for kind, n in (("train", 60), ("t10k", 20)):
        labels = rng.integers(0, 10, n)
        images = np.zeros((n, 28, 28))
        for i, label in enumerate(labels):  # a bright bar whose row is the label: learnable
            images[i, 2 + 2 * label, :] = 255
        _write_idx(tmp_path / f"{kind}-images-idx3-ubyte", images)
        _write_idx(tmp_path / f"{kind}-labels-idx1-ubyte", labels)
    proc = run(
        "train",
        "--dataset",
        "mnist",
        "--data-dir",
        str(tmp_path),
        "--layers",
        "16",
        "--epochs",
        "30",
        "--lr",
        "0.01",  # the default, 0.001, is for 60,000 real images (one step an epoch here)
        "--no-report",
    )
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"test accuracy ([\d.]+)% on 20 examples", proc.stdout)
    assert m, proc.stdout
    assert float(m.group(1)) >= 90, proc.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("train", "--dataset", "mnist"), "needs --data-dir"),
        (("train", "--dataset", "mnist", "--data-dir", "/nonexistent"), "nonexistent"),
        (("train", "--dataset", "moons", "--target", "9"), "--target works with"),
        (("train", "--dataset", "digits", "--target", "12"), "expected a digit"),
        (("train", "--dataset", "digits", "--engine", "gpu"), "invalid choice"),
        (("train", "--dataset", "digits", "--activation", "step"), "tensor engine"),
        (("train", "--dataset", "digits", "--target", "9", "--loss", "hinge"), "does not fit"),
        (("predict", "/nonexistent.npz", "x.csv"), "nonexistent"),
        (("predict",), "required"),
    ],
)
def test_tensor_cli_errors_are_one_line(args, words):
    proc = run(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert_clean(proc)
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert words in proc.stderr


def test_predict_rejects_a_corrupt_model_and_bad_rows(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"not a model at all")
    (tmp_path / "x.csv").write_text("1,2\n")
    proc = run("predict", str(tmp_path / "bad.npz"), str(tmp_path / "x.csv"))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert_clean(proc)
    run(
        "train",
        "--dataset",
        "moons",
        "--epochs",
        "2",
        "--no-report",
        "--save",
        str(tmp_path / "m.npz"),
    )
    (tmp_path / "words.csv").write_text("a,b\n")
    (tmp_path / "three.csv").write_text("1,2,3\n")
    for bad in ("words.csv", "three.csv"):
        proc = run("predict", str(tmp_path / "m.npz"), str(tmp_path / bad))
        assert proc.returncode == 2, proc.stdout
        assert len(proc.stderr.strip().splitlines()) == 1
        assert "Traceback" not in proc.stderr
