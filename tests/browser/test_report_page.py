"""The run report's index.html in headless Chromium: every picture loads, the metrics show,
and the page asks the network for nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib", reason="the report's pictures need matplotlib")

from neuronlab import MLP, datasets, fit  # noqa: E402
from neuronlab.report import write_run_report  # noqa: E402


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
        config={"dataset": "houses", "loss": "mse"},
        history=history,
        model=model,
        X=X,
        y=y,
        name="houses",
        metrics={"rmse (k€)": 12.5},
    )
    return out, history.final() | {"epochs": history.epochs, "rmse (k€)": 12.5}


@pytest.mark.parametrize("make", [_classification_report, _regression_report])
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
    finally:
        context.close()

    assert outside == [], f"the page asked the network for {outside}"
    expected = {"loss.png", "neuron_graph.svg"} & {p.name for p in folder.iterdir()}
    assert len(images) >= len(expected) >= 1
    for img in images:
        assert img["src"].startswith("data:image/"), img
        assert img["complete"] and img["w"] > 0 and img["h"] > 0, f"image did not load: {img}"

    # The final metrics are on the page, as the page formats them.
    assert f"{final['loss']:.6g}" in text
    assert str(final["epochs"]) in text
    assert "metric-loss" in metric_ids and "metric-epochs" in metric_ids
    if final.get("accuracy") is not None:
        assert f"{final['accuracy']:.1%}" in text
    if "rmse (k€)" in final:
        assert "rmse (k€)" in text and "12.5" in text
