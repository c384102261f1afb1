"""``EventStreamDecoder``: AWS event-stream (``application/vnd.amazon.eventstream``) frames.

Theory of operation. The AWS "Event stream encoding" lays each message out as::

    total length     4 bytes, big-endian unsigned: the whole message, these 4 bytes included
    headers length   4 bytes, big-endian unsigned: the header block
    prelude CRC      4 bytes: CRC32 of the 8 bytes above
    headers          ``headers length`` bytes (see ``eventstream_headers``)
    payload          total - headers length - 16 bytes, opaque
    message CRC      4 bytes: CRC32 of everything before it, prelude included

So a message is at least 16 bytes, and the header block must fit: 16 + headers length <=
total length. The checks run in this order, each as soon as its bytes are there:

1. the 12-byte prelude: its CRC (``ChecksumMismatch(kind="prelude")``), then the lengths
   (``InvalidHeader`` when total < 16 or the headers cannot fit), then the limits
   (``LimitExceeded``) -- all before a single byte of the body is buffered, so a corrupt or
   hostile length cannot make the decoder wait for, or allocate, gigabytes;
2. the whole frame: the message CRC (``ChecksumMismatch(kind="message")``) *before* the
   headers are parsed, as botocore, the AWS C runtime and ``@smithy/eventstream-codec`` do --
   a frame whose bytes were damaged is reported as damaged, not as a header fault;
3. the headers (``InvalidHeader``, see ``eventstream_headers.parse_headers``).

Every error is sticky (``Decoder``); nothing after a bad frame is ever decoded, since the
length of a bad frame cannot be trusted to find the next one.

Buffering. Complete frames are decoded straight out of each ``feed``'s bytes (one slice for
the payload, a memoryview for the CRC); only the one incomplete frame at the end of a chunk
is copied into ``_buf``, and once its prelude is read the decoder knows exactly how many
more bytes it takes. Each byte is copied at most once, so time is linear in the input for
any fragmentation, whole-stream buffers included (botocore re-slices its whole buffer for
every frame, which is quadratic). Header blocks repeat (a Bedrock stream has a handful of
distinct ones, the same in every stream), so parsed blocks are remembered in one cache for the
process, up to ``_CACHE_ENTRIES`` of them (emptied when full, so that it follows what the
process reads now): headers are immutable, so sharing the tuple between messages and decoders
is safe, and a decoder waiting for its next bytes holds no copy of its own (a gateway holds
thousands: a per-decoder cache was about 4.6 KB of each Bedrock parser after a stream, over
the 2 KiB that issue 14 allows; see benchmarks/deepsize.py). A block parses the same in every
decoder, and only blocks that parsed are remembered.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, overload

from .._build import draft
from .._protocol import BytesLike, Decoder, check_limit, mypyc_attr
from ..errors import ChecksumMismatch, InvalidHeader, LimitExceeded, TruncatedStream
from .eventstream_headers import Header, HeaderType, HeaderValue, parse_headers

__all__ = [
    "DEFAULT_MAX_HEADERS_SIZE",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "DEFAULT_MAX_PAYLOAD_SIZE",
    "EventStreamDecoder",
    "EventStreamMessage",
    "Header",
    "HeaderType",
    "HeaderValue",
]

DEFAULT_MAX_HEADERS_SIZE = 128 * 1024
"""AWS's own limit on the header block (128 KiB)."""
DEFAULT_MAX_PAYLOAD_SIZE = 24 * 1024 * 1024
"""AWS's limit on a message payload (24 MiB), as botocore enforces it."""
DEFAULT_MAX_MESSAGE_SIZE = 16 + DEFAULT_MAX_HEADERS_SIZE + DEFAULT_MAX_PAYLOAD_SIZE
"""The largest total length that fits the two AWS limits: 25,296,912 bytes."""

_PRELUDE = struct.Struct(">III")
_U32 = struct.Struct(">I")
_unpack_crc_prelude = struct.Struct(">IIII").unpack_from  # a message CRC, the next prelude
_CACHE_ENTRIES = 64  # distinct header blocks remembered (one cache for the process)
_CACHE_MAX_BLOCK = 1024  # larger header blocks are parsed every time, never cached
# The parsed header blocks, by their bytes, for every decoder of the process (see above).
_HEADER_CACHE: Final[dict[bytes, tuple[Header, ...]]] = {}
_COPY_MAX = 64 * 1024  # frames up to this size are CRC-checked from a copy (see _scan)


# An ordinary class in the compiled build too (docs/compiled.md), like every record and
# event: the same dataclass, built from its draft (_build.draft).
@mypyc_attr(native_class=False)
@dataclass(frozen=True, slots=True, kw_only=True)
class EventStreamMessage:
    """One event-stream message: its ``headers`` in wire order and its ``payload``.

    ``offset`` (left out of equality and repr) is the stream offset of the message's first
    byte. ``header(name)`` gives one header's value; ``header_map`` all of them by name.
    """

    headers: tuple[Header, ...] = ()
    payload: bytes = b""
    offset: int = field(default=0, compare=False, repr=False)

    @overload
    def header(self, name: str) -> HeaderValue | None: ...
    @overload
    def header(self, name: str, default: HeaderValue) -> HeaderValue: ...
    def header(self, name: str, default: HeaderValue | None = None) -> HeaderValue | None:
        """The value of header *name*, or *default* when the message has none."""
        for h in self.headers:
            if h.name == name:
                return h.value
        return default

    @property
    def header_map(self) -> MappingProxyType[str, HeaderValue]:
        """A read-only mapping of header name to value (names are unique in a message)."""
        return MappingProxyType({h.name: h.value for h in self.headers})

    def _string(self, name: str) -> str | None:
        for h in self.headers:
            if h.name == name:
                return h.value if isinstance(h.value, str) else None
        return None

    @property
    def message_type(self) -> str | None:
        """``:message-type`` (``event``, ``exception`` or ``error``), if a string header."""
        return self._string(":message-type")

    @property
    def event_type(self) -> str | None:
        """``:event-type`` (e.g. ``contentBlockDelta``, ``chunk``), if a string header."""
        return self._string(":event-type")

    @property
    def content_type(self) -> str | None:
        """``:content-type`` (e.g. ``application/json``), if a string header."""
        return self._string(":content-type")

    @property
    def exception_type(self) -> str | None:
        """``:exception-type`` of an exception message (e.g. ``throttlingException``)."""
        return self._string(":exception-type")


# One message per frame on the hot path, built inline from its draft (_build.draft).
_MessageDraft: Final = draft(EventStreamMessage, "headers", "payload", "offset")


class EventStreamDecoder(Decoder[EventStreamMessage]):
    """Bytes in, ``EventStreamMessage`` out (decoder protocol: ``feed``/``close``/…).

    Limits (checked from the 12-byte prelude, before the body is buffered):
    ``max_message_size`` caps a message's total length (default
    ``DEFAULT_MAX_MESSAGE_SIZE`` = 16 + 128 KiB + 24 MiB, what AWS's own header and payload
    limits allow), ``max_headers_size`` its header block (default 128 KiB),
    ``max_payload_size`` its payload (default 24 MiB, the limit ``encode_event_stream``
    enforces too: one limit, one answer).

    Raises (all ``ParseError``; ``offset`` is the message's first byte, or for a header
    fault the header's first byte):
    ``ChecksumMismatch`` (``kind`` ``"prelude"`` or ``"message"``, ``expected`` as written,
    ``computed`` from the bytes); ``InvalidHeader`` for a total length under 16, a header
    block that cannot fit the message, or a bad header; ``LimitExceeded`` for a message,
    header block or payload over its limit; ``TruncatedStream`` at ``close()`` inside a message
    (``received`` bytes of it, ``expected`` its total length or ``None`` while the prelude
    itself is incomplete). ``UsageError`` for a limit that is not an ``int`` or is below 16
    (message) or 0 (headers, payload).
    """

    __slots__ = (
        "_buf",
        "_need",
        "_offset",
        "max_headers_size",
        "max_message_size",
        "max_payload_size",
    )

    def __init__(
        self,
        *,
        max_message_size: object = DEFAULT_MAX_MESSAGE_SIZE,
        max_headers_size: object = DEFAULT_MAX_HEADERS_SIZE,
        max_payload_size: object = DEFAULT_MAX_PAYLOAD_SIZE,
    ) -> None:
        # (Typed object, checked here: the compiled build, docs/compiled.md, would otherwise
        # check the types itself and raise TypeError, not UsageError.)
        super().__init__()
        # 16 bytes is the smallest message (prelude and message CRC).
        self.max_message_size = check_limit("max_message_size", max_message_size, minimum=16)
        self.max_headers_size = check_limit("max_headers_size", max_headers_size, minimum=0)
        self.max_payload_size = check_limit("max_payload_size", max_payload_size, minimum=0)
        self._buf = bytearray()  # the bytes of the one incomplete message, if any
        self._need = 0  # its total length once its prelude was checked, else 0
        self._offset = 0  # stream offset of the next undecoded byte (the first of _buf)
        # (Decoder._hold, for feed's held path: a fragment that leaves the buffered message
        # short of this many bytes is only held. The message's total length while nothing
        # else needs a look; 0 while no prelude was checked; -1 after a fault, with items
        # queued by receive_data, or closed.)

    def feed(self, data: BytesLike) -> list[EventStreamMessage]:
        """Buffer *data* and return every message now complete, in order (see
        ``Decoder.feed`` for the contract and what it raises)."""
        if type(data) is bytes:
            buf = self._buf
            if len(buf) + len(data) < self._hold:
                # Inside one message: the bytes are only held, one test for the cost every
                # small fragment pays. Measured with it removed (CPython instructions,
                # callgrind, EventStreamDecoder over bench_fragments' Bedrock corpus):
                # 1.54x the instructions at 1-byte fragments.
                buf += data
                return []
        return Decoder.feed(self, data)

    def _decode(self, data: BytesLike, out: list[EventStreamMessage]) -> None:
        self._hold = -1  # and it stays so if a frame is bad: the fault is sticky
        if not isinstance(data, bytes):
            data = bytes(data)  # payloads must be bytes, and the caller may reuse its buffer
        n = len(data)
        buf = self._buf
        if not buf:
            if n:
                self._offset = self._scan(data, 0, self._offset, out)
            self._hold = self._need
            return
        # Complete the buffered message first, taking only the bytes it still needs.
        pos = 0
        need = self._need
        if not need:
            pos = 12 - len(buf)
            buf += data[:pos]
            if len(buf) < 12:
                return
            need = self._need = self._check_prelude(bytes(buf), 0, self._offset)
        take = need - len(buf)
        if take > n - pos:
            buf += data[pos:] if pos else data
            self._hold = need
            return
        self._need = 0
        if n - pos <= _COPY_MAX:
            # The buffered message completes: it and the rest of a fragment of common size
            # are scanned as one piece, one _scan call instead of two. Measured against
            # two scans (CPython instructions, callgrind, EventStreamDecoder over
            # bench_fragments' Bedrock corpus, 150 KB): 0.97x at 1460-byte fragments,
            # 0.86x at 64 bytes. The copy is bounded; a bigger fragment is not copied.
            data = bytes(buf) + (data[pos:] if pos else data)
            buf.clear()
            self._offset = self._scan(data, 0, self._offset, out)
        else:
            buf += data[pos : pos + take]
            pos += take
            frame = bytes(buf)
            buf.clear()
            self._scan(frame, 0, self._offset, out)
            self._offset = self._scan(data, pos, self._offset + need - pos, out)
        self._hold = self._need

    def _check_prelude(self, data: bytes, pos: int, at: int) -> int:
        """Validate the prelude at *pos* (stream offset *at*); return the total length."""
        total, headers_len, prelude_crc = _PRELUDE.unpack_from(data, pos)
        computed = zlib.crc32(data[pos : pos + 8])
        if computed != prelude_crc:
            raise ChecksumMismatch(
                f"event-stream prelude checksum mismatch: expected 0x{prelude_crc:08x}, "
                f"computed 0x{computed:08x} (prelude {data[pos : pos + 12].hex()})",
                offset=at,
                kind="prelude",
                expected=prelude_crc,
                computed=computed,
            )
        if total < 16:
            raise InvalidHeader(
                f"event-stream message total length {total} is below the minimum of 16",
                offset=at,
            )
        if headers_len > total - 16:
            raise InvalidHeader(
                f"event-stream headers length {headers_len} does not fit a message of "
                f"total length {total}",
                offset=at,
            )
        if total > self.max_message_size:
            raise LimitExceeded(
                f"event-stream message of {total} bytes exceeds "
                f"max_message_size={self.max_message_size}",
                offset=at,
                limit=self.max_message_size,
            )
        if headers_len > self.max_headers_size:
            raise LimitExceeded(
                f"event-stream header block of {headers_len} bytes exceeds "
                f"max_headers_size={self.max_headers_size}",
                offset=at,
                limit=self.max_headers_size,
            )
        if total - 16 - headers_len > self.max_payload_size:
            raise LimitExceeded(
                f"event-stream payload of {total - 16 - headers_len} bytes exceeds "
                f"max_payload_size={self.max_payload_size}",
                offset=at,
                limit=self.max_payload_size,
            )
        result: int = total
        return result

    def _scan(self, data: bytes, pos: int, base: int, out: list[EventStreamMessage]) -> int:
        """Decode every complete message in *data* from *pos* (*base* = stream offset of
        ``data[0]``); keep an incomplete tail in ``_buf``; return the new stream offset."""
        n = len(data)
        view = memoryview(data)
        crc32 = zlib.crc32
        unpack_prelude = _PRELUDE.unpack_from
        unpack_u32 = _U32.unpack_from
        cache = _HEADER_CACHE
        max_message = self.max_message_size
        max_headers = self.max_headers_size
        max_payload = self.max_payload_size + 16
        # The last header block seen, and its parsed headers.
        last_block = b""
        last_headers: tuple[Header, ...] = ()
        last = n - 12  # the last position a whole prelude starts at
        next_len = 0
        if pos <= last:
            total, headers_len, prelude_crc = unpack_prelude(data, pos)
        while pos <= last:
            if (
                crc32(data[pos : pos + 8]) != prelude_crc
                # total >= 16 and the headers fit (headers_len is unsigned), within the limits;
                # the difference computed once (0.994x the instructions at 1460-byte fragments)
                or not 16 <= total - headers_len <= max_payload
                or headers_len > max_headers
                or total > max_message
            ):
                self._check_prelude(data, pos, base + pos)  # raises the precise error
            end = pos + total
            if end > n:
                self._buf += view[pos:]
                self._need = total
                return base + pos
            # Where the message CRC starts, and (below) where the headers start: each sum
            # computed once (0.97x the instructions at 1460-byte fragments, 0.995x at 64, as
            # below; past 256 every int is a new object).
            tail = end - 4
            # A small frame's bytes are checked from a slice, cheaper than a memoryview's
            # (both CRCs through the view instead, as in feed: 1.03x the instructions at
            # 1460-byte fragments); a big one's through the view, never copied twice.
            computed = crc32(
                data[pos + 8 : tail] if total <= _COPY_MAX else view[pos + 8 : tail],
                prelude_crc,
            )
            if end <= last:
                # This message's CRC and the next prelude in one unpack, one C call less
                # per message. Measured against two (CPython instructions, callgrind,
                # EventStreamDecoder over bench_fragments' Bedrock corpus, 300 KB): 0.96x
                # at 1460-byte fragments and whole, 0.99x at 64 bytes, 1.00x at 1 byte;
                # StreamParser("bedrock-converse") 0.98x at 1460 and whole.
                expected, total, next_len, prelude_crc = _unpack_crc_prelude(data, tail)
            else:
                expected = unpack_u32(data, tail)[0]
            if computed != expected:
                raise ChecksumMismatch(
                    f"event-stream message checksum mismatch: expected 0x{expected:08x}, "
                    f"computed 0x{computed:08x}",
                    offset=base + pos,
                    kind="message",
                    expected=expected,
                    computed=computed,
                )
            head = pos + 12
            body = head + headers_len
            if headers_len:
                block = data[head:body]
                if block == last_block:
                    # The previous frame's header block again (a run of deltas): compared,
                    # without the hash of a cache lookup. Measured against the lookup alone
                    # (as below): 0.96x the instructions at 1460-byte fragments, 1.005x at 64.
                    # (It was an in-place data.startswith(last_block, pos + 12) before:
                    # bytes.startswith parses its arguments with PyArg_ParseTuple, and the
                    # slice and == cost 0.98x its instructions at 1460.)
                    headers = last_headers
                else:
                    cached = cache.get(block)
                    if cached is None:
                        cached = parse_headers(block, base + head)
                        if headers_len <= _CACHE_MAX_BLOCK:
                            if len(cache) >= _CACHE_ENTRIES:
                                cache.clear()
                            cache[block] = cached
                    headers = last_headers = cached
                    last_block = block
            else:
                headers = ()
            # Built inline from its draft, without fast_maker's call per message. Measured
            # against fast_maker (CPython 3.11 instructions, callgrind, EventStreamDecoder
            # over 100 KB of bench_fragments' Bedrock corpus, 2026-12-07): 0.970x at
            # 1460-byte fragments, 0.988x at 64.
            message = _MessageDraft()
            message.headers = headers
            message.payload = data[body:tail]
            message.offset = base + pos
            message.__class__ = EventStreamMessage
            out.append(message)
            pos = end
            headers_len = next_len
        if pos < n:
            self._buf += view[pos:]
        return base + pos

    def _finish(self, out: list[EventStreamMessage]) -> None:
        self._hold = -1
        if self._buf:
            received = len(self._buf)
            expected = self._need or None
            due = f"{expected} bytes" if expected else "a 12-byte prelude"
            raise TruncatedStream(
                f"input ended inside an event-stream message: {received} bytes of {due}",
                offset=self._offset,
                received=received,
                expected=expected,
            )
