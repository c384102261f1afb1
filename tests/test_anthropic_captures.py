"""Every recorded Anthropic Messages stream (Anthropic and Vertex AI) through
``StreamParser("anthropic")`` at every fragmentation, plus pinned final messages.

The pinned values were read off the capture files by hand: the text and thinking deltas, the
tool_use blocks and their ``input_json_delta`` fragments, ``stop_reason``, and the usage of
``message_start`` overwritten by the last ``message_delta``.
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
    StreamStart,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.parser import StreamParser
from sseparse.testing import assert_fragmentation_invariant
from tests.captures import captures, read

ENTRIES = captures(api="anthropic-messages")


def test_the_corpus_is_all_there() -> None:
    assert len(ENTRIES) == 25
    assert {e["provider"] for e in ENTRIES} == {"anthropic", "google-vertex"}


def decode(name: str) -> list[Any]:
    parser = StreamParser("anthropic")
    return parser.feed(read(name)) + parser.close()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_capture_at_every_fragmentation(entry: dict[str, Any]) -> None:
    data = read(entry["file"])
    outcome = assert_fragmentation_invariant(lambda: StreamParser("anthropic"), data)
    assert outcome.error is None
    events = outcome.items
    features = set(entry["features"])
    # The two SDK fixtures lack the final blank line, so WHATWG never dispatches their last
    # event (message_stop): the end marker was not received, and we say so.
    clean = "truncated" not in features and "no_final_blank_line" not in features
    assert events[-1] == Done(clean=clean)
    assert sum(isinstance(e, Done) for e in events) == 1
    assert isinstance(events[0], StreamStart)
    assert events[0].provider == "anthropic"
    assert sum(isinstance(e, Finish) for e in events) == 1
    if "ping" in features:
        assert any(isinstance(e, KeepAlive) for e in events)
    if "usage" in features:
        assert any(isinstance(e, Usage) for e in events)
    check_tool_call_invariants(events)


def check_tool_call_invariants(events: list[Any]) -> None:
    """Ordinals 0, 1, … in order; each call starts once, ends once, deltas join to the end."""
    starts = [e for e in events if isinstance(e, ToolCallStart)]
    ends = {e.index: e for e in events if isinstance(e, ToolCallEnd)}
    assert [s.index for s in starts] == list(range(len(starts)))
    assert sorted(ends) == [s.index for s in starts]
    for s in starts:
        joined = "".join(
            e.arguments for e in events if isinstance(e, ToolCallDelta) and e.index == s.index
        )
        assert joined == ends[s.index].arguments
        assert (ends[s.index].id, ends[s.index].name, ends[s.index].kind) == (s.id, s.name, s.kind)


@pytest.mark.parametrize(
    "name",
    [
        "anthropic-messages-text-tool-call-no-final-blank-line.sse",
        "anthropic-messages-text-tool-call-max-tokens-no-final-blank-line.sse",
    ],
)
def test_missing_final_blank_line_loses_only_message_stop(name: str) -> None:
    events = decode(name)
    assert events[-1] == Done(clean=False)
    assert any(isinstance(e, Finish) for e in events)  # message_delta did arrive
    last = read(name).rsplit(b"\n\n", 1)[1]
    assert last.startswith(b"event: message_stop\ndata: ")
    assert not last.endswith(b"\n")
    # With the blank line the same bytes end cleanly, and nothing else changes.
    fixed = StreamParser("anthropic")
    events_fixed = fixed.feed(read(name) + b"\n\n") + fixed.close()
    assert events_fixed[:-1] == events[:-1]
    assert events_fixed[-1] == Done(clean=True)


# Final messages, pinned: (text or (length, prefix, suffix)), reasoning likewise, tool calls
# as (kind, id, name, parsed arguments), finish (reason, raw), usage (prompt, completion,
# total, cached, reasoning, cache_write), signatures (plain, redacted), citations.
PINNED: dict[str, dict[str, Any]] = {
    "anthropic-messages-text.sse": {
        "text": "Hello!",
        "reasoning": "",
        "calls": [],
        "finish": ("stop", "end_turn"),
        "usage": (10, 5, 15, None, None, None),
        "signatures": (0, 0),
        "citations": 0,
    },
    "anthropic-messages-tool-call.sse": {
        "text": "",
        "reasoning": "",
        "calls": [("function", "toolu_013gtjQ5DxQN5dxfuZSTFGxH", "return_int", {"value": 42})],
        "finish": ("tool_calls", "tool_use"),
        "usage": (476, 29, 505, None, None, None),
        "signatures": (0, 0),
        "citations": 0,
    },
    "anthropic-messages-citations.sse": {
        "text": "The return window is thirty days from purchase.",
        "reasoning": "",
        "calls": [],
        "finish": ("stop", "end_turn"),
        "usage": (569, 28, 597, 0, None, 0),
        "signatures": (0, 0),
        "citations": 1,
    },
    "anthropic-messages-parallel-tool-calls.sse": {
        "text": "",
        "reasoning": "",
        "calls": [
            ("function", "toolu_01LtHJmixrs9NcWQkK8hu8hj", "pelican_name_generator", {}),
            ("function", "toolu_01N8a4jWyf116qKTMqKKmjyt", "pelican_name_generator", {}),
        ],
        "finish": ("tool_calls", "tool_use"),
        "usage": (542, 62, 604, 0, None, 0),
        "signatures": (0, 0),
        "citations": 0,
    },
    "anthropic-messages-text-parallel-tool-calls.sse": {
        "text": "I'll get the current weather for both San Francisco (SF) and New York City "
        "(NYC) for you.",
        "reasoning": "",
        "calls": [
            ("function", "toolu_01TbU6VmYYjMWDPvTnhSJYQL", "get_weather", {"location": "SF"}),
            ("function", "toolu_01HVQ4dmXo3iUM1dDZcdUtxo", "get_weather", {"location": "NYC"}),
        ],
        "finish": ("tool_calls", "tool_use"),
        "usage": (429, 113, 542, 0, None, 0),
        "signatures": (0, 0),
        "citations": 0,
    },
    "anthropic-messages-text-max-tokens.sse": {
        "text": (
            150,
            "Here are all 50 U.S. states in alphabetical order:\n\n1. Alabama",
            "8. Delaware\n9",
        ),
        "reasoning": "",
        "calls": [],
        "finish": ("length", "max_tokens"),
        "usage": (15, 50, 65, 0, None, 0),
        "signatures": (0, 0),
        "citations": 0,
    },
    "anthropic-messages-thinking-tool-call.sse": {
        "text": "",
        "reasoning": (
            180,
            "The user wants me to:\n1. Use the fixed_version tool",
            "see what version it returns.",
        ),
        "calls": [("function", "toolu_01825dXWLSoJwCst1qTsiWdb", "fixed_version", {})],
        "finish": ("tool_calls", "tool_use"),
        "usage": (598, 92, 690, 0, 53, 0),
        "signatures": (1, 0),
        "citations": 0,
    },
    "anthropic-messages-thinking-redacted.sse": {
        "text": (
            359,
            "I notice that you've sent what appears",
            "with a legitimate task or question?",
        ),
        "reasoning": "",
        "calls": [],
        "finish": ("stop", "end_turn"),
        "usage": (92, 189, 281, 0, None, 0),
        "signatures": (0, 2),
        "citations": 0,
    },
    "anthropic-messages-text-tool-call-tool-search-tool-bm25.sse": {
        "text": (
            158,
            "Let me search for a tool that can provide current exchange rate",
            "USD to EUR exchange rate for you.",
        ),
        "reasoning": "",
        "calls": [
            (
                "server",
                "srvtoolu_01S5swZdBmTzLDVzwcT5LbHp",
                "tool_search_tool_bm25",
                {"query": "USD EUR exchange rate currency conversion"},
            ),
            (
                "function",
                "toolu_01EFn5wTNBYA8Reni8rbmnHT",
                "get_exchange_rate",
                {"from_currency": "USD", "to_currency": "EUR"},
            ),
        ],
        "finish": ("tool_calls", "tool_use"),
        "usage": (1591, 175, 1766, 0, None, 0),
        "signatures": (0, 0),
        "citations": 0,
    },
    "anthropic-messages-thinking-text-tool-call-mcp.sse": {
        "text": (
            806,
            "**Pydantic-AI** is a framework for building Generative AI",
            "provider-specific complexities.",
        ),
        "reasoning": (
            192,
            "The user is asking about the pydantic/pydantic-ai repository.",
            "information about this repository.",
        ),
        "calls": [
            (
                "server",
                "mcptoolu_01FZmJ5UspaX5BB9uU339UT1",
                "ask_question",
                {
                    "repoName": "pydantic/pydantic-ai",
                    "question": "What is this repository about? What are its main features "
                    "and purpose?",
                },
            )
        ],
        "finish": ("stop", "end_turn"),
        "usage": (3042, 354, 3396, 0, None, 0),
        "signatures": (1, 0),
        "citations": 0,
    },
    "anthropic-messages-text-tool-call-web-search-citations-no-ping.sse": {
        "text": (
            650,
            "Based on the search results, here's the current weather in San Francisco:",
            "periods of rain this weekend.",
        ),
        "reasoning": "",
        "calls": [
            (
                "server",
                "srvtoolu_01SPfvT38PDPAFnkcrMNGUrM",
                "web_search",
                {"query": "San Francisco weather today"},
            )
        ],
        "finish": ("stop", "end_turn"),
        "usage": (10423, 341, 10764, 0, None, 0),
        "signatures": (0, 0),
        "citations": 5,
    },
    "anthropic-messages-thinking-text-tool-call-web-search-pause-turn.sse": {
        "text": (
            166,
            "I'll run these searches one at a time as requested.",
            "continuing with the remaining searches:",
        ),
        "reasoning": (
            1051,
            "The user wants me to run a series of web searches.",
            "one at a time as requested. Let me start.",
        ),
        "calls": [
            ("server", sid, "web_search", {"query": q})
            for sid, q in [
                ("srvtoolu_01FGPZ2P6yPXWdiD1Cxjpix3", "San Francisco weather today"),
                ("srvtoolu_01FFhqUX7uk2uakLEqo1v9D2", "San Francisco sunrise time today"),
                ("srvtoolu_01Qu6xumZrwPeBQYGdawQUMS", "Golden Gate Bridge traffic today"),
                ("srvtoolu_01JjHpcj7RERHyZgH3QmUv4i", "San Francisco air quality today"),
                ("srvtoolu_01MWxzBCgoNxNjk5DiMqLv9u", "San Francisco events this week"),
                ("srvtoolu_01Uu9K4fi2aJbym3jd797DPa", "San Francisco ferry schedule today"),
                (
                    "srvtoolu_01BTRCcGdMQbeAviLraoxoXq",
                    "prevailing information on quantum computing today",
                ),
                ("srvtoolu_01NV7iQ8LzvPYQpa5Kwy8HB5", "latest news on the stock market today"),
                (
                    "srvtoolu_01Ewz8JuxwuYL5wDNADGeEFL",
                    "latest news on the weather in San Francisco today",
                ),
                (
                    "srvtoolu_012kdkr4fhMUVKKXVWqaunrP",
                    "latest news on the traffic in San Francisco today",
                ),
                (
                    "srvtoolu_01NKrV3hGbcHeBVtaTKBHRuA",
                    "latest news on the air quality in San Francisco today",
                ),
            ]
        ],
        "finish": ("other", "pause_turn"),
        "usage": (404500, 943, 405443, 0, 261, 0),
        "signatures": (1, 0),
        "citations": 0,
    },
    "anthropic-messages-text-tool-call-max-tokens-no-final-blank-line.sse": {
        "text": (135, "I'll create a comprehensive tax guide", "Let me do that for you now."),
        "reasoning": "",
        # Cut by max_tokens inside the tool input: the arguments are not valid JSON.
        "calls": [("function", "toolu_01EKqbqmZrGRXy18eN7m9kvY", "make_file", None)],
        "finish": ("length", "max_tokens"),
        "usage": (450, 124, 574, 0, None, 0),
        "signatures": (0, 0),
        "citations": 0,
    },
    "google-vertex-anthropic-messages-parallel-tool-calls.sse": {
        "text": "",
        "reasoning": "",
        "calls": [
            (
                "function",
                "toolu_vrtx_01QsJYPnqxiXt33Dzh2eaTdp",
                "secret_retrieval_tool",
                {"password": "mellon"},
            ),
            (
                "function",
                "toolu_vrtx_01L9DGQeUCYbghy8bSFpK9MZ",
                "secret_retrieval_tool",
                {"password": "radiance"},
            ),
        ],
        "finish": ("tool_calls", "tool_use"),
        "usage": (599, 98, 697, 0, None, 0),
        "signatures": (0, 0),
        "citations": 0,
    },
    "google-vertex-anthropic-messages-thinking.sse": {
        "text": "3",
        "reasoning": (
            1312,
            'I need to find all primes below 400 that contain "79"',
            "are 79, 179, and 379.",
        ),
        "calls": [],
        "finish": ("stop", "end_turn"),
        "usage": (66, 796, 862, 0, None, 0),
        "signatures": (1, 0),
        "citations": 0,
    },
}


def check_string(got: str, want: str | tuple[int, str, str]) -> None:
    if isinstance(want, str):
        assert got == want
    else:
        _, prefix, suffix = want
        assert (len(got), got[: len(prefix)], got[len(got) - len(suffix) :]) == want


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_final_message(name: str) -> None:
    want = PINNED[name]
    acc = Accumulator()
    acc.feed(decode(name))
    message = acc.message
    check_string(message.text, want["text"])
    check_string(message.reasoning, want["reasoning"])
    # Client calls and server-executed calls, in the order they streamed.
    calls = sorted(
        [(c.index, c.kind, c.id, c.name, c.parsed) for c in message.tool_calls]
        + [(c.index or 0, "server", c.id, c.name, c.parsed) for c in message.server_tool_calls]
    )
    assert [c[1:] for c in calls] == want["calls"]
    assert all(c.complete for c in message.tool_calls)
    assert all(c.kind == "function" for c in message.tool_calls)
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
    )
    assert got_usage == want["usage"]
    sigs = message.reasoning_signatures
    assert (sum(not s.redacted for s in sigs), sum(s.redacted for s in sigs)) == want["signatures"]
    assert len(message.citations) == want["citations"]
    assert acc.id is not None and acc.id.startswith("msg_")
    assert not acc.errors


def test_truncated_tool_arguments_are_kept_verbatim() -> None:
    name = "anthropic-messages-text-tool-call-max-tokens-no-final-blank-line.sse"
    acc = Accumulator()
    acc.feed(decode(name))
    (call,) = acc.message.tool_calls
    fragments = [
        json.loads(line[6:])["delta"]["partial_json"]
        for line in read(name).decode().splitlines()
        if line.startswith("data: ") and "input_json_delta" in line
    ]
    assert call.arguments == "".join(fragments)
    assert call.arguments.startswith('{"filename": "taxes.txt"')
