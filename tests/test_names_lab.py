"""The names lab (lab/names_*.py) through Starlette's TestClient, without a browser.

What its API answers (the State, Frames whose numbers are the library's own: ``evaluate``,
``next_character_probabilities``, ``embedding_projection``, ``layer_activations``, the
Trainer's update ratios), how it refuses (400 naming the field for a bad setting or word,
413/400 with a message for a bad upload, 403 without the token or from another origin),
that a refusal leaves the run as it was, and the WebSocket.  ``data.words.parse_words``, the
upload's reader, is checked against ``read_words`` on the same bytes.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the lab's server needs starlette (pip install .[lab])")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

with warnings.catch_warnings():  # starlette 1.x notes its TestClient will move to httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from neuronlab.data.text import context_windows, split_words
from neuronlab.data.words import names, parse_words, read_words
from neuronlab.lab.names_session import NamesSession, prepare
from neuronlab.lab.names_settings import LIMITS, NamesSettings
from neuronlab.lab.server import create_app
from neuronlab.lab.settings import LabInputError
from neuronlab.language.sampling import next_character_probabilities
from neuronlab.training import evaluate
from neuronlab.viz.plots.language import embedding_projection

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "names-token-123"
AUTH = {"X-Lab-Token": TOKEN}
WORDS = [f"{a}{b}{c}" for a in "abcde" for b in "aeiou" for c in "nrst"]  # 100 small words


@pytest.fixture
def lab():
    """A TestClient on a fresh lab (one event loop for the whole test, as a real server has)."""
    with TestClient(create_app(token=TOKEN), raise_server_exceptions=False) as client:
        yield client


def session_of(client: TestClient) -> NamesSession:
    return client.app.state.names_runner.session  # type: ignore[attr-defined]


def post(client: TestClient, path: str, body: Any = None):
    return client.post(path, json={} if body is None else body, headers=AUTH)


def state(client: TestClient) -> dict[str, Any]:
    response = client.get("/names/api/state", headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def upload(client: TestClient, content: bytes):
    headers = {**AUTH, "content-type": "text/plain"}
    return client.post("/names/api/upload", content=content, headers=headers)


def assert_refused(response, status: int, field: str | None, says: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert says in body["error"], body
    assert body.get("field") == field, body


# -- the page and the State ---------------------------------------------------------------------


def test_the_page_carries_the_token_and_loads_nothing_from_elsewhere(lab: TestClient) -> None:
    page = lab.get(f"/names?token={TOKEN}")
    assert page.status_code == 200
    assert f'content="{TOKEN}"' in page.text
    assert "{{token}}" not in page.text
    assert 'id="to-network"' in page.text  # back to the network lab (names.js sets its address)
    assert "neuronlab_lab_token" in page.headers["set-cookie"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for value in re.findall(r'(?:src|href)="([^"]*)"', page.text):
        assert value.startswith(("static/", "data:")), value  # nothing from elsewhere
    assert 'id="to-names"' in lab.get(f"/?token={TOKEN}").text  # and the network lab links here


def test_the_state_describes_the_default_run(lab: TestClient) -> None:
    s = state(lab)
    assert s["settings"] == {
        "model": "mlp",
        "context": 3,
        "embedding": 10,
        "hidden": 200,
        "optimizer": "adamw",
        "lr": 0.003,
        "batch_size": 32,
        "seed": 42,
        "words": "names",
        "temperature": 1.0,
    }
    assert s["query"] == {}
    assert s["parameters"] == 11_897
    assert s["block_size"] == 3
    assert s["words"] == {
        "source": "names",
        "count": 32_033,
        "characters": ".abcdefghijklmnopqrstuvwxyz",
        "examples": 182_625,  # the lectures' 80 % split, as context windows
    }
    assert s["limits"]["hidden"] == [1, 512]
    assert s["limits"]["upload_bytes"] == 512 * 1024
    assert set(s["models"]) == {"bigram", "mlp", "batchnorm", "wavenet"}
    frame = s["frame"]
    assert frame["step"] == 0
    assert len(frame["samples"]) == 10
    assert all(isinstance(w, str) and "." not in w for w in frame["samples"])


def test_a_frames_numbers_are_the_librarys(lab: TestClient) -> None:
    frame = post(lab, "/names/api/step", {"count": 12}).json()
    session = session_of(lab)
    assert frame["step"] == 12 == session.steps
    X, Y = session.data.dev_eval
    assert len(X) == LIMITS.eval_examples
    assert frame["dev"] == pytest.approx(evaluate(session.model, X, Y, "cross_entropy")["loss"])
    assert frame["batch_loss"] == session.trainer.history.batch_loss[-1]
    table = np.asarray(session.model[0].weight.data, dtype=np.float64)
    points, _shares = embedding_projection(table)
    assert np.allclose(frame["embedding"]["points"], points, atol=1e-4)
    assert frame["embedding"]["dimensions"] == 10
    assert len(frame["embedding"]["characters"]) == 27
    (layer,) = frame["activations"]
    assert layer["name"] == "layer 3 (Tanh)"
    assert sum(layer["counts"]) == LIMITS.histogram_examples * 200
    assert 0.0 <= layer["saturated"] <= 1.0
    ratios = frame["ratios"]
    assert ratios["steps"] == [1, 6, 11]
    assert ratios["guide"] == -3.0
    history = session.trainer.history.update_ratios
    assert [s["name"] for s in ratios["series"]] == [
        "layer 0 (Embedding)",
        "layer 2 (Linear)",
        "layer 4 (Linear)",
    ]
    assert ratios["series"][1]["values"] == pytest.approx(history["2.weight"], abs=1e-4)


def test_the_first_loss_is_about_ln_27_and_training_lowers_it(lab: TestClient) -> None:
    start = state(lab)["frame"]
    assert start["train"] == pytest.approx(math.log(27), abs=0.1)  # the small last layer
    after = post(lab, "/names/api/step", {"count": 200}).json()
    assert after["train"] < start["train"] - 0.4
    assert after["dev"] < start["dev"] - 0.4


def test_the_eval_examples_are_the_lectures_split() -> None:
    data = prepare(names(), "names", 3)
    train, dev, _ = split_words(names(), seed=42)
    X, Y = context_windows(train, 3, data.vocabulary)
    assert np.array_equal(data.X, X)
    assert np.array_equal(data.Y, Y)
    Xd, _ = context_windows(dev, 3, data.vocabulary)
    rows = {tuple(r) for r in Xd.tolist()}
    assert all(tuple(r) in rows for r in data.dev_eval[0][:100].tolist())


# -- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"context": 0}, "context", "from 1 to 16"),
        ({"context": 2.5}, "context", "whole number"),
        ({"embedding": 65}, "embedding", "from 2 to 64"),
        ({"hidden": 10_000}, "hidden", "from 1 to 512"),
        ({"batch_size": 0}, "batch_size", "from 1 to 1,024"),
        ({"lr": "fast"}, "lr", "expected a number"),
        ({"lr": 100}, "lr", "1e-05 to 10"),
        ({"lr": 10**400}, "lr", "1e-05 to 10"),
        ({"seed": 10**30}, "seed", "from 0 to 2,147,483,647, got 1000000000000"),
        ({"seed": -1}, "seed", "from 0 to"),
        ({"temperature": 0}, "temperature", "0.05 to 5"),
        ({"model": "gpt"}, "model", "bigram, mlp, batchnorm, wavenet"),
        ({"optimizer": "rmsprop"}, "optimizer", "sgd, momentum, adam, adamw"),
        ({"words": "yours"}, "words", "upload a word list first"),
        ({"model": "wavenet", "context": 3}, "context", "2, 4, 8 or 16"),
        (
            {"model": "wavenet", "context": 16, "embedding": 64, "hidden": 512},
            "hidden",
            "1,000,000",
        ),
        ({"colour": "red"}, "colour", "unknown setting"),
    ],
)
def test_a_bad_setting_is_a_400_naming_it_and_changes_nothing(
    lab: TestClient, changes: dict, field: str, says: str
) -> None:
    post(lab, "/names/api/step", {"count": 3})
    before = state(lab)
    assert_refused(post(lab, "/names/api/settings", {"changes": changes}), 400, field, says)
    after = state(lab)
    assert after["rev"] == before["rev"]
    assert after["settings"] == before["settings"]
    assert after["frame"]["step"] == 3


def test_models_and_sizes_change_the_run(lab: TestClient) -> None:
    s = post(lab, "/names/api/settings", {"changes": {"model": "bigram"}}).json()
    assert s["parameters"] == 27 * 27
    assert s["block_size"] == 1
    assert s["frame"]["activations"] == []
    assert s["frame"]["embedding"]["dimensions"] == 27
    s = post(lab, "/names/api/settings", {"changes": {"model": "wavenet"}}).json()
    assert s["settings"]["context"] == 4
    assert s["block_size"] == 4
    assert len(s["frame"]["activations"]) == 2  # two levels of pairs merged
    s = post(lab, "/names/api/settings", {"changes": {"model": "batchnorm", "hidden": 50}}).json()
    assert s["parameters"] == 27 * 10 + (4 * 10) * 50 + 2 * 50 + 50 * 27 + 27  # context 4 kept
    assert s["query"] == {"model": "batchnorm", "context": "4", "hidden": "50"}


def test_the_lr_and_temperature_keep_training_others_restart(lab: TestClient) -> None:
    post(lab, "/names/api/step", {"count": 4})
    s = post(lab, "/names/api/settings", {"changes": {"lr": 0.01, "temperature": 0.5}}).json()
    assert s["frame"]["step"] == 4
    assert session_of(lab).trainer.optimizer.lr == 0.01
    assert s["frame"]["temperature"] == 0.5
    s = post(lab, "/names/api/settings", {"changes": {"batch_size": 16}}).json()
    assert s["frame"]["step"] == 0


def test_a_url_query_restores_the_run_and_a_bad_one_names_the_field(lab: TestClient) -> None:
    query = {"model": "wavenet", "context": "8", "hidden": "32", "lr": "0.01", "seed": "7"}
    s = post(lab, "/names/api/settings", {"query": query}).json()
    assert s["query"] == query
    assert NamesSettings.from_query(query) == NamesSettings(**s["settings"])
    assert_refused(
        post(lab, "/names/api/settings", {"query": {"context": "x"}}), 400, "context", "number"
    )
    assert_refused(post(lab, "/names/api/settings", {"query": {"seed": 7}}), 400, "query", "texts")


def test_the_same_settings_give_the_same_numbers() -> None:
    a, b = NamesSession(), NamesSession()
    a.step(20)
    b.step(20)
    assert a.losses() == b.losses()
    a.reset()
    a.step(20)
    assert a.losses() == b.losses()


# -- one sample, explained ------------------------------------------------------------------------


def test_explaining_a_word_gives_the_models_probabilities_at_each_position(lab: TestClient) -> None:
    post(lab, "/names/api/settings", {"changes": {"temperature": 0.7}})
    answer = post(lab, "/names/api/explain", {"word": "emma"}).json()
    positions = answer["positions"]
    assert [p["context"] for p in positions] == ["...", "..e", ".em", "emm", "mma"]
    assert [p["drawn"] for p in positions] == ["e", "m", "m", "a", "."]
    session = session_of(lab)
    contexts = np.array([[0, 0, 0], [0, 0, 5], [0, 5, 13], [5, 13, 13], [13, 13, 1]])
    expected = next_character_probabilities(session.model, contexts, 0.7)
    assert np.allclose([p["probs"] for p in positions], expected, atol=1e-5)
    assert answer["temperature"] == 0.7
    assert answer["characters"][0] == "."


@pytest.mark.parametrize(
    ("word", "says"),
    [
        ("Emma", "'E' is not one"),
        ("em.ma", "'.' is not one"),
        (7, "expected a word"),
        ("a" * 33, "at most 32"),
    ],
)
def test_a_bad_word_is_a_400_naming_it(lab: TestClient, word: Any, says: str) -> None:
    assert_refused(post(lab, "/names/api/explain", {"word": word}), 400, "word", says)


# -- uploads ---------------------------------------------------------------------------------------


def test_an_uploaded_list_becomes_the_words(lab: TestClient) -> None:
    content = ("\n".join(WORDS) + "\n").encode()
    s = upload(lab, content).json()
    assert s["settings"]["words"] == "yours"
    assert s["uploaded"] is True
    assert s["words"]["count"] == 100
    assert s["words"]["characters"] == ".abcdeinorstu"
    assert s["frame"]["step"] == 0
    assert s["query"] == {"words": "yours"}
    back = post(lab, "/names/api/settings", {"changes": {"words": "names"}}).json()
    assert back["words"]["count"] == 32_033
    again = post(lab, "/names/api/settings", {"changes": {"words": "yours"}}).json()
    assert again["words"]["count"] == 100  # the upload is kept


@pytest.mark.parametrize(
    ("content", "status", "says"),
    [
        (b"ab\n" * (LIMITS.upload_bytes // 3 + 1), 413, "at most 512 KB"),
        (b"ab\n" * (LIMITS.upload_words + 1), 400, "at most 100,000 words"),
        (b"emma\n" + b"x" * 65 + b"\n", 400, "line 2: expected a word of at most 64 characters"),
        (b"emma\nolivia\x00\x01\x02\n", 400, "line 2: expected a text file, got a NUL byte"),
        (b"emma\n\xff\xfe\n", 400, "expected UTF-8 text"),
        (b"", 400, "got an empty file"),
        (b"\n  \n", 400, "got only blank lines"),
        (b"ann\nbob\n", 400, "expected at least 20 words"),
        (b"a.b\n", 400, "contains '.'"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message(
    lab: TestClient, content: bytes, status: int, says: str
) -> None:
    before = state(lab)
    response = upload(lab, content)
    assert_refused(response, status, "words", says)
    after = state(lab)
    assert after["rev"] == before["rev"]
    assert after["words"] == before["words"]


def test_a_batch_larger_than_the_uploaded_examples_is_refused(lab: TestClient) -> None:
    upload(lab, "\n".join(WORDS[:20]).encode())
    response = post(lab, "/names/api/settings", {"changes": {"batch_size": 1024}})
    assert_refused(response, 400, "batch_size", "training examples")


@pytest.mark.parametrize(
    "content",
    [
        b"emma\r\nolivia\r\n\r\nava",
        "\ufeffzoë\nanna\n".encode(),
        b"emma\n" + b"x" * 65,
        b"a\x00b",
        b"",
    ],
)
def test_parse_words_reads_bytes_as_read_words_reads_a_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "words.txt"
    path.write_bytes(content)
    try:
        expected: Any = read_words(path)
    except ValueError as e:
        expected = str(e).replace(f"read_words: {path}", "the list")
    try:
        got: Any = parse_words(content, "the list")
    except ValueError as e:
        got = str(e)
    assert got == expected


def test_parse_words_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="expected bytes"):
        parse_words("emma")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected at most 13 bytes"):  # 1 · (4 · 2 + 2) + 3
        parse_words(b"emma\nolivia\nava\n", max_words=1, max_word_length=2)


# -- who may use it --------------------------------------------------------------------------------


def test_without_the_token_everything_is_refused(lab: TestClient) -> None:
    assert lab.get("/names").status_code == 403
    assert lab.get("/names/api/state").status_code == 403
    assert lab.post("/names/api/step", json={}).status_code == 403
    refused = lab.post("/names/api/step", json={}, headers={"X-Lab-Token": "wrong"})
    assert refused.status_code == 403
    assert "token" in refused.json()["error"]
    with pytest.raises(WebSocketDisconnect), lab.websocket_connect("/names/ws"):
        pass


def test_changes_from_another_origin_are_refused(lab: TestClient) -> None:
    evil = {**AUTH, "Origin": "http://evil.example"}
    response = lab.post("/names/api/step", json={}, headers=evil)
    assert response.status_code == 403
    assert "own page" in response.json()["error"]
    response = lab.post("/names/api/upload", content=b"emma\n" * 30, headers=evil)
    assert response.status_code == 403
    with (
        pytest.raises(WebSocketDisconnect),
        lab.websocket_connect(
            f"/names/ws?token={TOKEN}", headers={"Origin": "http://evil.example"}
        ),
    ):
        pass
    own = {**AUTH, "Origin": "http://testserver"}
    assert lab.post("/names/api/step", json={}, headers=own).status_code == 200


def test_too_large_a_json_body_is_a_413(lab: TestClient) -> None:
    response = lab.post(
        "/names/api/explain", content=b'{"word": "' + b"a" * 70_000 + b'"}', headers=AUTH
    )
    assert_refused(response, 413, "body", "at most 64 KB")


# -- the WebSocket --------------------------------------------------------------------------------


def test_the_websocket_sends_the_state_and_answers_a_step(lab: TestClient) -> None:
    with lab.websocket_connect(f"/names/ws?token={TOKEN}") as ws:
        first = ws.receive_json()
        assert first["type"] == "state"
        assert first["words"]["count"] == 32_033
        assert ws.receive_json() == {"type": "status", "playing": False}
        ws.send_json({"cmd": "step", "count": 3, "id": "a"})
        frame = ws.receive_json()
        assert frame["type"] == "frame"
        assert frame["id"] == "a"
        assert frame["step"] == 3
        assert len(frame["samples"]) == 10  # a step by hand brings new samples
        ws.send_json({"cmd": "jump"})
        error = ws.receive_json()
        assert error["type"] == "error"
        assert error["field"] == "cmd"


def test_playing_sends_frames_until_paused(lab: TestClient) -> None:
    with lab.websocket_connect(f"/names/ws?token={TOKEN}") as ws:
        ws.receive_json(), ws.receive_json()
        ws.send_json({"cmd": "play"})
        assert ws.receive_json() == {"type": "status", "playing": True}
        frame = ws.receive_json()
        while frame["type"] != "frame":
            frame = ws.receive_json()
        assert frame["step"] >= 1
        while "samples" not in frame:  # new samples come about once a second while playing
            frame = ws.receive_json()
        assert len(frame["samples"]) == 10
        ws.send_json({"cmd": "pause"})
        message = ws.receive_json()
        while message != {"type": "status", "playing": False}:
            message = ws.receive_json()
    assert session_of(lab).steps >= frame["step"]


def test_the_session_refuses_a_word_list_too_short() -> None:
    session = NamesSession()
    with pytest.raises(LabInputError, match="at least 20 words") as caught:
        session.upload(b"ann\nbob\n")
    assert caught.value.field == "words"
    assert session.settings.words == "names"
