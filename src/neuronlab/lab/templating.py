"""The lab's generated files, written from template files filled with named fields.

A template is a text file in ``lab/templates/`` (package data, read with
``importlib.resources``, so an installed package has them too).  It is the
file it generates, with ``$name`` (or ``${name}``) where a value goes and
``$$`` for a dollar sign.  ``fill_template(name, fields)`` puts the values
in; every field of the template must be given and nothing else, so a
misspelt or forgotten field is a ``ValueError`` naming it, never a script
with ``$name`` left in it or a value silently unused.

A field alone on its line holds whole lines (a block: the network's layers,
the training loop); when its value is empty, the line goes too, so an
optional line (an import, the one-hot targets) leaves no blank behind.

>>> from neuronlab.lab.templating import fill_template, template_fields
>>> sorted(template_fields("run_data_points.txt"))
['rows', 'size', 'split']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from string import Template

__all__ = ["TEMPLATE_FOLDER", "fill_template", "read_template", "template_fields"]

#: The folder of the template files, inside the ``neuronlab.lab`` package.
TEMPLATE_FOLDER = "templates"

_NAME = re.compile(r"[A-Za-z0-9_.\-]+")


def read_template(name: str) -> str:
    """The text of the template file ``name`` (e.g. ``"run.py.txt"``) in ``lab/templates/``."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"read_template(name): expected a template file name, got {name!r:.60}")
    path = resources.files(__package__).joinpath(TEMPLATE_FOLDER).joinpath(name)
    if not path.is_file():
        raise ValueError(f"read_template(name): no template {name!r} in lab/{TEMPLATE_FOLDER}/")
    return path.read_text(encoding="utf-8")


def template_fields(name: str) -> set[str]:
    """The names of the fields the template ``name`` has (each ``$field`` once)."""
    return _fields(name, read_template(name))


def _fields(name: str, text: str) -> set[str]:
    """Every ``$field`` of ``text``; a ``$`` that starts no field is an error naming its line."""
    found = set()
    for match in Template.pattern.finditer(text):
        if match.group("invalid") is not None:
            line = text.count("\n", 0, match.start()) + 1
            raise ValueError(f"template {name}, line {line}: a $ that starts no field (write $$)")
        field = match.group("named") or match.group("braced")
        if field:
            found.add(field)
    return found


def fill_template(name: str, fields: Mapping[str, str]) -> str:
    """The template ``name`` with each ``$field`` replaced by ``fields[field]``.

    ``fields`` must give every field of the template, as text, and no other;
    a field alone on its line whose value is empty removes that line.
    Raises ValueError naming the template and the missing or unknown fields,
    TypeError for a value that is not text.
    """
    text = read_template(name)
    wanted = _fields(name, text)
    missing, extra = sorted(wanted - set(fields)), sorted(set(fields) - wanted)
    if missing:
        raise ValueError(f"template {name}: no value given for {', '.join(missing)}")
    if extra:
        raise ValueError(f"template {name}: {', '.join(extra)} given, but it has no such field")
    for field, value in fields.items():
        if not isinstance(value, str):
            raise TypeError(
                f"template {name}: field {field} expected text, got {type(value).__name__}"
            )
    lines = [
        line
        for line in text.splitlines(keepends=True)
        if _lone_field(line) not in fields or fields[_lone_field(line)]
    ]
    return Template("".join(lines)).substitute(fields)


def _lone_field(line: str) -> str:
    """The field a line holds alone (``$name`` or ``${name}``), or "" if it holds other text."""
    match = re.fullmatch(r"\$(?:\{(\w+)\}|(\w+))\n?", line)
    return (match.group(1) or match.group(2)) if match else ""
