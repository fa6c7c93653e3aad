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
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from .inputs import (
    MAX_JSON_BYTES,
    MAX_STEPS,
    RequestError,
    json_object,
    read_limited,
    text_field,
    whole_number,
)
from .messages import dumps
from .runner import LabRunner, Outbox
from .settings import LabInputError

__all__ = [
    "json_answer",
    "error_answer",
    "endpoint",
    "json_body",
    "command",
    "serve_socket",
    "Handler",
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
            count = whole_number({"count": 1, **message}, "count", 1, MAX_STEPS)
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
