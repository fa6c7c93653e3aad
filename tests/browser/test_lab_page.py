"""The lab's page in headless Chromium against a real server (uvicorn on 127.0.0.1, a free port).

Each test starts its own lab and stops it, and saves a screenshot of the page when it fails
(the path is printed).  The numbers the page shows are compared with Python's: the page
computes none of them.
"""

from __future__ import annotations

import base64
import contextlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("uvicorn", reason="the lab's server needs uvicorn (pip install .[lab])")
httpx = pytest.importorskip("httpx", reason="the tests read the lab's answers with httpx")

import neuronlab  # noqa: E402
from neuronlab.lab.card import card  # noqa: E402
from neuronlab.lab.frames import grid_points  # noqa: E402
from neuronlab.lab.launch import LabServer  # noqa: E402
from neuronlab.lab.network import read_classes  # noqa: E402
from neuronlab.lab.session import LabSession  # noqa: E402
from neuronlab.lab.settings import DATASETS as DATASETS_OFFERED  # noqa: E402
from neuronlab.lab.settings import LabSettings  # noqa: E402
from neuronlab.losses import LOSSES  # noqa: E402
from neuronlab.nn.activations import ACTIVATIONS  # noqa: E402
from neuronlab.nn.init import INITS  # noqa: E402
from neuronlab.optim import OPTIMIZERS  # noqa: E402

TIMEOUT = 20_000  # ms: generous for a busy 2-core machine; no test waits on a clock


@pytest.fixture
def lab() -> Iterator[LabServer]:
    server = LabServer("127.0.0.1", 0).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(chromium: Any, lab: LabServer, tmp_path: Path, request: pytest.FixtureRequest):
    """A page of the lab at 1280×800 that records errors and any request outside the server."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
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
    if getattr(request.node, "lab_failed", False):
        shot = tmp_path / f"{request.node.name}.png"
        with contextlib.suppress(Exception):
            page.screenshot(path=str(shot))
            print(f"screenshot of the failing page: {shot}")
    context.close()


def open_lab(page: Any, lab: LabServer, query: str = "") -> None:
    page.goto(lab.url + query)
    page.wait_for_function("() => window.NL && NL.app.ready && NL.app.frame", timeout=TIMEOUT)
    page.wait_for_selector("#connection.on", timeout=TIMEOUT)


def server_state(lab: LabServer) -> dict[str, Any]:
    return httpx.get(lab.url.replace("/?", "/api/state?"), timeout=10).json()


def shown_step(page: Any) -> int:
    return int(page.inner_text("#stepcount").replace(",", ""))


def heatmap(page: Any) -> str:
    return page.eval_on_selector("#plane canvas.heat", "c => c.toDataURL()")


def click_point(page: Any, x1: float, x2: float) -> None:
    box = page.locator("#plane .plane-box").bounding_box()
    page.mouse.click(
        box["x"] + (x1 + 6) / 12 * box["width"], box["y"] + (6 - x2) / 12 * box["height"]
    )


@contextlib.contextmanager
def failing_shot(page: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    try:
        yield
    except BaseException:
        request.node.lab_failed = True
        raise


# -- the tests -----------------------------------------------------------------------------------


def test_the_page_loads_with_the_token_and_a_request_without_it_is_refused(page, lab, request):
    with failing_shot(page, request):
        open_lab(page, lab)
        assert page.title() == "neuronlab lab"
        assert page.locator(".node.neuron").count() == 6  # the default 4-2 network
        assert page.locator(".node.feature").count() == 7
        assert page.locator("#datasets .dataset.on").inner_text() == "circles"
        assert page.inner_text("#stepcount") == "0"
        bare = lab.url.split("?")[0]
        for path in ("", "api/state", "static/app.js"):
            assert httpx.get(bare + path, timeout=10).status_code == 403, path
        assert httpx.get(lab.url.replace("/?", "/api/state?"), timeout=10).status_code == 200
        assert page.problems == []


def test_the_menus_are_the_registries_and_a_new_optimiser_trains(page, lab, request):
    with failing_shot(page, request):
        open_lab(page, lab)
        options = "els => els.map(e => [e.value, e.textContent, e.title])"
        for field, registry in [("optimizer", OPTIMIZERS), ("init", INITS)]:
            shown = page.eval_on_selector_all(f"#{field} option", options)
            assert shown == [[e.name, e.label, e.summary] for e in registry.values()], field
        losses = page.eval_on_selector_all("#loss option", "els => els.map(e => e.value)")
        assert losses == ["auto", *LOSSES.names]
        activations = page.eval_on_selector_all(
            "select.activation:first-of-type option", "els => els.map(e => e.value)"
        )
        assert activations == list(ACTIVATIONS) * 2  # the default network's two hidden layers
        buttons = page.eval_on_selector_all(
            "#datasets .dataset", "els => els.map(e => e.dataset.name)"
        )
        assert buttons == list(DATASETS_OFFERED)
        assert page.is_hidden("#classes-row")  # circles has its two named classes
        page.click('.dataset[data-name="blobs"]')
        page.wait_for_function("() => NL.app.state.settings.dataset === 'blobs'", timeout=TIMEOUT)
        assert page.is_visible("#classes-row")  # blobs takes a number of classes
        page.select_option("#optimizer", "adamw")  # not offered by the page before the registry
        page.wait_for_function("() => NL.app.state.settings.optimizer === 'adamw'", timeout=TIMEOUT)
        page.click("#step")
        page.wait_for_function("() => NL.app.frame.step === 1", timeout=TIMEOUT)
        assert server_state(lab)["settings"]["optimizer"] == "adamw"
        assert page.problems == []


def test_the_spiral_trains_and_pause_stops_and_step_steps_once(page, lab, request):
    with failing_shot(page, request):
        open_lab(page, lab)
        page.click('.dataset[data-name="spiral"]')
        page.wait_for_function("() => NL.app.state.settings.dataset === 'spiral'", timeout=TIMEOUT)
        before_map, before_loss = heatmap(page), float(page.inner_text("#train-loss"))
        page.click("#play")
        page.wait_for_function(
            f"() => NL.app.frame.step >= 400 && NL.app.frame.train.loss < {before_loss} - 0.05",
            timeout=TIMEOUT,
        )
        assert float(page.inner_text("#train-loss")) < before_loss
        assert heatmap(page) != before_map
        assert page.get_attribute("#play", "aria-label") == "pause"
        page.click("#play")
        page.wait_for_selector('#play[aria-label="play"]', timeout=TIMEOUT)
        stopped = server_state(lab)["frame"]["step"]
        page.wait_for_function(f"() => NL.app.frame.step === {stopped}", timeout=TIMEOUT)
        page.wait_for_timeout(1000)  # nothing to wait for: pausing means nothing arrives
        assert shown_step(page) == stopped == server_state(lab)["frame"]["step"]
        page.click("#step")
        page.wait_for_function(f"() => NL.app.frame.step === {stopped + 1}", timeout=TIMEOUT)
        assert server_state(lab)["frame"]["step"] == stopped + 1 == shown_step(page)
        assert page.problems == []


def test_the_neuron_card_shows_pythons_numbers(page, lab, request):
    with failing_shot(page, request):
        open_lab(page, lab, "&dataset=xor&seed=3&hidden=5,3")
        for _ in range(3):
            page.click("#step")
        page.wait_for_function("() => NL.app.frame.step === 3", timeout=TIMEOUT)
        page.click('.node.neuron[data-neuron="2:1"]')
        x1, x2 = page.evaluate("NL.app.state.points[11]")[:2]
        click_point(page, x1, x2)
        page.wait_for_selector(".card-table", timeout=TIMEOUT)
        index = int(page.inner_text("#inspect-what").split("point #")[1].split()[0])
        shown = {
            key: float(page.get_attribute(f'.strip-item [data-key="{key}"]', "data-value"))
            for key in ("z", "output", "loss", "delta")
        }
        rows = page.eval_on_selector_all(
            ".card-table tbody tr",
            "rows => rows.map(r => [...r.querySelectorAll('td.num')].map(c => c.dataset.value))",
        )
        session = LabSession(LabSettings(dataset="xor", seed=3, hidden=(5, 3)))
        session.step(3)
        expected = card(session, 2, 1, index)
        assert shown == {k: expected[k] for k in shown}
        for i, row in enumerate(rows[:-1]):  # one row per input, then the bias
            numbers = [float(v) for v in row if v is not None]
            assert numbers == [
                expected["inputs"][i]["value"],
                expected["weights"][i],
                expected["terms"][i],
                expected["grads"]["weights"][i],
                *expected["update"]["weights"][i],
            ]
        assert [float(v) for v in rows[-1] if v is not None][-3:] == [
            expected["grads"]["bias"],
            *expected["update"]["bias"],
        ]
        assert "z2.1 = " in page.inner_text(".card-lines pre")
        assert page.problems == []


def test_the_backward_step_through_of_the_tanh_neuron(page, lab, request):
    with failing_shot(page, request):
        open_lab(page, lab, "&preset=tanh-neuron")
        page.wait_for_selector("#preset-note:not([hidden])", timeout=TIMEOUT)
        assert "x₁ = 2" in page.inner_text("#preset-sentence")
        page.click('.node.neuron[data-neuron="1:0"]')
        page.click("#tab-walk")
        click_point(page, 2.0, 0.0)
        page.wait_for_selector(".walk-graph", timeout=TIMEOUT)
        assert "point #0" in page.inner_text("#inspect-what")
        revealed: list[tuple[str, str]] = []
        for _ in range(
            page.evaluate("document.getElementById('walk').walkView.walk.backward.length")
        ):
            before = grads_shown(page)
            page.click("text=◂ step backward")
            after = grads_shown(page)
            revealed += [(name, after[name]) for name in after if name not in before]
            assert page.locator(".walk-graph .edge.lit").count() >= 1
            assert "= " in page.inner_text(".walk-text")
        wanted = {"w1.0.0": "1", "w1.0.1": "0", "x1": "-1.5", "x2": "0.5"}
        order = [name for name, _ in revealed if name in wanted]
        assert order == ["w1.0.0", "w1.0.1", "x1", "x2"]  # backward's order
        for name, text in revealed:
            if name in wanted:
                assert math.isclose(float(text.split()[1]), float(wanted[name]), abs_tol=1e-9)
        assert page.problems == []


def grads_shown(page: Any) -> dict[str, str]:
    """Box name -> its grad cell, for the boxes whose gradient the page shows."""
    return page.eval_on_selector_all(
        ".walk-graph g.box",
        """boxes => Object.fromEntries(boxes
             .map(b => [b.querySelector('text.name'), b.querySelector('text.grad')])
             .filter(([n, g]) => n && g && !g.classList.contains('hidden-value'))
             .map(([n, g]) => [n.textContent, g.textContent]))""",
    )


THREE_CLASSES = "x1,x2,label\n" + "".join(
    f"{3 * math.cos(a):.3f},{3 * math.sin(a):.3f},{k}\n"
    for k in range(3)
    for a in np.linspace(2 * math.pi * k / 3, 2 * math.pi * k / 3 + 1.6, 15).tolist()
)


def test_a_three_class_csv_trains_and_errors_show_beside_their_control(page, lab, request):
    with failing_shot(page, request):
        open_lab(page, lab)
        page.set_input_files(
            "#upload", files=[{"name": "three.csv", "mimeType": "text/csv", "buffer": b"1,2\n"}]
        )
        error = page.locator('[data-error="csv"]')
        error.wait_for(state="visible", timeout=TIMEOUT)
        assert "line 1: 2 numbers; expected 3 per row" in error.inner_text()
        assert len(server_state(lab)["points"]) == 500
        assert page.evaluate("NL.app.state.points.length") == 500
        page.fill("#points", "5")
        page.press("#points", "Enter")
        points_error = page.locator('[data-error="points"]')
        points_error.wait_for(state="visible", timeout=TIMEOUT)
        assert "from 10 to 10,000, got 5" in points_error.inner_text()
        assert server_state(lab)["settings"]["points"] == 500
        page.set_input_files(
            "#upload",
            files=[{"name": "three.csv", "mimeType": "text/csv", "buffer": THREE_CLASSES.encode()}],
        )
        page.wait_for_function("() => NL.app.state.classes === 3", timeout=TIMEOUT)
        assert not error.is_visible()
        assert "class 2" in page.inner_text("#legend")
        assert page.locator(".node.out").count() == 3
        start = float(page.inner_text("#train-loss"))
        page.click("#play")
        page.wait_for_function(f"() => NL.app.frame.train.loss < {start} - 0.1", timeout=TIMEOUT)
        page.click("#play")
        page.wait_for_selector('#play[aria-label="play"]', timeout=TIMEOUT)
        assert page.problems == []


def test_a_diverged_run_pauses_and_says_why(page, lab, request):
    with failing_shot(page, request):
        open_lab(page, lab, "&dataset=plane&lr=10")
        page.click("#play")
        banner = page.locator("#banner")
        banner.wait_for(state="visible", timeout=TIMEOUT)
        assert "training diverged" in banner.inner_text()
        page.wait_for_selector('#play[aria-label="play"]', timeout=TIMEOUT)
        assert not server_state(lab)["playing"]
        assert page.problems == []


def test_the_exported_model_predicts_what_the_page_showed(page, lab, request, tmp_path):
    with failing_shot(page, request):
        open_lab(page, lab, "&dataset=moons&features=x1,x2,x1%5E2&hidden=6")
        for _ in range(20):
            page.click("#step")
        page.wait_for_function("() => NL.app.frame.step === 20", timeout=TIMEOUT)
        shown = page.evaluate("NL.app.frame.output")
        page.click("details.export summary")
        with page.expect_download(timeout=TIMEOUT) as download:
            page.click("#export-model")
        path = tmp_path / "model.npz"
        download.value.save_as(path)
        model = neuronlab.load(path)
        session = LabSession(
            LabSettings.from_query({"dataset": "moons", "features": "x1,x2,x1^2", "hidden": "6"})
        )
        grid = session.inputs(grid_points(shown["size"]))
        outputs = neuronlab.predict(model, grid).reshape(len(grid), -1)
        classes, _ = read_classes(outputs, session.head)
        page_classes = np.frombuffer(base64.b64decode(shown["classes"]), dtype=np.uint8)
        assert np.array_equal(classes, page_classes)
        assert page.problems == []


def test_reloading_the_url_gives_the_same_loss_after_the_same_steps(page, lab, request):
    with failing_shot(page, request):
        open_lab(page, lab)
        page.click('.dataset[data-name="moons"]')
        page.wait_for_function("() => NL.app.state.settings.dataset === 'moons'", timeout=TIMEOUT)
        page.select_option("#lr", "0.1")
        page.wait_for_function("() => NL.app.state.settings.lr === 0.1", timeout=TIMEOUT)
        page.click("#add-layer")
        page.wait_for_function("() => NL.app.state.settings.hidden.length === 3", timeout=TIMEOUT)
        assert "dataset=moons" in page.url
        assert "lr=0.1" in page.url
        assert "hidden=4%2C2%2C2" in page.url
        losses = []
        for _ in range(2):
            for _ in range(7):
                page.click("#step")
            page.wait_for_function("() => NL.app.frame.step === 7", timeout=TIMEOUT)
            losses.append(
                (page.inner_text("#train-loss"), server_state(lab)["frame"]["train"]["loss"])
            )
            page.reload()
            page.wait_for_function(
                "() => window.NL && NL.app.ready && NL.app.frame.step === 0", timeout=TIMEOUT
            )
        assert losses[0] == losses[1]
        assert server_state(lab)["settings"]["hidden"] == [4, 2, 2]
        assert page.problems == []
