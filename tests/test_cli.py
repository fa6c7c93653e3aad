"""The ``neuronlab`` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


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
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1


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
    "gate, truth",
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
    assert len(lines) == 2 and lines[1].startswith("report: runs/train-moons-")
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
    assert "circles (40 examples)" in out and "loss bce" in out and "tanh" in out
    assert re.search(r"epoch\s+1/10", out) and re.search(r"epoch\s+10/10", out)
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
    m = re.search(r"root mean squared error ([\d.]+) \(original units\)", stdout)
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
    # the brief's example is --lr 1000 (diverges at step 43); this one diverges at step 5
    proc = run("train", "--dataset", "houses", "--lr", "100", "--layers", "4", "--quiet")
    assert proc.returncode == 1
    assert_clean(proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "diverged" in lines[0] and "lower learning rate" in lines[0]
    assert re.search(r"step \d+", lines[0])


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
    "epochs zero": (["train", "--epochs", "0"], ["--epochs", ">= 1"]),
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
    "too few points": (["train", "--dataset", "moons", "--n", "1"], [">= 2"]),
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
    "xor too few points": (["train", "--dataset", "xor", "--n", "3"], [">= 4"]),
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
    assert "demo" in proc.stdout + proc.stderr and "train" in proc.stdout + proc.stderr
