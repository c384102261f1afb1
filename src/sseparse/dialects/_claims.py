"""What a dialect's ``claims`` reads from a wire record (auto-detection asks the dialects,
issue 9): the payload's JSON value and the SSE event name. Neither raises."""

from __future__ import annotations

from typing import Any

from .._json import loads
from ..framing.records import JSONRecord, SSEEvent

__all__ = ["json_of", "sse_type"]


def json_of(record: Any) -> Any:
    """The JSON value of an SSE event's data or a JSON record, ``None`` when there is none."""
    if type(record) is JSONRecord:
        return record.value
    if type(record) is SSEEvent:
        try:
            return loads(record.data)
        except ValueError:
            return None
    return None


def sse_type(record: Any) -> str | None:
    """The SSE event name of *record*, ``None`` for another record."""
    return record.type if type(record) is SSEEvent else None
