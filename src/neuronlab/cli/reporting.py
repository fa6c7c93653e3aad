"""The run report of ``demo`` and ``train``: its folder checked before training, then written.

``report.write_run_report`` writes the folder; this module decides what goes
in: the settings that apply to the run (no ``target: None``), the model, the
data as the model reads it, the test set and what the dataset's numbers mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..data.info import DatasetInfo
from ..nn.module import Module
from ..training import History
from .errors import UsageError
from .output import say
from .paths import check_writable_folder

__all__ = ["REPORT_RESOLUTION", "check_report_folder", "write_language_report", "write_report"]

#: The decision-boundary grid of a report: this many points a side.
REPORT_RESOLUTION = 60


def check_report_folder(out: str | None) -> None:
    """Refuse ``--out`` before any work when the report could not be written there."""
    from ..report import check_run_folder  # the report package loads matplotlib lazily

    try:
        check_run_folder(out)
    except ValueError as e:
        raise UsageError(f"neuronlab: --out: {e}") from None
    check_writable_folder("runs" if out is None else out, "--out")


def write_report(
    out: str | None,
    *,
    config: Mapping[str, Any],
    history: History,
    model: Module,
    data: tuple[np.ndarray, np.ndarray],
    name: str,
    test: tuple[np.ndarray, np.ndarray] | None = None,
    info: DatasetInfo | None = None,
    metrics: Mapping[str, float] | None = None,
) -> None:
    """Write the run report and print where it went."""
    from ..report import write_run_report

    X, y = data
    folder = write_run_report(
        out,
        config=config,
        history=history,
        model=model,
        X=X,
        y=y,
        name=name,
        resolution=REPORT_RESOLUTION,
        test=test,
        info=info,
        metrics=metrics,
    )
    say(f"report: {folder / 'index.html'}")


def write_language_report(out: str | None, run: Any) -> None:
    """Write the report of a ``makemore`` run and print where it went."""
    from ..report.language import write_language_report as write

    folder = write(
        out,
        config=run.config,
        model=run.model,
        counts=run.counts,
        history=run.history,
        splits=run.splits,
        losses=run.losses,
        samples=run.samples,
        lecture=run.lecture,
    )
    say(f"report: {folder / 'index.html'}")
