"""``make test`` requires every test tool: a missing PyTorch stops the run, a skip fails.

The subprocess runs below hide PyTorch behind a package of the same name that
raises ModuleNotFoundError, as on a machine where it was never installed.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ORACLE_TEST = f"{Path(__file__).name}::test_pytorch_answers_as_the_oracle"


def test_pytorch_answers_as_the_oracle() -> None:
    """The test the runs below select: it needs PyTorch, as every gradient test does."""
    torch = pytest.importorskip("torch")
    assert torch.tensor(2.0, dtype=torch.float64).exp().item() == math.exp(2.0)


def pytest_without_torch(tmp_path: Path, required: bool) -> subprocess.CompletedProcess[str]:
    """This file's oracle test run by a fresh pytest in which ``import torch`` fails."""
    hidden = tmp_path / "hidden" / "torch"
    hidden.mkdir(parents=True)
    missing = 'raise ModuleNotFoundError("hidden by the test", name="torch")\n'
    (hidden / "__init__.py").write_text(missing)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NEURONLAB_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(hidden.parent), env.get("PYTHONPATH", "")])
    env["NEURONLAB_REQUIRE_TOOLS"] = "1" if required else "0"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    return subprocess.run(
        [*command, "-rs", ORACLE_TEST],
        cwd=TESTS,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_test_stops_at_once_when_pytorch_is_missing(tmp_path: Path) -> None:
    run = pytest_without_torch(tmp_path, required=True)
    assert run.returncode == 4, run.stdout + run.stderr
    said = run.stdout + run.stderr
    assert "NEURONLAB_REQUIRE_TOOLS=1 (make test) needs every test tool" in said
    assert "PyTorch, the oracle every gradient is compared with: cannot import torch" in said
    assert "passed" not in said
    assert "skipped" not in said


def test_by_hand_a_missing_pytorch_skips_and_says_why(tmp_path: Path) -> None:
    run = pytest_without_torch(tmp_path, required=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert "could not import 'torch'" in run.stdout


def test_in_make_test_a_skip_is_a_failure(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    conftest = request.config.pluginmanager.get_plugin(str(TESTS / "conftest.py"))
    assert conftest is not None

    def skipped() -> pytest.TestReport:
        return pytest.TestReport(
            "t.py::t", ("t.py", 1, "t"), {}, "skipped", ("t.py", 1, "Skipped: no dot"), "call"
        )

    monkeypatch.setenv("NEURONLAB_REQUIRE_TOOLS", "0")
    report = skipped()
    conftest.skip_as_failure(report)
    assert report.skipped
    monkeypatch.setenv("NEURONLAB_REQUIRE_TOOLS", "1")
    conftest.skip_as_failure(report)
    assert report.failed
    assert report.longrepr == (
        "skipped, but NEURONLAB_REQUIRE_TOOLS=1 (make test) runs every test: Skipped: no dot"
    )


def test_nothing_make_test_needs_is_missing_here(request: pytest.FixtureRequest) -> None:
    """On this project's machine every tool is installed, so no test of the suite skips."""
    conftest = request.config.pluginmanager.get_plugin(str(TESTS / "conftest.py"))
    assert conftest is not None
    assert conftest.missing_tools() == []
