"""The lab's server (lab/server.py, runner.py, access.py): every endpoint of docs/lab.md through
Starlette's TestClient -- what it answers, how it refuses (403 without the token or from another
origin, 400 naming the field, 413 for too large a body, 500 for a failure) and that a refusal
leaves the lab as it was -- then the WebSocket, the play loop, and the ``neuronlab lab`` command.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from typing import Any

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the lab's server needs starlette (pip install .[lab])")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

with warnings.catch_warnings():  # starlette 1.x notes its TestClient will move to httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from starlette.websockets import WebSocketDisconnect

import neuronlab
from neuronlab.lab.card import card
from neuronlab.lab.messages import dumps
from neuronlab.lab.problem import MAX_CSV_BYTES
from neuronlab.lab.runner import Outbox
from neuronlab.lab.server import create_app
from neuronlab.lab.session import LabSession
from neuronlab.lab.settings import LabSettings
from neuronlab.tensor import Tensor, no_grad
from neuronlab.worked import TANH_NEURON_BIAS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "test-token-123"
AUTH = {"X-Lab-Token": TOKEN}


@pytest.fixture
def lab():
    """A TestClient on a fresh lab (one event loop for the whole test, as a real server has)."""
    with TestClient(create_app(token=TOKEN), raise_server_exceptions=False) as client:
        yield client


def session_of(client: TestClient) -> LabSession:
    return client.app.state.runner.session  # type: ignore[attr-defined]


def post(client: TestClient, path: str, body: Any = None, **kw: Any):
    return client.post(path, json={} if body is None else body, headers=AUTH, **kw)


def snapshot(client: TestClient) -> dict[str, Any]:
    """What a refusal must leave as it was: the settings, the points, the weights, the step."""
    s = client.get("/api/state", headers=AUTH).json()
    return {
        "rev": s["rev"],
        "settings": s["settings"],
        "points": s["points"],
        "weights": s["frame"]["weights"],
        "step": s["frame"]["step"],
    }


def assert_refused(response, status: int, field: str | None, says: str = "") -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert says in body["error"], body
    if field is not None:
        assert body.get("field") == field, body


# -- access: the token and the origin --------------------------------------------------------


def test_the_page_needs_the_token_and_sets_its_cookie(lab):
    refused = lab.get("/")
    assert refused.status_code == 403
    assert "token" in refused.json()["error"]
    assert lab.get("/?token=wrong").status_code == 403
    page = lab.get(f"/?token={TOKEN}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f"static/app.js?token={TOKEN}" in page.text
    assert "{{token}}" not in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"neuronlab_lab_token={TOKEN}")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    # the cookie alone now opens the API, as the page's own requests do
    lab.cookies.set("neuronlab_lab_token", TOKEN)
    assert lab.get("/api/state").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/state", "/api/data.csv", "/api/presets", "/static/app.js", "/api/export/run.py"],
)
def test_every_get_needs_the_token(lab, path):
    assert lab.get(path).status_code == 403
    assert lab.get(path, headers={"X-Lab-Token": "nope"}).status_code == 403
    assert lab.get(path, headers=AUTH).status_code == 200
    assert lab.get(path, params={"token": TOKEN}).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/settings", {"changes": {"lr": 0.1}}),
        ("/api/step", {"count": 1}),
        ("/api/reset", {}),
        ("/api/points", {"action": "add", "x1": 1, "x2": 1, "label": 1}),
        ("/api/weight", {"layer": 1, "neuron": 0, "input": 0, "value": 2.0}),
        ("/api/play", {}),
    ],
)
def test_a_change_from_another_page_is_refused_and_changes_nothing(lab, path, body):
    before = snapshot(lab)
    assert lab.post(path, json=body).status_code == 403  # no token
    foreign = {**AUTH, "Origin": "http://evil.example"}
    refused = lab.post(path, json=body, headers=foreign)
    assert_refused(refused, 403, None, "the lab's own page")
    assert snapshot(lab) == before
    assert not lab.app.state.runner.playing
    own = lab.post(path, json=body, headers={**AUTH, "Origin": "http://testserver"})
    assert own.status_code == 200, own.text


def test_answers_carry_the_security_headers(lab):
    for response in (lab.get(f"/?token={TOKEN}"), lab.get("/api/state", headers=AUTH)):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"


def test_the_page_loads_nothing_from_elsewhere(lab):
    page = lab.get(f"/?token={TOKEN}").text
    for name in ("src", "href"):
        for value in re.findall(rf'{name}="([^"]*)"', page):
            assert value.startswith(("static/", "data:")), value
    for path in [p for p in _static_files() if p.endswith((".js", ".css"))]:
        text = lab.get(f"/static/{path}", headers=AUTH).text
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text


def _static_files() -> list[str]:
    from neuronlab.lab.server import STATIC

    return sorted(p.name for p in STATIC.iterdir())


def test_unknown_paths_and_methods_are_json(lab):
    missing = lab.get("/api/nothing", headers=AUTH)
    assert missing.status_code == 404
    assert "/api/nothing" in missing.json()["error"]
    assert lab.get("/api/step", headers=AUTH).status_code == 405


# -- the state and the settings ---------------------------------------------------------------


def test_the_state_is_the_contracts(lab):
    state = lab.get("/api/state", headers=AUTH).json()
    session = session_of(lab)
    assert state["type"] == "state"
    assert state["task"] == "classification"
    assert state["settings"]["hidden"] == [4, 2]
    assert state["query"] == {}
    assert state["classes"] == 2
    assert state["domain"] == 6.0
    assert len(state["points"]) == session.problem.size == 500
    x1, x2, _label, part = state["points"][0]
    assert [x1, x2] == session.problem.X[0].tolist()
    assert part in ("train", "test")
    assert sum(p[3] == "test" for p in state["points"]) == len(session.problem.test)
    assert state["features"]["x1^2"] == "x₁²"
    assert set(state["feature_maps"]) == set(state["features"])
    assert state["head"] == {"loss": "bce", "outputs": 1, "activation": "sigmoid"}
    frame = state["frame"]
    assert frame["type"] == "frame"
    assert frame["step"] == 0
    assert frame["rev"] == state["rev"]
    assert {"train", "test", "weights", "output", "neurons", "diverged", "warnings"} <= set(frame)
    assert len(frame["neurons"]) == 6
    assert frame["output"]["kind"] == "classes"


def test_settings_change_and_answer_the_new_state(lab):
    state = post(lab, "/api/settings", {"changes": {"dataset": "spiral", "classes": 3}}).json()
    assert state["settings"]["dataset"] == "spiral"
    assert state["classes"] == 3
    assert state["query"] == {"dataset": "spiral", "classes": "3"}
    assert state["head"]["loss"] == "cross_entropy"
    assert state["head"]["outputs"] == 3


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"changes": {"lr": -1}}, "lr", "expected a number above 0"),
        ({"changes": {"hidden": [4] * 7}}, "hidden", "at most 6 hidden layers"),
        ({"changes": {"hidden": [4, 17]}}, "hidden[1]", "from 1 to 16"),
        ({"changes": {"classes": 7}}, "classes", "from 2 to 6"),
        ({"changes": {"points": 10_001}}, "points", "from 10 to 10,000"),
        ({"changes": {"speed": 2}}, "speed", "unknown setting"),
        ({"changes": [1, 2]}, "settings", "expected"),
        ({}, "settings", "expected"),
        ({"query": {"lr": "fast"}}, "lr", "expected a number in the URL"),
        ({"query": ["lr"]}, "query", "texts"),
    ],
)
def test_a_bad_setting_is_a_400_naming_it_and_changes_nothing(lab, body, field, says):
    post(lab, "/api/step", {"count": 3})
    before = snapshot(lab)
    assert_refused(post(lab, "/api/settings", body), 400, field, says)
    assert snapshot(lab) == before


@pytest.mark.parametrize(
    ("content", "status", "says"),
    [
        (b"{not json", 400, "not JSON"),
        (b"[1, 2]", 400, "got list"),
        (b"\xff\xfe", 400, "not JSON"),
        (b'{"changes": {"lr": 0.1}, "pad": "' + b"x" * (64 * 1024) + b'"}', 413, "at most 64 KB"),
    ],
)
def test_a_bad_or_oversized_body_is_refused(lab, content, status, says):
    before = snapshot(lab)
    response = lab.post("/api/settings", content=content, headers=AUTH)
    assert_refused(response, status, "body", says)
    assert snapshot(lab) == before


def test_a_body_longer_than_it_says_is_still_cut_at_the_limit(lab):
    def chunks():
        for _ in range(100):
            yield b" " * 1024  # 100 KB of spaces, sent without a Content-Length

    response = lab.post("/api/step", content=chunks(), headers=AUTH)
    assert_refused(response, 413, "body", "at most 64 KB")


def test_the_url_reproduces_the_run_from_its_start(lab):
    query = {"dataset": "moons", "hidden": "6,3", "lr": "0.1", "seed": "7", "noise": "0.2"}
    first = post(lab, "/api/settings", {"query": query}).json()
    assert first["query"] == query
    assert first["frame"]["step"] == 0
    loss = post(lab, "/api/step", {"count": 40}).json()["train"]["loss"]
    again = post(lab, "/api/settings", {"query": query}).json()  # reloading the page
    assert again["frame"]["step"] == 0
    assert again["frame"]["weights"] == first["frame"]["weights"]
    assert post(lab, "/api/step", {"count": 40}).json()["train"]["loss"] == loss
    default = post(lab, "/api/settings", {"query": {}}).json()
    assert default["settings"] == post(lab, "/api/reset").json()["settings"]
    assert default["settings"]["dataset"] == "circles"


# -- training ---------------------------------------------------------------------------------


def test_step_trains_exactly_the_steps_asked_for(lab):
    assert post(lab, "/api/step").json()["step"] == 1  # one by default
    frame = post(lab, "/api/step", {"count": 9}).json()
    assert frame["step"] == 10
    assert session_of(lab).steps == 10
    assert frame["epoch"] == pytest.approx(10 / 25)  # 250 training points, batches of 10
    session = LabSession()
    session.step(10)
    assert frame["train"]["loss"] == session.figures()["train"]["loss"]  # the engine's own


@pytest.mark.parametrize(
    ("count", "says"),
    [(0, "from 1 to 1,000, got 0"), (1001, "got 1001"), ("3", "whole number"), (True, "whole")],
)
def test_a_bad_step_count_is_refused(lab, count, says):
    before = snapshot(lab)
    assert_refused(post(lab, "/api/step", {"count": count}), 400, "count", says)
    assert snapshot(lab) == before


def test_reset_gives_the_starting_weights_again(lab):
    start = snapshot(lab)
    post(lab, "/api/step", {"count": 20})
    state = post(lab, "/api/reset").json()
    assert state["frame"]["step"] == 0
    assert state["frame"]["weights"] == start["weights"]
    assert state["rev"] > start["rev"]


# -- the data -------------------------------------------------------------------------------


def test_points_are_added_and_removed(lab):
    state = post(lab, "/api/points", {"action": "add", "x1": 0.2, "x2": -0.1, "label": 1}).json()
    assert state["settings"]["dataset"] == "custom"
    assert len(state["points"]) == 501
    assert [0.2, -0.1, 1] in [p[:3] for p in state["points"]]
    state = post(lab, "/api/points", {"action": "remove", "x1": 0.25, "x2": -0.05}).json()
    assert len(state["points"]) == 500
    assert [0.2, -0.1, 1] not in [p[:3] for p in state["points"]]


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"action": "add", "x1": 7, "x2": 0, "label": 1}, "x1", "from -6 to 6"),
        ({"action": "add", "x1": 0, "x2": "a", "label": 1}, "x2", "expected a number"),
        ({"action": "add", "x1": 0, "x2": 0, "label": 6}, "label", "class from 0 to 5"),
        ({"action": "add", "x1": 0, "x2": 0}, "label", "expected a number"),
        ({"action": "move", "x1": 0, "x2": 0}, "action", "expected one of add, remove"),
        ({"action": "remove", "x1": 5.9, "x2": -5.9}, "point", "no point near"),
    ],
)
def test_a_bad_point_is_refused(lab, body, field, says):
    before = snapshot(lab)
    assert_refused(post(lab, "/api/points", body), 400, field, says)
    assert snapshot(lab) == before


THREE_CLASSES = "x1,x2,label\n" + "".join(
    f"{3 * np.cos(a):.3f},{3 * np.sin(a):.3f},{k}\n"
    for k in range(3)
    for a in np.linspace(2 * np.pi * k / 3, 2 * np.pi * k / 3 + 1.5, 12)
)


def test_a_three_class_csv_uploads_and_trains(lab):
    state = lab.post("/api/upload", content=THREE_CLASSES.encode(), headers=AUTH).json()
    assert state["classes"] == 3
    assert state["settings"]["dataset"] == "custom"
    assert len(state["points"]) == 36
    assert state["head"]["loss"] == "cross_entropy"
    before = state["frame"]["train"]["loss"]
    after = post(lab, "/api/step", {"count": 200}).json()["train"]["loss"]
    assert after < before
    csv = lab.get("/api/data.csv", headers=AUTH)
    assert csv.headers["content-type"].startswith("text/csv")
    rows = csv.text.strip().splitlines()
    assert rows[0] == "x1,x2,label"
    assert len(rows) == 37
    again = lab.post("/api/upload", content=csv.content, headers=AUTH).json()
    assert [p[:3] for p in again["points"]] == [p[:3] for p in state["points"]]


@pytest.mark.parametrize(
    ("content", "status", "says"),
    [
        (b"x1,x2,label\n1,2,0\n1,two,1\n", 400, "line 3: 'two' is not a number"),
        (b"1,2\n", 400, "line 1: 2 numbers; expected 3 per row"),
        (b"9,0,1\n" * 20, 400, "outside the plane"),
        (b"0,0,0\n1,1,1\n", 400, "at least 10 points"),
        (b"0,0,1\n" * 10_001, 400, "more than 10,000 rows"),
        (b"0,0,1\n" * (MAX_CSV_BYTES // 6 + 1), 413, "at most 2.0 MB"),
    ],
)
def test_a_bad_csv_shows_why_and_changes_nothing(lab, content, status, says):
    before = snapshot(lab)
    response = lab.post("/api/upload", content=content, headers=AUTH)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]
    assert response.json()["field"] in ("csv", "points")
    assert snapshot(lab) == before


# -- the network by hand, the card, the step-through -------------------------------------------


def test_a_weight_is_set_by_hand(lab):
    state = post(lab, "/api/weight", {"layer": 2, "neuron": 1, "input": 3, "value": -2.5}).json()
    assert state["frame"]["weights"][1]["weight"][1][3] == -2.5
    state = post(lab, "/api/weight", {"layer": 3, "neuron": 0, "input": -1, "value": 0.75}).json()
    assert state["frame"]["weights"][2]["bias"] == [0.75]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"layer": 4, "neuron": 0, "input": 0, "value": 1.0}, "layer"),
        ({"layer": 1, "neuron": 4, "input": 0, "value": 1.0}, "neuron"),
        ({"layer": 1, "neuron": 0, "input": 2, "value": 1.0}, "input"),
        ({"layer": 1, "neuron": 0, "input": 0, "value": "big"}, "value"),
        ({"layer": 1, "neuron": 0, "input": 0, "value": 1e9}, "value"),
        ({"layer": 1, "neuron": 0, "input": 0}, "value"),
    ],
)
def test_a_bad_weight_is_refused(lab, body, field):
    before = snapshot(lab)
    assert_refused(post(lab, "/api/weight", body), 400, field)
    assert snapshot(lab) == before


def test_the_card_is_pythons_card(lab):
    post(lab, "/api/settings", {"changes": {"seed": 3, "dataset": "xor"}})
    post(lab, "/api/step", {"count": 30})
    answer = post(lab, "/api/card", {"layer": 1, "neuron": 2, "point": 17}).json()
    session = LabSession(LabSettings(seed=3, dataset="xor"))
    session.step(30)
    assert answer == json.loads(dumps(card(session, 1, 2, 17)))
    assert answer["z"] == pytest.approx(sum(answer["terms"]) + answer["bias"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"layer": 1, "neuron": 9, "point": 0}, "neuron"),
        ({"layer": 0, "neuron": 0, "point": 0}, "layer"),
        ({"layer": 1, "neuron": 0, "point": 500}, "point"),
        ({"layer": 1, "neuron": 0, "point": -1}, "point"),
        ({"layer": 1, "neuron": 0}, "point"),
    ],
)
def test_a_bad_card_request_is_refused(lab, body, field):
    assert_refused(post(lab, "/api/card", body), 400, field)


def tanh_neuron(client: TestClient) -> dict[str, Any]:
    """The tanh neuron of the learner's path, set up through the API (no preset needed)."""
    post(client, "/api/settings", {"changes": {"hidden": [1], "activations": ["tanh"]}})
    rows = "2,0,1\n" + "".join(f"{i * 0.5 - 3},{(i % 3) - 1},{i % 2}\n" for i in range(12))
    client.post("/api/upload", content=rows.encode(), headers=AUTH)
    for i, value in ((0, -3.0), (1, 1.0), (-1, TANH_NEURON_BIAS)):
        post(client, "/api/weight", {"layer": 1, "neuron": 0, "input": i, "value": value})
    return post(client, "/api/stepthrough", {"point": 0, "root": {"layer": 1, "neuron": 0}}).json()


def test_the_step_through_of_the_tanh_neuron(lab):
    walk = tanh_neuron(lab)
    grads = {g["name"]: g["grad"] for g in walk["gradients"]}
    assert grads["x1"] == pytest.approx(-1.5)
    assert grads["w1.0.0"] == pytest.approx(1.0)
    assert grads["x2"] == pytest.approx(0.5)
    assert grads["w1.0.1"] == pytest.approx(0.0)
    names = {n["id"]: n["cells"][0] for n in walk["nodes"]}
    order = [names[s["input"]] for s in walk["backward"]]
    assert order.index("w1.0.0") < order.index("w1.0.1") < order.index("x1") < order.index("x2")
    loss = post(lab, "/api/stepthrough", {"point": 0}).json()
    assert loss["root"] == "loss"
    assert loss["backward"][0]["upstream"] == 1.0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"point": 0, "root": "output"}, "root"),
        ({"point": 0, "root": {"layer": 1}}, "neuron"),
        ({"point": 0, "root": {"layer": 1, "neuron": 7}}, "neuron"),
        ({"point": 9999}, "point"),
    ],
)
def test_a_bad_step_through_request_is_refused(lab, body, field):
    assert_refused(post(lab, "/api/stepthrough", body), 400, field)


# -- export and presets (lab/export.py, lab/presets.py) ----------------------------------------


def test_the_exported_model_predicts_what_the_lab_shows(lab, tmp_path):
    post(lab, "/api/settings", {"changes": {"dataset": "moons", "features": ["x1", "x2", "x1^2"]}})
    post(lab, "/api/step", {"count": 50})
    response = lab.get("/api/export/model.npz", headers=AUTH)
    assert response.status_code == 200
    assert "lab-model.npz" in response.headers["content-disposition"]
    (tmp_path / "m.npz").write_bytes(response.content)
    model = neuronlab.load(tmp_path / "m.npz")
    session = session_of(lab)
    inputs = session.inputs(session.problem.X[:20])
    with no_grad():
        expected = session.model(Tensor(inputs, dtype="float64")).data
    assert np.allclose(neuronlab.predict(model, inputs).reshape(expected.shape), expected)
    for name in ("run.py", "pytorch_model.py"):
        script = lab.get(f"/api/export/{name}", headers=AUTH)
        assert script.status_code == 200
        assert "import" in script.text
    assert_refused(lab.get("/api/export/model.pkl", headers=AUTH), 400, "export")


def test_presets_are_listed_and_applied(lab):
    listed = lab.get("/api/presets", headers=AUTH).json()
    assert listed
    assert all(set(p) == {"name", "title", "sentence"} for p in listed)
    names = [p["name"] for p in listed]
    assert "tanh-neuron" in names
    state = post(lab, "/api/preset", {"name": "tanh-neuron"}).json()
    assert state["settings"]["hidden"] == [1]
    assert state["points"][0][:2] == [2.0, 0.0]
    before = snapshot(lab)
    assert_refused(post(lab, "/api/preset", {"name": "nope"}), 400, "name", "unknown preset")
    assert_refused(post(lab, "/api/preset", {"name": 3}), 400, "name")
    assert snapshot(lab) == before


# -- failures: a 500, and the server carries on ---------------------------------------------------


def test_an_unexpected_failure_is_a_500_and_the_lab_carries_on(lab, monkeypatch):
    def broken(count: int = 1) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(session_of(lab), "step", broken)
    response = post(lab, "/api/step", {"count": 1})
    assert response.status_code == 500
    assert "RuntimeError: a bug" in response.json()["error"]
    assert lab.get("/api/state", headers=AUTH).status_code == 200
    monkeypatch.undo()
    assert post(lab, "/api/step").json()["step"] == 1


# -- the WebSocket and the play loop ---------------------------------------------------------


def receive_until(ws, wanted, most: int = 400) -> list[dict[str, Any]]:
    """Messages up to and including the first for which wanted(message) is true."""
    seen = []
    for _ in range(most):
        message = ws.receive_json()
        seen.append(message)
        if wanted(message):
            return seen
    raise AssertionError(f"not received in {most} messages: {[m['type'] for m in seen]}")


def test_the_websocket_needs_the_token_and_its_own_origin(lab):
    with pytest.raises(WebSocketDisconnect), lab.websocket_connect("/ws") as ws:
        ws.receive_json()
    foreign = {"origin": "http://evil.example"}
    with (
        pytest.raises(WebSocketDisconnect),
        lab.websocket_connect(f"/ws?token={TOKEN}", headers=foreign) as ws,
    ):
        ws.receive_json()
    with lab.websocket_connect(f"/ws?token={TOKEN}") as ws:
        assert ws.receive_json()["type"] == "state"
        assert ws.receive_json() == {"type": "status", "playing": False}


def test_play_sends_frames_and_pause_stops_them(lab):
    with lab.websocket_connect(f"/ws?token={TOKEN}") as ws:
        receive_until(ws, lambda m: m["type"] == "status")
        assert post(lab, "/api/play").json() == {"playing": True}
        frames = [
            m for m in receive_until(ws, lambda m: m.get("step", 0) >= 60) if m["type"] == "frame"
        ]
        assert len(frames) >= 2
        assert all(f["rev"] == frames[0]["rev"] for f in frames)
        assert frames[-1]["train"]["loss"] is not None
        assert "neurons" in frames[-1]
        # several steps per frame (at most an epoch: 25 batches) once the pace is measured
        assert max(b["step"] - a["step"] for a, b in itertools.pairwise(frames)) > 1
        assert post(lab, "/api/pause").json() == {"playing": False}
        receive_until(ws, lambda m: m == {"type": "status", "playing": False})
        stopped = session_of(lab).steps
        ws.send_json({"cmd": "step", "count": 2, "id": "after-pause"})
        reply = receive_until(ws, lambda m: m.get("id") == "after-pause")[-1]
        assert reply["step"] == stopped + 2  # nothing trained between the pause and this step


def test_websocket_commands_and_their_errors(lab):
    with lab.websocket_connect(f"/ws?token={TOKEN}") as ws:
        receive_until(ws, lambda m: m["type"] == "status")
        ws.send_json({"cmd": "step", "count": 3, "id": 41})
        frame = receive_until(ws, lambda m: m.get("id") == 41)[-1]
        assert frame["type"] == "frame"
        assert frame["step"] == 3
        for bad, field in (
            ({"cmd": "fly"}, "cmd"),
            ({"cmd": "step", "count": 0}, "count"),
            ({}, "cmd"),
        ):
            ws.send_json(bad)
            error = receive_until(ws, lambda m: m["type"] == "error")[-1]
            assert error["field"] == field, error
        ws.send_text("not json")
        assert "JSON" in receive_until(ws, lambda m: m["type"] == "error")[-1]["error"]
        ws.send_bytes(b"\x00\x01")
        assert receive_until(ws, lambda m: m["type"] == "error")[-1]["type"] == "error"
        ws.send_text(json.dumps({"cmd": "play", "pad": "x" * 70_000}))
        assert "64 KB" in receive_until(ws, lambda m: m["type"] == "error")[-1]["error"]
        ws.send_json({"cmd": "reset"})
        state = receive_until(ws, lambda m: m["type"] == "state")[-1]
        assert state["frame"]["step"] == 0


def test_a_change_is_sent_to_every_page_and_pauses_the_run(lab):
    with lab.websocket_connect(f"/ws?token={TOKEN}") as ws:
        receive_until(ws, lambda m: m["type"] == "status")
        post(lab, "/api/play")
        receive_until(ws, lambda m: m["type"] == "frame")
        post(lab, "/api/settings", {"changes": {"lr": 0.1}})  # the lr: training goes on
        state = receive_until(ws, lambda m: m["type"] == "state")[-1]
        assert state["settings"]["lr"] == 0.1
        assert state["playing"]
        post(lab, "/api/settings", {"changes": {"hidden": [3]}})  # a new network: paused
        state = receive_until(ws, lambda m: m["type"] == "state" and m["settings"]["hidden"] == [3])
        assert not state[-1]["playing"]
        assert not lab.app.state.runner.playing
        assert state[-1]["frame"]["step"] == 0


def test_a_diverged_run_pauses_with_its_message(lab):
    post(lab, "/api/settings", {"changes": {"dataset": "plane", "lr": 10.0}})
    with lab.websocket_connect(f"/ws?token={TOKEN}") as ws:
        receive_until(ws, lambda m: m["type"] == "status")
        post(lab, "/api/play")
        seen = receive_until(ws, lambda m: m["type"] == "frame" and m["diverged"])
        frame = seen[-1]
        assert "training diverged" in frame["diverged"]
        assert frame["train"]["loss"] is None
        assert receive_until(ws, lambda m: m["type"] == "status")[-1]["playing"] is False
    state = lab.get("/api/state", headers=AUTH).json()
    assert state["frame"]["diverged"]
    assert not state["playing"]
    assert post(lab, "/api/reset").json()["frame"]["diverged"] is None


def test_the_play_loop_survives_an_error(lab, monkeypatch):
    def broken(count: int = 1) -> None:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(session_of(lab), "step", broken)
    with lab.websocket_connect(f"/ws?token={TOKEN}") as ws:
        receive_until(ws, lambda m: m["type"] == "status")
        post(lab, "/api/play")
        error = receive_until(ws, lambda m: m["type"] == "error")[-1]
        assert "the engine broke" in error["error"]
        assert receive_until(ws, lambda m: m["type"] == "status")[-1]["playing"] is False
        monkeypatch.undo()
        ws.send_json({"cmd": "step", "count": 1, "id": "x"})
        assert receive_until(ws, lambda m: m.get("id") == "x")[-1]["step"] == 1


def test_a_slow_page_gets_the_latest_frame_not_a_queue():
    outbox = Outbox()
    outbox.put("state", "s")
    for i in range(100):
        outbox.put("frame", f"f{i}")
    outbox.put("reply", "r")
    assert list(outbox.waiting) == [("state", "s"), ("frame", "f99"), ("reply", "r")]
    assert not outbox.overflowed
    for i in range(70):
        outbox.put("reply", str(i))
    assert outbox.overflowed


# -- show() in a notebook, and the command -----------------------------------------------------


def test_show_serves_the_page_in_an_iframe():
    import httpx

    from neuronlab.lab import show

    view = show(session=LabSession(LabSettings(dataset="xor")))
    try:
        html = view._repr_html_()
        assert html.startswith("<iframe")
        assert 'src="http://127.0.0.1:' in html
        assert view.url.split("?token=")[1] in html
        page = httpx.get(view.url, timeout=10)
        assert page.status_code == 200
        assert "neuronlab lab" in page.text
        state = httpx.get(view.url.replace("/?", "/api/state?"), timeout=10).json()
        assert state["settings"]["dataset"] == "xor"
        assert httpx.get(view.url.split("?")[0], timeout=10).status_code == 403
        assert show() is not view
        assert show().url == view.url
    finally:
        view.stop()


def test_serve_warns_when_it_serves_beyond_this_machine(monkeypatch, capsys):
    import neuronlab.lab.launch as launch
    from neuronlab.lab import serve

    ran = []

    class Fake:
        def __init__(self, host: str, port: int, session: Any) -> None:
            self.url = f"http://{launch.url_host(host)}:{port}/?token=t"

        def run(self) -> None:
            ran.append(self.url)

    monkeypatch.setattr(launch, "LabServer", Fake)
    serve(port=8123, host="0.0.0.0", open_browser=False)
    out, err = capsys.readouterr()
    assert "warning: serving on 0.0.0.0" in err
    assert ran == ["http://127.0.0.1:8123/?token=t"]
    assert "http://127.0.0.1:8123/?token=t" in out
    serve(port=8124, host="127.0.0.1", open_browser=False)
    assert "warning" not in capsys.readouterr().err
    assert launch.exposure_warning("::1") is None
    assert launch.exposure_warning("192.168.1.5")


CLI = [sys.executable, "-m", "neuronlab.cli"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--port", "-1"], "argument --port: expected a whole number from 0 to 65,535, got -1"),
        (["--port", "99999"], "from 0 to 65,535, got 99999 (0: any free port)"),
        (["--port", "web"], "expected a whole number"),
        (["--host", "my host"], "expected a host name or address"),
        (["--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_a_bad_lab_argument_is_one_line_and_status_2(args, says):
    proc = subprocess.run([*CLI, "lab", *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert says in proc.stderr, proc.stderr


def test_a_taken_port_is_one_line_and_status_2():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [*CLI, "lab", "--port", str(port), "--no-browser"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert f"cannot serve the lab on 127.0.0.1:{port}" in proc.stderr


def test_the_lab_command_prints_its_url_and_stops_on_ctrl_c():
    import httpx

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*CLI, "lab", "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line.startswith("neuronlab lab: http://127.0.0.1:"), line
        url = line.split(": ", 1)[1].strip()
        for _ in range(100):  # the socket is bound before the line is printed; uvicorn starts next
            try:
                page = httpx.get(url, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert page.status_code == 200
        assert "lab-token" in page.text
        assert httpx.get(url.split("?")[0], timeout=5).status_code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert b"neuronlab lab: stopped" in out
    assert b"Traceback" not in err


def test_the_readme_picture_is_a_small_png():
    from pathlib import Path

    picture = Path(__file__).resolve().parent.parent / "docs" / "lab.png"
    data = picture.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 600_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 800)


# -- the page's own style rule ------------------------------------------------------------------

MAX_FUNCTION_LINES = 60


def js_functions(text: str) -> list[tuple[str, int, int]]:
    """(name, first line, lines) of every named function of a script written in the page's style:
    ``function name(...) {`` (or ``const name = (...) => {``) closed by a ``}`` at its indent."""
    lines = text.splitlines()
    opening = re.compile(
        r"^(\s*)(?:async\s+)?function\s+(\w+)|^(\s*)(?:const|let)\s+(\w+)\s*=.*=>\s*\{$"
    )
    found = []
    for i, line in enumerate(lines):
        m = opening.match(line)
        if not m:
            continue
        indent, name = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
        for j in range(i + 1, len(lines)):
            if lines[j].startswith(indent + "}"):
                found.append((name, i + 1, j - i + 1))
                break
        else:
            raise AssertionError(f"function {name} at line {i + 1} has no closing brace")
    return found


def test_the_function_checker_measures_the_page_style():
    script = "  function short(a) {\n    if (a) {\n      return 1;\n    }\n  }\n"
    script += "  const arrow = (b) => {\n" + "    b += 1;\n" * 70 + "  };\n"
    assert js_functions(script) == [("short", 1, 5), ("arrow", 6, 72)]


@pytest.mark.parametrize("name", [p for p in _static_files() if p.endswith(".js")])
def test_the_page_scripts_keep_their_functions_short(name):
    from neuronlab.lab.server import STATIC

    functions = js_functions((STATIC / name).read_text(encoding="utf-8"))
    assert functions, "no functions found: the checker does not read this file"
    long = [
        f"{name}:{line} {fn} ({n} lines)" for fn, line, n in functions if n > MAX_FUNCTION_LINES
    ]
    assert not long, long
