"""Properties of the event-stream decoder and encoder (hypothesis):

* random messages with every header type round-trip through encoder and decoder, at any
  fragmentation, byte for byte;
* botocore's ``EventStreamBuffer`` reads the same headers and payloads from them;
* random corruptions of valid frames (bit flips, truncation, insertion, deletion) raise a
  ``ParseError`` subclass or decode to *valid* messages -- nothing else, whatever the split.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from botocore.eventstream import EventStreamBuffer
from hypothesis import given
from hypothesis import strategies as st

from sseparse.encode import encode_event_stream_message
from sseparse.errors import Error, ParseError, TruncatedStream
from sseparse.framing.eventstream import EventStreamDecoder, EventStreamMessage, Header, HeaderType

names = st.text(min_size=1, max_size=12).filter(lambda s: len(s.encode("utf-8")) <= 255)


def _ints(kind: HeaderType, bits: int) -> st.SearchStrategy[tuple[HeaderType, Any]]:
    return st.tuples(st.just(kind), st.integers(-(1 << (bits - 1)), (1 << (bits - 1)) - 1))


typed_values = st.one_of(
    st.booleans().map(lambda b: (HeaderType.BOOL_TRUE if b else HeaderType.BOOL_FALSE, b)),
    _ints(HeaderType.BYTE, 8),
    _ints(HeaderType.SHORT, 16),
    _ints(HeaderType.INTEGER, 32),
    _ints(HeaderType.LONG, 64),
    _ints(HeaderType.TIMESTAMP, 64),
    st.tuples(st.just(HeaderType.BYTE_ARRAY), st.binary(max_size=70)),
    st.tuples(st.just(HeaderType.STRING), st.text(max_size=40)),
    st.tuples(st.just(HeaderType.UUID), st.uuids()),
)

headers = st.lists(
    st.builds(lambda n, tv: Header(name=n, type=tv[0], value=tv[1]), names, typed_values),
    max_size=10,
    unique_by=lambda h: h.name,
).map(tuple)

messages = st.builds(
    lambda h, p: EventStreamMessage(headers=h, payload=p), headers, st.binary(max_size=200)
)
streams = st.lists(messages, min_size=1, max_size=4)


def _cut(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def _decode(chunks: list[bytes]) -> list[EventStreamMessage]:
    decoder = EventStreamDecoder()
    out: list[EventStreamMessage] = []
    for chunk in chunks:
        out += decoder.feed(chunk)
    out += decoder.close()
    return out


@given(streams, st.lists(st.integers(min_value=0), max_size=8))
def test_round_trip_at_any_fragmentation(msgs: list[EventStreamMessage], cuts: list[int]) -> None:
    frames = [encode_event_stream_message(m) for m in msgs]
    data = b"".join(frames)
    got = _decode(_cut(data, cuts))
    assert got == msgs
    assert [m.offset for m in got] == [sum(map(len, frames[:i])) for i in range(len(frames))]
    assert b"".join(encode_event_stream_message(m) for m in got) == data


def _botocore_value(h: Header) -> Any:
    """What botocore's header parser gives for *h* (uuids as their 16 raw bytes)."""
    return h.value.bytes if isinstance(h.value, uuid.UUID) else h.value


@given(streams, st.lists(st.integers(min_value=0), max_size=4))
def test_botocore_reads_the_same(msgs: list[EventStreamMessage], cuts: list[int]) -> None:
    data = b"".join(encode_event_stream_message(m) for m in msgs)
    buffer = EventStreamBuffer()
    theirs = []
    for chunk in _cut(data, cuts):
        buffer.add_data(chunk)
        theirs += [(m.headers, m.payload) for m in buffer]
    ours = [({h.name: _botocore_value(h) for h in m.headers}, m.payload) for m in _decode([data])]
    assert ours == theirs
    assert len(theirs) == len(msgs)


corruptions = st.one_of(
    st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.integers(min_value=0), st.just(0)),
    st.tuples(st.just("insert"), st.integers(min_value=0), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.integers(min_value=0), st.just(0)),
)


def _corrupt(data: bytes, how: tuple[str, int, int]) -> bytes:
    kind, where, arg = how
    if kind == "truncate":
        return data[: where % len(data)]
    if kind == "insert":
        at = where % (len(data) + 1)
        return data[:at] + bytes((arg,)) + data[at:]
    at = where % len(data)
    if kind == "delete":
        return data[:at] + data[at + 1 :]
    return data[:at] + bytes((data[at] ^ (1 << arg),)) + data[at + 1 :]


@given(streams, st.lists(corruptions, min_size=1, max_size=3), st.lists(st.integers(0), max_size=5))
def test_corruption_raises_only_parse_errors(
    msgs: list[EventStreamMessage], hows: list[tuple[str, int, int]], cuts: list[int]
) -> None:
    frames = [encode_event_stream_message(m) for m in msgs]
    original = b"".join(frames)
    boundaries = {sum(map(len, frames[:i])) for i in range(len(frames) + 1)}
    data = original
    for how in hows:
        if data:
            data = _corrupt(data, how)
    outcomes = []
    for chunks in ([data], _cut(data, cuts), [data[i : i + 1] for i in range(len(data))]):
        decoder = EventStreamDecoder()
        got: list[EventStreamMessage] = []
        error: ParseError | None = None
        try:
            for chunk in chunks:
                got += decoder.feed(chunk)
            got += decoder.close()
            got += decoder.close()
        except ParseError as exc:
            error = exc
        except Error as exc:  # pragma: no cover - a failure path
            raise AssertionError(f"non-parse error {exc!r}") from exc
        # Whatever decoded is a valid message that re-encodes to the bytes it came from.
        for m in got:
            frame = encode_event_stream_message(m)
            assert data[m.offset : m.offset + len(frame)] == frame
        outcomes.append(([m.offset for m in got], got, None if error is None else type(error)))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    if outcomes[0][2] is None:
        # Accepted: only a cut at a frame boundary can be (a CRC collision is far too
        # unlikely for hypothesis to find), and then what decoded is the messages before it.
        assert original.startswith(data) and len(data) in boundaries
        assert outcomes[0][1] == msgs[: len(outcomes[0][1])]
    elif original.startswith(data):
        assert outcomes[0][2] is TruncatedStream
