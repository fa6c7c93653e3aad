"""The workbook's checking child started warm, for the tests that run hundreds of checks.

``sandbox.check_file`` starts ``python -m neuronlab.workbook.child`` for each
check, and that child spends most of its time importing (neuronlab, and PyTorch
for exercises 05-07 and 12: about 2 s of CPU) before a check of a few
milliseconds.  The tables of usual mistakes run that 200-odd times.  Here the
same child runs from a fork server that has imported those modules once: each
check is still its own fresh process, forked from the server, that calls
``child.main`` with the same arguments, working folder, environment, standard
input (none) and output file, and sets the same limits on itself (memory, CPU
time, file sizes), so the report is the one ``python -m`` gives; the time limit
of its clock is kept too.  ``tests/test_workbook.py`` runs the real child (but for
the tests marked ``usefixtures("warm_checks")``, which are about what a check
says, not about the process), and ``test_a_warm_child_reports_as_the_real_one``
there compares the two.

``use_warm_children(monkeypatch)`` points ``sandbox.check_file`` at it for one
test (``warm_checks`` in conftest.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pkgutil
import subprocess
import sys
from multiprocessing import forkserver
from typing import Any

import pytest

import neuronlab.workbook.checks
from neuronlab.workbook import sandbox

CHILD_MODULE = "neuronlab.workbook.child"

#: What the server imports once: the child, every check and PyTorch (its slowest import).
PRELOAD = [
    CHILD_MODULE,
    "torch",
    *(
        f"neuronlab.workbook.checks.{m.name}"
        for m in pkgutil.iter_modules(neuronlab.workbook.checks.__path__)
    ),
]


def run_child_main(argv: list[str], env: dict[str, str], cwd: str, output: str) -> None:
    """In the forked process: become what ``python -m neuronlab.workbook.child`` would be
    (environment, folder, sys.path[0], output), then run its ``main``.

    First the objects inherited from the server are frozen out of the cycle collector's
    reach: its first full pass would otherwise write to every one of them, copying the
    server's whole heap page by page, and bill that time to whatever the learner's code was
    doing then (exercise 06's check compares the time of building a chain with the time of
    its backward(): those pauses made a quadratic backward() look linear).
    """
    gc.freeze()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.path.insert(0, cwd)  # python -m puts the working folder first
    sys.argv = [CHILD_MODULE, *argv]
    sys.dont_write_bytecode = True
    fd = os.open(output, os.O_WRONLY)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    from neuronlab.workbook import child

    code = child.main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class WarmSubprocess:
    """Stands in for the ``subprocess`` module inside ``sandbox``: the checking child is
    forked from the warm server; any other command runs as usual."""

    DEVNULL = subprocess.DEVNULL
    TimeoutExpired = subprocess.TimeoutExpired
    CompletedProcess = subprocess.CompletedProcess

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.started = 0  # how many checks ran warm (the tests check it is not zero)

    def run(self, command: list[str], **options: Any) -> subprocess.CompletedProcess[Any]:
        """``subprocess.run`` for ``check_file``'s command, its output in its output file."""
        if command[1:3] != ["-m", CHILD_MODULE]:
            return subprocess.run(command, **options)
        assert options["stdin"] is subprocess.DEVNULL
        assert options["stdout"] is options["stderr"]
        argv = command[3:]
        args = (argv, dict(options["env"]), str(options["cwd"]), options["stdout"].name)
        process = self.context.Process(target=run_child_main, args=args)
        process.start()
        self.started += 1
        process.join(options["timeout"])
        if process.exitcode is None:  # as subprocess.run does at its timeout: kill, then say
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(command, options["timeout"])
        return subprocess.CompletedProcess(command, process.exitcode)


_WARM: WarmSubprocess | None = None


def warm_subprocess() -> WarmSubprocess:
    """The one warm server of this test process, started (with its imports) on first use."""
    global _WARM
    if _WARM is None:
        _WARM = WarmSubprocess()
        _WARM.context.set_forkserver_preload(PRELOAD)
        # the server's environment is the children's until they set theirs: one BLAS thread
        # from the start, as check_file's env gives the real child
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("OPENBLAS_NUM_THREADS", "1")
            forkserver.ensure_running()
    return _WARM


def use_warm_children(monkeypatch: pytest.MonkeyPatch) -> WarmSubprocess:
    """Make ``sandbox.check_file`` fork its children from the warm server (for one test)."""
    warm = warm_subprocess()
    monkeypatch.setattr(sandbox, "subprocess", warm)
    return warm
