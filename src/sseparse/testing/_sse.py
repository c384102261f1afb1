"""SSE record writing shared by the generated streams (JSON payloads, compact like the APIs)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["sse"]


def sse(value: Any, eol: str, event: str | None = None, *, spaced: bool = False) -> bytes:
    """One SSE event: an optional ``event:`` line, a ``data:`` line of JSON (compact, or with
    ``", "`` and ``": "`` when *spaced*, as Google writes it), a blank line."""
    separators = (", ", ": ") if spaced else (",", ":")
    text = json.dumps(value, ensure_ascii=False, separators=separators)
    head = f"event: {event}{eol}" if event is not None else ""
    return f"{head}data: {text}{eol}{eol}".encode()
