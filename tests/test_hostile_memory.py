"""Peak memory (tracemalloc) of each SSE, JSON and event-stream decoder, and of the parser, fed
input past its limit in one large fragment, in small fragments and one byte at a time: under 3x
the limit, not counting the caller's own fragments (allocated before tracing starts)."""

from __future__ import annotations

import struct
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from sseparse import (
    EventStreamDecoder,
    JSONArrayDecoder,
    JSONDocumentDecoder,
    JSONLinesDecoder,
    LimitExceeded,
    ParseError,
    SSEDecoder,
    StreamParser,
    UsageError,
    encode_event_stream,
)
from sseparse.dialects import DIALECTS
from sseparse.framing import FORMATS, decoder_class
from sseparse.framing.eventstream import DEFAULT_MAX_PAYLOAD_SIZE

LIMIT = 32 * 1024


def _prelude(total: int, headers: int) -> bytes:
    head = struct.pack(">II", total, headers)
    return head + struct.pack(">I", zlib.crc32(head))


CASES: dict[str, tuple[Callable[[], Any], bytes]] = {
    "jsonlines": (lambda: JSONLinesDecoder(max_line_size=LIMIT), b'1\n"' + b"x" * 4 * LIMIT),
    "jsonlines-crlf": (
        lambda: JSONLinesDecoder(max_line_size=LIMIT),
        b'[1]\r\n"' + b"\r" * 4 * LIMIT,
    ),
    "jsonarray": (lambda: JSONArrayDecoder(max_element_size=LIMIT), b'[1,"' + b"x" * 4 * LIMIT),
    "jsonarray-nested": (
        lambda: JSONArrayDecoder(max_element_size=LIMIT),
        b'[{"a":[' + b'"xxxxxxxx",' * (LIMIT // 2),
    ),
    "jsondoc": (lambda: JSONDocumentDecoder(max_size=LIMIT), b'{"a":"' + b"x" * 4 * LIMIT),
    "eventstream": (
        lambda: EventStreamDecoder(max_message_size=LIMIT),
        _prelude(4 * LIMIT, 0) + bytes(4 * LIMIT),
    ),
}


def peak(factory: Callable[[], Any], pieces: list[bytes]) -> tuple[int, str]:
    tracemalloc.start()
    try:
        decoder = factory()
        outcome = "ok"
        try:
            for piece in pieces:
                decoder.feed(piece)
            decoder.feed(b"")  # a fault found after some items is raised by the next call
            decoder.close()
        except ParseError as exc:
            outcome = type(exc).__name__
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("piece", [0, 4096, 1], ids=["whole", "4KiB", "1B"])
def test_peak_under_three_times_the_limit(name: str, piece: int) -> None:
    factory, data = CASES[name]
    if piece == 1:
        data = data[: LIMIT + 64]  # enough to pass the limit, one byte at a time
    size = piece or len(data)
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    used, outcome = peak(factory, pieces)
    assert outcome == "LimitExceeded"
    assert used < 3 * LIMIT, f"{used / LIMIT:.2f}x the limit"


# Events whose data is many short lines: each line is a few bytes of the limit but would cost
# a bytes object (~50 bytes) if kept one object per line. Each passes the limit (counted as the
# values plus one byte per line) by about a fifth.
SSE_CASES: dict[str, bytes] = {
    "short-lines": b"data:xy\n" * (LIMIT * 2 // 5),
    "empty-lines": b"data\n" * (LIMIT * 6 // 5),
    "crlf-short-lines": b"data:xy\r\n" * (LIMIT * 2 // 5),
    "mixed-ends": b"data:x\r\ndata:y\n" * (LIMIT * 3 // 10),
    "long-line": b"data: " + b"x" * 4 * LIMIT,
}


@pytest.mark.parametrize("name", SSE_CASES)
@pytest.mark.parametrize("piece", [0, 4096, 61], ids=["whole", "4KiB", "61B"])
def test_sse_peak_under_three_times_the_limit(name: str, piece: int) -> None:
    data = SSE_CASES[name]
    size = piece or len(data)
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    used, outcome = peak(lambda: SSEDecoder(max_event_size=LIMIT), pieces)
    assert outcome == "LimitExceeded"
    assert used < 3 * LIMIT, f"{used / LIMIT:.2f}x the limit"


# The parser (openai: the SSE decoder with the dialect as its sink) fed one huge fragment: the
# first fragment goes through the JSON-body sniffer and the decoder, neither of which may copy
# it whole. A line no event would hold (an unknown field, a comment) is skipped, not an error.
EVENT = b'data: {"choices":[]}\n\n'
PARSER_CASES: dict[str, tuple[bytes, str]] = {
    "no-line-end": (b"x" * 16 * LIMIT, "ok"),
    "event-then-long-line": (EVENT + b"data: " + b"x" * 16 * LIMIT, "LimitExceeded"),
    "event-then-long-event": (EVENT + b"data: " + b"x" * 16 * LIMIT + b"\n\n", "LimitExceeded"),
    "event-then-long-comment": (EVENT + b": " + b"x" * 16 * LIMIT + b"\n\n", "ok"),
    "event-then-short-lines": (EVENT + b"data:xy\n" * (LIMIT // 2), "LimitExceeded"),
}


@pytest.mark.parametrize("name", PARSER_CASES)
@pytest.mark.parametrize("split", [False, True], ids=["whole", "after-10B"])
def test_parser_peak_under_three_times_the_limit(name: str, split: bool) -> None:
    """Measured: the parser's own allocations from construction to the end, not the
    caller's fragment (16x the limit, allocated before tracing starts)."""
    data, expected = PARSER_CASES[name]
    StreamParser("openai").feed(EVENT)  # imports the dialect before tracing starts
    pieces = [data[:10], data[10:]] if split else [data]
    used, outcome = peak(lambda: StreamParser("openai", max_event_size=LIMIT), pieces)
    assert outcome == expected
    assert used < 3 * LIMIT, f"{used / LIMIT:.2f}x the limit"


def test_sse_many_line_event_is_unchanged_by_folding() -> None:
    """The data of an event of many lines (kept folded while it grows) is every value joined
    with LF, whatever the fragmentation."""
    values = [b"v%d" % i for i in range(500)] + [b"", b"\xff", b"end"]
    stream = b"".join(b"data:" + v + b"\n" for v in values) + b"\n" + b"data: next\n\n"
    expected = b"\n".join(values).decode("utf-8", "replace")
    for size in (len(stream), 4096, 13, 1):
        decoder = SSEDecoder(max_event_size=len(stream))
        events = [
            e for i in range(0, len(stream), size) for e in decoder.feed(stream[i : i + size])
        ]
        assert [e.data for e in events] == [expected, "next"]  # type: ignore[union-attr]
        assert [e.offset for e in events] == [0, len(stream) - 12]


def test_event_stream_payload_limit_is_the_encoders() -> None:
    """A frame declaring a payload over 24 MiB is refused from its prelude, as the encoder
    refuses to write one: one limit, one answer."""
    with pytest.raises(UsageError):
        encode_event_stream({}, bytes(DEFAULT_MAX_PAYLOAD_SIZE + 1))
    over = _prelude(16 + DEFAULT_MAX_PAYLOAD_SIZE + 1, 0)
    with pytest.raises(LimitExceeded) as info:
        EventStreamDecoder().feed(over)
    assert info.value.limit == DEFAULT_MAX_PAYLOAD_SIZE
    assert EventStreamDecoder().feed(_prelude(16 + DEFAULT_MAX_PAYLOAD_SIZE, 0)) == []
    small = EventStreamDecoder(max_payload_size=3)
    assert [m.payload for m in small.feed(encode_event_stream({}, b"abc"))] == [b"abc"]
    with pytest.raises(LimitExceeded):
        small.feed(encode_event_stream({}, b"abcd"))


def test_large_fragment_read_in_slices_gives_the_same_elements() -> None:
    elements = [[i, "x" * (i % 7)] for i in range(20_000)]
    data = b"[" + b",".join(b'[%d,"%s"]' % (i, s.encode()) for i, s in elements) + b"]"
    assert len(data) > 16 * 1024 * 10
    decoder = JSONArrayDecoder(max_element_size=64)
    records = decoder.feed(data) + decoder.close()
    assert [r.value for r in records] == elements
    assert [r.offset for r in records][:2] == [1, 1 + len(b'[0,""],')]


# Gateways hold a parser per open stream, thousands at a time: an idle one (built, nothing
# fed) must stay small. Measured as what building 200 of them allocates, per parser.
IDLE_LIMIT = 2048


@pytest.mark.parametrize(
    "factory",
    [
        *(lambda d=d: StreamParser(d) for d in ("auto", *sorted(set(DIALECTS) - {"auto"}))),
        *(lambda f=f: decoder_class(f)() for f in sorted(FORMATS)),
    ],
    ids=[*("auto", *sorted(set(DIALECTS) - {"auto"})), *sorted(FORMATS)],
)
def test_an_idle_parser_is_under_two_kib(factory: Callable[[], Any]) -> None:
    factory()  # imports and caches first
    tracemalloc.start()
    try:
        held = [factory() for _ in range(200)]
        used = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(held) == 200
    assert used / 200 < IDLE_LIMIT, f"{used / 200:.0f} bytes per idle parser"
