"""Run reports: one folder per training run, with a page that shows and explains it all.

``write_run_report(out_dir, config=..., history=..., model=..., X=..., y=...)``
writes, as far as they apply to the run::

    neuronlab-run.json       marks the folder as a run folder; lists the run's files
    config.json              the run's settings
    metrics.json             the final figures (loss, accuracy, RMSE, epochs, ...)
    history.csv              one row per epoch (History.to_csv)
    loss.png                 learning curves: training, and test when fit had validation=
    decision_boundary.png    2-D classification: the regions of each class
    regression.png           regression: target against a feature, predicted against actual
    confusion_matrix.png     classification: which classes are taken for which
    misclassified.png        image data: the test images the model got wrong
    first_layer_weights.png  image data: each first-layer neuron's weights as an image
    neuron_graph.svg         scalar networks: one neuron on one example, with its gradients
    index.html               a single page showing all of the above, needing nothing else

Every file is written atomically (a temporary file in the same folder, then a
rename), so an interrupted run never leaves half a file.  ``check_run_folder``
says whether a folder may take a run (see ``report.folder`` for the rules).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..data.info import DatasetInfo
from ..nn import Module
from ..training import History
from ..util.files import write_atomic
from . import page
from .facts import about_loss, final_answers, measured_metrics, normalised_key, result_cards
from .figures import draw_pictures
from .folder import (
    MARKER,
    REPORT_FILES,
    check_run_folder,
    default_run_dir,
    finish_run_folder,
    open_run_folder,
)
from .inputs import RunInputs, check_inputs
from .jsontext import json_text, jsonable
from .neuron import first_neuron_graph
from .parts import Picture

__all__ = [
    "REPORT_FILES",
    "check_run_folder",
    "default_run_dir",
    "first_neuron_graph",
    "write_run_report",
]


def _given_metrics(metrics: Mapping[str, Any] | None, measured: Mapping[str, Any]) -> dict:
    """The caller's metrics: none that is None, none the report measured itself (rightly)."""
    if metrics is None:
        return {}
    if not isinstance(metrics, Mapping):
        raise TypeError(f"write_run_report(metrics): expected a dict, got {type(metrics).__name__}")
    measured_here = set(measured)
    return {
        str(k): v
        for k, v in metrics.items()
        if v is not None and normalised_key(str(k)) not in measured_here
    }


def _subtitle(run: RunInputs) -> str:
    parts = []
    if run.info is not None:
        parts.append(f"dataset {run.info.name}")
    elif isinstance(run.config.get("dataset"), str):
        parts.append(f"dataset {run.config['dataset']}")
    parts.append(run.task)
    if run.X is not None:
        parts.append(f"{len(run.X)} training examples")
    if run.test is not None:
        parts.append(f"{len(run.test[0])} test examples")
    return " · ".join(parts) + " · "


def _write_data_files(
    folder: Path, config_json: str, history: History, figures: Mapping[str, Any]
) -> None:
    """config.json, metrics.json (the last epoch's figures, then ``figures``) and history.csv."""
    final = {"epochs": history.epochs, **history.final(), **figures}
    write_atomic(folder / "config.json", config_json)
    write_atomic(
        folder / "metrics.json", json_text({k: v for k, v in final.items() if v is not None})
    )
    history.to_csv(folder / "history.csv")


def _content(
    run: RunInputs,
    measured: Mapping[str, Any],
    given: Mapping[str, Any],
    drawn: tuple[list[Picture], list[str], list[str]],
) -> page.PageContent:
    """What the page shows; ``drawn`` is (pictures, notes about those not drawn, files)."""
    pictures, notes, files = drawn
    return page.PageContent(
        name=run.name,
        subtitle=_subtitle(run),
        written=_dt.datetime.now().isoformat(sep=" ", timespec="seconds"),
        cards=result_cards(run, measured, given),
        about=about_loss(run, measured),
        pictures=pictures,
        notes=notes,
        config=dict(jsonable(run.config)),
        history=run.history,
        files=files,
    )


def write_run_report(
    out_dir: str | os.PathLike[str] | None,
    *,
    config: Mapping[str, Any],
    history: History,
    model: Module | None = None,
    X: Any = None,
    y: Any = None,
    name: str = "run",
    metrics: Mapping[str, Any] | None = None,
    threshold: float | None = None,
    resolution: int = 60,
    test: tuple[Any, Any] | None = None,
    info: DatasetInfo | None = None,
) -> Path:
    """Write the report of one training run into a run folder and return that folder.

    ``out_dir=None`` makes a fresh ``runs/<name>-<YYYYmmdd-HHMMSS>/``; a new
    or empty folder, or an earlier run's folder (whose run files are replaced),
    is used; anything else is refused by ``check_run_folder`` before a file is
    written.  ``config`` is saved as JSON and shown (settings that are None
    are not shown); ``history`` gives the CSV and the learning curves.
    With ``model`` and ``X``, ``y`` (the training data, as the model reads it)
    and optionally ``test=(X_test, y_test)``, the report measures the final
    model — RMSE in the target's units for regression, test accuracy — and
    draws the pictures that fit (see the module's list); ``threshold`` and
    ``resolution`` are as in ``plot_decision_boundary`` (the threshold
    follows ``config["loss"]`` when not given).  ``info`` (``dataset_info(name)``)
    names axes, classes and units, and says which rows are images.
    ``metrics`` adds figures of your own; one named like a figure the report
    measures (``rmse``, ``test accuracy``) gives way to the measured one.
    The page says what the loss is: for a regression, set
    ``config["target_standardised"]`` (and ``target_mean``, ``target_std``) to
    say whether the loss was computed on standardised targets.
    """
    run = check_inputs(
        config,
        history,
        model,
        X,
        y,
        name=name,
        threshold=threshold,
        resolution=resolution,
        test=test,
        info=info,
    )
    check_run_folder(out_dir)  # refuse a user's own folder before any work
    config_json = json_text(config)  # fails here, before any file is written, if it cannot
    answers = final_answers(run)
    measured = measured_metrics(run, answers)
    given = _given_metrics(metrics, measured)
    folder = open_run_folder(out_dir, name)
    _write_data_files(folder, config_json, history, {**measured, **given})
    pictures, notes = draw_pictures(folder, run, answers)
    files = [MARKER, "config.json", "metrics.json", "history.csv"]
    files += [p.file_name for p in pictures] + ["index.html"]
    content = _content(run, measured, given, (pictures, notes, files))
    write_atomic(folder / "index.html", page.render(content))
    finish_run_folder(folder, name, files)
    return folder
