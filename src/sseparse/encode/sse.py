"""The SSE record writer, and the JSON form every transcoder writes.

``encode_sse`` is the inverse of ``SSEDecoder`` for one record: what it writes is read back
as exactly the fields given (WHATWG "event stream interpretation": one space after the colon
is stripped, so a value that starts with a space survives; each line of ``data`` becomes its
own ``data:`` line, and the decoder joins them with LF).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import UsageError

__all__ = ["encode_sse"]

_LINES = re.compile(r"\r\n|\r|\n")


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise UsageError(f"encode_sse: {name} must be a str, got {type(value).__name__}")
    return value


def encode_sse(
    *,
    data: str | None = None,
    event: str | None = None,
    id: str | None = None,
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    """One SSE record as UTF-8 bytes, ending with the blank line that dispatches it.

    Fields are written in the order comment, ``event``, ``id``, ``retry``, ``data``; ``data``
    and ``comment`` with line breaks (CR, LF or CRLF) become several lines. ``data=""`` writes
    one empty ``data:`` line, which dispatches an event whose data is empty.

    Raises ``UsageError`` when no field is given, for a value of the wrong type, an
    ``event`` or ``id`` holding CR or LF, an ``id`` holding NUL (the decoder would ignore
    it), a negative ``retry``, or text that is not encodable as UTF-8 (a lone surrogate).
    """
    lines: list[str] = []
    if comment is not None:
        lines.extend(":" + line for line in _LINES.split(_text("comment", comment)))
    if event is not None:
        if "\r" in _text("event", event) or "\n" in event:
            raise UsageError(f"encode_sse: event type {event!r} contains a line break")
        lines.append("event: " + event)
    if id is not None:
        if "\r" in _text("id", id) or "\n" in id or "\0" in id:
            raise UsageError(f"encode_sse: id {id!r} contains CR, LF or NUL")
        lines.append("id: " + id)
    if retry is not None:
        if isinstance(retry, bool) or not isinstance(retry, int) or retry < 0:
            raise UsageError(f"encode_sse: retry must be a non-negative int, got {retry!r}")
        lines.append(f"retry: {retry}")
    if data is not None:
        lines.extend("data: " + line for line in _LINES.split(_text("data", data)))
    if not lines:
        raise UsageError("encode_sse: give at least one of data, event, id, retry, comment")
    lines.append("\n")
    try:
        return "\n".join(lines).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(f"encode_sse: text not encodable as UTF-8: {exc.reason}") from None


def dumps(value: Any) -> str:
    """*value* as compact, standard JSON (no NaN or Infinity), UTF-8 safe: a string holding a
    lone surrogate (valid JSON from a provider) is written with ASCII escapes.

    Raises ``UsageError`` for a value JSON cannot carry (a non-finite float, an int past the
    interpreter's digit limit).
    """
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, allow_nan=False, separators=(",", ":"))
    except ValueError as exc:
        raise UsageError(f"cannot write as JSON: {exc}") from None
    return text
