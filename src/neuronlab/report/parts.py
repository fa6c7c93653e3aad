"""The pieces a report page is made of: figures (pictures with captions) and result cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["MIME_TYPES", "Card", "Drawer", "Picture"]

#: The picture formats a page embeds, by file extension.
MIME_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class Picture:
    """One picture of the run: its file in the folder, a title, how to read it, and its bytes.

    ``wide``: the picture takes the page's whole width (else half, beside another);
    ``width_px``: shown at this width in a box that scrolls, for a picture too
    big to shrink to the page and still be read (a large graph).
    """

    file_name: str
    title: str
    caption: str
    data: bytes
    wide: bool = True
    width_px: int | None = None

    @property
    def mime(self) -> str:
        """The picture's media type, from its file name."""
        return MIME_TYPES["." + self.file_name.rpartition(".")[2]]


@dataclass(frozen=True)
class Card:
    """One result on the page: ``key`` (its name in metrics.json), a label, the value, a note."""

    key: str
    label: str
    value: str
    note: str = ""


@dataclass
class Drawer:
    """Draws a report's pictures into its folder, keeping them and the notes on those not drawn."""

    folder: Path
    pictures: list[Picture] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Say on the page why a picture is missing (each sentence once)."""
        if text not in self.notes:
            self.notes.append(text)

    def draw(
        self,
        file_name: str,
        title: str,
        caption: str,
        draw: Callable[[Path], Any],
        wide: bool = True,
    ) -> None:
        """Draw one picture with ``draw(path)``; without matplotlib, a note instead."""
        path = self.folder / file_name
        try:
            draw(path)
        except ImportError as e:
            self.note(f"Pictures not drawn: {e}")
            return
        self.pictures.append(Picture(file_name, title, caption, path.read_bytes(), wide=wide))
