"""The makemore report's index.html in headless Chromium: it loads nothing from outside, logs no
error, every picture decodes, and it fits a phone's width without scrolling sideways."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib", reason="the report's pictures need matplotlib")

from neuronlab.cli import main
from neuronlab.data import names

#: Desktop and phone widths, in CSS pixels.
WIDTHS = (1280, 420)


@pytest.fixture(scope="module")
def words_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few hundred names of nine letters: quick to train on, count and draw."""
    letters = set("aeilnmors")
    words = [w for w in names() if set(w) <= letters][:600]
    path = tmp_path_factory.mktemp("words") / "words.txt"
    path.write_text("\n".join(words) + "\n", encoding="utf-8")
    return path


def _report(folder: Path, words: Path, *options: str) -> Path:
    argv = ["makemore", *options, "--input", str(words), "--quiet", "--out", str(folder)]
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 0
    return folder / "index.html"


def _look(chromium: Any, page_file: Path, width: int) -> dict[str, Any]:
    """Open the page at ``width``: what it asked for, logged, showed and how wide it is."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    seen: dict[str, Any] = {"outside": [], "failed": [], "errors": []}

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            seen["outside"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        seen["images"] = page.eval_on_selector_all(
            "img",
            "imgs => imgs.map(i => ({alt: i.alt, complete: i.complete, w: i.naturalWidth,"
            " shown: i.getBoundingClientRect().width, src: i.getAttribute('src').slice(0, 22)}))",
        )
        seen["figures"] = page.eval_on_selector_all("figure", "els => els.map(e => e.id)")
        seen["cards"] = page.eval_on_selector_all(".metric", "els => els.map(e => e.id)")
        seen["samples"] = page.eval_on_selector_all("li.sample", "els => els.length")
        seen["overflow"] = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        context.close()
    return seen


@pytest.mark.parametrize(
    "options",
    [("--steps", "40"), ("--model", "counts"), ("--model", "wavenet", "--steps", "20")],
    ids=["mlp", "counts", "wavenet"],
)
def test_language_report_in_chromium(
    chromium: Any, words_file: Path, tmp_path: Path, options: tuple[str, ...]
) -> None:
    page_file = _report(tmp_path / "run", words_file, *options)
    pictures = {p.stem for p in page_file.parent.iterdir() if p.suffix == ".png"}
    for width in WIDTHS:
        seen = _look(chromium, page_file, width)
        assert seen["outside"] == [], seen
        assert seen["failed"] == [], seen
        assert seen["errors"] == [], seen["errors"]
        assert seen["overflow"] <= 0, f"the page scrolls sideways at {width} px"
        assert {f"fig-{stem}" for stem in pictures} == set(seen["figures"])
        assert len(seen["images"]) == len(pictures) >= 2
        for img in seen["images"]:
            assert img["src"].startswith("data:image/png"), img
            assert img["complete"], f"a picture did not decode: {img}"
            assert img["w"] > 0, f"a picture did not decode: {img}"
            assert 0 < img["shown"] <= width, img
        assert {"metric-train_loss", "metric-dev_loss", "metric-test_loss"} <= set(seen["cards"])
        assert seen["samples"] > 0
