"""The anthropic SDK's own stream accumulator as an oracle for the ``anthropic`` dialect.

Hypothesis builds Anthropic event streams (text, thinking with signatures, redacted thinking,
citations, several ``tool_use`` / ``server_tool_use`` blocks whose JSON input is split anywhere, pings,
every stop reason, cumulative usage). The same events go (a) as objects through
``anthropic.lib.streaming._messages.accumulate_event``, and (b) as SSE bytes, cut at random
places, through ``StreamParser("anthropic")`` and our ``Accumulator``. Both must agree on the
text, the citations, the thinking, the signatures, the tool calls, the stop reason and the
usage.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from anthropic.lib.streaming._messages import accumulate_event
from hypothesis import given
from hypothesis import strategies as st

from sseparse.accumulate import Accumulator
from sseparse.events import Done
from sseparse.parser import StreamParser

_TAKES_JSON_BUFS = "json_bufs" in inspect.signature(accumulate_event).parameters

# Written out here rather than imported, so the dialect's table is checked, not reused.
EXPECTED_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
    "pause_turn": "other",
}

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | _text
_json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)
_ident = st.text("abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=10)


@st.composite
def _split(draw: st.DrawFn, text: str) -> list[str]:
    """*text* cut at arbitrary places (empty pieces included, as Anthropic sends)."""
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    pieces, last = [], 0
    for cut in cuts:
        pieces.append(text[last:cut])
        last = cut
    pieces.append(text[last:])
    return pieces


@st.composite
def _block(draw: st.DrawFn, index: int, ordinal: list[int]) -> list[dict[str, Any]]:
    """The events of one content block at *index*."""
    kind = draw(st.sampled_from(["text", "thinking", "redacted", "tool_use", "server_tool_use"]))

    def delta(body: dict[str, Any]) -> dict[str, Any]:
        return {"type": "content_block_delta", "index": index, "delta": body}

    events: list[dict[str, Any]] = []
    if kind == "text":
        events.append(_start(index, {"type": "text", "text": ""}))
        events += [
            delta({"type": "text_delta", "text": t}) for t in draw(st.lists(_text, max_size=4))
        ]
        for cited in draw(st.lists(_text, max_size=2)):
            citation = {
                "type": "char_location",
                "cited_text": cited,
                "document_index": 0,
                "document_title": None,
                "start_char_index": 0,
                "end_char_index": len(cited),
            }
            events.append(delta({"type": "citations_delta", "citation": citation}))
    elif kind == "thinking":
        events.append(_start(index, {"type": "thinking", "thinking": "", "signature": ""}))
        events += [
            delta({"type": "thinking_delta", "thinking": t})
            for t in draw(st.lists(_text, max_size=4))
        ]
        events.append(delta({"type": "signature_delta", "signature": draw(_ident)}))
    elif kind == "redacted":
        events.append(_start(index, {"type": "redacted_thinking", "data": draw(_ident)}))
    else:
        ordinal[0] += 1
        tool_input = draw(st.dictionaries(_text, _json_values, max_size=3))
        block = {
            "type": kind,
            "id": f"toolu_{ordinal[0]}_{draw(_ident)}",
            "name": draw(_ident),
            "input": {},
        }
        events.append(_start(index, block))
        if tool_input or draw(st.booleans()):
            encoded = json.dumps(tool_input, ensure_ascii=draw(st.booleans()))
            events += [
                delta({"type": "input_json_delta", "partial_json": p})
                for p in draw(_split(encoded))
            ]
    events.append({"type": "content_block_stop", "index": index})
    return events


def _start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


@st.composite
def streams(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A whole Anthropic event stream, as the list of event objects."""
    usage = {
        "input_tokens": draw(st.integers(0, 10**6)),
        "cache_creation_input_tokens": draw(st.integers(0, 1000)),
        "cache_read_input_tokens": draw(st.integers(0, 1000)),
        "output_tokens": draw(st.integers(0, 5)),
    }
    events: list[dict[str, Any]] = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_" + draw(_ident),
                "type": "message",
                "role": "assistant",
                "model": "claude-" + draw(_ident),
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": usage,
            },
        }
    ]
    ordinal = [0]
    for index in range(draw(st.integers(0, 5))):
        if draw(st.booleans()):
            events.append({"type": "ping"})
        events += draw(_block(index, ordinal))
    delta_usage: dict[str, Any] = {"output_tokens": draw(st.integers(5, 10**5))}
    if draw(st.booleans()):
        delta_usage["input_tokens"] = draw(st.integers(0, 10**6))
    events.append(
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": draw(st.sampled_from(sorted(EXPECTED_FINISH))),
                "stop_sequence": None,
            },
            "usage": delta_usage,
        }
    )
    events.append({"type": "message_stop"})
    return events


def to_sse(events: list[dict[str, Any]]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


@given(streams(), st.data())
def test_our_accumulator_agrees_with_the_sdk(
    events: list[dict[str, Any]], data: st.DataObject
) -> None:
    snapshot: Any = None
    # anthropic 2.x keeps each tool block's raw JSON in json_bufs; pass it only if taken.
    extra: dict[str, Any] = {"json_bufs": {}} if _TAKES_JSON_BUFS else {}
    for event in events:
        snapshot = accumulate_event(
            event=json.loads(json.dumps(event)), current_snapshot=snapshot, **extra
        )

    raw = to_sse(events)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=8)))
    parser = StreamParser("anthropic")
    ours: list[Any] = []
    last = 0
    for cut in [*cuts, len(raw)]:
        ours += parser.feed(raw[last:cut])
        last = cut
    ours += parser.close()
    assert ours[-1] == Done(clean=True)
    acc = Accumulator()
    acc.feed(ours)
    message = acc.message

    blocks = snapshot.content
    assert message.text == "".join(b.text for b in blocks if b.type == "text")
    assert message.reasoning == "".join(b.thinking for b in blocks if b.type == "thinking")
    signatures = [(s.signature, s.redacted) for s in message.reasoning_signatures]
    expected_signatures = [
        (b.signature, False) if b.type == "thinking" else (b.data, True)
        for b in blocks
        if b.type in ("thinking", "redacted_thinking")
    ]
    assert signatures == expected_signatures
    assert message.citations == [
        c.to_dict() for b in blocks if b.type == "text" for c in (b.citations or [])
    ]
    calls = [(c.id, c.name, c.parsed, c.kind) for c in message.tool_calls]
    expected_calls = [(b.id, b.name, b.input, "function") for b in blocks if b.type == "tool_use"]
    assert calls == expected_calls
    assert all(c.complete for c in message.tool_calls)
    server = [(c.id, c.name, c.parsed) for c in message.server_tool_calls]
    assert server == [(b.id, b.name, b.input) for b in blocks if b.type == "server_tool_use"]
    assert message.finish_reason_raw == snapshot.stop_reason
    assert message.finish_reason == EXPECTED_FINISH[snapshot.stop_reason]
    usage = acc.usage
    assert usage is not None
    u = snapshot.usage
    cache_read = u.cache_read_input_tokens or 0
    cache_write = u.cache_creation_input_tokens or 0
    assert usage.completion_tokens == u.output_tokens
    assert usage.prompt_tokens == u.input_tokens + cache_read + cache_write
    assert usage.cached_tokens == cache_read
    assert usage.cache_write_tokens == cache_write
    assert usage.total_tokens == usage.prompt_tokens + u.output_tokens
    assert acc.id == snapshot.id
    assert acc.model == snapshot.model
