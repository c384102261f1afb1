"""A streamed top-level JSON array (Gemini ``streamGenerateContent`` without ``alt=sse``) to
one record per element, each yielded the moment its last byte arrives.

Theory of operation: the decoder is a small state machine over the array's punctuation
(``[``, then elements separated by ``,``, then ``]``) and, inside an element, a scanner that
only tracks where the element ends. It never parses twice: the scanner finds the element's
boundaries, then ``sseparse._json.loads`` (the C scanner behind ``json.loads``, under its
rules: nesting depth, finite numbers) parses the element once, or with ``fast=True``
msgspec under the same rules (``sseparse._fastjson``).

The scanner never loops over bytes in Python. Between elements it jumps to the next
non-whitespace byte with a compiled regex. Inside an object or array element one regex,
``_TOKEN``, finds the next bracket or brace, or consumes a whole string literal (escapes
included) in one C-level match, so brackets and quotes inside strings are never counted. A
string cut by the end of the buffer matches up to the end (leaving a trailing lone backslash
unconsumed), and scanning resumes there, inside the string, when more bytes come. The state
kept across feeds is the position reached, the bracket depth and whether the scan stopped
inside a string, so no byte is scanned twice and the cost is linear for any fragmentation.
A number or literal element (``1``, ``true``) ends at the first whitespace, ``,`` or ``]``
after it, so it is only known complete when that byte arrives.

The bracket counter does not check that brackets match: a mismatched element still ends
somewhere and the JSON parser rejects it (``InvalidJSON`` at the element's offset).

Bytes are buffered in one ``bytearray``; consumed bytes are dropped lazily (when they are at
least half the buffer), so compaction is amortized linear too. Offsets are counted from the
first byte fed.

A UTF-8 BOM at the very start of the stream is skipped (offsets count it).

Errors: anything but whitespace before ``[``, between elements (a missing or doubled comma, a
trailing comma) or after ``]`` raises ``InvalidJSON`` at that byte; an element that is not
valid JSON (or not UTF-8) raises ``InvalidJSON`` at the element's first byte; input that ends
before ``]`` raises ``TruncatedStream`` at ``close()``; an element longer than
``max_element_size`` raises ``LimitExceeded`` at its first byte (checked after each fragment,
or each slice of ``max(max_element_size, 16 KiB)`` bytes of a larger one, so at most that
much is buffered beyond the limit).
"""

from __future__ import annotations

import re

from .._fastjson import json_reader
from .._json import describe
from .._protocol import BytesLike, Decoder, check_limit
from ..errors import InvalidJSON, LimitExceeded, TruncatedStream, quote
from .jsonlines import new_record
from .records import JSONRecord

__all__ = ["DEFAULT_MAX_ELEMENT_SIZE", "JSONArrayDecoder"]

DEFAULT_MAX_ELEMENT_SIZE = 16 * 1024 * 1024
"""Default ``max_element_size``: 16 MiB per array element."""

# The next byte that is not JSON whitespace.
_NON_WS = re.compile(rb"[^ \t\r\n]")
# Inside a container: a bracket/brace, or a whole string literal. The string alternative
# always matches once it starts: it ends at the closing quote (group 1 == b'"'), or at the end
# of the buffer (group 1 == b"", or b"\\" when the buffer ends in the middle of an escape).
_STRING_BODY = rb'[^"\\]*(?:\\.[^"\\]*)*("|\\?\Z)'
_TOKEN = re.compile(rb'[\[\]{}]|"' + _STRING_BODY, re.DOTALL)
# Resuming inside a string: the rest of it, same groups.
_STRING_REST = re.compile(_STRING_BODY, re.DOTALL)
# The end of a number or literal element.
_SCALAR_END = re.compile(rb"[ \t\r\n,\]]")

# Fragments longer than this (or than max_element_size) are decoded in slices of that size.
_SLICE = 16 * 1024

_BOM = b"\xef\xbb\xbf"
_QUOTE = 0x22
_LBRACKET = 0x5B
_RBRACKET = 0x5D
_LBRACE = 0x7B
_COMMA = 0x2C
_OPENERS = (_LBRACKET, _LBRACE)
_SCALAR_FIRST = frozenset(b"-0123456789tfn")

# States.
_BEFORE = 0  # expecting the opening '['
_FIRST = 1  # after '[': an element or ']'
_NEXT = 2  # after ',': an element is required
_AFTER = 3  # after an element: ',' or ']'
_END = 4  # after ']': only whitespace
_CONTAINER = 5  # inside an object or array element
_STRING = 6  # inside a string element (top level of the array)
_SCALAR = 7  # inside a number or literal element


class JSONArrayDecoder(Decoder[JSONRecord]):
    """Decode a streamed JSON array into one ``JSONRecord(value, raw, offset)`` per element.

    ``raw`` is the element's bytes exactly as received; ``offset`` where its first byte is;
    ``line`` is ``None``. ``max_element_size`` (default 16 MiB) bounds one element;
    ``UsageError`` if it is not positive. ``fast=True`` reads the elements with msgspec (the
    ``fast`` extra; the same values and errors); ``UsageError`` if it is not a ``bool`` or
    the extra is not installed.

    ``feed`` raises ``InvalidJSON`` (bytes outside the array grammar, or an element that is
    not valid JSON) and ``LimitExceeded``; ``close`` raises ``TruncatedStream`` when the
    closing ``]`` never came (``offset`` is the unfinished element's first byte, or the end of
    input between elements).
    """

    __slots__ = (
        "_base",
        "_buf",
        "_depth",
        "_in_string",
        "_loads",
        "_pos",
        "_start",
        "_state",
        "max_element_size",
    )

    def __init__(
        self, *, max_element_size: int = DEFAULT_MAX_ELEMENT_SIZE, fast: bool = False
    ) -> None:
        super().__init__()
        self.max_element_size = check_limit("max_element_size", max_element_size)
        self._loads = json_reader(fast)
        self._buf = bytearray()
        self._base = 0  # stream offset of _buf[0]
        self._pos = 0  # scan position in _buf: bytes before it were scanned
        self._start = 0  # in an element: where it starts in _buf
        self._state = _BEFORE
        self._depth = 0  # in a container element: open brackets and braces
        self._in_string = False  # in a container element: the scan stopped inside a string

    def _decode(self, data: BytesLike, out: list[JSONRecord]) -> None:
        # A fragment much larger than the limit is taken in slices, so that an element over
        # the limit is found with at most one slice of it buffered (not the whole fragment).
        step = max(self.max_element_size, _SLICE)
        if len(data) > step:
            with memoryview(data) as view:
                for i in range(0, len(view), step):
                    self._decode_slice(view[i : i + step], out)
            return
        self._decode_slice(data, out)

    def _decode_slice(self, data: BytesLike, out: list[JSONRecord]) -> None:
        if not data:
            return
        buf = self._buf
        buf += data
        if self._pos == 0 and self._base == 0:
            # A UTF-8 BOM at the start of the stream is skipped (RFC 8259 §8.1 lets a parser
            # ignore it); offsets still count it. Nothing was scanned yet: wait for 3 bytes.
            if len(buf) < 3 and _BOM.startswith(buf):
                return
            if buf[:3] == _BOM:
                self._pos = 3
        try:
            self._scan(buf, out)
        finally:
            self._compact(buf)
        if self._state >= _CONTAINER and len(buf) - self._start > self.max_element_size:
            raise self._too_long()

    def _finish(self, out: list[JSONRecord]) -> None:
        state = self._state
        if state == _END:
            return
        end = self._base + len(self._buf)
        if state >= _CONTAINER:
            received = len(self._buf) - self._start
            raise TruncatedStream(
                f"input ended inside array element ({received} bytes of it received): "
                f"{quote(bytes(self._buf[self._start :]))}",
                offset=self._base + self._start,
                received=received,
            )
        what = "before the opening '['" if state == _BEFORE else "before the closing ']'"
        raise TruncatedStream(f"JSON array input ended {what}", offset=end, received=0)

    # -- the scanner ------------------------------------------------------------------------

    def _scan(self, buf: bytearray, out: list[JSONRecord]) -> None:
        pos = self._pos
        state = self._state
        try:
            while True:
                if state == _CONTAINER:
                    end = self._scan_container(buf, pos)
                    if end < 0:
                        pos = -end - 1
                        return
                elif state == _STRING:
                    m = _STRING_REST.match(buf, pos)
                    assert m is not None  # the pattern always matches
                    if m.group(1) != b'"':
                        pos = m.end() - len(m.group(1))
                        return
                    end = m.end()
                elif state == _SCALAR:
                    m = _SCALAR_END.search(buf, pos)
                    if m is None:
                        pos = len(buf)
                        return
                    end = m.start()
                else:
                    m = _NON_WS.search(buf, pos)
                    if m is None:
                        pos = len(buf)
                        return
                    i = m.start()
                    state, pos = self._punctuation(buf, i, state)
                    continue
                # An element ends at `end` (exclusive).
                self._emit(buf, end, out)
                state = _AFTER
                pos = end
        finally:
            self._pos = pos
            self._state = state

    def _punctuation(self, buf: bytearray, i: int, state: int) -> tuple[int, int]:
        """Handle the non-whitespace byte at *i* outside any element; return (state, pos)."""
        c = buf[i]
        if state == _AFTER:
            if c == _COMMA:
                return _NEXT, i + 1
            if c == _RBRACKET:
                return _END, i + 1
            raise self._unexpected(buf, i, "',' or ']' after an array element")
        if state == _BEFORE:
            if c == _LBRACKET:
                return _FIRST, i + 1
            raise self._unexpected(buf, i, "'[' to open the JSON array")
        if state == _END:
            raise self._unexpected(buf, i, "nothing after the closing ']'")
        # _FIRST or _NEXT: an element starts here (or the array ends, if that is allowed).
        if c == _RBRACKET and state == _FIRST:
            return _END, i + 1
        self._start = i
        if c in _OPENERS:
            self._depth = 1
            self._in_string = False
            return _CONTAINER, i + 1
        if c == _QUOTE:
            return _STRING, i + 1
        if c in _SCALAR_FIRST:
            return _SCALAR, i + 1
        if c == _RBRACKET:
            raise self._unexpected(buf, i, "an array element after ',' (trailing comma)")
        raise self._unexpected(buf, i, "an array element")

    def _scan_container(self, buf: bytearray, pos: int) -> int:
        """Scan an object/array element from *pos*: return the index just past its closing
        bracket, or ``-(resume position) - 1`` when the buffer ends first."""
        depth = self._depth
        if self._in_string:
            m = _STRING_REST.match(buf, pos)
            assert m is not None  # the pattern always matches
            closer = m.group(1)
            if closer != b'"':
                return -(m.end() - len(closer)) - 1
            pos = m.end()
            self._in_string = False
        for m in _TOKEN.finditer(buf, pos):
            c = buf[m.start()]
            if c == _QUOTE:
                closer = m.group(1)
                if closer != b'"':
                    self._in_string = True
                    self._depth = depth
                    return -(m.end() - len(closer)) - 1
            elif c in _OPENERS:
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    self._depth = 0
                    return m.end()
        self._depth = depth
        return -len(buf) - 1

    def _emit(self, buf: bytearray, end: int, out: list[JSONRecord]) -> None:
        start = self._start
        if end - start > self.max_element_size:
            raise self._too_long()
        raw = bytes(buf[start:end])
        try:
            value = self._loads(raw.decode())
        except ValueError as exc:  # UnicodeDecodeError too
            raise InvalidJSON(
                f"JSON array element is not valid JSON ({describe(exc)}): {quote(raw)}",
                offset=self._base + start,
            ) from exc
        out.append(new_record(value, raw, self._base + start, None))

    def _compact(self, buf: bytearray) -> None:
        """Drop consumed bytes once they are at least half the buffer (amortized linear)."""
        keep = self._start if self._state >= _CONTAINER else self._pos
        if keep and keep * 2 >= len(buf):
            del buf[:keep]
            self._base += keep
            self._pos -= keep
            self._start -= keep

    def _too_long(self) -> LimitExceeded:
        return LimitExceeded(
            f"JSON array element is longer than max_element_size ({self.max_element_size} bytes)",
            offset=self._base + self._start,
            limit=self.max_element_size,
        )

    def _unexpected(self, buf: bytearray, i: int, expected: str) -> InvalidJSON:
        return InvalidJSON(
            f"expected {expected}, found {quote(bytes(buf[i : i + 20]))}",
            offset=self._base + i,
        )
