"""assert_fragmentation_invariant catches the bugs it is for; chunkings and the cut helpers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import ParseError, SSEDecoder, StreamParser, TruncatedStream, encode_event_stream
from sseparse.testing import (
    assert_fragmentation_invariant,
    chunkings,
    partitions,
    split_at,
    tricky_offsets,
)

SSE = "data: héllo\r\n\r\ndata: wörld\r\n\r\n".encode()


class PerReadSplitter:
    """The classic bug: split each read on a blank line, forgetting what was left over."""

    def __init__(self) -> None:
        self.pending: list[bytes] = []

    def feed(self, data: bytes) -> list[bytes]:
        return [part for part in bytes(data).split(b"\r\n\r\n") if part]

    def close(self) -> list[bytes]:
        return []

    def receive_data(self, data: bytes) -> None:
        self.pending += self.feed(data)

    def next_event(self) -> bytes | None:
        return self.pending.pop(0) if self.pending else None


class Buffered(PerReadSplitter):
    """Correct framing, but items wait until a read happens to end on a blank line: late when
    a read ends mid-event, never lost."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = b""

    def feed(self, data: bytes) -> list[bytes]:
        self.buffer += bytes(data)
        return self.close() if self.buffer.endswith(b"\r\n\r\n") else []

    def close(self) -> list[bytes]:
        out = [part for part in self.buffer.split(b"\r\n\r\n") if part]
        self.buffer = b""
        return out


class ForgetfulError(Buffered):
    """Raises on close(), then forgets the error (not sticky)."""

    def close(self) -> list[bytes]:
        if self.buffer:
            self.buffer = b""
            raise TruncatedStream("cut", offset=3, received=3)
        return []


def test_a_per_read_splitter_is_caught() -> None:
    with pytest.raises(AssertionError, match="byte-by-byte"):
        assert_fragmentation_invariant(PerReadSplitter, SSE)


def test_items_held_back_are_caught_unless_latency_is_waived() -> None:
    with pytest.raises(AssertionError, match="first feed returned 0 items, byte-by-byte had 1"):
        assert_fragmentation_invariant(Buffered, SSE)
    outcome = assert_fragmentation_invariant(Buffered, SSE, latency=False)
    assert outcome.items == ["data: héllo".encode(), "data: wörld".encode()]


def test_an_error_that_is_not_sticky_is_caught() -> None:
    with pytest.raises(AssertionError, match="not sticky"):
        assert_fragmentation_invariant(ForgetfulError, SSE)


def test_a_pull_api_that_differs_is_caught() -> None:
    class NoPull(Buffered):
        def next_event(self) -> bytes | None:
            return None

    with pytest.raises(AssertionError, match="pull API"):
        assert_fragmentation_invariant(NoPull, SSE, latency=False)


def test_a_changed_error_is_caught() -> None:
    class Changing(ForgetfulError):
        calls = 0

        def close(self) -> list[bytes]:
            self.calls += 1
            raise TruncatedStream("cut", offset=self.calls, received=1)

        def feed(self, data: bytes) -> list[bytes]:
            return self.close()

    with pytest.raises(AssertionError, match="a later call raised"):
        assert_fragmentation_invariant(Changing, SSE)


def test_our_parser_passes_and_errors_are_reported_as_outcomes() -> None:
    outcome = assert_fragmentation_invariant(SSEDecoder, SSE)
    assert [e.data for e in outcome.items] == ["héllo", "wörld"]
    frame = encode_event_stream({":message-type": "event"}, b"{}")
    cut = assert_fragmentation_invariant(lambda: StreamParser("bedrock"), frame[:-3])
    assert cut.error is not None and issubclass(cut.error[0], ParseError)


def test_tricky_offsets_find_crlf_utf8_and_preludes() -> None:
    assert tricky_offsets(b"a\r\nb") == [2]
    assert tricky_offsets("é€".encode()) == [1, 3, 4]
    frame = encode_event_stream({":event-type": "x"}, b"{}")
    two = frame + frame
    assert {1, 4, 8, 11, 13} <= set(tricky_offsets(two))
    assert {len(frame) + k for k in (1, 4, 8, 11, 13)} <= set(tricky_offsets(two))
    # Lengths that do not chain to the end: not event-stream, so no prelude cuts.
    assert not {1, 4, 8, 11, 13} & set(tricky_offsets(frame[:-1]))


def test_partitions_and_split_at() -> None:
    long = SSE * 80
    named = dict(partitions(long))
    assert len(long) > 2048 and "at-every-tricky-offset" in named
    assert all(b"".join(chunks) == long for chunks in named.values())
    assert split_at(b"abcdef", [4, 2, 2, 0, 9]) == [b"ab", b"cd", b"ef"]
    assert split_at(b"", [1]) == []


@settings(max_examples=30)
@given(st.data())
def test_chunkings_join_back_to_the_data(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from([SSE, b"", b"x", encode_event_stream({}, b"{}")]))
    pieces: Any = data.draw(chunkings(source))
    assert b"".join(pieces) == source
    assert all(pieces)
