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

import threading
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from .inputs import read_limited
from .names_explain import explain_word
from .names_runner import NamesRunner
from .names_settings import LIMITS, TUNABLE, NamesSettings
from .web import Handler, endpoint, json_answer, json_body, page_answer, run_routes, serve_socket

__all__ = ["PAGE", "close_names", "names_routes", "names_runner"]

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
    return page_answer(request, PAGE)


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
    *run_routes("/names", NamesSettings.from_query, TUNABLE),
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
