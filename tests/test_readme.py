"""Every Python snippet in the README runs as written, and says what it claims."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_snippets() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_snippet_runs(index: int, tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)  # snippets that write files write them here
    try:
        namespace: dict[str, object] = {}
        exec(compile(BLOCKS[index], f"README block {index}", "exec"), namespace)
    finally:
        os.chdir(cwd)
    if index == 0:  # the ten-line example promises these numbers
        check_ten_line_example(namespace)


def check_ten_line_example(namespace: dict[str, object]) -> None:
    assert namespace["L"].data == -8.0
    assert [namespace[k].grad for k in "abcf"] == [6.0, -4.0, -2.0, 4.0]
    assert namespace["history"].accuracy[-1] >= 0.95
