"""``OpenAIChatEncoder`` and ``AnthropicMessagesEncoder`` on hand-made event sequences: the
shapes the captures do not hold, and every refusal. (Every capture goes through both in
test_roundtrip_sdk.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from sseparse import (
    AnthropicMessagesEncoder,
    Citation,
    Done,
    Event,
    Finish,
    KeepAlive,
    Malformed,
    OpenAIChatEncoder,
    Other,
    ProviderError,
    ReasoningDelta,
    ReasoningSignature,
    RefusalDelta,
    ServerToolResult,
    StreamParser,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
    UsageError,
)

Encoder = OpenAIChatEncoder | AnthropicMessagesEncoder


def run(encoder: Encoder, events: list[Event]) -> list[bytes]:
    return [encoder.encode(e) for e in events] + [encoder.close()]


def records(data: bytes) -> list[Any]:
    """The data of each SSE record, as JSON (``[DONE]`` kept as the string)."""
    out = []
    for block in data.decode().split("\n\n"):
        lines = [line[6:] for line in block.split("\n") if line.startswith("data: ")]
        if lines:
            text = "\n".join(lines)
            out.append(text if text == "[DONE]" else json.loads(text))
    return out


def test_openai_chunks() -> None:
    out = run(
        OpenAIChatEncoder(created=5),
        [
            StreamStart(id="r1", model="m"),
            StreamStart(id="ignored", model="ignored"),
            TextDelta(text="Hi"),
            ReasoningDelta(text="hm", choice=1),
            RefusalDelta(text="no"),
            ToolCallStart(index=0, id="c1", name="f"),
            ToolCallDelta(index=0, arguments='{"a":'),
            ToolCallEnd(index=0, id="c1", name="f", arguments='{"a":1}'),
            Finish(reason="tool_calls"),
            Finish(reason="stop"),  # one finish per choice: the first
            Usage(prompt_tokens=3, completion_tokens=4),
            Done(),
        ],
    )
    chunks = records(b"".join(out))
    assert all(c["id"] == "r1" and c["model"] == "m" and c["created"] == 5 for c in chunks[:-1])
    deltas = [(c["choices"][0]["index"], c["choices"][0]["delta"]) for c in chunks[:-2]]
    assert deltas[:3] == [
        (0, {"role": "assistant", "content": ""}),
        (0, {"content": "Hi"}),
        (1, {"role": "assistant", "content": ""}),
    ]
    assert deltas[3:8] == [
        (1, {"reasoning_content": "hm"}),
        (0, {"refusal": "no"}),
        (
            0,
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "f", "arguments": ""},
                    }
                ]
            },
        ),
        (0, {"tool_calls": [{"index": 0, "function": {"arguments": '{"a":'}}]}),
        (0, {"tool_calls": [{"index": 0, "function": {"arguments": "1}"}}]}),
    ]
    assert [c["choices"][0]["finish_reason"] for c in chunks[:-2]].count("tool_calls") == 1
    assert chunks[-2]["choices"] == [] and chunks[-2]["usage"]["total_tokens"] == 7
    assert chunks[-1] == "[DONE]"
    assert out[-2] == b""  # Done itself writes nothing: close() does


def test_openai_tool_header_waits_for_the_name_and_skips_server_tools() -> None:
    enc = OpenAIChatEncoder(id="x", model="y", include_usage=False)
    assert records(enc.encode(ToolCallStart(index=0))) == [
        {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "y",
            "choices": [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": ""},
                    "logprobs": None,
                    "finish_reason": None,
                }
            ],
        }
    ]
    assert enc.encode(ToolCallStart(index=1, id="s", name="web_search", kind="server")) == b""
    assert enc.encode(ToolCallDelta(index=1, arguments="{}")) == b""
    assert enc.encode(ToolCallEnd(index=1, arguments="{}", kind="server")) == b""
    assert enc.encode(ServerToolResult(tool_call_id="s", kind="web_search_tool_result")) == b""
    first = records(enc.encode(ToolCallDelta(index=0, arguments="{")))
    assert first[0]["choices"][0]["delta"]["tool_calls"] == [
        {"index": 0, "id": "", "type": "function", "function": {"name": "", "arguments": "{"}}
    ]
    # An end whose arguments disagree with what was sent cannot take it back: nothing more.
    assert enc.encode(ToolCallEnd(index=0, arguments="[]")) == b""
    with pytest.raises(UsageError, match="after its ToolCallEnd"):
        enc.encode(ToolCallDelta(index=0, arguments="x"))
    enc.encode(Usage(prompt_tokens=1))
    assert enc.close() == b""  # no usage chunk, no Done: no [DONE]
    assert enc.close() == b""


def test_openai_metadata_from_the_first_stream_start() -> None:
    enc = OpenAIChatEncoder()
    enc.encode(StreamStart(model="m"))
    enc.encode(StreamStart(id="late", model="other", created=7))  # fills only what is missing
    (chunk,) = records(enc.encode(Finish(reason="stop")))[1:]
    assert (chunk["id"], chunk["model"], chunk["created"]) == ("late", "m", 7)
    enc.encode(StreamStart(id="too-late", created=9))  # the first chunk fixed them
    (chunk,) = records(enc.encode(TextDelta(text="x")))
    assert (chunk["id"], chunk["created"]) == ("late", 7)


def test_openai_end_without_fragments_writes_the_whole_call() -> None:
    enc = OpenAIChatEncoder()
    (_, chunk) = records(enc.encode(ToolCallEnd(index=2, id="c", name="f", arguments='{"x":1}')))
    assert chunk["choices"][0]["delta"]["tool_calls"][0]["function"] == {
        "name": "f",
        "arguments": '{"x":1}',
    }
    assert chunk["choices"][0]["delta"]["tool_calls"][0]["index"] == 0  # renumbered


def test_openai_errors_keepalives_and_what_is_not_written() -> None:
    enc = OpenAIChatEncoder()
    assert records(enc.encode(ProviderError(message="boom", type="server_error", code="500"))) == [
        {"error": {"message": "boom", "type": "server_error", "code": "500"}}
    ]
    assert enc.encode(KeepAlive()) == b": keep-alive\n\n"
    for event in (
        ReasoningSignature(signature="s"),
        Citation(value={}),
        Other(kind="x"),
        Malformed(message="m"),
    ):
        assert enc.encode(event) == b""
    enc.encode(Done(clean=False))
    enc.encode(Done(clean=True))  # once unclean, unclean
    assert enc.close() == b""


def test_openai_lone_surrogate_and_unwritable_numbers() -> None:
    enc = OpenAIChatEncoder()
    data = b"".join(run(enc, [TextDelta(text="a\ud800é"), Done()]))
    assert b"\\ud800" in data and data.isascii()
    parser = StreamParser("openai")
    events = parser.feed(data) + parser.close()
    assert TextDelta(text="a\ud800é") in events
    enc = OpenAIChatEncoder()
    enc.encode(Usage(prompt_tokens=10**5000))
    with pytest.raises(UsageError, match="cannot write as JSON"):
        enc.close()


@pytest.mark.parametrize("cls", [OpenAIChatEncoder, AnthropicMessagesEncoder])
def test_refusals(cls: type[Encoder]) -> None:
    with pytest.raises(UsageError):
        cls(id=5)  # type: ignore[arg-type]
    enc = cls()
    with pytest.raises(UsageError, match="not an sseparse event"):
        enc.encode("text")  # type: ignore[arg-type]
    enc.close()
    assert enc.closed
    assert enc.close() == b""  # idempotent
    with pytest.raises(UsageError, match="after close"):
        enc.encode(TextDelta(text="x"))


def test_openai_created_must_be_an_int() -> None:
    with pytest.raises(UsageError):
        OpenAIChatEncoder(created=True)


def test_anthropic_blocks() -> None:
    out = run(
        AnthropicMessagesEncoder(model="claude"),
        [
            StreamStart(id="msg_1", model="other"),
            KeepAlive(),
            ReasoningDelta(text="think"),
            ReasoningSignature(signature="sig"),
            ReasoningSignature(signature="opaque", redacted=True),
            ReasoningSignature(signature="alone"),
            TextDelta(text="Hi"),
            RefusalDelta(text="!"),
            TextDelta(text="ignored", choice=1),
            ToolCallStart(index=0, id="t", name="f"),
            ToolCallStart(index=1, id="s", name="web_search", kind="server"),
            ToolCallDelta(index=0, arguments='{"a"'),
            ToolCallEnd(index=0, id="t", name="f", arguments='{"a":2}'),
            ProviderError(message="overloaded", type="overloaded_error"),
            Finish(reason="tool_calls", raw_reason="tool_calls"),
            Usage(prompt_tokens=10, completion_tokens=5, cached_tokens=3, cache_write_tokens=2),
            Done(),
        ],
    )
    data = b"".join(out)
    kinds = [line[7:] for line in data.decode().split("\n") if line.startswith("event: ")]
    assert kinds == [
        "ping", "message_start",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
        "content_block_start", "content_block_stop",
        "content_block_start", "content_block_delta", "content_block_stop",
        "content_block_start", "content_block_delta", "content_block_delta",
        "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta",
        "content_block_stop",
        "error", "message_delta", "message_stop",
    ]  # fmt: skip
    bodies = records(data)
    assert bodies[1]["message"]["id"] == "msg_1" and bodies[1]["message"]["model"] == "claude"
    assert bodies[6]["content_block"] == {"type": "redacted_thinking", "data": "opaque"}
    assert bodies[-2] == {
        "type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
        "usage": {
            "input_tokens": 5,
            "output_tokens": 5,
            "cache_read_input_tokens": 3,
            "cache_creation_input_tokens": 2,
        },
    }
    parser = StreamParser("anthropic")
    events = parser.feed(data) + parser.close()
    assert ToolCallEnd(index=0, id="t", name="f", arguments='{"a":2}') in events
    assert TextDelta(text="!") in events
    assert events[-1] == Done(clean=True)


def test_anthropic_ends() -> None:
    enc = AnthropicMessagesEncoder()
    assert enc.close() == b""  # nothing seen, no clean end: nothing to say
    enc = AnthropicMessagesEncoder()
    enc.encode(Done())
    kinds = [b["type"] for b in records(enc.close())]
    assert kinds == ["message_start", "message_delta", "message_stop"]
    enc = AnthropicMessagesEncoder()
    enc.encode(ToolCallStart(index=0))  # no name yet: the block waits
    enc.encode(TextDelta(text="x"))
    enc.encode(ToolCallDelta(index=0, arguments="{}"))
    enc.encode(Finish(reason="stop"))
    with pytest.raises(UsageError, match="stopped"):
        enc.encode(ToolCallDelta(index=0, arguments="1"))
    assert enc.encode(ToolCallEnd(index=0, arguments="{}")) == b""  # stopped by the Finish
    tail = records(enc.close())
    assert [b["type"] for b in tail] == ["message_delta"]  # no Done: no message_stop
