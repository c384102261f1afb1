"""Every recorded OpenAI Responses stream (OpenAI, Azure, Bedrock "mantle", DeepSeek,
OpenRouter) through ``StreamParser("openai-responses")`` at every fragmentation, plus pinned
final messages.

The pinned values were read off the capture files by hand: the ``output_text`` /
``refusal`` / reasoning deltas, the tool-call items and their final arguments, the terminal
event's status and ``incomplete_details``, and its ``usage``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from sseparse.accumulate import Accumulator
from sseparse.events import (
    Done,
    Finish,
    KeepAlive,
    ReasoningSignature,
    StreamStart,
    Usage,
)
from sseparse.parser import StreamParser
from sseparse.testing import assert_fragmentation_invariant
from tests.captures import captures, read
from tests.test_anthropic_captures import check_string, check_tool_call_invariants

ENTRIES = captures(api="openai-responses")


def test_the_corpus_is_all_there() -> None:
    assert len(ENTRIES) == 27
    assert {e["provider"] for e in ENTRIES} == {
        "openai",
        "azure-openai",
        "bedrock-mantle",
        "deepseek",
        "openrouter",
    }


def decode(name: str) -> list[Any]:
    parser = StreamParser("openai-responses")
    return parser.feed(read(name)) + parser.close()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_capture_at_every_fragmentation(entry: dict[str, Any]) -> None:
    data = read(entry["file"])
    outcome = assert_fragmentation_invariant(lambda: StreamParser("openai-responses"), data)
    assert outcome.error is None
    events = outcome.items
    features = set(entry["features"])
    assert events[-1] == Done(clean="truncated" not in features)
    assert sum(isinstance(e, Done) for e in events) == 1
    starts = [e for e in events if isinstance(e, StreamStart)]
    assert len(starts) == 1 and starts[0].provider == "openai"
    finishes = [e for e in events if isinstance(e, Finish)]
    assert len(finishes) == 1
    if "max_tokens" in features:
        assert finishes[0].raw_reason in ("max_output_tokens", "content_filter")
    if "sse_comment" in features:
        assert any(isinstance(e, KeepAlive) for e in events)
    if "usage" in features:
        assert any(isinstance(e, Usage) for e in events)
    check_tool_call_invariants(events)


def test_done_sentinel_after_the_terminal_event_adds_nothing() -> None:
    name = "openrouter-openai-responses-reasoning-comments.sse"
    data = read(name)
    assert data.rstrip().endswith(b"data: [DONE]")
    events = decode(name)
    cut = data.rindex(b"data: [DONE]")
    without = StreamParser("openai-responses")
    assert without.feed(data[:cut]) + without.close() == events


# (text, reasoning, refusal, tool calls as (kind, id, name, parsed), finish (reason, raw),
# usage (prompt, completion, total, cached, reasoning, cache_write, cost), signatures
# (plain, redacted), citations)
PINNED: dict[str, dict[str, Any]] = {
    "openai-responses-text.sse": {
        "text": "28657",
        "calls": [],
        "finish": ("stop", "completed"),
        "usage": (362, 3, 365, 0, 0, None, None),
    },
    "openai-responses-tool-call.sse": {
        "text": "",
        "calls": [
            ("function", "call_kL0PCQV7M2WMoVX8V8OtYSAL", "get_capital", {"country": "France"})
        ],
        "finish": ("tool_calls", "completed"),
        "usage": (255, 16, 271, 0, 0, None, None),
    },
    "openai-responses-refusal.sse": {
        "text": "",
        "refusal": "I'm sorry, I can't assist with that.",
        "calls": [],
        "finish": ("stop", "completed"),
        "usage": (54, 11, 65, 0, 0, None, None),
    },
    "openai-responses-parallel-tool-calls.sse": {
        "text": "",
        "calls": [
            (
                "function",
                "call_4l0LYGshWqEvG3DEq9hY8PKo",
                "secret_retrieval_tool",
                {"password": "mellon"},
            ),
            (
                "function",
                "call_hG4DmWUygGVSGrsCV3zwCiZU",
                "secret_retrieval_tool",
                {"password": "radiance"},
            ),
        ],
        "finish": ("tool_calls", "completed"),
        "usage": (36, 54, 90, 0, 0, None, None),
    },
    "openai-responses-reasoning-tool-call.sse": {
        "text": "",
        "calls": [("function", "call_CWXgs68YprAjp6t0371hiPOI", "final_result", {"result": 6666})],
        "finish": ("tool_calls", "completed"),
        "usage": (53, 469, 522, 0, 448, None, None),
        "signatures": (0, 1),
    },
    "openai-responses-text-tool-call.sse": {
        "text": '{"title":"Mistborn: The Final Empire","author":"Brandon Sanderson","pages":544,'
        '"publication_year":2006}',
        "calls": [
            (
                "function",
                "call_gLsRpyrJp2V40WOFb5Cbbey0",
                "get_book_info",
                {"isbn": "0-7653-1178-X"},
            )
        ],
        "finish": ("tool_calls", "completed"),
        "usage": (197, 56, 253, 0, 0, None, None),
    },
    "openai-responses-web-search.sse": {
        "text": (
            179,
            "Alberta\u2019s tallest mountain (highest point) is **Mount Columbia**",
            "Mount-Columbia?utm_source=openai))",
        ),
        "calls": [
            (
                "server",
                "ws_0b5cbf1ce3f8b01c00696d5e6dd828819ca5c5eaf4bc746b6f",
                "web_search",
                {
                    "action": {
                        "type": "search",
                        "queries": ["tallest mountain in Alberta"],
                        "query": "tallest mountain in Alberta",
                    }
                },
            )
        ],
        "finish": ("stop", "completed"),
        "usage": (8234, 79, 8313, 0, 34, None, None),
        "citations": 1,
    },
    "openai-responses-file-search.sse": {
        "text": "The capital of France is Paris.",
        "calls": [
            (
                "server",
                "fs_006dcb10dc68b990006931d758d64c819b8936fb07f31c09d4",
                "file_search",
                {"queries": ["What is the capital of France?"]},
            )
        ],
        "finish": ("stop", "completed"),
        "usage": (1177, 37, 1214, 0, 0, None, None),
        "citations": 1,
    },
    "openai-responses-reasoning-code-interpreter.sse": {
        "text": (
            646,
            "123456^123 equals:\n1803021063040448075081409278659385728073426886385596804884401",
            "9643622579100908331839817426366854332416",
        ),
        "reasoning": (
            440,
            "**Calculating a large integer**\n\nI need to compute 123456 raised",
            "So, let\u2019s go ahead and compute that!",
        ),
        "calls": [
            (
                "server",
                "ci_68c3509faff0819e96f6d45e6faf78490f2d670b80edc507",
                "code_interpreter",
                {"code": "n = pow(123456, 123)\nlen(str(n))"},
            ),
            (
                "server",
                "ci_68c350a41d2c819ebb23bdfb9ff322770f2d670b80edc507",
                "code_interpreter",
                {"code": "str(n)[:100], str(n)[-100:]"},
            ),
            (
                "server",
                "ci_68c350a5e1f8819eb082eccb870199ec0f2d670b80edc507",
                "code_interpreter",
                {"code": "n"},
            ),
        ],
        "finish": ("stop", "completed"),
        "usage": (3727, 347, 4074, 3200, 128, None, None),
        "signatures": (0, 1),
    },
    "openai-responses-tool-call-tool-search.sse": {
        "text": "",
        "calls": [
            (
                "server",
                "tsc_060f468708eb0ff90069f3e2f1da248193a424897296815e56",
                "tool_search",
                {"paths": ["get_exchange_rate"]},
            ),
            (
                "function",
                "call_CeXueyTqEJ1rgm84BHSwNPz8",
                "get_exchange_rate",
                {"from_currency": "USD", "to_currency": "EUR"},
            ),
        ],
        "finish": ("tool_calls", "completed"),
        "usage": (600, 47, 647, 0, 21, None, None),
    },
    "openai-responses-text-max-tokens-no-usage.sse": {
        "text": (
            152,
            "Sure! Here is a list of all 50 U.S. states:\n\n1. Alabama",
            "8. Delaware\n9. Florida",
        ),
        "calls": [],
        "finish": ("length", "max_output_tokens"),
        "usage": (14, 50, 64, 0, 0, None, None),
    },
    "azure-openai-responses-text-max-tokens-no-usage.sse": {
        "text": "I'm sorry, but I cannot assist with that request.",
        "calls": [],
        "finish": ("content_filter", "content_filter"),
        "usage": (0, 0, 0, 0, 0, None, None),
    },
    "bedrock-mantle-openai-responses-reasoning-tool-call.sse": {
        "text": "",
        "calls": [("function", "call_1", "second_tool", {})],
        "finish": ("tool_calls", "completed"),
        "usage": (115, 30, 145, 0, 14, 0, None),
        "signatures": (0, 1),
    },
    "deepseek-openai-responses-reasoning-tool-call.sse": {
        "text": "",
        "reasoning": "The user asks about temperature in Tokyo. I'll call the tool.",
        "calls": [
            ("function", "call_00_xjY8Z2BvSlzgEmmw0DtH0464", "get_temperature", {"city": "Tokyo"})
        ],
        "finish": ("tool_calls", "completed"),
        "usage": (366, 59, 425, 256, 14, None, None),
    },
    "openrouter-openai-responses-reasoning-comments.sse": {
        "text": "4",
        "reasoning": 'The user asks: "What is 2+2?" They expect a straightforward answer: 4. '
        "Just answer 4.",
        "calls": [],
        "finish": ("stop", "completed"),
        "usage": (78, 37, 115, 0, 22, None, 0.0000113),
    },
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_final_message(name: str) -> None:
    want = PINNED[name]
    acc = Accumulator()
    acc.feed(decode(name))
    message = acc.message
    check_string(message.text, want["text"])
    check_string(message.reasoning, want.get("reasoning", ""))
    assert message.refusal == want.get("refusal", "")
    # Client calls and server-executed ones (kept apart by the Accumulator), in stream order.
    calls = [
        (c.kind, c.id, c.name, c.parsed)
        for c in sorted(
            [*message.tool_calls, *message.server_tool_calls], key=lambda c: c.index or 0
        )
    ]
    assert calls == want["calls"]
    assert all(c.complete for c in message.tool_calls)
    assert (message.finish_reason, message.finish_reason_raw) == want["finish"]
    u = acc.usage
    assert u is not None
    got_usage = (
        u.prompt_tokens,
        u.completion_tokens,
        u.total_tokens,
        u.cached_tokens,
        u.reasoning_tokens,
        u.cache_write_tokens,
        u.cost,
    )
    assert got_usage == want["usage"]
    sigs = message.reasoning_signatures
    plain_redacted = (sum(not s.redacted for s in sigs), sum(s.redacted for s in sigs))
    assert plain_redacted == want.get("signatures", (0, 0))
    assert len(message.citations) == want.get("citations", 0)
    assert acc.id is not None
    assert not acc.errors


def test_encrypted_reasoning_is_taken_from_the_finished_item() -> None:
    # OpenAI re-encrypts the reasoning item between output_item.added and .done; the
    # finished item's value is the one to replay.
    name = "openai-responses-reasoning-tool-call.sse"
    events = decode(name)
    (sig,) = [e for e in events if isinstance(e, ReasoningSignature)]
    assert sig.raw["type"] == "response.output_item.done"
    assert sig.signature == sig.raw["item"]["encrypted_content"]
    assert sig.signature.startswith("gAAAAABoyXvx")


def _terminal_output(name: str) -> list[dict[str, Any]]:
    """The ``output`` list of the capture's terminal event (read without sseparse)."""
    text = read(name).decode("utf-8")
    for line in reversed(text.splitlines()):
        if line.startswith("data:") and line[5:].strip() != "[DONE]":
            obj = json.loads(line[5:])
            if obj["type"] in ("response.completed", "response.incomplete", "response.failed"):
                output: list[dict[str, Any]] = obj["response"]["output"]
                return output
    raise AssertionError(f"{name} has no terminal event")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_streamed_message_equals_the_terminal_events_output(entry: dict[str, Any]) -> None:
    # The provider restates the whole response in its terminal event: an oracle for what the
    # deltas must add up to.
    output = _terminal_output(entry["file"])
    acc = Accumulator()
    acc.feed(decode(entry["file"]))
    message = acc.message
    parts = [p for item in output if item["type"] == "message" for p in item["content"]]
    assert message.text == "".join(p["text"] for p in parts if p["type"] == "output_text")
    assert message.refusal == "".join(p["refusal"] for p in parts if p["type"] == "refusal")
    reasoning = [
        p["text"]
        for item in output
        if item["type"] == "reasoning"
        for p in [*item.get("summary", []), *(item.get("content") or [])]
    ]
    assert message.reasoning == "".join(reasoning)
    calls = [item for item in output if item["type"].endswith("_call")]
    every = sorted([*message.tool_calls, *message.server_tool_calls], key=lambda c: c.index or 0)
    assert [(c.id, c.name) for c in every] == [
        (item.get("call_id") or item["id"], item.get("name") or item["type"][: -len("_call")])
        for item in calls
    ]
    for ours, item in zip(every, calls, strict=True):
        if item["type"] == "function_call":
            assert (ours.kind, ours.arguments) == ("function", item["arguments"])
    encrypted = [i for i in output if i["type"] == "reasoning" and i.get("encrypted_content")]
    assert sum(s.redacted for s in message.reasoning_signatures) == len(encrypted)
