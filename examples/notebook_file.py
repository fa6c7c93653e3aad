"""What the notebook builders share: a notebook from its cells, the text of its file, and the
command that writes the file or checks that it is up to date.

Each ``make_*_notebook.py`` defines its cells and calls ``command``; the notebooks are stored
without outputs, with stable cell ids, so rebuilding gives the same file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

__all__ = ["cells_of", "command", "file_text", "notebook"]


def cells_of(texts: Sequence[tuple[str, str]], prefix: str) -> list[nbformat.NotebookNode]:
    """Cells from ("md" or "code", text) pairs, with the ids ``prefix-00``, ``prefix-01``..."""
    cells = [new_markdown_cell(t) if kind == "md" else new_code_cell(t) for kind, t in texts]
    for i, cell in enumerate(cells):
        cell["id"] = f"{prefix}-{i:02d}"
    return cells


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """A Python 3 notebook of these cells, without outputs."""
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def file_text(nb: nbformat.NotebookNode) -> str:
    """The notebook file's text, as written."""
    return nbformat.writes(nb) + "\n"


def command(
    path: Path, text: Callable[[], str], description: str, argv: list[str] | None = None
) -> int:
    """Write the notebook at ``path``, or with ``--check`` exit 1 when the file is out of date."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="fail if it is out of date")
    args = parser.parse_args(argv)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text():
            print(f"{path} is out of date: run python {Path(sys.argv[0]).name}", file=sys.stderr)
            return 1
        return 0
    path.write_text(text(), encoding="utf-8")
    print(f"wrote {path}")
    return 0
