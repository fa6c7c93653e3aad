"""Run folders: where a run's report goes, and the rules that keep a user's own files safe.

A run folder is marked by a small file, ``neuronlab-run.json`` (``MARKER``),
written before anything else of the run and holding the run's name, time,
neuronlab version and the list of files it wrote.  The rules:

- ``out_dir=None``: a fresh ``runs/<name>-<YYYYmmdd-HHMMSS>/`` (``default_run_dir``);
- a folder that does not exist yet, or an empty one: used;
- a run folder (it has the marker): reused; the previous run's files — only
  the names in ``REPORT_FILES``, by exact name, nothing else — are replaced or
  removed, so no picture of an earlier run stays beside the new ones;
- any other non-empty folder, a file, or an empty name: refused with a
  ValueError by ``check_run_folder``, before anything is trained or written.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..util.files import write_atomic
from ..version import __version__

__all__ = [
    "LANGUAGE_FILES",
    "MARKER",
    "REPORT_FILES",
    "check_run_folder",
    "default_run_dir",
    "finish_run_folder",
    "is_run_folder",
    "open_run_folder",
]

#: The file that marks a folder as a neuronlab run folder.
MARKER = "neuronlab-run.json"

#: The files only a language model's run (``neuronlab makemore``) writes.
LANGUAGE_FILES = (
    "checkpoints.csv",
    "samples.txt",
    "losses.png",
    "counts.png",
    "embedding.png",
    "activations.png",
    "gradients.png",
    "weight_gradients.png",
    "saturation.png",
    "update_ratios.png",
)

#: Every file a run can write, in the order the page shows them (the marker first).
REPORT_FILES = (
    MARKER,
    "config.json",
    "metrics.json",
    "history.csv",
    "loss.png",
    "decision_boundary.png",
    "regression.png",
    "confusion_matrix.png",
    "misclassified.png",
    "first_layer_weights.png",
    "neuron_graph.svg",
    *LANGUAGE_FILES,
    "index.html",
)


def default_run_dir(
    name: str = "run",
    root: str | os.PathLike[str] = "runs",
    *,
    now: _dt.datetime | None = None,
) -> Path:
    """Create and return a fresh folder ``<root>/<name>-<YYYYmmdd-HHMMSS>/``.

    If that folder already exists (two runs in the same second), ``-2``,
    ``-3``, ... is appended: a run never writes into another run's folder.
    Characters other than letters, digits, ``.``, ``_`` and ``-`` in ``name``
    (and ``..``) become ``-``, so the folder always lands inside ``root``.
    """
    if not isinstance(name, str):
        raise TypeError(f"default_run_dir(name): expected a str, got {type(name).__name__}")
    safe = re.sub(r"[^A-Za-z0-9._-]+|\.{2,}", "-", name)
    safe = re.sub(r"-{2,}", "-", safe).strip(".-") or "run"
    stamp = (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = Path(root) / f"{safe}-{stamp}"
    Path(root).mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 10_000):
        folder = base if attempt == 1 else base.with_name(f"{base.name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"default_run_dir: too many runs named {base.name} in {root}")


def is_run_folder(folder: str | os.PathLike[str]) -> bool:
    """True when ``folder`` holds a readable marker file written by a neuronlab run."""
    marker = Path(folder) / MARKER
    try:
        content = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and "neuronlab_run" in content


def check_run_folder(out_dir: str | os.PathLike[str] | None) -> None:
    """Raise a ValueError when a run's report cannot go into ``out_dir``; return None when it can.

    Call it before training, so a bad folder is refused before any work is
    done.  ``None`` (a fresh ``runs/...`` folder), a folder that does not exist
    yet, an empty folder and a neuronlab run folder are fine.  An empty name, a
    file, and a non-empty folder that is not a run folder are refused: a run
    never writes over a user's own files.
    """
    if out_dir is None:
        return
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"run folder: expected a folder name, got {type(out_dir).__name__}")
    text = os.fspath(out_dir)
    if not isinstance(text, str):
        raise TypeError(f"run folder: expected a folder name as text, got {text!r}")
    if not text.strip():
        raise ValueError(
            "run folder: the name is empty; give a folder name, or none at all for a fresh "
            "runs/<name>-<date-time>/ folder"
        )
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"run folder: {folder} is a file, not a folder")
    if not folder.exists() or is_run_folder(folder):
        return
    entries = sorted(p.name for p in folder.iterdir())
    if entries:
        shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
        raise ValueError(
            f"run folder: {folder} already holds files that are not a neuronlab run's "
            f"({shown}); a run writes only into a new folder, an empty one, or an earlier "
            f"run's folder (one with {MARKER}), so choose another folder"
        )


def _marker_text(name: str, files: Iterable[str], finished: bool) -> str:
    content: dict[str, Any] = {
        "neuronlab_run": 1,
        "name": name,
        "written": _dt.datetime.now().isoformat(timespec="seconds"),
        "neuronlab_version": __version__,
        "finished": finished,
        "files": list(files),
    }
    return json.dumps(content, indent=2, ensure_ascii=False) + "\n"


def open_run_folder(out_dir: str | os.PathLike[str] | None, name: str) -> Path:
    """The folder to write a run into, checked (``check_run_folder``), created and marked."""
    check_run_folder(out_dir)
    folder = default_run_dir(name) if out_dir is None else Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / MARKER, _marker_text(name, [MARKER], finished=False))
    return folder


def finish_run_folder(folder: Path, name: str, written: list[str]) -> list[str]:
    """Remove the previous run's files this run did not write again; record the run's files.

    Only names in ``REPORT_FILES`` are ever removed, by exact name, and only
    files (a folder of that name is left alone).  Returns the names removed.
    """
    removed = []
    for file_name in REPORT_FILES:
        path = folder / file_name
        if file_name in written or file_name == MARKER:
            continue
        if path.is_symlink() or path.is_file():
            path.unlink()
            removed.append(file_name)
    listed = [MARKER] + [f for f in written if f != MARKER]
    write_atomic(folder / MARKER, _marker_text(name, listed, finished=True))
    return removed
