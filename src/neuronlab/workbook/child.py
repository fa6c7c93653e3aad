"""The child process of a check: limits, the learner's file, the check, the report as JSON.

``python -m neuronlab.workbook.child NUMBER SECONDS FILE REPORT [PICTURES]``
caps its own memory, CPU time and file sizes, loads FILE (a syntax error is
reported with its line), runs exercise NUMBER's check on what it defines, and
writes the ``Report`` as JSON to REPORT for ``sandbox.check_file``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import os
import resource
import signal
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .catalog import Exercise, exercise
from .findings import Report
from .sandbox import (
    CPU_MARGIN,
    FILE_SIZE_LIMIT,
    MEMORY_LIMIT,
    CheckContext,
    OutOfTime,
    prepare_check,
    report_of_error,
    run_check,
    stopped_report,
    time_limit,
)

__all__ = ["load_learner_file", "main"]


def _address_space() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_resources(seconds: float) -> None:
    """Memory: what is used now plus MEMORY_LIMIT; CPU: the exercise's seconds and a margin;
    files: FILE_SIZE_LIMIT each (a write past it fails instead of killing the process)."""
    used = _address_space()
    if used:
        cap = used + MEMORY_LIMIT
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = int(seconds) + CPU_MARGIN
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def _encoding_of(raw: bytes) -> str:
    """The encoding Python reads a file in: what a BOM or a coding line says, else UTF-8."""
    try:
        return tokenize.detect_encoding(io.BytesIO(raw).readline)[0]
    except SyntaxError:  # its first lines are not UTF-8: decoding says where
        return "utf-8"


def load_learner_file(
    e: Exercise, path: Path, give_up: Callable[[Report], None] | None = None
) -> tuple[dict[str, Any] | None, Report | None]:
    """The names the learner's file defines, or the report of why it could not be loaded
    (``give_up``: as ``run_check`` takes it)."""
    try:
        raw = path.read_bytes()
        source = raw.decode(_encoding_of(raw))
        code = compile(source.removeprefix("\ufeff"), str(path), "exec")
    except SyntaxError as error:
        where = f"line {error.lineno}" + (f", column {error.offset}" if error.offset else "")
        text = (error.text or "").rstrip()
        problem = f"{path.name}, {where}: {error.msg}" + (f"\n    {text}" if text else "")
        return None, Report(e.number, [], "syntax error", problem)
    except UnicodeDecodeError as error:
        problem = (
            f"{path.name} is not {error.encoding.upper()} text (byte "
            f"{error.object[error.start]:#04x} at position {error.start}): save it as UTF-8"
        )
        return None, Report(e.number, [], "crashed", problem)
    except OSError as error:
        return None, Report(e.number, [], "crashed", f"cannot read {path}: {error}")
    spec = importlib.util.spec_from_loader(f"workbook_{e.number}", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(path)
    sys.modules[spec.name] = module  # dataclasses and pickling look modules up by name
    try:
        last_resort = None if give_up is None else lambda stop: give_up(stopped_report(e, stop, []))
        with time_limit(e.seconds, str(path), last_resort):  # a loop at the top of the file
            exec(code, module.__dict__)
    except OutOfTime as stop:
        return None, stopped_report(e, stop, [])
    except (Exception, SystemExit, KeyboardInterrupt) as error:  # whatever the file does
        return None, report_of_error(e, error, str(path))
    return module.__dict__, None


def main(argv: list[str]) -> int:
    """Check one exercise file and write its report as JSON."""
    e = dataclasses.replace(exercise(argv[0]), seconds=float(argv[1]))
    path = Path(argv[2]).resolve()
    report_file = Path(argv[3])
    pictures = Path(argv[4]) if len(argv) > 4 else None
    _limit_resources(e.seconds)
    sys.setrecursionlimit(10_000)  # a recursive walk of a deep graph fails fast, not in C
    prepare_check(e)  # imports that take seconds, before the time limit starts

    def give_up(stopped: Report) -> None:
        """The learner's code swallows every alarm: write what was found, and end here."""
        report_file.write_text(json.dumps(stopped.as_dict()), encoding="utf-8")
        sys.stdout.flush()
        os._exit(0)

    names, report = load_learner_file(e, path, give_up)
    if report is None:
        assert names is not None
        context = CheckContext(pictures)
        report = run_check(e, names, context, file=str(path), in_child=True, give_up=give_up)
    report_file.write_text(json.dumps(report.as_dict()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
