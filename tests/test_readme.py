"""Every Python snippet in the README runs as written and prints what its comments say.

A ``print(...)`` line whose comment follows it on the same line promises that
output: the comment is compared with what the call printed, where ``...``
stands for any text (a number that depends on the machine, a long tail).
Lines with ``# ->`` after an expression (not a print) are notes, not checked.
"""

from __future__ import annotations

import builtins
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
PRINT_LINE = re.compile(r"^\s*print\(.*\)\s+#\s?(?P<shown>.*)$")


def promised_outputs(block: str) -> list[str]:
    """The comments of the block's print lines, in order."""
    return [
        m.group("shown").strip() for line in block.splitlines() if (m := PRINT_LINE.match(line))
    ]


def matches(shown: str, printed: str) -> bool:
    """``printed`` is what ``shown`` says, with ``...`` standing for any text."""
    pattern = ".*?".join(re.escape(part) for part in shown.split("..."))
    return re.fullmatch(pattern, printed.strip(), flags=re.S) is not None


def run_block(block: str, index: int, cwd: Path) -> tuple[dict[str, object], list[str]]:
    """Execute a block in ``cwd``; return its namespace and the text of each print call."""
    printed: list[str] = []

    def recording_print(*args: object, **kwargs: Any) -> None:
        if kwargs.get("file") is not None:
            builtins.print(*args, **kwargs)
            return
        buffer = io.StringIO()
        builtins.print(*args, **{**kwargs, "file": buffer})
        printed.append(buffer.getvalue())

    namespace: dict[str, object] = {"print": recording_print}
    old = os.getcwd()
    os.chdir(cwd)  # snippets that write files write them here
    try:
        exec(compile(block, f"README block {index}", "exec"), namespace)
    finally:
        os.chdir(old)
    return namespace, printed


def test_readme_has_snippets() -> None:
    assert len(BLOCKS) >= 5
    assert sum(len(promised_outputs(b)) for b in BLOCKS) >= 10  # the README shows its results


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_snippet_prints_what_it_says(index: int, tmp_path: Path) -> None:
    namespace, printed = run_block(BLOCKS[index], index, tmp_path)
    promised = promised_outputs(BLOCKS[index])
    lines_of_prints = [
        line for line in BLOCKS[index].splitlines() if line.strip().startswith("print(")
    ]
    assert len(printed) == len(lines_of_prints), "every print line runs once, in order"
    checked = [(line, out) for line, out in zip(lines_of_prints, printed) if PRINT_LINE.match(line)]
    assert len(checked) == len(promised)
    for (line, out), shown in zip(checked, promised):
        assert matches(shown, out), f"README block {index}: {line.strip()!r} printed {out!r}"
    if index == 0:  # the ten-line example promises these numbers
        assert namespace["L"].data == -8.0  # type: ignore[attr-defined]
        assert [namespace[k].grad for k in "abcf"] == [6.0, -4.0, -2.0, 4.0]  # type: ignore


def test_the_comparison_of_printed_text() -> None:
    assert matches("Value(data=..., grad=0)", "Value(data=0.53, grad=0)\n")
    assert matches("-1.5 1.0 0.5 0.0", "-1.5 1.0 0.5 0.0\n")
    assert not matches("1.0", "0.97\n")
    assert not matches("True", "False")
