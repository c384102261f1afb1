"""The shared dialect toolkit, tested alone: the tool-call tracker (``_calls``), the usage
builder (``_usage``), the finish mapping (``_finish``), the provider-error builder
(``_errors``), ``Dialect.claims`` and the end-of-stream bookkeeping, one ``Done`` per stream
(``Dialect.end_marker``/``end_of_input``) (issue 9)."""

from __future__ import annotations

from typing import Any

import pytest

from sseparse import StreamParser
from sseparse.accumulate import Accumulator
from sseparse.detect import dialect_of
from sseparse.dialects import DIALECTS, dialect_class
from sseparse.dialects._base import Dialect
from sseparse.dialects._calls import Calls
from sseparse.dialects._errors import provider_error
from sseparse.dialects._finish import finish
from sseparse.dialects._usage import build_usage, sub
from sseparse.events import (
    Done,
    Event,
    Finish,
    FinishReason,
    Other,
    ProviderError,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.framing.eventstream import EventStreamMessage
from sseparse.framing.eventstream_headers import Header, HeaderType
from sseparse.framing.records import JSONRecord, SSEComment, SSEEvent


def test_calls_number_find_and_end_with_the_joined_fragments() -> None:
    calls = Calls(choice=2)
    out: list[Event] = []
    a = calls.start("a", "f", None, out, key=0)
    b = calls.start(None, "g", None, out, key=1, kind="server")
    calls.delta(a, '{"x":', None, out)
    calls.delta(a, "", None, out)  # an empty fragment is no event
    calls.delta(a, "1}", None, out)
    assert calls.get(0) is a and calls.get(1) is b and calls.by_id["a"] is a
    assert calls.latest is b
    calls.end(a, None, out, '{"x":1}')  # a repeat of what streamed adds nothing
    calls.end(a, None, out)  # ending twice is a no-op
    calls.end(b, None, out, "{}")  # the whole arguments extend nothing streamed: streamed
    c = calls.start("c", "h", None, out, key=0)
    calls.delta(c, "[1", None, out)
    calls.end(c, None, out, "[2]")  # a conflicting whole value: the fragments win
    assert calls.get(0) is None and not calls.open
    assert out == [
        ToolCallStart(index=0, id="a", name="f", choice=2),
        ToolCallStart(index=1, name="g", kind="server", choice=2),
        ToolCallDelta(index=0, arguments='{"x":', choice=2),
        ToolCallDelta(index=0, arguments="1}", choice=2),
        ToolCallEnd(index=0, id="a", name="f", arguments='{"x":1}', choice=2),
        ToolCallDelta(index=1, arguments="{}", choice=2),
        ToolCallEnd(index=1, name="g", arguments="{}", kind="server", choice=2),
        ToolCallStart(index=2, id="c", name="h", choice=2),
        ToolCallDelta(index=2, arguments="[1", choice=2),
        ToolCallEnd(index=2, id="c", name="h", arguments="[1", choice=2),
    ]


def test_a_reused_key_ends_the_open_call_and_end_all_goes_in_order() -> None:
    calls = Calls()
    out: list[Event] = []
    calls.start("a", "f", None, out, key=7)
    calls.start("b", "g", None, out, key=7)
    calls.whole("c", "h", "", None, out)
    calls.start("d", "k", None, out)
    calls.end_all(None, out)
    ends = [e for e in out if type(e) is ToolCallEnd]
    assert [(e.index, e.arguments) for e in ends] == [(0, ""), (2, ""), (1, ""), (3, "")]


def test_a_call_without_arguments_parses_as_an_empty_object() -> None:
    out: list[Event] = []
    Calls().whole("c", "now", "", None, out)
    acc = Accumulator()
    acc.feed(out)
    [call] = acc.message.tool_calls
    assert call.arguments == "" and call.parsed == {} and call.complete


def test_usage_one_count_rule_total_derived_cost_described() -> None:
    assert build_usage(None, prompt=3, completion=2.0, cost={"total": 1}) == Usage(
        prompt_tokens=3, completion_tokens=2, total_tokens=5
    )
    assert build_usage(None, total=9, cost="0.5") == Usage(total_tokens=9, cost=0.5)
    for bad in (-1, 1.5, "3", True, [3]):
        with pytest.raises(TypeError):
            build_usage(None, completion=bad)
    assert sub({"a": 1}, "a") == 1 and sub([1], "a") is None and sub(None, "a") is None


def test_finish_words_integer_enums_and_stop_with_calls() -> None:
    table: dict[Any, FinishReason] = {"stop": "stop", "len": "length"}
    assert finish("len", table, raw=None) == Finish(reason="length", raw_reason="len")
    assert finish("odd", table, raw=None, choice=1) == Finish(
        reason="other", raw_reason="odd", choice=1
    )
    assert finish("stop", table, raw=None, calls=True) == Finish(
        reason="tool_calls", raw_reason="stop"
    )
    # An integer enum is read by its name: the same raw_reason as the string encoding.
    words: dict[str, FinishReason] = {"STOP": "stop", "MAX_TOKENS": "length"}
    names = {1: "STOP", 2: "MAX_TOKENS"}
    assert finish(2, words, raw=None, names=names) == Finish(
        reason="length", raw_reason="MAX_TOKENS"
    )
    assert finish(2, words, raw=None, names=names) == finish("MAX_TOKENS", words, raw=None)
    assert finish(9, words, raw=None, names=names) == Finish(reason="other", raw_reason="9")
    for bad in (1, True, None, ["stop"]):
        with pytest.raises(TypeError):
            finish(bad, table, raw=None)
    for bad in (True, 1.0, None):
        with pytest.raises(TypeError):
            finish(bad, words, raw=None, names=names)


def test_provider_error_shapes() -> None:
    assert provider_error("down", None) == ProviderError(message="down")
    assert provider_error({"message": "m", "type": "t", "code": 429}, None) == ProviderError(
        message="m", type="t", code="429"
    )
    assert provider_error({"code": {"x": 1}}, None, type=3) == ProviderError(
        message='{"code":{"x":1}}', type="3"
    )
    assert provider_error({"message": ["a"]}, None).message == '["a"]'
    assert provider_error(5, None, type="e") == ProviderError(message="5", type="e")


def _frame(message_type: str, event_type: str) -> EventStreamMessage:
    kind = ":exception-type" if message_type == "exception" else ":event-type"
    return EventStreamMessage(
        headers=(
            Header(name=":message-type", type=HeaderType.STRING, value=message_type),
            Header(name=kind, type=HeaderType.STRING, value=event_type),
        ),
        payload=b"{}",
    )


@pytest.mark.parametrize(
    ("record", "name"),
    [
        (SSEEvent(data='{"type": "message_start", "message": {}}'), "anthropic"),
        (SSEEvent(type="ping", data="{}"), "anthropic"),
        (JSONRecord(value={"type": "content_block_delta"}, raw=b""), "anthropic"),
        (SSEEvent(data='{"candidates": []}'), "gemini"),
        (JSONRecord(value={"usageMetadata": {}}, raw=b""), "gemini"),
        (SSEEvent(data='{"promptFeedback": {}}'), "gemini"),
        (_frame("event", "contentBlockDelta"), "bedrock-converse"),
        (_frame("event", "chunk"), "bedrock-invoke"),
        (SSEEvent(data='{"type": "response.created"}'), "openai-responses"),
        (SSEEvent(type="response.created", data="{}"), "openai-responses"),
        (SSEEvent(data='{"type": "message-start"}'), "cohere"),
        (SSEEvent(type="content-delta", data="[]"), "cohere"),
        (JSONRecord(value={"event_type": "text-generation"}, raw=b""), "cohere-v1"),
        (SSEEvent(data='{"choices": [], "model": "mistral-small"}'), "mistral"),
        (SSEEvent(data='{"object": "chat.completion.chunk"}'), "openai"),
        (JSONRecord(value={"done": False, "message": {}}, raw=b""), "ollama"),
        (JSONRecord(value={"model": "m", "created_at": "x"}, raw=b""), "ollama"),
    ],
)
def test_dialects_claim_their_own_records(record: object, name: str) -> None:
    mine = dialect_class(name)
    assert mine.claims(record)
    others = {dialect_class(n) for n in DIALECTS} - {mine}
    claimed_too = {c.name for c in others if c.claims(record)}
    # Mistral chunks are OpenAI chunks: detection asks Mistral first.
    assert claimed_too <= ({"openai"} if name == "mistral" else set())
    assert dialect_of(_FORMAT_OF.get(type(record), "sse"), record) == name


_FORMAT_OF = {EventStreamMessage: "eventstream", JSONRecord: "jsonlines"}


@pytest.mark.parametrize(
    "record",
    [
        SSEEvent(data="[DONE]"),
        SSEEvent(data='{"error": {"message": "x"}}'),
        SSEComment(text="keep-alive"),
        JSONRecord(value=[1], raw=b""),
        SSEEvent(type="error", data='{"type": "error", "error": {}}'),
        _frame("exception", "throttlingException"),
    ],
)
def test_records_that_fit_several_dialects_are_claimed_by_none(record: object) -> None:
    assert not {n for n in DIALECTS if dialect_class(n).claims(record)}


# -- the end of a stream: one Done (Dialect.end_marker / end_of_input / on_end) ---------------


class _Toy(Dialect[str]):
    """A dialect of strings: "open" starts a call, "end" is the end marker."""

    name = provider = default_format = "toy"

    def __init__(self) -> None:
        self.calls = Calls()

    def on_record(self, record: str, out: list[Event]) -> None:
        if record == "open":
            self.calls.start(None, "f", record, out)
        elif not self.end_marker(record, out):
            out.append(Other(kind="second marker", raw=record))

    def close_calls(self, raw: Any, out: list[Event]) -> None:
        self.calls.end_all(raw, out)


def test_the_end_marker_gives_one_clean_done_after_ending_the_calls() -> None:
    toy = _Toy()
    out: list[Event] = []
    for record in ("open", "end", "open", "end"):
        toy.on_record(record, out)
    toy.on_end(out)
    end = ToolCallEnd(index=0, name="f", arguments="")
    second = ToolCallStart(index=1, name="f")
    assert out == [
        ToolCallStart(index=0, name="f"),
        end,
        Done(clean=True),
        second,  # a record after the marker is still decoded
        Other(kind="second marker"),
        ToolCallEnd(index=1, name="f", arguments=""),  # ended at end of input, no new Done
    ]
    assert out[1].raw == out[2].raw == "end" and out[5].raw is None


def test_without_the_marker_end_of_input_gives_the_one_done() -> None:
    toy = _Toy()
    out: list[Event] = []
    toy.on_record("open", out)
    toy.on_end(out)
    toy.on_end(out)  # asked again: still one Done
    assert out == [
        ToolCallStart(index=0, name="f"),
        ToolCallEnd(index=0, name="f", arguments=""),
        Done(clean=False),
    ]
    clean: list[Event] = []
    _Toy().end_of_input(clean, clean=True)  # a dialect whose stream ends with the response
    assert clean == [Done(clean=True)]


def _sse(*payloads: str) -> bytes:
    return b"".join(b"data: " + p.encode() + b"\n\n" for p in payloads)


def _lines(*objects: str) -> bytes:
    return b"".join(o.encode() + b"\n" for o in objects)


# Per dialect with an end marker: records that open a tool call, the marker, a record after
# it (still decoded) and the marker again (no second Done).
_OPENAI_CALL = (
    '{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a",'
    '"function":{"name":"f","arguments":"{}"}}]}}]}'
)
_ANTHROPIC_CALL = (
    '{"type":"content_block_start","index":0,'
    '"content_block":{"type":"tool_use","id":"a","name":"f","input":{}}}'
)
_RESPONSES_CALL = (
    '{"type":"response.output_item.added","output_index":0,'
    '"item":{"type":"function_call","id":"i","call_id":"a","name":"f","arguments":""}}'
)
_RESPONSES_END = '{"type":"response.completed","response":{"status":"completed"}}'
_COHERE_CALL = (
    '{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":'
    '{"id":"a","function":{"name":"f","arguments":"{}"}}}}}'
)
_COHERE_END = '{"type":"message-end","delta":{"finish_reason":"TOOL_CALL"}}'
_V1_CALL = '{"event_type":"tool-calls-chunk","tool_call_delta":{"index":0,"name":"f"}}'
_V1_END = '{"event_type":"stream-end","finish_reason":"COMPLETE"}'
_OLLAMA_CALL = (
    '{"model":"m","message":{"role":"assistant","content":"",'
    '"tool_calls":[{"function":{"name":"f","arguments":{}}}]},"done":false}'
)
_OLLAMA_END = '{"model":"m","message":{"role":"assistant","content":""},"done":true}'
_OLLAMA_TEXT = '{"model":"m","message":{"role":"assistant","content":"late"},"done":false}'
MARKED = {
    "openai": (
        _sse(_OPENAI_CALL),
        _sse("[DONE]"),
        _sse('{"choices":[{"index":0,"delta":{"content":"late"}}]}', "[DONE]"),
    ),
    "anthropic": (
        _sse(_ANTHROPIC_CALL),
        _sse('{"type":"message_stop"}'),
        _sse('{"type":"ping"}', '{"type":"message_stop"}'),
    ),
    "openai-responses": (
        _sse(_RESPONSES_CALL),
        _sse(_RESPONSES_END),
        _sse('{"type":"response.output_text.delta","delta":"late"}', _RESPONSES_END),
    ),
    "cohere": (_sse(_COHERE_CALL), _sse(_COHERE_END), _sse("[DONE]", _COHERE_END)),
    "cohere-v1": (
        _lines(_V1_CALL),
        _lines(_V1_END),
        _lines('{"event_type":"text-generation","text":"late"}', _V1_END),
    ),
    "ollama": (_lines(_OLLAMA_CALL), _lines(_OLLAMA_END), _lines(_OLLAMA_TEXT, _OLLAMA_END)),
}


def _events(dialect: str, data: bytes) -> list[Event]:
    parser = StreamParser(dialect, strict=True)
    return [*parser.feed(data), *parser.close()]


@pytest.mark.parametrize("dialect", sorted(MARKED))
def test_every_dialect_gives_one_done_at_its_marker_and_reads_on(dialect: str) -> None:
    opening, marker, after = MARKED[dialect]
    events = _events(dialect, opening + marker + after)
    dones = [i for i, e in enumerate(events) if type(e) is Done]
    assert len(dones) == 1 and events[dones[0]] == Done(clean=True), events
    ends = [i for i, e in enumerate(events) if type(e) is ToolCallEnd]
    assert len(ends) == 1 and ends[0] < dones[0]  # calls end before the Done
    assert dones[0] < len(events) - 1  # what came after the marker was decoded
    assert all(type(e) is not ToolCallStart for e in events[dones[0] :])

    truncated = _events(dialect, opening)
    assert truncated[-1] == Done(clean=False)
    assert sum(type(e) is Done for e in truncated) == 1
    assert [type(e) for e in truncated].count(ToolCallEnd) == 1
