"""The lab's web server: the page, the JSON API and the WebSocket of docs/lab.md, on Starlette.

``create_app(session, token)`` makes the ASGI app a ``LabRunner`` drives:
every request passes ``access.LabGuard`` (the token, and changes only from
the lab's own page), every body is read within its limit, every field is
checked where it is read, and every answer is JSON -- a 4xx names the field
and leaves the lab as it was; an unexpected failure is a 500 and the server
keeps running.  The page itself (``static/``) is plain files: nothing is
built, and nothing is loaded from outside the server.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from .access import LabGuard, new_token
from .card import card as neuron_card
from .export import export
from .inputs import number_field, read_limited, text_field, whole_field
from .names_routes import close_names, names_routes
from .presets import apply_preset, preset_list
from .problem import MAX_CSV_BYTES, to_csv
from .runner import LabRunner
from .session import TUNABLE_FIELDS, LabSession
from .settings import LabInputError, LabSettings
from .stepthrough import walk
from .web import (
    Handler,
    endpoint,
    error_answer,
    json_answer,
    json_body,
    page_answer,
    run_routes,
    serve_socket,
)

__all__ = ["SECURITY_HEADERS", "STATIC", "create_app"]

#: The page's files.
STATIC = Path(__file__).parent / "static"
#: Sent with every answer: nothing from elsewhere, no token in a Referer, nothing cached.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"
    ),
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
}

# -- the page -------------------------------------------------------------------------------


async def index(request: Request) -> Response:
    """The page, its script and style addresses carrying the token; sets the token's cookie."""
    return page_answer(request, STATIC / "index.html")


# -- the run (state, settings, step, play, pause, reset) is web.run_routes' -----------------


# -- the data ---------------------------------------------------------------------------------


def edit_points(session: LabSession, body: Mapping[str, Any]) -> None:
    """Add a point, or remove the one nearest the place clicked (a LabInputError if none)."""
    action = text_field(body, "action", ("add", "remove"))
    x1, x2 = number_field(body, "x1"), number_field(body, "x2")
    if action == "add":
        session.add_point(x1, x2, number_field(body, "label"))
    elif not session.remove_point(x1, x2):
        raise LabInputError("point", f"no point near ({x1:.2f}, {x2:.2f}) to remove")


async def post_points(request: Request, runner: LabRunner) -> Response:
    """POST /api/points: add or remove a point; the State."""
    body = await json_body(request)
    return json_answer(await runner.change(lambda s: edit_points(s, body)))


async def post_upload(request: Request, runner: LabRunner) -> Response:
    """POST /api/upload: the CSV itself (x1,x2,label rows), at most 2 MB; the State."""
    content = await read_limited(
        request.headers.get("content-length"), request.stream(), MAX_CSV_BYTES, "a CSV"
    )
    return json_answer(await runner.change(lambda s: s.upload(content)))


async def get_data_csv(request: Request, runner: LabRunner) -> Response:
    """GET /api/data.csv: the points as CSV."""
    text = await runner.call(lambda s: to_csv(s.problem))
    headers = {"content-disposition": 'attachment; filename="lab-data.csv"'}
    return Response(text, headers=headers, media_type="text/csv")


# -- the network, one neuron, one point ---------------------------------------------------------


async def post_weight(request: Request, runner: LabRunner) -> Response:
    """POST /api/weight: ``{"layer", "neuron", "input", "value"}`` (input -1: the bias)."""
    body = await json_body(request)
    layer, neuron = whole_field(body, "layer", 1, 7), whole_field(body, "neuron", 0, 15)
    where = whole_field(body, "input", -1, 15)
    value = number_field(body, "value")
    return json_answer(
        await runner.change(lambda s: s.set_weight(layer, neuron, where, value), restarts=False)
    )


async def post_card(request: Request, runner: LabRunner) -> Response:
    """POST /api/card: ``{"layer", "neuron", "point"}``; the Card."""
    body = await json_body(request)
    layer, neuron = whole_field(body, "layer", 1, 7), whole_field(body, "neuron", 0, 15)
    point = whole_field(body, "point", 0, 10**6)
    return json_answer(await runner.call(lambda s: neuron_card(s, layer, neuron, point)))


def walk_root(body: Mapping[str, Any]) -> Any:
    """The step-through's root: "loss" (the default) or {"layer", "neuron"} of a neuron."""
    root = body.get("root", "loss")
    if root == "loss":
        return root
    if not isinstance(root, dict):
        raise LabInputError("root", f'expected "loss" or {{"layer", "neuron"}}, got {root!r:.40}')
    return {
        "layer": whole_field(root, "layer", 1, 7),
        "neuron": whole_field(root, "neuron", 0, 15),
    }


async def post_stepthrough(request: Request, runner: LabRunner) -> Response:
    """POST /api/stepthrough: ``{"point", "root"}``; the Walk."""
    body = await json_body(request)
    point, root = whole_field(body, "point", 0, 10**6), walk_root(body)
    return json_answer(await runner.call(lambda s: walk(s, point, root)))


# -- export and presets -------------------------------------------------------------------------


async def get_export(request: Request, runner: LabRunner) -> Response:
    """GET /api/export/NAME: the model (model.npz), or a script (run.py, pytorch_model.py)."""
    name = request.path_params["name"]
    content, media = await runner.call(lambda s: export(s, name))
    headers = {"content-disposition": f'attachment; filename="lab-{name}"'}
    return Response(content, headers=headers, media_type=media)


async def get_presets(request: Request, runner: LabRunner) -> Response:
    """GET /api/presets: ``[{"name", "title", "sentence"}]``."""
    return json_answer(preset_list())


async def post_preset(request: Request, runner: LabRunner) -> Response:
    """POST /api/preset: ``{"name"}``; the State of the preset's run."""
    name = text_field(await json_body(request), "name")
    return json_answer(await runner.change(lambda s: apply_preset(s, name)))


# -- the WebSocket ------------------------------------------------------------------------------


async def websocket(socket: WebSocket) -> None:
    """/ws: States, Frames and status out; play, pause, reset and step commands in."""
    await serve_socket(socket, socket.app.state.runner)


# -- the app ----------------------------------------------------------------------------------


class SecurityHeaders:
    """ASGI middleware: SECURITY_HEADERS on every HTTP answer (the page, its files, the API)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Pass the request on, adding the headers to the answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, sending)


async def http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and the like as JSON."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "the lab failed"
    return error_answer(status, f"{detail}: {request.method} {request.url.path}")


ROUTES: list[tuple[str, str, Handler]] = [
    *run_routes("", LabSettings.from_query, TUNABLE_FIELDS),
    ("POST", "/api/points", post_points),
    ("POST", "/api/upload", post_upload),
    ("GET", "/api/data.csv", get_data_csv),
    ("POST", "/api/weight", post_weight),
    ("POST", "/api/card", post_card),
    ("POST", "/api/stepthrough", post_stepthrough),
    ("GET", "/api/export/{name}", get_export),
    ("GET", "/api/presets", get_presets),
    ("POST", "/api/preset", post_preset),
]


def create_app(session: LabSession | None = None, token: str | None = None) -> Starlette:
    """The lab's ASGI app for ``session`` (a new default one if None), behind ``token``."""
    runner = LabRunner(session)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await runner.close()
        await close_names(app)

    routes = [
        Route("/", index, methods=["GET"]),
        *(Route(path, endpoint(h), methods=[method]) for method, path, h in ROUTES),
        WebSocketRoute("/ws", websocket),
        *names_routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes, exception_handlers={HTTPException: http_error}, lifespan=lifespan
    )
    app.state.runner = runner
    app.state.token = token or new_token()
    app.add_middleware(LabGuard, token=app.state.token)
    app.add_middleware(SecurityHeaders)
    return app
