"""examples/tour.ipynb: up to date with its builder, and it runs from top to bottom in a kernel."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "tour.ipynb"
BUILDER = ROOT / "examples" / "make_tour_notebook.py"

nbformat = pytest.importorskip(
    "nbformat", reason="nbformat is not installed (pip install nbformat)"
)
nbclient = pytest.importorskip(
    "nbclient", reason="nbclient is not installed (pip install nbclient)"
)
pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install ipykernel)")
pytest.importorskip("matplotlib", reason="the tour draws with matplotlib")


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("make_tour_notebook", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _outputs_text(nb: Any) -> tuple[str, list[str]]:
    """All text the cells printed or returned, and the mime types of their pictures."""
    texts, pictures = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                texts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                data = output.get("data", {})
                texts.append(data.get("text/plain", ""))
                pictures += [m for m in data if m.startswith("image/")]
            elif output.output_type == "error":
                texts.append("\n".join(output.traceback))
    return "\n".join(texts), pictures


def test_notebook_matches_its_builder() -> None:
    assert NOTEBOOK.read_text(encoding="utf-8") == _builder().text(), (
        "examples/tour.ipynb is out of date: run python examples/make_tour_notebook.py"
    )


def test_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no Jupyter kernel named python3 (python -m ipykernel install --user)")
    workdir = tmp_path_factory.mktemp("notebook")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb, workdir


def test_notebook_runs_and_shows_the_key_numbers(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    text, pictures = _outputs_text(nb)
    assert "Traceback" not in text and "Error" not in text, text[-2000:]
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
    text, _ = _outputs_text(executed[0])
    found = re.search(r"test accuracy ([\d.]+)% \((\d+) of 450 test images right\)", text)
    assert found, "the digits cell printed no test accuracy"
    assert float(found.group(1)) >= 97.0
    if importlib.util.find_spec("torch") is None:
        assert "PyTorch is not installed (pip install torch): skipping this step." in text
    else:
        gap = re.search(r"largest difference between the outputs: ([\d.e+-]+)", text)
        assert gap and float(gap.group(1)) < 1e-4
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
