"""The shared AWS event-stream vectors (``tests/data/vectors/aws-eventstream``), whole and at every
split: positives decode to their expected headers and payload and re-encode to the same
bytes; negatives raise the error their expectation names."""

from __future__ import annotations

import base64
import json
import struct
import uuid
import zlib
from typing import Any

import pytest

from sseparse.encode import encode_event_stream_message
from sseparse.errors import ChecksumMismatch, InvalidHeader, ParseError
from sseparse.framing.eventstream import EventStreamDecoder, EventStreamMessage, HeaderType
from sseparse.testing import assert_fragmentation_invariant
from tests.captures import VECTORS

ROOT = VECTORS / "aws-eventstream"
POSITIVE = sorted(p.name for p in (ROOT / "encoded" / "positive").iterdir())
NEGATIVE = sorted(p.name for p in (ROOT / "encoded" / "negative").iterdir())


def _u32(signed: int) -> int:
    return signed & 0xFFFFFFFF


def _expected_value(kind: int, value: Any) -> Any:
    """The Python value the decoder should give for a header of the JSON expectation."""
    if kind in (HeaderType.BYTE_ARRAY, HeaderType.STRING, HeaderType.UUID):
        raw = base64.b64decode(value)
        if kind == HeaderType.STRING:
            return raw.decode("utf-8")
        if kind == HeaderType.UUID:
            return uuid.UUID(bytes=raw)
        return raw
    return value


def test_vector_folders_are_complete() -> None:
    assert len(POSITIVE) == 5 and len(NEGATIVE) == 4
    for name in POSITIVE + NEGATIVE:
        for folder in ("positive", "negative"):
            if (ROOT / "encoded" / folder / name).exists():
                assert (ROOT / "decoded" / folder / name).exists()


@pytest.mark.parametrize("name", POSITIVE)
def test_positive_vector(name: str) -> None:
    data = (ROOT / "encoded" / "positive" / name).read_bytes()
    expect = json.loads((ROOT / "decoded" / "positive" / name).read_text("utf-8"))
    outcome = assert_fragmentation_invariant(EventStreamDecoder, data)
    assert outcome.error is None
    [message] = outcome.items
    assert isinstance(message, EventStreamMessage)
    # Prelude fields and both CRCs, as the expectation states them (signed 32-bit).
    total, headers_len, prelude_crc = struct.unpack_from(">III", data)
    assert total == expect["total_length"] == len(data)
    assert headers_len == expect["headers_length"]
    assert prelude_crc == _u32(expect["prelude_crc"]) == zlib.crc32(data[:8])
    assert struct.unpack_from(">I", data, total - 4)[0] == _u32(expect["message_crc"])
    # Headers in wire order with their types, and the payload.
    got = [(h.name, int(h.type), h.value) for h in message.headers]
    want = [
        (h["name"], h["type"], _expected_value(h["type"], h["value"])) for h in expect["headers"]
    ]
    assert got == want
    for h in message.headers:  # bool values match their wire type
        if h.type in (HeaderType.BOOL_TRUE, HeaderType.BOOL_FALSE):
            assert h.value is (h.type == HeaderType.BOOL_TRUE)
    assert message.payload == base64.b64decode(expect["payload"])
    assert type(message.payload) is bytes
    assert message.offset == 0
    # Byte for byte back.
    assert encode_event_stream_message(message) == data


def test_positive_vectors_concatenated() -> None:
    """All positives in one stream: offsets and every split of the concatenation."""
    frames = [(ROOT / "encoded" / "positive" / n).read_bytes() for n in POSITIVE]
    data = b"".join(frames)
    outcome = assert_fragmentation_invariant(EventStreamDecoder, data)
    assert outcome.error is None
    assert [m.offset for m in outcome.items] == [sum(map(len, frames[:i])) for i in range(5)]
    assert b"".join(encode_event_stream_message(m) for m in outcome.items) == data


NEGATIVE_KIND = {"Prelude checksum mismatch": "prelude", "Message checksum mismatch": "message"}


@pytest.mark.parametrize("name", NEGATIVE)
def test_negative_vector(name: str) -> None:
    data = (ROOT / "encoded" / "negative" / name).read_bytes()
    text = (ROOT / "decoded" / "negative" / name).read_text("utf-8").strip()
    outcome = assert_fragmentation_invariant(EventStreamDecoder, data)
    assert outcome.items == []
    assert outcome.error == (ChecksumMismatch, 0)
    with pytest.raises(ChecksumMismatch) as info:
        EventStreamDecoder().feed(data)
    assert info.value.kind == NEGATIVE_KIND[text]
    assert info.value.expected != info.value.computed


def test_corrupted_length_fails_from_the_prelude_alone() -> None:
    """The frame claims 62 bytes but has 61: the prelude CRC fails at byte 12, no waiting."""
    data = (ROOT / "encoded" / "negative" / "corrupted_length").read_bytes()
    decoder = EventStreamDecoder()
    assert decoder.feed(data[:11]) == []
    with pytest.raises(ChecksumMismatch) as info:
        decoder.feed(data[11:12])
    assert info.value.kind == "prelude"


# --- smithy-rs frames ------------------------------------------------------------------------
#
# Our order (module docstring of framing/eventstream.py): prelude CRC, prelude lengths,
# limits, message CRC, then headers. The invalid-header frames were edited without fixing the
# message CRC, so they are pinned to a message checksum error here; the header errors they
# were made for are tested with the CRC recomputed below.

SMITHY = ROOT / "smithy-rs"
SMITHY_VALID = {
    "valid_with_all_headers_and_payload": (
        [
            ("true", HeaderType.BOOL_TRUE, True),
            ("false", HeaderType.BOOL_FALSE, False),
            ("byte", HeaderType.BYTE, 50),
            ("short", HeaderType.SHORT, 20000),
            ("int", HeaderType.INTEGER, 500000),
            ("long", HeaderType.LONG, 50000000000),
            ("bytes", HeaderType.BYTE_ARRAY, b"some bytes"),
            ("str", HeaderType.STRING, "some str"),
            ("time", HeaderType.TIMESTAMP, 5000000000),
            ("uuid", HeaderType.UUID, uuid.UUID("b79bc914-de21-4e13-b8b2-bc47e85b7f0b")),
        ],
        b"some payload",
    ),
    "valid_empty_payload": ([("some-header", HeaderType.SHORT, 500)], b""),
    "valid_no_headers": ([], b"another test payload"),
}
SMITHY_INVALID: dict[str, tuple[type[ParseError], str | None]] = {
    "invalid_prelude_checksum": (ChecksumMismatch, "prelude"),
    "invalid_message_checksum": (ChecksumMismatch, "message"),
    "invalid_header_value_type": (ChecksumMismatch, "message"),
    "invalid_header_string_value_length": (ChecksumMismatch, "message"),
    "invalid_header_name_length": (ChecksumMismatch, "message"),
    "invalid_headers_length": (InvalidHeader, None),
    "invalid_header_string_length_cut_off": (ChecksumMismatch, "message"),
    "invalid_header_name_length_too_long": (ChecksumMismatch, "message"),
}


def test_smithy_files_all_covered() -> None:
    assert sorted(p.name for p in SMITHY.iterdir()) == sorted({*SMITHY_VALID, *SMITHY_INVALID})


@pytest.mark.parametrize("name", sorted(SMITHY_VALID))
def test_smithy_valid(name: str) -> None:
    data = (SMITHY / name).read_bytes()
    headers, payload = SMITHY_VALID[name]
    outcome = assert_fragmentation_invariant(EventStreamDecoder, data)
    [message] = outcome.items
    assert [(h.name, h.type, h.value) for h in message.headers] == headers
    assert message.payload == payload
    assert encode_event_stream_message(message) == data


@pytest.mark.parametrize("name", sorted(SMITHY_INVALID))
def test_smithy_invalid(name: str) -> None:
    data = (SMITHY / name).read_bytes()
    error, kind = SMITHY_INVALID[name]
    outcome = assert_fragmentation_invariant(EventStreamDecoder, data)
    assert outcome.items == []
    assert outcome.error == (error, 0)
    with pytest.raises(error) as info:
        EventStreamDecoder().feed(data)
    if kind is not None:
        assert isinstance(info.value, ChecksumMismatch) and info.value.kind == kind


def _recrc(frame: bytes) -> bytes:
    """*frame* with its message CRC recomputed (the prelude CRC is already valid)."""
    return frame[:-4] + struct.pack(">I", zlib.crc32(frame[:-4]))


# The smithy-rs header faults, with the message CRC fixed so the header check is reached.
# (file, the header's name when read, offset of the faulty header, words in the message);
# offsets hand-computed from the layout: 12-byte prelude, then true (6 bytes), false (7),
# byte at 25, short, int, long, bytes, str at 83.
HEADER_FAULTS = [
    ("invalid_header_value_type", "byte", 25, "unknown value type 96"),
    ("invalid_header_string_value_length", "str", 83, "value of 65535 bytes runs past"),
    ("invalid_header_name_length", None, 25, "name of 255 bytes runs past"),
    ("invalid_header_string_length_cut_off", "str", 83, "value length runs past"),
]


@pytest.mark.parametrize(("name", "header", "offset", "words"), HEADER_FAULTS)
def test_smithy_header_faults_with_valid_crc(
    name: str, header: str | None, offset: int, words: str
) -> None:
    frame = (SMITHY / name).read_bytes()
    fixed = _recrc(frame)
    outcome = assert_fragmentation_invariant(EventStreamDecoder, fixed)
    assert outcome.error is not None and outcome.error[0] is InvalidHeader
    with pytest.raises(InvalidHeader) as info:
        EventStreamDecoder().feed(fixed)
    assert info.value.name == header
    assert info.value.offset == offset
    assert outcome.error == (InvalidHeader, offset)
    assert words in str(info.value)


def test_smithy_name_length_too_long_with_valid_crc_stops_at_the_block() -> None:
    """The 93-byte frame's second header name (102 bytes) runs past the header block; the 30
    trailing bytes after the frame are never decoded as a frame."""
    data = (SMITHY / "invalid_header_name_length_too_long").read_bytes()
    total = struct.unpack_from(">I", data)[0]
    assert total == 93 and len(data) == 123
    fixed = _recrc(data[:total]) + data[total:]
    decoder = EventStreamDecoder()
    with pytest.raises(InvalidHeader) as info:
        decoder.feed(fixed)
    assert "name of 102 bytes runs past the header block" in str(info.value)
    assert info.value.offset == 18  # the second header (after "true", 6 bytes)
    with pytest.raises(InvalidHeader):
        decoder.feed(b"")  # sticky: nothing after it is decoded
