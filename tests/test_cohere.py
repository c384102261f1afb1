"""The cohere dialects: Chat v2 (SSE) and Chat v1 (NDJSON) to events."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.accumulate import Accumulator
from sseparse.dialects import dialect_class
from sseparse.dialects.cohere import CohereDialect, CohereV1Dialect
from sseparse.events import (
    Citation,
    Done,
    Event,
    Finish,
    KeepAlive,
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


def run(dialect: str, data: bytes, **options: Any) -> list[Event]:
    outcome = assert_fragmentation_invariant(lambda: StreamParser(dialect, **options), data)
    assert outcome.error is None, outcome.error
    events: list[Event] = outcome.items
    assert sum(type(e) is Done for e in events) == 1
    return events


def sse(*objects: Any, done: bool = True) -> bytes:
    parts = []
    for o in objects:
        parts.append(f"event: {o['type']}\ndata: {json.dumps(o)}\n\n".encode())
    if done:
        parts.append(b"data: [DONE]\n\n")
    return b"".join(parts)


def ndjson(*objects: Any) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objects)


def test_registered() -> None:
    assert dialect_class("cohere") is CohereDialect
    assert dialect_class("cohere-v2") is CohereDialect
    assert dialect_class("cohere-v1") is CohereV1Dialect
    assert StreamParser("cohere").format == "sse"
    assert StreamParser("cohere-v1").format == "jsonlines"


# -- captures -----------------------------------------------------------------------------------

TOOL_PLAN_V2 = "I will use the magic_function tool to answer the question."
PARALLEL_PLAN = (
    "I will inspect the data to understand its structure and content. Then, I will write and "
    "execute Python code to find the movie with the highest average rating."
)
CSV = "tests/integration_tests/csv_agent/csv/"

# Hand-checked against the files: text, reasoning (thinking and tool plans), tool calls
# (id, name, arguments), finish (normalized, raw), usage (prompt, completion, total, cached),
# provider errors, number of citations, response id.
EXPECTED: dict[str, dict[str, Any]] = {
    "cohere-v2-text.sse": {
        "text": "Hi there! You're Pickle Rick? Wow, that's a fun nickname! Do you have a special "
        "recipe for pickling or a favorite way to be enjoyed? I'd love to hear more about your "
        "version of Rick.",
        "finish": ("stop", "COMPLETE"),
        "usage": (70, 45, 115, None),
        "id": "c9216b71-fc8a-4107-be45-168630df7a3f",
    },
    "cohere-v2-citations.sse": {
        "text": "The value of magic_function(3) is 5.",
        "finish": ("stop", "COMPLETE"),
        "usage": (865, 57, 922, None),
        "citations": 1,
        "id": "95cca98f-632d-4b46-81eb-465fad856e2f",
    },
    "cohere-v2-reasoning.sse": {
        "text": "The answer to 2 + 2 is 4.",
        "reasoning": "The user is asking for the sum of 2 and 2. Since this is a straightforward "
        "arithmetic problem, I don't need to use any tools. I can calculate the answer directly.",
        "finish": ("stop", "COMPLETE"),
        "usage": (1394, 54, 1448, 1360),
        "id": "c9117d7f-a7e4-499f-b643-a2a1e139687b",
    },
    "cohere-v2-tool-plan-tool-call.sse": {
        "reasoning": TOOL_PLAN_V2,
        "calls": [("magic_function_yypdfpdj7gx6", "magic_function", '{\n    "input": 3\n}')],
        "finish": ("tool_calls", "TOOL_CALL"),
        "usage": (780, 54, 834, None),
        "id": "a70fe72c-656a-44fd-b161-e89d6d9602a5",
    },
    "cohere-v2-tool-plan-parallel-tool-calls.sse": {
        "reasoning": PARALLEL_PLAN,
        "calls": [
            (
                "file_peek_6f914n9e6j11",
                "file_peek",
                '{\n    "filename": "' + CSV + 'movie_ratings.csv"\n}',
            ),
            (
                "file_peek_parehewv3vsk",
                "file_peek",
                '{\n    "filename": "' + CSV + 'movie_bookings.csv"\n}',
            ),
        ],
        "finish": ("tool_calls", "TOOL_CALL"),
        "usage": (1220, 135, 1355, None),
        "id": "80fc62f8-b580-41ee-a23a-a604c1ecc2de",
    },
    "cohere-v2-midstream-error-tool-plan.sse": {
        "reasoning": "I will first inspect the tables in the database. I will then query the "
        "schema of the most relevant tables.",
        "finish": ("error", "ERROR"),
        "usage": None,  # message-end carries "usage": {}
        "errors": [
            (
                "your request resulted in an invalid tool generation. Try updating the messages "
                "or tool definitions",
                "INVALID_TOOL_GENERATION",
            )
        ],
        "id": "a3c1d0bb-b652-478d-8c79-31098727337b",
    },
    "cohere-v1-text.ndjson": {
        "text": "Oh, hello Pickle Rick! It's a pleasure to meet you. How can I help you today?",
        "finish": ("stop", "COMPLETE"),
        "usage": (70, 21, 91, None),
        "id": "2bac65dd-fca5-4f85-96c8-789a2e7bd831",
    },
    "cohere-v1-citations.ndjson": {
        "text": "The value of magic_function(3) is 5.",
        "finish": ("stop", "COMPLETE"),
        "usage": (1014, 13, 1027, None),
        "citations": 1,
        "others": ["search-results"],
        "id": "7ceaf158-d552-463e-98c4-21157d922ede",
    },
    "cohere-v1-tool-call.ndjson": {
        "calls": [("call_0", "Person", '{"age":27,"name":"Erick"}')],
        # v1 says COMPLETE for a tool-call turn; tokens lacks input_tokens: billed 21 is used.
        "finish": ("tool_calls", "COMPLETE"),
        "usage": (21, 12, 33, None),
        "id": "874fba88-69ec-480d-9812-3de070464adb",
    },
    "cohere-v1-tool-plan-tool-call.ndjson": {
        "reasoning": "I will use the magic_function tool to answer this question.",
        "calls": [("call_0", "magic_function", '{\n            "input": 3\n        }')],
        "finish": ("tool_calls", "COMPLETE"),
        "usage": (929, 21, 950, None),
        "id": "1dcedf8d-5cdf-4a67-8f4d-650a7e90ddd1",
    },
}

COHERE_CAPTURES = captures.captures(api="cohere-v2") + captures.captures(api="cohere-v1")


def test_every_cohere_capture_is_pinned() -> None:
    assert sorted(e["file"] for e in COHERE_CAPTURES) == sorted(EXPECTED)


@pytest.mark.parametrize("entry", COHERE_CAPTURES, ids=lambda e: e["file"])
def test_captures(entry: dict[str, Any]) -> None:
    dialect = "cohere-v1" if entry["api"] == "cohere-v1" else "cohere"
    events = run(dialect, captures.read(entry["file"]))
    assert events[-1] == Done(clean=True)
    assert all(e.raw is not None for e in events)
    want = EXPECTED[entry["file"]]
    acc = Accumulator()
    acc.feed(events)
    message = acc.message
    assert acc.id == want["id"]
    assert acc.provider == "cohere"
    assert message.text == want.get("text", "")
    assert message.reasoning == want.get("reasoning", "")
    assert [(c.id, c.name, c.arguments) for c in message.tool_calls] == want.get("calls", [])
    assert all(c.complete and c.parsed is not None for c in message.tool_calls)
    assert [c.index for c in message.tool_calls] == list(range(len(message.tool_calls)))
    assert (message.finish_reason, message.finish_reason_raw) == want["finish"]
    usage = acc.usage
    got_usage = (
        None
        if usage is None
        else (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens, usage.cached_tokens)
    )
    assert got_usage == want["usage"]
    assert [(e.message, e.type) for e in acc.errors] == want.get("errors", [])
    assert len(message.citations) == want.get("citations", 0)
    assert [o.kind for o in acc.others if not o.kind.startswith(("content-", "citation-"))] == (
        want.get("others", [])
    )
    # Finish, Usage (or the error before Finish) and Done all come from the end record.
    tail = [type(e) for e in events[-3:]]
    assert tail == ([Finish, Usage, Done] if want["usage"] else [ProviderError, Finish, Done])
    assert events[-1].raw is events[-2].raw


def test_v2_citation_value_is_the_citation_object() -> None:
    events = run("cohere", captures.read("cohere-v2-citations.sse"))
    (citation,) = [e for e in events if type(e) is Citation]
    assert citation.value == {
        "start": 34,
        "end": 35,
        "text": "5",
        "sources": [
            {"type": "tool", "id": "magic_function_yypdfpdj7gx6:0", "tool_output": {"output": "5"}}
        ],
    }


# -- v2, hand-made records ------------------------------------------------------------------------

START = {"id": "m1", "type": "message-start", "delta": {"message": {"role": "assistant"}}}


def content(kind: str, piece: str, event: str = "content-delta") -> dict[str, Any]:
    return {"type": event, "index": 0, "delta": {"message": {"content": {kind: piece}}}}


def call_start(index: int, id: str, name: str, arguments: str = "") -> dict[str, Any]:
    function = {"name": name, "arguments": arguments}
    tool_calls = {"id": id, "type": "function", "function": function}
    return {
        "type": "tool-call-start",
        "index": index,
        "delta": {"message": {"tool_calls": tool_calls}},
    }


def call_delta(index: int, arguments: str) -> dict[str, Any]:
    tool_calls = {"function": {"arguments": arguments}}
    return {
        "type": "tool-call-delta",
        "index": index,
        "delta": {"message": {"tool_calls": tool_calls}},
    }


def end(reason: str = "COMPLETE", **delta: Any) -> dict[str, Any]:
    return {"type": "message-end", "delta": {"finish_reason": reason, **delta}}


def test_v2_tool_calls_edge_cases() -> None:
    data = sse(
        START,
        call_start(0, "a", "f", '{"x":'),
        call_start(1, "b", "g"),
        call_delta(0, "1}"),
        {"type": "tool-call-end", "index": 1},
        call_delta(5, '{"late":true}'),
        end("TOOL_CALL"),
    )
    assert run("cohere", data)[1:] == [
        ToolCallStart(index=0, id="a", name="f"),
        ToolCallDelta(index=0, arguments='{"x":'),
        ToolCallStart(index=1, id="b", name="g"),
        ToolCallDelta(index=0, arguments="1}"),
        ToolCallEnd(index=1, id="b", name="g", arguments=""),  # no arguments: ""
        ToolCallStart(index=2),
        ToolCallDelta(index=2, arguments='{"late":true}'),
        ToolCallEnd(index=0, id="a", name="f", arguments='{"x":1}'),
        ToolCallEnd(index=2, arguments='{"late":true}'),
        Finish(reason="tool_calls", raw_reason="TOOL_CALL"),
        Done(clean=True),
    ]


def test_v2_truncated_stream_ends_open_calls_then_unclean() -> None:
    data = sse(
        START, content("text", "Hi"), call_start(0, "a", "f"), call_delta(0, "{}"), done=False
    )
    assert run("cohere", data)[1:] == [
        TextDelta(text="Hi"),
        ToolCallStart(index=0, id="a", name="f"),
        ToolCallDelta(index=0, arguments="{}"),
        ToolCallEnd(index=0, id="a", name="f", arguments="{}"),
        Done(clean=False),
    ]


def test_v2_done_sentinel_without_message_end_is_clean() -> None:
    events = run("cohere", sse(START, content("text", "Hi")))
    assert events == [
        StreamStart(id="m1", provider="cohere"),
        TextDelta(text="Hi"),
        Done(clean=True),
    ]


def test_v2_initial_content_unknown_types_and_records_after_the_end() -> None:
    data = sse(
        START,
        content("thinking", "Hmm", "content-start"),
        content("text", "", "content-start"),
        {"type": "debug", "delta": {}},
        end("MAX_TOKENS", usage={"tokens": {"input_tokens": 3}}),
        end("COMPLETE"),
        content("text", "late"),
    )
    events = run("cohere", data)
    assert events == [
        StreamStart(id="m1", provider="cohere"),
        ReasoningDelta(text="Hmm"),
        Other(kind="content-start"),
        Other(kind="debug"),
        Finish(reason="length", raw_reason="MAX_TOKENS"),
        Usage(prompt_tokens=3),
        Done(clean=True),
        Other(kind="message-end"),
        TextDelta(text="late"),
    ]
    assert events[3].raw == {"type": "debug", "delta": {}}


def test_v2_type_from_the_sse_name_and_comments() -> None:
    data = (
        b": keep-alive\n\nevent: content-delta\n"
        b'data: {"index":0,"delta":{"message":{"content":{"text":"x"}}}}\n\n'
        b"event: message-end\ndata: {}\n\n"
    )
    assert run("cohere", data, comments=True) == [
        KeepAlive(),
        TextDelta(text="x"),
        Done(clean=True),
    ]


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("COMPLETE", "stop"),
        ("STOP_SEQUENCE", "stop"),
        ("MAX_TOKENS", "length"),
        ("TOOL_CALL", "tool_calls"),
        ("ERROR", "error"),
        ("TIMEOUT", "error"),
        ("ERROR_TOXIC", "content_filter"),
        ("ERROR_LIMIT", "length"),
        ("USER_CANCEL", "other"),
        ("SOMETHING_NEW", "other"),
    ],
)
def test_finish_reasons(word: str, reason: str) -> None:
    v2 = run("cohere", sse(end(word)))
    assert v2 == [Finish(reason=reason, raw_reason=word), Done(clean=True)]  # type: ignore[arg-type]
    v1 = run("cohere-v1", ndjson({"event_type": "stream-end", "finish_reason": word}))
    assert v1 == [Finish(reason=reason, raw_reason=word), Done(clean=True)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1]",
        b'{"type": 5}',
        b'{"type":"content-delta","delta":{"message":{"content":"x"}}}',
        b'{"type":"content-delta","delta":{"message":{"content":{"text":1}}}}',
        b'{"type":"content-delta","delta":{}}',
        b'{"type":"tool-plan-delta","delta":{"message":{"tool_plan":["a"]}}}',
        b'{"type":"tool-call-start","index":[0],"delta":{"message":{"tool_calls":{}}}}',
        b'{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{}}}}',
        b'{"type":"tool-call-end"}',
        b'{"type":"citation-start","delta":{}}',
        b'{"type":"message-end","delta":{"finish_reason":1}}',
        b'{"type":"message-end","delta":{"usage":{"tokens":{"input_tokens":"3"}}}}',
        b'{"type":"message-end","delta":{"usage":[]}}',
        b'{"type":"message-end","delta":"COMPLETE"}',
    ],
)
def test_v2_malformed(payload: bytes) -> None:
    head = sse(START, done=False)
    data = head + b"data: " + payload + b"\n\n"
    before = [StreamStart(id="m1", provider="cohere")]
    check_bad_record(partial(StreamParser, "cohere"), data, offset=len(head), before=before)


def test_describing_fields_of_another_type_degrade() -> None:
    v2 = b'data: {"type":"message-start","id":7}\n\n'
    v2 += b'data: {"type":"message-end","delta":{"error":"x","error_type":3}}\n\n'
    events = list(iter_events([v2], dialect="cohere"))
    assert events == [
        StreamStart(id="7", provider="cohere"),
        ProviderError(message="x", type="3"),
        Done(clean=True),
    ]
    line = b'{"event_type": "stream-start", "generation_id": [1]}\n'
    assert list(iter_events([line], dialect="cohere-v1")) == [
        StreamStart(provider="cohere"),
        Done(clean=False),
    ]


# -- v1, hand-made records ------------------------------------------------------------------------


def v1(kind: str, **fields: Any) -> dict[str, Any]:
    return {"is_finished": kind == "stream-end", "event_type": kind, **fields}


def test_v1_streamed_calls_with_index_then_generation() -> None:
    data = ndjson(
        v1("stream-start", generation_id="g"),
        v1("tool-calls-chunk", text="Plan."),
        v1("tool-calls-chunk", tool_call_delta={"index": 0, "name": "f"}),
        v1("tool-calls-chunk", tool_call_delta={"index": 0, "parameters": '{"a":'}),
        v1("tool-calls-chunk", tool_call_delta={"index": 1, "name": "g"}),
        v1("tool-calls-chunk", tool_call_delta={"index": 0, "parameters": "1}"}),
        v1(
            "tool-calls-generation",
            text="Plan.",
            tool_calls=[
                {"name": "f", "parameters": {"a": 1}},
                {"name": "g", "parameters": {}},
                {"name": "h", "parameters": {"z": "é"}},
            ],
        ),
        v1(
            "stream-end",
            finish_reason="COMPLETE",
            response={"meta": {"billed_units": {"output_tokens": 4}}},
        ),
    )
    assert run("cohere-v1", data) == [
        StreamStart(id="g", provider="cohere"),
        ReasoningDelta(text="Plan."),
        ToolCallStart(index=0, id="call_0", name="f"),
        ToolCallDelta(index=0, arguments='{"a":'),
        ToolCallStart(index=1, id="call_1", name="g"),
        ToolCallDelta(index=0, arguments="1}"),
        ToolCallEnd(index=0, id="call_0", name="f", arguments='{"a":1}'),
        ToolCallEnd(index=1, id="call_1", name="g", arguments=""),  # no arguments: ""
        ToolCallStart(index=2, id="call_2", name="h"),
        ToolCallDelta(index=2, arguments='{"z":"é"}'),
        ToolCallEnd(index=2, id="call_2", name="h", arguments='{"z":"é"}'),
        Finish(reason="tool_calls", raw_reason="COMPLETE"),
        Usage(completion_tokens=4),
        Done(clean=True),
    ]


def test_v1_names_without_index_start_new_calls() -> None:
    data = ndjson(
        v1("tool-calls-chunk", tool_call_delta={"name": "f"}),
        v1("tool-calls-chunk", tool_call_delta={"parameters": "{}"}),
        v1("tool-calls-chunk", tool_call_delta={"name": "g"}),
        v1("tool-calls-chunk", tool_call_delta={"parameters": "[]"}),
    )
    assert run("cohere-v1", data) == [
        ToolCallStart(index=0, id="call_0", name="f"),
        ToolCallDelta(index=0, arguments="{}"),
        ToolCallStart(index=1, id="call_1", name="g"),
        ToolCallDelta(index=1, arguments="[]"),
        ToolCallEnd(index=0, id="call_0", name="f", arguments="{}"),
        ToolCallEnd(index=1, id="call_1", name="g", arguments="[]"),
        Done(clean=False),
    ]


def test_v1_error_and_unknown_records() -> None:
    data = ndjson(
        v1("search-queries-generation", search_queries=[{"text": "q"}]),
        v1("text-generation", text=""),
        v1("stream-end", finish_reason="ERROR", response={"error": "boom"}),
    )
    events = run("cohere-v1", data)
    assert events == [
        Other(kind="search-queries-generation"),
        Other(kind="text-generation"),
        ProviderError(message="boom"),
        Finish(reason="error", raw_reason="ERROR"),
        Done(clean=True),
    ]


@pytest.mark.parametrize(
    "line",
    [
        b"[]",
        b'{"text": "no event type"}',
        b'{"event_type": "text-generation"}',
        b'{"event_type": "text-generation", "text": 1}',
        b'{"event_type": "tool-calls-chunk", "tool_call_delta": "x"}',
        b'{"event_type": "tool-calls-chunk", "tool_call_delta": {"index": "0"}}',
        b'{"event_type": "tool-calls-chunk", "tool_call_delta": {"parameters": 5}}',
        b'{"event_type": "tool-calls-generation", "tool_calls": {}}',
        b'{"event_type": "tool-calls-generation", "tool_calls": [{"parameters": {}}]}',
        b'{"event_type": "citation-generation", "citations": {}}',
        b'{"event_type": "stream-end", "finish_reason": 0}',
        b'{"event_type": "stream-end", "response": {"meta": {"tokens": {"output_tokens": -2}}}}',
        b'{"event_type": "stream-end", "response": []}',
    ],
)
def test_v1_malformed(line: bytes) -> None:
    head = ndjson(v1("text-generation", text="ok"))
    factory = partial(StreamParser, "cohere-v1")
    check_bad_record(factory, head + line + b"\n", offset=len(head), before=[TextDelta(text="ok")])


@pytest.mark.parametrize(
    ("dialect", "name"),
    [("cohere", "cohere-v2-tool-plan-tool-call.sse"), ("cohere-v1", "cohere-v1-citations.ndjson")],
)
@given(data=st.data())
def test_mutated_streams_give_events_or_parse_errors(
    dialect: str, name: str, data: st.DataObject
) -> None:
    stream = data.draw(mutations(captures.read(name)))
    pieces = data.draw(cuts(stream))

    def factory() -> StreamParser:
        return StreamParser(dialect)

    whole = outcome_of(factory, [stream])
    assert outcome_of(factory, pieces) == whole
    if whole[0] == "ok":
        events = whole[1]
        assert isinstance(events, list)
        assert sum(type(e) is Done for e in events) == 1
