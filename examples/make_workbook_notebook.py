"""Build examples/workbook.ipynb: the workbook's seventeen exercises as notebook cells.

    python examples/make_workbook_notebook.py            # writes examples/workbook.ipynb
    python examples/make_workbook_notebook.py --check    # exit 1 if it is out of date

The notebook is made from the very files ``neuronlab workbook start`` writes
(``neuronlab/workbook/templates/``), so the two never drift apart.  Each
exercise becomes four cells: what it teaches (the file's docstring), the code
to fill in (tagged ``exercise``), a cell that tries it on the worked example
(the file's ``if __name__ == "__main__":`` block), and ``check(...)``, which
runs the same checks as ``neuronlab workbook check`` on what the cells define.
It is stored without outputs.
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell
from notebook_file import command, file_text, notebook

from neuronlab.workbook.catalog import EXERCISES, Exercise, template_text

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "workbook.ipynb"

INTRO = """# Build micrograd yourself: the neuronlab workbook

Seventeen exercises, from a weighted sum to backpropagation by hand through a
two-layer network, then on to language models. Along the way you write your
own `Value` (an autograd engine like micrograd's), your own `Neuron`, `Layer`
and `MLP`, and a training loop that fits the two moons; then a bigram model of
the 32,033 names by counting and by gradient descent, an MLP with an embedding
table, every gradient of its BatchNorm version by hand ("backprop ninja"), and
a training run on your own gradients alone.

Each exercise has four cells:

1. **the idea**, with a worked example to try by hand first;
2. **the code** to fill in: every `raise NotImplementedError` is yours to replace
   (in exercises 12 and 16, every gradient left as `None`);
3. **try it**: the worked example, with the numbers it should print in comments;
4. **check**: `check("05", Value)` compares what you wrote with neuronlab's own
   engine (and PyTorch's, where it is installed) on the worked example and many
   random inputs, and says exactly what is wrong: the input where a derivative
   differs, the number expected and the one you gave, and the mistake it looks
   like.

`hint("05")` shows the exercise's next hint. Stuck in a loop? A check stops
after its time limit. The same exercises run as files from the command line:
`neuronlab workbook start my-micrograd`, then `neuronlab workbook check 05`
(that version also draws your graph beside the reference when a gradient is
wrong)."""

SETUP = """from neuronlab.workbook import check, hint

hint("01")  # the first hint of exercise 01; call hint("01") again for the next one"""

_RUN_LINE = re.compile(r"then run:\s+neuronlab workbook check (\d\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Parts:
    """An exercise file cut into the notebook's pieces: what it teaches, its code, its trial."""

    idea: str
    code: str
    trial: str


def _is_main_block(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'"


def parts(source: str) -> Parts:
    """Cut an exercise file (a template, or a solution shaped like one) into its parts."""
    tree = ast.parse(source)
    lines = source.splitlines()
    doc = ast.get_docstring(tree) or ""
    body = tree.body[1:] if doc else tree.body
    main = next((node for node in body if _is_main_block(node)), None)
    code_nodes = [node for node in body if node is not main]
    first = code_nodes[0].lineno - 1 if code_nodes else 0
    if code_nodes and getattr(code_nodes[0], "decorator_list", None):
        first = min(d.lineno for d in code_nodes[0].decorator_list) - 1  # type: ignore[attr-defined]
    last = code_nodes[-1].end_lineno if code_nodes else 0
    code = "\n".join(lines[first:last]).strip("\n")
    trial = ""
    if main is not None:
        trial = textwrap.dedent("\n".join(lines[main.body[0].lineno - 1 : main.end_lineno]))
    return Parts(doc, code, trial.strip("\n"))


def _idea(e: Exercise, doc: str) -> str:
    """The exercise's docstring as markdown: its first line a heading, the rest as written."""
    title, _, rest = doc.partition("\n")
    title = title.removeprefix(f"Exercise {e.number}: ")
    rest = _RUN_LINE.sub(lambda m: m.group(0)[0] + "hen run the check below.", rest.strip())
    title = title.rstrip(".")
    return f"## {e.number} · {title[:1].upper()}{title[1:]}\n\n```text\n{rest}\n```"


def exercise_cells(e: Exercise) -> list[nbformat.NotebookNode]:
    """The four cells of one exercise, with stable ids."""
    p = parts(template_text(e))
    code = new_code_cell(p.code)
    code.metadata["tags"] = ["exercise"]
    cells = {"idea": new_markdown_cell(_idea(e, p.idea)), "code": code}
    if p.trial:
        cells["try"] = new_code_cell(p.trial)
    cells["check"] = new_code_cell(f'check("{e.number}", {", ".join(e.names)})')
    for role, cell in cells.items():
        cell["id"] = f"ex{e.number}-{role}"
    return list(cells.values())


def build() -> nbformat.NotebookNode:
    """The workbook notebook, without outputs."""
    intro, setup = new_markdown_cell(INTRO), new_code_cell(SETUP)
    intro["id"], setup["id"] = "intro", "setup"
    cells = [intro, setup]
    for e in EXERCISES:
        cells += exercise_cells(e)
    return notebook(cells)


def text() -> str:
    """The notebook file's text, as written."""
    return file_text(build())


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) examples/workbook.ipynb."""
    return command(NOTEBOOK, text, (__doc__ or "").splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
