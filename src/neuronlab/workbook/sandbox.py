"""Running a learner's exercise where it cannot hurt: a child process with time and memory limits.

``check_file`` starts ``python -m neuronlab.workbook.child``, which loads the
learner's file, runs the exercise's check on it and prints the ``Report`` as
JSON.  An infinite loop is stopped at the exercise's time limit, a runaway
allocation at the memory limit, a deep recursion or a crash is reported, and
a syntax error is shown with its line: whatever the learner's code does, the
checker answers.

``run_check`` runs a check on names the caller already has (a class written
in a notebook): in this process, with the time limit only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import Exercise
from .checks.graphs import clear_pictures
from .findings import NOT_IMPLEMENTED, Finding, Report

__all__ = [
    "CheckContext",
    "check_file",
    "run_check",
    "learner_line",
    "MEMORY_LIMIT",
    "FILE_SIZE_LIMIT",
    "CPU_MARGIN",
]

#: The memory a check may use on top of what Python and neuronlab take at start.
MEMORY_LIMIT = 1 << 30
#: The CPU time a check's child may use beyond the exercise's seconds before it is stopped.
CPU_MARGIN = 10
#: The largest file the learner's code (or its printing) may write during a check.
FILE_SIZE_LIMIT = 64 << 20


@dataclass(frozen=True)
class CheckContext:
    """What a check may use besides the learner's names: where to write pictures."""

    pictures: Path | None = None


def learner_line(error: BaseException, file: str | None) -> str:
    """Where in the learner's file an error came from: ``line 12: return a * b`` (or "")."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = (
        [f for f in frames if file is not None and os.path.samefile(f.filename, file)]
        if (file and os.path.exists(file))
        else [f for f in frames if f.filename.startswith("<")]
    )
    if not mine:
        return ""
    last = mine[-1]
    return f"line {last.lineno}: {(last.line or '').strip()}"


def _check_function(e: Exercise) -> Any:
    module, name = e.check.split(":")
    return getattr(importlib.import_module(f"{__package__}.checks.{module}"), name)


def report_of_error(e: Exercise, error: BaseException, file: str | None) -> Report:
    """The report of a check that the learner's code stopped with ``error``."""
    where = learner_line(error, file)
    if isinstance(error, NotImplementedError):
        said = str(error) or "a function still raises NotImplementedError"
        line = where.partition(":")[0]  # "line 55": the stub's own text is the message
        return Report(e.number, [], NOT_IMPLEMENTED, f"{said}{f' ({line})' if line else ''}")
    if isinstance(error, MemoryError):
        return Report(
            e.number,
            [],
            "stopped",
            f"your code used more than {MEMORY_LIMIT >> 20} MB of memory and was stopped",
        )
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        text = f"your code wrote more than {FILE_SIZE_LIMIT >> 20} MB (printing in a loop?)"
        return Report(e.number, [], "stopped", text + (f"\n  at {where}" if where else ""))
    if isinstance(error, SystemExit):
        text = "your code called exit(): a check needs your functions to return"
        return Report(e.number, [], "crashed", text + (f"\n  at {where}" if where else ""))
    if isinstance(error, RecursionError):
        text = "your code recursed too deeply (RecursionError): a loop with a stack goes deeper"
        return Report(e.number, [], "crashed", text + (f"\n  at {where}" if where else ""))
    kind = type(error).__name__
    text = (f"your code raised {kind}: {error}" if str(error) else f"your code raised {kind}")[:300]
    return Report(e.number, [], "crashed", text + (f"\n  at {where}" if where else ""))


def run_check(
    e: Exercise,
    names: Mapping[str, Any],
    context: CheckContext,
    file: str | None = None,
    in_child: bool = False,
) -> Report:
    """The exercise's check on ``names`` (a module's namespace), in this process.

    ``in_child``: this is the checking child process, where a KeyboardInterrupt
    can only come from the learner's code and is reported like any error (in
    a notebook it is the user stopping the cell, and goes up).
    """
    check = _check_function(e)
    caught = (Exception, SystemExit, KeyboardInterrupt) if in_child else (Exception, SystemExit)
    try:
        with _time_limit(e.seconds):
            findings: list[Finding] = check(names, context)
    except _OutOfTime:
        return Report(e.number, [], "stopped", _stopped_text(e))
    except caught as error:  # the learner's code may raise anything
        return report_of_error(e, error, file)
    return Report(e.number, findings)


def _stopped_text(e: Exercise, of: str = "") -> str:
    return (
        f"stopped after {e.seconds:g} s{f' {of}' if of else ''}: does a loop never end, or a "
        "recursion never reach its base case?"
    )


class _OutOfTime(BaseException):
    """The time limit rang: a BaseException, so that no ``except Exception`` of a check (or
    of the learner's code) mistakes it for an error of one step and carries on."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """An alarm after ``seconds`` (Unix, main thread); elsewhere no limit."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_file(e: Exercise, path: Path, pictures: Path | None = None) -> Report:
    """The exercise's check on the learner's file, in a child process with limits.

    The child's output goes to files in a scratch folder (the child caps their
    size), so whatever the learner's code prints, this process reads at most
    ``_READ_AT_MOST`` bytes of it.
    """
    if pictures is not None:
        clear_pictures(e.number, pictures)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryDirectory(prefix="neuronlab-check-") as scratch:
        report_file = Path(scratch) / "report.json"
        command = [sys.executable, "-m", f"{__package__}.child", e.number, f"{e.seconds:g}"]
        command += [str(path), str(report_file)] + ([str(pictures)] if pictures else [])
        with open(Path(scratch) / "output.txt", "w+b") as output:
            try:
                done = subprocess.run(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=output,
                    env=env,
                    timeout=e.seconds + 15,
                    cwd=path.parent,
                )
            except subprocess.TimeoutExpired:
                return Report(e.number, [], "stopped", _stopped_text(e))
            report = _read_report(report_file)
            if report is not None:
                return report
            if done.returncode == -signal.SIGXCPU:  # its own alarm was silenced, say
                cpu = dataclasses.replace(e, seconds=int(e.seconds) + CPU_MARGIN)
                return Report(e.number, [], "stopped", _stopped_text(cpu, "of CPU time"))
            return Report(e.number, [], "crashed", _child_death(done, _tail(output)))


#: The most of a child's report or output that is read back.
_READ_AT_MOST = 1 << 20


def _read_report(path: Path) -> Report | None:
    """The report the child wrote, or None if it wrote none (or nonsense)."""
    try:
        with open(path, "rb") as f:
            return Report.from_dict(json.loads(f.read(_READ_AT_MOST)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _tail(output: Any) -> str:
    """The last few kilobytes of what the child printed."""
    output.seek(0, os.SEEK_END)
    output.seek(max(0, output.tell() - 8192))
    return str(output.read().decode("utf-8", "replace"))


def _child_death(done: subprocess.CompletedProcess[Any], printed: str) -> str:
    """Why the child ended without a report: memory, a signal, or its last error line."""
    if "MemoryError" in printed:
        return f"your code used more than {MEMORY_LIMIT >> 20} MB of memory and was stopped"
    if done.returncode < 0:
        return f"your code was stopped by signal {-done.returncode} (a crash, or too much time)"
    last = [line for line in printed.strip().splitlines() if line.strip()]
    if last:
        return last[-1][:300]
    return f"your code ended the check early (exit status {done.returncode})"
