"""The AWS event-stream writer in ``sseparse.encode``: layout, type inference, refusals."""

from __future__ import annotations

import struct
import uuid
import zlib
from datetime import datetime, timedelta, timezone

import pytest

from sseparse.encode import (
    encode_event_stream,
    encode_event_stream_message,
    event_stream_header,
    event_stream_message,
)
from sseparse.errors import UsageError
from sseparse.framing.eventstream import EventStreamDecoder, EventStreamMessage, Header, HeaderType


def test_layout_by_hand() -> None:
    data = encode_event_stream({":event-type": "chunk"}, b"{}")
    block = b"\x0b:event-type\x07\x00\x05chunk"
    total = 16 + len(block) + 2
    prelude = struct.pack(">II", total, len(block))
    head = prelude + struct.pack(">I", zlib.crc32(prelude)) + block + b"{}"
    assert data == head + struct.pack(">I", zlib.crc32(head))


def test_empty_message_is_16_bytes() -> None:
    data = encode_event_stream_message(EventStreamMessage())
    assert len(data) == 16
    assert EventStreamDecoder().feed(data) == [EventStreamMessage()]


INFERRED = [
    (True, HeaderType.BOOL_TRUE, True),
    (False, HeaderType.BOOL_FALSE, False),
    (0, HeaderType.INTEGER, 0),
    (-(2**31), HeaderType.INTEGER, -(2**31)),
    (2**31, HeaderType.LONG, 2**31),
    (-(2**31) - 1, HeaderType.LONG, -(2**31) - 1),
    ("text", HeaderType.STRING, "text"),
    (b"\x00\x01", HeaderType.BYTE_ARRAY, b"\x00\x01"),
    (uuid.UUID(int=7), HeaderType.UUID, uuid.UUID(int=7)),
    (datetime(1970, 1, 1, 0, 0, 1, 500000, tzinfo=timezone.utc), HeaderType.TIMESTAMP, 1500),
    (datetime(1970, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))), HeaderType.TIMESTAMP, 0),
    (datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc), HeaderType.TIMESTAMP, -1000),
]


@pytest.mark.parametrize(("value", "kind", "stored"), INFERRED)
def test_type_inference(value: object, kind: HeaderType, stored: object) -> None:
    header = event_stream_header("h", value)  # type: ignore[arg-type]
    assert header == Header(name="h", type=kind, value=stored)  # type: ignore[arg-type]
    [m] = EventStreamDecoder().feed(
        encode_event_stream_message(EventStreamMessage(headers=(header,)))
    )
    assert m.headers == (header,)


def test_explicit_types_are_kept() -> None:
    headers = [
        Header(name="b", type=HeaderType.BYTE, value=-128),
        Header(name="s", type=HeaderType.SHORT, value=32767),
        Header(name="t", type=HeaderType.TIMESTAMP, value=-5),
    ]
    message = event_stream_message(headers, b"p")
    [m] = EventStreamDecoder().feed(encode_event_stream_message(message))
    assert m == message and [h.type for h in m.headers] == [h.type for h in headers]


BAD_HEADERS = [
    Header(name="", type=HeaderType.STRING, value="x"),
    Header(name="n" * 256, type=HeaderType.STRING, value="x"),
    Header(name="é" * 128, type=HeaderType.STRING, value="x"),  # 256 UTF-8 bytes
    Header(name="b", type=HeaderType.BYTE, value=128),
    Header(name="b", type=HeaderType.SHORT, value=-32769),
    Header(name="b", type=HeaderType.INTEGER, value=2**31),
    Header(name="b", type=HeaderType.LONG, value=2**63),
    Header(name="b", type=HeaderType.INTEGER, value=True),
    Header(name="b", type=HeaderType.INTEGER, value="1"),
    Header(name="b", type=HeaderType.BOOL_TRUE, value=False),
    Header(name="b", type=HeaderType.BOOL_FALSE, value=1),
    Header(name="b", type=HeaderType.STRING, value=b"x"),
    Header(name="b", type=HeaderType.STRING, value="x" * 65536),
    Header(name="b", type=HeaderType.BYTE_ARRAY, value="x"),
    Header(name="b", type=HeaderType.BYTE_ARRAY, value=b"x" * 65536),
    Header(name="b", type=HeaderType.UUID, value=b"x" * 16),
    Header(name="b", type=10, value=1),  # type: ignore[arg-type]
    Header(name="\ud800", type=HeaderType.STRING, value="x"),
    Header(name="b", type=HeaderType.STRING, value="\udfff"),
    Header(name=b"b", type=HeaderType.STRING, value="x"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("header", BAD_HEADERS, ids=range(len(BAD_HEADERS)))
def test_unwritable_headers_are_usage_errors(header: Header) -> None:
    with pytest.raises(UsageError):
        encode_event_stream_message(EventStreamMessage(headers=(header,)))


def test_limits_of_string_and_name_lengths_are_writable() -> None:
    for header in (
        Header(name="n" * 255, type=HeaderType.STRING, value="x" * 65535),
        Header(name="m", type=HeaderType.BYTE_ARRAY, value=b"y" * 65535),
    ):
        message = EventStreamMessage(headers=(header,))
        assert EventStreamDecoder().feed(encode_event_stream_message(message)) == [message]


def test_duplicate_names_and_bad_inputs_are_refused() -> None:
    h = Header(name="a", type=HeaderType.BOOL_TRUE, value=True)
    with pytest.raises(UsageError, match="duplicate"):
        encode_event_stream_message(EventStreamMessage(headers=(h, h)))
    with pytest.raises(UsageError, match="naive"):
        event_stream_header("t", datetime(2020, 1, 1))
    with pytest.raises(UsageError):
        event_stream_header("f", 1.5)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        event_stream_message([("a", 1)])  # type: ignore[list-item]
    with pytest.raises(UsageError):
        event_stream_message({}, "text")  # type: ignore[arg-type]


def test_header_block_over_128_kib_is_refused() -> None:
    headers = tuple(
        Header(name=f"h{i}", type=HeaderType.BYTE_ARRAY, value=b"z" * 65000) for i in range(3)
    )
    with pytest.raises(UsageError, match="128 KiB"):
        encode_event_stream_message(EventStreamMessage(headers=headers))


def test_payload_over_24_mib_is_refused_and_24_mib_is_decodable() -> None:
    limit = 24 * 1024 * 1024
    with pytest.raises(UsageError, match="24 MiB"):
        encode_event_stream({}, b"x" * (limit + 1))
    data = encode_event_stream({":event-type": "chunk"}, b"x" * limit)
    [m] = EventStreamDecoder().feed(data)
    assert len(m.payload) == limit
