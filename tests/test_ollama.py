"""The ollama dialect: native NDJSON (/api/chat, /api/generate) to events."""

from __future__ import annotations

import dataclasses
import json
from functools import partial
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.accumulate import Accumulator
from sseparse.dialects import dialect_class
from sseparse.dialects._make import text_delta
from sseparse.dialects.ollama import OllamaDialect, unix_seconds
from sseparse.errors import InvalidJSON
from sseparse.events import (
    Done,
    Event,
    Finish,
    Malformed,
    Other,
    ProviderError,
    ReasoningDelta,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.io import iter_events
from sseparse.parser import StreamParser
from sseparse.testing import assert_fragmentation_invariant

from . import captures
from ._jsonhelp import cuts, mutations, outcome_of
from .chunking import check_bad_record


def parser() -> StreamParser:
    return StreamParser("ollama")


def ndjson(*objects: Any) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objects)


def events_of(data: bytes) -> list[Event]:
    outcome = assert_fragmentation_invariant(parser, data)
    assert outcome.error is None
    events: list[Event] = outcome.items
    assert sum(type(e) is Done for e in events) == 1
    assert type(events[-1]) is Done
    return events


T0 = "2025-05-01T10:00:00.123456789Z"


def chunk(message: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"model": "qwen3", "created_at": T0, "message": message, "done": False, **extra}


def final(reason: str | None = "stop", **counts: int) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "model": "qwen3",
        "created_at": T0,
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "total_duration": 5,
        **counts,
    }
    if reason is not None:
        obj["done_reason"] = reason
    return obj


def test_registered() -> None:
    assert dialect_class("ollama") is OllamaDialect
    assert OllamaDialect.default_format == "jsonlines"
    assert StreamParser("ollama").format == "jsonlines"


def test_capture_ollama_chat_text() -> None:
    (entry,) = captures.captures(api="ollama")
    assert entry["file"] == "ollama-chat-text.ndjson"
    events = events_of(captures.read(entry["file"]))
    # Hand-checked against the file: ten lines, nine content pieces, then the done line.
    assert events[0] == StreamStart(model="llama3.1", created=1731832920, provider="ollama")
    assert events[-3:] == [
        Finish(reason="stop", raw_reason="stop"),
        Usage(prompt_tokens=13, completion_tokens=10, total_tokens=23),
        Done(clean=True),
    ]
    acc = Accumulator()
    acc.feed(events)
    assert acc.message.text == "Hello! How can I assist you today?"
    assert acc.message.tool_calls == []
    assert acc.message.finish_reason == "stop"
    assert acc.model == "llama3.1"
    assert all(e.raw is not None for e in events)
    assert all(type(e.raw) is dict for e in events)


def test_thinking_content_and_tool_calls() -> None:
    data = ndjson(
        chunk({"role": "assistant", "content": "", "thinking": "Need "}),
        chunk({"role": "assistant", "content": "", "thinking": "weather."}),
        chunk({"role": "assistant", "content": "Checking."}),
        chunk(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"function": {"name": "get_weather", "arguments": {"city": "Zürich"}}},
                    {
                        "id": "call_abc",
                        "function": {"index": 1, "name": "get_time", "arguments": {}},
                    },
                ],
            }
        ),
        chunk(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"function": {"name": "noop", "arguments": '{"raw":1}'}}],
            }
        ),
        final("stop", prompt_eval_count=20, eval_count=7),
    )
    events = events_of(data)
    assert events == [
        StreamStart(model="qwen3", created=1746093600, provider="ollama"),
        ReasoningDelta(text="Need "),
        ReasoningDelta(text="weather."),
        TextDelta(text="Checking."),
        ToolCallStart(index=0, id="call_0", name="get_weather"),
        ToolCallDelta(index=0, arguments='{"city":"Zürich"}'),
        ToolCallEnd(index=0, id="call_0", name="get_weather", arguments='{"city":"Zürich"}'),
        ToolCallStart(index=1, id="call_abc", name="get_time"),
        ToolCallDelta(index=1, arguments="{}"),
        ToolCallEnd(index=1, id="call_abc", name="get_time", arguments="{}"),
        ToolCallStart(index=2, id="call_2", name="noop"),
        ToolCallDelta(index=2, arguments='{"raw":1}'),
        ToolCallEnd(index=2, id="call_2", name="noop", arguments='{"raw":1}'),
        Finish(reason="tool_calls", raw_reason="stop"),
        Usage(prompt_tokens=20, completion_tokens=7, total_tokens=27),
        Done(clean=True),
    ]
    acc = Accumulator()
    acc.feed(events)
    assert acc.message.reasoning == "Need weather."
    assert [(c.name, c.parsed) for c in acc.message.tool_calls] == [
        ("get_weather", {"city": "Zürich"}),
        ("get_time", {}),
        ("noop", {"raw": 1}),
    ]


def test_generate_endpoint() -> None:
    data = ndjson(
        {"model": "llama3.2", "created_at": T0, "response": "", "thinking": "Hm", "done": False},
        {"model": "llama3.2", "created_at": T0, "response": "The sky", "done": False},
        {
            "model": "llama3.2",
            "created_at": T0,
            "response": "",
            "done": True,
            "done_reason": "length",
            "context": [1, 2, 3],
            "prompt_eval_count": 26,
            "eval_count": 290,
        },
    )
    assert events_of(data) == [
        StreamStart(model="llama3.2", created=1746093600, provider="ollama"),
        ReasoningDelta(text="Hm"),
        TextDelta(text="The sky"),
        Finish(reason="length", raw_reason="length"),
        Usage(prompt_tokens=26, completion_tokens=290, total_tokens=316),
        Done(clean=True),
    ]


def test_error_object_ends_unclean() -> None:
    data = ndjson(
        chunk({"role": "assistant", "content": "Hi"}),
        {"error": "an error was encountered while running the model: unexpected EOF"},
    )
    events = events_of(data)
    assert events[1:] == [
        TextDelta(text="Hi"),
        ProviderError(message="an error was encountered while running the model: unexpected EOF"),
        Done(clean=False),
    ]
    # An error as the very first (and only) line: no StreamStart is invented.
    assert events_of(b'{"error":"model \\"nope\\" not found, try pulling it first"}\n') == [
        ProviderError(message='model "nope" not found, try pulling it first'),
        Done(clean=False),
    ]


def test_truncated_stream_ends_unclean() -> None:
    data = ndjson(chunk({"role": "assistant", "content": "Hel"}))
    assert events_of(data)[-2:] == [TextDelta(text="Hel"), Done(clean=False)]


def test_cut_line_is_an_error() -> None:
    data = ndjson(chunk({"role": "assistant", "content": "Hel"})) + b'{"model":"qwen3"'
    outcome = assert_fragmentation_invariant(parser, data)
    assert outcome.error is not None and outcome.error[0] is InvalidJSON
    assert [type(e) for e in outcome.items] == [StreamStart, TextDelta]


@pytest.mark.parametrize(
    ("reason", "normalized"),
    [
        ("stop", "stop"),
        ("length", "length"),
        ("load", "other"),
        ("unload", "other"),
        ("mystery", "other"),
        (None, "other"),
    ],
)
def test_done_reasons(reason: str | None, normalized: str) -> None:
    events = events_of(ndjson(final(reason)))
    assert events[1:] == [Finish(reason=normalized, raw_reason=reason), Done(clean=True)]  # type: ignore[arg-type]


def test_empty_chunks_and_records_after_done_are_kept() -> None:
    empty = chunk({"role": "assistant", "content": ""})
    events = assert_fragmentation_invariant(
        parser, ndjson(empty, empty, final("stop", eval_count=3), empty)
    ).items
    assert events == [
        StreamStart(model="qwen3", created=1746093600, provider="ollama"),
        Other(kind="chunk"),
        Finish(reason="stop", raw_reason="stop"),
        Usage(completion_tokens=3),
        Done(clean=True),
        Other(kind="chunk"),
    ]
    assert events[1].raw == empty


@pytest.mark.parametrize(
    "line",
    [
        b"[1, 2]",
        b'"text"',
        b'{"message": "hello"}',
        b'{"message": {"content": 5}}',
        b'{"message": {"thinking": ["a"]}}',
        b'{"message": {"tool_calls": {"function": {}}}}',
        b'{"message": {"tool_calls": [{"function": {"arguments": {}}}]}}',
        b'{"message": {"thinking": "ok", "content": 5}}',
        b'{"message": {"tool_calls": [{"function": {"name": "f"}}, {"function": 1}]}}',
        b'{"response": 1}',
        b'{"done": "yes"}',
        b'{"done": true, "done_reason": 1}',
        b'{"done": true, "eval_count": "12"}',
        b'{"done": true, "prompt_eval_count": -1}',
    ],
)
def test_malformed_records(line: bytes) -> None:
    first = ndjson(chunk({"role": "assistant", "content": "ok"}))
    events = check_bad_record(
        partial(StreamParser, "ollama"), first + line + b"\n", offset=len(first)
    )
    assert len(events) >= 3  # StreamStart, TextDelta, ..., Malformed


@pytest.mark.parametrize(
    ("line", "start"),
    [
        (b'{"model": 3}', StreamStart(model="3", provider="ollama")),
        (
            b'{"model": {}, "created_at": 1731832920}',
            StreamStart(created=1731832920, provider="ollama"),
        ),
        (b'{"created_at": [2024]}', StreamStart(provider="ollama")),
    ],
)
def test_describing_fields_of_another_type_degrade(line: bytes, start: StreamStart) -> None:
    call = b'{"message": {"tool_calls": [{"id": 7, "function": {"name": "f"}}]}}'
    events = list(iter_events([line + b"\n" + call + b"\n"], dialect="ollama"))
    assert events[0] == start
    assert ToolCallStart(index=0, id="7", name="f") in events
    assert not any(isinstance(e, Malformed) for e in events)


@pytest.mark.parametrize(
    ("stamp", "seconds"),
    [
        ("2024-11-17T08:42:00.390484Z", 1731832920),
        ("2024-11-17T08:42:00Z", 1731832920),
        ("2024-11-17T10:42:00.5+02:00", 1731832920),
        ("2024-11-17T03:12:00-05:30", 1731832920),
        ("1970-01-01T00:00:00.000000001Z", 0),
        ("yesterday", None),
        ("2024-11-17", None),
    ],
)
def test_created_at(stamp: str, seconds: int | None) -> None:
    assert unix_seconds(stamp) == seconds


def test_fast_built_text_delta_is_an_ordinary_event() -> None:
    raw = {"message": {"content": "x"}}
    fast = text_delta("x", 0, raw)
    assert type(fast) is TextDelta
    assert fast == TextDelta(text="x") and repr(fast) == repr(TextDelta(text="x"))
    assert (fast.text, fast.choice, fast.raw) == ("x", 0, raw)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.text = "y"  # type: ignore[misc]


@given(st.data())
def test_mutated_streams_give_events_or_parse_errors(data: st.DataObject) -> None:
    base = captures.read("ollama-chat-text.ndjson")
    stream = data.draw(mutations(base))
    pieces = data.draw(cuts(stream))
    whole = outcome_of(parser, [stream])
    assert outcome_of(parser, pieces) == whole
    if whole[0] == "ok":
        events = whole[1]
        assert isinstance(events, list)
        assert sum(type(e) is Done for e in events) == 1
