"""What a lab request may carry: bodies read within their limits, and each field checked.

The server reads a body only up to its limit (``MAX_JSON_BYTES`` for JSON,
the CSV limit for an upload), refusing more with 413 before it is all in
memory; a JSON body must be an object; each field is checked where it is
read, and a bad one is a ``LabInputError`` naming it, so the page can show
the message next to the control that sent it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from ..util.checks import describe, one_of, real_number, whole_number
from .settings import LabInputError, field_value

__all__ = [
    "MAX_JSON_BYTES",
    "MAX_STEPS",
    "RequestError",
    "json_object",
    "number_field",
    "read_limited",
    "text_field",
    "whole_field",
]

#: The largest JSON body a request may send.
MAX_JSON_BYTES = 64 * 1024
#: The most training steps one request may ask for.
MAX_STEPS = 1000


class RequestError(Exception):
    """A request refused as a whole: its HTTP status, the message and the part it is about."""

    def __init__(self, status: int, message: str, field: str = "body") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


async def read_limited(
    declared: str | None, chunks: AsyncIterator[bytes], limit: int, what: str
) -> bytes:
    """The body, or a 413 RequestError as soon as it is longer than ``limit`` bytes.

    ``declared`` is the Content-Length header (checked first, so an honest
    client's oversized upload is refused before it is sent); the chunks are
    counted as they arrive, so a dishonest one is refused at the limit.
    """
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit, what)
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise _too_large(len(body), limit, what)
    return bytes(body)


def _too_large(size: int, limit: int, what: str) -> RequestError:
    field = {"a CSV": "csv", "a word list": "words"}.get(what, "body")
    return RequestError(413, f"expected {what} of at most {_size(limit)}, got {_size(size)}", field)


def _size(n: int) -> str:
    return f"{n / 1024**2:.1f} MB" if n >= 1024**2 else f"{n / 1024:.0f} KB"


def json_object(raw: bytes) -> dict[str, Any]:
    """A request's JSON body as an object ({} when empty), or a 400 RequestError."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RequestError(
            400, "expected a JSON object as the body, got text that is not JSON"
        ) from None
    if not isinstance(value, dict):
        raise RequestError(400, f"expected a JSON object as the body, got {type(value).__name__}")
    return value


def whole_field(body: Mapping[str, Any], field: str, low: int, high: int) -> int:
    """``body[field]`` as a whole number from low to high (``util.checks.whole_number``)."""
    return field_value(whole_number, body.get(field), field, minimum=low, maximum=high)


def number_field(body: Mapping[str, Any], field: str) -> float:
    """``body[field]`` as a finite number (``util.checks.real_number``)."""
    return field_value(real_number, body.get(field), field)


def text_field(body: Mapping[str, Any], field: str, options: tuple[str, ...] = ()) -> str:
    """``body[field]`` as text (one of ``options`` when given), or a LabInputError naming it."""
    value = body.get(field)
    if not isinstance(value, str):
        raise LabInputError(field, f"expected a text, got {describe(value)}")
    if options:
        field_value(lambda v, f: one_of(v, options, f), value, field)
    return value
