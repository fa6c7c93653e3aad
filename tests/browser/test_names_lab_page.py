"""The names lab's page in headless Chromium against a real server (uvicorn on 127.0.0.1).

Each test starts its own lab on a free port (a small model, few steps) and stops it. The
numbers the page shows are compared with the session's own: the page computes none of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("uvicorn", reason="the lab's server needs uvicorn (pip install .[lab])")

from neuronlab.lab.launch import LabServer
from neuronlab.lab.names_session import NamesSession
from neuronlab.lab.names_settings import NamesSettings

TIMEOUT = 20_000  # ms: generous for a busy 2-core machine; no test waits on a clock
SMALL = NamesSettings(hidden=32, batch_size=16)  # a small MLP: quick steps and frames
#: the page starts the run its address holds: the small one, unless a test says otherwise
SMALL_QUERY = "".join(f"&{k}={v}" for k, v in SMALL.to_query().items())


@pytest.fixture
def lab() -> Iterator[LabServer]:
    server = LabServer("127.0.0.1", 0).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(chromium: Any, lab: LabServer):
    """A page at 1280×800 that records errors and any request outside the server."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.problems = []
    origin = f"http://127.0.0.1:{lab.port}"
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))

    def only_the_lab(route: Any) -> None:
        if route.request.url.startswith((origin, "data:", "blob:")):
            route.continue_()
        else:
            page.problems.append(f"asked the network for {route.request.url}")
            route.abort()

    page.route("**/*", only_the_lab)
    yield page
    problems = list(page.problems)
    context.close()
    assert problems == []


def names_url(lab: LabServer, query: str = "") -> str:
    return lab.names_url + query


def open_names(page: Any, lab: LabServer, query: str = SMALL_QUERY) -> None:
    page.goto(names_url(lab, query))
    page.wait_for_function("() => window.NL && NL.names.ready && NL.names.frame", timeout=TIMEOUT)
    page.wait_for_selector("#connection.on", timeout=TIMEOUT)


def session(lab: LabServer) -> NamesSession:
    return lab.app.state.names_runner.session


def shown_step(page: Any) -> int:
    return int(page.inner_text("#stepcount").replace(",", ""))


def wait_step(page: Any, step: int) -> None:
    page.wait_for_function(
        f"() => NL.names.frame && NL.names.frame.step >= {step}", timeout=TIMEOUT
    )


def test_the_page_shows_the_run_and_links_to_the_network_lab_and_back(page, lab) -> None:
    open_names(page, lab)
    assert shown_step(page) == 0
    assert page.locator("#samples .sample").count() == 10
    assert page.locator("#embedding-plot text.char").count() == 27
    assert page.locator("#histograms .histogram").count() == 1
    assert page.locator("#ratios polyline.ratio-line").count() == 3
    assert page.input_value("#model") == "mlp"
    assert page.input_value("#hidden") == "32"
    with lab.app.state.names_runner.lock:
        losses = session(lab).losses()
    assert page.inner_text("#dev-loss") == f"{losses['dev']:.3f}"
    page.click("#to-network")
    page.wait_for_function("() => window.NL && NL.app && NL.app.ready", timeout=TIMEOUT)
    page.click("#to-names")
    page.wait_for_function("() => window.NL && NL.names && NL.names.ready", timeout=TIMEOUT)
    assert page.locator("#samples .sample").count() == 10


def test_play_trains_live_and_pause_stops(page, lab) -> None:
    open_names(page, lab)
    first = page.evaluate("() => NL.names.frame.embedding.points")
    page.click("#play")
    wait_step(page, 60)
    # new samples arrive while playing (about once a second); the State brought the first
    page.wait_for_function("() => NL.names.sampleFrames >= 2", timeout=TIMEOUT)
    page.click("#play")
    page.wait_for_function("() => !NL.names.playing", timeout=TIMEOUT)
    page.wait_for_timeout(300)  # let a frame in flight arrive
    frame = page.evaluate("() => NL.names.frame")
    with lab.app.state.names_runner.lock:
        s = session(lab)
        assert s.steps == frame["step"] == shown_step(page)
        losses = s.losses()
    assert frame["train"] == pytest.approx(losses["train"], rel=1e-6)
    assert page.inner_text("#train-loss") == f"{losses['train']:.3f}"
    assert page.evaluate("() => NL.names.chart.rows.length") >= 2  # the loss curves grew
    assert not np.allclose(frame["embedding"]["points"], first)  # the scatter moved
    assert page.locator("#ratios polyline.ratio-line").count() == 3
    assert page.locator("#ratios line.guide").count() == 1


def test_step_and_reset(page, lab) -> None:
    open_names(page, lab)
    page.click("#step")
    page.wait_for_function("() => NL.names.frame.step === 1", timeout=TIMEOUT)
    page.click("#step")
    page.wait_for_function("() => NL.names.frame.step === 2", timeout=TIMEOUT)
    assert session(lab).steps == 2 == shown_step(page)
    page.click("#reset")
    page.wait_for_function("() => NL.names.frame.step === 0", timeout=TIMEOUT)
    assert session(lab).steps == 0


def test_settings_change_the_run_and_the_address_and_a_bad_one_is_told(page, lab) -> None:
    open_names(page, lab)
    page.select_option("#model", "bigram")
    page.wait_for_function("() => NL.names.state.settings.model === 'bigram'", timeout=TIMEOUT)
    assert "model=bigram" in page.url
    assert session(lab).settings.model == "bigram"
    assert page.is_disabled("#context")
    assert page.is_disabled("#hidden")
    assert "no tanh layer" in page.inner_text("#histograms")
    page.select_option("#model", "mlp")
    page.wait_for_function("() => NL.names.state.settings.model === 'mlp'", timeout=TIMEOUT)
    page.fill("#hidden", "10000")
    page.press("#hidden", "Enter")
    page.wait_for_selector('[data-error="hidden"].shown', timeout=TIMEOUT)
    assert "from 1 to 512" in page.inner_text('[data-error="hidden"]')
    assert session(lab).settings.hidden == 32  # the run is as it was
    page.select_option("#lr", "0.01")
    page.wait_for_function("() => NL.names.state.settings.lr === 0.01", timeout=TIMEOUT)
    assert page.inner_text('[data-error="hidden"]') == ""  # the lab changed: errors cleared


def test_the_address_restores_a_run(page, lab) -> None:
    open_names(page, lab, "&model=wavenet&context=8&hidden=24&embedding=6&optimizer=sgd&lr=0.1")
    expected = NamesSettings(
        model="wavenet", context=8, hidden=24, embedding=6, optimizer="sgd", lr=0.1
    )
    assert session(lab).settings == expected
    assert page.input_value("#model") == "wavenet"
    assert page.input_value("#context") == "8"
    assert page.input_value("#optimizer") == "sgd"
    assert page.input_value("#lr") == "0.1"
    assert page.locator("#histograms .histogram").count() == 3  # three levels of pairs
    page.goto(names_url(lab, "&context=99"))
    page.wait_for_function("() => NL.names.ready && NL.names.frame", timeout=TIMEOUT)
    page.wait_for_selector('[data-error="context"].shown', timeout=TIMEOUT)
    assert "from 1 to 16" in page.inner_text('[data-error="context"]')
    assert session(lab).settings == NamesSettings()  # the defaults instead
    assert "context=99" not in page.url


def test_temperature_and_a_sample_explained(page, lab) -> None:
    open_names(page, lab)
    page.click("#step")
    page.wait_for_function("() => NL.names.frame.step === 1", timeout=TIMEOUT)
    page.eval_on_selector(
        "#temperature", "el => { el.value = '0.5'; el.dispatchEvent(new Event('change')); }"
    )
    page.wait_for_function("() => NL.names.frame.temperature === 0.5", timeout=TIMEOUT)
    assert session(lab).settings.temperature == 0.5
    assert session(lab).steps == 1
    words = page.evaluate("() => NL.names.samples")
    assert words == session(lab).samples
    page.locator("#samples .sample").nth(0).click()
    page.wait_for_selector("#explain:not([hidden])", timeout=TIMEOUT)
    word = words[0]
    ends = len(word) < 32
    assert page.locator("#explain .position").count() == len(word) + ends
    assert page.locator("#explain rect.bar.drawn").count() == len(word) + ends
    drawn = page.locator("#explain .position-head .drawn").all_inner_texts()
    assert drawn == list(word) + ([". (end)"] if ends else [])


def test_upload_a_word_list_and_a_bad_one(page, lab, tmp_path: Path) -> None:
    open_names(page, lab)
    good = tmp_path / "words.txt"
    good.write_text("\n".join(f"{a}{b}n" for a in "bcdfg" for b in "aeiou") + "\n")
    page.set_input_files("#upload", str(good))
    page.wait_for_function("() => NL.names.state.words.source === 'yours'", timeout=TIMEOUT)
    assert "25 words" in page.inner_text("#words-info")
    assert page.input_value("#words") == "yours"
    bad = tmp_path / "picture.bin"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    page.set_input_files("#upload", str(bad))
    page.wait_for_selector('[data-error="words"].shown', timeout=TIMEOUT)
    assert "NUL byte" in page.inner_text('[data-error="words"]')
    assert session(lab).data.words == 25  # the list is as it was


def test_the_histogram_shows_the_sessions_saturated_share(page, lab) -> None:
    open_names(page, lab)
    layer = page.evaluate("() => NL.names.frame.activations[0]")
    text = page.inner_text("#histograms .hist-sat")
    assert text == f"saturated {100 * layer['saturated']:.1f}%"
    assert page.inner_text("#histograms .hist-name") == "layer 3 (Tanh)"
