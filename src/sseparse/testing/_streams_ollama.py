"""Generated Ollama ``/api/chat`` streams (NDJSON).

Shapes follow tests/data/captures/ollama-chat-text.ndjson: every object has ``model``,
``created_at``, ``message`` (``role``, ``content``, ``thinking``, whole ``tool_calls`` with
``arguments`` objects) and ``done``; the last has ``"done": true``, ``done_reason`` and the
counters. A mid-stream error is ``{"error": "…"}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ._model import ERROR_MESSAGE, Record, Stream, Tag, assemble, scripts

__all__ = ["ollama_streams"]


def _line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


@st.composite
def ollama_streams(
    draw: Callable[..., Any],
    *,
    format: str = "jsonlines",
    errors: bool = False,
    truncation: bool = False,
) -> Stream:
    """Ollama streams: thinking, text, whole tool calls (with or without ids); an
    ``{"error": …}`` line and truncation on request."""
    script = draw(scripts())
    stamp = "2024-11-17T08:42:00.390484Z"
    records: list[Record] = []

    def add(message: dict[str, Any], *tags: Tag) -> None:
        value: dict[str, Any] = {"model": "llama3.1", "created_at": stamp}
        value |= {"message": {"role": "assistant", "content": "", **message}, "done": False}
        records.append(Record(_line(value), tags))

    for piece in script.reasoning:
        add({"thinking": piece}, ("reasoning", piece))
    for piece in script.text:
        add({"content": piece}, ("text", piece))
    if script.calls:
        calls: list[dict[str, Any]] = []
        tags: list[Tag] = []
        for i, call in enumerate(script.calls):
            arguments = json.loads(call.arguments)
            function = {"name": call.name, "arguments": arguments}
            call_id = f"call_{i}"
            if draw(st.booleans()):
                calls.append({"id": call.id, "function": function})
                call_id = call.id
            else:
                calls.append({"function": function})
            compact = json.dumps(arguments, separators=(",", ":"), ensure_ascii=False)
            tags += [("call", i, call_id, call.name, "function"), ("args", i, compact)]
        add({"tool_calls": calls}, *tags)
    reason = "length" if script.finish == "length" else "stop"
    last: dict[str, Any] = {"model": "llama3.1", "created_at": stamp}
    last |= {"message": {"role": "assistant", "content": ""}, "done_reason": reason}
    last |= {"done": True, "total_duration": 1006884459, "load_duration": 22981209}
    last |= {"prompt_eval_count": script.prompt_tokens, "eval_count": script.completion_tokens}
    stream: Stream = draw(
        assemble(
            dialect="ollama",
            format=format,
            records=records,
            end=Record(_line(last), (("finish", script.finish, reason),)),
            keepalive=None,
            error=_line({"error": ERROR_MESSAGE}),
            errors=errors,
            truncation=truncation,
        )
    )
    return stream
