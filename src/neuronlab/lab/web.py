"""What every page's routes share: JSON answers, errors as 4xx, bodies within limits, the WebSocket.

The lab serves two pages (the network playground at ``/`` and the names lab
at ``/names``), each with its own ``LabRunner``; their routes are made here
the same way: ``endpoint`` turns a handler into a route whose refusals are
JSON 4xx answers naming the field, and ``serve_socket`` runs one page's
WebSocket (messages out through an ``Outbox``, play/pause/reset/step in).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from .access import token_cookie
from .inputs import (
    MAX_JSON_BYTES,
    MAX_STEPS,
    RequestError,
    json_object,
    read_limited,
    text_field,
    whole_field,
)
from .messages import dumps
from .runner import LabRunner, Outbox
from .settings import LabInputError

__all__ = [
    "Handler",
    "command",
    "endpoint",
    "error_answer",
    "json_answer",
    "json_body",
    "page_answer",
    "run_routes",
    "serve_socket",
]

log = logging.getLogger("neuronlab.lab")
Handler = Callable[[Request, Any], Awaitable[Response]]


def json_answer(content: Any, status: int = 200) -> Response:
    """A JSON answer (NaN and infinities as null), with the security headers."""
    return Response(dumps(content), status, media_type="application/json")


def error_answer(status: int, message: str, field: str | None = None) -> Response:
    """``{"error": message, "field": field}`` with the status."""
    body = {"error": message} if field is None else {"error": message, "field": field}
    return json_answer(body, status)


def endpoint(
    handler: Handler, runner_of: Callable[[Request], Any] | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """A route from a handler: its errors become JSON answers; nothing it raises stops the lab.

    The handler gets the request and its page's runner: ``runner_of(request)``,
    by default the app's ``state.runner`` (the network playground's).
    """

    async def answer(request: Request) -> Response:
        try:
            runner = request.app.state.runner if runner_of is None else runner_of(request)
            return await handler(request, runner)
        except LabInputError as e:
            return error_answer(400, e.message, e.field)
        except RequestError as e:
            return error_answer(e.status, e.message, e.field)
        except Exception as e:  # an unexpected failure: a 500, logged, and the lab carries on
            log.exception("%s %s failed", request.method, request.url.path)
            return error_answer(500, f"the lab failed on this request: {type(e).__name__}: {e}")

    answer.__name__ = handler.__name__
    answer.__doc__ = handler.__doc__
    return answer


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, at most MAX_JSON_BYTES (else 413)."""
    raw = await read_limited(
        request.headers.get("content-length"), request.stream(), MAX_JSON_BYTES, "a JSON body"
    )
    return json_object(raw)


async def command(runner: LabRunner, text: str) -> str | None:
    """Carry out one message from the page; a reply to send back (an error), or None."""
    try:
        if len(text) > MAX_JSON_BYTES:
            raise RequestError(413, f"expected a message of at most {MAX_JSON_BYTES // 1024} KB")
        message = json_object(text.encode("utf-8"))
        if not message:
            raise RequestError(400, 'expected a command, e.g. {"cmd": "play"}', "cmd")
        cmd = text_field(message, "cmd", ("play", "pause", "reset", "step"))
        if cmd == "play":
            await runner.play()
        elif cmd == "pause":
            await runner.pause()
        elif cmd == "reset":
            await runner.change(lambda s: s.reset())
        else:
            count = whole_field({"count": 1, **message}, "count", 1, MAX_STEPS)
            await runner.step(count, id=message.get("id"))
    except (LabInputError, RequestError) as e:
        return dumps({"type": "error", "error": e.message, "field": e.field})
    except Exception as e:
        log.exception("a WebSocket command failed")
        return dumps({"type": "error", "error": f"the lab failed: {type(e).__name__}: {e}"})
    return None


async def _pump(socket: WebSocket, outbox: Outbox) -> None:
    with contextlib.suppress(Exception):  # the socket closed, or the page fell behind
        while True:
            await socket.send_text(await outbox.next())
    with contextlib.suppress(Exception):
        await socket.close(1011)


async def serve_socket(socket: WebSocket, runner: LabRunner) -> None:
    """One page's WebSocket: its State and status first, then every message; commands in."""
    await socket.accept()
    outbox = Outbox()
    outbox.put("state", await runner.state_text())
    outbox.put("status", dumps({"type": "status", "playing": runner.playing}))
    runner.outboxes.add(outbox)
    pump = asyncio.get_running_loop().create_task(_pump(socket, outbox))
    try:
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                break
            reply = await command(runner, message.get("text") or "")
            if reply is not None:
                outbox.put("error", reply)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        runner.outboxes.discard(outbox)
        pump.cancel()


def page_answer(request: Request, page: Path) -> Response:
    """A page's HTML with its file addresses carrying the token; the token's cookie is set
    when the address brought the right one."""
    token = request.app.state.token
    html = page.read_text(encoding="utf-8").replace("{{token}}", token)
    response = Response(html, media_type="text/html")
    if request.query_params.get("token") == token:
        response.headers["set-cookie"] = token_cookie(token)
    return response


def run_routes(
    prefix: str, from_query: Callable[[Mapping[str, str]], Any], tunable: Collection[str]
) -> list[tuple[str, str, Handler]]:
    """What every page's run answers under ``prefix``: GET api/state; POST api/settings
    (``{"changes": {...}}``, or a URL's ``{"query": {...}}`` read by ``from_query``, from step
    0), api/step (``{"count": n}``, 1 to MAX_STEPS), api/play, api/pause, api/reset.  A change
    of anything outside ``tunable`` restarts the run."""

    def apply_query(session: Any, query: Any) -> None:
        if not isinstance(query, Mapping) or not all(isinstance(v, str) for v in query.values()):
            raise LabInputError("query", "expected the URL's parameters as texts")
        settings = from_query(query)  # missing ones take their defaults
        session.change({f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)})
        session.reset()

    async def state(request: Request, runner: LabRunner) -> Response:
        return json_answer(await runner.state())

    async def settings(request: Request, runner: LabRunner) -> Response:
        body = await json_body(request)
        if "query" in body:
            query = body["query"]
            return json_answer(await runner.change(lambda s: apply_query(s, query)))
        changes = body.get("changes")
        if not isinstance(changes, dict):
            raise LabInputError("settings", 'expected {"changes": {setting: value, ...}}')
        restarts = not set(changes) <= set(tunable)
        return json_answer(await runner.change(lambda s: s.change(changes), restarts=restarts))

    async def step(request: Request, runner: LabRunner) -> Response:
        count = whole_field({"count": 1, **await json_body(request)}, "count", 1, MAX_STEPS)
        return json_answer(await runner.step(count))

    async def play(request: Request, runner: LabRunner) -> Response:
        await json_body(request)
        await runner.play()
        return json_answer({"playing": True})

    async def pause(request: Request, runner: LabRunner) -> Response:
        await json_body(request)
        await runner.pause()
        return json_answer({"playing": False})

    async def reset(request: Request, runner: LabRunner) -> Response:
        await json_body(request)
        return json_answer(await runner.change(lambda s: s.reset()))

    return [
        ("GET", f"{prefix}/api/state", state),
        ("POST", f"{prefix}/api/settings", settings),
        ("POST", f"{prefix}/api/step", step),
        ("POST", f"{prefix}/api/play", play),
        ("POST", f"{prefix}/api/pause", pause),
        ("POST", f"{prefix}/api/reset", reset),
    ]
