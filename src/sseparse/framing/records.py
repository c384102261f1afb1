"""Wire records produced by the text framing decoders (SSE, JSON lines, JSON arrays).

Records are frozen, slotted, keyword-only dataclasses. ``offset`` (excluded from equality
and repr) is the byte position in the stream where the record's first line or first byte
starts, so later layers can point at the bytes when a payload turns out to be bad.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["JSONRecord", "SSEComment", "SSEEvent", "SSERecord", "SSERetry"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SSEEvent:
    """One dispatched server-sent event (WHATWG "dispatch the event")."""

    type: str = "message"
    data: str
    last_event_id: str = ""
    offset: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SSERetry:
    """A valid ``retry:`` field (ASCII digits only): the reconnection time in milliseconds."""

    milliseconds: int
    offset: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SSEComment:
    """A comment line (``:`` first), without the colon; only with ``comments=True``."""

    text: str
    offset: int = field(default=0, compare=False, repr=False)


SSERecord = SSEEvent | SSERetry | SSEComment


@dataclass(frozen=True, slots=True, kw_only=True)
class JSONRecord:
    """One JSON value: a JSON-lines line or an element of a streamed JSON array.

    ``raw`` is the value's bytes as received (without the line terminator); ``line`` is the
    1-based line number for JSON lines, ``None`` for array elements.
    """

    value: Any
    raw: bytes = field(repr=False)
    offset: int = field(default=0, compare=False, repr=False)
    line: int | None = field(default=None, compare=False, repr=False)
