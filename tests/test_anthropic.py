"""Unit tests of the ``anthropic`` dialect on hand-made SSE records (no framing involved)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.dialects.anthropic import STOP_REASONS, AnthropicDialect
from sseparse.errors import MalformedPayload, ParseError
from sseparse.events import (
    Citation,
    Done,
    Event,
    Finish,
    KeepAlive,
    Other,
    ProviderError,
    ReasoningDelta,
    ReasoningSignature,
    ServerToolResult,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.framing.records import SSEComment, SSEEvent, SSERetry
from sseparse.parser import StreamParser
from tests.bad_records import SHAPE_ERRORS, assert_reported_at_the_record
from tests.chunking import check_bad_record


def record(obj: Any, *, offset: int = 0) -> SSEEvent:
    data = obj if isinstance(obj, str) else json.dumps(obj)
    kind = obj.get("type", "message") if isinstance(obj, dict) else "message"
    return SSEEvent(type=str(kind), data=data, offset=offset)


def run(*objs: Any, end: bool = True) -> list[Event]:
    dialect = AnthropicDialect()
    out: list[Event] = []
    for obj in objs:
        dialect.on_record(obj if isinstance(obj, (SSEComment, SSERetry)) else record(obj), out)
    if end:
        dialect.on_end(out)
    return out


def start(usage: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "content": [],
        "stop_reason": None,
    }
    if usage is not None:
        message["usage"] = usage
    return {"type": "message_start", "message": message}


def block(index: int, **content: Any) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": content}


def delta(index: int, **body: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": body}


def stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def message_delta(reason: str | None, **usage: Any) -> dict[str, Any]:
    return {
        "type": "message_delta",
        "delta": {"stop_reason": reason, "stop_sequence": None},
        "usage": usage,
    }


MESSAGE_STOP = {"type": "message_stop"}


def test_text_stream_maps_every_event() -> None:
    events = run(
        start({"input_tokens": 10, "output_tokens": 1}),
        block(0, type="text", text=""),
        {"type": "ping"},
        delta(0, type="text_delta", text="Hel"),
        delta(0, type="text_delta", text="lo"),
        stop(0),
        message_delta("end_turn", output_tokens=7),
        MESSAGE_STOP,
    )
    assert events == [
        StreamStart(id="msg_1", model="claude-x", provider="anthropic"),
        Usage(prompt_tokens=10, completion_tokens=1, total_tokens=11),
        Other(kind="content_block_start"),
        KeepAlive(),
        TextDelta(text="Hel"),
        TextDelta(text="lo"),
        Other(kind="content_block_stop"),
        Finish(reason="stop", raw_reason="end_turn"),
        Usage(prompt_tokens=10, completion_tokens=7, total_tokens=17),
        Done(clean=True),
    ]


def test_every_event_keeps_its_parsed_object_as_raw() -> None:
    objs = [
        start({"input_tokens": 1, "output_tokens": 1}),
        block(0, type="text", text=""),
        delta(0, type="text_delta", text="x"),
        stop(0),
        message_delta("end_turn", output_tokens=2),
        MESSAGE_STOP,
    ]
    events = run(*objs, end=False)
    raws = [e.raw for e in events]
    assert raws == [objs[0], objs[0], objs[1], objs[2], objs[3], objs[4], objs[4], objs[5]]


def test_tool_calls_get_ordinals_not_block_indexes() -> None:
    events = run(
        start(),
        block(0, type="text", text=""),
        delta(0, type="text_delta", text="Let me look."),
        stop(0),
        block(1, type="tool_use", id="toolu_a", name="get_weather", input={}),
        delta(1, type="input_json_delta", partial_json=""),
        delta(1, type="input_json_delta", partial_json='{"city": "Pa'),
        delta(1, type="input_json_delta", partial_json='ris"}'),
        stop(1),
        block(2, type="tool_use", id="toolu_b", name="get_time", input={}),
        delta(2, type="input_json_delta", partial_json="{}"),
        stop(2),
        message_delta("tool_use"),
        MESSAGE_STOP,
    )
    tool_events = [e for e in events if isinstance(e, (ToolCallStart, ToolCallDelta, ToolCallEnd))]
    assert tool_events == [
        ToolCallStart(index=0, id="toolu_a", name="get_weather"),
        ToolCallDelta(index=0, arguments='{"city": "Pa'),
        ToolCallDelta(index=0, arguments='ris"}'),
        ToolCallEnd(index=0, id="toolu_a", name="get_weather", arguments='{"city": "Paris"}'),
        ToolCallStart(index=1, id="toolu_b", name="get_time"),
        ToolCallDelta(index=1, arguments="{}"),
        ToolCallEnd(index=1, id="toolu_b", name="get_time", arguments="{}"),
    ]
    # The empty fragment is kept as an Other, never dropped.
    assert Other(kind="content_block_delta") in events
    assert events[-2:] == [Finish(reason="tool_calls", raw_reason="tool_use"), Done(clean=True)]


def test_tool_call_without_input_deltas_gets_empty_object() -> None:
    events = run(start(), block(0, type="tool_use", id="t", name="now", input={}), stop(0))
    assert events[1:] == [
        ToolCallStart(index=0, id="t", name="now"),
        ToolCallDelta(index=0, arguments="{}"),
        ToolCallEnd(index=0, id="t", name="now", arguments="{}"),
        Done(clean=False),
    ]


def test_tool_call_input_given_in_block_start_is_used() -> None:
    events = run(
        start(),
        block(0, type="tool_use", id="t", name="f", input={"a": [1, "é"]}),
        stop(0),
        MESSAGE_STOP,
    )
    assert events[2:4] == [
        ToolCallDelta(index=0, arguments='{"a":[1,"é"]}'),
        ToolCallEnd(index=0, id="t", name="f", arguments='{"a":[1,"é"]}'),
    ]


def test_deltas_win_over_block_start_input() -> None:
    events = run(
        start(),
        block(0, type="tool_use", id="t", name="f", input={"stale": True}),
        delta(0, type="input_json_delta", partial_json='{"b":2}'),
        stop(0),
    )
    assert ToolCallEnd(index=0, id="t", name="f", arguments='{"b":2}') in events
    assert ToolCallDelta(index=0, arguments='{"stale":true}') not in events


@pytest.mark.parametrize("btype", ["server_tool_use", "mcp_tool_use", "future_tool_use"])
def test_provider_executed_tools_are_server_kind(btype: str) -> None:
    events = run(
        start(),
        block(0, type=btype, id="srv", name="web_search", input={}),
        delta(0, type="input_json_delta", partial_json='{"query": "x"}'),
        stop(0),
        block(1, type="web_search_tool_result", tool_use_id="srv", content=[]),
        stop(1),
        block(2, type="tool_use", id="cli", name="f", input={}),
        stop(2),
    )
    starts = [e for e in events if isinstance(e, ToolCallStart)]
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert starts == [
        ToolCallStart(index=0, id="srv", name="web_search", kind="server"),
        ToolCallStart(index=1, id="cli", name="f", kind="function"),
    ]
    assert ends[0] == ToolCallEnd(
        index=0, id="srv", name="web_search", arguments='{"query": "x"}', kind="server"
    )
    results = [e for e in events if isinstance(e, ServerToolResult)]
    assert results == [
        ServerToolResult(tool_call_id="srv", kind="web_search_tool_result", content=[])
    ]
    result = [e for e in events if isinstance(e, Other) and e.raw["index"] == 1]
    assert [e.raw["type"] for e in result] == ["content_block_stop"]


def test_thinking_signature_and_redacted_thinking() -> None:
    events = run(
        start(),
        block(0, type="thinking", thinking="", signature=""),
        delta(0, type="thinking_delta", thinking="Hmm, "),
        delta(0, type="thinking_delta", thinking="yes."),
        delta(0, type="signature_delta", signature="c2ln"),
        stop(0),
        block(1, type="redacted_thinking", data="EmwKAhgB"),
        stop(1),
        MESSAGE_STOP,
    )
    mapped = [e for e in events if isinstance(e, (ReasoningDelta, ReasoningSignature))]
    assert mapped == [
        ReasoningDelta(text="Hmm, "),
        ReasoningDelta(text="yes."),
        ReasoningSignature(signature="c2ln"),
        ReasoningSignature(signature="EmwKAhgB", redacted=True),
    ]


def test_citations_delta() -> None:
    citation = {"type": "char_location", "cited_text": "x", "start_char_index": 0}
    events = run(
        start(), block(0, type="text", text=""), delta(0, type="citations_delta", citation=citation)
    )
    assert Citation(value=citation) in events


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("pause_turn", "other"),
        ("something_new", "other"),
    ],
)
def test_stop_reasons(word: str, reason: str) -> None:
    events = run(start(), message_delta(word, output_tokens=3), MESSAGE_STOP)
    assert Finish(reason=reason, raw_reason=word) in events  # type: ignore[arg-type]
    assert STOP_REASONS.get(word, "other") == reason


def test_message_delta_without_stop_reason_has_no_finish() -> None:
    events = run(start(), message_delta(None, output_tokens=3))
    assert not any(isinstance(e, Finish) for e in events)


def test_usage_is_cumulative_overwritten_and_cache_inclusive() -> None:
    events = run(
        start(
            {
                "input_tokens": 5,
                "cache_read_input_tokens": 100,
                "cache_creation_input_tokens": 20,
                "output_tokens": 1,
            }
        ),
        message_delta(None, output_tokens=40),
        message_delta(
            "end_turn",
            output_tokens=90,
            input_tokens=6,
            output_tokens_details={"thinking_tokens": 30},
        ),
        MESSAGE_STOP,
    )
    usages = [e for e in events if isinstance(e, Usage)]
    assert usages == [
        Usage(
            prompt_tokens=125,
            completion_tokens=1,
            total_tokens=126,
            cached_tokens=100,
            cache_write_tokens=20,
        ),
        Usage(
            prompt_tokens=125,
            completion_tokens=40,
            total_tokens=165,
            cached_tokens=100,
            cache_write_tokens=20,
        ),
        Usage(
            prompt_tokens=126,
            completion_tokens=90,
            total_tokens=216,
            cached_tokens=100,
            cache_write_tokens=20,
            reasoning_tokens=30,
        ),
    ]


def test_message_stop_is_done_at_once_and_later_records_still_parse() -> None:
    dialect = AnthropicDialect()
    out: list[Event] = []
    dialect.on_record(record(start()), out)
    dialect.on_record(record(MESSAGE_STOP), out)
    assert out[-1] == Done(clean=True)
    dialect.on_record(record({"type": "ping"}), out)
    dialect.on_record(record(MESSAGE_STOP), out)
    dialect.on_end(out)
    assert out[-2:] == [KeepAlive(), Other(kind="message_stop")]
    assert sum(isinstance(e, Done) for e in out) == 1


def test_stream_cut_inside_a_tool_call_ends_it_and_is_unclean() -> None:
    events = run(
        start(),
        block(0, type="tool_use", id="t", name="f", input={}),
        delta(0, type="input_json_delta", partial_json='{"a": '),
    )
    assert events[-2:] == [
        ToolCallEnd(index=0, id="t", name="f", arguments='{"a": '),
        Done(clean=False),
    ]


def test_stop_reason_ends_open_calls_before_finish() -> None:
    events = run(
        start(),
        block(0, type="tool_use", id="t", name="f", input={}),
        delta(0, type="input_json_delta", partial_json='{"a": 1'),
        message_delta("max_tokens", output_tokens=9),
        MESSAGE_STOP,
    )
    assert events[-4:] == [
        ToolCallEnd(index=0, id="t", name="f", arguments='{"a": 1'),
        Finish(reason="length", raw_reason="max_tokens"),
        Usage(completion_tokens=9),
        Done(clean=True),
    ]


def test_error_event_is_a_provider_error_then_unclean_end() -> None:
    err = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    events = run(
        start(), block(0, type="text", text=""), delta(0, type="text_delta", text="a"), err
    )
    assert events[-2:] == [
        ProviderError(message="Overloaded", type="overloaded_error"),
        Done(clean=False),
    ]
    assert events[-2].raw == err


@pytest.mark.parametrize(
    ("err", "expected"),
    [
        (
            {"type": "error", "error": {"type": "overloaded_error", "message": "O", "code": 529}},
            ProviderError(message="O", type="overloaded_error", code="529"),
        ),
        ({"type": "error", "error": "boom"}, ProviderError(message="boom")),
        ({"type": "error", "error": {"type": 5}}, ProviderError(message='{"type":5}', type="5")),
        ({"type": "error"}, ProviderError(message='{"type":"error"}')),
    ],
)
def test_error_events_go_through_the_one_provider_error_builder(
    err: dict[str, Any], expected: ProviderError
) -> None:
    # The same rules as every dialect's errors (dialects/_errors.py): the message is always
    # given, type and code only describe (a number is its decimal text).
    events = run(err)
    assert events == [expected, Done(clean=False)]
    assert events[0].raw == err


def test_unknown_types_comments_retry_and_done_sentinel() -> None:
    future = {"type": "message_annotation", "x": 1}
    events = run(
        start(),
        future,
        block(0, type="text", text=""),
        delta(0, type="future_delta", value=3),
        SSEComment(text="keep-alive"),
        SSERetry(milliseconds=10),
        "[DONE]",
        MESSAGE_STOP,
    )
    assert events[1:] == [
        Other(kind="message_annotation"),
        Other(kind="content_block_start"),
        Other(kind="content_block_delta"),
        KeepAlive(),
        Other(kind="retry"),
        Done(clean=True),
    ]
    assert events[1].raw == future


def test_text_in_block_start_is_not_lost() -> None:
    cite = {"type": "char_location", "cited_text": "P"}
    events = run(start(), block(0, type="text", text="Prefilled", citations=[cite]), stop(0))
    assert events[1:3] == [TextDelta(text="Prefilled"), Citation(value=cite)]


def test_on_json_takes_parsed_objects_and_reports_bytes_payloads() -> None:
    dialect = AnthropicDialect()
    out: list[Event] = []
    dialect.on_json(start(), out, offset=0, payload=b"{}")
    dialect.on_json(
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        out,
        offset=5,
        payload=b"{}",
    )
    dialect.on_json(delta(0, type="text_delta", text="hi"), out, offset=9, payload=b"x")
    assert out[-1] == TextDelta(text="hi")
    # An ill-shaped object's error escapes to the caller's one bad-record policy
    # (StreamParser's; BedrockInvokeDialect's for the objects it hands over).
    with pytest.raises(TypeError, match="text is int"):
        dialect.on_json(delta(0, type="text_delta", text=5), out, offset=77, payload=b"bad")
    with pytest.raises(MalformedPayload) as info:
        dialect.on_json({"type": 5}, out, offset=77, payload=b"bad")
    assert info.value.offset == 77
    assert info.value.payload == b"bad"


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "[1, 2]",
        '"text"',
        "{}",
        '{"type": 3}',
        '{"type": "message_start"}',
        '{"type": "message_start", "message": {"usage": {"input_tokens": "5"}}}',
        '{"type": "content_block_start", "index": 0}',
        '{"type": "content_block_start", "index": [0], "content_block": {"type": "tool_use"}}',
        '{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta"}}',
        '{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": 1}}',
        '{"type": "content_block_delta", "index": 0, "delta": 7}',
        '{"type": "message_delta", "delta": {"stop_reason": 4}}',
        '{"type": "message_delta", "delta": {}, "usage": {"output_tokens": "9"}}',
        '{"type": "message_delta", "delta": {}, "usage": [1]}',
        '{"type": "content_block_stop", "index": {}}',
        '{"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "name": 1}}',
    ],
)
def test_ill_shaped_payloads_raise_malformed_payload_at_the_record(payload: str) -> None:
    assert_reported_at_the_record("anthropic", payload)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_types = st.sampled_from(
    [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
        "ping",
        "error",
        "other",
    ]
)
_fields = st.dictionaries(
    st.sampled_from(
        ["message", "index", "content_block", "delta", "usage", "error", "type", "text"]
    ),
    _json
    | st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(
                [
                    "text",
                    "tool_use",
                    "thinking",
                    "text_delta",
                    "input_json_delta",
                    "redacted_thinking",
                ]
            )
            | _json,
            "text": _json,
            "input": _json,
            "partial_json": _json,
            "usage": _json,
            "stop_reason": _json,
            "id": _json,
            "data": _json,
            "thinking": _json,
            "signature": _json,
        },
    ),
    max_size=4,
)


@given(st.lists(st.tuples(_types, _fields), max_size=8))
def test_any_payload_gives_events_or_malformed_payload(items: list[tuple[str, Any]]) -> None:
    dialect = AnthropicDialect()
    out: list[Event] = []
    for kind, fields in items:
        obj = {"type": kind, **fields}
        try:
            dialect.on_record(SSEEvent(type=kind, data=json.dumps(obj), offset=3), out)
        except MalformedPayload as exc:
            assert exc.offset == 3
        except SHAPE_ERRORS:
            pass  # the parser's bad-record policy reports it (assert_reported_at_the_record)
    dialect.on_end(out)
    assert sum(isinstance(e, Done) for e in out) == 1
    for event in out:
        for name in ("text", "signature", "arguments"):
            if hasattr(event, name):
                assert isinstance(getattr(event, name), str)


@given(
    st.lists(
        st.tuples(
            _types, _json | st.dictionaries(st.sampled_from(["type", "index", "delta"]), _json)
        ),
        max_size=6,
    ),
    st.integers(1, 64),
)
def test_stream_parser_raises_only_parse_errors(items: list[tuple[str, Any]], size: int) -> None:
    body = b"".join(
        f"event: {kind}\ndata: {json.dumps(value)}\n\n".encode() for kind, value in items
    )
    parser = StreamParser("anthropic")
    try:
        for i in range(0, len(body), size):
            parser.feed(body[i : i + size])
        events = parser.close()
    except ParseError:
        return
    assert isinstance(events[-1], Done)


def test_sse_comments_reach_the_dialect_through_the_parser() -> None:
    parser = StreamParser("anthropic")
    events = parser.feed(b": proxy keep-alive\n\n") + parser.close()
    assert events == [KeepAlive(), Done(clean=False)]


def test_describing_fields_of_another_type_degrade() -> None:
    """DESIGN §1: ids, model, signatures and citations of an unexpected type never stop a
    record; integral float counts are counts."""
    events = run(
        {
            "type": "message_start",
            "message": {"id": 5, "model": {"name": "m"}, "usage": {"input_tokens": 3.0}},
        },
        block(0, type="text", text="hi", citations={"not": "a list"}),
        stop(0),
        block(1, type="thinking", thinking="t", signature=7),
        delta(1, type="signature_delta", signature=None),
        stop(1),
        block(2, type="tool_use", id=9, name="f", input={}),
        stop(2),
        block(3, type="web_search_tool_result", tool_use_id=[1], content=None),
        message_delta("tool_use", output_tokens=2),
        {"type": "message_stop"},
    )
    assert events[0] == StreamStart(id="5", provider="anthropic")
    assert Usage(prompt_tokens=3) in events
    assert TextDelta(text="hi") in events
    assert not any(isinstance(e, (ReasoningSignature, Citation)) for e in events)
    assert ToolCallEnd(index=0, id="9", name="f", arguments="{}") in events
    assert ServerToolResult(kind="web_search_tool_result") in events
    assert Usage(prompt_tokens=3, completion_tokens=2, total_tokens=5) in events
    assert events[-1] == Done(clean=True)


def test_a_bad_count_is_reported_and_the_stream_goes_on() -> None:
    head = 'data: {"type": "message_delta", "delta": {"stop_reason": "end_turn"}}\n\n'
    bad = 'data: {"type": "message_delta", "delta": {}, "usage": {"output_tokens": "9"}}\n\n'
    tail = 'data: {"type": "message_stop"}\n\n'
    got = check_bad_record(
        partial(StreamParser, "anthropic"), (head + bad + tail).encode(), offset=len(head)
    )
    assert got[0] == Finish(reason="stop", raw_reason="end_turn")
    assert got[-1] == Done(clean=True)
