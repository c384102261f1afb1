"""Unit tests of the ``openai-responses`` dialect on hand-made SSE records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.dialects.openai_responses import OpenAIResponsesDialect
from sseparse.errors import MalformedPayload
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
    RefusalDelta,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.framing.records import SSEComment, SSEEvent, SSERetry
from tests.bad_records import SHAPE_ERRORS, assert_reported_at_the_record


def run(*objs: Any, end: bool = True) -> list[Event]:
    dialect = OpenAIResponsesDialect()
    out: list[Event] = []
    for n, obj in enumerate(objs):
        if isinstance(obj, (SSEComment, SSERetry)):
            dialect.on_record(obj, out)
            continue
        data = obj if isinstance(obj, str) else json.dumps({**obj, "sequence_number": n})
        dialect.on_record(SSEEvent(type="message", data=data), out)
    if end:
        dialect.on_end(out)
    return out


def response(status: str = "in_progress", **fields: Any) -> dict[str, Any]:
    return {"id": "resp_1", "object": "response", "created_at": 1700000000, "model": "gpt-x",
            "status": status, "output": [], **fields}  # fmt: skip


CREATED = {"type": "response.created", "response": response()}
IN_PROGRESS = {"type": "response.in_progress", "response": response()}
USAGE = {
    "input_tokens": 100,
    "input_tokens_details": {"cached_tokens": 40},
    "output_tokens": 30,
    "output_tokens_details": {"reasoning_tokens": 20},
    "total_tokens": 130,
}


def completed(**fields: Any) -> dict[str, Any]:
    return {"type": "response.completed", "response": response("completed", **fields)}


def added(index: int, **item: Any) -> dict[str, Any]:
    return {"type": "response.output_item.added", "output_index": index, "item": item}


def done(index: int, **item: Any) -> dict[str, Any]:
    return {"type": "response.output_item.done", "output_index": index, "item": item}


def text(index: int, delta: str, item_id: str = "msg_1") -> dict[str, Any]:
    return {"type": "response.output_text.delta", "item_id": item_id, "output_index": index,
            "content_index": 0, "delta": delta}  # fmt: skip


def args(index: int, delta: str, item_id: str) -> dict[str, Any]:
    return {"type": "response.function_call_arguments.delta", "item_id": item_id,
            "output_index": index, "delta": delta}  # fmt: skip


def fcall(item_id: str, call_id: str, name: str, arguments: str = "", **kw: Any) -> dict[str, Any]:
    return {"type": "function_call", "id": item_id, "call_id": call_id, "name": name,
            "arguments": arguments, **kw}  # fmt: skip


def test_text_response_maps_every_event() -> None:
    events = run(
        CREATED,
        IN_PROGRESS,
        added(0, type="message", id="msg_1", role="assistant", content=[]),
        text(0, "Hel"),
        text(0, "lo"),
        {"type": "response.output_text.done", "output_index": 0, "text": "Hello"},
        done(0, type="message", id="msg_1", content=[{"type": "output_text", "text": "Hello"}]),
        completed(usage=USAGE),
    )
    assert events == [
        StreamStart(id="resp_1", model="gpt-x", created=1700000000, provider="openai"),
        Other(kind="response.in_progress"),
        Other(kind="response.output_item.added"),
        TextDelta(text="Hel"),
        TextDelta(text="lo"),
        Other(kind="response.output_text.done"),
        Other(kind="response.output_item.done"),
        Finish(reason="stop", raw_reason="completed"),
        Usage(
            prompt_tokens=100,
            completion_tokens=30,
            total_tokens=130,
            cached_tokens=40,
            reasoning_tokens=20,
        ),
        Done(clean=True),
    ]
    assert events[3].raw["sequence_number"] == 3


def test_function_calls_get_ordinals_and_whole_arguments() -> None:
    events = run(
        CREATED,
        added(0, type="reasoning", id="rs_1", summary=[]),
        done(0, type="reasoning", id="rs_1", summary=[], encrypted_content="gAAA"),
        added(1, **fcall("fc_1", "call_a", "get_weather")),
        args(1, '{"city":', "fc_1"),
        args(1, '"Paris"}', "fc_1"),
        {
            "type": "response.function_call_arguments.done",
            "output_index": 1,
            "item_id": "fc_1",
            "arguments": '{"city":"Paris"}',
        },
        done(1, **fcall("fc_1", "call_a", "get_weather", '{"city":"Paris"}')),
        added(2, **fcall("fc_2", "call_b", "now")),
        done(2, **fcall("fc_2", "call_b", "now", "{}")),
        completed(),
    )
    mapped = [
        e
        for e in events
        if isinstance(e, (ToolCallStart, ToolCallDelta, ToolCallEnd, ReasoningSignature, Finish))
    ]
    assert mapped == [
        ReasoningSignature(signature="gAAA", redacted=True),
        ToolCallStart(index=0, id="call_a", name="get_weather"),
        ToolCallDelta(index=0, arguments='{"city":'),
        ToolCallDelta(index=0, arguments='"Paris"}'),
        ToolCallEnd(index=0, id="call_a", name="get_weather", arguments='{"city":"Paris"}'),
        ToolCallStart(index=1, id="call_b", name="now"),
        ToolCallDelta(index=1, arguments="{}"),
        ToolCallEnd(index=1, id="call_b", name="now", arguments="{}"),
        Finish(reason="tool_calls", raw_reason="completed"),
    ]


def test_interleaved_parallel_calls_are_told_apart_by_output_index() -> None:
    events = run(
        CREATED,
        added(0, **fcall("fc_1", "a", "f")),
        added(1, **fcall("fc_2", "b", "g")),
        args(1, '{"y":2}', "fc_2"),
        args(0, '{"x":1}', "fc_1"),
        done(1, **fcall("fc_2", "b", "g", '{"y":2}')),
        done(0, **fcall("fc_1", "a", "f", '{"x":1}')),
        completed(),
    )
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert ends == [
        ToolCallEnd(index=1, id="b", name="g", arguments='{"y":2}'),
        ToolCallEnd(index=0, id="a", name="f", arguments='{"x":1}'),
    ]


def test_deltas_found_by_item_id_without_output_index() -> None:
    delta = {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "delta": "{}"}
    events = run(CREATED, added(0, **fcall("fc_1", "a", "f")), delta)
    assert ToolCallDelta(index=0, arguments="{}") in events
    assert events[-2:] == [
        ToolCallEnd(index=0, id="a", name="f", arguments="{}"),
        Done(clean=False),
    ]


def test_final_arguments_extending_the_deltas_are_completed() -> None:
    events = run(
        CREATED,
        added(0, **fcall("fc_1", "a", "f")),
        args(0, '{"x"', "fc_1"),
        done(0, **fcall("fc_1", "a", "f", '{"x":1}')),
    )
    assert [e for e in events if isinstance(e, ToolCallDelta)] == [
        ToolCallDelta(index=0, arguments='{"x"'),
        ToolCallDelta(index=0, arguments=":1}"),
    ]


@pytest.mark.parametrize(
    ("item", "kind", "call_id", "name", "arguments"),
    [
        (
            {"type": "web_search_call", "id": "ws_1", "status": "completed",
             "action": {"type": "search", "query": "q"}},
            "server", "ws_1", "web_search", '{"action":{"type":"search","query":"q"}}',
        ),
        (
            {"type": "code_interpreter_call", "id": "ci_1", "code": "print(1)", "outputs": None,
             "container_id": "c"},
            "server", "ci_1", "code_interpreter", '{"code":"print(1)"}',
        ),
        (
            {"type": "file_search_call", "id": "fs_1", "queries": ["a"], "results": None},
            "server", "fs_1", "file_search", '{"queries":["a"]}',
        ),
        (
            {"type": "mcp_call", "id": "mcp_1", "name": "ask", "server_label": "wiki",
             "arguments": '{"q":1}', "output": "x"},
            "server", "mcp_1", "ask", '{"q":1}',
        ),
        (
            {"type": "tool_search_call", "id": "tsc_1", "call_id": None, "execution": "server",
             "arguments": {"paths": ["f"]}},
            "server", "tsc_1", "tool_search", '{"paths":["f"]}',
        ),
        (
            {"type": "tool_search_call", "id": "tsc_2", "call_id": "call_t",
             "execution": "client", "arguments": {"queries": ["é"]}},
            "function", "call_t", "tool_search", '{"queries":["é"]}',
        ),
        (
            {"type": "computer_call", "id": "cu_1", "call_id": "call_c",
             "action": {"type": "click", "x": 1}},
            "function", "call_c", "computer", '{"action":{"type":"click","x":1}}',
        ),
        (
            {"type": "custom_tool_call", "id": "ctc_1", "call_id": "call_x", "name": "grammar",
             "input": "free text"},
            "function", "call_x", "grammar", "free text",
        ),
    ],
)  # fmt: skip
def test_built_in_and_custom_tool_items(
    item: dict[str, Any], kind: str, call_id: str, name: str, arguments: str
) -> None:
    start_item = {k: v for k, v in item.items() if k not in ("action", "code", "queries", "input")}
    events = run(CREATED, added(0, **start_item), done(0, **item), completed())
    assert events[1:4] == [
        ToolCallStart(index=0, id=call_id, name=name, kind=kind),
        ToolCallDelta(index=0, arguments=arguments),
        ToolCallEnd(index=0, id=call_id, name=name, arguments=arguments, kind=kind),
    ]
    reason = "tool_calls" if kind == "function" else "stop"
    assert Finish(reason=reason, raw_reason="completed") in events  # type: ignore[arg-type]


def test_streamed_mcp_and_custom_arguments() -> None:
    events = run(
        CREATED,
        added(0, type="mcp_call", id="mcp_1", name="ask", arguments=""),
        {
            "type": "response.mcp_call_arguments.delta",
            "output_index": 0,
            "item_id": "mcp_1",
            "delta": '{"q":',
        },
        {
            "type": "response.mcp_call_arguments.delta",
            "output_index": 0,
            "item_id": "mcp_1",
            "delta": "1}",
        },
        done(0, type="mcp_call", id="mcp_1", name="ask", arguments='{"q":1}'),
        added(1, type="custom_tool_call", id="c1", call_id="cc", name="g", input=""),
        {
            "type": "response.custom_tool_call_input.delta",
            "output_index": 1,
            "item_id": "c1",
            "delta": "abc",
        },
        done(1, type="custom_tool_call", id="c1", call_id="cc", name="g", input="abc"),
    )
    assert [e for e in events if isinstance(e, (ToolCallDelta, ToolCallEnd))] == [
        ToolCallDelta(index=0, arguments='{"q":'),
        ToolCallDelta(index=0, arguments="1}"),
        ToolCallEnd(index=0, id="mcp_1", name="ask", arguments='{"q":1}', kind="server"),
        ToolCallDelta(index=1, arguments="abc"),
        ToolCallEnd(index=1, id="cc", name="g", arguments="abc"),
    ]


def test_reasoning_refusal_and_annotations() -> None:
    annotation = {"type": "url_citation", "url": "https://x", "start_index": 0, "end_index": 1}
    events = run(
        CREATED,
        {"type": "response.reasoning_summary_text.delta", "output_index": 0, "delta": "Think"},
        {"type": "response.reasoning_text.delta", "output_index": 0, "delta": "ing"},
        {"type": "response.refusal.delta", "output_index": 1, "delta": "No."},
        {
            "type": "response.output_text.annotation.added",
            "output_index": 1,
            "annotation": annotation,
        },
        completed(),
    )
    assert events[1:5] == [
        ReasoningDelta(text="Think"),
        ReasoningDelta(text="ing"),
        RefusalDelta(text="No."),
        Citation(value=annotation),
    ]


@pytest.mark.parametrize(
    ("details", "reason", "raw"),
    [
        ({"reason": "max_output_tokens"}, "length", "max_output_tokens"),
        ({"reason": "content_filter"}, "content_filter", "content_filter"),
        ({"reason": "something_new"}, "other", "something_new"),
        (None, "other", "incomplete"),
    ],
)
def test_incomplete(details: Any, reason: str, raw: str) -> None:
    events = run(
        CREATED,
        {"type": "response.incomplete",
         "response": response("incomplete", incomplete_details=details)},
    )  # fmt: skip
    assert events[-2:] == [Finish(reason=reason, raw_reason=raw), Done(clean=True)]  # type: ignore[arg-type]


def test_failed_is_an_error_then_a_clean_done() -> None:
    error = {"code": "server_error", "message": "The model failed."}
    events = run(
        CREATED,
        text(0, "partial"),
        {"type": "response.failed", "response": response("failed", error=error, usage=USAGE)},
    )
    assert events[-4:-1] == [
        ProviderError(message="The model failed.", code="server_error"),
        Finish(reason="error", raw_reason="failed"),
        Usage(prompt_tokens=100, completion_tokens=30, total_tokens=130, cached_tokens=40,
              reasoning_tokens=20),
    ]  # fmt: skip
    assert events[-1] == Done(clean=True)


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (
            {"type": "error", "code": "rate_limit_exceeded", "message": "Slow down", "param": None},
            ProviderError(message="Slow down", code="rate_limit_exceeded"),
        ),
        (
            {"type": "error", "error": {"type": "invalid_request_error", "code": 400,
                                        "message": "Bad", "param": "input"}},
            ProviderError(message="Bad", type="invalid_request_error", code="400"),
        ),
    ],
)  # fmt: skip
def test_error_event_flat_and_nested(obj: dict[str, Any], expected: ProviderError) -> None:
    events = run(CREATED, obj)
    assert events[-2:] == [expected, Done(clean=False)]


def test_terminal_event_is_done_at_once_records_after_still_parse() -> None:
    dialect = OpenAIResponsesDialect()
    out: list[Event] = []
    for obj in (CREATED, completed()):
        dialect.on_record(SSEEvent(data=json.dumps(obj)), out)
    assert out[-1] == Done(clean=True)
    dialect.on_record(SSEEvent(data=json.dumps(text(0, "late"))), out)
    dialect.on_record(SSEEvent(data=json.dumps(completed())), out)
    dialect.on_record(SSEEvent(data="[DONE]"), out)
    dialect.on_end(out)
    assert out[-2:] == [TextDelta(text="late"), Other(kind="response.completed")]
    assert sum(isinstance(e, Done) for e in out) == 1


def test_comments_retry_unknown_and_done_sentinel() -> None:
    events = run(
        SSEComment(text=" OPENROUTER PROCESSING"),
        CREATED,
        {"type": "response.web_search_call.searching", "output_index": 0},
        SSERetry(milliseconds=5),
        "[DONE]",
    )
    assert events == [
        KeepAlive(),
        StreamStart(id="resp_1", model="gpt-x", created=1700000000, provider="openai"),
        Other(kind="response.web_search_call.searching"),
        Other(kind="retry"),
        Done(clean=False),
    ]
    assert events[0].raw == " OPENROUTER PROCESSING"


def test_open_calls_end_at_end_of_input() -> None:
    events = run(CREATED, added(3, **fcall("fc_1", "a", "f")), args(3, '{"x":', "fc_1"))
    assert events[-2:] == [
        ToolCallEnd(index=0, id="a", name="f", arguments='{"x":'),
        Done(clean=False),
    ]


@pytest.mark.parametrize(
    "payload",
    [
        "nope",
        "[]",
        "{}",
        '{"type": null}',
        '{"type": "response.created"}',
        '{"type": "response.output_text.delta", "delta": 5}',
        '{"type": "response.output_text.delta"}',
        '{"type": "response.output_item.added", "item": {"type": 7}}',
        '{"type": "response.output_item.added", "output_index": [], "item": {"type": "function_call"}}',
        '{"type": "response.output_item.done", "item": 3}',
        '{"type": "response.completed", "response": {"usage": {"input_tokens": "1"}}}',
        '{"type": "response.completed", "response": []}',
        '{"type": "response.incomplete", "response": {"incomplete_details": {"reason": 1}}}',
    ],
)
def test_ill_shaped_payloads_raise_malformed_payload(payload: str) -> None:
    assert_reported_at_the_record("openai-responses", payload)


def test_describing_fields_of_another_type_degrade() -> None:
    # A Responses endpoint sending created_at as a float, an id as a number, a model as an
    # object, a cost as an object: described as well as they can be, never an error.
    response = {"id": 1, "model": {"m": 1}, "created_at": 1741476777.25}
    out: list[Event] = []
    created = {"type": "response.created", "response": response}
    OpenAIResponsesDialect().on_record(SSEEvent(data=json.dumps(created)), out)
    assert out == [StreamStart(id="1", model=None, created=None, provider="openai")]
    response = {**response, "created_at": 1741476777.0}
    usage = {"input_tokens": 2, "output_tokens": 1, "total_tokens": 3, "cost": {"total": 0}}
    done = {"type": "response.completed", "response": {**response, "usage": usage}}
    out = []
    dialect = OpenAIResponsesDialect()
    dialect.on_record(SSEEvent(data=json.dumps(created | {"response": response})), out)
    dialect.on_record(SSEEvent(data=json.dumps(done)), out)
    assert out[0] == StreamStart(id="1", model=None, created=1741476777, provider="openai")
    assert Usage(prompt_tokens=2, completion_tokens=1, total_tokens=3) in out


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_types = st.sampled_from(
    [
        "response.created",
        "response.output_item.added",
        "response.output_item.done",
        "response.output_text.delta",
        "response.function_call_arguments.delta",
        "response.completed",
        "response.incomplete",
        "response.failed",
        "error",
        "response.reasoning_text.delta",
        "response.output_text.annotation.added",
    ]
)
_item = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["function_call", "web_search_call", "reasoning", "message"])
        | _json,
        "id": _json,
        "call_id": _json,
        "name": _json,
        "arguments": _json,
        "encrypted_content": _json,
    },
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "output_index": st.integers(0, 3) | _json,
        "item_id": _json,
        "delta": st.text(max_size=4) | _json,
        "item": _item | _json,
        "response": st.fixed_dictionaries(
            {}, optional={"usage": _json, "error": _json, "incomplete_details": _json, "id": _json}
        )
        | _json,
        "error": _json,
        "annotation": _json,
    },
)


@given(st.lists(st.tuples(_types, _fields), max_size=8))
def test_any_payload_gives_events_or_malformed_payload(items: list[tuple[str, Any]]) -> None:
    dialect = OpenAIResponsesDialect()
    out: list[Event] = []
    for kind, fields in items:
        try:
            dialect.on_record(SSEEvent(data=json.dumps({"type": kind, **fields}), offset=8), out)
        except MalformedPayload as exc:
            assert exc.offset == 8
        except SHAPE_ERRORS:
            pass  # the parser's bad-record policy reports it (assert_reported_at_the_record)
    dialect.on_end(out)
    assert sum(isinstance(e, Done) for e in out) == 1
    starts = {e.index for e in out if isinstance(e, ToolCallStart)}
    ends = [e.index for e in out if isinstance(e, ToolCallEnd)]
    assert sorted(ends) == sorted(starts)


def test_arguments_given_whole_in_the_added_item_survive_a_missing_done() -> None:
    events = run(CREATED, added(0, **fcall("fc_1", "a", "f", '{"x":1}')), completed())
    assert events[2:4] == [
        ToolCallDelta(index=0, arguments='{"x":1}'),
        ToolCallEnd(index=0, id="a", name="f", arguments='{"x":1}'),
    ]
