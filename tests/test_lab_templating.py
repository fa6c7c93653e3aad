"""The lab's script templates: every field filled, none left over, and shipped with the package."""

from __future__ import annotations

import fnmatch
import sys
from importlib import resources
from pathlib import Path

import pytest

from neuronlab.lab import templating
from neuronlab.lab.templating import fill_template, read_template, template_fields

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ("run.py.txt", "run_data_generated.txt", "run_data_points.txt", "pytorch_model.py.txt")


def points_fields(**changes: str) -> dict[str, str]:
    return {"size": "2", "rows": "    [1.0, 2.0, 0],\n    [3.0, 4.0, 1],", "split": "x", **changes}


def test_a_template_filled_with_every_field():
    text = fill_template("run_data_points.txt", points_fields())
    assert text.startswith("# The data: your own 2 points (x1, x2, label)")
    assert "POINTS = [\n    [1.0, 2.0, 0],\n    [3.0, 4.0, 1],\n]\n" in text
    assert text.endswith("points = np.array(POINTS, dtype=np.float64)\nx\n")


def test_a_missing_field_is_an_error_naming_it():
    fields = points_fields()
    del fields["rows"]
    with pytest.raises(
        ValueError, match=r"^template run_data_points.txt: no value given for rows$"
    ):
        fill_template("run_data_points.txt", fields)


def test_a_field_the_template_does_not_have_is_an_error_naming_it():
    with pytest.raises(
        ValueError,
        match=r"^template run_data_points.txt: colour, seed given, but it has no such field$",
    ):
        fill_template("run_data_points.txt", points_fields(seed="0", colour="red"))


def test_a_value_must_be_text() -> None:
    with pytest.raises(TypeError, match="field size expected text, got int"):
        fill_template("run_data_points.txt", {**points_fields(), "size": 2})  # type: ignore[dict-item]


def test_an_empty_field_alone_on_its_line_removes_the_line(monkeypatch):
    monkeypatch.setattr(
        templating, "read_template", lambda name: "a\n$maybe\n${also}\nb $x c\n$$5\n"
    )
    assert fill_template("t", {"maybe": "", "also": "", "x": ""}) == "a\nb  c\n$5\n"
    assert fill_template("t", {"maybe": "1\n2", "also": "3", "x": "y"}) == "a\n1\n2\n3\nb y c\n$5\n"


def test_a_dollar_that_starts_no_field_is_an_error_naming_its_line(monkeypatch):
    monkeypatch.setattr(templating, "read_template", lambda name: "ok $a\ncost: $5\n")
    with pytest.raises(ValueError, match=r"template t, line 2: a \$ that starts no field"):
        fill_template("t", {"a": "1"})


@pytest.mark.parametrize("name", ["../export.py", "nope.txt", "", 3])
def test_only_the_templates_folder_is_read(name: object) -> None:
    with pytest.raises(ValueError, match="read_template"):
        read_template(name)  # type: ignore[arg-type]


def test_the_templates_ship_with_the_package():
    """Every template is package data: read through importlib.resources and matched by a
    pattern of pyproject.toml's [tool.setuptools.package-data], so a wheel holds it."""
    folder = resources.files("neuronlab.lab").joinpath(templating.TEMPLATE_FOLDER)
    found = sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt"))
    assert found == sorted(TEMPLATES)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["neuronlab"]
    for name in found:
        assert read_template(name).endswith("\n")
        assert template_fields(name)
        path = f"lab/{templating.TEMPLATE_FOLDER}/{name}"
        assert any(fnmatch.fnmatch(path, p) for p in patterns), path
