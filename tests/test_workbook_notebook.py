"""examples/workbook.ipynb: made from the workbook's own files, and it runs in a kernel.

As written, every check says "not implemented yet" and only the stubs raise;
with the project's reference solutions put into its exercise cells, every
check passes and nothing raises.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from notebooks import execute, load_builder
from workbook.reference import ANSWERS, fill

from neuronlab.workbook.catalog import EXERCISES, exercise, hint_line, template_text

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "workbook.ipynb"

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
pytest.importorskip("nbclient", reason="nbclient is not installed")
pytest.importorskip("ipykernel", reason="ipykernel is not installed")


BUILD = load_builder("make_workbook_notebook")


def _run(nb: Any, workdir: Path, allow_errors: bool) -> Any:
    return execute(nb, workdir, allow_errors=allow_errors)


def _printed(cell: Any) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _errors(cell: Any) -> list[str]:
    return [o.ename for o in cell.get("outputs", []) if o.output_type == "error"]


def _cell(nb: Any, cell_id: str) -> Any:
    return next(c for c in nb.cells if c.get("id") == cell_id)


def test_the_notebook_matches_its_builder() -> None:
    assert NOTEBOOK.read_text(encoding="utf-8") == BUILD.text(), (
        "examples/workbook.ipynb is out of date: run python examples/make_workbook_notebook.py"
    )


def test_it_is_stored_without_outputs_and_has_four_cells_an_exercise() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    for e in EXERCISES:
        roles = [c["id"].split("-")[1] for c in nb.cells if c["id"].startswith(f"ex{e.number}-")]
        assert roles == ["idea", "code", "try", "check"], e.number
        assert _cell(nb, f"ex{e.number}-code").metadata["tags"] == ["exercise"]


@pytest.mark.parametrize("e", EXERCISES, ids=lambda e: e.number)
def test_each_exercise_is_its_file_cut_into_cells(e) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    text = template_text(e)
    code = _cell(nb, f"ex{e.number}-code").source
    assert code, "the code cell is the file's code, as written"
    assert code in text, "the code cell is the file's code, as written"
    assert "NotImplementedError" in code or "= None  #" in code
    idea = _cell(nb, f"ex{e.number}-idea").source
    assert idea.startswith(f"## {e.number} · ")
    assert "neuronlab workbook check" not in idea
    assert "the check below." in idea
    check_line = _cell(nb, f"ex{e.number}-check").source
    assert check_line == f'check("{e.number}", {", ".join(e.names)})'
    for name in re.findall(r"\w+", check_line.split(",", 1)[1]):
        assert re.search(rf"^(def|class) {name}\b", code, re.M), f"{name} is defined in the cell"


def test_parts_cut_a_file_into_idea_code_and_trial() -> None:
    source = '"""Exercise 99: x.\n\nText."""\n\nimport math\n\n\ndef f(a):\n    return a\n\n\n'
    source += "class _Hidden:\n    pass\n\n\nif __name__ == '__main__':\n    print(f(1))  # 1\n"
    p = BUILD.parts(source)
    assert p.idea == "Exercise 99: x.\n\nText."
    assert p.code.startswith("import math")
    assert p.code.endswith("class _Hidden:\n    pass")
    assert p.trial == "print(f(1))  # 1"


def test_as_written_every_check_is_not_implemented_yet(tmp_path: Path) -> None:
    nb = _run(nbformat.read(NOTEBOOK, as_version=4), tmp_path, allow_errors=True)
    assert _printed(_cell(nb, "setup")) == hint_line(exercise("01"), 1) + "\n"
    for e in EXERCISES:
        said = _printed(_cell(nb, f"ex{e.number}-check"))
        assert said.startswith(f"exercise {e.number}: not implemented yet\n"), said
        assert "Traceback" not in said
        for role in ("idea", "code", "check"):
            assert not _errors(_cell(nb, f"ex{e.number}-{role}")), (e.number, role)
        assert set(_errors(_cell(nb, f"ex{e.number}-try"))) <= {"NotImplementedError"}


def _solved(nb: Any) -> Any:
    """The notebook with every stub filled in as the reference solution has it."""
    for e in EXERCISES:
        cell = _cell(nb, f"ex{e.number}-code")
        cell.source = fill(cell.source, (ANSWERS / e.file).read_text(encoding="utf-8"))
        assert "NotImplementedError" not in cell.source, e.number
    return nb


def test_with_the_reference_solutions_every_check_passes(tmp_path: Path) -> None:
    nb = _run(_solved(nbformat.read(NOTEBOOK, as_version=4)), tmp_path, allow_errors=False)
    for e in EXERCISES:
        said = _printed(_cell(nb, f"ex{e.number}-check"))
        assert said.startswith(f"exercise {e.number}: passed\n"), said
        assert "✗" not in said
    tried = _printed(_cell(nb, "ex05-try")).split()
    assert tried == ["-8.0", "6.0", "-4.0", "-2.0", "4.0"]  # the L graph, as its comments say
    assert _printed(_cell(nb, "ex06-try")).split()[-1] == "100000.0"
    names = _printed(_cell(nb, "ex13-try")).splitlines()[-1]
    assert names == "dulike zoshan car ssloysthierana alah"  # neuronlab's draws for the seed
