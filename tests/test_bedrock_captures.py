"""Every recorded Bedrock stream (9 ConverseStream, 6 InvokeModelWithResponseStream) through
``StreamParser("bedrock-converse" / "bedrock-invoke")`` at every fragmentation, with pinned
final messages and an oracle: botocore's own parse (``EventStream`` with the bedrock-runtime
service model) of the same bytes.

The pinned values were read off the frames by hand (decoded with botocore's
``EventStreamBuffer``, JSON and base64 undone): the text deltas, ``toolUse`` starts and their
``input`` fragments, ``stopReason``, and ``metadata.usage`` (Converse) or the Anthropic
``message_start`` usage overwritten by the last ``message_delta`` (Invoke) -- which also
agrees with Bedrock's ``amazon-bedrock-invocationMetrics`` token counts.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import botocore.session
import pytest
from botocore.eventstream import EventStream
from botocore.parsers import EventStreamJSONParser

from sseparse.accumulate import Accumulator
from sseparse.events import (
    Citation,
    Done,
    Finish,
    ReasoningSignature,
    StreamStart,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.parser import StreamParser
from sseparse.testing import assert_fragmentation_invariant
from tests.captures import captures, read

CONVERSE = captures(api="bedrock-converse")
INVOKE = captures(api="bedrock-invoke")
ENTRIES = CONVERSE + INVOKE


def test_the_corpus_is_all_there() -> None:
    assert len(CONVERSE) == 9 and len(INVOKE) == 6
    assert all(e["format"] == "eventstream" and e["provider"] == "bedrock" for e in ENTRIES)


def decode(entry: dict[str, Any]) -> list[Any]:
    parser = StreamParser(entry["api"])
    return parser.feed(read(entry["file"])) + parser.close()


def accumulate(name: str) -> Accumulator:
    [entry] = [e for e in ENTRIES if e["file"] == name]
    acc = Accumulator()
    acc.feed(decode(entry))
    return acc


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_capture_at_every_fragmentation(entry: dict[str, Any]) -> None:
    data = read(entry["file"])
    outcome = assert_fragmentation_invariant(lambda: StreamParser(entry["api"]), data)
    assert outcome.error is None
    events = outcome.items
    features = set(entry["features"])
    assert isinstance(events[0], StreamStart) and events[0].provider == "bedrock"
    assert sum(isinstance(e, Done) for e in events) == 1
    assert Done(clean=True) in events
    if entry["api"] == "bedrock-converse":
        assert events[-1] == Done(clean=True)  # at end of input, after metadata
        assert isinstance(events[-2], Usage)
    finishes = [e for e in events if isinstance(e, Finish)]
    assert len(finishes) == 1
    if "max_tokens" in features:
        assert finishes[0].reason == "length"
    elif "tool_calls" in features:
        assert finishes[0].reason == "tool_calls"
    else:
        assert finishes[0].reason == "stop"
    # Tool calls: ordinals 0, 1, … ; deltas join to the end's arguments, which parse as JSON.
    starts = [e for e in events if isinstance(e, ToolCallStart)]
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert [s.index for s in starts] == list(range(len(starts))) == [e.index for e in ends]
    for start, end in zip(starts, ends, strict=True):
        assert (start.id, start.name, start.kind) == (end.id, end.name, end.kind)
        joined = "".join(
            e.arguments for e in events if isinstance(e, ToolCallDelta) and e.index == end.index
        )
        assert joined == end.arguments
        json.loads(end.arguments)
    assert bool(starts) == ("tool_calls" in features)
    if "parallel_tool_calls" in features:
        assert len(starts) >= 2
    if "usage" in features:
        assert any(isinstance(e, Usage) for e in events)
    if "citations" in features:
        assert any(isinstance(e, Citation) for e in events)
    if "redacted_reasoning" in features:
        assert any(isinstance(e, ReasoningSignature) and e.redacted for e in events)
    for e in events:  # every event keeps its source payload
        if not isinstance(e, (Done, ToolCallEnd)):
            assert e.raw is not None, e


# --- pinned final messages (hand-checked against the frames) ---------------------------------


def _usage(acc: Accumulator) -> tuple[int | None, int | None, int | None]:
    assert acc.usage is not None
    return (acc.usage.prompt_tokens, acc.usage.completion_tokens, acc.usage.total_tokens)


def _calls(acc: Accumulator) -> list[tuple[str | None, str | None, Any, str]]:
    return [(c.id, c.name, c.parsed, c.kind) for c in acc.message.tool_calls]


def test_converse_text() -> None:
    acc = accumulate("bedrock-converse-text.eventstream")
    m = acc.message
    assert m.text == "The current temperature in Paris, the capital of France, is 30\u00b0C."
    assert (m.finish_reason, m.finish_reason_raw) == ("stop", "end_turn")
    assert _usage(acc) == (577, 18, 595)
    assert acc.clean is True and m.tool_calls == []


def test_converse_tool_call() -> None:
    acc = accumulate("bedrock-converse-tool-call.eventstream")
    assert acc.message.text == ""
    assert _calls(acc) == [
        ("tooluse_Xzc8peGaTHexVUBByi4OeQ", "get_book_info", {"isbn": "0-7653-1178-X"}, "function")
    ]
    assert (acc.message.finish_reason, acc.message.finish_reason_raw) == ("tool_calls", "tool_use")
    assert _usage(acc) == (605, 26, 631)


def test_converse_text_parallel_tool_calls() -> None:
    acc = accumulate("bedrock-converse-text-parallel-tool-calls.eventstream")
    text = acc.message.text
    assert text.startswith("<thinking> To retrieve the secrets associated with each of")
    assert text.endswith("one for each password. </thinking>\n")
    assert _calls(acc) == [
        (
            "tooluse_jmYwyYtsQxiOee3FyiEBog",
            "secret_retrieval_tool",
            {"password": "mellon"},
            "function",
        ),
        (
            "tooluse_wwdyV5DhQ4yhJbQiWcoZmw",
            "secret_retrieval_tool",
            {"password": "radiance"},
            "function",
        ),
    ]
    assert _usage(acc) == (440, 102, 542)


def test_converse_server_tool_then_function() -> None:
    acc = accumulate("bedrock-converse-parallel-tool-calls.eventstream")
    assert _calls(acc) == [
        ("tooluse_ptgCcZ0uQu-UUMz0abqoWw", "final_result", {"result": 7006652.0}, "function"),
    ]
    # Nova's code interpreter ran on Bedrock's side: a server call, with its result.
    (server,) = acc.message.server_tool_calls
    assert (server.index, server.id, server.name, server.parsed) == (
        0,
        "tooluse_VQNZJRUFMoqZzszVsRd4og",
        "nova_code_interpreter",
        {"snippet": "1234 * 5678"},
    )
    (result,) = server.results
    assert result.kind == "nova_code_interpreter_result"
    assert result.content == {
        "status": "success",
        "content": [{"json": {"stdOut": "7006652", "stdErr": "", "exitCode": 0, "isError": False}}],
    }
    # The result block's records are still kept, not dropped.
    assert [o.kind for o in acc.others if o.kind.endswith("toolResult")] == [
        "contentBlockStart.toolResult",
        "contentBlockDelta.toolResult",
    ]
    assert _usage(acc) == (1002, 59, 1061)


def test_converse_text_tool_call() -> None:
    acc = accumulate("bedrock-converse-text-tool-call.eventstream")
    assert acc.message.text.startswith(
        "<thinking> To find the temperature of the capital of France,"
    )
    assert _calls(acc) == [
        ("tooluse_lAG_zP8QRHmSYOwZzzaCqA", "get_temperature", {"city": "Paris"}, "function")
    ]
    assert _usage(acc) == (471, 91, 562)


def test_converse_max_tokens() -> None:
    acc = accumulate("bedrock-converse-text-max-tokens.eventstream")
    assert acc.message.text.startswith(
        "Sure, here is a list of all 50 states in the United States:"
    )
    assert acc.message.text.endswith("\n7. Connecticut\n8. Delaware\n9")
    assert (acc.message.finish_reason, acc.message.finish_reason_raw) == ("length", "max_tokens")
    assert _usage(acc) == (8, 50, 58)


def test_converse_citations() -> None:
    acc = accumulate("bedrock-converse-citations.eventstream")
    assert acc.message.text == "The return window is thirty days from purchase."
    [citation] = acc.message.citations
    assert citation["title"] == "Document 1"
    assert citation["location"] == {"documentChar": {"documentIndex": 0, "end": 47, "start": 0}}
    assert _usage(acc) == (583, 28, 611)


def test_converse_thinking() -> None:
    acc = accumulate("bedrock-converse-thinking.eventstream")
    assert acc.message.reasoning == (
        'The user just says "Hi". We need to respond appropriately, friendly greeting. '
        "No special instructions. Should be short."
    )
    assert acc.message.text == "Hello! How can I help you today?"
    assert _usage(acc) == (70, 43, 113)


def test_converse_thinking_redacted() -> None:
    acc = accumulate("bedrock-converse-thinking-redacted.eventstream")
    sigs = acc.message.reasoning_signatures
    assert [s.redacted for s in sigs] == [True, True]
    assert sigs[0].signature.startswith("RXRrRUNrZ0lCeEFCR0FJcVFKVGZxUy9QWXVBRlpl")
    assert sigs[1].signature.startswith("RXFBRENrZ0lCeEFCR0FJcVFCM2g1R3lISkQ0aG9j")
    base64.b64decode(sigs[0].signature, validate=True)  # kept as Bedrock's base64 text
    assert acc.message.reasoning == ""
    assert acc.message.text.startswith("I notice you've sent what appears to be some kind of")
    assert acc.message.text.endswith("What would you like to talk about today?")
    assert _usage(acc) == (92, 253, 345)


def test_invoke_text() -> None:
    acc = accumulate("bedrock-invoke-text.eventstream")
    assert acc.message.text == "4200 + 42 = 4242"
    assert (acc.id, acc.model, acc.provider) == (
        "msg_bdrk_01YG3BTTJ5H4atKuqxFNA4KP",
        "claude-haiku-4-5-20251001",
        "bedrock",
    )
    assert (acc.message.finish_reason, acc.message.finish_reason_raw) == ("stop", "end_turn")
    assert _usage(acc) == (17, 15, 32)  # invocationMetrics: inputTokenCount 17, output 15
    assert acc.usage is not None and acc.usage.cached_tokens == 0
    assert acc.clean is True


def test_invoke_tool_call() -> None:
    acc = accumulate("bedrock-invoke-tool-call.eventstream")
    assert _calls(acc) == [
        (
            "toolu_bdrk_01XsuyfLnJuxhiGhWCAoDr9L",
            "get_book_info",
            {"isbn": "0-7653-1178-X"},
            "function",
        )
    ]
    assert acc.message.finish_reason == "tool_calls"
    assert _usage(acc) == (862, 48, 910)


def test_invoke_text_tool_call() -> None:
    acc = accumulate("bedrock-invoke-text-tool-call.eventstream")
    assert acc.message.text == "I'll look up that book for you."
    assert _calls(acc) == [
        (
            "toolu_bdrk_0123idFGXBL9pQxjcF2XcK45",
            "get_book_info",
            {"isbn": "0-7653-1178-X"},
            "function",
        )
    ]
    assert _usage(acc) == (777, 73, 850)


def test_invoke_parallel_tool_calls() -> None:
    acc = accumulate("bedrock-invoke-parallel-tool-calls.eventstream")
    assert _calls(acc) == [
        (
            "toolu_bdrk_01DM2FGqyWURrPavPUchuu6K",
            "secret_retrieval_tool",
            {"password": "mellon"},
            "function",
        ),
        (
            "toolu_bdrk_01UUoocbFrV2U4Dw4d7nqACo",
            "secret_retrieval_tool",
            {"password": "radiance"},
            "function",
        ),
    ]
    assert _usage(acc) == (599, 98, 697)


def test_invoke_max_tokens() -> None:
    acc = accumulate("bedrock-invoke-text-max-tokens.eventstream")
    assert acc.message.text.startswith("# U.S. States (50 total)\n\n1. Alabama\n2. Alaska")
    assert acc.message.text.endswith("8. Delaware\n9. Florida\n10.")
    assert (acc.message.finish_reason, acc.message.finish_reason_raw) == ("length", "max_tokens")
    assert _usage(acc) == (15, 50, 65)


def test_invoke_thinking() -> None:
    acc = accumulate("bedrock-invoke-thinking.eventstream")
    assert acc.message.text == "3"
    assert acc.message.reasoning.endswith('I\'ve identified 379 as a prime number containing "79"')
    [sig] = acc.message.reasoning_signatures
    assert sig.signature.startswith("EoETCkgICRABGAIqQDCFOh/NVepn3FomM8hV5nrEzLm3mULPj2f6B7Ir")
    assert not sig.redacted
    assert acc.model == "claude-sonnet-4-20250514"
    assert _usage(acc) == (66, 1009, 1075)


# --- oracle: botocore's full parse of the same bytes -----------------------------------------


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self) -> Any:
        return iter([self._data])


def _botocore_events(entry: dict[str, Any]) -> list[dict[str, Any]]:
    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    if entry["api"] == "bedrock-converse":
        op, member = "ConverseStream", "stream"
    else:
        op, member = "InvokeModelWithResponseStream", "body"
    shape = model.operation_model(op).output_shape.members[member]
    return list(EventStream(_Raw(read(entry["file"])), shape, EventStreamJSONParser(), op))


@pytest.mark.parametrize("entry", CONVERSE, ids=[e["file"] for e in CONVERSE])
def test_converse_agrees_with_botocore(entry: dict[str, Any]) -> None:
    text, reasoning, calls = [], [], {}
    stop = usage = None
    for event in _botocore_events(entry):
        [(kind, body)] = event.items()
        if kind == "contentBlockStart" and "toolUse" in body["start"]:
            tool = body["start"]["toolUse"]
            calls[body["contentBlockIndex"]] = [
                tool["toolUseId"],
                tool["name"],
                "",
                tool.get("type"),
            ]
        elif kind == "contentBlockDelta":
            delta = body["delta"]
            text.append(delta.get("text", ""))
            reasoning.append(delta.get("reasoningContent", {}).get("text", ""))
            if "toolUse" in delta:
                calls[body["contentBlockIndex"]][2] += delta["toolUse"]["input"]
        elif kind == "messageStop":
            stop = body["stopReason"]
        elif kind == "metadata":
            usage = body["usage"]
    acc = Accumulator()
    acc.feed(decode(entry))
    assert acc.message.text == "".join(text)
    assert acc.message.reasoning == "".join(reasoning)
    # Client calls in tool_calls, server-executed ones (Nova's code interpreter) apart.
    assert [(c.id, c.name, c.arguments) for c in acc.message.tool_calls] == [
        tuple(calls[k][:3]) for k in sorted(calls) if calls[k][3] != "server_tool_use"
    ]
    assert [(c.id, c.name, c.arguments) for c in acc.message.server_tool_calls] == [
        tuple(calls[k][:3]) for k in sorted(calls) if calls[k][3] == "server_tool_use"
    ]
    assert acc.message.finish_reason_raw == stop
    assert usage is not None and acc.usage is not None
    assert acc.usage.prompt_tokens == usage["inputTokens"]  # no cache in these captures
    assert acc.usage.completion_tokens == usage["outputTokens"]
    assert acc.usage.total_tokens == usage["totalTokens"]


@pytest.mark.parametrize("entry", INVOKE, ids=[e["file"] for e in INVOKE])
def test_invoke_agrees_with_botocore(entry: dict[str, Any]) -> None:
    native = [json.loads(e["chunk"]["bytes"]) for e in _botocore_events(entry)]
    text = "".join(n["delta"].get("text", "") for n in native if n["type"] == "content_block_delta")
    stop = [n["delta"]["stop_reason"] for n in native if n["type"] == "message_delta"]
    metrics = native[-1]["amazon-bedrock-invocationMetrics"]
    acc = Accumulator()
    acc.feed(decode(entry))
    assert acc.message.text == text
    assert [acc.message.finish_reason_raw] == stop
    assert acc.usage is not None
    assert acc.usage.prompt_tokens == metrics["inputTokenCount"]
    assert acc.usage.completion_tokens == metrics["outputTokenCount"]
