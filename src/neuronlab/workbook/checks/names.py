"""What a learner's file must define for its check: the exercise's names, found or missing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..catalog import exercise

__all__ = ["needs"]


def needs(names: Mapping[str, Any], number: str) -> list[Callable[..., Any]]:
    """What exercise ``number``'s file defines (its catalog ``names``), in that order;
    a missing one is a NotImplementedError ("the file defines no Value")."""
    found = []
    for name in exercise(number).names:
        thing = names.get(name)
        if thing is None:
            raise NotImplementedError(f"the file defines no {name}")
        found.append(thing)
    return found
