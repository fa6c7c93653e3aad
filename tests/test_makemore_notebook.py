"""examples/makemore.ipynb: up to date with its builder, and it runs from top to bottom in a kernel,
printing the lectures' numbers."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from notebooks import execute, load_builder, outputs

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "makemore.ipynb"
SHIPPED_STEPS = "STEPS = 4_000"  # the notebook's short runs, as a learner gets it
TESTED_STEPS = "STEPS = 3_000"  # what the tests run: every cell, 3/4 of the training

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
pytest.importorskip("nbclient", reason="nbclient is not installed")
pytest.importorskip("ipykernel", reason="ipykernel is not installed")
pytest.importorskip("matplotlib", reason="the notebook draws with matplotlib")


def test_notebook_matches_its_builder() -> None:
    assert NOTEBOOK.read_text(encoding="utf-8") == load_builder("make_makemore_notebook").text(), (
        "examples/makemore.ipynb is out of date: run python examples/make_makemore_notebook.py"
    )


def test_notebook_is_stored_withoutoutputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The notebook run with 3/4 of its steps: the same cells, in less time."""
    workdir = tmp_path_factory.mktemp("makemore-notebook")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code" and SHIPPED_STEPS in c.source)
    first.source = first.source.replace(SHIPPED_STEPS, TESTED_STEPS)
    return execute(nb, workdir), workdir


def test_notebook_runs_and_prints_the_lectures_numbers(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    text, pictures = outputs(nb)
    assert "Traceback" not in text, text[-3000:]
    for expected in (
        "32033 names, e.g. ['emma', 'olivia', 'ava', 'isabella', 'sophia']",
        "stoi['.'] = 0  stoi['a'] = 1",
        "mma -> .",
        "examples with a context of 3: 182,625 / 22,655 / 22,866",
        "bigrams counted: 228146",
        "negative log-likelihood of all bigrams: 2.4546",
        "parameters: 11,897",
        "C[X] for a batch of 32: (32, 3, 10) -> viewed as (32, 30)",
        "parameters: 12,097",
        "parameters: 76,579",
        "FlattenConsecutive   (4, 4, 48)",
        "FlattenConsecutive   (4, 256)",
        "TrainingWarning",  # the N(0, 1) start saturates its tanh layer, and is told so
        "kaiming  start: loss 3.30",
    ):
        assert expected in text, f"{expected!r} not in the notebook's output"
    assert pictures.count("image/png") >= 7


def test_the_models_learn_and_pytorch_agrees(executed: tuple[Any, Path]) -> None:
    text, _ = outputs(executed[0])
    found = re.search(r"suggested learning rate: ([\d.]+)", text)
    assert found
    assert 0.03 <= float(found.group(1)) <= 0.3
    dev = [float(x) for x in re.findall(r"dev loss(?: after [\d,]+ steps)?: ([\d.]+)", text)]
    assert len(dev) == 3, dev
    assert all(d < 3.0 for d in dev), dev  # far below ln 27 = 3.30
    if importlib.util.find_spec("torch") is None:
        assert "PyTorch is not installed" in text
    else:
        pair = re.search(r"dev loss: neuronlab ([\d.]+), PyTorch ([\d.]+)", text)
        assert pair
        assert abs(float(pair.group(1)) - float(pair.group(2))) < 1e-4


def test_notebook_saves_its_pictures(executed: tuple[Any, Path]) -> None:
    _, workdir = executed
    names = {p.name for p in (workdir / "makemore-pictures").iterdir()}
    assert {
        "counts.png",
        "lr_sweep.png",
        "mlp_losses.png",
        "activations_normal.png",
        "activations_kaiming.png",
        "update_ratios.png",
        "gradients.png",
    } <= names
