"""A linear-time receive buffer for the framing decoders.

Theory of operation: bytes are appended to one ``bytearray`` and consumed from its front only
at record boundaries (``take``/``skip``). Consuming does not move memory: a read position
(``_start``) advances, and the storage is compacted lazily, once the consumed prefix is both
large and at least half of the storage, so every byte is moved a bounded number of times.

``find`` remembers how far it has already searched (``_searched``): a decoder that polls for a
terminator after every fragment scans each byte once, whatever the fragmentation, instead of
rescanning the whole unfinished record each time (what makes naive parsers quadratic).

What goes in is copied (the caller may reuse its buffer right after the call); what comes out
is ``bytes``, never a view of the storage, so later appends cannot change it.
"""

from __future__ import annotations

from .._protocol import BytesLike
from ..errors import UsageError

__all__ = ["ReceiveBuffer"]

# Compact only when the consumed prefix is at least this big (and at least half the storage):
# small prefixes cost less to keep than to move.
_COMPACT_MIN = 4096


class ReceiveBuffer:
    """Unconsumed stream bytes, with the stream offset of the first one.

    ``offset`` starts at *offset* (default 0) and advances with every byte consumed, so a
    decoder can report where a record starts in the whole stream.
    """

    __slots__ = ("_data", "_searched", "_start", "offset")

    def __init__(self, offset: int = 0) -> None:
        self._data = bytearray()
        self._start = 0  # index in _data of the first unconsumed byte
        self._searched = 0  # index in _data up to which find() has already looked
        self.offset = offset

    def __len__(self) -> int:
        return len(self._data) - self._start

    def __bool__(self) -> bool:
        return len(self._data) > self._start

    def append(self, data: BytesLike) -> None:
        """Copy *data* (bytes, bytearray or any memoryview) to the end of the buffer.

        Raises ``UsageError`` for a released memoryview."""
        if self._start and not self.__len__():
            # Everything was consumed: reuse the storage from the beginning.
            self._data.clear()
            self._start = self._searched = 0
        try:
            if isinstance(data, memoryview) and (data.format != "B" or not data.c_contiguous):
                data = data.tobytes()
            self._data += data
        except ValueError as exc:  # a released memoryview
            raise UsageError(f"cannot read the data: {exc}") from None

    def find(self, needle: bytes) -> int:
        """Index (relative to the unconsumed start) of the first *needle*, or -1.

        Bytes searched by an unsuccessful call are not searched again by the next one, so a
        caller must keep looking for the same *needle* until it consumes something.
        """
        data = self._data
        start = max(self._start, self._searched)
        found = data.find(needle, start)
        if found < 0:
            # A needle may straddle the end: the next search re-reads its first bytes.
            self._searched = max(self._start, len(data) - len(needle) + 1)
            return -1
        self._searched = found
        return found - self._start

    def peek(self, n: int) -> bytes:
        """The first *n* unconsumed bytes (fewer if fewer are buffered), without consuming."""
        return bytes(self._data[self._start : self._start + n])

    def take(self, n: int) -> bytes:
        """Consume and return the first *n* unconsumed bytes (fewer if fewer are buffered)."""
        start = self._start
        end = min(start + n, len(self._data))
        out = bytes(self._data[start:end])
        self._consumed(end)
        return out

    def take_all(self) -> bytes:
        """Consume and return every unconsumed byte."""
        out = bytes(self._data[self._start :]) if self._start else bytes(self._data)
        self.offset += len(out)
        self._data.clear()
        self._start = self._searched = 0
        return out

    def skip(self, n: int) -> None:
        """Consume the first *n* unconsumed bytes (fewer if fewer are buffered)."""
        self._consumed(min(self._start + n, len(self._data)))

    def _consumed(self, end: int) -> None:
        self.offset += end - self._start
        self._start = end
        if self._searched < end:
            self._searched = end
        if end >= _COMPACT_MIN and end * 2 >= len(self._data):
            del self._data[:end]
            self._searched -= end
            self._start = 0
