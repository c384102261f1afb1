"""AWS event-stream writer.

``encode_event_stream_message(message)`` writes one ``EventStreamMessage`` exactly as
``EventStreamDecoder`` read it (each header keeps its wire type, so a decoded frame is
reproduced byte for byte); ``event_stream_message(headers, payload)`` builds a message from
plain values (types inferred, see ``event_stream_header``), and ``encode_event_stream(headers,
payload)`` does both. Every call raises ``UsageError`` for a value the format cannot carry; it
never writes bytes ``EventStreamDecoder`` would reject.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from ..errors import UsageError
from ..framing.eventstream import (
    DEFAULT_MAX_HEADERS_SIZE,
    DEFAULT_MAX_PAYLOAD_SIZE,
    EventStreamMessage,
    Header,
    HeaderType,
    HeaderValue,
)

__all__ = [
    "encode_event_stream",
    "encode_event_stream_message",
    "event_stream_header",
    "event_stream_message",
]

# ---------------------------------------------------------------------------------------------
# AWS event-stream
# ---------------------------------------------------------------------------------------------

_PRELUDE = struct.Struct(">II")
_U32 = struct.Struct(">I")
_INT_RANGES = {
    HeaderType.BYTE: (1, -(1 << 7), (1 << 7) - 1),
    HeaderType.SHORT: (2, -(1 << 15), (1 << 15) - 1),
    HeaderType.INTEGER: (4, -(1 << 31), (1 << 31) - 1),
    HeaderType.LONG: (8, -(1 << 63), (1 << 63) - 1),
    HeaderType.TIMESTAMP: (8, -(1 << 63), (1 << 63) - 1),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _utf8(text: object, header: Header) -> bytes:
    """*text* as UTF-8; ``UsageError`` when it is not a str or cannot be encoded (lone
    surrogates)."""
    if not isinstance(text, str):
        raise UsageError(f"event-stream header names and strings must be str: {text!r}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"header {header.name!r}: {text!r} is not encodable as UTF-8") from None


def _encode_header(header: Header) -> bytes:
    """The wire bytes of one header; ``UsageError`` if its value does not fit its type."""
    name = _utf8(header.name, header)
    if not 1 <= len(name) <= 255:
        raise UsageError(f"event-stream header name must be 1-255 UTF-8 bytes: {header.name!r}")
    try:
        kind = HeaderType(header.type)
    except ValueError:
        raise UsageError(f"unknown event-stream header type {header.type!r}") from None
    head = bytes((len(name),)) + name + bytes((kind,))
    value = header.value
    if kind is HeaderType.BOOL_TRUE or kind is HeaderType.BOOL_FALSE:
        if value is not (kind is HeaderType.BOOL_TRUE):
            raise UsageError(f"header {header.name!r}: type {kind.name} needs value {not kind}")
        return head
    if kind in _INT_RANGES:
        size, low, high = _INT_RANGES[kind]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise UsageError(f"header {header.name!r}: {value!r} is not a {kind.name} value")
        return head + value.to_bytes(size, "big", signed=True)
    if kind is HeaderType.UUID:
        if not isinstance(value, uuid.UUID):
            raise UsageError(f"header {header.name!r}: a UUID header needs a uuid.UUID value")
        return head + value.bytes
    if kind is HeaderType.STRING:
        if not isinstance(value, str):
            raise UsageError(f"header {header.name!r}: a STRING header needs a str value")
        raw = _utf8(value, header)
    else:  # BYTE_ARRAY
        if not isinstance(value, bytes):
            raise UsageError(f"header {header.name!r}: a BYTE_ARRAY header needs a bytes value")
        raw = value
    if len(raw) > 0xFFFF:
        raise UsageError(f"header {header.name!r}: value longer than 65535 bytes")
    return head + len(raw).to_bytes(2, "big") + raw


def encode_event_stream_message(message: EventStreamMessage) -> bytes:
    """The wire bytes of *message*: prelude, prelude CRC, headers, payload, message CRC.

    Raises ``UsageError`` for a header that cannot be written (see ``event_stream_header``),
    duplicate header names, a header block over 128 KiB or a payload over 24 MiB (AWS's
    limits, which ``EventStreamDecoder`` enforces by default).
    """
    names: set[str] = set()
    for h in message.headers:
        if h.name in names:
            raise UsageError(f"duplicate event-stream header {h.name!r}")
        names.add(h.name)
    block = b"".join([_encode_header(h) for h in message.headers])
    if len(block) > DEFAULT_MAX_HEADERS_SIZE:
        raise UsageError(f"event-stream header block of {len(block)} bytes is over 128 KiB")
    payload = bytes(message.payload)
    if len(payload) > DEFAULT_MAX_PAYLOAD_SIZE:
        raise UsageError(f"event-stream payload of {len(payload)} bytes is over 24 MiB")
    total = 16 + len(block) + len(payload)
    prelude = _PRELUDE.pack(total, len(block))
    head = prelude + _U32.pack(zlib.crc32(prelude)) + block
    return head + payload + _U32.pack(zlib.crc32(payload, zlib.crc32(head)))


def event_stream_header(name: str, value: HeaderValue | datetime) -> Header:
    """A ``Header`` with its type inferred from *value*: ``bool`` → BOOL_TRUE/BOOL_FALSE,
    ``int`` → INTEGER when it fits 32 bits else LONG, ``str`` → STRING, ``bytes`` →
    BYTE_ARRAY, ``uuid.UUID`` → UUID, timezone-aware ``datetime`` → TIMESTAMP (milliseconds).
    For BYTE, SHORT or an int TIMESTAMP, build ``Header(name=…, type=…, value=…)`` yourself.

    Raises ``UsageError`` for another value type or a naive datetime.
    """
    kind: HeaderType
    if isinstance(value, bool):
        kind = HeaderType.BOOL_TRUE if value else HeaderType.BOOL_FALSE
    elif isinstance(value, int):
        kind = HeaderType.INTEGER if -(1 << 31) <= value < (1 << 31) else HeaderType.LONG
    elif isinstance(value, str):
        kind = HeaderType.STRING
    elif isinstance(value, bytes):
        kind = HeaderType.BYTE_ARRAY
    elif isinstance(value, uuid.UUID):
        kind = HeaderType.UUID
    elif isinstance(value, datetime):
        if value.tzinfo is None:
            raise UsageError(f"header {name!r}: a naive datetime has no defined instant")
        delta = value - _EPOCH
        millis = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
        return Header(name=name, type=HeaderType.TIMESTAMP, value=millis)
    else:
        raise UsageError(f"header {name!r}: cannot infer an event-stream type for {value!r}")
    return Header(name=name, type=kind, value=value)


def event_stream_message(
    headers: Mapping[str, HeaderValue | datetime] | Iterable[Header] = (),
    payload: bytes = b"",
) -> EventStreamMessage:
    """Build an ``EventStreamMessage`` from a name → value mapping (types inferred by
    ``event_stream_header``) or from ``Header`` records, and a payload.

    Raises ``UsageError`` for a value whose type cannot be inferred.
    """
    if isinstance(headers, Mapping):
        records = tuple(event_stream_header(k, v) for k, v in headers.items())
    else:
        records = tuple(headers)
        for h in records:
            if not isinstance(h, Header):
                raise UsageError(f"expected Header records, got {type(h).__name__}")
    if not isinstance(payload, (bytes, bytearray, memoryview)):
        raise UsageError(f"payload must be bytes, got {type(payload).__name__}")
    return EventStreamMessage(headers=records, payload=bytes(payload))


def encode_event_stream(
    headers: Mapping[str, HeaderValue | datetime] | Iterable[Header] = (),
    payload: bytes = b"",
) -> bytes:
    """``encode_event_stream_message(event_stream_message(headers, payload))``."""
    return encode_event_stream_message(event_stream_message(headers, payload))
