"""The report of ``neuronlab makemore``: the run folder and its files per model, a page that shows
the run's own numbers, and a model left exactly as it was."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="the report's pictures need matplotlib")

from neuronlab.cli import main
from neuronlab.data import Vocabulary, context_windows, names, split_words
from neuronlab.language import (
    batchnorm_mlp,
    count_bigrams,
    fit_options,
    recipe_for,
    sample,
)
from neuronlab.report import REPORT_FILES
from neuronlab.report.language import BATCH_SEED, BATCH_SIZE, write_language_report
from neuronlab.training import evaluate, fit
from neuronlab.training.diagnostics import SATURATED
from neuronlab.util.rng import make_rng
from neuronlab.viz.plots import layer_activations

#: Every file of a trained model's report, and the ones the counts (not trained, no tanh) lack.
ALL_FILES = {
    "neuronlab-run.json",
    "config.json",
    "metrics.json",
    "checkpoints.csv",
    "samples.txt",
    "losses.png",
    "counts.png",
    "embedding.png",
    "activations.png",
    "gradients.png",
    "weight_gradients.png",
    "saturation.png",
    "update_ratios.png",
    "index.html",
}
NOT_FOR_COUNTS = {
    "checkpoints.csv",
    "losses.png",
    "activations.png",
    "gradients.png",
    "weight_gradients.png",
    "saturation.png",
    "update_ratios.png",
}


class _Page(HTMLParser):
    """The page's img sources and other URLs, and the text of each element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.urls: list[str] = []
        self.ids: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href", "srcset", "action", "poster", "data"):
            if found.get(name):
                self.urls.append(str(found[name]))
        if tag == "img":
            self.images.append(str(found.get("src")))
            return
        if tag in ("meta", "br"):
            return
        self.handle_data(" ")
        self._open.append(found.get("id"))
        if found.get("id"):
            self.ids[str(found["id"])] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.ids[element_id] += data

    def text(self, element_id: str) -> str:
        """An element's text, spaces collapsed."""
        return " ".join(self.ids[element_id].split())


def read_page(folder: Path) -> tuple[str, _Page]:
    text = (folder / "index.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    return text, page


def run_cli(argv: list[str]) -> tuple[int, str]:
    """``neuronlab <argv>`` in this process: (exit status, what it printed on stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(argv)
    return status, out.getvalue()


def printed(out: str) -> tuple[dict[str, str], list[str]]:
    """The losses (as printed) and the samples of ``neuronlab makemore --quiet``'s output."""
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("train loss"))
    losses = dict(re.findall(r"(train|dev|test) loss (\S+)", lines[at]))
    samples = [line for line in lines[at + 1 :] if not line.startswith("report: ")]
    return losses, samples


def small_words() -> list[str]:
    """A few hundred names of nine letters: a small vocabulary, quick to count and draw."""
    letters = set("aeilnmors")
    return [w for w in names() if set(w) <= letters][:600]


@pytest.fixture(scope="module")
def mlp_cli(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``neuronlab makemore --steps 300`` on the names, and what it printed."""
    folder = tmp_path_factory.mktemp("mlp") / "run"
    status, out = run_cli(["makemore", "--steps", "300", "--quiet", "--out", str(folder)])
    assert status == 0, out
    losses, samples = printed(out)
    return {"folder": folder, "out": out, "losses": losses, "samples": samples}


@pytest.fixture(scope="module")
def counts_cli(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``neuronlab makemore --model counts`` on the names, and what it printed."""
    folder = tmp_path_factory.mktemp("counts") / "run"
    status, out = run_cli(["makemore", "--model", "counts", "--quiet", "--out", str(folder)])
    assert status == 0, out
    losses, samples = printed(out)
    return {"folder": folder, "out": out, "losses": losses, "samples": samples}


@pytest.fixture(scope="module")
def words_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("words") / "words.txt"
    path.write_text("\n".join(small_words()) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_run() -> dict[str, Any]:
    """A BatchNorm MLP trained a little on a few names: the arguments of write_language_report."""
    words = small_words()
    vocab = Vocabulary.from_words(words)
    splits = split_words(words)
    model = batchnorm_mlp(vocab, seed=0)
    recipe = recipe_for("batchnorm").with_steps(60)
    data = [context_windows(part, model.block_size, vocab) for part in splits]
    history = fit(
        model,
        *data[0],
        loss="cross_entropy",
        **fit_options(recipe, model),
        validation=data[1],
        eval_every=20,
        record_updates=2,
        verbose=False,
    )
    losses = {
        part: evaluate(model, X, Y, loss="cross_entropy")["loss"]
        for part, (X, Y) in zip(("train", "dev", "test"), data)
    }
    return {
        "config": {"command": "makemore", "model": "batchnorm", "steps": 60, "batch_size": 64},
        "model": model,
        "counts": count_bigrams(splits[0], vocab),
        "history": history,
        "splits": splits,
        "losses": losses,
        "samples": sample(model, 12, seed=0),
        "lecture": 2.105,
    }


# -- the files ------------------------------------------------------------------------------


def test_a_trained_model_gets_every_file(mlp_cli: dict[str, Any]) -> None:
    folder = mlp_cli["folder"]
    names_found = {p.name for p in folder.iterdir()}
    assert names_found == ALL_FILES
    assert names_found <= set(REPORT_FILES)  # a later run into this folder can clear them all
    for name in names_found:
        if name.endswith(".png"):
            assert (folder / name).read_bytes().startswith(b"\x89PNG"), name
    assert f"report: {folder / 'index.html'}" in mlp_cli["out"]


def test_the_counts_get_no_training_or_tanh_pictures(counts_cli: dict[str, Any]) -> None:
    names_found = {p.name for p in counts_cli["folder"].iterdir()}
    assert names_found == ALL_FILES - NOT_FOR_COUNTS
    _, page = read_page(counts_cli["folder"])
    notes = page.text("pictures")
    assert "no tanh layer" in notes
    assert "not trained" in notes


def test_the_marker_lists_exactly_the_files(mlp_cli: dict[str, Any], counts_cli: Any) -> None:
    for run in (mlp_cli, counts_cli):
        folder = run["folder"]
        marker = json.loads((folder / "neuronlab-run.json").read_text(encoding="utf-8"))
        assert marker["finished"] is True
        assert marker["name"].startswith("makemore-")
        assert sorted(marker["files"]) == sorted(p.name for p in folder.iterdir())
        assert not [p for p in folder.iterdir() if p.name.startswith(".tmp")]


def test_metrics_hold_the_printed_losses(mlp_cli: dict[str, Any], counts_cli: Any) -> None:
    for run, steps in ((mlp_cli, 300), (counts_cli, 0)):
        metrics = json.loads((run["folder"] / "metrics.json").read_text(encoding="utf-8"))
        for part, shown in run["losses"].items():
            assert f"{metrics[f'{part}_loss']:.4g}" == shown
        assert metrics["steps"] == steps
        assert (metrics["train_words"], metrics["dev_words"], metrics["test_words"]) == (
            25_626,
            3_203,
            3_204,
        )
    mlp_metrics = json.loads((mlp_cli["folder"] / "metrics.json").read_text(encoding="utf-8"))
    assert mlp_metrics["parameters"] == 11_897
    assert mlp_metrics["lecture_dev_loss"] == 2.17
    assert mlp_metrics["reached_lecture"] is (mlp_metrics["dev_loss"] <= 2.17)


def test_samples_txt_holds_the_printed_samples(mlp_cli: dict[str, Any], counts_cli: Any) -> None:
    for run in (mlp_cli, counts_cli):
        text = (run["folder"] / "samples.txt").read_text(encoding="utf-8")
        assert text.split("\n")[:-1] == run["samples"]
        assert len(run["samples"]) == 20


def test_config_and_checkpoints(mlp_cli: dict[str, Any]) -> None:
    folder = mlp_cli["folder"]
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["model"] == "mlp"
    assert config["steps"] == 300
    rows = (folder / "checkpoints.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "step,loss,val_loss,lr"
    assert len(rows) == 1 + 20
    assert rows[-1].startswith("300,")


# -- the page -------------------------------------------------------------------------------


def test_the_page_embeds_every_picture(mlp_cli: dict[str, Any]) -> None:
    folder = mlp_cli["folder"]
    text, page = read_page(folder)
    pictures = sorted(p for p in folder.iterdir() if p.suffix == ".png")
    assert len(page.images) == len(pictures) == 8
    for path in pictures:
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        assert f"data:image/png;base64,{encoded}" in text, path.name
        assert f"fig-{path.stem}" in page.ids
    assert all(url.startswith(("data:", "#")) for url in page.urls), page.urls
    assert "default-src 'none'" in text  # nothing may be fetched


def test_the_cards_show_the_run_and_the_lecture(mlp_cli: dict[str, Any]) -> None:
    _, page = read_page(mlp_cli["folder"])
    for part, shown in mlp_cli["losses"].items():
        assert shown in page.text(f"metric-{part}_loss")
    lecture = page.text("metric-lecture_dev_loss")
    assert lecture.startswith("the lecture's dev loss 2.17")
    dev = float(mlp_cli["losses"]["dev"])
    assert "2.17" in lecture
    assert "reached" in lecture
    assert ("not reached" in lecture) is (dev > 2.17)
    assert "11,897" in page.text("metric-parameters")
    assert "300" in page.text("metric-steps")
    text, _ = read_page(mlp_cli["folder"])
    assert "<h1>neuronlab makemore: the MLP on 32,033 names</h1>" in text


def test_the_page_shows_the_samples_as_words(mlp_cli: dict[str, Any]) -> None:
    text, page = read_page(mlp_cli["folder"])
    shown = re.findall(r'<li class="sample[^"]*"><span class="word">([^<]*)</span>', text)
    assert shown == [w for w in mlp_cli["samples"] if w]
    data = set().union(*split_words(names()))
    known = sum(w in data for w in mlp_cli["samples"])
    assert f"{known} of them" in page.text("samples")


def test_the_captions_use_the_runs_numbers(mlp_cli: dict[str, Any], counts_cli: Any) -> None:
    train = split_words(names())[0]
    table = count_bigrams(train).counts
    chars = Vocabulary.from_words(names()).characters
    i, j = np.unravel_index(int(table.argmax()), table.shape)
    for run in (mlp_cli, counts_cli):
        _, page = read_page(run["folder"])
        counts = page.text("fig-counts")
        assert f"'{chars[i]}{chars[j]}'" in counts
        assert f"{int(table[i, j]):,} times" in counts
    _, page = read_page(mlp_cli["folder"])
    assert f"our {mlp_cli['losses']['dev']}" in page.text("fig-losses")
    assert re.search(r"Here \d+\.\d% of the outputs are saturated", page.text("fig-activations"))
    assert "around -3 (the dashed guide)" in page.text("fig-update_ratios")


def test_the_counts_page_has_no_lecture_card(counts_cli: dict[str, Any]) -> None:
    _, page = read_page(counts_cli["folder"])
    assert "metric-lecture_dev_loss" not in page.ids
    assert "729" in page.text("metric-parameters")
    assert "0" in page.text("metric-steps")
    assert "checkpoints" not in page.ids


# -- the folder's rules ---------------------------------------------------------------------


def test_a_second_run_replaces_the_first(words_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "again"
    common = ["--input", str(words_file), "--quiet", "--out", str(folder)]
    assert run_cli(["makemore", "--steps", "40", *common])[0] == 0
    assert (folder / "activations.png").exists()
    (folder / "notes.txt").write_text("my notes", encoding="utf-8")  # the user's own file
    status, out = run_cli(["makemore", "--model", "counts", "--samples", "5", *common])
    assert status == 0
    found = {p.name for p in folder.iterdir()}
    assert found == (ALL_FILES - NOT_FOR_COUNTS) | {"notes.txt"}, "an earlier run's file stayed"
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert printed(out)[1] == (folder / "samples.txt").read_text(encoding="utf-8").split("\n")[:-1]
    marker = json.loads((folder / "neuronlab-run.json").read_text(encoding="utf-8"))
    assert sorted(marker["files"]) == sorted(found - {"notes.txt"})


def test_a_users_folder_is_refused_before_training(
    words_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.txt").write_text("precious", encoding="utf-8")
    status = main(["makemore", "--input", str(words_file), "--steps", "40", "--out", str(folder)])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == "", "training started before the folder was refused"
    assert len(err.strip().splitlines()) == 1
    assert "thesis.txt" in err
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]


def test_a_fresh_folder_under_runs(small_run: dict[str, Any], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = write_language_report(None, **small_run)
    assert folder.parent == Path("runs")
    assert folder.name.startswith("makemore-batchnorm-")
    assert (folder / "index.html").exists()


# -- the model and the inputs ---------------------------------------------------------------


def test_writing_the_report_leaves_the_model_as_it_was(
    small_run: dict[str, Any], tmp_path: Path
) -> None:
    model = small_run["model"]
    for mode in (False, True):
        model.train(mode)
        state = {k: np.array(v, copy=True) for k, v in model.state_dict().items()}
        grads = [
            None if p.grad is None else np.array(p.grad, copy=True) for p in model.parameters()
        ]
        write_language_report(tmp_path / f"run-{mode}", **small_run)
        assert all(m.training is mode for m in model.modules())
        after = model.state_dict()
        assert state.keys() == after.keys()
        for key, value in state.items():
            np.testing.assert_array_equal(after[key], value, err_msg=key)
        for before, p in zip(grads, model.parameters()):
            if before is None:
                assert p.grad is None
            else:
                np.testing.assert_array_equal(p.grad, before)


def test_the_batch_is_a_seeded_draw_in_training_mode(
    small_run: dict[str, Any], tmp_path: Path
) -> None:
    """The share of saturated outputs on the page: the documented batch, in training mode."""
    model = small_run["model"]
    model.eval()
    X, _ = context_windows(small_run["splits"][0], model.block_size, model.vocabulary)
    rows = np.sort(make_rng(BATCH_SEED).choice(len(X), size=BATCH_SIZE, replace=False))
    model.train()
    share = layer_activations(model, X[rows])[0].share_beyond(SATURATED)
    model.eval()
    folder = write_language_report(tmp_path / "run", **small_run)
    _, page = read_page(folder)
    assert f"Here {share:.1%} of the outputs are saturated" in page.text("fig-activations")
    assert f"{BATCH_SIZE} training contexts" in page.text("fig-activations")


def test_bad_arguments_are_refused_before_writing(
    small_run: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "never"
    bad: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"model": "mlp"}, TypeError, "LanguageModel"),
        ({"counts": None}, TypeError, "BigramCounts"),
        ({"history": [1.0]}, TypeError, "History"),
        ({"config": [1]}, TypeError, "config"),
        ({"splits": (["a"], ["b"])}, TypeError, "train, dev, test"),
        ({"splits": ([], ["b"], ["c"])}, ValueError, "training words are empty"),
        ({"losses": {"train": 1.0}}, TypeError, "train, dev and test"),
        ({"losses": {"train": 1.0, "dev": "2", "test": 3.0}}, TypeError, "number"),
        ({"samples": "emma"}, TypeError, "list of words"),
        ({"samples": ["emma", 3]}, TypeError, "str"),
        ({"lecture": -1.0}, ValueError, "lecture"),
        ({"seconds": "fast"}, TypeError, "seconds"),
    ]
    for change, error, words in bad:
        with pytest.raises(error, match=words):
            write_language_report(out, **{**small_run, **change})
    loop: dict[str, Any] = {}
    loop["me"] = loop
    with pytest.raises(ValueError, match="contains itself"):
        write_language_report(out, **{**small_run, "config": loop})
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not a neuronlab run's"):
        write_language_report(mine, **small_run)
    assert not out.exists()
    assert [p.name for p in mine.iterdir()] == ["a.txt"]


def test_without_matplotlib_the_report_still_has_its_data(
    small_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    folder = write_language_report(tmp_path / "nompl", **small_run)
    found = {p.name for p in folder.iterdir()}
    assert found == {
        "neuronlab-run.json",
        "config.json",
        "metrics.json",
        "checkpoints.csv",
        "samples.txt",
        "index.html",
    }
    text, page = read_page(folder)
    assert "pip install neuronlab[viz]" in page.text("pictures")
    assert text.count("Pictures not drawn") == 1  # said once, not once per picture
    assert "metric-dev_loss" in page.ids
    assert "samples" in page.ids
