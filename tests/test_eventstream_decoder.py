"""EventStreamDecoder: prelude checks and limits, header faults, truncation, offsets, the
message conveniences, input types, and linear growth."""

from __future__ import annotations

import struct
import uuid
import zlib

import pytest

from sseparse.errors import (
    ChecksumMismatch,
    InvalidHeader,
    LimitExceeded,
    TruncatedStream,
    UsageError,
)
from sseparse.framing import decoder_class
from sseparse.framing.eventstream import (
    DEFAULT_MAX_HEADERS_SIZE,
    DEFAULT_MAX_MESSAGE_SIZE,
    EventStreamDecoder,
    EventStreamMessage,
    Header,
    HeaderType,
)
from sseparse.testing import assert_fragmentation_invariant


def frame(
    block: bytes = b"",
    payload: bytes = b"",
    *,
    total: int | None = None,
    headers_len: int | None = None,
) -> bytes:
    """A frame built by hand (not with our encoder), both CRCs valid; *total* and
    *headers_len* may lie about the real sizes."""
    total = 16 + len(block) + len(payload) if total is None else total
    headers_len = len(block) if headers_len is None else headers_len
    prelude = struct.pack(">II", total, headers_len)
    head = prelude + struct.pack(">I", zlib.crc32(prelude)) + block
    body = head + payload
    return body + struct.pack(">I", zlib.crc32(body))


def string_header(name: bytes, value: bytes) -> bytes:
    return bytes((len(name),)) + name + b"\x07" + struct.pack(">H", len(value)) + value


BEDROCK_HEADERS = (
    string_header(b":event-type", b"contentBlockDelta")
    + string_header(b":content-type", b"application/json")
    + string_header(b":message-type", b"event")
)


def test_registered_as_eventstream_format() -> None:
    assert decoder_class("eventstream") is EventStreamDecoder


def test_defaults_are_the_aws_limits() -> None:
    assert DEFAULT_MAX_HEADERS_SIZE == 128 * 1024
    assert DEFAULT_MAX_MESSAGE_SIZE == 16 + 128 * 1024 + 24 * 1024 * 1024
    decoder = EventStreamDecoder()
    assert decoder.max_message_size == DEFAULT_MAX_MESSAGE_SIZE
    assert decoder.max_headers_size == DEFAULT_MAX_HEADERS_SIZE


def test_bad_limits_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        EventStreamDecoder(max_message_size=15)
    with pytest.raises(UsageError):
        EventStreamDecoder(max_headers_size=-1)


def test_bedrock_like_frame_and_conveniences() -> None:
    data = frame(BEDROCK_HEADERS, b'{"x":1}')
    [m] = assert_fragmentation_invariant(EventStreamDecoder, data).items
    assert m.event_type == "contentBlockDelta"
    assert m.content_type == "application/json"
    assert m.message_type == "event"
    assert m.exception_type is None
    assert m.header(":event-type") == "contentBlockDelta"
    assert m.header("missing") is None
    assert m.header("missing", 5) == 5
    assert dict(m.header_map) == {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    assert m.payload == b'{"x":1}'


def test_conveniences_ignore_non_string_headers() -> None:
    block = b"\x0d:message-type\x04\x00\x00\x00\x01" + string_header(b":exception-type", b"x")
    [m] = EventStreamDecoder().feed(frame(block))
    assert m.header(":message-type") == 1
    assert m.message_type is None
    assert m.exception_type == "x"


def test_message_is_frozen_and_offset_not_compared() -> None:
    a = EventStreamMessage(headers=(), payload=b"x", offset=0)
    b = EventStreamMessage(headers=(), payload=b"x", offset=99)
    assert a == b
    with pytest.raises(AttributeError):
        a.payload = b"y"  # type: ignore[misc]


def test_offsets_of_consecutive_frames() -> None:
    frames = [frame(b"", b"a" * n) for n in (0, 5, 300)]
    data = b"".join(frames)
    items = assert_fragmentation_invariant(EventStreamDecoder, data).items
    assert [m.offset for m in items] == [0, 16, 37]
    assert [m.payload for m in items] == [b"", b"a" * 5, b"a" * 300]


# --- prelude ---------------------------------------------------------------------------------


def test_total_below_16_is_invalid_header() -> None:
    data = frame(b"", b"", total=15)
    outcome = assert_fragmentation_invariant(EventStreamDecoder, frame(b"", b"x") + data)
    assert outcome.error == (InvalidHeader, 17)
    assert len(outcome.items) == 1  # the good frame before it is not lost


def test_headers_that_cannot_fit_are_invalid_header() -> None:
    data = frame(b"", b"abcd", headers_len=5)  # total 20: at most 4 bytes of headers
    with pytest.raises(InvalidHeader, match="does not fit"):
        EventStreamDecoder().feed(data[:12])  # from the prelude alone
    data = frame(b"", b"abcd", headers_len=4)  # 4 fit exactly (but they are not headers)
    with pytest.raises(InvalidHeader):
        EventStreamDecoder().feed(data)


def test_prelude_checksum_reported_at_byte_12() -> None:
    data = bytearray(frame(b"", b"payload"))
    data[3] ^= 1
    decoder = EventStreamDecoder()
    assert decoder.feed(bytes(data[:11])) == []
    with pytest.raises(ChecksumMismatch) as info:
        decoder.feed(bytes(data[11:12]))
    assert info.value.kind == "prelude"
    assert info.value.expected == struct.unpack_from(">I", data, 8)[0]
    assert info.value.computed == zlib.crc32(bytes(data[:8]))


def test_message_checksum_values() -> None:
    data = bytearray(frame(b"", b"payload"))
    data[-1] ^= 0xFF
    with pytest.raises(ChecksumMismatch) as info:
        EventStreamDecoder().feed(bytes(data))
    assert info.value.kind == "message"
    assert info.value.expected == struct.unpack_from(">I", data, len(data) - 4)[0]
    assert info.value.computed == zlib.crc32(bytes(data[:-4]))
    assert info.value.offset == 0


def test_message_limit_checked_before_the_body_is_buffered() -> None:
    data = frame(b"", b"x" * 100)  # total 116
    assert EventStreamDecoder(max_message_size=116).feed(data) != []
    decoder = EventStreamDecoder(max_message_size=115)
    with pytest.raises(LimitExceeded) as info:
        decoder.feed(data[:12])
    assert info.value.limit == 115 and info.value.offset == 0


def test_a_huge_total_is_rejected_from_the_prelude() -> None:
    prelude = struct.pack(">II", 0xFFFFFFFF, 0)
    data = prelude + struct.pack(">I", zlib.crc32(prelude))
    with pytest.raises(LimitExceeded):
        EventStreamDecoder().feed(data)


def test_headers_limit() -> None:
    block = string_header(b"a", b"b" * 40)  # 1 + 1 + 1 + 2 + 40 = 45 bytes
    data = frame(block, b"")
    assert EventStreamDecoder(max_headers_size=45).feed(data) != []
    with pytest.raises(LimitExceeded) as info:
        EventStreamDecoder(max_headers_size=44).feed(data[:12])
    assert info.value.limit == 44


# --- headers ---------------------------------------------------------------------------------

HEADER_FAULTS = [
    # (header block, header name in the error, words in the message)
    (b"\x00\x07\x00\x00", None, "empty name"),
    (b"\x05abc", None, "name of 5 bytes runs past"),
    (b"\x03abc", "abc", "no value type byte"),
    (b"\x03abc\x0a", "abc", "unknown value type 10"),
    (b"\x03abc\xff", "abc", "unknown value type 255"),
    (b"\x03abc\x05\x00\x00\x00", "abc", "8-byte value runs past"),
    (b"\x03abc\x09" + bytes(15), "abc", "16-byte value runs past"),
    (b"\x03abc\x03\x00", "abc", "2-byte value runs past"),
    (b"\x03abc\x07\x00", "abc", "value length runs past"),
    (b"\x03abc\x06\x00\x05abcd", "abc", "value of 5 bytes runs past"),
    (b"\x02\xff\xfe\x00", None, "name is not UTF-8"),
    (b"\x01a\x07\x00\x02\xc3\x28", "a", "string value is not UTF-8"),
    (b"\x01a\x00\x01a\x01", "a", "duplicate"),
]


@pytest.mark.parametrize(("block", "name", "words"), HEADER_FAULTS)
def test_header_faults(block: bytes, name: str | None, words: str) -> None:
    prefix = frame(b"\x01z\x00", b"ok")  # one good frame (19 bytes) first
    bad = frame(block, b"payload")
    outcome = assert_fragmentation_invariant(EventStreamDecoder, prefix + bad)
    assert len(outcome.items) == 1
    offset = len(prefix) + 12
    if words == "duplicate":
        offset += 3  # the second "a" header
    assert outcome.error == (InvalidHeader, offset)
    decoder = EventStreamDecoder()
    assert len(decoder.feed(prefix + bad)) == 1  # nothing lost before the fault
    with pytest.raises(InvalidHeader) as info:
        decoder.feed(b"")
    assert info.value.name == name
    assert words in str(info.value)


def test_every_header_type_decodes() -> None:
    u = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    block = (
        b"\x01a\x00"
        + b"\x01b\x01"
        + b"\x01c\x02\xff"
        + b"\x01d\x03\x80\x00"
        + b"\x01e\x04\x7f\xff\xff\xff"
        + b"\x01f\x05"
        + (-2).to_bytes(8, "big", signed=True)
        + b"\x01g\x06\x00\x02\x00\xff"
        + b"\x01h\x07\x00\x03\xe2\x82\xac"
        + b"\x01i\x08"
        + (1700000000123).to_bytes(8, "big")
        + b"\x01j\x09"
        + u.bytes
    )
    [m] = EventStreamDecoder().feed(frame(block, b""))
    assert m.headers == (
        Header(name="a", type=HeaderType.BOOL_TRUE, value=True),
        Header(name="b", type=HeaderType.BOOL_FALSE, value=False),
        Header(name="c", type=HeaderType.BYTE, value=-1),
        Header(name="d", type=HeaderType.SHORT, value=-32768),
        Header(name="e", type=HeaderType.INTEGER, value=2**31 - 1),
        Header(name="f", type=HeaderType.LONG, value=-2),
        Header(name="g", type=HeaderType.BYTE_ARRAY, value=b"\x00\xff"),
        Header(name="h", type=HeaderType.STRING, value="\u20ac"),
        Header(name="i", type=HeaderType.TIMESTAMP, value=1700000000123),
        Header(name="j", type=HeaderType.UUID, value=u),
    )


def test_header_cache_does_not_mix_frames() -> None:
    """Frames with different header blocks never share parsed headers, equal ones do."""
    a = frame(string_header(b":event-type", b"a"), b"1")
    b = frame(string_header(b":event-type", b"b"), b"2")
    items = EventStreamDecoder().feed(a + b + a)
    assert [m.event_type for m in items] == ["a", "b", "a"]
    assert items[0].headers is items[2].headers


def test_parsed_headers_are_shared_by_every_decoder_and_the_cache_stays_bounded() -> None:
    from sseparse.framing import eventstream

    a = frame(string_header(b":event-type", b"shared-by-all"), b"1")
    first, second = EventStreamDecoder().feed(a), EventStreamDecoder().feed(a)
    assert first[0].headers is second[0].headers  # one parse for the process
    # Many distinct blocks: the cache is emptied when full, never larger, and every frame
    # still reads as its own.
    names = [f"kind-{i}".encode() for i in range(3 * eventstream._CACHE_ENTRIES)]
    data = b"".join(frame(string_header(b":event-type", n), n) for n in names)
    decoder = EventStreamDecoder()
    for at in range(0, len(data), 97):
        for message in decoder.feed(data[at : at + 97]):
            assert message.event_type.encode() == message.payload
            assert len(eventstream._HEADER_CACHE) <= eventstream._CACHE_ENTRIES
    assert len(eventstream._HEADER_CACHE) >= 1


# --- truncation ------------------------------------------------------------------------------


def test_truncated_inside_the_prelude() -> None:
    good = frame(b"", b"hello")
    data = good + frame(b"", b"world")[:7]
    outcome = assert_fragmentation_invariant(EventStreamDecoder, data)
    assert len(outcome.items) == 1
    assert outcome.error == (TruncatedStream, len(good))
    decoder = EventStreamDecoder()
    decoder.feed(data)
    with pytest.raises(TruncatedStream) as info:
        decoder.close()
    assert info.value.received == 7 and info.value.expected is None


def test_truncated_inside_the_body() -> None:
    data = frame(BEDROCK_HEADERS, b"x" * 50)
    cut = data[:-10]
    outcome = assert_fragmentation_invariant(EventStreamDecoder, cut)
    assert outcome.items == [] and outcome.error == (TruncatedStream, 0)
    decoder = EventStreamDecoder()
    assert decoder.feed(cut) == []
    with pytest.raises(TruncatedStream) as info:
        decoder.close()
    assert info.value.received == len(cut) and info.value.expected == len(data)


def test_empty_stream_and_clean_close() -> None:
    assert assert_fragmentation_invariant(EventStreamDecoder, b"").items == []
    decoder = EventStreamDecoder()
    decoder.feed(frame())
    assert decoder.close() == []
    assert decoder.close() == []
    with pytest.raises(UsageError):
        decoder.feed(b"")


# --- input types -----------------------------------------------------------------------------


def test_bytearray_and_memoryview_input_give_bytes_payloads() -> None:
    data = frame(BEDROCK_HEADERS, b"payload")
    for wrap in (bytearray, memoryview):
        buf = bytearray(data)
        decoder = EventStreamDecoder()
        chunk = wrap(buf)
        items = decoder.feed(chunk[:20]) + decoder.feed(chunk[20:])
        buf[-8:-4] = b"XXXX"  # the caller reuses its buffer: messages must not change
        [m] = items
        assert type(m.payload) is bytes and m.payload == b"payload"


def test_decoded_messages_are_ordinary_instances() -> None:
    """The decoder builds messages without calling __init__ (it sets the slots as __init__
    does); they must be indistinguishable from constructed ones, and stay so."""
    assert not hasattr(EventStreamMessage, "__post_init__")
    [m] = EventStreamDecoder().feed(frame(BEDROCK_HEADERS, b"{}"))
    built = EventStreamMessage(headers=m.headers, payload=m.payload, offset=m.offset)
    assert m == built and repr(m) == repr(built) and hash(m) == hash(built)
    assert type(m) is EventStreamMessage and m.offset == 0
