"""Every recorded OpenAI-compatible stream (``api`` ``openai-chat`` and ``mistral``) through
``StreamParser`` at every fragmentation, checked against the manifest, the openai SDK's own
accumulator, and hand-checked pinned messages."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest

from sseparse import StreamParser
from sseparse.accumulate import Accumulator
from sseparse.events import (
    Done,
    Event,
    Finish,
    KeepAlive,
    ProviderError,
    StreamStart,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.testing import assert_fragmentation_invariant

from .captures import captures, read

ENTRIES = captures(api="openai-chat") + captures(api="mistral")
DIALECT = {"openai-chat": "openai", "mistral": "mistral"}


def decode(name: str, dialect: str = "openai") -> list[Event]:
    parser = StreamParser(dialect)
    return parser.feed(read(name)) + parser.close()


def accumulate(events: list[Event]) -> Accumulator:
    acc = Accumulator()
    acc.feed(events)
    return acc


def test_corpus_size() -> None:
    assert len(captures(api="openai-chat")) == 47
    assert len(captures(api="mistral")) == 4


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_capture_every_fragmentation(entry: dict[str, Any]) -> None:
    dialect = DIALECT[entry["api"]]
    outcome = assert_fragmentation_invariant(lambda: StreamParser(dialect), read(entry["file"]))
    assert outcome.error is None
    events = outcome.items
    dones = [i for i, e in enumerate(events) if isinstance(e, Done)]
    assert len(dones) == 1
    done = events[dones[0]]
    assert done.clean is ("truncated" not in entry["features"])
    # Only records after [DONE] may follow it (usage, keep-alives), never answer content.
    assert all(isinstance(e, (Usage, KeepAlive)) for e in events[dones[0] + 1 :])


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_capture_matches_manifest_features(entry: dict[str, Any]) -> None:
    features = set(entry["features"])
    events = decode(entry["file"], DIALECT[entry["api"]])
    acc = accumulate(events)
    messages = acc.messages
    assert messages, "no message reconstructed"
    texts = "".join(m.text for m in messages)
    calls = [c for m in messages for c in m.tool_calls]
    assert bool(texts) is ("text" in features or "n>1" in features)
    assert bool(calls) is ("tool_calls" in features)
    assert (len(calls) >= 2) is ("parallel_tool_calls" in features)
    assert all(c.complete and c.name and c.parsed is not None for c in calls)
    assert bool("".join(m.reasoning for m in messages)) is ("reasoning" in features)
    assert bool("".join(m.refusal for m in messages)) is ("refusal" in features)
    assert (acc.usage is not None) is ("usage" in features)
    assert bool(acc.errors) is ("error" in features)
    assert (len(messages) > 1) is ("n>1" in features)
    assert any(isinstance(e, KeepAlive) for e in events) is ("sse_comment" in features)
    if "max_tokens" in features:
        assert messages[0].finish_reason == "length"
    if "truncated" in features:
        assert acc.clean is False
    else:
        assert acc.clean is True
    assert len(acc.to_openai()["choices"]) == len(messages)


def _chunks(data: bytes) -> list[dict[str, Any]]:
    """The JSON chunks of a capture, read independently of sseparse (a naive line split)."""
    out = []
    for line in data.decode().splitlines():
        if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            value = json.loads(line[5:])
            if "choices" in value:
                out.append(value)
    return out


def _has_indexless_calls(chunks: list[dict[str, Any]]) -> bool:
    return any(
        "index" not in call
        for c in chunks
        for ch in c["choices"]
        for call in (ch.get("delta") or {}).get("tool_calls") or []
    )


SDK_ENTRIES = [
    e for e in captures(api="openai-chat") if not _has_indexless_calls(_chunks(read(e["file"])))
]


def test_sdk_oracle_covers_most_captures() -> None:
    # The SDK's accumulator cannot take tool calls without an index (it crashes), which
    # Google's, Ollama's and Mistral's endpoints send; everything else is compared.
    assert len(SDK_ENTRIES) >= 44


@pytest.mark.parametrize("entry", SDK_ENTRIES, ids=lambda e: e["file"])
def test_capture_agrees_with_openai_sdk(entry: dict[str, Any]) -> None:
    from openai.lib.streaming.chat import ChatCompletionStreamState
    from openai.types.chat import ChatCompletionChunk

    data = read(entry["file"])
    state: Any = ChatCompletionStreamState()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for obj in _chunks(data):
            state.handle_chunk(ChatCompletionChunk.construct(**obj))
        final = state.current_completion_snapshot
    acc = accumulate(decode(entry["file"]))
    assert len(final.choices) == len(acc.messages)
    for choice in final.choices:
        message = acc.messages[choice.index]
        assert message.text == (choice.message.content or "")
        assert message.refusal == (choice.message.refusal or "")
        expected = [
            (t.id or None, t.function.name, t.function.arguments)
            for t in choice.message.tool_calls or []
        ]
        assert [(c.id, c.name, c.arguments) for c in message.tool_calls] == expected
        assert message.finish_reason_raw == choice.finish_reason


# -- pinned messages, checked by hand against the files ----------------------------------------


def test_pinned_openai_text() -> None:
    events = decode("openai-chat-text.sse")
    acc = accumulate(events)
    assert events[0] == StreamStart(
        id="chatcmpl-Al3zttq5SMgHHptDHycLNhVKWSgZK",
        model="gpt-4o-2024-08-06",
        created=1735780145,
        provider="openai",
    )
    assert acc.message.text == "Python"
    assert (acc.message.finish_reason, acc.message.finish_reason_raw) == ("stop", "stop")
    assert acc.usage == Usage(
        prompt_tokens=269,
        completion_tokens=1,
        total_tokens=270,
        cached_tokens=0,
        reasoning_tokens=0,
    )
    assert events[-1] == Done(clean=True)


def test_pinned_refusal() -> None:
    acc = accumulate(decode("openai-chat-refusal.sse"))
    assert acc.message.refusal == "I'm sorry, I can't assist with that request."
    assert acc.message.text == ""
    assert acc.usage == Usage(
        prompt_tokens=79, completion_tokens=11, total_tokens=90, reasoning_tokens=0
    )


def test_pinned_parallel_tool_calls() -> None:
    events = decode("openai-chat-parallel-tool-calls.sse")
    acc = accumulate(events)
    calls = acc.message.tool_calls
    assert [(c.index, c.id, c.name, c.parsed) for c in calls] == [
        (
            0,
            "call_JMW1whyEaYG438VE1OIflxA2",
            "GetWeatherArgs",
            {"city": "Edinburgh", "country": "GB", "units": "c"},
        ),
        (
            1,
            "call_DNYTawLBoN8fj3KN6qU9N1Ou",
            "get_stock_price",
            {"ticker": "AAPL", "exchange": "NASDAQ"},
        ),
    ]
    assert acc.message.finish_reason == "tool_calls"
    assert acc.usage is not None and acc.usage.total_tokens == 209
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert [e.index for e in ends] == [0, 1]
    finish = next(i for i, e in enumerate(events) if isinstance(e, Finish))
    assert all(events.index(e) < finish for e in ends)  # calls end before the Finish


def test_pinned_n3() -> None:
    acc = accumulate(decode("openai-chat-n3.sse"))
    assert [m.text for m in acc.messages] == [
        '{"city":"San Francisco","temperature":65,"units":"f"}',
        '{"city":"San Francisco","temperature":61,"units":"f"}',
        '{"city":"San Francisco","temperature":59,"units":"f"}',
    ]
    assert [m.finish_reason for m in acc.messages] == ["stop"] * 3
    assert acc.usage is not None and acc.usage.total_tokens == 121


def test_pinned_azure_tool_call() -> None:
    events = decode("azure-openai-chat-tool-call.sse")
    assert events[0].__class__.__name__ == "Other"  # the prompt_filter_results chunk, kept
    assert "prompt_filter_results" in events[0].raw  # type: ignore[operator]
    acc = accumulate(events)
    (call,) = acc.message.tool_calls
    assert (call.id, call.name, call.parsed) == (
        "call_A6XpaIHt5uNwiDqVxyvKoXMa",
        "get_current_temperature",
        {"city": "San Francisco"},
    )
    assert acc.model == "gpt-4o-mini-2024-07-18"
    assert acc.usage == Usage(
        prompt_tokens=66, completion_tokens=17, total_tokens=83, cached_tokens=0, reasoning_tokens=0
    )


def test_pinned_google_tool_call_with_empty_id() -> None:
    events = decode("google-openai-chat-tool-call.sse")
    assert [e for e in events if isinstance(e, ToolCallStart)] == [
        ToolCallStart(index=0, id=None, name="return_bool")
    ]
    acc = accumulate(events)
    assert acc.message.tool_calls[0].parsed == {"value": True}
    assert acc.message.finish_reason_raw == "stop"  # as sent, though a call was made
    assert acc.usage == Usage(prompt_tokens=8, completion_tokens=4, total_tokens=12)


def test_pinned_mistral_parallel_whole_calls() -> None:
    acc = accumulate(decode("mistral-chat-parallel-tool-calls.sse", "mistral"))
    assert [(c.index, c.id, c.name, c.parsed) for c in acc.message.tool_calls] == [
        (0, "QAw0JBXkB", "plus", {"a": 1, "b": 2}),
        (1, "HlyhI5zAI", "minus", {"a": 1, "b": 2}),
    ]
    assert acc.provider == "mistral"
    assert acc.usage == Usage(prompt_tokens=187, completion_tokens=45, total_tokens=232)


def test_pinned_mistral_reasoning_parts() -> None:
    acc = accumulate(decode("mistral-chat-reasoning.sse", "mistral"))
    assert acc.message.reasoning.startswith("Okay, the user")
    assert acc.message.text.endswith(" crossing.")
    assert acc.usage == Usage(prompt_tokens=10, completion_tokens=232, total_tokens=242)


def test_pinned_openrouter_error_with_comments() -> None:
    events = decode("openrouter-openai-chat-midstream-error-reasoning-max-tokens-comments.sse")
    assert sum(isinstance(e, KeepAlive) for e in events) == 17
    acc = accumulate(events)
    assert acc.message.reasoning == "We need to respond to a greeting. The user"
    assert acc.errors == [ProviderError(message="Token limit reached", code="400")]
    assert acc.message.finish_reason == "length"
    assert acc.usage == Usage(
        prompt_tokens=43,
        completion_tokens=10,
        total_tokens=53,
        cached_tokens=0,
        reasoning_tokens=11,
        cost=0.0,
    )
    assert acc.clean is True


def test_pinned_groq_midstream_error() -> None:
    events = decode("groq-openai-chat-midstream-error-reasoning-no-terminal-event.sse")
    (error,) = [e for e in events if isinstance(e, ProviderError)]
    assert error.type == "invalid_request_error"
    assert error.code == "tool_use_failed"
    assert error.message.startswith("Tool call validation failed")
    assert events[-1] == Done(clean=False)


def test_pinned_deepseek_reasoning_usage() -> None:
    acc = accumulate(decode("deepseek-openai-chat-reasoning.sse"))
    assert acc.message.reasoning.startswith("Hmm")
    assert acc.usage == Usage(
        prompt_tokens=6,
        completion_tokens=212,
        total_tokens=218,
        cached_tokens=0,
        reasoning_tokens=198,
    )


def test_pinned_evroc_truncated() -> None:
    events = decode("evroc-openai-chat-reasoning-no-terminal-event-no-usage.sse")
    acc = accumulate(events)
    assert events[-1] == Done(clean=False)
    assert acc.message.finish_reason is None
    assert acc.message.text.endswith("213\n214")


def test_pinned_openrouter_signature() -> None:
    acc = accumulate(decode("openrouter-openai-chat-reasoning-comments.sse"))
    (signature,) = acc.message.reasoning_signatures
    assert signature.signature.startswith("Et0BCkgIChACGAIqQA2s7h7t")
    assert not signature.redacted
    assert acc.message.reasoning.startswith("This is a simple arithmetic question. ")
    assert acc.usage is not None and acc.usage.cost == 0.000669
