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

Stats. The parser has no clock; the drivers do. Pass ``stats=StreamStats()`` and it is filled
as the stream goes: times to the first byte, event and answer token, duration, bytes, chunks,
events by kind, the last usage, tokens per second and whether the end was clean. The clock is
the stats object's own (``time.monotonic`` unless another is given), started by the first
``next()`` of the generator — that is, when the caller starts reading the body.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any

from ._protocol import BytesLike
from .errors import Error
from .events import (
    Done,
    Event,
    RefusalDelta,
    TextDelta,
    ToolCallDelta,
    ToolCallStart,
    Usage,
)
from .parser import StreamParser

__all__ = ["StreamStats", "aiter_events", "iter_events"]

# What counts as the first answer token: the answer itself, not reasoning or metadata.
_ANSWER = (TextDelta, RefusalDelta, ToolCallStart, ToolCallDelta)


class StreamStats:
    """Measurements of one stream, filled by ``iter_events``/``aiter_events(..., stats=)``.

    Times are seconds since the driver started reading (``None`` until it happened):
    ``time_to_first_byte``, ``time_to_first_event``, ``time_to_first_token`` (the first
    text, refusal or tool-call event: reasoning does not count) and ``duration`` (set when the
    driver finishes, however it finishes). Counters: ``bytes``, ``chunks`` (non-empty pieces
    read and accepted by the parser), ``events``, ``events_by_kind`` (class name → count). ``usage`` is the last
    ``Usage`` event, ``clean`` the last ``Done``'s flag (``None``: no ``Done``, the input
    ended or was abandoned early). ``clock`` returns seconds (default ``time.monotonic``).
    """

    __slots__ = (
        "_clock",
        "_start",
        "bytes",
        "chunks",
        "clean",
        "duration",
        "events",
        "events_by_kind",
        "time_to_first_byte",
        "time_to_first_event",
        "time_to_first_token",
        "usage",
    )

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start: float | None = None
        self.time_to_first_byte: float | None = None
        self.time_to_first_event: float | None = None
        self.time_to_first_token: float | None = None
        self.duration: float | None = None
        self.bytes = 0
        self.chunks = 0
        self.events = 0
        self.events_by_kind: dict[str, int] = {}
        self.usage: Usage | None = None
        self.clean: bool | None = None

    @property
    def tokens_per_second(self) -> float | None:
        """Output tokens (the last usage's ``completion_tokens``) over the time from the first
        answer token to the end; ``None`` when any of these is unknown or the time is 0."""
        usage, first, end = self.usage, self.time_to_first_token, self.duration
        if usage is None or usage.completion_tokens is None or first is None or end is None:
            return None
        span = end - first
        return usage.completion_tokens / span if span > 0 else None

    def as_dict(self) -> dict[str, Any]:
        """The measurements as a JSON-ready dict (usage as its token counts)."""
        usage = self.usage
        return {
            "time_to_first_byte": self.time_to_first_byte,
            "time_to_first_event": self.time_to_first_event,
            "time_to_first_token": self.time_to_first_token,
            "duration": self.duration,
            "bytes": self.bytes,
            "chunks": self.chunks,
            "events": self.events,
            "events_by_kind": dict(self.events_by_kind),
            "prompt_tokens": None if usage is None else usage.prompt_tokens,
            "completion_tokens": None if usage is None else usage.completion_tokens,
            "tokens_per_second": self.tokens_per_second,
            "clean": self.clean,
        }

    def _begin(self) -> None:
        self._start = self._clock()

    def _elapsed(self) -> float:
        assert self._start is not None  # _begin() ran: the drivers call it first
        return self._clock() - self._start

    def _chunk(self, chunk: BytesLike) -> None:
        size = chunk.nbytes if isinstance(chunk, memoryview) else len(chunk)
        if size:
            self.chunks += 1
            self.bytes += size
            if self.time_to_first_byte is None:
                self.time_to_first_byte = self._elapsed()

    def _events(self, events: list[Event]) -> None:
        if not events:
            return
        if self.time_to_first_event is None:
            self.time_to_first_event = self._elapsed()
        by_kind = self.events_by_kind
        for event in events:
            name = type(event).__name__
            by_kind[name] = by_kind.get(name, 0) + 1
            if self.time_to_first_token is None and isinstance(event, _ANSWER):
                self.time_to_first_token = self._elapsed()
            elif isinstance(event, Usage):
                self.usage = event
            elif isinstance(event, Done):
                self.clean = event.clean if self.clean is None else self.clean and event.clean
        self.events += len(events)

    def _end(self) -> None:
        self.duration = self._elapsed()


def _close_quietly(parser: StreamParser) -> None:
    if not parser.closed:
        with contextlib.suppress(Error):
            parser.close()


def iter_events(
    chunks: Iterable[BytesLike],
    *,
    dialect: str = "auto",
    stats: StreamStats | None = None,
    fast: bool = False,
    **options: Any,
) -> Iterator[Event]:
    """Yield the events of the byte stream *chunks*, decoded by ``StreamParser(dialect,
    fast=fast, **options)``, each as soon as its last byte has arrived; *stats*, if given, is
    filled as the stream goes (see ``StreamStats``). ``fast=True`` reads the JSON with
    msgspec (the ``fast`` extra), with the same events.

    Raises what ``StreamParser`` raises: ``UsageError`` for a bad dialect or option (at the
    first ``next()``), a ``ParseError`` subclass for bad input — after yielding every event
    decoded before it. Exceptions from *chunks* propagate unchanged.
    """
    options["fast"] = fast
    if stats is not None:
        yield from _iter_measured(chunks, dialect, stats, options)
        return
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


def _iter_measured(
    chunks: Iterable[BytesLike], dialect: str, stats: StreamStats, options: dict[str, Any]
) -> Iterator[Event]:
    # A loop of its own so that the plain one stays free of the bookkeeping.
    stats._begin()
    parser = StreamParser(dialect, **options)
    try:
        for chunk in chunks:
            events = parser.feed(chunk)  # it checks the chunk before it is measured
            stats._chunk(chunk)
            stats._events(events)
            yield from events
        events = parser.close()
        stats._events(events)
        yield from events
        parser.close()
    finally:
        stats._end()
        _close_quietly(parser)


async def aiter_events(
    chunks: AsyncIterable[BytesLike] | Iterable[BytesLike],
    *,
    dialect: str = "auto",
    stats: StreamStats | None = None,
    fast: bool = False,
    **options: Any,
) -> AsyncIterator[Event]:
    """The ``async`` twin of ``iter_events``: *chunks* is an async iterable of bytes (a plain
    iterable is accepted too). Same events, same errors, same closing rules, same *stats*,
    same ``fast``."""
    if stats is not None:
        stats._begin()
    parser = StreamParser(dialect, fast=fast, **options)
    try:
        if isinstance(chunks, AsyncIterable):
            async for chunk in chunks:
                for event in _fed(parser, chunk, stats):
                    yield event
        else:
            for chunk in chunks:
                for event in _fed(parser, chunk, stats):
                    yield event
        events = parser.close()
        if stats is not None:
            stats._events(events)
        for event in events:
            yield event
        parser.close()
    finally:
        if stats is not None:
            stats._end()
        _close_quietly(parser)


def _fed(parser: StreamParser, chunk: BytesLike, stats: StreamStats | None) -> list[Event]:
    if stats is None:
        return parser.feed(chunk)
    events = parser.feed(chunk)
    stats._chunk(chunk)
    stats._events(events)
    return events
