"""Run reports: the folder's files, JSON and CSV round trips, a self-contained escaped page."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="reports draw with matplotlib")

from neuronlab import MLP, Neuron, datasets, fit  # noqa: E402
from neuronlab.report import default_run_dir, first_neuron_graph, write_run_report  # noqa: E402
from neuronlab.training import History  # noqa: E402

CONFIG = {
    "command": "demo",
    "dataset": "moons",
    "layers": [4],
    "loss": "hinge",
    "lr": 0.3,
    "epochs": 5,
    "seed": 0,
    "noise": np.float64(0.1),
}


class _Links(HTMLParser):
    """Every src/href attribute of a page, and the tags it uses."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data") and value:
                self.urls.append((tag, name, value))


@pytest.fixture(scope="module")
def trained() -> tuple[MLP, np.ndarray, np.ndarray, History]:
    X, y = datasets.moons(30, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, loss="hinge", lr=0.3, epochs=5, verbose=False)
    return model, X, y, history


@pytest.fixture(scope="module")
def report(trained: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    model, X, y, history = trained
    folder = tmp_path_factory.mktemp("report") / "run"
    return write_run_report(
        folder,
        config=CONFIG,
        history=history,
        model=model,
        X=X,
        y=y,
        name="moons demo",
        metrics={"note": "<b>bold</b> & 'quoted'"},
        resolution=10,
    )


def test_the_folder_holds_every_file(report: Path) -> None:
    names = {p.name for p in report.iterdir()}
    assert names == {
        "config.json",
        "metrics.json",
        "history.csv",
        "loss.png",
        "decision_boundary.png",
        "neuron_graph.svg",
        "index.html",
    }
    for name in ("loss.png", "decision_boundary.png"):
        assert (report / name).read_bytes().startswith(b"\x89PNG")
    assert not [p for p in report.iterdir() if p.name.startswith(".")], "temporary files left"


def test_config_json_round_trips(report: Path) -> None:
    loaded = json.loads((report / "config.json").read_text(encoding="utf-8"))
    assert loaded == {**CONFIG, "noise": 0.1}


def test_history_csv_has_one_row_per_epoch(report: Path, trained: Any) -> None:
    history = trained[3]
    with open(report / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == history.epochs == 5
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4, 5]
    assert [float(r["loss"]) for r in rows] == history.loss
    assert rows[0].get("val_loss") in (None, "")  # no validation set: no column or empty cells


def test_metrics_json_has_the_final_figures(report: Path, trained: Any) -> None:
    history = trained[3]
    metrics = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["epochs"] == 5
    assert metrics["loss"] == history.loss[-1]
    assert metrics["accuracy"] == history.accuracy[-1]


def test_neuron_graph_shows_the_first_neuron_with_gradients(report: Path) -> None:
    root = ET.parse(report / "neuron_graph.svg").getroot()
    text = " ".join(t for t in root.itertext())
    for label in ("x1", "w1", "x2", "w2", "b", "grad"):
        assert label in text
    grads = [float(g) for g in re.findall(r"grad (-?[0-9.]+(?:e[-+]?\d+)?)", text)]
    assert grads.count(1.0) >= 1  # the output
    assert sum(g != 0 for g in grads) > 1, "a dead ReLU example: every gradient is 0"


def test_page_is_self_contained(report: Path) -> None:
    page = (report / "index.html").read_text(encoding="utf-8")
    links = _Links()
    links.feed(page)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page, re.I)
    assert "http://" not in page and "https://" not in page
    for tag, attr, url in links.urls:
        assert url.startswith("data:image/"), f"<{tag} {attr}> points outside: {url[:60]}"
    assert not {"script", "link", "iframe", "object", "embed"} & links.tags
    assert "Content-Security-Policy" in page


def test_page_embeds_every_picture(report: Path) -> None:
    page = (report / "index.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2
    assert page.count('src="data:image/svg+xml;base64,') == 1
    for name in ("loss.png", "decision_boundary.png", "neuron_graph.svg"):
        assert name in page


def test_page_shows_the_final_metrics_and_config(report: Path, trained: Any) -> None:
    history = trained[3]
    page = (report / "index.html").read_text(encoding="utf-8")
    assert f"{history.loss[-1]:.6g}" in page
    assert f"{history.accuracy[-1]:.1%}" in page
    assert 'id="metric-epochs"' in page and ">5<" in page
    assert "moons demo" in page and "hinge" in page


def test_page_escapes_everything(report: Path) -> None:
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#x27;quoted&#x27;" in page


def test_hostile_names_and_config_are_escaped(tmp_path: Path) -> None:
    history = History(loss=[1.0, 0.5], accuracy=[None, None], lr=[0.1, 0.1])
    folder = write_run_report(
        tmp_path / "r",
        config={"<script>alert(1)</script>": '"><img src=x onerror=alert(1)>'},
        history=history,
        name="</title><script>x</script>",
    )
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<img src=x" not in page
    assert {p.name for p in folder.iterdir()} == {
        "config.json",
        "metrics.json",
        "history.csv",
        "loss.png",
        "index.html",
    }


def test_regression_data_gets_a_regression_plot_not_a_boundary(tmp_path: Path) -> None:
    X, y = datasets.houses(20, seed=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (y - y.mean()) / y.std()
    model = Neuron(2, "linear", seed=0)
    history = fit(model, X, y, loss="mse", lr=0.1, epochs=3, verbose=False)
    folder = write_run_report(
        tmp_path / "houses", config={"loss": "mse"}, history=history, model=model, X=X, y=y
    )
    names = {p.name for p in folder.iterdir()}
    assert "regression.png" in names and "decision_boundary.png" not in names
    assert "neuron_graph.svg" in names


def test_data_with_more_than_two_features_gets_no_boundary(tmp_path: Path) -> None:
    X, y = datasets.sweets()
    model = MLP(3, [2, 1], seed=0)
    history = fit(model, X, y, loss="hinge", lr=0.1, epochs=2, verbose=False)
    folder = write_run_report(
        tmp_path / "s", config={}, history=history, model=model, X=X, y=y, name="sweets"
    )
    assert not (folder / "decision_boundary.png").exists()
    assert "needs 2 to draw" in (folder / "index.html").read_text(encoding="utf-8")


def test_writing_twice_replaces_files_and_leaves_no_temporaries(
    trained: Any, tmp_path: Path
) -> None:
    _, _, _, history = trained
    for _ in range(2):
        folder = write_run_report(tmp_path / "again", config={"k": 1}, history=history)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_a_failing_write_leaves_no_temporary_file(
    trained: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    import neuronlab.report as report_module

    _, _, _, history = trained

    def broken_page(**kwargs: Any) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(report_module, "_page", broken_page)
    with pytest.raises(RuntimeError, match="boom"):
        write_run_report(tmp_path / "f", config={}, history=history)
    assert not (tmp_path / "f" / "index.html").exists()
    assert not [p for p in (tmp_path / "f").iterdir() if p.name.startswith(".")]


def test_default_run_dir_is_timestamped_and_never_collides(tmp_path: Path) -> None:
    now = dt.datetime(2026, 1, 2, 3, 4, 5)
    first = default_run_dir("demo", tmp_path, now=now)
    second = default_run_dir("demo", tmp_path, now=now)
    third = default_run_dir("my run/../x", tmp_path, now=now)
    assert first.name == "demo-20260102-030405"
    assert second.name == "demo-20260102-030405-2"
    assert third.parent == tmp_path and third.name.startswith("my-run-x-")
    assert first.is_dir() and second.is_dir()


def test_out_dir_none_uses_runs_folder(trained: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    folder = write_run_report(None, config={}, history=trained[3], name="demo")
    assert folder.parent.name == "runs" and folder.name.startswith("demo-")
    assert (folder / "index.html").exists()


def test_bad_arguments_fail_before_writing(trained: Any, tmp_path: Path) -> None:
    model, X, y, history = trained
    with pytest.raises(TypeError, match="config"):
        write_run_report(tmp_path / "a", config=[1], history=history)
    with pytest.raises(TypeError, match="History"):
        write_run_report(tmp_path / "a", config={}, history={"loss": [1]})
    with pytest.raises(ValueError, match="both X and y"):
        write_run_report(tmp_path / "a", config={}, history=history, model=model, X=X)
    with pytest.raises(ValueError, match="one per row"):
        write_run_report(tmp_path / "a", config={}, history=history, X=X, y=y[:3])
    with pytest.raises(ValueError, match="one per row"):
        write_run_report(tmp_path / "a", config={}, history=history, X=X, y=np.eye(len(X)))
    with pytest.raises(ValueError, match="finite"):
        write_run_report(tmp_path / "a", config={}, history=history, X=X * np.nan, y=y)
    with pytest.raises(TypeError, match="name"):
        write_run_report(tmp_path / "a", config={}, history=history, name=3)
    with pytest.raises(ValueError, match="not JSON: it contains itself"):
        loop: dict[str, Any] = {}
        loop["me"] = loop
        write_run_report(tmp_path / "a", config=loop, history=history)
    assert not (tmp_path / "a").exists()


def test_first_neuron_graph_reads_without_changing_the_model(trained: Any) -> None:
    model, X, _, _ = trained
    before = model.state_dict()
    grads = [p.grad for p in model.parameters()]
    o = first_neuron_graph(model, X[0])
    assert o is not None and o.label == "o" and o.grad == 1.0
    assert model.state_dict() == before
    assert [p.grad for p in model.parameters()] == grads
    neuron = model.layers[0].neurons[0]
    expected = max(0.0, sum(w.data * x for w, x in zip(neuron.w, X[0])) + neuron.b.data)
    assert o.data == pytest.approx(expected)


def test_neuron_graph_is_drawn_without_graphviz(
    trained: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    import sys

    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no `dot` on the PATH
    model, X, y, history = trained
    folder = write_run_report(
        tmp_path / "nodot",
        config={},
        history=history,
        model=model,
        X=X[:5],
        y=y[:5],
        resolution=4,
    )
    root = ET.parse(folder / "neuron_graph.svg").getroot()
    assert "grad" in " ".join(root.itertext())
    assert "neuron_graph.svg" in (folder / "index.html").read_text(encoding="utf-8")


def test_without_matplotlib_the_report_still_has_its_data(
    trained: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    model, X, y, history = trained
    folder = write_run_report(
        tmp_path / "nompl", config={"a": 1}, history=history, model=model, X=X, y=y
    )
    names = {p.name for p in folder.iterdir()}
    assert {"config.json", "metrics.json", "history.csv", "index.html"} <= names
    assert "loss.png" not in names and "decision_boundary.png" not in names
    assert "pip install neuronlab[viz]" in (folder / "index.html").read_text(encoding="utf-8")
