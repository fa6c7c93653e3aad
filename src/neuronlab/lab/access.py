"""Who may use a running lab: the per-start token, and requests from the lab's own page only.

A lab serves one person: whoever started it and holds the URL it printed.
Every request needs the token made at start (``new_token``), in the query
(``?token=``), the ``X-Lab-Token`` header or the ``neuronlab_lab_token``
cookie; a request that changes something (any method but GET and HEAD) and
the WebSocket also need an ``Origin`` that is absent or the server's own, so
another web page open in the same browser can neither read nor drive the lab.
``LabGuard`` is the ASGI middleware that refuses everything else with 403.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

__all__ = [
    "COOKIE",
    "HEADER",
    "LabGuard",
    "new_token",
    "origin_allowed",
    "token_cookie",
    "token_of",
]

#: The cookie ``/`` sets when it is opened with the token.
COOKIE = "neuronlab_lab_token"
#: The header the page sends the token in.
HEADER = "x-lab-token"
_SAFE_METHODS = ("GET", "HEAD")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def new_token() -> str:
    """A fresh random token (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


def token_of(scope: Scope) -> str | None:
    """The token a request carries: the query's, else the header's, else the cookie's."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0]
    headers = _headers(scope)
    if HEADER in headers:
        return headers[HEADER]
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header is simply no token
        return None
    return cookie[COOKIE].value if COOKIE in cookie else None


def origin_allowed(scope: Scope) -> bool:
    """True when the request has no Origin, or the Origin is this server's own (its Host)."""
    headers = _headers(scope)
    origin = headers.get("origin")
    if origin is None:
        return True
    host = headers.get("host")
    secure = scope.get("scheme") in ("https", "wss")
    return host is not None and origin == f"{'https' if secure else 'http'}://{host}"


def token_cookie(token: str) -> str:
    """The Set-Cookie value that lets the page's own requests carry the token."""
    return f"{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"


class LabGuard:
    """ASGI middleware: 403 for a request without the token, or a change from another origin."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    def refusal(self, scope: Scope) -> str | None:
        """Why this request is refused, or None when it may go on."""
        given = token_of(scope)
        if given is None or not secrets.compare_digest(given.encode(), self.token.encode()):
            return "this lab needs the token from the URL it printed at start (?token=...)"
        changes = scope["type"] == "websocket" or scope.get("method") not in _SAFE_METHODS
        if changes and not origin_allowed(scope):
            return "requests that change the lab must come from the lab's own page"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or refuse it (HTTP: 403 JSON; WebSocket: closed before accept)."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        why = self.refusal(scope)
        if why is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await receive()  # the handshake's websocket.connect, then close: a 403 to the client
            await send({"type": "websocket.close", "code": 1008, "reason": why[:120]})
        else:
            await _forbidden(send, why)


async def _forbidden(send: Send, why: str) -> None:
    body = json.dumps({"error": why}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
