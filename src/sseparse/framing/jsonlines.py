"""JSON lines (NDJSON, ``application/x-ndjson``, ``application/stream+json``) to records.

Theory of operation: a line is the bytes up to one ``\\n`` (byte 0x0A). Nothing else ends a
line: not a lone ``\\r``, not U+2028 or U+0085 (those may sit inside JSON strings). A ``\\r``
just before the ``\\n`` is dropped, so CRLF files work; blank (whitespace-only) lines are
skipped; a last line without a newline is flushed by ``close()``; a UTF-8 BOM at the very
start of the stream is skipped (offsets count it).

The decoder keeps only the unfinished tail of the stream, in ``_pending``, which by
construction never holds a ``\\n``: each fed fragment is searched once with ``bytes.rfind``
(C level) for its last newline; everything before it (joined to the unfinished tail, if any)
is cut into lines with one ``bytes.split``, and only the bytes after it are kept. Every byte is
searched once and copied a constant number of times, whatever the fragmentation, so the cost
is linear. Each line is decoded as strict UTF-8 and parsed by ``sseparse._json.loads`` (the C scanner
behind ``json.loads``, called directly, under one set of rules: nesting depth, finite
numbers), or with ``fast=True`` by msgspec under the same rules (``sseparse._fastjson``);
blank lines are recognised only when that fails, which keeps the common path
short. Records are built by setting their slots directly (see
``new_record``).

Limits: a line longer than ``max_line_size`` bytes (counted before its ``\\n``, a ``\\r``
included) raises ``LimitExceeded`` at the line's offset, as soon as the buffered part of it
passes the limit; nothing beyond the limit is buffered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._build import fast_maker
from .._fastjson import json_reader
from .._json import describe
from .._protocol import BytesLike, Decoder, check_limit
from ..errors import InvalidJSON, LimitExceeded, quote
from .records import JSONRecord

__all__ = ["DEFAULT_MAX_LINE_SIZE", "JSONLinesDecoder", "LineSink", "new_record"]

# StreamParser's sink (see JSONLinesDecoder._sink): a line's parsed value, its bytes and
# offset, and the list being returned; and the handler of what it raises.
LineSink = Callable[[Any, bytes, int, list[Any]], None]
Refusal = Callable[[Exception, int, bytes, list[Any]], None]

DEFAULT_MAX_LINE_SIZE = 16 * 1024 * 1024
"""Default ``max_line_size``: 16 MiB per line."""

_BOM = b"\xef\xbb\xbf"
_BLANK = b" \t\r"  # JSON whitespace that can sit on a line (the \n is the terminator)


# One record per line: built from its draft, the same object at a fraction of the cost (see
# _build).
new_record: Callable[[Any, bytes, int, int | None], JSONRecord] = fast_maker(
    JSONRecord, "value", "raw", "offset", "line"
)


class JSONLinesDecoder(Decoder[JSONRecord]):
    """Decode newline-delimited JSON into ``JSONRecord(value, raw, offset, line)``.

    ``raw`` is the line's bytes without its terminator (``\\n`` or ``\\r\\n``); ``line`` its
    1-based line number (blank lines count); ``offset`` the byte where it starts.

    ``max_line_size`` (default 16 MiB) bounds one line; ``UsageError`` if it is not positive.
    ``fast=True`` reads the lines with msgspec (the ``fast`` extra; the same values and
    errors); ``UsageError`` if it is not a ``bool`` or the extra is not installed.

    ``feed``/``close`` raise ``InvalidJSON`` (with ``line`` and ``offset``) for a line that is
    not exactly one JSON value in UTF-8, and ``LimitExceeded`` for a line over the limit.
    """

    __slots__ = (
        "_line",
        "_loads",
        "_offset",
        "_pending",
        "_refuse",
        "_sink_line",
        "max_line_size",
    )

    def __init__(
        self, *, max_line_size: object = DEFAULT_MAX_LINE_SIZE, fast: object = False
    ) -> None:
        # (Typed object, checked here: the compiled build, docs/compiled.md, would otherwise
        # check the types itself and raise TypeError, not UsageError.)
        super().__init__()
        self.max_line_size = check_limit("max_line_size", max_line_size)
        self._loads = json_reader(fast)
        self._pending = bytearray()  # the unfinished line; never holds b"\n"
        self._offset = 0  # stream offset of the first byte of _pending
        self._line = 0  # number of complete lines seen so far
        # How long _pending may grow in feed's held-line path: max_line_size while nothing
        # else needs a look, -1 once there is a fault, a queue (receive_data) or close().
        self._hold = self.max_line_size
        self._sink_line: LineSink | None = None  # StreamParser's sink (see _sink)
        self._refuse: Refusal | None = None

    def _sink(self, line: LineSink, refuse: Refusal) -> None:
        """Deliver to a callback instead of returning records: ``StreamParser``'s path, so
        that no ``JSONRecord`` is built per line.

        From now on each line is delivered as ``line(value, raw, offset, out)``, which
        appends what it makes to *out*, the list ``feed`` returns. What it raises goes to
        ``refuse(exc, offset, raw, out)``, which handles it or raises it; a handled one lets
        decoding go on with the next line. Measured without it (CPython instructions,
        callgrind, StreamParser("ollama") over bench_fragments' Ollama NDJSON corpus, 150 KB):
        1.24x the instructions at 1460-byte fragments, 1.43x at 64 bytes.
        """
        self._sink_line = line
        self._refuse = refuse

    def feed(self, data: BytesLike) -> list[JSONRecord]:
        """Buffer *data* and return every record now complete, in order (see
        ``Decoder.feed`` for the contract and what it raises)."""
        if type(data) is bytes and 0x0A not in data:  # (memchr) inside one line: only held
            # One test instead of the layers below, for the cost every small fragment
            # pays. Measured with it removed (CPython instructions, callgrind,
            # JSONLinesDecoder over bench_fragments' Ollama NDJSON corpus, 150 KB):
            # 1.94x the instructions at 1-byte fragments, 1.07x at 64 bytes.
            pending = self._pending
            if len(pending) + len(data) <= self._hold:
                pending += data
                return []
        return Decoder.feed(self, data)

    def _decode(self, data: BytesLike, out: list[JSONRecord]) -> None:
        self._hold = -1  # and it stays so if a line raises: the fault is sticky
        self._lines_of(data, out)
        self._hold = self.max_line_size

    def _lines_of(self, data: BytesLike, out: list[JSONRecord]) -> None:
        if type(data) is not bytes:
            data = bytes(data)
        pending = self._pending
        last = data.rfind(b"\n")
        if last < 0:  # no line ends here: the unfinished line grows, within the limit
            if len(pending) + len(data) > self.max_line_size:
                self._check_size(len(pending) + len(data))
            pending += data
            return
        if pending:  # the unfinished line is the first line of this fragment
            lines = (bytes(pending) + data[:last]).split(b"\n")
            pending.clear()
        else:
            lines = data[:last].split(b"\n")
        self._lines(lines, out, b"\r" in data or b"\r" in lines[0])
        last += 1
        if last < len(data):
            self._check_size(len(data) - last)
            pending += data[last:]

    def _finish(self, out: list[JSONRecord]) -> None:
        self._hold = -1
        if self._pending:
            line = bytes(self._pending)
            self._pending.clear()
            self._lines([line], out, True)

    # -- internals ----------------------------------------------------------------------------

    def _check_size(self, size: int) -> None:
        if size > self.max_line_size:
            raise LimitExceeded(
                f"JSON line {self._line + 1} is longer than max_line_size "
                f"({self.max_line_size} bytes)",
                offset=self._offset,
                limit=self.max_line_size,
            )

    def _lines(self, lines: list[bytes], out: list[JSONRecord], cr: bool) -> None:
        """Decode complete lines (the hot path: one C-level JSON scan per line); *cr* says
        whether a line may end in ``\\r`` (when none can, the per-line check is skipped)."""
        make = new_record
        limit = self.max_line_size
        offset = self._offset
        lineno = self._line
        append = out.append
        loads = self._loads
        sink = self._sink_line
        if lineno == 0 and lines[0][:3] == _BOM:
            # A UTF-8 BOM at the start of the stream is not part of the first line (RFC
            # 8259 §8.1 lets a parser ignore it); offsets still count it.
            lines[0] = lines[0][3:]
            offset += 3
        for line in lines:
            size = len(line)
            if size > limit:
                self._offset, self._line = offset, lineno
                self._check_size(size)
            lineno += 1
            raw = line[:-1] if cr and line.endswith(b"\r") else line
            if not raw:  # an empty line: skipped without a parse attempt
                offset += size + 1
                continue
            try:
                value = loads(raw.decode())
            except ValueError as exc:  # a blank line, or an error
                if raw.strip(_BLANK):
                    self._offset, self._line = offset, lineno - 1
                    raise self._invalid(line, exc) from exc
                offset += size + 1
                continue
            if sink is None:
                append(make(value, raw, offset, lineno))
            else:
                try:
                    sink(value, raw, offset, out)
                except Exception as exc:  # the sink's owner decides (see _sink)
                    assert self._refuse is not None
                    self._refuse(exc, offset, raw, out)
            offset += size + 1
        self._offset, self._line = offset, lineno

    def _invalid(self, line: bytes, exc: BaseException) -> InvalidJSON:
        return InvalidJSON(
            f"JSON line {self._line + 1} is not valid JSON ({describe(exc)}): {quote(line)}",
            offset=self._offset,
            line=self._line + 1,
        )
