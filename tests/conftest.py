"""Shared test setup: PyTorch on one thread, Hypothesis profiles, and every tool required in
``make test``.

PyTorch's default dtype is left alone (the tensor engine's tests use float32):
tests that compare in float64 ask for it explicitly.

Choose a Hypothesis profile with ``HYPOTHESIS_PROFILE``: ``dev`` (the default)
or ``ci`` (derandomized, so a run is repeatable).

``make test`` sets ``NEURONLAB_REQUIRE_TOOLS=1``: then a missing test tool
(PyTorch, the oracle of every gradient test, or any other in ``REQUIRED_MODULES``
and ``REQUIRED_PROGRAMS``) stops the run before it starts, naming what is
missing, and a test that skips anyway is a failure; a suite that passes has run
every test.  Without it (``pytest`` run by hand) such tests skip and say why.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import chromium_path
from hypothesis import settings

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

try:
    import torch
except ImportError:  # a test-only dependency: tests that need it skip, unless required
    pass
else:
    torch.set_num_threads(1)

#: The environment variable ``make test`` sets: every test tool present, no test skipped.
REQUIRE_TOOLS = "NEURONLAB_REQUIRE_TOOLS"

#: The Python packages of the ``test`` extra that tests skip without, and what they are for.
REQUIRED_MODULES = {
    "torch": "PyTorch, the oracle every gradient is compared with",
    "hypothesis": "Hypothesis, the random inputs of the property tests",
    "matplotlib": "matplotlib, the plots and reports",
    "sklearn": "scikit-learn, the digits and the metrics' second opinion",
    "starlette": "Starlette, the lab's server",
    "uvicorn": "uvicorn, the lab's server in the browser tests",
    "httpx": "httpx, Starlette's test client",
    "nbformat": "nbformat, the notebooks",
    "nbclient": "nbclient, running the notebooks",
    "ipykernel": "ipykernel, the notebooks' kernel",
    "playwright.sync_api": "Playwright, the browser tests",
}

#: The system programs tests skip without (``make system-deps`` installs them).
REQUIRED_PROGRAMS = {
    "dot": "Graphviz's dot (apt-get install graphviz)",
    "chromium": "Chromium for the browser tests (apt-get install chromium)",
}


def missing_tools() -> list[str]:
    """What ``make test`` needs and this environment lacks, one line each."""
    missing = []
    for module, what in REQUIRED_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError as error:
            missing.append(f"{what}: cannot import {module} ({error})")
    found = {"dot": shutil.which("dot"), "chromium": chromium_path()}
    missing += [what for program, what in REQUIRED_PROGRAMS.items() if found[program] is None]
    return missing


def tools_required() -> bool:
    """Whether this run is ``make test``'s: every tool present, no test skipped."""
    return os.environ.get(REQUIRE_TOOLS, "") not in ("", "0")


def pytest_sessionstart(session: pytest.Session) -> None:
    """In ``make test``, stop before the first test when a required tool is missing."""
    if not tools_required() or hasattr(session.config, "workerinput"):  # xdist: checked once
        return
    missing = missing_tools()
    if missing:
        lines = "\n".join(f"  - {line}" for line in missing)
        pytest.exit(
            f"{REQUIRE_TOOLS}=1 (make test) needs every test tool, and these are missing:\n"
            f"{lines}\nInstall them (make test installs the Python ones; make system-deps the "
            "programs), or run pytest without it to skip the tests that need them.",
            returncode=4,
        )


def skip_as_failure(report: Any) -> None:
    """In ``make test`` (``tools_required``), turn a skipped report into a failed one."""
    if tools_required() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, but {REQUIRE_TOOLS}=1 (make test) runs every test: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In ``make test`` a skipped test is a failed one (with the skip's reason)."""
    outcome: Any = yield
    skip_as_failure(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """In ``make test`` a skipped module (``importorskip`` at its top) is a failure too."""
    outcome: Any = yield
    skip_as_failure(outcome.get_result())


@pytest.fixture
def warm_checks(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``sandbox.check_file``'s children forked from a server that imported them once
    (tests/warm_child.py says how it keeps each check what ``python -m`` makes it)."""
    from warm_child import use_warm_children

    return use_warm_children(monkeypatch)
