"""Headers of AWS event-stream messages: the ten wire types and the header-block reader.

The header block of a message is a run of headers, each laid out as (AWS "Event stream
encoding")::

    name length   1 byte, unsigned (1-255)
    name          that many bytes, UTF-8
    value type    1 byte (see ``HeaderType``)
    value         depends on the type: nothing (booleans), 1/2/4/8 bytes big-endian signed
                  (byte, short, integer, long, timestamp in milliseconds since the epoch),
                  16 bytes (uuid), or a 2-byte unsigned length then that many bytes
                  (byte array, UTF-8 string)

Each decoded ``Header`` keeps its wire ``type`` beside its Python value, so a message can be
written back byte for byte (``sseparse.encode``): ``42`` as a short and ``42`` as a long are
different headers on the wire.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from ..errors import InvalidHeader, quote

__all__ = ["Header", "HeaderType", "HeaderValue", "parse_headers"]


class HeaderType(enum.IntEnum):
    """The wire type byte of a header value."""

    BOOL_TRUE = 0
    BOOL_FALSE = 1
    BYTE = 2
    SHORT = 3
    INTEGER = 4
    LONG = 5
    BYTE_ARRAY = 6
    STRING = 7
    TIMESTAMP = 8
    UUID = 9


HeaderValue = bool | int | bytes | str | uuid.UUID
"""A header's Python value: ``bool`` (types 0/1), ``int`` (byte, short, integer, long, and
timestamp as milliseconds since the Unix epoch), ``bytes`` (byte array), ``str`` (string),
``uuid.UUID`` (uuid)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    """One header: its name, wire type and value (see ``HeaderValue`` for the value types)."""

    name: str
    type: HeaderType
    value: HeaderValue


# Fixed-size integer-like types: size in bytes. Values are big-endian two's complement.
_FIXED_SIZES = {
    HeaderType.BYTE: 1,
    HeaderType.SHORT: 2,
    HeaderType.INTEGER: 4,
    HeaderType.LONG: 8,
    HeaderType.TIMESTAMP: 8,
    HeaderType.UUID: 16,
}
_TYPES = tuple(HeaderType)


def parse_headers(block: bytes, base: int) -> tuple[Header, ...]:
    """Decode a whole header block; *base* is the stream offset of its first byte.

    Raises ``InvalidHeader`` (``offset`` = the first byte of the offending header, ``name``
    = its name once read) for: an empty name, a name, type byte, length or value that runs
    past the end of the block, an unknown type byte, a name or string value that is not
    UTF-8, or a name seen twice in the block.
    """
    headers: list[Header] = []
    seen: set[str] = set()
    end = len(block)
    pos = 0
    while pos < end:
        start = pos
        at = base + start
        name_len = block[pos]
        if name_len == 0:
            raise InvalidHeader("event-stream header with an empty name", offset=at)
        pos += 1
        name_end = pos + name_len
        if name_end > end:
            raise InvalidHeader(
                f"event-stream header name of {name_len} bytes runs past the header block "
                f"({end - pos} bytes left): {quote(block[pos:])}",
                offset=at,
            )
        raw_name = block[pos:name_end]
        try:
            name = raw_name.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidHeader(
                f"event-stream header name is not UTF-8: {quote(raw_name)}", offset=at
            ) from None
        if name in seen:
            raise InvalidHeader(f"duplicate event-stream header {name!r}", offset=at, name=name)
        seen.add(name)
        if name_end >= end:
            raise InvalidHeader(
                f"event-stream header {name!r} has no value type byte (header block ends)",
                offset=at,
                name=name,
            )
        type_byte = block[name_end]
        pos = name_end + 1
        value: HeaderValue
        if type_byte == 7 or type_byte == 6:  # string / byte array: u16 length + bytes
            if pos + 2 > end:
                raise InvalidHeader(
                    f"event-stream header {name!r}: value length runs past the header block",
                    offset=at,
                    name=name,
                )
            size = (block[pos] << 8) | block[pos + 1]
            pos += 2
            if pos + size > end:
                raise InvalidHeader(
                    f"event-stream header {name!r}: value of {size} bytes runs past the header "
                    f"block ({end - pos} bytes left)",
                    offset=at,
                    name=name,
                )
            raw = block[pos : pos + size]
            pos += size
            if type_byte == 7:
                try:
                    value = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise InvalidHeader(
                        f"event-stream header {name!r}: string value is not UTF-8: {quote(raw)}",
                        offset=at,
                        name=name,
                    ) from None
            else:
                value = raw
        elif type_byte == 0:
            value = True
        elif type_byte == 1:
            value = False
        elif type_byte <= 9:
            size = _FIXED_SIZES[_TYPES[type_byte]]
            if pos + size > end:
                raise InvalidHeader(
                    f"event-stream header {name!r}: {size}-byte value runs past the header "
                    f"block ({end - pos} bytes left)",
                    offset=at,
                    name=name,
                )
            raw = block[pos : pos + size]
            pos += size
            if type_byte == 9:
                value = uuid.UUID(bytes=raw)
            else:
                value = int.from_bytes(raw, "big", signed=True)
        else:
            raise InvalidHeader(
                f"event-stream header {name!r}: unknown value type {type_byte}",
                offset=at,
                name=name,
            )
        headers.append(Header(name=name, type=_TYPES[type_byte], value=value))
    return tuple(headers)
