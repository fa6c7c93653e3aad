"""Run reports: the run folder's rules, its files, the pictures each kind of run gets, and a
self-contained, escaped page that says what its numbers are."""

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

from neuronlab import MLP, Adam, Neuron, datasets, fit, mlp, predict
from neuronlab.data import dataset_info
from neuronlab.report import (
    REPORT_FILES,
    check_run_folder,
    default_run_dir,
    first_neuron_graph,
    write_run_report,
)
from neuronlab.training import History

CONFIG = {
    "command": "demo",
    "dataset": "moons",
    "layers": [4],
    "loss": "hinge",
    "lr": 0.3,
    "epochs": 5,
    "seed": 0,
    "noise": np.float64(0.1),
    "target": None,
}


class _Page(HTMLParser):
    """Every src/href attribute of a page, the tags it uses, and the text of each element id."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()
        self.ids: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handle_data(" ")  # a new element starts a new word
        found = dict(attrs)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data") and value:
                self.urls.append((tag, name, value))
        if tag not in ("img", "meta", "br"):
            self._open.append((tag, found.get("id")))
            if found.get("id"):
                self.ids[str(found["id"])] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for _, element_id in self._open:
            if element_id:
                self.ids[element_id] += data


def read_page(folder: Path) -> tuple[str, _Page]:
    text = (folder / "index.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    return text, page


def card(page: _Page, key: str) -> str:
    """The text of one result card: its label, value and note, spaces collapsed."""
    return " ".join(page.ids[f"metric-{key}"].split())


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
        info=dataset_info("moons"),
    )


@pytest.fixture(scope="module")
def houses() -> dict[str, Any]:
    """A houses run as the command line makes it: trained on standardised numbers, then
    given a model that reads raw inputs and answers in k€."""
    X, y = datasets.houses(60, seed=0)
    mean, std, y_mean, y_std = X.mean(axis=0), X.std(axis=0), float(y.mean()), float(y.std())
    model = Neuron(2, "linear", seed=0)
    history = fit(
        model, (X - mean) / std, (y - y_mean) / y_std, loss="mse", lr=0.1, epochs=20, verbose=False
    )
    for i, w in enumerate(model.w):  # fold the scaling in: raw inputs, prices in k€
        w.data = w.data / std[i] * y_std
    model.b.data = model.b.data * y_std + y_mean - sum(w.data * m for w, m in zip(model.w, mean))
    config = {
        "dataset": "houses",
        "loss": "mse",
        "lr": 0.1,
        "target": None,
        "target_standardised": True,
        "target_mean": y_mean,
        "target_std": y_std,
    }
    return {"X": X, "y": y, "model": model, "history": history, "config": config}


@pytest.fixture(scope="module")
def digits_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    X_train, X_test, y_train, y_test = datasets.digits()
    model = mlp([64, 16, 10], seed=0)
    history = fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer=Adam(model.parameters(), lr=0.01),
        epochs=4,
        batch_size=32,
        validation=(X_test, y_test),
        verbose=False,
    )
    folder = write_run_report(
        tmp_path_factory.mktemp("digits") / "run",
        config={"dataset": "digits", "loss": "cross_entropy", "engine": "tensor"},
        history=history,
        model=model,
        X=X_train,
        y=y_train,
        test=(X_test, y_test),
        name="digits",
        info=dataset_info("digits"),
        metrics={"test accuracy": 0.123},
    )
    said = predict(model, X_test).argmax(axis=1)
    return {"folder": folder, "history": history, "said": said, "y_test": y_test}


# -- the files ------------------------------------------------------------------------


def test_the_folder_holds_every_file(report: Path) -> None:
    names = {p.name for p in report.iterdir()}
    assert names == {
        "neuronlab-run.json",
        "config.json",
        "metrics.json",
        "history.csv",
        "loss.png",
        "decision_boundary.png",
        "confusion_matrix.png",
        "neuron_graph.svg",
        "index.html",
    }
    assert names <= set(REPORT_FILES)
    for name in ("loss.png", "decision_boundary.png", "confusion_matrix.png"):
        assert (report / name).read_bytes().startswith(b"\x89PNG")
    marker = json.loads((report / "neuronlab-run.json").read_text(encoding="utf-8"))
    assert marker["neuronlab_run"] == 1
    assert marker["finished"] is True
    assert sorted(marker["files"]) == sorted(names)


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
    assert "rmse" not in metrics


def test_neuron_graph_shows_the_first_neuron_with_gradients(report: Path) -> None:
    root = ET.parse(report / "neuron_graph.svg").getroot()
    text = " ".join(t for t in root.itertext())
    for label in ("x1", "w1", "x2", "w2", "b", "grad"):
        assert label in text
    grads = [float(g) for g in re.findall(r"grad (-?[0-9.]+(?:e[-+]?\d+)?)", text)]
    assert grads.count(1.0) >= 1  # the output
    assert sum(g != 0 for g in grads) > 1, "a dead ReLU example: every gradient is 0"


# -- the page -------------------------------------------------------------------------


def test_page_is_self_contained(report: Path) -> None:
    text, page = read_page(report)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", text, re.I)
    assert "http://" not in text
    assert "https://" not in text
    for tag, attr, url in page.urls:
        inside = url.startswith("data:image/") or (tag == "a" and re.fullmatch(r"#[\w-]+", url))
        assert inside, f"<{tag} {attr}> points outside: {url[:60]}"
        if url.startswith("#"):
            assert url[1:] in page.ids, f"in-page link to a missing section {url}"
    assert not {"script", "link", "iframe", "object", "embed"} & page.tags
    assert "Content-Security-Policy" in text
    assert "default-src 'none'" in text


def test_page_embeds_every_picture(report: Path) -> None:
    text, page = read_page(report)
    assert text.count('src="data:image/png;base64,') == 3
    assert text.count('src="data:image/svg+xml;base64,') == 1
    for name in ("loss", "decision_boundary", "confusion_matrix", "neuron_graph"):
        assert f"fig-{name}" in page.ids


def test_page_shows_the_final_figures_and_what_they_are(report: Path, trained: Any) -> None:
    history = trained[3]
    _, page = read_page(report)
    assert card(page, "loss").startswith(f"training loss {history.loss[-1]:.4g}")
    assert card(page, "accuracy").startswith(f"training accuracy {history.accuracy[-1]:.1%}")
    assert card(page, "epochs").startswith("epochs 5")
    about = page.ids["about-loss"]
    assert "The loss is the max-margin loss of scores, targets ±1." in about
    assert "measured just before the update it caused" in about
    assert "<h1>neuronlab run: moons demo</h1>" in read_page(report)[0]


def test_page_names_the_classes_and_explains_each_picture(report: Path) -> None:
    _, page = read_page(report)
    confusion = page.ids["fig-confusion_matrix"]
    assert "each row is a true class, each column the model's answer" in confusion
    # 7 of the 30 are wrong after 5 epochs: 4 lower moons taken for upper ones, 3 the other way
    assert "The most frequent mistake: a true lower moon answered as upper moon, 4 times" in (
        " ".join(confusion.split())
    )
    assert "dataset moons · classification · 30 training examples" in read_page(report)[0]


def test_settings_that_do_not_apply_are_left_out(report: Path) -> None:
    _, page = read_page(report)
    settings = page.ids["config"]
    assert "hinge" in settings
    assert "noise" in settings
    assert "target" not in settings  # None: it does not apply to this run
    assert "–" not in settings
    assert "None" not in settings


def test_page_escapes_everything(report: Path) -> None:
    text, _ = read_page(report)
    assert "<b>bold</b>" not in text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#x27;quoted&#x27;" in text


def test_hostile_names_and_config_are_escaped(tmp_path: Path) -> None:
    history = History(loss=[1.0, 0.5], accuracy=[None, None], lr=[0.1, 0.1])
    folder = write_run_report(
        tmp_path / "r",
        config={"<script>alert(1)</script>": '"><img src=x onerror=alert(1)>'},
        history=history,
        name="</title><script>x</script>",
    )
    text, _ = read_page(folder)
    assert "<script" not in text
    assert "<img src=x" not in text
    assert {p.name for p in folder.iterdir()} == {
        "neuronlab-run.json",
        "config.json",
        "metrics.json",
        "history.csv",
        "loss.png",
        "index.html",
    }


# -- regression: one RMSE, in the target's units, and the loss said exactly ----------------


def test_regression_report_shows_one_rmse_of_the_final_model_in_k_euro(
    houses: dict[str, Any], tmp_path: Path
) -> None:
    folder = write_run_report(
        tmp_path / "houses",
        config=houses["config"],
        history=houses["history"],
        model=houses["model"],
        X=houses["X"],
        y=houses["y"],
        info=dataset_info("houses"),
        metrics={"rmse (original units)": 999.0},  # the report measures its own, rightly
    )
    names = {p.name for p in folder.iterdir()}
    assert "regression.png" in names
    assert "decision_boundary.png" not in names
    assert "confusion_matrix.png" not in names
    predicted = predict(houses["model"], houses["X"])
    rmse = float(np.sqrt(np.mean((predicted - houses["y"]) ** 2)))
    assert 8 < rmse < 20  # the data's noise is 10 k€: a real fit in real units
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["rmse"] == pytest.approx(rmse)
    assert metrics["rmse_units"] == "k€"
    assert "rmse (original units)" not in metrics
    text, page = read_page(folder)
    assert card(page, "rmse") == (
        f"RMSE {rmse:.3g} k€ root mean squared error on the 60 training examples"
    )
    assert [k for k in page.ids if "rmse" in k.lower()] == ["metric-rmse"]  # one RMSE
    assert "999" not in page.ids["results"]
    assert "original units" not in text


def test_regression_loss_wording_follows_the_config(houses: dict[str, Any], tmp_path: Path) -> None:
    info = dataset_info("houses")
    cases = [
        (
            houses["config"],
            "the mean squared error of the standardised price, (price − "
            f"{houses['config']['target_mean']:.4g} k€) / {houses['config']['target_std']:.4g} k€: "
            "it has no units",
        ),
        (
            {"loss": "mse", "target_standardised": True},
            "standardised price, (price − its mean) / its standard deviation",
        ),
        (
            {"loss": "mse", "target_standardised": False},
            "the mean squared error of the price itself, in k€²",
        ),
        ({"loss": "mse"}, "the report was not told whether it was rescaled for training"),
    ]
    for i, (config, words) in enumerate(cases):
        folder = write_run_report(
            tmp_path / f"r{i}",
            config=config,
            history=houses["history"],
            model=houses["model"],
            X=houses["X"],
            y=houses["y"],
            info=info,
        )
        about = " ".join(read_page(folder)[1].ids["about-loss"].split())
        assert about.startswith("The loss is the mean squared error"), about
        assert words in about, about


def test_regression_axes_are_named_after_the_features(
    houses: dict[str, Any], tmp_path: Path, monkeypatch: Any
) -> None:
    from neuronlab.report import figures

    calls: list[dict[str, Any]] = []
    original = figures.plots.plot_regression

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(figures.plots, "plot_regression", spy)
    write_run_report(
        tmp_path / "h",
        config=houses["config"],
        history=houses["history"],
        model=houses["model"],
        X=houses["X"],
        y=houses["y"],
        info=dataset_info("houses"),
    )
    assert calls
    assert calls[0]["feature_label"] == "size (m²)"
    assert calls[0]["target_label"] == "price (k€)"
    assert calls[0]["units"] == "k€"


def test_regression_without_info_still_gets_a_regression_plot(tmp_path: Path) -> None:
    X, y = datasets.houses(20, seed=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (y - y.mean()) / y.std()
    model = Neuron(2, "linear", seed=0)
    history = fit(model, X, y, loss="mse", lr=0.1, epochs=3, verbose=False)
    folder = write_run_report(
        tmp_path / "houses", config={"loss": "mse"}, history=history, model=model, X=X, y=y
    )
    names = {p.name for p in folder.iterdir()}
    assert "regression.png" in names
    assert "neuron_graph.svg" in names
    card_text = card(read_page(folder)[1], "rmse")
    assert card_text.startswith("RMSE ")
    assert "k€" not in card_text


# -- digits: the test curve, the confusion matrix, the mistakes, the first layer ------------


def test_digits_report_has_the_pictures_that_teach(digits_report: dict[str, Any]) -> None:
    folder = digits_report["folder"]
    names = {p.name for p in folder.iterdir()}
    assert {
        "loss.png",
        "confusion_matrix.png",
        "misclassified.png",
        "first_layer_weights.png",
    } <= names
    assert "decision_boundary.png" not in names
    assert "neuron_graph.svg" not in names
    _, page = read_page(folder)
    assert "Dashed: the test figures, measured after each epoch" in page.ids["fig-loss"]
    said, y_test = digits_report["said"], digits_report["y_test"]
    wrong = int(np.sum(said != y_test))
    assert f"{wrong} of the 450 test images" in page.ids["fig-misclassified"]
    assert "The final model on the 450 test examples" in page.ids["fig-confusion_matrix"]
    assert "8×8 image" in page.ids["fig-first_layer_weights"]


def test_digits_report_measures_the_test_accuracy_of_the_final_model(
    digits_report: dict[str, Any],
) -> None:
    folder, history = digits_report["folder"], digits_report["history"]
    accuracy = float(np.mean(digits_report["said"] == digits_report["y_test"]))
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["test_accuracy"] == pytest.approx(accuracy)
    assert metrics["val_accuracy"] == pytest.approx(accuracy)  # fit measured the same model
    assert "test accuracy" not in metrics  # the caller's 0.123 gave way to the measured figure
    _, page = read_page(folder)
    assert card(page, "test_accuracy").startswith(f"test accuracy {accuracy:.1%} share of the 450")
    assert card(page, "val_loss").startswith(f"test loss {history.val_loss[-1]:.4g}")
    assert "metric-val_accuracy" not in page.ids  # one test accuracy, not two


def test_digits_report_says_in_words_why_there_is_no_neuron_graph(
    digits_report: dict[str, Any],
) -> None:
    _, page = read_page(digits_report["folder"])
    notes = page.ids["pictures"]
    assert "No single-neuron graph: this network runs on the tensor engine" in notes
    assert "neuronlab.draw_graph" in notes
    assert "Sequential has no scalar neuron" not in notes
    assert "needs exactly 2" not in notes  # image data has its own pictures, no plane to miss


def test_scalar_digits_network_gets_its_weights_drawn_and_a_scrolling_graph(
    tmp_path: Path,
) -> None:
    X_train, X_test, y_train, y_test = datasets.digits()
    model = MLP(64, [3, 10], seed=0)
    history = fit(
        model, X_train[:60], y_train[:60], loss="cross_entropy", lr=0.1, epochs=1, verbose=False
    )
    folder = write_run_report(
        tmp_path / "scalar",
        config={"loss": "cross_entropy"},
        history=history,
        model=model,
        X=X_train[:60],
        y=y_train[:60],
        test=(X_test[:40], y_test[:40]),
        info=dataset_info("digits"),
    )
    names = {p.name for p in folder.iterdir()}
    assert {"first_layer_weights.png", "neuron_graph.svg", "misclassified.png"} <= names
    text, page = read_page(folder)
    assert "64 inputs x" in page.ids["fig-neuron_graph"]
    assert re.search(
        r'<div class="scroll"><img src="data:image/svg\+xml;base64,[^"]+" alt="[^"]+"'
        r' style="width: \d+px"></div>',
        text,
    )


# -- the run folder ---------------------------------------------------------------------------


def test_a_users_own_folder_is_refused_and_left_untouched(trained: Any, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my homepage")
    (mine / "config.json").write_text('{"mine": true}')
    with pytest.raises(ValueError, match=r"already holds files .*config\.json, index\.html"):
        check_run_folder(mine)
    with pytest.raises(ValueError, match="not a neuronlab run's"):
        write_run_report(mine, config={}, history=trained[3])
    assert (mine / "index.html").read_text() == "my homepage"
    assert sorted(p.name for p in mine.iterdir()) == ["config.json", "index.html"]


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_folder_name_is_refused(
    name: str, trained: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="the name is empty"):
        check_run_folder(name)
    with pytest.raises(ValueError, match="the name is empty"):
        write_run_report(name, config={}, history=trained[3])
    assert list(tmp_path.iterdir()) == []


def test_a_file_is_refused_and_none_a_new_or_empty_folder_are_fine(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        check_run_folder(tmp_path / "f.txt")
    with pytest.raises(TypeError, match="folder name"):
        check_run_folder(3)  # type: ignore[arg-type]
    (tmp_path / "empty").mkdir()
    for fine in (None, tmp_path / "new" / "deeper", tmp_path / "empty", str(tmp_path / "empty")):
        check_run_folder(fine)  # accepted: no error
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_reusing_a_run_folder_clears_the_previous_runs_files_only(
    houses: dict[str, Any], trained: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "again"
    write_run_report(
        folder,
        config=houses["config"],
        history=houses["history"],
        model=houses["model"],
        X=houses["X"],
        y=houses["y"],
    )
    assert (folder / "regression.png").exists()
    (folder / "notes.txt").write_text("my notes")  # the user's own file in a run folder
    (folder / "regression.png.bak").write_text("a look-alike name")
    check_run_folder(folder)  # a run folder may take another run
    model, X, y, history = trained
    write_run_report(folder, config=CONFIG, history=history, model=model, X=X, y=y, resolution=6)
    names = {p.name for p in folder.iterdir()}
    assert "regression.png" not in names, "a picture of the earlier run stayed"
    assert {"decision_boundary.png", "notes.txt", "regression.png.bak"} <= names
    assert (folder / "notes.txt").read_text() == "my notes"
    marker = json.loads((folder / "neuronlab-run.json").read_text(encoding="utf-8"))
    assert "regression.png" not in marker["files"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".tmp")]


def test_a_failing_write_leaves_no_temporary_file(
    trained: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from neuronlab.report import page

    def broken(content: Any) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(page, "render", broken)
    with pytest.raises(RuntimeError, match="boom"):
        write_run_report(tmp_path / "f", config={}, history=trained[3])
    assert not (tmp_path / "f" / "index.html").exists()
    assert not [p for p in (tmp_path / "f").iterdir() if p.name.startswith(".tmp")]
    check_run_folder(tmp_path / "f")  # still a run folder: the next run may use it


def test_default_run_dir_is_timestamped_and_never_collides(tmp_path: Path) -> None:
    now = dt.datetime(2026, 1, 2, 3, 4, 5)
    first = default_run_dir("demo", tmp_path, now=now)
    second = default_run_dir("demo", tmp_path, now=now)
    third = default_run_dir("my run/../x", tmp_path, now=now)
    assert first.name == "demo-20260102-030405"
    assert second.name == "demo-20260102-030405-2"
    assert third.parent == tmp_path
    assert third.name.startswith("my-run-x-")
    assert first.is_dir()
    assert second.is_dir()


def test_out_dir_none_uses_runs_folder(trained: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    folder = write_run_report(None, config={}, history=trained[3], name="demo")
    assert folder.parent.name == "runs"
    assert folder.name.startswith("demo-")
    assert (folder / "index.html").exists()


def test_bad_arguments_fail_before_writing(trained: Any, tmp_path: Path) -> None:
    model, X, y, history = trained
    with pytest.raises(TypeError, match="config"):
        write_run_report(tmp_path / "a", config=[1], history=history)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="History"):
        write_run_report(tmp_path / "a", config={}, history={"loss": [1]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="both X and y"):
        write_run_report(tmp_path / "a", config={}, history=history, model=model, X=X)
    with pytest.raises(ValueError, match="one per row"):
        write_run_report(tmp_path / "a", config={}, history=history, X=X, y=y[:3])
    with pytest.raises(ValueError, match="one per row"):
        write_run_report(tmp_path / "a", config={}, history=history, X=X, y=np.eye(len(X)))
    with pytest.raises(ValueError, match="finite"):
        write_run_report(tmp_path / "a", config={}, history=history, X=X * np.nan, y=y)
    with pytest.raises(TypeError, match="name"):
        write_run_report(tmp_path / "a", config={}, history=history, name=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"pair \(X_test, y_test\)"):
        write_run_report(tmp_path / "a", config={}, history=history, X=X, y=y, test=X)
    with pytest.raises(ValueError, match="the test set has 3 features"):
        write_run_report(
            tmp_path / "a", config={}, history=history, X=X, y=y, test=(np.zeros((2, 3)), [0, 1])
        )
    with pytest.raises(TypeError, match="DatasetInfo"):
        write_run_report(tmp_path / "a", config={}, history=history, info="moons")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="metrics"):
        write_run_report(tmp_path / "a", config={}, history=history, metrics=[1])  # type: ignore[arg-type]
    loop: dict[str, Any] = {}
    loop["me"] = loop
    with pytest.raises(ValueError, match="not JSON: it contains itself"):
        write_run_report(tmp_path / "a", config=loop, history=history)
    assert not (tmp_path / "a").exists()


def test_first_neuron_graph_reads_without_changing_the_model(trained: Any) -> None:
    model, X, _, _ = trained
    before = model.state_dict()
    grads = [p.grad for p in model.parameters()]
    o = first_neuron_graph(model, X[0])
    assert o is not None
    assert o.label == "o"
    assert o.grad == 1.0
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
    assert "fig-neuron_graph" in read_page(folder)[1].ids


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
    assert not {"loss.png", "decision_boundary.png", "confusion_matrix.png"} & names
    text, page = read_page(folder)
    assert "pip install neuronlab[viz]" in page.ids["pictures"]
    assert text.count("Pictures not drawn") == 1  # said once, not once per picture
