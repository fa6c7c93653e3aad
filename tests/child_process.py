"""Run a hostile case in a child process whose memory is capped, so a regression fails the
test instead of exhausting the machine (the memory bound is enforced, not trusted)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

_PRELUDE = """
import resource
{setup}

def address_space():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024

limit = address_space() + {extra}
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
"""


def limited_process(
    body: str, extra: int = 1 << 30, setup: str = "", cwd: str | os.PathLike[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``body`` in a child allowed ``extra`` bytes of address space above what it uses
    after ``setup`` (its imports); the finished process, its output captured."""
    prelude = _PRELUDE.format(setup=textwrap.dedent(setup), extra=extra)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}  # one thread: no per-thread arenas
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(body)],
        capture_output=True,
        text=True,
        timeout=300,  # a safety net only
        env=env,
        cwd=cwd,
    )


def run_limited(body: str, extra: int = 1 << 30, setup: str = "") -> str:
    """``limited_process`` for a child that must end cleanly: its output."""
    proc = limited_process(body, extra, setup)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip()
