"""Generated Anthropic Messages streams (typed SSE events).

Event names, field names and order follow tests/data/captures/anthropic-messages-*:
``message_start`` with usage, one ``content_block_start``/``_delta``…/``_stop`` per block
(thinking with its ``signature_delta``, text, ``tool_use`` with ``input_json_delta`` pieces),
``ping`` events, ``message_delta`` with ``stop_reason`` and usage, ``message_stop``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ._model import ERROR_MESSAGE, Record, Stream, Tag, assemble, scripts
from ._sse import sse

__all__ = ["anthropic_events", "anthropic_streams"]

_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}


@st.composite
def anthropic_events(draw: Callable[..., Any]) -> list[tuple[dict[str, Any], tuple[Tag, ...]]]:
    """The Messages events of a drawn answer, ``message_start`` to ``message_delta``, each
    with its tags (``message_stop`` is the caller's end marker)."""
    script = draw(scripts())
    events: list[tuple[dict[str, Any], tuple[Tag, ...]]] = []

    def add(kind: str, value: dict[str, Any], *tags: Tag) -> None:
        events.append(({"type": kind, **value}, tags))

    usage = {"input_tokens": script.prompt_tokens, "cache_creation_input_tokens": 0}
    usage |= {"cache_read_input_tokens": 0, "output_tokens": 1}
    message: dict[str, Any] = {
        "id": "msg_01" + draw(st.text("ABCDEFabcdef0123456789", min_size=8, max_size=8))
    }
    message |= {"type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514"}
    message |= {"content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}
    add("message_start", {"message": message})
    block = 0
    if script.reasoning or draw(st.integers(0, 9)) == 0:
        signature = draw(
            st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/", min_size=4, max_size=40)
        )
        if script.reasoning:
            start = {"type": "thinking", "thinking": "", "signature": ""}
            add("content_block_start", {"index": block, "content_block": start})
            for piece in script.reasoning:
                delta = {"type": "thinking_delta", "thinking": piece}
                add("content_block_delta", {"index": block, "delta": delta}, ("reasoning", piece))
            delta = {"type": "signature_delta", "signature": signature}
            add(
                "content_block_delta",
                {"index": block, "delta": delta},
                ("signature", signature, False),
            )
        else:
            start = {"type": "redacted_thinking", "data": signature}
            add(
                "content_block_start",
                {"index": block, "content_block": start},
                ("signature", signature, True),
            )
        add("content_block_stop", {"index": block})
        block += 1
    if script.text:
        add("content_block_start", {"index": block, "content_block": {"type": "text", "text": ""}})
        for piece in script.text:
            delta = {"type": "text_delta", "text": piece}
            add("content_block_delta", {"index": block, "delta": delta}, ("text", piece))
        add("content_block_stop", {"index": block})
        block += 1
    for i, call in enumerate(script.calls):
        use: dict[str, Any] = {"type": "tool_use", "id": call.id, "name": call.name}
        use["input"] = {}
        add(
            "content_block_start",
            {"index": block, "content_block": use},
            ("call", i, call.id, call.name, "function", "{}"),
        )
        for piece in ("", *call.pieces):
            delta = {"type": "input_json_delta", "partial_json": piece}
            add("content_block_delta", {"index": block, "delta": delta}, ("args", i, piece))
        add("content_block_stop", {"index": block})
        block += 1
    stop = _STOP[script.finish]
    final = {"input_tokens": script.prompt_tokens, "output_tokens": script.completion_tokens}
    add(
        "message_delta",
        {"delta": {"stop_reason": stop, "stop_sequence": None}, "usage": final},
        ("finish", script.finish, stop),
    )
    return events


@st.composite
def anthropic_streams(
    draw: Callable[..., Any], *, format: str = "sse", errors: bool = False, truncation: bool = False
) -> Stream:
    """Anthropic Messages streams: thinking (signed or redacted), text, parallel tool calls,
    pings, LF or CRLF; mid-stream ``event: error`` and truncation on request."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    records = [Record(sse(v, eol, v["type"]), tags) for v, tags in draw(anthropic_events())]
    error = {"type": "error", "error": {"type": "overloaded_error", "message": ERROR_MESSAGE}}
    stream: Stream = draw(
        assemble(
            dialect="anthropic",
            format=format,
            records=records,
            end=Record(sse({"type": "message_stop"}, eol, "message_stop")),
            keepalive=f'event: ping{eol}data: {{"type": "ping"}}{eol}{eol}'.encode(),
            error=sse(error, eol, "error"),
            errors=errors,
            truncation=truncation,
        )
    )
    return stream
