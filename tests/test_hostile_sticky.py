"""A sticky error raised again and again keeps a traceback of bounded size.

Python extends an exception's traceback each time the same object is raised; a decoder that
re-raised its stored error as it was would hand back a traceback holding every earlier call's
frames (50,000 frames after 15,000 calls). The frames are counted, not timed.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import pytest

from sseparse import (
    EventStreamDecoder,
    JSONArrayDecoder,
    JSONDocumentDecoder,
    JSONLinesDecoder,
    ParseError,
    SSEDecoder,
    StreamParser,
)

CALLS = 15_000

# A decoder and bytes that make it fail at once.
FAULTS: dict[str, tuple[Callable[[], Any], bytes]] = {
    "sse": (lambda: SSEDecoder(max_event_size=4), b"data: 0123456789\n\n"),
    "jsonlines": (JSONLinesDecoder, b"{bad}\n"),
    "jsonarray": (JSONArrayDecoder, b"x"),
    "jsondoc": (lambda: JSONDocumentDecoder(max_size=2), b"{}{}"),
    "eventstream": (EventStreamDecoder, bytes(16)),
    "parser-openai": (lambda: StreamParser("openai", max_event_size=8), b"data: 0123456789\n\n"),
    # The first block goes to the dialect through the SSE decoder's sink; the fault is met there.
    "parser-openai-sinks": (
        lambda: StreamParser("openai", max_event_size=10),
        b"data: {}\n\ndata: {}\n\ndata: 0123456789\n\n",
    ),
    "parser-ollama": (lambda: StreamParser("ollama"), b"{bad}\n"),
    "parser-auto": (lambda: StreamParser("auto"), b"[,]"),
}


def frames(exc: BaseException) -> int:
    return sum(1 for _ in traceback.walk_tb(exc.__traceback__))


def raised(call: Callable[[], object]) -> ParseError:
    with pytest.raises(ParseError) as info:
        call()
    return info.value


@pytest.mark.parametrize("name", FAULTS)
def test_traceback_does_not_grow(name: str) -> None:
    factory, bad = FAULTS[name]
    decoder = factory()
    first = raised(lambda: decoder.feed(bad))
    calls: list[Callable[[], object]] = [
        lambda: decoder.feed(b"x"),
        decoder.close,
        decoder.next_event,
        lambda: decoder.receive_data(b""),
    ]
    sizes = []
    for i in range(CALLS):
        exc = raised(calls[i % len(calls)])
        assert exc is first  # the same error, every time
        if i < len(calls) or i >= CALLS - len(calls):
            sizes.append(frames(exc))
    # The last round of calls carries no more frames than the first round.
    assert sizes[len(calls) :] == sizes[: len(calls)]
    assert max(sizes) < 40
