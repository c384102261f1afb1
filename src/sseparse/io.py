"""Drivers: a ``StreamParser`` over any iterable or async iterable of bytes (DESIGN §5).

These are the only places sseparse touches a transport, and they touch it only by iterating:
``iter_events(response.iter_bytes())`` with httpx or requests, ``aiter_events(
response.aiter_bytes())`` with httpx or aiohttp (``response.content.iter_any()``), a socket
read loop wrapped in a generator, a file read in blocks.

Each event is yielded as soon as the fragment that completes it has been fed: nothing waits
for the end of the body. The parser is always closed:

* when the input ends, ``close()`` runs and its events are yielded (``Done(clean=False)``
  when the dialect's end marker never came); if the framing can tell that the stream was cut
  inside a record (a JSON array without ``]``, a partial event-stream frame), the parser's
  ``TruncatedStream`` propagates after the events decoded before it (an SSE stream cut
  mid-event is not an error: the spec discards the unfinished event);
* when the consumer stops early (``break``, an exception in the loop body, or the generator
  being closed or garbage collected), ``close()`` still runs, but quietly: its events and any
  ``ParseError`` it would raise (the stream is, after all, unfinished) are discarded, since
  nobody asked for more. The caller's iterable is not closed: the caller owns the response.
* when the iterable itself raises (a network error), ``close()`` runs quietly and the
  transport's exception propagates unchanged.

For an async generator to be finalized promptly after an early ``break``, close it: use
``contextlib.aclosing(aiter_events(...))`` (otherwise the event loop finalizes it later).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from ._protocol import BytesLike
from .errors import Error
from .events import Event
from .parser import StreamParser

__all__ = ["aiter_events", "iter_events"]


def _close_quietly(parser: StreamParser) -> None:
    if not parser.closed:
        with contextlib.suppress(Error):
            parser.close()


def iter_events(
    chunks: Iterable[BytesLike], *, dialect: str = "auto", **options: Any
) -> Iterator[Event]:
    """Yield the events of the byte stream *chunks*, decoded by ``StreamParser(dialect,
    **options)``, each as soon as its last byte has arrived.

    Raises what ``StreamParser`` raises: ``UsageError`` for a bad dialect or option (at the
    first ``next()``), a ``ParseError`` subclass for bad input — after yielding every event
    decoded before it. Exceptions from *chunks* propagate unchanged.
    """
    parser = StreamParser(dialect, **options)
    feed = parser.feed
    try:
        for chunk in chunks:
            yield from feed(chunk)
        events = parser.close()
        yield from events
        # A fault found by close() after some events is raised by the next call.
        parser.close()
    finally:
        _close_quietly(parser)


async def aiter_events(
    chunks: AsyncIterable[BytesLike] | Iterable[BytesLike],
    *,
    dialect: str = "auto",
    **options: Any,
) -> AsyncIterator[Event]:
    """The ``async`` twin of ``iter_events``: *chunks* is an async iterable of bytes (a plain
    iterable is accepted too). Same events, same errors, same closing rules."""
    parser = StreamParser(dialect, **options)
    feed = parser.feed
    try:
        if isinstance(chunks, AsyncIterable):
            async for chunk in chunks:
                for event in feed(chunk):
                    yield event
        else:
            for chunk in chunks:
                for event in feed(chunk):
                    yield event
        for event in parser.close():
            yield event
        parser.close()
    finally:
        _close_quietly(parser)
