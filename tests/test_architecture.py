"""The layer diagram of docs/architecture.md holds for the code: imports only point down.

The layers are read from the table in ``docs/architecture.md`` itself, so the
page and the code cannot drift apart: every module of ``src/neuronlab`` must be
in exactly one layer, may import only from its own layer or the layers below
(no circle of imports, even within a layer), and never imports a private
name (``_x``) from another module.  Imports inside ``if TYPE_CHECKING:`` are
for the type checker only and are not counted; the one upward import the page
allows (the Jupyter display hook) is listed there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from helpers import MODULES, imported_module

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def read_layers() -> tuple[dict[str, int], set[tuple[str, str]]]:
    """From the page: each module's layer number, and the allowed upward imports."""
    text = DOC.read_text(encoding="utf-8")
    layer_of: dict[str, int] = {}
    rows = re.findall(r"^\| *(\d+) *\|([^|]*)\|", text, flags=re.M)
    assert rows, "docs/architecture.md has no layer table (| n | `modules` | ... |)"
    for number, cell in rows:
        for entry in re.findall(r"`([^`]+)`", cell):
            if entry == "__init__":  # the package itself: its public names
                matched = ["neuronlab"]
            else:
                prefix = "neuronlab." + entry.rstrip("/")
                matched = [m for m in MODULES if m == prefix or m.startswith(prefix + ".")]
            assert matched, f"docs/architecture.md names {entry!r}, which is not in src/neuronlab"
            for m in matched:
                assert m not in layer_of, f"{m} is in two layers of docs/architecture.md"
                layer_of[m] = int(number)
    allowed = set(re.findall(r"^- allowed upward: `([\w.]+)` -> `([\w.]+)`", text, flags=re.M))
    return layer_of, allowed


LAYER_OF, ALLOWED_UPWARD = read_layers()


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(name: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import of a module, lazy ones too."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, list[str], int]] = []
    for node in ast.walk(tree):
        if _type_checking_only(node, parents):
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "neuronlab":
                    found.append((alias.name, [], node.lineno))
        elif isinstance(node, ast.ImportFrom):
            target = imported_module(node, package)
            if target.split(".")[0] != "neuronlab":
                continue
            names = [a.name for a in node.names]
            # "from . import data" imports the module neuronlab.data
            for n in names:
                if f"{target}.{n}" in MODULES:
                    found.append((f"{target}.{n}", [], node.lineno))
                    names = [x for x in names if x != n]
            if names:
                found.append((target, names, node.lineno))
    return found


def resolve(target: str) -> str:
    """The module an import reaches (``neuronlab.nn.layers`` or the package it is in)."""
    while target not in MODULES and "." in target:
        target = target.rpartition(".")[0]
    return target


def test_every_module_is_in_exactly_one_layer_of_the_page() -> None:
    missing = sorted(set(MODULES) - set(LAYER_OF))
    assert not missing, f"modules missing from the layer table of docs/architecture.md: {missing}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down(name: str) -> None:
    layer = LAYER_OF[name]
    for target, _, line in imports_of(name):
        reached = resolve(target)
        if reached == name or (name, reached) in ALLOWED_UPWARD:
            continue
        assert LAYER_OF[reached] <= layer, (
            f"{MODULES[name].relative_to(ROOT)}:{line} imports {reached} "
            f"(layer {LAYER_OF[reached]}) from layer {layer}: imports must point down"
        )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_is_imported_from_another_module(name: str) -> None:
    for _target, names, line in imports_of(name):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{MODULES[name].relative_to(ROOT)}:{line} imports {private}"


def test_no_circle_of_imports() -> None:
    graph = {
        name: {resolve(t) for t, _, _ in imports_of(name)} - {name}
        for name in MODULES
        if name != "neuronlab"  # the package's __init__ gathers the public names
    }
    for name, targets in graph.items():
        graph[name] = {t for t in targets if (name, t) not in ALLOWED_UPWARD}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt in path and state.get(nxt) == 1 and nxt != "neuronlab":
                cycle = [*path[path.index(nxt) :], nxt]
                raise AssertionError("a circle of imports: " + " -> ".join(cycle))
            if state.get(nxt) is None and nxt in graph:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if state.get(start) is None:
            visit(start, [start])


def test_the_page_names_no_upward_import_that_is_not_needed() -> None:
    for source, target in ALLOWED_UPWARD:
        assert any(resolve(t) == target for t, _, _ in imports_of(source)), (source, target)


MAX_FUNCTION_LINES = 60  # the style rule: a function a reader can hold in view


def function_lengths(path: Path) -> list[tuple[str, int, int]]:
    """(name, first line, lines without its docstring) of every function in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                lines -= first.end_lineno - first.lineno + 1  # type: ignore[operator]
            found.append((node.name, node.lineno, lines))
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_function_is_longer_than_sixty_lines(name: str) -> None:
    path = MODULES[name]
    long = [
        f"{path.relative_to(ROOT)}:{line} {fn} ({n} lines)"
        for fn, line, n in function_lengths(path)
        if n > MAX_FUNCTION_LINES
    ]
    assert not long, long
