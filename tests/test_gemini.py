"""The gemini dialect on hand-made records (SSEEvent for the SSE form, JSONRecord for the
JSON-array form): every mapping rule of the module docstring, one test each."""

from __future__ import annotations

import calendar
import json
from typing import Any

import pytest

from sseparse import StreamParser
from sseparse.dialects.gemini import FINISH_REASONS, FINISH_REASONS_BY_NUMBER, GeminiDialect
from sseparse.errors import MalformedPayload
from sseparse.events import (
    Citation,
    Done,
    Event,
    Finish,
    KeepAlive,
    Malformed,
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
from sseparse.framing.records import JSONRecord, SSEComment, SSEEvent, SSERetry


def sse(chunk: Any, offset: int = 0) -> SSEEvent:
    return SSEEvent(data=json.dumps(chunk), offset=offset)


def element(chunk: Any, offset: int = 0) -> JSONRecord:
    return JSONRecord(value=chunk, raw=json.dumps(chunk).encode(), offset=offset)


def run(*records: Any, end: bool = True) -> list[Event]:
    dialect = GeminiDialect()
    out: list[Event] = []
    for record in records:
        dialect.on_record(record, out)
    if end:
        dialect.on_end(out)
    return out


def cand(*parts: dict[str, Any], index: int | None = 0, **extra: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": list(parts), "role": "model"}, **extra}
    if index is not None:
        candidate["index"] = index
    return candidate


def chunk(*candidates: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"candidates": list(candidates), "responseId": "r1", "modelVersion": "m1", **extra}


def without(events: list[Event], *types: type) -> list[Event]:
    return [e for e in events if not isinstance(e, types)]


def test_class_attributes() -> None:
    assert GeminiDialect.name == "gemini"
    assert GeminiDialect.provider == "gemini"
    assert GeminiDialect.default_format == "sse"


@pytest.mark.parametrize("wrap", [sse, element], ids=["sse", "jsonarray"])
def test_text_stream(wrap: Any) -> None:
    first = chunk(cand({"text": "Hel"}))
    last = chunk(cand({"text": "lo"}, finishReason="STOP"))
    events = run(wrap(first), wrap(last))
    assert events == [
        StreamStart(id="r1", model="m1", provider="gemini"),
        TextDelta(text="Hel"),
        TextDelta(text="lo"),
        Finish(reason="stop", raw_reason="STOP"),
        Done(clean=True),
    ]
    assert events[0].raw == first and events[1].raw == first
    assert events[2].raw == last and events[3].raw == last


def test_stream_start_only_once_and_create_time() -> None:
    first = chunk(cand({"text": "a"}), createTime="2026-08-20T08:17:17.849230Z")
    events = run(sse(first), sse(chunk(cand({"text": "b"}))))
    starts = [e for e in events if isinstance(e, StreamStart)]
    assert len(starts) == 1
    assert starts[0].created == calendar.timegm((2026, 8, 20, 8, 17, 17))


@pytest.mark.parametrize(
    ("stamp", "want"),
    [
        ("2024-01-02T03:04:05.123456789Z", calendar.timegm((2024, 1, 2, 3, 4, 5))),
        ("2024-01-02T03:04:05Z", calendar.timegm((2024, 1, 2, 3, 4, 5))),
        ("2024-01-02T03:04:05+01:00", calendar.timegm((2024, 1, 2, 2, 4, 5))),
        ("yesterday", None),
        ("2024-13-02T03:04:05Z", None),
        ("\u0662\u0660\u0662\u0664-01-02T03:04:05Z", None),  # Arabic-Indic digits are not RFC 3339
    ],
)
def test_create_time_forms(stamp: str, want: int | None) -> None:
    (start, *_) = run(sse(chunk(createTime=stamp)), end=False)
    assert isinstance(start, StreamStart) and start.created == want


def test_stream_start_without_ids() -> None:
    (start, *_) = run(sse({"candidates": [cand({"text": "x"})]}))
    assert start == StreamStart(provider="gemini")


def test_thought_text_is_reasoning_and_empty_text_yields_nothing() -> None:
    events = run(sse(chunk(cand({"text": "think", "thought": True}, {"text": ""}, {"text": "x"}))))
    assert without(events, StreamStart, Done) == [ReasoningDelta(text="think"), TextDelta(text="x")]


def test_signature_follows_its_part_and_raw_is_the_part() -> None:
    call_part = {"functionCall": {"name": "f", "args": {"a": 1}}, "thoughtSignature": "SIG1"}
    text_part = {"text": "", "thoughtSignature": "SIG2"}
    events = without(run(sse(chunk(cand(call_part, text_part)))), StreamStart, Done)
    assert [type(e).__name__ for e in events] == [
        "ToolCallStart",
        "ToolCallDelta",
        "ToolCallEnd",
        "ReasoningSignature",
        "ReasoningSignature",
    ]
    assert events[3] == ReasoningSignature(signature="SIG1")
    assert events[3].raw is not None and events[3].raw["functionCall"]["args"] == {"a": 1}
    assert events[4] == ReasoningSignature(signature="SIG2")
    assert events[4].raw == text_part


def test_function_call_is_whole_compact_json() -> None:
    part = {"functionCall": {"name": "lookup", "args": {"q": "café", "n": [1, 2], "o": {}}}}
    events = without(run(sse(chunk(cand(part)))), StreamStart, Done)
    args = '{"q":"café","n":[1,2],"o":{}}'
    assert events == [
        ToolCallStart(index=0, id="call_0", name="lookup"),
        ToolCallDelta(index=0, arguments=args),
        ToolCallEnd(index=0, id="call_0", name="lookup", arguments=args),
    ]
    assert json.loads(args) == part["functionCall"]["args"]


def test_function_call_without_args_and_with_provider_id() -> None:
    part = {"functionCall": {"name": "ping", "id": "abc-1"}}
    events = without(run(sse(chunk(cand(part)))), StreamStart, Done)
    assert events == [
        ToolCallStart(index=0, id="abc-1", name="ping"),
        ToolCallDelta(index=0, arguments="{}"),
        ToolCallEnd(index=0, id="abc-1", name="ping", arguments="{}"),
    ]


def test_parallel_calls_to_the_same_function_never_merge() -> None:
    a = {"functionCall": {"name": "w", "args": {"city": "SF"}}}
    b = {"functionCall": {"name": "w", "args": {"city": "NYC"}}}
    c = {"functionCall": {"name": "w", "args": {"city": "LA"}}}
    events = run(sse(chunk(cand(a, b))), sse(chunk(cand(c, finishReason="STOP"))))
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert [(e.index, e.id, e.arguments) for e in ends] == [
        (0, "call_0", '{"city":"SF"}'),
        (1, "call_1", '{"city":"NYC"}'),
        (2, "call_2", '{"city":"LA"}'),
    ]
    assert Finish(reason="tool_calls", raw_reason="STOP") in events
    assert events[-1] == Done(clean=True)


def test_call_ordinals_are_per_choice() -> None:
    call = {"functionCall": {"name": "f"}}
    events = run(
        sse(chunk(cand(call, index=0), cand(call, index=1))),
        sse(chunk(cand(call, index=1, finishReason="STOP"), cand({"text": "t"}, index=0))),
    )
    starts = [(e.choice, e.index) for e in events if isinstance(e, ToolCallStart)]
    assert starts == [(0, 0), (1, 0), (1, 1)]
    assert Finish(reason="tool_calls", raw_reason="STOP", choice=1) in events
    assert TextDelta(text="t", choice=0) in events
    assert events[-1] == Done(clean=False)  # choice 0 never finished


def test_stop_stays_stop_for_a_candidate_without_calls() -> None:
    events = run(
        sse(
            chunk(
                cand({"functionCall": {"name": "f"}}, index=0, finishReason="STOP"),
                cand({"text": "x"}, index=1, finishReason="STOP"),
            )
        )
    )
    finishes = [e for e in events if isinstance(e, Finish)]
    assert finishes == [
        Finish(reason="tool_calls", raw_reason="STOP", choice=0),
        Finish(reason="stop", raw_reason="STOP", choice=1),
    ]
    assert events[-1] == Done(clean=True)


def test_missing_candidate_index_is_choice_zero() -> None:
    events = run(sse(chunk(cand({"text": "x"}, index=None, finishReason="STOP"))))
    assert TextDelta(text="x", choice=0) in events
    assert events[-1] == Done(clean=True)


def test_code_execution_is_a_server_call_and_its_result_a_server_tool_result() -> None:
    code = {"language": "PYTHON", "code": "print(1)", "id": "x9"}
    result = {"outcome": "OUTCOME_OK", "output": "1\n", "id": "x9"}
    first = chunk(cand({"executableCode": code, "thoughtSignature": "S"}))
    second = chunk(cand({"codeExecutionResult": result}))
    third = chunk(
        cand({"executableCode": {"language": "PYTHON", "code": "2"}}, finishReason="STOP")
    )
    events = without(run(sse(first), sse(second), sse(third)), StreamStart)
    args0 = '{"language":"PYTHON","code":"print(1)"}'
    args1 = '{"language":"PYTHON","code":"2"}'
    assert events == [
        ToolCallStart(index=0, id="x9", name="code_execution", kind="server"),
        ToolCallDelta(index=0, arguments=args0),
        ToolCallEnd(index=0, id="x9", name="code_execution", arguments=args0, kind="server"),
        ReasoningSignature(signature="S"),
        ServerToolResult(tool_call_id="x9", kind="codeExecutionResult", content=result),
        ToolCallStart(index=1, id="call_1", name="code_execution", kind="server"),
        ToolCallDelta(index=1, arguments=args1),
        ToolCallEnd(index=1, id="call_1", name="code_execution", arguments=args1, kind="server"),
        Finish(reason="stop", raw_reason="STOP"),  # server calls are not the client's to run
        Done(clean=True),
    ]
    assert events[4].raw == second


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("BLOCKLIST", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("SPII", "content_filter"),
        ("IMAGE_SAFETY", "content_filter"),
        ("MALFORMED_FUNCTION_CALL", "error"),
        ("UNEXPECTED_TOOL_CALL", "error"),
        ("LANGUAGE", "other"),
        ("OTHER", "other"),
        ("FINISH_REASON_UNSPECIFIED", "other"),
        ("SOMETHING_NEW", "other"),
    ],
)
def test_finish_reasons(word: str, reason: str) -> None:
    last = chunk({"finishReason": word, "index": 0})
    events = run(sse(last))
    assert events[1:] == [Finish(reason=reason, raw_reason=word), Done(clean=True)]  # type: ignore[arg-type]
    assert events[1].raw == last


def test_prompt_blocked() -> None:
    body = {
        "promptFeedback": {"blockReason": "PROHIBITED_CONTENT", "safetyRatings": []},
        "usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 7},
    }
    events = run(element(body))
    assert events == [
        StreamStart(provider="gemini"),
        Finish(reason="content_filter", raw_reason="PROHIBITED_CONTENT"),
        Usage(prompt_tokens=7, completion_tokens=0, total_tokens=7),
        Done(clean=True),
    ]
    assert events[1].raw == body


def test_prompt_feedback_without_block_is_kept_but_ends_nothing() -> None:
    events = run(sse({"promptFeedback": {"safetyRatings": []}}))
    assert events == [StreamStart(provider="gemini"), Done(clean=False)]
    assert events[0].raw == {"promptFeedback": {"safetyRatings": []}}


def test_usage_normalized_to_inclusive_meaning() -> None:
    usage = {
        "promptTokenCount": 46,
        "candidatesTokenCount": 132,
        "toolUsePromptTokenCount": 901,
        "thoughtsTokenCount": 396,
        "cachedContentTokenCount": 20,
        "totalTokenCount": 1475,
    }
    events = run(sse(chunk(usageMetadata=usage)))
    assert events[1] == Usage(
        prompt_tokens=46 + 901,
        completion_tokens=132 + 396,
        total_tokens=1475,
        cached_tokens=20,
        reasoning_tokens=396,
    )
    assert events[1].prompt_tokens + events[1].completion_tokens == events[1].total_tokens  # type: ignore[union-attr,operator]


def test_usage_snapshots_only_when_they_change() -> None:
    u1 = {"promptTokenCount": 5, "totalTokenCount": 5}
    u2 = {"promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7}
    events = run(
        sse(chunk(cand({"text": "a"}), usageMetadata=u1)),
        sse(chunk(cand({"text": "b"}), usageMetadata=u1)),
        sse(chunk(cand({"text": "c"}), usageMetadata=u2)),
        sse(chunk(cand({"text": ""}, finishReason="STOP"), usageMetadata=u2)),
    )
    usages = [e for e in events if isinstance(e, Usage)]
    assert usages == [
        Usage(prompt_tokens=5, completion_tokens=0, total_tokens=5),
        Usage(prompt_tokens=5, completion_tokens=2, total_tokens=7),
    ]


def test_usage_total_computed_when_absent_and_none_without_counts() -> None:
    events = run(
        sse(chunk(usageMetadata={"promptTokenCount": 3, "candidatesTokenCount": 4})),
        sse(chunk(usageMetadata={"trafficType": "ON_DEMAND"})),
    )
    assert events == [
        StreamStart(id="r1", model="m1", provider="gemini"),
        Usage(prompt_tokens=3, completion_tokens=4, total_tokens=7),
        Other(kind="chunk"),  # the second chunk said nothing an event carries
        Done(clean=False),
    ]
    assert events[2].raw == chunk(usageMetadata={"trafficType": "ON_DEMAND"})


def test_usage_counts_as_integral_floats_read_as_ints() -> None:
    # Counts other than plain ints take the slow path (_fields.count): an integral float is
    # still a count, and the snapshot is the same as with ints.
    as_floats = {"promptTokenCount": 3.0, "candidatesTokenCount": 4.0, "thoughtsTokenCount": 2}
    events = run(sse(chunk(usageMetadata=as_floats)))
    usage = next(e for e in events if isinstance(e, Usage))
    assert usage == Usage(prompt_tokens=3, completion_tokens=6, total_tokens=9, reasoning_tokens=2)
    assert [type(usage.prompt_tokens), type(usage.completion_tokens)] == [int, int]


def test_citations() -> None:
    grounding = {"groundingChunks": [{"web": {"uri": "https://x", "title": "X"}}]}
    urls = {"urlMetadata": [{"retrievedUrl": "https://x"}]}
    cites = {"citations": [{"startIndex": 0, "endIndex": 3, "uri": "https://y"}]}
    events = run(
        sse(chunk(cand({"text": "a"}, groundingMetadata={}, urlContextMetadata=urls))),
        sse(chunk(cand({"text": "b"}, groundingMetadata=grounding, citationMetadata=cites))),
    )
    assert [e for e in events if isinstance(e, Citation)] == [
        Citation(value={"urlContextMetadata": urls}),
        Citation(value={"citationMetadata": cites}),
        Citation(value={"groundingMetadata": grounding}),
    ]


@pytest.mark.parametrize("wrap", [sse, element], ids=["sse", "jsonarray"])
def test_error_body(wrap: Any) -> None:
    body = {"error": {"code": 404, "message": "models/x is not found", "status": "NOT_FOUND"}}
    events = run(wrap(body))
    assert events == [
        ProviderError(message="models/x is not found", type="NOT_FOUND", code="404"),
        Done(clean=False),
    ]
    assert events[0].raw == body


def test_error_after_text_makes_the_stream_unclean() -> None:
    events = run(
        sse(chunk(cand({"text": "a"}, finishReason="STOP"))),
        sse({"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}),
    )
    assert events[-2:] == [
        ProviderError(message="overloaded", type="UNAVAILABLE", code="503"),
        Done(clean=False),
    ]


def test_error_shapes() -> None:
    assert run(sse({"error": "boom"}))[0] == ProviderError(message="boom")
    assert run(sse({"error": {"code": 500}}))[0] == ProviderError(
        message='{"code":500}', code="500"
    )
    # A whole array read as one JSON document, as an HTTP error body may be.
    body = [{"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}]
    assert run(element(body))[0] == ProviderError(
        message="bad", type="INVALID_ARGUMENT", code="400"
    )


def test_typed_sse_events() -> None:
    err = SSEEvent(type="error", data='{"error": {"message": "m", "code": 1}}')
    odd = SSEEvent(type="custom", data="not json")
    events = run(err, odd)
    assert events == [ProviderError(message="m", code="1"), Other(kind="custom"), Done(clean=False)]
    assert events[1].raw == "not json"


def test_comments_and_retry() -> None:
    comment = SSEComment(text=" keep-alive")
    retry = SSERetry(milliseconds=10)
    events = run(comment, retry, sse(chunk(cand({"text": "x"}, finishReason="STOP"))))
    assert events[:2] == [KeepAlive(), Other(kind="retry")]
    assert events[0].raw == " keep-alive" and events[1].raw == retry
    assert events[-1] == Done(clean=True)


def test_done_states() -> None:
    assert run() == [Done(clean=False)]  # nothing at all
    assert run(sse(chunk(cand({"text": "x"}))))[-1] == Done(clean=False)  # cut before finish
    assert run(sse(chunk(usageMetadata={"promptTokenCount": 1})))[-1] == Done(clean=False)
    events = run(sse(chunk(cand({"text": "x"}, finishReason="MAX_TOKENS"))))
    assert [e for e in events if isinstance(e, Done)] == [Done(clean=True)]


def test_empty_candidate_content() -> None:
    body = chunk({"content": {"role": "model"}, "finishReason": "STOP", "index": 0})
    assert run(sse(body))[1:] == [Finish(reason="stop", raw_reason="STOP"), Done(clean=True)]


def test_chunk_that_says_nothing_is_other() -> None:
    body = {"candidates": [{"content": {"parts": [{"text": ""}]}}]}
    events = run(sse(chunk(cand({"text": "a"}))), sse(body))
    assert events[2] == Other(kind="chunk")
    assert events[2].raw == body


def test_unknown_part_kinds_are_other() -> None:
    image = {"inlineData": {"mimeType": "image/png", "data": "AAAA"}, "thoughtSignature": "S"}
    events = without(
        run(sse(chunk(cand(image, {"videoMetadata": {}, "fileData": {}})))), StreamStart, Done
    )
    assert events == [
        Other(kind="inlineData"),
        ReasoningSignature(signature="S"),
        Other(kind="videoMetadata"),
    ]


def test_streamed_partial_args_are_not_guessed() -> None:
    part = {"functionCall": {"name": "f", "willContinue": True}}
    events = without(run(sse(chunk(cand(part)))), StreamStart, Done)
    assert events == [Other(kind="functionCall")]


@pytest.mark.parametrize(
    "payload",
    [
        "[1]",
        "3",
        '"text"',
        "null",
        '{"candidates": {}}',
        '{"candidates": [1]}',
        '{"candidates": [{"index": -1}]}',
        '{"candidates": [{"index": "0"}]}',
        '{"candidates": [{"index": true}]}',
        '{"candidates": [{"content": []}]}',
        '{"candidates": [{"content": {"parts": {}}}]}',
        '{"candidates": [{"content": {"parts": ["x"]}}]}',
        '{"candidates": [{"content": {"parts": [{"text": 1}]}}]}',
        '{"candidates": [{"content": {"parts": [{"text": "a", "thought": "yes"}]}}]}',
        '{"candidates": [{"content": {"parts": [{"functionCall": []}]}}]}',
        '{"candidates": [{"content": {"parts": [{"functionCall": {"name": 1}}]}}]}',
        '{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "args": [1]}}]}}]}',
        '{"candidates": [{"content": {"parts": [{"executableCode": "x"}]}}]}',
        '{"candidates": [{"finishReason": [1]}]}',
        '{"usageMetadata": []}',
        '{"usageMetadata": {"promptTokenCount": "3"}}',
        '{"usageMetadata": {"promptTokenCount": -3}}',
        '{"usageMetadata": {"totalTokenCount": 1.5}}',
        '{"usageMetadata": {"thoughtsTokenCount": false}}',
        '{"promptFeedback": "x"}',
        '{"promptFeedback": {"blockReason": 2.5}}',
        '{"error": 5}',
        "",
        "{",
        "[DONE]",
    ],
)
def test_malformed_payloads(payload: str) -> None:
    # The dialect raises (MalformedPayload, or TypeError for a chunk of the wrong shape);
    # StreamParser's one policy reports it at the record, after a good record's events.
    good = f"data: {json.dumps(chunk(cand({'text': 'ok'})))}\n\n".encode()
    stream = good + f"data: {payload}\n\n".encode()
    parser = StreamParser("gemini", strict=True)
    events = parser.feed(stream)
    assert TextDelta(text="ok") in events
    with pytest.raises(MalformedPayload) as info:
        parser.close()
    assert info.value.offset == len(good)
    assert info.value.payload == payload
    lenient = StreamParser("gemini")
    found = [e for e in (*lenient.feed(stream), *lenient.close()) if isinstance(e, Malformed)]
    assert [e.offset for e in found] == [len(good)]


def test_malformed_json_array_element_points_at_the_element() -> None:
    parser = StreamParser("gemini", format="jsonarray", strict=True)
    with pytest.raises(MalformedPayload) as info:
        parser.feed(b'[{"candidates": "x"}]')
        parser.close()
    assert info.value.offset == 1
    assert info.value.payload == b'{"candidates": "x"}'


def test_foreign_record_type_is_malformed() -> None:
    with pytest.raises(MalformedPayload):
        run(object())


@pytest.mark.parametrize(
    ("payload", "want"),
    [
        (
            '{"responseId": 7, "modelVersion": ["m"], "createTime": 5}',
            StreamStart(id="7", provider="gemini"),
        ),
        ('{"error": {"message": 5}}', ProviderError(message="5")),
        (
            '{"error": {"code": [1], "status": 1, "message": "m"}}',
            ProviderError(message="m", type="1"),
        ),
        (
            '{"responseId": "r", "candidates": [{"content": {"parts": [{"thoughtSignature": 5}]}}]}',
            StreamStart(id="r", provider="gemini"),
        ),
    ],
)
def test_describing_fields_of_another_type_degrade(payload: str, want: Event) -> None:
    events = run(SSEEvent(data=payload, offset=0))
    assert events[0] == want
    assert not any(isinstance(e, (Malformed, ReasoningSignature)) for e in events)


def test_integer_enums() -> None:
    """``enum-encoding=int``: reasons by Google's numbering; ``modality`` is not read."""
    usage = {
        "promptTokenCount": 3,
        "candidatesTokenCount": 2,
        "promptTokensDetails": [{"modality": 1, "tokenCount": 3}],
    }
    events = run(
        sse(chunk(cand({"text": "hi"}, finishReason=2), usageMetadata=usage)),
        sse(chunk(cand({"text": "x"}, index=1, finishReason=1))),
        sse(chunk(cand({"text": "y"}, index=2, finishReason=99))),
        sse({"promptFeedback": {"blockReason": 1}}),
    )
    finishes = [(e.choice, e.reason, e.raw_reason) for e in events if isinstance(e, Finish)]
    assert finishes == [
        (0, "length", "MAX_TOKENS"),
        (1, "stop", "STOP"),
        (2, "other", "99"),
        (0, "content_filter", "SAFETY"),
    ]
    assert Usage(prompt_tokens=3, completion_tokens=2, total_tokens=5) in events
    assert FINISH_REASONS_BY_NUMBER[10] == "MALFORMED_FUNCTION_CALL"
    assert FINISH_REASONS[FINISH_REASONS_BY_NUMBER[12]] == "error"
