"""The ``neuronlab`` command: demo, train, predict, perceptron, graph, tour, lab, workbook,
makemore, sample.

``main(argv)`` parses the command line, runs one command and returns the exit
status.  Every mistake -- a bad option, a bad file, a run too big to start --
is one line on stderr and exit status 2, never a traceback; a run that
diverges is one line and status 1.  Warnings print as ``neuronlab: warning:
...`` lines; NumPy's overflow notes are not shown (what they lead to is).
Output piped into a reader that stops early (``| head``) ends quietly.

The modules: ``parser`` (the options), ``defaults`` (the table of defaults per
dataset), ``limits`` (sizes and time), one module per command (``demo``,
``train`` with ``train_data`` and ``train_model``, ``predict``,
``perceptron``, ``lessons``, ``lab``, ``workbook``, ``makemore``, ``sample``), and ``output``,
``paths``, ``reporting``,
``scaling`` that they share.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from collections.abc import Callable, Sequence

from ..training import TrainingDiverged
from .demo import run_demo
from .errors import EXIT_DIVERGED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError
from .lab import run_lab
from .lessons import run_graph, run_tour
from .makemore import run_makemore
from .output import flush_stdout, print_warning, silence_stdout
from .parser import COMMANDS, build_parser
from .perceptron import run_perceptron
from .predict import run_predict
from .sample import run_sample
from .train import run_train
from .workbook import run_workbook

__all__ = ["UsageError", "build_parser", "main"]


def _demo(args: argparse.Namespace) -> None:
    run_demo(seed=args.seed, quiet=args.quiet, out=args.out, report=not args.no_report)


_RUN: dict[str, Callable[[argparse.Namespace], object]] = {
    "demo": _demo,
    "train": run_train,
    "predict": run_predict,
    "perceptron": run_perceptron,
    "graph": run_graph,
    "tour": run_tour,
    "lab": run_lab,
    "workbook": run_workbook,
    "makemore": run_makemore,
    "sample": run_sample,
}
assert tuple(_RUN) == COMMANDS


def _error_text(e: BaseException) -> str:
    """An exception as one line: a file error names the file and says what happened."""
    if isinstance(e, OSError) and e.strerror and e.filename is not None:
        return f"{e.filename}: {e.strerror}"
    if isinstance(e, MemoryError):
        return "not enough memory for this run; ask for a smaller one"
    return " ".join(str(e).split()) or type(e).__name__


def _fail(message: str, status: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr, flush=True)
    return status


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError(
                f"neuronlab: expected a command ({', '.join(COMMANDS)}); see neuronlab --help"
            )
        _RUN[args.command](args)
    except SystemExit as e:  # --help and --version print, then exit
        return e.code if isinstance(e.code, int) else EXIT_OK
    except UsageError as e:
        return _fail(str(e), EXIT_USAGE)
    except TrainingDiverged as e:
        return _fail(f"neuronlab: {e}", EXIT_DIVERGED)
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        silence_stdout()
    except KeyboardInterrupt:
        return _fail("neuronlab: interrupted", EXIT_INTERRUPTED)
    except (ValueError, TypeError, ArithmeticError, ImportError, RuntimeError, OSError) as e:
        return _fail(f"neuronlab: error: {_error_text(e)}", EXIT_USAGE)
    except MemoryError as e:
        return _fail(f"neuronlab: error: {_error_text(e)}", EXIT_USAGE)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (``argv``, default ``sys.argv[1:]``) and return the exit status."""
    with warnings.catch_warnings():
        warnings.showwarning = print_warning
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow notes; see the module
        status = _run(argv)
    flush_stdout()
    return status
