"""EventStreamDecoder's fast paths: the held path inside a message, the direct ``feed``, the
last-header-block reuse and the CRC of small and big frames give exactly what the generic
path gives (messages, offsets, errors), at every fragmentation."""

from __future__ import annotations

import random

import pytest

from sseparse.errors import ChecksumMismatch, InvalidHeader, LimitExceeded, UsageError
from sseparse.framing.eventstream import EventStreamDecoder
from sseparse.testing import (
    Outcome,
    assert_fragmentation_invariant,
    random_partition,
    run_feed,
    run_pull,
)

from .test_eventstream_decoder import BEDROCK_HEADERS, frame, string_header


def _stream() -> bytes:
    a = string_header(b":event-type", b"aa")
    b = string_header(b":event-type", b"bb")  # the same length as a: compared, not reused
    frames = [
        frame(BEDROCK_HEADERS, b'{"p":"x"}'),
        frame(BEDROCK_HEADERS, b'{"p":"xyz"}'),
        frame(a, b"1"),
        frame(b, b"2"),
        frame(b, b"3"),
        frame(a, b"4"),
        frame(b"", b"no headers"),
        frame(BEDROCK_HEADERS, b"x" * 70_000),  # over _COPY_MAX: checked through a view
        frame(BEDROCK_HEADERS, b""),
    ]
    return b"".join(frames)


def test_the_last_header_block_is_reused_only_when_equal() -> None:
    items = EventStreamDecoder().feed(_stream())
    assert [m.event_type for m in items] == [
        "contentBlockDelta",
        "contentBlockDelta",
        "aa",
        "bb",
        "bb",
        "aa",
        None,
        "contentBlockDelta",
        "contentBlockDelta",
    ]
    assert items[3].headers is items[4].headers
    assert [len(m.payload) for m in items[-3:]] == [10, 70_000, 0]


def test_every_fragmentation_gives_the_same_messages() -> None:
    data = _stream()
    whole, _ = run_feed(EventStreamDecoder, [data])
    assert whole.error is None and len(whole.items) == 9
    rng = random.Random(3)
    for parts in (
        random_partition(data, rng),
        [data[i : i + 1] for i in range(len(data))],
        [data[i : i + 7] for i in range(0, len(data), 7)],
        [data[i : i + 1460] for i in range(0, len(data), 1460)],
        [data[:30], data[30:]],  # a buffered message completed by a big fragment
        [data[:30], data[30:40], data[40:]],
    ):
        outcome, _ = run_feed(EventStreamDecoder, parts)
        assert outcome == whole
        assert [m.offset for m in outcome.items] == [m.offset for m in whole.items]
        assert run_pull(EventStreamDecoder, parts) == whole
    small = b"".join(frame(BEDROCK_HEADERS, bytes([i]) * i) for i in range(40))
    assert len(assert_fragmentation_invariant(EventStreamDecoder, small).items) == 40


@pytest.mark.parametrize("size", [1, 5, 64, 1460])
def test_a_bad_frame_after_good_ones_at_every_fragment_size(size: int) -> None:
    good = frame(BEDROCK_HEADERS, b"ok")
    bad = bytearray(frame(BEDROCK_HEADERS, b"bad"))
    bad[-1] ^= 1
    data = good * 3 + bytes(bad) + good
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    outcome, _ = run_feed(EventStreamDecoder, parts)
    assert len(outcome.items) == 3
    assert outcome.error == (ChecksumMismatch, 3 * len(good))
    assert run_pull(EventStreamDecoder, parts) == outcome


def test_feed_after_receive_data_returns_the_queued_messages_first() -> None:
    one = frame(BEDROCK_HEADERS, b"1")
    decoder = EventStreamDecoder()
    decoder.receive_data(one + one[:20])
    # Inside the second message, but the first is queued: feed returns it (not held).
    assert [m.payload for m in decoder.feed(one[20:21])] == [b"1"]
    assert decoder.next_event() is None
    assert decoder.feed(one[21:30]) == []  # held
    assert [m.offset for m in decoder.feed(one[30:])] == [len(one)]
    assert decoder.close() == []
    with pytest.raises(UsageError):
        decoder.feed(b"")  # after close: not held


def test_direct_feed_returns_messages_before_a_fault_and_keeps_it() -> None:
    one = frame(BEDROCK_HEADERS, b"1")
    decoder = EventStreamDecoder()
    bad = frame(b"\x00", b"")  # a header with an empty name
    items = decoder.feed(one + bad + one)
    assert [m.payload for m in items] == [b"1"]
    for call in (lambda: decoder.feed(one), lambda: decoder.feed(b"x"), decoder.close):
        with pytest.raises(InvalidHeader) as info:
            call()
        assert info.value.offset == len(one) + 12


def _flip(data: bytes, index: int) -> bytes:
    damaged = bytearray(data)
    damaged[index] ^= 1
    return bytes(damaged)


_GOOD = [
    frame(BEDROCK_HEADERS, b'{"p":"%d"}' % i) if i % 3 else frame(string_header(b"k", b"v"), b"")
    for i in range(6)
]
_BROKEN_VALUE = BEDROCK_HEADERS.replace(b"\x00\x05event", b"\x00\x05\xffvent")
# A bad frame, the error it gives and that error's offset from the frame's first byte.
_BAD = {
    "prelude checksum": (_flip(frame(BEDROCK_HEADERS, b"x"), 9), ChecksumMismatch, 0),
    "total under 16": (frame(b"", b"", total=12), InvalidHeader, 0),
    "headers do not fit": (frame(BEDROCK_HEADERS, b"x", headers_len=500), InvalidHeader, 0),
    "payload over the limit": (frame(BEDROCK_HEADERS, b"x" * 41), LimitExceeded, 0),
    "message checksum": (_flip(frame(BEDROCK_HEADERS, b"x"), -1), ChecksumMismatch, 0),
    "empty header name": (frame(b"\x00", b""), InvalidHeader, 12),
    # The block of the frames around it, but for one byte: compared, then parsed.
    "bad header value": (
        frame(_BROKEN_VALUE, b"x"),
        InvalidHeader,
        12 + _BROKEN_VALUE.index(b"\x0d:message-type"),
    ),
}


@pytest.mark.parametrize("fault", sorted(_BAD))
@pytest.mark.parametrize("at", range(len(_GOOD)))
def test_a_bad_frame_at_each_position_of_a_fragment(fault: str, at: int) -> None:
    """Several frames in one fragment with a bad one at each position: the messages before
    it and the same error at the same offset, whether the frames come in one fragment
    (this message's CRC read together with the next prelude), one per fragment or cut
    anywhere."""
    bad, error, offset = _BAD[fault]
    before = b"".join(_GOOD[:at])
    data = before + bad + b"".join(_GOOD[at:])

    def decoder() -> EventStreamDecoder:
        return EventStreamDecoder(max_payload_size=40)

    expected = Outcome(decoder().feed(before), (error, len(before) + offset))
    assert len(expected.items) == at
    frames = [*_GOOD[:at], bad, *_GOOD[at:]]
    for parts in (
        [data],
        frames,  # one frame per fragment: each message's CRC read alone
        [b"".join(frames[i : i + 2]) for i in range(0, len(frames), 2)],
        [data[i : i + 7] for i in range(0, len(data), 7)],
        [data[:5], data[5:]],
    ):
        outcome, _ = run_feed(decoder, parts)
        assert outcome == expected, fault
        assert [m.offset for m in outcome.items] == [m.offset for m in expected.items]
        assert run_pull(decoder, parts) == expected
