"""Generated Amazon Bedrock streams as real AWS event-stream frames (written with
``sseparse.encode``): ConverseStream, and InvokeModelWithResponseStream for Claude.

Shapes follow tests/data/captures/bedrock-*: every frame has ``:event-type``,
``:content-type`` and ``:message-type`` headers and a JSON payload with random ``"p"``
padding. Converse: ``messageStart``, ``contentBlockStart`` (tool use), ``contentBlockDelta``
(text, ``reasoningContent`` text and signature, ``toolUse.input`` pieces),
``contentBlockStop``, ``messageStop`` with ``stopReason``, ``metadata`` with usage. Invoke:
``chunk`` frames whose ``bytes`` are base64 Anthropic Messages events, the last one carrying
``amazon-bedrock-invocationMetrics``. Errors are ``exception`` frames.
"""

from __future__ import annotations

import base64
import json
import string
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ..encode import encode_event_stream
from ._model import ERROR_MESSAGE, Record, Stream, Tag, assemble, scripts
from ._streams_anthropic import anthropic_events

__all__ = ["bedrock_invoke_streams", "bedrock_streams"]

_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
_PAD = string.ascii_letters + string.digits


def _frame(event: str, value: dict[str, Any], pad: int) -> bytes:
    payload = json.dumps({**value, "p": _PAD[:pad]}, ensure_ascii=False, separators=(",", ":"))
    headers = {":event-type": event, ":content-type": "application/json"}
    return encode_event_stream({**headers, ":message-type": "event"}, payload.encode())


def _exception() -> bytes:
    headers = {":exception-type": "throttlingException", ":content-type": "application/json"}
    payload = json.dumps({"message": ERROR_MESSAGE}).encode()
    return encode_event_stream({**headers, ":message-type": "exception"}, payload)


@st.composite
def bedrock_streams(
    draw: Callable[..., Any],
    *,
    format: str = "eventstream",
    errors: bool = False,
    truncation: bool = False,
) -> Stream:
    """ConverseStream: reasoning with a signature, text, parallel tool calls with their input
    in pieces; a ``throttlingException`` frame and truncation on request."""
    script = draw(scripts())
    pads = st.integers(0, len(_PAD))
    records: list[Record] = []

    def add(event: str, value: dict[str, Any], *tags: Tag) -> None:
        records.append(Record(_frame(event, value, draw(pads)), tags))

    add("messageStart", {"role": "assistant"})
    block = 0
    if script.reasoning:
        for piece in script.reasoning:
            delta = {"reasoningContent": {"text": piece}}
            add(
                "contentBlockDelta",
                {"contentBlockIndex": block, "delta": delta},
                ("reasoning", piece),
            )
        signature = "EqoBCkgIARABGAIiQ" + draw(st.text(_PAD, min_size=1, max_size=20))
        delta = {"reasoningContent": {"signature": signature}}
        add(
            "contentBlockDelta",
            {"contentBlockIndex": block, "delta": delta},
            ("signature", signature, False),
        )
        add("contentBlockStop", {"contentBlockIndex": block})
        block += 1
    if script.text:
        for piece in script.text:
            delta = {"text": piece}
            add("contentBlockDelta", {"contentBlockIndex": block, "delta": delta}, ("text", piece))
        add("contentBlockStop", {"contentBlockIndex": block})
        block += 1
    for i, call in enumerate(script.calls):
        start = {"toolUse": {"name": call.name, "toolUseId": call.id}}
        add(
            "contentBlockStart",
            {"contentBlockIndex": block, "start": start},
            ("call", i, call.id, call.name, "function"),
        )
        for piece in call.pieces:
            delta = {"toolUse": {"input": piece}}
            add(
                "contentBlockDelta",
                {"contentBlockIndex": block, "delta": delta},
                ("args", i, piece),
            )
        add("contentBlockStop", {"contentBlockIndex": block})
        block += 1
    stop = _STOP[script.finish]
    end = Record(
        _frame("messageStop", {"stopReason": stop}, draw(pads)),
        (("finish", script.finish, stop),),
    )
    usage = {"inputTokens": script.prompt_tokens, "outputTokens": script.completion_tokens}
    usage["totalTokens"] = script.prompt_tokens + script.completion_tokens
    metadata = _frame("metadata", {"metrics": {"latencyMs": 753}, "usage": usage}, draw(pads))
    stream: Stream = draw(
        assemble(
            dialect="bedrock",
            format=format,
            records=records,
            end=end,
            keepalive=None,
            error=_exception(),
            errors=errors,
            truncation=truncation,
            tail=metadata,
        )
    )
    return stream


@st.composite
def bedrock_invoke_streams(
    draw: Callable[..., Any],
    *,
    format: str = "eventstream",
    errors: bool = False,
    truncation: bool = False,
) -> Stream:
    """InvokeModelWithResponseStream for Claude: Anthropic Messages events in ``chunk``
    frames; a ``throttlingException`` frame and truncation on request."""
    pads = st.integers(0, len(_PAD))

    def chunk(value: dict[str, Any]) -> bytes:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return _frame("chunk", {"bytes": base64.b64encode(text.encode()).decode()}, draw(pads))

    records = [Record(chunk(v), tags) for v, tags in draw(anthropic_events())]
    metrics = {"inputTokenCount": 10, "outputTokenCount": 20}
    metrics |= {"invocationLatency": 1211, "firstByteLatency": 1101}
    stop = {"type": "message_stop", "amazon-bedrock-invocationMetrics": metrics}
    stream: Stream = draw(
        assemble(
            dialect="bedrock-invoke",
            format=format,
            records=records,
            end=Record(chunk(stop)),
            keepalive=None,
            error=_exception(),
            errors=errors,
            truncation=truncation,
        )
    )
    return stream
