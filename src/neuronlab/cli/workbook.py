"""``neuronlab workbook start|list|check|hint``: the exercises for building micrograd yourself."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from ..workbook.catalog import EXERCISES, exercise, hint_line, hints_done
from ..workbook.findings import Report
from ..workbook.folder import Progress, find_workbook, start
from ..workbook.sandbox import check_file
from .errors import UsageError
from .output import note, say

__all__ = ["EXIT_NOT_PASSED", "run_workbook"]

#: The exit status of a check that ran but did not pass (a usage error is 2).
EXIT_NOT_PASSED = 1


def _start(args: argparse.Namespace) -> None:
    written = start(args.folder)
    folder = written[0].parent
    say(f"neuronlab workbook: {len(written)} exercises written to {folder}/")
    say(f"  begin with {written[0].name}, then: cd {folder} && neuronlab workbook check 01")


def _list(args: argparse.Namespace) -> None:
    folder = find_workbook(args.dir)
    progress = Progress.read(folder)
    say(f"workbook {folder}/")
    width = max(len(e.title) for e in EXERCISES)
    for e in EXERCISES:
        status = progress.status.get(e.number, "not checked")
        mark = "✓" if status == "passed" else " "
        say(f"  {mark} {e.number}  {e.title:<{width}}  {status}")


def _check_one(folder: Path, number: str, progress: Progress) -> Report:
    e = exercise(number)
    path = folder / e.file
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"neuronlab workbook: {path} is missing (it was written by start)")
    if not path.is_file():
        raise UsageError(
            f"neuronlab workbook: {path} is not a file (a folder, a broken link or a device); "
            "put your exercise back in that file"
        )
    report = check_file(e, path, pictures=folder / "pictures")
    progress.record(e.number, "passed" if report.passed else report.status or "not yet")
    return _pictures_from_here(report)


def _pictures_from_here(report: Report) -> Report:
    """The report with its pictures' paths relative to the current folder when inside it."""
    here = Path.cwd()

    def shown(picture: str) -> str:
        path = Path(picture)
        return str(path.relative_to(here)) if path.is_relative_to(here) else picture

    findings = [replace(f, pictures=tuple(shown(p) for p in f.pictures)) for f in report.findings]
    return replace(report, findings=findings)


def _check(args: argparse.Namespace) -> None:
    folder = find_workbook(args.dir)
    progress = Progress.read(folder)
    every = [e.number for e in EXERCISES]
    numbers = every if args.number is None else [exercise(args.number).number]
    reports = []
    for number in numbers:
        report = _check_one(folder, number, progress)
        reports.append(report)
        say(report.text())
    _save(progress)
    if len(reports) > 1:
        done = sum(r.passed for r in reports)
        say(f"{done} of {len(reports)} exercises pass")
    if not all(r.passed for r in reports):
        raise SystemExit(EXIT_NOT_PASSED)


def _hint(args: argparse.Namespace) -> None:
    """The next hint; after the last one, every hint again; with --all, those shown so far."""
    folder = find_workbook(args.dir)
    progress = Progress.read(folder)
    e = exercise(args.number)
    if args.all:
        shown = progress.shown(e)
        if not shown:
            say(
                f"exercise {e.number}: no hint shown yet; 'neuronlab workbook hint {e.number}' "
                "shows the first"
            )
        for which in range(1, shown + 1):
            say(hint_line(e, which))
        return
    hint = progress.next_hint(e)
    if hint is None:
        say(hints_done(e) + "; here they are again:")
        for which in range(1, len(e.hints) + 1):
            say(hint_line(e, which))
        return
    say(hint_line(e, hint[0]))
    _save(progress)


def _save(progress: Progress) -> None:
    """Write the progress; a folder that cannot take it is a note, not the end of the command
    (a link in its place is a usage error, from ``Progress.write``)."""
    try:
        kept = progress.write()
    except OSError as error:
        note(f"workbook: the progress could not be saved ({error.strerror or error})")
        return
    if kept is not None:
        note(f"workbook: the progress file could not be read; it is kept as {kept.name}")


_ACTIONS = {"start": _start, "list": _list, "check": _check, "hint": _hint}


def run_workbook(args: argparse.Namespace) -> None:
    """Run one workbook action; a problem is a UsageError (one line, exit 2)."""
    if args.action is None:
        raise UsageError("neuronlab workbook: expected an action: start, list, check or hint")
    try:
        _ACTIONS[args.action](args)
    except ValueError as e:
        raise UsageError(
            f"neuronlab {e}" if str(e).startswith("workbook") else f"neuronlab workbook: {e}"
        ) from None
