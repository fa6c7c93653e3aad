"""Where a run will write, checked before it trains: a failed save must not waste a run."""

from __future__ import annotations

import os
import tempfile

from .errors import UsageError

__all__ = ["check_save_path", "check_writable_folder"]


def _nearest_existing(folder: str) -> str:
    """``folder`` itself if it exists, else its closest existing parent."""
    current = os.path.abspath(folder)
    while not os.path.exists(current):
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return current


def _can_write_in(folder: str) -> bool:
    """True when a file can be made in ``folder`` (tried with a nameless temporary file)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def check_writable_folder(folder: str, option: str) -> None:
    """Refuse ``folder`` when it, or the parent it would be made in, cannot be written."""
    existing = _nearest_existing(folder or ".")
    if not os.path.isdir(existing):
        raise UsageError(f"neuronlab: {option} {folder}: {existing} is a file, not a folder")
    if not _can_write_in(existing):
        raise UsageError(f"neuronlab: {option} {folder}: cannot write in {existing}")


def check_save_path(path: str, command: str = "train") -> None:
    """Refuse a ``--save`` path that ``save`` would refuse or could not write, before training.

    The name must end in ``.npz`` and name a file (not a folder) in a folder
    that exists and can be written.  ``command`` names the command in the message.
    """
    where = f"neuronlab {command}: --save"
    if not path.lower().endswith(".npz") or os.path.basename(path) in ("", ".npz"):
        raise UsageError(f"{where}: expected a file name ending in .npz, got {path!r}")
    if os.path.isdir(path):
        raise UsageError(f"{where} {path}: is a folder; give a file name")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{where} {path}: the folder {folder} does not exist")
    if not _can_write_in(folder):
        raise UsageError(f"{where} {path}: cannot write in {folder}")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise UsageError(f"{where} {path}: the file exists and cannot be written")
