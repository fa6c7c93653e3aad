"""Running a learner's exercise where it cannot hurt: a child process with time and memory limits.

``check_file`` starts ``python -m neuronlab.workbook.child``, which loads the
learner's file, runs the exercise's check on it and prints the ``Report`` as
JSON.  An infinite loop is stopped at the exercise's time limit (the report
names the learner's line it was on and keeps what the check had found before
it), a runaway allocation at the memory limit, a deep recursion or a crash is
reported, and a syntax error is shown with its line: whatever the learner's
code does, the checker answers.  When a check does not pass, the end of what
the learner's code printed is shown under its report; a warning the learner's
code raises (NumPy's overflow, say) is a failed finding.

``run_check`` runs a check on names the caller already has (a class written
in a notebook): in this process, with the time limit only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import importlib
import inspect
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from .catalog import Exercise
from .checks.graphs import clear_pictures
from .findings import NOT_IMPLEMENTED, Finding, Report, collecting, failed, found_so_far
from .traces import learner_line, line_of_frame, warnings_finding

__all__ = [
    "CPU_MARGIN",
    "FILE_SIZE_LIMIT",
    "MEMORY_LIMIT",
    "PRINTED_SHOWN",
    "CheckContext",
    "OutOfTime",
    "check_file",
    "clock_limit",
    "learner_line",
    "prepare_check",
    "run_check",
    "stopped_report",
    "time_limit",
]

#: The memory a check may use on top of what Python and neuronlab take at start.
MEMORY_LIMIT = 1 << 30
#: The CPU time a check's child may use beyond the exercise's seconds before it is stopped.
CPU_MARGIN = 10
#: The largest file the learner's code (or its printing) may write during a check.
FILE_SIZE_LIMIT = 64 << 20
#: How much of the end of what the learner's code printed a failed report shows (bytes).
PRINTED_SHOWN = 2048


@dataclass(frozen=True)
class CheckContext:
    """What a check may use besides the learner's names: where to write pictures."""

    pictures: Path | None = None


def _check_function(e: Exercise) -> Any:
    module, name = e.check.split(":")
    return getattr(importlib.import_module(f"{__package__}.checks.{module}"), name)


def prepare_check(e: Exercise) -> None:
    """Import the exercise's check, and run its module's ``prepare()`` when it has one (an
    import of PyTorch, say, which takes seconds): before the time limit starts, so that the
    limit measures the learner's code and the check, not imports."""
    module = importlib.import_module(f"{__package__}.checks.{e.check.split(':')[0]}")
    prepare = getattr(module, "prepare", None)
    if callable(prepare):
        prepare()


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
    give_up: Callable[[Report], None] | None = None,
) -> Report:
    """The exercise's check on ``names`` (a module's namespace), in this process.

    Stopped at the exercise's time limit, the report keeps the findings made
    so far and names the learner's line the check was on.  A warning the
    learner's code raised is one more failed finding.  ``in_child``: this is
    the checking child process, where a KeyboardInterrupt can only come from
    the learner's code and is reported like any error (in a notebook it is
    the user stopping the cell, and goes up).  ``give_up``: what to do with the
    stopped report when the learner's code swallows the alarm again and again
    (a bare ``except:`` inside a loop); the child writes it and exits.
    """
    check = _check_function(e)
    prepare_check(e)
    caught = (Exception, SystemExit, KeyboardInterrupt) if in_child else (Exception, SystemExit)
    with warnings.catch_warnings(record=True) as raised, collecting() as so_far:
        warnings.simplefilter("default")  # each warning once per line: a loop stays bounded
        last_resort = (
            None
            if give_up is None
            else lambda stop: give_up(stopped_report(e, stop, found_so_far(so_far)))
        )
        try:
            with time_limit(e.seconds, file, last_resort):
                findings: list[Finding] = check(names, context)
        except OutOfTime as stop:
            return stopped_report(e, stop, found_so_far(so_far))
        except caught as error:  # the learner's code may raise anything
            return report_of_error(e, error, file)
    warned = warnings_finding(raised, file)
    return Report(e.number, findings + ([warned] if warned is not None else []))


def stopped_report(e: Exercise, stop: OutOfTime, so_far: list[Finding]) -> Report:
    """The report of a check stopped at its time limit: what it had found, then where the
    learner's code was."""
    inside = f" in {stop.function}," if stop.function and stop.function != "<module>" else ""
    where = f"your code was{inside} at {stop.line}"
    stopped = failed(
        _stopped_text(e),
        where if stop.line else "",
        likely="a while loop whose condition never turns false (is what it tests changed "
        "inside the loop?), a loop over a list that grows as it goes, or a recursion "
        "without a base case",
    )
    problem = stopped.message + (f"\n  {where}" if stop.line else "")
    return Report(e.number, [*so_far, stopped], "stopped", problem)


def _stopped_text(e: Exercise, of: str = "of computing") -> str:
    return (
        f"stopped after {e.seconds:g} s {of}: does a loop never end, or a "
        "recursion never reach its base case?"
    )


#: How long ``check_file`` waits by the clock, in multiples of the CPU time a child may
#: take (a busy machine gives a check less than a core), before it stops a child that waits.
WAIT_FACTOR = 3


def clock_limit(e: Exercise) -> float:
    """The seconds by the clock a check of ``e`` may take: its CPU limit (the alarm's seconds
    and the margin to the hard limit) at a third of a core, and 15 s to start and report."""
    return WAIT_FACTOR * (e.seconds + CPU_MARGIN) + 15


def _waited_text(e: Exercise) -> str:
    waited = clock_limit(e)
    return (
        f"stopped after {waited:g} s by the clock, though it had not computed for "
        f"{e.seconds:g} s: does your code wait for something (input(), time.sleep), or is "
        "the machine very busy? Check again when it is quieter"
    )


class OutOfTime(BaseException):
    """The time limit rang: a BaseException, so that no ``except Exception`` of a check (or
    of the learner's code) mistakes it for an error of one step and carries on.  It carries
    the learner's function and line the code was on (both "" when it was elsewhere)."""

    def __init__(self, function: str = "", line: str = "") -> None:
        super().__init__(function, line)
        self.function, self.line = function, line


#: How soon the alarm rings again when the learner's code swallowed it (a bare except:),
#: and how many times it rings before ``last_resort`` is called.
_RING_AGAIN, _RINGS = 0.5, 4


@contextlib.contextmanager
def time_limit(
    seconds: float,
    file: str | None = None,
    last_resort: Callable[[OutOfTime], None] | None = None,
) -> Iterator[None]:
    """An alarm after ``seconds`` of CPU time (Unix, main thread; elsewhere no limit):
    ``OutOfTime``, naming the line of the learner's ``file`` (or notebook code) it
    interrupted.  CPU time, not the clock: on a busy machine a check that waits for a core
    is not a loop that never ends (a child that sleeps is stopped by ``check_file``'s clock).
    Swallowed, it rings again every half second; the fourth time, ``last_resort`` (when
    given) is called with it instead, and is not expected to return."""
    usable = hasattr(signal, "SIGPROF") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    outermost = inspect.currentframe()
    rings = 0

    def ring(signum: int, frame: FrameType | None) -> None:
        nonlocal rings
        rings += 1
        signal.setitimer(signal.ITIMER_PROF, _RING_AGAIN)  # in case this one is swallowed
        stop = OutOfTime(*line_of_frame(frame, file, outermost))
        if rings >= _RINGS and last_resort is not None:
            last_resort(stop)
        raise stop

    previous = signal.signal(signal.SIGPROF, ring)
    signal.setitimer(signal.ITIMER_PROF, seconds)  # the process's CPU time, all threads
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


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
                    timeout=clock_limit(e),  # the CPU limits come first
                    cwd=path.parent,
                )
            except subprocess.TimeoutExpired:
                report = Report(e.number, [], "stopped", _waited_text(e))
            else:
                read = _read_report(report_file)
                if read is None:  # what it printed last is told as its problem
                    return _without_report(e, done, output)
                report = read
            if not report.passed:
                report.printed = _tail(output, PRINTED_SHOWN)
            return report


def _without_report(e: Exercise, done: subprocess.CompletedProcess[Any], output: Any) -> Report:
    """Why the child wrote no report: stopped at its CPU limit, or its end in its last words."""
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


def _tail(output: Any, most: int = 8192) -> str:
    """The last ``most`` bytes of what the child printed ("..." first when there was more)."""
    output.seek(0, os.SEEK_END)
    size = output.tell()
    output.seek(max(0, size - most))
    text = str(output.read().decode("utf-8", "replace"))
    return ("...\n" + text.partition("\n")[2] if size > most else text).rstrip()


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
