"""The run report's index.html in headless Chromium: every picture loads, the metrics show,
and the page asks the network for nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib", reason="the report's pictures need matplotlib")

from neuronlab import MLP, Adam, datasets, fit, mlp
from neuronlab.data import dataset_info
from neuronlab.report import write_run_report


def _classification_report(folder: Path) -> tuple[Path, dict[str, Any]]:
    X, y = datasets.moons(40, noise=0.1, seed=1)
    model = MLP(2, [4, 1], seed=1)
    history = fit(model, X, y, loss="hinge", lr=0.3, epochs=6, verbose=False)
    config = {"command": "demo", "dataset": "moons", "loss": "hinge", "epochs": 6}
    out = write_run_report(
        folder,
        config=config,
        history=history,
        model=model,
        X=X,
        y=y,
        name="moons",
        resolution=12,
    )
    return out, history.final() | {"epochs": history.epochs}


def _regression_report(folder: Path) -> tuple[Path, dict[str, Any]]:
    X, y = datasets.houses(30, seed=2)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (y - y.mean()) / y.std()
    model = MLP(2, [1], seed=2)
    history = fit(model, X, y, loss="mse", lr=0.1, epochs=5, verbose=False)
    out = write_run_report(
        folder,
        config={"dataset": "houses", "loss": "mse", "target_standardised": False},
        history=history,
        model=model,
        X=X,
        y=y,
        name="houses",
        metrics={"my figure": 12.5},
    )
    return out, history.final() | {"epochs": history.epochs, "my figure": 12.5}


def _digits_report(folder: Path) -> tuple[Path, dict[str, Any]]:
    X_train, X_test, y_train, y_test = datasets.digits()
    model = mlp([64, 16, 10], seed=0)
    history = fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer=Adam(model.parameters(), lr=0.01),
        epochs=3,
        batch_size=32,
        validation=(X_test, y_test),
        verbose=False,
    )
    out = write_run_report(
        folder,
        config={"dataset": "digits", "loss": "cross_entropy"},
        history=history,
        model=model,
        X=X_train,
        y=y_train,
        test=(X_test, y_test),
        name="digits",
        info=dataset_info("digits"),
    )
    return out, history.final() | {"epochs": history.epochs}


@pytest.mark.parametrize("make", [_classification_report, _regression_report, _digits_report])
def test_report_page_in_chromium(chromium: Any, tmp_path: Path, make: Any) -> None:
    folder, final = make(tmp_path / "run")
    page_file = folder / "index.html"
    context = chromium.new_context(java_script_enabled=True)
    page = context.new_page()
    outside: list[str] = []

    def block_outside(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", block_outside)
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None,
    )
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        images = page.eval_on_selector_all(
            "img",
            "imgs => imgs.map(i => ({alt: i.alt, complete: i.complete, w: i.naturalWidth,"
            " h: i.naturalHeight, src: i.getAttribute('src').slice(0, 30)}))",
        )
        text = page.inner_text("body")
        metric_ids = page.eval_on_selector_all(".metric", "els => els.map(e => e.id)")
        figures = page.eval_on_selector_all(
            "figure",
            "els => els.map(e => ({id: e.id, w: e.getBoundingClientRect().width,"
            " img: e.querySelector('img').getBoundingClientRect().width,"
            " scrolls: e.querySelector('.scroll') !== null}))",
        )
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    finally:
        context.close()

    assert outside == [], f"the page asked the network for {outside}"
    assert len(images) == len(figures) >= 2  # one picture per figure
    for img in images:
        assert img["src"].startswith("data:image/"), img
        assert img["complete"], f"image did not load: {img}"
        assert img["w"] > 0, f"image did not load: {img}"
        assert img["h"] > 0, f"image did not load: {img}"

    assert not wide, "the page scrolls sideways"
    for fig in figures:  # every picture is shown, and fits its figure (or scrolls in its box)
        assert fig["img"] > 0, fig
        assert fig["scrolls"] or fig["img"] <= fig["w"] + 1, fig

    # The final figures are on the page, as the page formats them.
    assert f"{final['loss']:.4g}" in text
    assert "metric-loss" in metric_ids
    assert "metric-epochs" in metric_ids
    if final.get("accuracy") is not None:
        assert f"{final['accuracy']:.1%}" in text
    if "my figure" in final:
        assert "my figure" in text
        assert "12.5" in text
        assert "RMSE" in text
        assert "in the target's units, squared" in text
    names = {p.name for p in folder.iterdir()}
    shown = {f["id"] for f in figures}
    assert {f"fig-{n.rpartition('.')[0]}" for n in names if n.endswith((".png", ".svg"))} == shown
    if make is _digits_report:
        assert {"fig-loss", "fig-confusion_matrix", "fig-misclassified"} <= shown
        assert "Dashed: the test figures" in text  # the test curve, and how to read it
        assert f"{final['val_accuracy']:.1%}" in text
        assert "metric-test_accuracy" in metric_ids
