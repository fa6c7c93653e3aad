"""What the benchmark scripts share: each contender runs in a process of its own.

``run_worker(script, args, threads)`` starts ``python script args...`` with the BLAS,
OpenMP and PyTorch thread counts set to ``threads`` (None: as they are), and returns the
JSON object the worker printed last; a worker that fails stops the benchmark with its error.
``spread(values)`` writes the figure of several runs as every benchmark prints it: the
median, then the lowest and highest run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from typing import Any

__all__ = ["run_worker", "spread"]


def spread(values: list[float], digits: int = 2) -> str:
    """The median of several runs and their range: ``"15.3 (14.8-16.0)"``."""
    return (
        f"{statistics.median(values):.{digits}f} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def run_worker(script: str, args: list[str], threads: int | None = None, **env: str) -> Any:
    """Run one worker process of ``script`` and return what it printed as JSON."""
    environment = dict(os.environ, **env)
    if threads is not None:
        for name in ("BENCH_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            environment[name] = str(threads)
    out = subprocess.run(
        [sys.executable, script, *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark worker {args} failed:\n{out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])
