"""Every capture of every dialect, transcoded to OpenAI chat SSE and to Anthropic Messages SSE,
read back by each provider's own SDK and by sseparse: the same answer as the source.

The peers' readers are the oracles: openai's ``SSEDecoder``, ``ChatCompletionChunk``
validation and ``ChatCompletionStreamState``; anthropic's ``SSEDecoder`` and
``accumulate_event``. What a format cannot carry (server-run tools, signatures in OpenAI
chat, choices past the first in Anthropic) is left out of the comparison on purpose, and the
encoders' docs say so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from anthropic._streaming import SSEDecoder as AnthropicSSEDecoder
from anthropic.lib.streaming._messages import accumulate_event
from jiter import from_json
from openai._streaming import SSEDecoder as OpenAISSEDecoder
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from sseparse import (
    Accumulator,
    AnthropicMessagesEncoder,
    Event,
    OpenAIChatEncoder,
    ReasoningDelta,
    RefusalDelta,
    StreamParser,
    TextDelta,
)
from sseparse._formats import anthropic_stop_reason, openai_finish_reason

from .captures import captures, read

_DIALECT = {"anthropic-messages": "anthropic"}

ENTRIES = captures()


def source_events(entry: dict[str, Any]) -> list[Event]:
    parser = StreamParser(_DIALECT.get(entry["api"], entry["api"]))
    events = parser.feed(read(entry["file"]))
    return events + parser.close()


def transcode(
    encoder: OpenAIChatEncoder | AnthropicMessagesEncoder, events: list[Event]
) -> Iterator[bytes]:
    for event in events:
        yield encoder.encode(event)
    yield encoder.close()


def accumulate(events: list[Event]) -> Accumulator:
    acc = Accumulator()
    acc.feed(events)
    return acc


def client_calls(acc: Accumulator, choice: int) -> list[tuple[str, str]]:
    if choice >= len(acc.messages):
        return []
    return [
        (c.name or "", c.arguments) for c in acc.messages[choice].tool_calls if c.kind == "function"
    ]


def flow(
    events: list[Event], choice: int, *, refusal_as_text: bool = False
) -> list[tuple[str, str]]:
    """The order of one choice's text, reasoning and refusal: runs of each kind, joined."""
    runs: list[tuple[str, str]] = []
    for event in events:
        if isinstance(event, (TextDelta, RefusalDelta, ReasoningDelta)) and event.choice == choice:
            kind = type(event).__name__
            if refusal_as_text and kind == "RefusalDelta":
                kind = "TextDelta"
            if runs and runs[-1][0] == kind:
                runs[-1] = (kind, runs[-1][1] + event.text)
            else:
                runs.append((kind, event.text))
    return runs


def answer(acc: Accumulator, choice: int) -> tuple[str, str, str, list[tuple[str, str]], Any]:
    """What the OpenAI format carries of one choice: text, refusal, reasoning, client tool
    calls and the finish reason in OpenAI's words."""
    if choice >= len(acc.messages):
        return ("", "", "", [], None)
    m = acc.messages[choice]
    finish = m.finish_reason and openai_finish_reason(m.finish_reason, m.finish_reason_raw)
    return (m.text, m.refusal, m.reasoning, client_calls(acc, choice), finish)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_openai_chat_sse(entry: dict[str, Any]) -> None:
    events = source_events(entry)
    source = accumulate(events)
    chunks = list(transcode(OpenAIChatEncoder(), events))
    state: ChatCompletionStreamState[Any] = ChatCompletionStreamState()
    errors, done, started = [], False, False
    for sse in OpenAISSEDecoder().iter_bytes(iter(chunks)):
        assert not done, "nothing after [DONE]"
        if sse.data == "[DONE]":
            done = True
            continue
        data = json.loads(sse.data)
        if "error" in data:
            errors.append(data["error"])
            continue
        state.handle_chunk(ChatCompletionChunk.model_validate(data))
        started = True
    assert errors == [{"message": e.message, "type": e.type, "code": e.code} for e in source.errors]
    assert done is bool(source.clean)
    choices = state.current_completion_snapshot.choices if started else []
    for message in source.messages:
        got = choices[message.choice] if message.choice < len(choices) else None
        text = (got.message.content or "") if got else ""
        assert text == message.text
        assert ((got.message.refusal or "") if got else "") == message.refusal
        reasoning = getattr(got.message, "reasoning_content", None) if got else None
        assert (reasoning or "") == message.reasoning
        calls = (
            [(c.function.name, c.function.arguments) for c in (got.message.tool_calls or [])]
            if got
            else []
        )
        assert calls == client_calls(source, message.choice)
        want = (
            None
            if message.finish_reason is None
            else openai_finish_reason(message.finish_reason, message.finish_reason_raw)
        )
        assert (got.finish_reason if got else None) == want
    if source.usage is not None:
        usage = state.current_completion_snapshot.usage
        assert usage is not None
        assert usage.prompt_tokens == (source.usage.prompt_tokens or 0)
        assert usage.completion_tokens == (source.usage.completion_tokens or 0)
    # Read again by sseparse: the same answer.
    again = StreamParser("openai")
    reparsed = again.feed(b"".join(chunks)) + again.close()
    back = accumulate(reparsed)
    for message in source.messages:
        assert flow(reparsed, message.choice) == flow(events, message.choice)
    for message in source.messages:
        assert answer(back, message.choice) == answer(source, message.choice)
    assert len(back.messages) <= len(source.messages)
    assert [(e.message, e.type, e.code) for e in back.errors] == [
        (e.message, e.type, e.code) for e in source.errors
    ]
    assert back.clean is bool(source.clean)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_anthropic_messages_sse(entry: dict[str, Any]) -> None:
    events = source_events(entry)
    source = accumulate(events)
    chunks = list(transcode(AnthropicMessagesEncoder(), events))
    snapshot: Any = None
    bufs: dict[int, bytes] = {}
    errors, stopped = [], False
    for sse in AnthropicSSEDecoder().iter_bytes(iter(chunks)):
        assert not stopped
        data = json.loads(sse.data)
        assert data["type"] == sse.event
        if sse.event == "error":
            errors.append(data["error"]["message"])
            continue
        if sse.event == "ping":
            continue
        snapshot = accumulate_event(event=data, current_snapshot=snapshot, json_bufs=bufs)
        stopped = sse.event == "message_stop"
    assert errors == [e.message for e in source.errors]
    assert stopped is bool(source.clean)
    want_text = "".join(
        e.text for e in events if isinstance(e, (TextDelta, RefusalDelta)) and e.choice == 0
    )
    blocks = snapshot.content if snapshot is not None else []
    assert "".join(b.text for b in blocks if b.type == "text") == want_text
    message = source.message
    assert "".join(b.thinking for b in blocks if b.type == "thinking") == message.reasoning
    tools = [(b.name, b.input) for b in blocks if b.type == "tool_use"]
    # The SDK reads tool input with jiter's partial mode (a capture may end inside it).
    expected = [
        (name, from_json(args.encode(), partial_mode=True) if args else {})
        for name, args in client_calls(source, 0)
    ]
    assert tools == expected
    if message.finish_reason is not None:
        assert snapshot.stop_reason == anthropic_stop_reason(
            message.finish_reason, message.finish_reason_raw
        )
    again = StreamParser("anthropic")
    reparsed = again.feed(b"".join(chunks)) + again.close()
    back = accumulate(reparsed)
    assert flow(reparsed, 0) == flow(events, 0, refusal_as_text=True)
    assert back.message.text == want_text
    assert back.message.reasoning == message.reasoning
    assert client_calls(back, 0) == client_calls(source, 0)
    assert [s.signature for s in back.message.reasoning_signatures] == [
        s.signature for s in message.reasoning_signatures
    ]
    assert [e.message for e in back.errors] == [e.message for e in source.errors]
    assert back.clean is bool(source.clean)
    if message.finish_reason is not None:
        assert back.message.finish_reason_raw == snapshot.stop_reason


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_to_openai_validates_as_chat_completion(entry: dict[str, Any]) -> None:
    acc = accumulate(source_events(entry))
    rendered = acc.to_openai()
    completion = ChatCompletion.model_validate(rendered)
    json.dumps(rendered, allow_nan=False)
    for choice, message in zip(completion.choices, acc.messages, strict=True):
        assert (choice.message.content or "") == message.text
        calls = [(c.function.name, c.function.arguments) for c in choice.message.tool_calls or []]
        assert calls == client_calls(acc, message.choice)
    if acc.errors:
        assert rendered["error"]["message"] == acc.errors[0].message
    else:
        assert "error" not in rendered
