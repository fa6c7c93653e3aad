"""``neuronlab predict``: what each kind of model prints, every hostile input refused in one line,
and output piped into ``head`` ending quietly; plus every subcommand's ``--help``."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from helpers import npy_bytes, npy_header

from neuronlab import load, predict
from neuronlab.cli import main
from neuronlab.cli.parser import COMMANDS
from neuronlab.nn import MLP, Sequential
from neuronlab.util.numbers import format_number

CLI = [sys.executable, "-m", "neuronlab.cli"]


def env():
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV"))}


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Small trained models of every output kind, saved once for the whole module."""
    folder = tmp_path_factory.mktemp("models")
    runs = {
        "sigmoid": ["--dataset", "moons", "--engine", "tensor", "--epochs", "20"],
        "scalar": ["--dataset", "moons", "--epochs", "5"],
        "linear": ["--dataset", "houses", "--epochs", "50", "--engine", "tensor"],
        "softmax": ["--dataset", "spiral", "--epochs", "20", "--engine", "tensor"],
        "sigmoids": ["--dataset", "spiral", "--loss", "mse", "--engine", "tensor", "--epochs", "5"],
    }
    paths = {}
    for name, args in runs.items():
        paths[name] = folder / f"{name}.npz"
        status = main(["train", *args, "--quiet", "--no-report", "--save", str(paths[name])])
        assert status == 0
    return paths


def predicted(capsys, model, rows, tmp_path):
    """main(predict) on ``rows`` saved as .npy: (header, [cells of each line])."""
    np.save(tmp_path / "rows.npy", rows)
    capsys.readouterr()
    assert main(["predict", str(model), str(tmp_path / "rows.npy")]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    header, *lines = out.splitlines()
    return header, [line.split("\t") for line in lines]


def fmt(values):
    """Probabilities as predict prints them: 4 decimals."""
    return [f"{v:.4f}" for v in values]


def test_one_sigmoid_output_prints_the_class_and_p1(models, capsys, tmp_path):
    X = np.array([[0.0, 1.0], [1.0, -0.5], [2.0, 0.3], [0.5, 0.25]])
    header, lines = predicted(capsys, models["sigmoid"], X, tmp_path)
    assert header == "row\tclass\tp(1)"
    p = predict(load(models["sigmoid"]), X)
    assert lines == [[str(i), str(int(p[i] > 0.5)), f"{p[i]:.4f}"] for i in range(4)]
    assert lines[0][1] == "0"
    assert lines[1][1] == "1"


def test_a_scalar_model_prints_what_it_computes(models, capsys, tmp_path):
    model = load(models["scalar"])
    assert isinstance(model, MLP)
    X = np.array([[0.0, 1.0], [1.0, -0.5]])
    header, lines = predicted(capsys, models["scalar"], X, tmp_path)
    assert header == "row\tclass\tp(1)"
    p = predict(model, X)  # row by row on the scalar engine
    assert [cells[2] for cells in lines] == fmt(p)


def test_one_linear_output_prints_the_number_in_the_data_units(models, capsys, tmp_path):
    X = np.array([[100.0, 0.5], [150.0, 1.0], [60.0, 0.0]])
    header, lines = predicted(capsys, models["linear"], X, tmp_path)
    assert header == "row\toutput"
    outputs = predict(load(models["linear"]), X)
    assert lines == [[str(i), format_number(v, 4)] for i, v in enumerate(outputs)]
    prices = np.array([float(cells[1]) for cells in lines])
    assert np.all(np.abs(prices - (50 + 2.5 * X[:, 0] + 120 * X[:, 1])) < 40)  # k€


def test_several_linear_outputs_print_softmax_probabilities(models, capsys, tmp_path):
    X = np.random.default_rng(0).uniform(-1, 1, (5, 2))
    header, lines = predicted(capsys, models["softmax"], X, tmp_path)
    assert header == "row\tclass\tp(0)\tp(1)\tp(2)"
    scores = predict(load(models["softmax"]), X).astype(np.float64)
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    for i, cells in enumerate(lines):
        assert cells[:2] == [str(i), str(int(scores[i].argmax()))]
        assert cells[2:] == fmt(probs[i])
        assert abs(sum(float(c) for c in cells[2:]) - 1) < 1e-3


def test_several_sigmoid_outputs_print_each_output(models, capsys, tmp_path):
    X = np.random.default_rng(1).uniform(-1, 1, (3, 2))
    header, lines = predicted(capsys, models["sigmoids"], X, tmp_path)
    assert header == "row\tclass\tout(0)\tout(1)\tout(2)"
    out = predict(load(models["sigmoids"]), X)
    for i, cells in enumerate(lines):
        assert cells == [str(i), str(int(out[i].argmax())), *fmt(out[i])]


def test_csv_input_gives_the_same_lines_as_npy(models, capsys, tmp_path):
    X = np.array([[0.25, -1.5], [3.0, 0.125]])
    _, from_npy = predicted(capsys, models["softmax"], X, tmp_path)
    (tmp_path / "rows.csv").write_text("# x1,x2\n0.25,-1.5\n3, 0.125\n")
    assert main(["predict", str(models["softmax"]), str(tmp_path / "rows.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t") for line in out[1:]] == from_npy


@pytest.mark.parametrize(
    "text",
    [
        '"0.25","-1.5"\n"3", "0.125"\n',  # quoted numbers, as spreadsheets write them
        "0.25,-1.5,\n3,0.125,\n",  # a comma ending every row: an empty column, not read
        '# x1,x2\r\n"0.25",-1.5,\r\n3,"0.125",\r\n',  # both, with a comment and CRLF
    ],
)
def test_a_spreadsheets_csv_gives_the_same_lines_as_npy(models, capsys, tmp_path, text):
    X = np.array([[0.25, -1.5], [3.0, 0.125]])
    _, from_npy = predicted(capsys, models["softmax"], X, tmp_path)
    (tmp_path / "sheet.csv").write_text(text, newline="")
    assert main(["predict", str(models["softmax"]), str(tmp_path / "sheet.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t") for line in out[1:]] == from_npy


# -- hostile inputs: one line on stderr, exit 2 ---------------------------------------------------


def npz_bytes():
    import io

    buffer = io.BytesIO()
    np.savez(buffer, X=np.ones((2, 2)))
    return buffer.getvalue()


HOSTILE = {
    "npz named npy": ("x.npy", npz_bytes, "a zip archive (an .npz?)"),
    "empty npy": ("x.npy", lambda: npy_bytes(np.zeros((0, 2))), "an empty array"),
    "a trillion rows": ("x.npy", lambda: npy_header((10**12, 2)) + bytes(16), "announces shape"),
    "complex": ("x.npy", lambda: npy_bytes(np.ones((2, 2), complex)), "complex numbers"),
    "datetime": ("x.npy", lambda: npy_bytes(np.array(["2020-01-01"], "M8[D]")), "values of type"),
    "structured": ("x.npy", lambda: npy_bytes(np.zeros(2, [("a", "f8"), ("b", "f8")])), "type"),
    "pickle": (
        "x.npy",
        lambda: npy_bytes(np.array([None, {}], dtype=object), allow_pickle=True),
        "pickled Python objects",
    ),
    "empty cell": ("x.csv", lambda: b"1,,2\n", "line 1: an empty cell"),
    "space in a cell": ("x.csv", lambda: b"1 2,3\n", "'1 2' is not a number"),
    "ragged": ("x.csv", lambda: b"1,2\n3\n", "line 2: 1 numbers, but line 1 has 2"),
    "nan": ("x.csv", lambda: b"1,nan\n", "NaN or an infinite number"),
    "inf in npy": ("x.npy", lambda: npy_bytes(np.array([[1.0, np.inf]])), "row 0 holds NaN"),
    "wrong width": ("x.csv", lambda: b"1,2,3\n", "3 numbers; expected 2 per row"),
    "empty file": ("x.csv", lambda: b"", "no rows of numbers"),
    "words": ("x.csv", lambda: b"a,b\n", "'a' is not a number"),
    "a comma ending some rows": (
        "x.csv",
        lambda: b"1,2,\n3,4\n",
        "line 2: does not end with a comma, but line 1 does; every row must end the same way",
    ),
    "a comma ending a later row": (
        "x.csv",
        lambda: b"1,2\n3,4,\n",
        "line 2: ends with a comma, but line 1 does not",
    ),
    "a quote left open": ("x.csv", lambda: b'1,"2\n3",4\n', "line 1: a quote left open"),
    "text after a quote": ("x.csv", lambda: b'1,2\n"3"x,4\n', "line 2: a badly quoted cell"),
    "a quoted comma": ("x.csv", lambda: b'"1,5",2\n', "line 1: '1,5' is not a number"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_input_is_one_line(case, models, capsys, tmp_path):
    name, make, words = HOSTILE[case]
    (tmp_path / name).write_bytes(make())
    assert main(["predict", str(models["sigmoid"]), str(tmp_path / name)]) == 2
    out, err = capsys.readouterr()
    assert out == "", err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err, err
    assert err.startswith(f"neuronlab: error: {name}"), err
    assert words in err, err


@pytest.mark.parametrize("where", ["/dev/zero", "fifo", "folder"])
def test_only_regular_files_are_read_as_model_or_input(where, models, capsys, tmp_path):
    path = {"/dev/zero": "/dev/zero", "fifo": str(tmp_path / "p"), "folder": str(tmp_path)}[where]
    if where == "fifo":
        os.mkfifo(path)  # never opened for a blocking read: refused at once
    kind = {"/dev/zero": "a character device", "fifo": "a FIFO", "folder": "a folder"}[where]
    for args in ([str(models["sigmoid"]), path], [path, str(models["sigmoid"])]):
        assert main(["predict", *args]) == 2
        out, err = capsys.readouterr()
        assert out == "", err
        assert len(err.splitlines()) == 1, err
        assert f"expected a regular file, got {kind}" in err


def test_a_model_that_is_not_a_model_is_one_line(capsys, tmp_path):
    (tmp_path / "x.csv").write_text("1,2\n")
    assert main(["predict", str(tmp_path / "x.csv"), str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "not a neuronlab model file" in err


# -- pipes: `neuronlab ... | head` ends quietly ----------------------------------------------------


def piped_into_head(command: str, cwd) -> subprocess.CompletedProcess:
    """``command | head -n 1`` in bash, reporting neuronlab's own exit status."""
    script = f"set -o pipefail; {command} | head -n 1"
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env(), cwd=cwd, timeout=300
    )


def test_predict_into_head_is_quiet(models, tmp_path):
    np.save(tmp_path / "many.npy", np.random.default_rng(0).normal(size=(50_000, 2)))
    cli = " ".join(CLI)
    proc = piped_into_head(f"{cli} predict {models['softmax']} many.npy", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "row\tclass\tp(0)\tp(1)\tp(2)\n"
    assert proc.stderr == ""


def test_train_into_head_still_saves_the_model(tmp_path):
    cli = " ".join(CLI)
    proc = piped_into_head(
        f"{cli} train --dataset moons --epochs 30 --no-report --save m.npz", tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("neuronlab train: moons (100 training examples)")
    assert proc.stderr == ""
    assert isinstance(load(tmp_path / "m.npz"), MLP)


@pytest.mark.parametrize("args", [["--help"], ["train", "--help"], ["perceptron", "--sweets"]])
def test_help_and_short_output_into_head(args, tmp_path):
    proc = piped_into_head(" ".join([*CLI, *args]), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr
    assert len(proc.stdout.splitlines()) == 1


# -- every subcommand's --help -----------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_help_has_a_description_and_defaults(command, capsys):
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    usage, description = text.split("\n\n")[:2]
    assert usage.startswith(f"usage: neuronlab {command}")
    assert len(description.split()) >= 12, description  # a sentence or more, not just a title
    if command in ("train", "perceptron", "demo", "tour"):
        assert "(default: " in text


def test_predict_help_says_what_is_printed_and_how_to_make_the_input(capsys):
    assert main(["predict", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for words in (
        "p(1)",
        "softmax probabilities",
        "out(0)",
        "raw units",
        "np.save",
        "ink/16",
        'quoted numbers such as "1.5" are read',
        "a comma ending every row",
    ):
        assert words in text, words


def test_a_sequential_model_with_a_sigmoid_reads_as_such(models):
    from neuronlab.cli.predict import input_width, output_activation

    model = load(models["sigmoid"])
    assert isinstance(model, Sequential)
    assert (input_width(model), output_activation(model)) == (2, "sigmoid")
    assert output_activation(load(models["softmax"])) == "linear"
    assert output_activation(load(models["scalar"])) == "sigmoid"
