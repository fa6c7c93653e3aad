"""A learner's workbook folder: the exercise files, and a small JSON file of their progress.

``start`` writes every exercise's template into a folder, never over an
existing file; ``find_workbook`` finds the folder from anywhere inside it;
``Progress`` records each exercise's last check and how many hints were
shown, written atomically to ``.neuronlab-workbook.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..util.files import write_atomic
from .catalog import EXERCISES, Exercise, template_text

__all__ = ["PROGRESS_FILE", "STATUSES", "Progress", "find_workbook", "start"]

#: The file that marks a workbook folder and keeps its progress.
PROGRESS_FILE = ".neuronlab-workbook.json"
_FORMAT = "neuronlab-workbook"
#: What ``list`` says of an exercise.
STATUSES = (
    "not checked",
    "passed",
    "not yet",
    "not implemented yet",
    "syntax error",
    "stopped",
    "crashed",
)
_MAX_PROGRESS_BYTES = 64 * 1024


@dataclass
class Progress:
    """Each exercise's last result and the hints shown so far, by exercise number."""

    folder: Path
    status: dict[str, str] = field(default_factory=dict)
    checked_at: dict[str, str] = field(default_factory=dict)
    hints: dict[str, int] = field(default_factory=dict)

    damaged: bool = False  # the file was there but was not a progress record

    @classmethod
    def read(cls, folder: Path) -> Progress:
        """The folder's progress (empty when the file is missing or unreadable); entries of
        the wrong kind are left out."""
        path = folder / PROGRESS_FILE
        progress = cls(folder)
        if not path.exists() and not path.is_symlink():
            return progress
        progress.damaged = True
        try:
            if path.is_symlink() or path.stat().st_size > _MAX_PROGRESS_BYTES:
                return progress
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return progress
        if not isinstance(record, dict) or record.get("format") != _FORMAT:
            return progress
        progress.damaged = False
        for name, kind in (("status", str), ("checked_at", str), ("hints", int)):
            value = record.get(name)
            if isinstance(value, dict):
                kept = {str(k): v for k, v in value.items() if type(v) is kind}
                setattr(progress, name, kept)
        progress.status = {k: v for k, v in progress.status.items() if v in STATUSES}
        return progress

    def write(self) -> Path | None:
        """Save the progress atomically.  A file that was not a progress record is kept
        beside it as ``PROGRESS_FILE.damaged`` (returned), never overwritten; a link is
        refused (a ValueError), since writing would change the file it points to."""
        path = self.folder / PROGRESS_FILE
        if path.is_symlink():
            raise ValueError(
                f"{path} is a link: the workbook's progress is not written through it "
                "(replace the link with a file, or remove it)"
            )
        kept = None
        if self.damaged and path.exists():
            kept = path.with_name(PROGRESS_FILE + ".damaged")
            os.replace(path, kept)
            self.damaged = False
        record: dict[str, Any] = {
            "format": _FORMAT,
            "version": 1,
            "status": self.status,
            "checked_at": self.checked_at,
            "hints": self.hints,
        }
        write_atomic(path, json.dumps(record, indent=1) + "\n")
        return kept

    def record(self, number: str, status: str) -> None:
        """Remember a check's result, with the time."""
        self.status[number] = status
        self.checked_at[number] = dt.datetime.now().isoformat(timespec="seconds")

    def shown(self, e: Exercise) -> int:
        """How many hints of ``e`` were shown (0 for a count that makes no sense)."""
        recorded = self.hints.get(e.number, 0)
        return min(recorded, len(e.hints)) if isinstance(recorded, int) and recorded >= 0 else 0

    def next_hint(self, e: Exercise) -> tuple[int, str] | None:
        """The next hint of ``e`` (its number, from 1, and text), or None when all were shown."""
        shown = self.shown(e)
        if shown >= len(e.hints):
            return None
        self.hints[e.number] = shown + 1
        return shown + 1, e.hints[shown]


def start(folder: str | os.PathLike[str]) -> list[Path]:
    """Write every exercise into ``folder`` (made if missing); refuse to overwrite anything.

    Returns the files written.  A ValueError, before anything is written, when
    the folder already holds a workbook or any of the files.
    """
    root = Path(folder)
    if str(folder).strip() == "":
        raise ValueError("workbook start: expected a folder name, got an empty one")
    if root.exists() and not root.is_dir():
        raise ValueError(f"workbook start: {root} is a file, not a folder")
    targets = [root / e.file for e in EXERCISES] + [root / PROGRESS_FILE]
    taken = [p for p in targets if p.exists() or p.is_symlink()]
    if taken:
        names = ", ".join(p.name for p in taken[:3]) + (" ..." if len(taken) > 3 else "")
        raise ValueError(
            f"workbook start: {root} already has {names}; nothing was written (choose a new folder)"
        )
    texts = {e.file: template_text(e) for e in EXERCISES}  # every template read before writing
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        write_atomic(root / name, text)
        written.append(root / name)
    Progress(root).write()
    return written


def find_workbook(start_at: str | os.PathLike[str] = ".") -> Path:
    """The workbook folder holding ``start_at`` (it or a parent has the progress file)."""
    given = Path(start_at)
    if not given.exists():
        raise ValueError(f"no such folder: {given}")
    if not given.is_dir():
        raise ValueError(f"{given} is a file, not a folder")
    here = given.resolve()
    for folder in (here, *here.parents):
        if (folder / PROGRESS_FILE).is_file():
            return folder
    raise ValueError(
        f"no workbook here ({here}): start one with "
        "'neuronlab workbook start FOLDER', then run the command inside it"
    )
