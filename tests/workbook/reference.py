"""The project's reference solutions: each exercise's template with its stubs filled in.

``answers/NN_name.py`` holds only what a learner writes: the template's stub
functions, and, inside a class of the same name, its stub methods, written
out.  ``solution("05")`` is the template as ``neuronlab workbook start`` writes
it, with each stub replaced by its answer (and any import the answers need),
so the code a template gives stands in one place.
"""

from __future__ import annotations

import ast
from pathlib import Path

from neuronlab.workbook.catalog import exercise, template_text

__all__ = ["ANSWERS", "change", "fill", "solution"]

ANSWERS = Path(__file__).resolve().parent / "answers"


def _is_stub(source: str) -> bool:
    """A function left for the learner: it raises NotImplementedError or returns Nones."""
    return "NotImplementedError" in source or "= None  #" in source


def _defined(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.ClassDef]:
    return {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def _stubs_and_answers(template: str, answers: str) -> list[tuple[str, str]]:
    """(a stub's source, its answer's source) for every stub the answers fill in."""
    given, wanted = _defined(ast.parse(answers)), _defined(ast.parse(template))
    pairs = []
    for name, node in wanted.items():
        answer = given.get(name)
        if answer is None:
            continue
        if isinstance(node, ast.FunctionDef):
            stubs, filled = {name: node}, {name: answer}
        else:
            stubs = {m.name: m for m in node.body if isinstance(m, ast.FunctionDef)}
            filled = {m.name: m for m in answer.body if isinstance(m, ast.FunctionDef)}
        for key, stub in stubs.items():
            text = ast.get_source_segment(template, stub) or ""
            if key in filled and _is_stub(text):
                pairs.append((text, ast.get_source_segment(answers, filled[key]) or ""))
    return pairs


def _imports(template: str, answers: str) -> str:
    """``template`` with the answers' imports it lacks, after its own imports."""
    tree = ast.parse(template)
    missing = [
        line
        for n in ast.parse(answers).body
        if isinstance(n, (ast.Import, ast.ImportFrom)) and (line := ast.unparse(n)) not in template
    ]
    if not missing:
        return template
    lines = template.splitlines(keepends=True)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    after = imports[-1].end_lineno if imports else (tree.body[0].end_lineno or 0)
    return "".join(lines[:after]) + "".join(f"{m}\n" for m in missing) + "".join(lines[after:])


def fill(template: str, answers: str) -> str:
    """``template`` with every stub the ``answers`` define replaced by its answer."""
    for stub, answer in _stubs_and_answers(template, answers):
        assert template.count(stub) == 1, f"a stub is not in the template once: {stub[:60]!r}"
        template = template.replace(stub, answer)
    return _imports(template, answers)


def solution(number: str) -> str:
    """Exercise ``number``'s reference solution: its template with every stub answered."""
    e = exercise(number)
    text = fill(template_text(e), (ANSWERS / e.file).read_text(encoding="utf-8"))
    assert "NotImplementedError" not in text, f"{e.number}: a stub"
    assert "= None  #" not in text, f"{e.number}: a stub"
    return text


def change(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced by ``new`` in its code (after the module docstring,
    which may quote the same words); ``old`` must be there exactly once."""
    tree = ast.parse(text)
    has_doc = ast.get_docstring(tree) is not None
    cut = tree.body[0].end_lineno if has_doc and tree.body[0].end_lineno else 0
    lines = text.splitlines(keepends=True)
    head, code = "".join(lines[:cut]), "".join(lines[cut:])
    assert code.count(old) == 1, f"{old!r} is not in the code once"
    return head + code.replace(old, new)
