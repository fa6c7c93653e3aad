"""What every step of the tour shares: how it prints, and how a step is called."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..util.numbers import format_number

__all__ = ["Printer", "Step", "heading", "num"]

#: Receives every line the tour prints (``print`` by default).
Printer = Callable[..., Any]

#: A step: (pictures folder, printer, what earlier steps made) -> the pictures it wrote.
Step = Callable[[Path, Printer, dict[str, Any]], list[Path]]


def num(x: float) -> str:
    """A number as the design writes it: ``-8``, ``0.5``, ``0.7071``."""
    return format_number(x)


def heading(say: Printer, number: int, title: str) -> None:
    """The line that starts step ``number``: ``== 4. A derivative is a slope ====``."""
    say("")
    say(f"== {number}. {title} " + "=" * max(3, 66 - len(title)))
