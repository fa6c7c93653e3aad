"""The names lab's routes: the page at ``/names``, its JSON API under ``/names/api/`` and its
WebSocket at ``/names/ws`` (docs/lab.md, "The names lab").

They sit on the same server as the network playground, behind the same
``LabGuard`` (the token, and changes only from the lab's own pages), with the
same limits and the same answers (``web.endpoint``: a 4xx JSON naming the
field, a 500 that leaves the server running).  The names runner is made on
the first request that needs it, so a lab that never opens the page never
loads the words.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from .access import token_cookie
from .inputs import MAX_STEPS, read_limited, whole_number
from .names_explain import explain_word
from .names_runner import NamesRunner
from .names_session import NamesSession
from .names_settings import LIMITS, TUNABLE, NamesSettings
from .settings import LabInputError
from .web import Handler, endpoint, json_answer, json_body, serve_socket

__all__ = ["names_routes", "names_runner", "close_names", "PAGE"]

#: The names page.
PAGE = Path(__file__).parent / "static" / "names.html"
_making = threading.Lock()


def names_runner(request: Request | WebSocket) -> NamesRunner:
    """The app's names runner, made (with the default run) on first use."""
    state = request.app.state
    with _making:
        if getattr(state, "names_runner", None) is None:
            state.names_runner = NamesRunner()
    return state.names_runner


async def close_names(app: Any) -> None:
    """Stop the names runner's play loop, if it was ever made (the server is shutting down)."""
    runner = getattr(app.state, "names_runner", None)
    if runner is not None:
        await runner.close()


async def page(request: Request) -> Response:
    """The names page, its file addresses carrying the token; sets the token's cookie."""
    token = request.app.state.token
    html = PAGE.read_text(encoding="utf-8").replace("{{token}}", token)
    response = Response(html, media_type="text/html")
    if request.query_params.get("token") == token:
        response.headers["set-cookie"] = token_cookie(token)
    return response


async def get_state(request: Request, runner: NamesRunner) -> Response:
    """GET /names/api/state: the NamesState."""
    return json_answer(await runner.state())


def apply_query(session: NamesSession, query: Any) -> None:
    """A URL's settings (missing ones take their defaults), and the run from its start."""
    if not isinstance(query, Mapping) or not all(isinstance(v, str) for v in query.values()):
        raise LabInputError("query", "expected the URL's parameters as texts")
    settings = NamesSettings.from_query(query)
    session.change(dataclasses.asdict(settings))
    session.reset()


async def post_settings(request: Request, runner: NamesRunner) -> Response:
    """POST /names/api/settings: ``{"changes": {...}}``, or a URL's ``{"query": {...}}``."""
    body = await json_body(request)
    if "query" in body:
        query = body["query"]
        return json_answer(await runner.change(lambda s: apply_query(s, query)))
    changes = body.get("changes")
    if not isinstance(changes, dict):
        raise LabInputError("settings", 'expected {"changes": {setting: value, ...}}')
    restarts = not set(changes) <= TUNABLE
    return json_answer(await runner.change(lambda s: s.change(changes), restarts=restarts))


async def post_step(request: Request, runner: NamesRunner) -> Response:
    """POST /names/api/step: ``{"count": n}`` steps (1 to MAX_STEPS); the Frame after them."""
    body = await json_body(request)
    count = whole_number({"count": 1, **body}, "count", 1, MAX_STEPS)
    return json_answer(await runner.step(count))


async def post_play(request: Request, runner: NamesRunner) -> Response:
    """POST /names/api/play: train in the background; frames arrive on the WebSocket."""
    await json_body(request)
    await runner.play()
    return json_answer({"playing": True})


async def post_pause(request: Request, runner: NamesRunner) -> Response:
    """POST /names/api/pause: stop training."""
    await json_body(request)
    await runner.pause()
    return json_answer({"playing": False})


async def post_reset(request: Request, runner: NamesRunner) -> Response:
    """POST /names/api/reset: the starting weights again."""
    await json_body(request)
    return json_answer(await runner.change(lambda s: s.reset()))


async def post_upload(request: Request, runner: NamesRunner) -> Response:
    """POST /names/api/upload: a word list itself (UTF-8, one word a line); the NamesState."""
    content = await read_limited(
        request.headers.get("content-length"),
        request.stream(),
        LIMITS.upload_bytes,
        "a word list",
    )
    return json_answer(await runner.change(lambda s: s.upload(content)))


async def post_explain(request: Request, runner: NamesRunner) -> Response:
    """POST /names/api/explain: ``{"word"}``; each position's next-character probabilities."""
    word = (await json_body(request)).get("word")
    return json_answer(await runner.call(lambda s: explain_word(s, word)))


async def websocket(socket: WebSocket) -> None:
    """/names/ws: NamesStates, Frames and status out; play, pause, reset and step in."""
    await serve_socket(socket, names_runner(socket))


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/names/api/state", get_state),
    ("POST", "/names/api/settings", post_settings),
    ("POST", "/names/api/step", post_step),
    ("POST", "/names/api/play", post_play),
    ("POST", "/names/api/pause", post_pause),
    ("POST", "/names/api/reset", post_reset),
    ("POST", "/names/api/upload", post_upload),
    ("POST", "/names/api/explain", post_explain),
]


def names_routes() -> list[BaseRoute]:
    """The names lab's routes, for the server's app."""
    return [
        Route("/names", page, methods=["GET"]),
        *(Route(path, endpoint(h, names_runner), methods=[m]) for m, path, h in ROUTES),
        WebSocketRoute("/names/ws", websocket),
    ]
