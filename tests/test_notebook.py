"""examples/tour.ipynb: up to date with its builder, and it runs from top to bottom in a kernel."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from notebooks import execute, load_builder, outputs

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "tour.ipynb"

nbformat = pytest.importorskip(
    "nbformat", reason="nbformat is not installed (pip install nbformat)"
)
pytest.importorskip("nbclient", reason="nbclient is not installed (pip install nbclient)")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install ipykernel)")
pytest.importorskip("matplotlib", reason="the tour draws with matplotlib")


def test_notebook_matches_its_builder() -> None:
    assert NOTEBOOK.read_text(encoding="utf-8") == load_builder("make_tour_notebook").text(), (
        "examples/tour.ipynb is out of date: run python examples/make_tour_notebook.py"
    )


def test_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    workdir = tmp_path_factory.mktemp("notebook")
    return execute(nbformat.read(NOTEBOOK, as_version=4), workdir, timeout=120), workdir


def test_notebook_runs_and_shows_the_key_numbers(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    text, pictures = outputs(nb)
    assert "Traceback" not in text, text[-2000:]
    assert "Error" not in text, text[-2000:]
    for expected in (
        "output equals the second factor: True",
        "converged after",
        "did not converge in 20 epochs",
        "sigmoid(0) = 0.5",
        "L = -8.0",
        "dL/da = 6.0",
        "dL/db = -4.0",
        "dL/dc = dL/dd * dd/dc = -2 * 1 = -2",
        "from -8 to -4",
        "h = 0.001   rise / h = 0.99",
        "o = 0.7071, do/dn = 0.5000",
        "x1.grad = -1.5",
        "w1.grad = 1.0",
        "x2.grad = 0.5",
        "w2.grad = 0.0",
        "accuracy 100%",
        "all ok",
    ):
        assert expected in text, f"{expected!r} not in the notebook's output"
    assert "image/svg+xml" in pictures, "draw_graph did not display inline"
    assert pictures.count("image/png") >= 10


def test_notebook_trains_the_digits_and_compares_with_pytorch(executed: tuple[Any, Path]) -> None:
    text, _ = outputs(executed[0])
    found = re.search(r"test accuracy ([\d.]+)% \((\d+) of 450 test images right\)", text)
    assert found, "the digits cell printed no test accuracy"
    assert float(found.group(1)) >= 97.0
    if importlib.util.find_spec("torch") is None:
        assert "PyTorch is not installed (pip install torch): skipping this step." in text
    else:
        gap = re.search(r"largest difference between the outputs: ([\d.e+-]+)", text)
        assert gap
        assert float(gap.group(1)) < 1e-4
        assert "same digit chosen: 450 of 450" in text


def test_notebook_saves_its_pictures(executed: tuple[Any, Path]) -> None:
    _, workdir = executed
    names = {p.name for p in (workdir / "tour-pictures").iterdir()}
    assert {
        "01_perceptron_and.png",
        "01_perceptron_xor.png",
        "02_sigmoid.png",
        "04_nudge.png",
        "06_moons_boundary.png",
        "07_houses_regression.png",
        "08_digits_curves.png",
        "08_digits_confusion.png",
        "08_digits_mistakes.png",
    } <= names
