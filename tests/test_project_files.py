"""The project's own files agree with each other: licence, ignores, hooks and the Makefile."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_file_is_the_one_pyproject_names() -> None:
    project = pyproject()["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_gitignore_covers_every_cache_the_tools_write() -> None:
    ignored = set((ROOT / ".gitignore").read_text(encoding="utf-8").split())
    for made in (
        ".venv/",
        ".bench-venv/",
        "__pycache__/",
        ".pytest_cache/",
        ".hypothesis/",
        ".ruff_cache/",
        ".mypy_cache/",
        "*.egg-info/",
        "build/",
        "dist/",
    ):
        assert made in ignored, made


def makefile_recipe(target: str) -> list[str]:
    """The commands of one Makefile target, with $(VENV) written out."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, flags=re.MULTILINE)
    assert match, f"no target {target} in the Makefile"
    return [line.strip().replace("$(VENV)", ".venv") for line in match.group(1).splitlines()]


def test_pre_commit_hooks_run_the_makefiles_own_checks_offline() -> None:
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert re.findall(r"^\s*- repo: (\S+)", config, flags=re.MULTILINE) == ["local"]
    entries = re.findall(r"^\s*entry: (.+)$", config, flags=re.MULTILINE)
    assert set(re.findall(r"^\s*language: (\S+)", config, flags=re.MULTILINE)) == {"system"}
    lint, typecheck = makefile_recipe("lint"), makefile_recipe("typecheck")
    for entry in entries:  # each hook is the start of a command the Makefile runs
        assert any(command.startswith(entry) for command in lint + typecheck), entry
    assert {e.split()[0] for e in entries} == {".venv/bin/ruff", ".venv/bin/mypy"}


def test_make_fmt_formats_what_make_lint_checks() -> None:
    lint, fmt = makefile_recipe("lint"), makefile_recipe("fmt")
    checked = next(c for c in lint if "ruff format --check" in c).split()[-4:]
    formatted = next(c for c in fmt if "ruff format" in c).split()[-4:]
    assert checked == formatted == ["src", "tests", "benchmarks", "examples"]


def test_ruff_selects_at_least_the_projects_rule_families() -> None:
    lint = pyproject()["tool"]["ruff"]["lint"]
    wanted = {"E", "F", "W", "I", "B", "UP", "SIM", "RET", "PIE", "C4", "PT", "RUF"}
    assert wanted <= set(lint["select"]), sorted(wanted - set(lint["select"]))
