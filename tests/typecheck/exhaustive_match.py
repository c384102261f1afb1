"""Checked by ``mypy --strict`` in CI (not run by pytest): the public types are precise.

``match`` over the closed ``Event`` union must be exhaustive (``assert_never``), and the
decoder protocol's return types must be what the docs say.
"""

from __future__ import annotations

from typing_extensions import assert_never, assert_type

from sseparse import (
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
    ServerToolResult,
    StreamParser,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)


def describe(event: Event) -> str:
    match event:
        case TextDelta(text=text) | RefusalDelta(text=text) | ReasoningDelta(text=text):
            return text
        case ReasoningSignature(signature=sig):
            return sig
        case ToolCallStart(name=name):
            return name or ""
        case ToolCallDelta(arguments=args) | ToolCallEnd(arguments=args):
            return args
        case Usage(total_tokens=total):
            return str(total)
        case Finish(reason=reason):
            return reason
        case ProviderError(message=message):
            return message
        case ServerToolResult(kind=kind):
            return kind
        case StreamStart() | Citation() | KeepAlive() | Malformed() | Other() | Done():
            return type(event).__name__
        case _:
            assert_never(event)


def protocol_types(parser: StreamParser) -> None:
    assert_type(parser.feed(b""), list[Event])
    assert_type(parser.close(), list[Event])
    assert_type(parser.next_event(), Event | None)


def driver_and_accumulator_types(chunks: list[bytes]) -> None:
    from collections.abc import AsyncIterator, Iterator

    from sseparse import Accumulator, Message, ToolCall, aiter_events, iter_events

    assert_type(iter_events(chunks, dialect="auto"), Iterator[Event])

    async def agen() -> AsyncIterator[bytes]:
        yield b""

    assert_type(aiter_events(agen()), AsyncIterator[Event])
    acc = Accumulator()
    acc.feed(iter_events(chunks))
    assert_type(acc.messages, list[Message])
    assert_type(acc.message, Message)
    assert_type(acc.message.tool_calls, list[ToolCall])
