"""The Bedrock dialects on hand-made event-stream frames: every ConverseStream event, stop
reasons, usage normalization, exceptions and errors, malformed payloads, and the
InvokeModel wrapper around the Anthropic dialect."""

from __future__ import annotations

import base64
import json
from functools import partial
from typing import Any

import pytest

from sseparse.dialects import dialect_class
from sseparse.dialects._fields import describe_str
from sseparse.dialects.bedrock import BedrockConverseDialect
from sseparse.dialects.bedrock_invoke import BedrockInvokeDialect
from sseparse.encode import encode_event_stream
from sseparse.errors import ChecksumMismatch, LimitExceeded, MalformedPayload, TruncatedStream
from sseparse.events import (
    Citation,
    Done,
    Finish,
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
from sseparse.parser import StreamParser
from sseparse.testing import Outcome, assert_fragmentation_invariant
from tests.chunking import check_bad_record


def event(event_type: str, payload: Any) -> bytes:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return encode_event_stream(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        body,
    )


def exception(exception_type: str, payload: bytes) -> bytes:
    return encode_event_stream(
        {
            ":exception-type": exception_type,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        payload,
    )


def run(dialect: str, data: bytes) -> Outcome:
    return assert_fragmentation_invariant(lambda: StreamParser(dialect), data)


def events(dialect: str, *frames: bytes) -> list[Any]:
    outcome = run(dialect, b"".join(frames))
    assert outcome.error is None, outcome.error
    return outcome.items


START = event("messageStart", {"p": "abc", "role": "assistant"})
STOP = event("messageStop", {"stopReason": "end_turn", "p": "xy"})


def test_registry() -> None:
    assert dialect_class("bedrock") is BedrockConverseDialect
    assert dialect_class("bedrock-converse") is BedrockConverseDialect
    assert dialect_class("bedrock-invoke") is BedrockInvokeDialect
    for cls in (BedrockConverseDialect, BedrockInvokeDialect):
        assert cls.default_format == "eventstream" and cls.provider == "bedrock"
    assert StreamParser("bedrock").format == "eventstream"


def test_text_stream() -> None:
    got = events(
        "bedrock",
        START,
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hel"}, "p": "a"}),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "lo"}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        STOP,
        event(
            "metadata",
            {
                "usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5},
                "metrics": {"latencyMs": 9},
            },
        ),
    )
    assert got == [
        StreamStart(provider="bedrock"),
        TextDelta(text="Hel"),
        TextDelta(text="lo"),
        Other(kind="contentBlockStop"),
        Finish(reason="stop", raw_reason="end_turn"),
        Usage(prompt_tokens=3, completion_tokens=2, total_tokens=5),
        Done(clean=True),
    ]
    assert got[0].raw == {"p": "abc", "role": "assistant"}
    assert got[5].raw["metrics"] == {"latencyMs": 9}  # latency only in raw


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("tool_use", "tool_calls"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
        ("malformed_model_output", "other"),
        ("something_new", "other"),
    ],
)
def test_stop_reasons(word: str, reason: str) -> None:
    got = events("bedrock", START, event("messageStop", {"stopReason": word}))
    assert got[1:] == [Finish(reason=reason, raw_reason=word), Done(clean=True)]  # type: ignore[arg-type]


def test_usage_with_cache_is_inclusive() -> None:
    usage = {
        "inputTokens": 10,
        "outputTokens": 7,
        "cacheReadInputTokens": 100,
        "cacheWriteInputTokens": 20,
        "totalTokens": 137,
    }
    got = events("bedrock", START, STOP, event("metadata", {"usage": usage}))
    assert got[2] == Usage(
        prompt_tokens=130,
        completion_tokens=7,
        total_tokens=137,
        cached_tokens=100,
        cache_write_tokens=20,
    )


def test_usage_with_missing_counts() -> None:
    got = events("bedrock", START, STOP, event("metadata", {"usage": {"totalTokens": 9}}))
    assert got[2] == Usage(total_tokens=9)
    got = events("bedrock", START, STOP, event("metadata", {"metrics": {"latencyMs": 1}}))
    assert got[2] == Other(kind="metadata")


def test_tool_calls_use_ordinals_not_block_indexes() -> None:
    got = events(
        "bedrock",
        START,
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "x"}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event(
            "contentBlockStart",
            {"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "a", "name": "f"}}},
        ),
        event(
            "contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": '{"k":'}}}
        ),
        event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": ""}}}),
        event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": "1}"}}}),
        event("contentBlockStop", {"contentBlockIndex": 1}),
        event(
            "contentBlockStart",
            {
                "contentBlockIndex": 2,
                "start": {"toolUse": {"toolUseId": "b", "name": "g", "type": "server_tool_use"}},
            },
        ),
        event("contentBlockStop", {"contentBlockIndex": 2}),
        event("messageStop", {"stopReason": "tool_use"}),
    )
    assert got[1:] == [
        TextDelta(text="x"),
        Other(kind="contentBlockStop"),
        ToolCallStart(index=0, id="a", name="f"),
        ToolCallDelta(index=0, arguments='{"k":'),
        Other(kind="contentBlockDelta"),
        ToolCallDelta(index=0, arguments="1}"),
        ToolCallEnd(index=0, id="a", name="f", arguments='{"k":1}'),
        ToolCallStart(index=1, id="b", name="g", kind="server"),
        ToolCallEnd(index=1, id="b", name="g", arguments="", kind="server"),
        Finish(reason="tool_calls", raw_reason="tool_use"),
        Done(clean=True),
    ]


def test_open_tool_calls_are_closed_at_message_stop_and_at_end() -> None:
    tool = event(
        "contentBlockStart",
        {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "a", "name": "f"}}},
    )
    delta = event(
        "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{}"}}}
    )
    got = events("bedrock", START, tool, delta, STOP)
    assert got[3:] == [
        ToolCallEnd(index=0, id="a", name="f", arguments="{}"),
        Finish(reason="stop", raw_reason="end_turn"),
        Done(clean=True),
    ]
    got = events("bedrock", START, tool, delta)
    assert got[3:] == [ToolCallEnd(index=0, id="a", name="f", arguments="{}"), Done(clean=False)]


def test_tool_delta_without_start_opens_a_call() -> None:
    got = events(
        "bedrock",
        event("contentBlockDelta", {"contentBlockIndex": 4, "delta": {"toolUse": {"input": "{}"}}}),
    )
    assert got == [
        ToolCallStart(index=0),
        ToolCallDelta(index=0, arguments="{}"),
        ToolCallEnd(index=0, arguments="{}"),
        Done(clean=False),
    ]


def test_reasoning_citations_and_other_deltas() -> None:
    citation = {"title": "Doc", "location": {"documentChar": {"start": 0, "end": 3}}}
    got = events(
        "bedrock",
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "hmm"}}},
        ),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "sig"}}},
        ),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 1, "delta": {"reasoningContent": {"redactedContent": "cmVk"}}},
        ),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 1, "delta": {"reasoningContent": {"text": ""}}},
        ),
        event("contentBlockDelta", {"contentBlockIndex": 2, "delta": {"citation": citation}}),
        event("contentBlockDelta", {"contentBlockIndex": 2, "delta": {"image": {"x": 1}}}),
        event("contentBlockDelta", {"contentBlockIndex": 2, "delta": {"text": ""}}),
        event("contentBlockStart", {"contentBlockIndex": 3, "start": {"image": {}}}),
        event("someNewEvent", {"a": 1}),
    )
    assert got == [
        ReasoningDelta(text="hmm"),
        ReasoningSignature(signature="sig"),
        ReasoningSignature(signature="cmVk", redacted=True),
        Other(kind="contentBlockDelta"),
        Citation(value=citation),
        Other(kind="contentBlockDelta.image"),
        Other(kind="contentBlockDelta"),
        Other(kind="contentBlockStart.image"),
        Other(kind="someNewEvent"),
        Done(clean=False),
    ]


def test_messages_without_a_message_type_are_events() -> None:
    frame = encode_event_stream({":event-type": "messageStart"}, b'{"role":"assistant"}')
    assert events("bedrock", frame) == [StreamStart(provider="bedrock"), Done(clean=False)]


def test_unknown_message_type_is_kept() -> None:
    frame = encode_event_stream({":message-type": "weird"}, b"?")
    got = events("bedrock", frame)
    assert got == [Other(kind="message-type:weird"), Done(clean=False)]
    assert got[0].raw.payload == b"?"


# --- exceptions and errors -------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["bedrock-converse", "bedrock-invoke"])
@pytest.mark.parametrize(
    ("exception_type", "payload", "message"),
    [
        (
            "throttlingException",
            b'{"message":"Too many requests, please wait."}',
            "Too many requests, please wait.",
        ),
        (
            "modelStreamErrorException",
            b'{"Message":"Model stream error","originalStatusCode":500}',
            "Model stream error",
        ),
        ("validationException", b"not json at all", "not json at all"),
        ("internalServerException", b"{}", "internalServerException"),
    ],
)
def test_exception_frames(dialect: str, exception_type: str, payload: bytes, message: str) -> None:
    got = events(dialect, exception(exception_type, payload))
    assert got == [ProviderError(message=message, type=exception_type), Done(clean=False)]


def test_exception_after_text_ends_unclean_even_after_stop() -> None:
    text = event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "hi"}})
    got = events("bedrock", START, text, exception("throttlingException", b'{"message":"slow"}'))
    assert got[1:] == [
        TextDelta(text="hi"),
        ProviderError(message="slow", type="throttlingException"),
        Done(clean=False),
    ]
    got = events("bedrock", START, STOP, exception("internalServerException", b'{"message":"x"}'))
    assert got[-1] == Done(clean=False)


def test_error_frames() -> None:
    frame = encode_event_stream(
        {":message-type": "error", ":error-code": "InternalFailure", ":error-message": "boom"}, b""
    )
    assert events("bedrock", START, frame)[1:] == [
        ProviderError(message="boom", type="InternalFailure", code="InternalFailure"),
        Done(clean=False),
    ]
    frame = encode_event_stream({":message-type": "error"}, b"")
    assert events("bedrock-invoke", frame) == [ProviderError(message="error"), Done(clean=False)]


# --- malformed payloads ----------------------------------------------------------------------

MALFORMED = [
    event("contentBlockDelta", b"{not json"),
    event("contentBlockDelta", b"[1, 2]"),
    event("contentBlockDelta", {"contentBlockIndex": 0}),
    event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": 5}}),
    event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": {"a": 1}}}}),
    event("contentBlockStart", {"contentBlockIndex": 0}),
    event("messageStop", {"p": "x"}),
    event("contentBlockDelta", b"\xff\xfe"),
]


@pytest.mark.parametrize("frame", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_payloads_point_at_their_frame(frame: bytes) -> None:
    before = [StreamStart(provider="bedrock")]
    check_bad_record(
        partial(StreamParser, "bedrock"), START + frame, offset=len(START), before=before
    )


def test_framing_errors_pass_through() -> None:
    broken = bytearray(START)
    broken[-1] ^= 1
    assert run("bedrock", bytes(broken)).error == (ChecksumMismatch, 0)
    outcome = run("bedrock", START + STOP[:-3])
    assert outcome.error == (TruncatedStream, len(START))
    assert outcome.items == [StreamStart(provider="bedrock")]


# --- InvokeModelWithResponseStream -----------------------------------------------------------


def chunk(native: Any, **extra: Any) -> bytes:
    raw = native if isinstance(native, bytes) else json.dumps(native).encode()
    return event("chunk", {"bytes": base64.b64encode(raw).decode(), "p": "pad", **extra})


MESSAGE_START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "model": "claude-x",
        "type": "message",
        "role": "assistant",
        "content": [],
        "usage": {"input_tokens": 5, "output_tokens": 1},
    },
}


def test_invoke_hands_native_events_to_anthropic() -> None:
    got = events(
        "bedrock-invoke",
        chunk(MESSAGE_START),
        chunk(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            }
        ),
        chunk(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "Hi"},
            }
        ),
        chunk({"type": "content_block_stop", "index": 0}),
        chunk(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn"},
                "usage": {"output_tokens": 2},
            }
        ),
        chunk(
            {
                "type": "message_stop",
                "amazon-bedrock-invocationMetrics": {"inputTokenCount": 5, "outputTokenCount": 2},
            }
        ),
    )
    assert got[0] == StreamStart(id="msg_1", model="claude-x", provider="bedrock")
    assert [e for e in got if isinstance(e, (TextDelta, Finish, Usage, Done))] == [
        Usage(prompt_tokens=5, completion_tokens=1, total_tokens=6),
        TextDelta(text="Hi"),
        Finish(reason="stop", raw_reason="end_turn"),
        Usage(prompt_tokens=5, completion_tokens=2, total_tokens=7),
        Done(clean=True),
    ]


def test_invocation_metrics_become_usage_when_anthropic_sent_none() -> None:
    start = {"type": "message_start", "message": {"id": "m", "model": "c"}}
    metrics = {
        "inputTokenCount": 11,
        "outputTokenCount": 4,
        "invocationLatency": 100,
        "cacheReadInputTokenCount": 6,
        "cacheWriteInputTokenCount": 2,
    }
    stop = {"type": "message_stop", "amazon-bedrock-invocationMetrics": metrics}
    got = events(
        "bedrock-invoke",
        chunk(start),
        chunk({"type": "message_delta", "delta": {"stop_reason": "end_turn"}}),
        chunk(stop),
    )
    assert got[-2:] == [
        Usage(
            prompt_tokens=19,
            completion_tokens=4,
            total_tokens=23,
            cached_tokens=6,
            cache_write_tokens=2,
        ),
        Done(clean=True),
    ]
    assert got[-2].raw == stop  # latency kept in raw


def test_invoke_without_message_stop_is_unclean() -> None:
    got = events(
        "bedrock-invoke",
        chunk(MESSAGE_START),
        exception("modelStreamErrorException", b'{"message":"m"}'),
    )
    assert got[-2:] == [
        ProviderError(message="m", type="modelStreamErrorException"),
        Done(clean=False),
    ]


def test_invoke_other_event_types_are_kept() -> None:
    assert events("bedrock-invoke", event("initial-response", {}))[0] == Other(
        kind="initial-response"
    )


INVOKE_MALFORMED = [
    event("chunk", {"p": "no bytes"}),
    event("chunk", {"bytes": 5}),
    event("chunk", {"bytes": "***not base64***"}),
    chunk(b"not json"),
    chunk(b"[1]"),
    chunk({"no": "type"}),
    chunk({"type": "content_block_delta", "index": 0}),
]


def strict_invoke_parser() -> StreamParser:
    """A ``bedrock-invoke`` parser that raises at a bad chunk (after its events)."""
    return StreamParser("bedrock-invoke", strict=True)


@pytest.mark.parametrize("frame", INVOKE_MALFORMED, ids=range(len(INVOKE_MALFORMED)))
def test_invoke_malformed_chunks_are_reported_in_band(frame: bytes) -> None:
    first = chunk(MESSAGE_START)
    outcome = run("bedrock-invoke", first + frame)
    assert outcome.error is None
    assert isinstance(outcome.items[0], StreamStart)
    bad = [e for e in outcome.items if isinstance(e, Malformed)]
    assert len(bad) == 1 and bad[0].offset == len(first)
    assert outcome.items[-1] == Done(clean=False)


@pytest.mark.parametrize("frame", INVOKE_MALFORMED, ids=range(len(INVOKE_MALFORMED)))
def test_invoke_malformed_chunks_strict(frame: bytes) -> None:
    first = chunk(MESSAGE_START)
    outcome = assert_fragmentation_invariant(strict_invoke_parser, first + frame)
    assert outcome.error == (MalformedPayload, len(first))
    assert isinstance(outcome.items[0], StreamStart)
    assert not any(isinstance(e, Malformed) for e in outcome.items)


@pytest.mark.parametrize(
    "payload",
    [b' {"role":"assistant"}\n', b'\xef\xbb\xbf{"role":"assistant"}', b'{"role": "assistant"}'],
)
def test_payloads_json_accepts(payload: bytes) -> None:
    """Whitespace around the object and a UTF-8 BOM are what json.loads accepts."""
    got = events("bedrock", event("messageStart", payload))
    assert got == [StreamStart(provider="bedrock"), Done(clean=False)]
    assert got[0].raw == {"role": "assistant"}


@pytest.mark.parametrize("payload", [b'{"role":"assistant"} x', b'{"a":1}{"b":2}', b"", b"   "])
def test_payloads_json_rejects(payload: bytes) -> None:
    check_bad_record(partial(StreamParser, "bedrock"), event("messageStart", payload), offset=0)


@pytest.mark.parametrize("value", [b"event", 7, True])
def test_non_string_message_type_is_kept_not_compared(value: object) -> None:
    """A :message-type that is not a string (bytes would raise BytesWarning under -bb if
    compared with str) is an unknown message type, kept as Other."""
    frame = encode_event_stream({":message-type": value, ":event-type": b"x"}, b"{}")  # type: ignore[dict-item]
    got = events("bedrock", frame)
    assert len(got) == 2 and isinstance(got[0], Other) and got[0].kind.startswith("message-type:")
    assert got[1] == Done(clean=False)


def test_framing_options_reach_the_decoder() -> None:
    parser = StreamParser("bedrock", max_message_size=len(START) - 1)
    with pytest.raises(LimitExceeded):
        parser.feed(START)
    parser = StreamParser("bedrock-invoke", max_headers_size=10)
    with pytest.raises(LimitExceeded):
        parser.feed(START[:12])


def test_guardrail_blocking_the_input() -> None:
    """A guardrail that blocks the input: the canned answer in one frame, stopReason
    ``guardrail_intervened``, and the verdicts in ``metadata.trace`` (only described)."""
    trace = {
        "guardrail": {
            "inputAssessment": {
                "gr1": {
                    "topicPolicy": {"topics": [{"name": "x", "type": "DENY", "action": "BLOCKED"}]},
                    "invocationMetrics": {"guardrailProcessingLatency": 120, "usage": {}},
                }
            },
            "actionReason": "Guardrail blocked.",
        }
    }
    got = events(
        "bedrock",
        START,
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Sorry."}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "guardrail_intervened"}),
        event(
            "metadata",
            {
                "usage": {"inputTokens": 0, "outputTokens": 0},
                "metrics": {"latencyMs": 9},
                "trace": trace,
            },
        ),
    )
    assert [e for e in got if isinstance(e, (TextDelta, Finish, Done))] == [
        TextDelta(text="Sorry."),
        Finish(reason="content_filter", raw_reason="guardrail_intervened"),
        Done(clean=True),
    ]
    assert Usage(prompt_tokens=0, completion_tokens=0, total_tokens=0) in got
    assert not any(isinstance(e, Malformed) for e in got)


@pytest.mark.parametrize("value", ["x", 1.5, [1], {"a": None}, None])
def test_describing_fields_of_any_type(value: Any) -> None:
    got = events(
        "bedrock",
        event("messageStart", {"p": value, "role": value}),
        event(
            "contentBlockStart",
            {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": value, "name": "f"}}},
        ),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{}"}}}),
        event("messageStop", {"stopReason": "tool_use", "p": value}),
        event(
            "metadata",
            {"usage": {"inputTokens": 1, "outputTokens": 2}, "metrics": value, "trace": value},
        ),
    )
    assert not any(isinstance(e, Malformed) for e in got)
    (end,) = [e for e in got if isinstance(e, ToolCallEnd)]
    assert (end.name, end.arguments) == ("f", "{}")
    assert end.id == describe_str(value)  # its text, or None for an object, list or null
    assert Usage(prompt_tokens=1, completion_tokens=2, total_tokens=3) in got


@pytest.mark.parametrize("bad", ["3", -1, 1.5, True, [3]])
def test_a_bad_token_count_is_reported_not_dropped(bad: Any) -> None:
    head = START + STOP
    got = check_bad_record(
        partial(StreamParser, "bedrock"),
        head + event("metadata", {"usage": {"inputTokens": bad, "outputTokens": 2}}),
        offset=len(head),
    )
    assert not any(isinstance(e, Usage) for e in got)
    assert got[-1] == Done(clean=True)


def test_a_server_tool_result_left_open_is_reported_at_the_end() -> None:
    got = events(
        "bedrock",
        START,
        event(
            "contentBlockStart",
            {
                "contentBlockIndex": 3,
                "start": {"toolResult": {"toolUseId": "t", "status": "success"}},
            },
        ),
        event(
            "contentBlockDelta", {"contentBlockIndex": 3, "delta": {"toolResult": {"text": "7"}}}
        ),
    )
    assert got[-2:] == [
        ServerToolResult(
            tool_call_id="t",
            kind="toolResult",
            content={"status": "success", "content": [{"text": "7"}]},
        ),
        Done(clean=False),
    ]
