"""The OpenAI chat dialect on hand-made records: every mapping rule of the chunk format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import StreamParser
from sseparse.accumulate import Accumulator
from sseparse.dialects.openai_chat import OpenAIChatDialect
from sseparse.errors import MalformedPayload, ParseError
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
    RefusalDelta,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.framing.records import SSEComment, SSEEvent, SSERetry

Record = SSEEvent | SSEComment | SSERetry


def ev(payload: Any, *, type: str = "message", offset: int = 0) -> SSEEvent:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return SSEEvent(type=type, data=data, offset=offset)


def chunk(*choices: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 7,
        "model": "m",
        "choices": list(choices),
        **extra,
    }


def delta(index: int = 0, finish: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"index": index, "delta": fields, "finish_reason": finish}


def run(*records: Record | dict[str, Any], dialect: Any = None, end: bool = True) -> list[Event]:
    d = dialect or OpenAIChatDialect()
    out: list[Event] = []
    for r in records:
        d.on_record(ev(r) if isinstance(r, dict) else r, out)
    if end:
        d.on_end(out)
    return out


def body(events: list[Event]) -> list[Event]:
    """The events without the StreamStart (compared separately)."""
    return [e for e in events if not isinstance(e, StreamStart)]


# -- text, start, done -------------------------------------------------------------------------


def test_text_stream_start_and_done() -> None:
    first = chunk(delta(role="assistant", content=""))
    events = run(
        first,
        chunk(delta(content="Hel")),
        chunk(delta(content="lo")),
        chunk(delta(finish="stop")),
        ev("[DONE]"),
    )
    assert events == [
        StreamStart(id="c1", model="m", created=7, provider="openai"),
        TextDelta(text="Hel"),
        TextDelta(text="lo"),
        Finish(reason="stop", raw_reason="stop"),
        Done(clean=True),
    ]
    assert events[0].raw == first  # raw is the parsed chunk
    assert events[1].raw == chunk(delta(content="Hel"))


def test_end_without_done_is_unclean() -> None:
    assert body(run(chunk(delta(content="a")))) == [TextDelta(text="a"), Done(clean=False)]


def test_exactly_one_done_and_records_after_done_are_parsed() -> None:
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    events = run(
        chunk(delta(content="a", finish="stop")),
        ev("[DONE]"),
        {"id": "c1", "choices": [], "usage": usage},
        ev("[DONE]"),
    )
    assert body(events) == [
        TextDelta(text="a"),
        Finish(reason="stop", raw_reason="stop"),
        Done(clean=True),
        Usage(prompt_tokens=1, completion_tokens=2, total_tokens=3),
        Other(kind="[DONE]"),
    ]
    assert sum(isinstance(e, Done) for e in events) == 1


def test_comments_retry_and_unknown_event_types() -> None:
    events = run(
        SSEComment(text=" OPENROUTER PROCESSING"),
        SSERetry(milliseconds=10),
        ev({"x": 1}, type="ping"),
        end=False,
    )
    assert events == [KeepAlive(), Other(kind="SSERetry"), Other(kind="ping")]
    assert events[0].raw == SSEComment(text=" OPENROUTER PROCESSING")
    assert events[2].raw == {"x": 1}


def test_stream_start_waits_for_metadata() -> None:
    azure_first = {
        "choices": [],
        "created": 0,
        "id": "",
        "model": "",
        "object": "",
        "prompt_filter_results": [{"prompt_index": 0}],
    }
    events = run(azure_first, chunk(delta(content="x")), chunk(delta(content="y")))
    assert events[0] == Other(kind="prompt_filter_results")
    assert events[0].raw == azure_first
    assert events[1] == StreamStart(id="c1", model="m", created=7, provider="openai")
    assert sum(isinstance(e, StreamStart) for e in events) == 1


def test_created_zero_and_missing_id() -> None:
    events = run({"id": "", "created": 0, "model": "claude", "choices": []}, end=False)
    assert events == [StreamStart(id=None, model="claude", created=None, provider="openai")]


# -- finish reasons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("stop", "stop"),
        ("length", "length"),
        ("tool_calls", "tool_calls"),
        ("function_call", "tool_calls"),
        ("content_filter", "content_filter"),
        ("eos", "other"),
        ("error", "other"),
        ("model_length", "other"),
    ],
)
def test_finish_reasons(word: str, reason: str) -> None:
    events = body(run(chunk(delta(finish=word)), end=False))
    assert events == [Finish(reason=reason, raw_reason=word)]  # type: ignore[arg-type]


def test_empty_finish_reason_is_no_finish() -> None:
    assert body(run(chunk(delta(content="a", finish="")), end=False)) == [TextDelta(text="a")]


# -- tool calls ----------------------------------------------------------------------------------


def call(
    index: int | None = None,
    id: str | None = None,
    name: str | None = None,
    arguments: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if index is not None:
        out["index"] = index
    if id is not None:
        out["id"] = id
        out["type"] = "function"
    fn = {}
    if name is not None:
        fn["name"] = name
    if arguments is not None:
        fn["arguments"] = arguments
    out["function"] = fn
    return out


def test_streamed_tool_call_split_mid_escape() -> None:
    events = body(
        run(
            chunk(delta(role="assistant", content=None, tool_calls=[call(0, "call_1", "get", "")])),
            chunk(delta(tool_calls=[call(0, arguments='{"q": "a\\')])),
            chunk(delta(tool_calls=[call(0, arguments='u00e9"}')])),
            chunk(delta(finish="tool_calls")),
            ev("[DONE]"),
        )
    )
    assert events == [
        ToolCallStart(index=0, id="call_1", name="get"),
        ToolCallDelta(index=0, arguments='{"q": "a\\'),
        ToolCallDelta(index=0, arguments='u00e9"}'),
        ToolCallEnd(index=0, id="call_1", name="get", arguments='{"q": "a\\u00e9"}'),
        Finish(reason="tool_calls", raw_reason="tool_calls"),
        Done(clean=True),
    ]
    assert json.loads(events[3].arguments) == {"q": "aé"}  # type: ignore[union-attr]


def test_parallel_calls_interleaved_and_index_starting_at_one() -> None:
    events = body(
        run(
            chunk(delta(tool_calls=[call(1, "a", "f", "{"), call(2, "b", "g", "[")])),
            chunk(delta(tool_calls=[call(2, arguments="]"), call(1, arguments="}")])),
            chunk(delta(finish="tool_calls")),
        )
    )
    assert events == [
        ToolCallStart(index=0, id="a", name="f"),
        ToolCallDelta(index=0, arguments="{"),
        ToolCallStart(index=1, id="b", name="g"),
        ToolCallDelta(index=1, arguments="["),
        ToolCallDelta(index=1, arguments="]"),
        ToolCallDelta(index=0, arguments="}"),
        ToolCallEnd(index=0, id="a", name="f", arguments="{}"),
        ToolCallEnd(index=1, id="b", name="g", arguments="[]"),
        Finish(reason="tool_calls", raw_reason="tool_calls"),
        Done(clean=False),
    ]


def test_whole_calls_without_index_are_separate_calls() -> None:
    # Mistral: each call whole, with an id, without index.
    events = body(
        run(
            chunk(
                delta(
                    tool_calls=[
                        call(None, "x1", "plus", '{"a": 1}'),
                        call(None, "x2", "minus", "{}"),
                    ]
                ),
                finish="tool_calls",
            )
        )
    )
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert ends == [
        ToolCallEnd(index=0, id="x1", name="plus", arguments='{"a": 1}'),
        ToolCallEnd(index=1, id="x2", name="minus", arguments="{}"),
    ]


def test_whole_calls_without_index_or_id_are_separate_by_name() -> None:
    events = body(
        run(
            chunk(
                delta(tool_calls=[call(name="f", arguments="{}"), call(name="g", arguments="{}")])
            )
        )
    )
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert [(e.index, e.name, e.arguments) for e in ends] == [(0, "f", "{}"), (1, "g", "{}")]


def test_id_arriving_later_and_empty_values_never_overwrite() -> None:
    events = body(
        run(
            chunk(delta(tool_calls=[call(0, None, "f", '{"a"')])),
            chunk(delta(tool_calls=[{"index": 0, "id": "late", "function": {"arguments": ":1}"}}])),
            chunk(
                delta(
                    tool_calls=[{"index": 0, "id": "", "function": {"name": "", "arguments": ""}}]
                )
            ),
        )
    )
    assert events[0] == ToolCallStart(index=0, id=None, name="f")
    assert events[-2] == ToolCallEnd(index=0, id="late", name="f", arguments='{"a":1}')


def test_deltas_without_index_or_id_continue_the_latest_open_call() -> None:
    events = body(
        run(
            chunk(delta(tool_calls=[{"id": "k", "function": {"name": "f", "arguments": "{"}}])),
            chunk(delta(tool_calls=[{"function": {"arguments": "}"}}])),
        )
    )
    assert events[-2] == ToolCallEnd(index=0, id="k", name="f", arguments="{}")


def test_matched_by_id_when_index_missing_later() -> None:
    events = body(
        run(
            chunk(
                delta(tool_calls=[call(0, "a", "f", "{")]),
                delta(1, tool_calls=[call(0, "z", "h", "")]),
            ),
            chunk(delta(tool_calls=[call(None, "a", None, "}")])),
        )
    )
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert ends == [
        ToolCallEnd(index=0, id="a", name="f", arguments="{}"),
        ToolCallEnd(index=0, id="z", name="h", arguments="", choice=1),
    ]


def test_same_index_with_another_id_is_a_new_call() -> None:
    events = body(
        run(
            chunk(delta(tool_calls=[call(0, "a", "f", "{}")])),
            chunk(delta(tool_calls=[call(0, "b", "g", "[]")])),
        )
    )
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert [(e.index, e.id, e.arguments) for e in ends] == [(0, "a", "{}"), (1, "b", "[]")]


def test_calls_end_at_done_before_done() -> None:
    events = body(run(chunk(delta(tool_calls=[call(0, "a", "f", "{}")])), ev("[DONE]")))
    assert events[-2:] == [ToolCallEnd(index=0, id="a", name="f", arguments="{}"), Done()]


def test_custom_tool_call_and_object_arguments() -> None:
    events = body(
        run(
            chunk(
                delta(
                    tool_calls=[
                        {
                            "index": 0,
                            "id": "c",
                            "type": "custom",
                            "custom": {"name": "sh", "input": "ls"},
                        },
                        {"index": 1, "id": "d", "function": {"name": "f", "arguments": {"a": [1]}}},
                    ]
                )
            )
        )
    )
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert [(e.name, e.arguments) for e in ends] == [("sh", "ls"), ("f", '{"a": [1]}')]


def test_legacy_function_call() -> None:
    events = body(
        run(
            chunk(delta(role="assistant", function_call={"name": "f", "arguments": ""})),
            chunk(delta(function_call={"arguments": '{"x"'})),
            chunk(delta(function_call={"arguments": ": 2}"})),
            chunk(delta(finish="function_call")),
        )
    )
    assert events == [
        ToolCallStart(index=0, name="f"),
        ToolCallDelta(index=0, arguments='{"x"'),
        ToolCallDelta(index=0, arguments=": 2}"),
        ToolCallEnd(index=0, name="f", arguments='{"x": 2}'),
        Finish(reason="tool_calls", raw_reason="function_call"),
        Done(clean=False),
    ]


# -- n > 1 -------------------------------------------------------------------------------------


def test_n_choices_interleaved_each_with_its_finish() -> None:
    events = body(
        run(
            chunk(delta(0, content="a"), delta(1, content="b")),
            chunk(delta(1, tool_calls=[call(0, "t", "f", "{}")])),
            chunk(delta(1, "tool_calls")),
            chunk(delta(0, content="c", finish="length")),
            ev("[DONE]"),
        )
    )
    assert events == [
        TextDelta(text="a"),
        TextDelta(text="b", choice=1),
        ToolCallStart(index=0, id="t", name="f", choice=1),
        ToolCallDelta(index=0, arguments="{}", choice=1),
        ToolCallEnd(index=0, id="t", name="f", arguments="{}", choice=1),
        Finish(reason="tool_calls", raw_reason="tool_calls", choice=1),
        TextDelta(text="c"),
        Finish(reason="length", raw_reason="length"),
        Done(),
    ]


# -- reasoning, refusal, citations ---------------------------------------------------------------


def test_reasoning_content_and_refusal() -> None:
    events = body(
        run(
            chunk(delta(reasoning_content="think", content=None)),
            chunk(delta(refusal="no", content="")),
            end=False,
        )
    )
    assert events == [ReasoningDelta(text="think"), RefusalDelta(text="no")]


def test_router_reasoning_not_duplicated_by_details() -> None:
    detail = {"type": "reasoning.text", "text": "We need", "index": 0, "format": None}
    events = body(
        run(chunk(delta(content="", reasoning="We need", reasoning_details=[detail])), end=False)
    )
    assert events == [ReasoningDelta(text="We need")]


def test_reasoning_details_alone_signatures_and_encrypted() -> None:
    events = body(
        run(
            chunk(delta(reasoning_details=[{"type": "reasoning.text", "text": "15"}])),
            chunk(
                delta(
                    reasoning=None,
                    reasoning_details=[
                        {"type": "reasoning.text", "signature": "sig=="},
                        {"type": "reasoning.encrypted", "data": "enc"},
                        {"type": "reasoning.summary", "summary": "sum"},
                        {"type": "reasoning.text", "text": "", "signature": ""},
                    ],
                )
            ),
            end=False,
        )
    )
    assert events == [
        ReasoningDelta(text="15"),
        ReasoningSignature(signature="sig=="),
        ReasoningSignature(signature="enc", redacted=True),
        ReasoningDelta(text="sum"),
    ]


def test_annotations_become_citations() -> None:
    note = {"type": "url_citation", "url_citation": {"url": "https://x"}}
    events = body(run(chunk(delta(annotations=[note])), end=False))
    assert events == [Citation(value=note)]


# -- usage -------------------------------------------------------------------------------------


def test_usage_details_cost_and_groq() -> None:
    full = {
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "total_tokens": 15,
        "cost": 0.5,
        "prompt_tokens_details": {"cached_tokens": 4},
        "completion_tokens_details": {"reasoning_tokens": 3},
        "cache_creation_input_tokens": 2,
    }
    groq = {"id": "g", "choices": [], "x_groq": {"usage": {"prompt_tokens": 1}}}
    deepseek = {
        "choices": [],
        "usage": {"prompt_tokens": 6, "prompt_cache_hit_tokens": 2, "cost": "0.01"},
    }
    events = body(
        run(chunk(delta(finish="stop"), usage=full), groq, deepseek, chunk(usage=None), end=False)
    )
    assert events == [
        Finish(reason="stop", raw_reason="stop"),
        Usage(
            prompt_tokens=10,
            completion_tokens=5,
            total_tokens=15,
            cached_tokens=4,
            reasoning_tokens=3,
            cache_write_tokens=2,
            cost=0.5,
        ),
        Usage(prompt_tokens=1),
        Usage(prompt_tokens=6, cached_tokens=2, cost=0.01),
    ]
    assert events[1].raw == full


# -- errors ------------------------------------------------------------------------------------


def test_error_alone_beside_choices_and_as_event_type() -> None:
    events = body(
        run(
            {"error": {"message": "boom", "type": "server_error", "code": 500}},
            chunk(delta(content=""), error={"code": 400, "message": "Token limit reached"}),
            ev(
                {
                    "error": {
                        "message": "bad",
                        "type": "invalid_request_error",
                        "code": "tool_use_failed",
                    }
                },
                type="error",
            ),
            ev("plain text", type="error"),
            {"error": "just a string"},
            end=False,
        )
    )
    assert events == [
        ProviderError(message="boom", type="server_error", code="500"),
        ProviderError(message="Token limit reached", code="400"),
        ProviderError(message="bad", type="invalid_request_error", code="tool_use_failed"),
        ProviderError(message="plain text"),
        ProviderError(message="just a string"),
    ]


# -- Azure quirks ------------------------------------------------------------------------------


def test_azure_choices_without_delta_and_filter_results() -> None:
    events = body(
        run(
            {
                "id": "a",
                "model": "m",
                "choices": [
                    {"index": 0, "finish_reason": None, "content_filter_results": {"hate": {}}}
                ],
            },
            {
                "id": "a",
                "choices": [
                    {
                        "index": 0,
                        "delta": {},
                        "content_filter_results": {},
                        "finish_reason": "content_filter",
                    }
                ],
            },
            end=False,
        )
    )
    assert events == [Finish(reason="content_filter", raw_reason="content_filter")]


# -- malformed payloads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "not json",
        "[1, 2]",
        '"text"',
        '{"choices": {}}',
        '{"choices": [1]}',
        '{"choices": [{"index": "0", "delta": {}}]}',
        '{"choices": [{"index": 0, "delta": "x"}]}',
        '{"choices": [{"index": 0, "delta": {"content": 5}}]}',
        '{"choices": [{"index": 0, "delta": {"refusal": []}}]}',
        '{"choices": [{"index": 0, "delta": {"reasoning_content": {}}}]}',
        '{"choices": [{"index": 0, "delta": {"tool_calls": {}}}]}',
        '{"choices": [{"index": 0, "delta": {"tool_calls": [5]}}]}',
        '{"choices": [{"index": 0, "delta": {"tool_calls": [{"index": -1}]}}]}',
        '{"choices": [{"index": 0, "delta": {"tool_calls": [{"function": 3}]}}]}',
        '{"choices": [{"index": 0, "delta": {"tool_calls": [{"function": {"arguments": 3}}]}}]}',
        '{"choices": [{"index": 0, "delta": {"content": [{"type": "text", "text": 1}]}}]}',
        '{"choices": [{"index": 0, "delta": {"content": ["x"]}}]}',
        '{"choices": [{"index": 0, "finish_reason": 1}]}',
        '{"choices": [], "usage": "lots"}',
        '{"choices": [], "usage": {"prompt_tokens": "1"}}',
        '{"choices": [{"index": 0, "delta": {"function_call": "f"}}]}',
        '{"choices": [{"index": 0, "delta": {"reasoning_details": [1]}}]}',
        '{"choices": [{"index": 0, "delta": {"reasoning_details": {}}}]}',
    ],
)
def test_malformed_payloads(data: str) -> None:
    # The dialect raises (MalformedPayload, or a shape error for a chunk of the wrong shape);
    # StreamParser's one policy reports it at the record: raised with strict, else in-band.
    stream = b"\n" * 123 + b"data: " + data.encode() + b"\n\n"  # the event at offset 123
    strict = StreamParser("openai", strict=True)
    with pytest.raises(MalformedPayload) as info:
        strict.feed(stream)
        strict.close()
    assert info.value.offset == 123
    assert info.value.payload == data
    lenient = StreamParser("openai")
    events = [*lenient.feed(stream), *lenient.close()]
    assert [e.offset for e in events if isinstance(e, Malformed)] == [123]
    assert events[-1] == Done(clean=False)


def test_describing_fields_of_another_type_degrade() -> None:
    # An OpenAI-compatible router's usage.cost object, an id sent as a number, a float
    # timestamp, a model name as an object: the answer is kept, the description degrades.
    cost = {"input_tokens_cost": 0, "output_tokens_cost": 0, "total_cost": 0}
    first = {"id": 5, "model": {"name": "m"}, "created": 1.0e9, "choices": []}
    last = {
        "id": 5,
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4, "cost": cost},
    }
    events = run(SSEEvent(data=json.dumps(first)), SSEEvent(data=json.dumps(last)))
    assert events[0] == StreamStart(id="5", model=None, created=1_000_000_000, provider="openai")
    acc = Accumulator()
    acc.feed(events)
    assert acc.message.text == "hi" and acc.message.finish_reason == "stop"
    assert acc.usage == Usage(prompt_tokens=3, completion_tokens=1, total_tokens=4, cost=None)


@pytest.mark.parametrize("position", ["0.0", "true", "[0]", '"0"'])
def test_continuation_with_a_non_integer_index_is_malformed(position: str) -> None:
    first = '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f"}}]}}]}'
    call = '{"index":' + position + ',"function":{"arguments":"{}"}}'
    second = '{"choices":[{"index":0,"delta":{"tool_calls":[' + call + "]}}]}"
    head = f"data: {first}\n\n".encode()
    parser = StreamParser("openai", strict=True)
    events = parser.feed(head + f"data: {second}\n\n".encode())
    assert [type(e) for e in events] == [ToolCallStart]  # the good record's, kept
    with pytest.raises(MalformedPayload) as info:
        parser.close()
    assert info.value.offset == len(head)


# -- fuzzing: any payload gives events or a ParseError, nothing else --------------------------

KEYS = st.sampled_from(
    [
        "id",
        "model",
        "created",
        "choices",
        "index",
        "delta",
        "content",
        "refusal",
        "role",
        "reasoning",
        "reasoning_content",
        "reasoning_details",
        "type",
        "text",
        "signature",
        "data",
        "tool_calls",
        "function",
        "name",
        "arguments",
        "custom",
        "input",
        "function_call",
        "finish_reason",
        "usage",
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
        "prompt_tokens_details",
        "cached_tokens",
        "cost",
        "x_groq",
        "error",
        "message",
        "code",
        "annotations",
        "audio",
        "thinking",
        "prompt_filter_results",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        [
            "",
            "x",
            "[DONE]",
            "stop",
            "tool_calls",
            "reasoning.text",
            "reasoning.encrypted",
            "thinking",
            "text",
            "reference",
        ]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


@given(st.lists(st.dictionaries(KEYS, VALUES, max_size=6) | VALUES, min_size=1, max_size=4))
def test_ill_shaped_payloads_only_raise_parse_errors(payloads: list[Any]) -> None:
    from sseparse import StreamParser
    from sseparse.accumulate import Accumulator

    data = b"".join(b"data: " + json.dumps(p).encode() + b"\n\n" for p in payloads)
    for dialect in ("openai", "mistral"):
        parser = StreamParser(dialect)
        acc = Accumulator()
        try:
            acc.feed(parser.feed(data))
            acc.feed(parser.close())
        except ParseError as exc:
            assert isinstance(exc, MalformedPayload)
            assert data[exc.offset : exc.offset + 6] == b"data: "
        else:
            assert acc.done
        acc.to_openai()
        acc.to_dict()


@given(st.text(max_size=40))
def test_any_text_payload(text: str) -> None:
    from sseparse import StreamParser

    data = ("data: " + text.replace("\n", " ").replace("\r", " ") + "\n\n").encode(
        "utf-8", "surrogatepass"
    )
    try:
        StreamParser("openai").feed(data)
    except ParseError as exc:
        assert exc.offset == 0
