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


#: What ``mypy --strict`` turns on for one module (mypy 1.x/2.x): the per-module flags.
STRICT_FLAGS = {
    "disallow_any_generics": True,
    "disallow_subclassing_any": True,
    "disallow_untyped_calls": True,
    "disallow_untyped_defs": True,
    "disallow_incomplete_defs": True,
    "check_untyped_defs": True,
    "disallow_untyped_decorators": True,
    "warn_unused_ignores": True,
    "warn_return_any": True,
    "implicit_reexport": False,
    "strict_equality": True,
    "extra_checks": True,
}
STRICT_MODULES = {
    "neuronlab.engine",
    "neuronlab.floats",
    "neuronlab.walk",
    "neuronlab.worked",
    "neuronlab.tensor.*",
    "neuronlab.nn.*",
    "neuronlab.training.*",
    "neuronlab.losses",
    "neuronlab.optim",
}


def test_mypy_is_strict_on_the_engines_layers_training_losses_and_optimisers() -> None:
    mypy = pyproject()["tool"]["mypy"]
    strict = [o for o in mypy["overrides"] if set(o["module"]) >= STRICT_MODULES]
    assert len(strict) == 1, "one override lists every strict module"
    assert {k: v for k, v in strict[0].items() if k != "module"} == STRICT_FLAGS
    # `strict = true` in an override would make every module strict (python/mypy#11401)
    assert all("strict" not in o for o in mypy["overrides"])
    assert mypy.get("strict", False) is False
    assert mypy["warn_redundant_casts"] is True  # the one flag of --strict read only globally


def test_mypy_reads_the_tests_and_make_typecheck_runs_it_on_its_files() -> None:
    mypy = pyproject()["tool"]["mypy"]
    assert mypy["files"] == ["src/neuronlab", "tests"]
    assert mypy["exclude"] == ["^tests/workbook/answers/"]  # a learner's answers, not modules
    assert makefile_recipe("typecheck") == [".venv/bin/mypy"]  # no arguments: pyproject's files
    for module in STRICT_MODULES:  # every strict pattern names modules that exist
        path = ROOT / "src" / Path(*module.removesuffix(".*").split("."))
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file(), module


def test_ruff_selects_at_least_the_projects_rule_families() -> None:
    lint = pyproject()["tool"]["ruff"]["lint"]
    wanted = {"E", "F", "W", "I", "B", "UP", "SIM", "RET", "PIE", "C4", "PT", "RUF"}
    assert wanted <= set(lint["select"]), sorted(wanted - set(lint["select"]))
