"""Hypothesis: any sequence of well-framed messages with Bedrock-like headers and arbitrary
payloads gives events or a ``ParseError`` (``MalformedPayload``) through both Bedrock
dialects -- never another exception -- and the same outcome at any fragmentation."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sseparse.encode import encode_event_stream
from sseparse.errors import Error, MalformedPayload, ParseError
from sseparse.events import Done
from sseparse.parser import StreamParser

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = [
    "contentBlockIndex",
    "delta",
    "start",
    "text",
    "toolUse",
    "input",
    "toolUseId",
    "name",
    "reasoningContent",
    "signature",
    "redactedContent",
    "citation",
    "stopReason",
    "usage",
    "inputTokens",
    "outputTokens",
    "type",
    "index",
    "content_block",
    "message",
    "bytes",
]
shaped = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 5)
    | st.sampled_from(["", "x", "end_turn", "tool_use", "{}"]),
    lambda inner: st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=10,
)
ANTHROPIC = [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
    "error",
    "text_delta",
    "tool_use",
]


@st.composite
def payloads(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=30))
    if choice == 1:
        return json.dumps(draw(json_values)).encode()
    value = draw(shaped)
    if choice == 3:  # an Invoke chunk around an Anthropic-like object
        inner = draw(st.dictionaries(st.sampled_from(KEYS), shaped, max_size=4))
        inner["type"] = draw(st.sampled_from(ANTHROPIC))
        value = {"bytes": base64.b64encode(json.dumps(inner).encode()).decode(), "p": "x"}
    return json.dumps(value).encode()


EVENT_TYPES = [
    "messageStart",
    "contentBlockStart",
    "contentBlockDelta",
    "contentBlockStop",
    "messageStop",
    "metadata",
    "chunk",
    "other",
]


@st.composite
def frames(draw: st.DrawFn) -> bytes:
    headers: dict[str, Any] = {}
    kind = draw(st.sampled_from(["event", "event", "event", "exception", "error", "weird", None]))
    if kind is not None:
        headers[":message-type"] = kind
    headers[":event-type"] = draw(st.sampled_from(EVENT_TYPES))
    if kind == "exception":
        headers[":exception-type"] = draw(st.sampled_from(["throttlingException", "x"]))
    if kind == "error":
        headers[":error-code"] = "E"
    return encode_event_stream(headers, draw(payloads()))


def _run(dialect: str, chunks: list[bytes]) -> tuple[list[Any], type[BaseException] | None]:
    parser = StreamParser(dialect)
    got: list[Any] = []
    try:
        for chunk in chunks:
            got += parser.feed(chunk)
        got += parser.close()
        got += parser.close()
    except ParseError as exc:
        return got, type(exc)
    except Error as exc:  # pragma: no cover - a failure path
        raise AssertionError(f"non-parse error {exc!r}") from exc
    return got, None


@given(
    st.lists(frames(), max_size=8),
    st.sampled_from(["bedrock-converse", "bedrock-invoke"]),
    st.integers(1, 40),
)
def test_any_messages_give_events_or_parse_errors(
    stream: list[bytes], dialect: str, size: int
) -> None:
    data = b"".join(stream)
    whole = _run(dialect, [data])
    pieces = _run(dialect, [data[i : i + size] for i in range(0, len(data), size)])
    assert whole == pieces
    events, error = whole
    if error is None:
        assert sum(isinstance(e, Done) for e in events) == 1
    else:
        assert error is MalformedPayload
