"""Server-sent events (``text/event-stream``) to records, exactly per WHATWG HTML §9.2.

Theory of operation
-------------------
The spec decodes the whole stream as UTF-8 (with replacement), then reads it line by line.
Doing that on bytes gives the same result and is faster: CR (0x0D), LF (0x0A), ``:`` and
space are ASCII, and an ASCII byte is never part of a multi-byte UTF-8 sequence, so splitting
lines and fields on bytes and decoding each value with ``errors="replace"`` yields exactly the
characters a whole-stream decode would (a sequence cut by a line end becomes U+FFFD either
way). Field names are compared as bytes: a name equals ``data`` after decoding exactly when its
bytes are ``b"data"``.

Each fed fragment is searched once, backwards, for its last CR and last LF (``rfind``, C
level). Bytes after the last line end are kept in ``_pending``, which therefore never holds a
line end and is never searched again: however the stream is fragmented, every byte is scanned
a constant number of times. The complete lines before it (the *region*) are cut with C-level
splits chosen by the line ends present: LF when there is no CR (the common case), CRLF when
every CR is followed by an LF and every LF preceded by a CR (Gemini), CR when there is no LF;
anything else (mixed line ends) goes line by line. A fragment ending in CR leaves a flag so
that an LF at the start of the next fragment is taken as the second half of that CRLF, not as
a blank line. Events are dispatched on the blank line itself, so the ``feed`` that delivers it
returns the event, a CR-only blank line included.

The region is cut into its lines with one split at a single byte (LF, or CR for CR line
ends; with CRLF each line keeps its CR). When no event is pending, a ``data`` line followed
by a blank line is an event by itself, built right there, and so is an ``event`` line, a
``data`` line and a blank line; the lines of any other block go to ``_lines``, the
field-by-field interpretation. A region that is exactly one ``data: …\\n\\n`` event
(servers that flush each event, small fragments) is recognised before any splitting. Events
are built from the record's draft, its fields written as plain attributes (see ``_event``).
Membership tests use an int operand (``10 in data``), which CPython runs as a ``memchr``;
``b"\\n" in data`` costs ten times more.

A fragment larger than the window (``_WINDOW``, or 1/64 of a smaller ``max_event_size``) is
processed a window at a time, so a huge ``feed`` never holds more than one window of split
lines besides what the limit allows. An unfinished event's data values are folded into one
``bytearray`` once there are more than a few of them, so that an event of many short ``data``
lines holds about its bytes, not one object per line: peak memory stays under 3x the limit
(tests/test_hostile_memory.py).

Limit: ``max_event_size`` bounds what is held for one event: its data buffer so far (each
``data`` value plus one byte for its line end) plus the line being read (raw bytes, without its
line end). The check is made before a byte is buffered past the limit, and only ever compares
a complete line's length with the limit, or a prefix of it, so every fragmentation raises at
the same place; the error's offset is the first line of the event. A line no event would hold (a
comment, an ignored field) is not an error: past the limit it is skipped without being
buffered (see ``_overflow``).

Sinks: ``StreamParser`` gives the decoder the dialect as callbacks (``_sink``), so that the
events a dialect reads by their data alone are handed over as ``(data, offset)`` without an
``SSEEvent`` being built (the data undecoded, as bytes, when the sink asks for that: see
``_sink``); every path that dispatches an event checks for the sink.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Final

from .._build import draft, fast_maker
from .._protocol import BytesLike, Decoder
from ..errors import LimitExceeded, UsageError, quote
from .records import SSEComment, SSEEvent, SSERecord, SSERetry

__all__ = ["DEFAULT_MAX_EVENT_SIZE", "SSEDecoder", "data_text", "window"]

# The sinks of StreamParser's SSE path (see SSEDecoder._sink): a message's data (a str, or
# its undecoded bytes when the sink asked for them) and offset, or any other record, each with
# the list being returned; and the handler of what they raise.
MessageSink = Callable[[Any, int, list[Any]], None]
RecordSink = Callable[[SSERecord, list[Any]], None]
Refusal = Callable[[Exception, int, str, list[Any]], None]

DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024
"""Default ``max_event_size``: 16 MiB for one event's data plus the line being read."""

_BOM = b"\xef\xbb\xbf"
_WINDOW = 1 << 18  # fragments larger than this are processed in pieces of this size
_MIN_WINDOW = 1 << 9  # ... or of 1/64 of max_event_size, but not less than this
# An unfinished event's data values are kept as a list of bytes (no copy for the common one-
# or few-line event); past this many they are folded into one bytearray, so that many short
# data lines cost their bytes, not a bytes object (~40 bytes) each.
_FOLD = 16
# Field names whose line is interpreted (and so must fit the limit); any other line is a
# comment or an ignored field, skipped when it is too long (see _skippable).
_KNOWN = (b"data", b"event", b"id", b"retry")
# Python refuses to convert longer decimal strings to int (sys.int_info.default_max_str_digits
# is 4300); a reconnection time of 10**4000 ms is meaningless, so such a retry is ignored, like
# Chromium ignores a value that overflows its 64-bit integer.
_MAX_RETRY_DIGITS = 4000


def window(max_event_size: int) -> int:
    """The most bytes of one fragment processed at once for *max_event_size*.

    The lines split from one window, and their data values, cost up to ~14 times the window's
    bytes (two objects of ~50 bytes per 7-byte line): a window of 1/64 of the limit keeps them
    under a quarter of it. The default limit gets the full ``_WINDOW``."""
    return min(_WINDOW, max(_MIN_WINDOW, max_event_size // 64))


def pieces(data: BytesLike, size: int) -> Iterator[bytes]:
    """*data* as ``bytes`` pieces of at most *size* bytes, one at a time (copies: the
    caller may reuse its buffer)."""
    try:
        if isinstance(data, memoryview) and (
            data.ndim != 1 or data.format != "B" or not data.c_contiguous
        ):
            data = data.tobytes()
        total = len(data)
    except ValueError as exc:  # a released memoryview
        raise UsageError(f"cannot read the data: {exc}") from None
    if total <= size:
        yield bytes(data)
        return
    view = memoryview(data)
    for i in range(0, total, size):
        yield bytes(view[i : i + size])


# One event per block on the hot path: built from its draft, the same object as the
# constructor's at a fraction of the cost (see _build).
_event: Final[Callable[[str, str, str, int], SSEEvent]] = fast_maker(
    SSEEvent, "type", "data", "last_event_id", "offset"
)
_comment: Final[Callable[[str, int], SSEComment]] = fast_maker(SSEComment, "text", "offset")
# ... and on the hottest two, the events of one-line data blocks, built inline from their
# draft (_build.draft), without the maker's call: measured against _event there (CPython
# 3.11 instructions, callgrind, SSEDecoder over 100 KB of bench_fragments' openai-text corpus,
# 2026-12-07): 3.5% fewer at 1460-byte fragments, 1.4% at 64. (Final: the compiled build
# reads it as a C static, not from the module's dict.)
_EventDraft: Final = draft(SSEEvent, "type", "data", "last_event_id", "offset")
# What _blocks puts in place of the empty piece after a region's final line end: any
# non-empty bytes (it is never read as a line).
_AFTER: Final = b"\n"
# _blocks' cut of a region by its line end: the byte it splits at, the piece a blank line
# gives, how many bytes of the line end each piece keeps (the CR of a CRLF), and the bytes
# of a one-line block past its piece (its line end and a blank line).
_CUTS: Final = {
    b"\n": (b"\n", b"", 0, 2),
    b"\r": (b"\r", b"", 0, 2),
    b"\r\n": (b"\n", b"\r", 1, 3),
}


def data_text(data: str | bytes) -> str:
    """A message's data as the spec decodes it (see ``SSEDecoder._sink``: bytes only when the
    sink asked for them)."""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def _reraise(exc: Exception, offset: int, payload: str, out: list[Any]) -> None:
    """No sink owner to decide: what a sink raised propagates."""
    raise exc


def _retry_ms(value: bytes) -> int | None:
    """The ``retry`` value in milliseconds, or ``None`` when the field must be ignored."""
    # bytes.isdigit() is true only for a non-empty run of ASCII digits 0-9: exactly the spec's
    # "consists of only ASCII digits" (int() would also take "+5", " 9", "1_000", "٣").
    if not value.isdigit():
        return None
    significant = value.lstrip(b"0")
    if len(significant) > _MAX_RETRY_DIGITS:
        return None
    return int(significant) if significant else 0


class SSEDecoder(Decoder[SSERecord]):
    """Decode a ``text/event-stream`` into ``SSEEvent``, ``SSERetry`` and ``SSEComment``.

    * ``last_event_id``: the initial last-event-ID (from a previous connection).
    * ``comments``: also return comment lines as ``SSEComment`` (default: ignore them).
    * ``max_event_size``: bytes held for one event — its data so far plus the line being read
      (default ``DEFAULT_MAX_EVENT_SIZE``, 16 MiB).

    ``feed``/``receive_data``/``next_event`` raise ``LimitExceeded`` (``offset`` = the event's
    first line) when an event outgrows ``max_event_size``; nothing past the limit is buffered.
    A comment or an ignored field longer than the limit is skipped instead (with ``comments``,
    such a comment is returned with its text cut to the room the limit left).
    No other input is an error: the spec gives every byte sequence a meaning. ``close()`` never
    raises for input: per the spec, an event without its closing blank line is discarded
    (``discarded_bytes`` says how many bytes that was). ``UsageError`` for a bad argument,
    for non-bytes data, and for ``feed`` after ``close``.
    """

    __slots__ = (
        "_bom",
        "_bytes",
        "_comments",
        "_cr",
        "_discarded",
        "_id",
        "_last_id",
        "_limit",
        "_message",
        "_parts",
        "_pending",
        "_pos",
        "_record",
        "_refuse",
        "_retry",
        "_room",
        "_size",
        "_skip",
        "_start",
        "_type",
        "_typed",
        "_window",
    )

    def __init__(
        self,
        *,
        last_event_id: object = "",
        comments: object = False,
        max_event_size: object = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        # (Typed object, checked here: the compiled build, docs/compiled.md, would otherwise
        # check the types itself and raise TypeError, not UsageError.)
        super().__init__()
        if not isinstance(last_event_id, str):
            raise UsageError(f"last_event_id must be a str, got {type(last_event_id).__name__}")
        if type(max_event_size) is not int or max_event_size < 1:
            raise UsageError(f"max_event_size must be a positive int, got {max_event_size!r}")
        self._comments = bool(comments)
        self._limit = max_event_size
        self._pending = bytearray()  # the unfinished line: never holds CR or LF
        self._bom = True  # the first bytes have not yet been checked for a BOM
        self._cr = False  # the last fragment ended with CR: an LF next completes a CRLF
        self._pos = 0  # stream offset of the first byte of _pending (the next line)
        self._start = 0  # stream offset of the current event's first line
        # The data buffer: one value per data line, the first perhaps several folded together.
        self._parts: list[bytes | bytearray] = []
        self._size = 0  # bytes in the data buffer (values plus one per line end)
        self._room = max_event_size  # _limit - _size: what the line being read may take
        # (Decoder._hold: what feed may just append to _pending without looking further,
        # _room while nothing else needs attention; recomputed after each _decode.)
        self._window = window(max_event_size)
        self._type = ""  # the event type buffer
        self._id = last_event_id  # the last event ID buffer
        self._last_id = last_event_id  # the committed last event ID
        self._discarded = 0
        self._retry: int | None = None
        # Skipping the rest of a line too long to hold that no event would use (a comment or
        # an ignored field): None, or the line's offset and the head of a comment to report
        # (b"" for none).
        self._skip: tuple[int, bytes] | None = None
        # StreamParser's sinks (see _sink); None: records are returned.
        self._message: MessageSink | None = None
        self._record: RecordSink | None = None
        self._refuse: Refusal = _reraise
        self._typed = False
        self._bytes = False

    def _sink(
        self,
        message: MessageSink,
        record: RecordSink,
        refuse: Refusal,
        *,
        typed: bool,
        raw: bool = False,
    ) -> None:
        """Deliver to callbacks instead of returning records: ``StreamParser``'s SSE path, so
        that no ``SSEEvent`` is built for the events a dialect reads by their data alone.

        From now on a dispatched event of type ``message`` (of any type when *typed*: the
        consumer does not use event types) is delivered as ``message(data, offset, out)``,
        every other record as ``record(record, out)``; both append what they make to *out*,
        the list ``feed`` returns. What either raises goes to ``refuse(exc, offset, payload,
        out)``, which handles it or raises it; a handled one lets decoding go on with the
        next record.

        With *raw*, ``message`` gets the data as its undecoded ``bytes`` (the UTF-8 decode
        with replacement, which the spec makes of them, is then the sink's to make): a JSON
        reader that takes UTF-8 itself (msgspec, ``fast=True``) skips the decode to ``str``
        and its own encode back to UTF-8 for every non-ASCII payload. Measured
        (CPython instructions, callgrind, ``StreamParser("openai", fast=True)`` over 100 KB
        of bench_fragments' openai-text corpus at 1460-byte fragments, 2026-12-07): 0.93x
        the instructions of the str sink. What ``refuse`` gets as the payload is the decoded
        text either way.
        """
        self._message = message
        self._record = record
        self._refuse = refuse
        self._typed = typed
        self._bytes = raw

    @property
    def retry(self) -> int | None:
        """The reconnection delay, in milliseconds, of the last valid ``retry`` field read
        (``None`` until one arrives)."""
        return self._retry

    @property
    def last_event_id(self) -> str:
        """The last event ID as of the last blank line: send it as ``Last-Event-ID`` when
        reconnecting. An ``id`` field of an event not yet finished does not count."""
        return self._last_id

    @property
    def discarded_bytes(self) -> int:
        """How many bytes at the end of the stream ``close()`` discarded because no blank line
        finished them (0 for a stream that ends cleanly, and before ``close()``)."""
        return self._discarded

    def feed(self, data: BytesLike) -> list[SSERecord]:
        """Buffer *data* and return every record now complete, in order (see
        ``Decoder.feed`` for the contract and what it raises)."""
        # Inside one line (small fragments): just hold the bytes, as _decode would. _hold is
        # -1 unless nothing else needs a look (no fault, nothing queued, not closed, no BOM
        # check, CR or skipped line pending): one test instead of six, for the cost that
        # every feed pays. Measured with it removed (CPython instructions, callgrind,
        # StreamParser("openai") over bench_fragments' openai-text corpus, 2026-12-07):
        # 2.1x the instructions at 1-byte fragments, 1.2x at 64 bytes. Times:
        # benchmarks/bench_fragments.py.
        if type(data) is bytes and 0x0A not in data and 0x0D not in data:  # (memchr)
            pending = self._pending
            if len(pending) + len(data) <= self._hold:
                pending += data
                return []
        return Decoder.feed(self, data)

    # -- the decoder hooks --------------------------------------------------------------------

    def _decode(self, data: BytesLike, out: list[SSERecord]) -> None:
        self._hold = -1  # and it stays so if _take raises: the fault is sticky
        self._take(data, out)
        if not (self._bom or self._cr or self._queue) and self._skip is None:
            self._hold = self._room

    def _take(self, data: BytesLike, out: list[SSERecord]) -> None:
        """Consume *data* (``_decode`` without the bookkeeping of ``_hold``)."""
        if type(data) is not bytes or len(data) > self._window:
            for piece in pieces(data, self._window):
                self._take(piece, out)
            return
        if self._skip is not None:
            data = self._skipping(data, out)
        if self._bom or self._cr:
            data = self._lead(data)
        lf = data.rfind(b"\n")
        cr = data.rfind(b"\r") if 0x0D in data else -1
        if lf == cr:  # both -1: no line end in this fragment (or nothing left of it)
            pending = self._pending
            if len(pending) + len(data) > self._room:
                self._overflow(data)
                return
            pending += data
            return
        end = (lf if lf > cr else cr) + 1  # just after the last line end
        pending = self._pending
        if pending:
            end += len(pending)
            chunk = bytes(pending) + data
            pending.clear()
        else:
            chunk = data
        if end == len(chunk):
            region, tail = chunk, b""
        else:
            region, tail = chunk[:end], chunk[end:]
        if (
            # One line and a blank line: with no CR, the last line end is an LF at end - 1,
            # so a first LF at end - 2 makes the region b"...\n\n". Tested first, it ends the
            # test at once when a fragment holds several lines. With the local pending and
            # the CR test at the end: 0.989x the instructions at 1460-byte fragments, 0.983x
            # with fast=True (measured as below).
            region.find(b"\n") == end - 2
            and cr < 0
            and not self._parts  # no data line of this event yet (event, id lines may be)
            and region.startswith(b"data:")
            and len(chunk) <= self._room
        ):
            # Exactly one b"data: ...\n\n" event (and maybe the start of the next one): the
            # shape of most fragments when servers flush each event or fragments are small.
            # Measured with it removed (CPython instructions, callgrind, StreamParser("openai")
            # over 100 KB of bench_fragments' openai-text corpus, 2026-12-07): 7.4% more at
            # one event per fragment, 5.4% at 64-byte fragments; 1.7% fewer at 1460 (several
            # events per fragment), no change at 1 byte. Times: bench_fragments.py. Taking
            # an event whose event/id lines came earlier (not only a bare data block): 8%
            # fewer on the Anthropic corpus at 64-byte and 7-byte fragments, for 0.5-0.7%
            # more on the OpenAI one.
            raw = region[6:-2] if region[5:6] == b" " else region[5:-2]
            # Bytes only with a message sink that asked for them (see _sink); else strict
            # UTF-8 first, "replace" only for bytes it refuses: the same text (the
            # strict decode succeeds exactly when nothing needs replacing), without
            # parsing two arguments per event. Measured against decode("utf-8",
            # "replace") here and in _blocks (CPython 3.11 instructions, callgrind,
            # SSEDecoder over 100 KB of bench_fragments' openai-text corpus,
            # 2026-12-07): 0.980x at 1460-byte fragments, 0.991x at 64; compiled build
            # 0.975x and 0.987x, and 1.83x -> 1.90x httpx-sse's decoder's speed at 1460.
            payload: str | bytes
            try:
                payload = raw if self._bytes else raw.decode()
            except UnicodeDecodeError:
                payload = raw.decode("utf-8", "replace")
            start = self._start  # the event's first line: this one, or an event/id line
            self._pos = self._start = self._pos + end
            if tail:
                pending += tail
            etype = self._type
            if etype or self._id != self._last_id:  # an event or id line came before
                self._type = ""
                self._last_id = self._id  # the blank line commits the last event ID
            message = self._message
            if message is None:
                event = _EventDraft()
                event.type = etype or "message"
                event.data = payload
                event.last_event_id = self._id
                event.offset = start
                event.__class__ = SSEEvent
                out.append(event)
            elif not etype or self._typed or etype == "message":
                try:
                    message(payload, start, out)
                except Exception as exc:  # the sink's owner decides (see _sink)
                    self._refuse(exc, start, data_text(payload), out)
            else:
                self._give(out, _event(etype, data_text(payload), self._id, start))
            return
        if (
            cr < 0
            and region[:6] == b"event:"
            and region.find(b"\n") == end - 1  # one line: "event: <name>" and its LF
            and len(chunk) <= self._room
        ):
            # Small fragments of typed streams (Anthropic, Responses) cut after an event's
            # first line: the name is set here, not through _blocks and _lines. Without
            # this, 1.09x the instructions at 64-byte fragments of bench_fragments'
            # Anthropic corpus and 1.13x at 7 bytes (measured as for the path above).
            raw = region[7:-1] if region[6:7] == b" " else region[6:-1]
            self._type = raw.decode("utf-8", "replace")
            self._pos += end
            if tail:
                pending += tail
            return
        # The spec's three line ends; pick the one C-level split that is exact for this region.
        if cr < 0:
            sep = b"\n"
        elif lf < 0:
            sep = b"\r"
        elif region.count(b"\r") == region.count(b"\n") == region.count(b"\r\n"):
            sep = b"\r\n"
        else:
            sep = b""  # mixed line ends: line by line below
        if sep and len(chunk) <= self._room:
            # No line can reach the limit (the data buffer grows by at most the bytes read).
            self._blocks(region, sep, out)
        else:
            self._careful(region, out)
            if len(tail) > self._room:
                self._overflow(tail)
                tail = b""
        if tail:
            pending += tail
        if cr >= 0 and data[-1] == 0x0D:
            self._cr = True

    def _finish(self, out: list[SSERecord]) -> None:
        # "Once the end of the file is reached, any pending data must be discarded."
        self._hold = -1
        self._discarded = self._pos + len(self._pending) - self._start
        self._pending = bytearray()
        self._parts = []
        self._skip = None

    # -- internals ------------------------------------------------------------------------------

    def _lead(self, data: bytes) -> bytes:
        """Handle the stream's first bytes (a BOM) and the LF of a CRLF split across fragments;
        return what is left of *data* to interpret."""
        if self._bom:
            if self._pending:
                data = bytes(self._pending) + data
                self._pending.clear()
            if len(data) < 3 and _BOM.startswith(data):
                self._pending += data  # maybe a BOM: wait for its third byte
                return b""
            self._bom = False
            if data.startswith(_BOM):
                # "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are
                # present": offsets still count its three bytes.
                data = data[3:]
                self._pos = self._start = 3
        if self._cr and data:
            self._cr = False
            if data[0] == 0x0A:  # the LF of a CRLF split across fragments
                if self._start == self._pos:
                    self._start += 1
                self._pos += 1
                data = data[1:]
        return data

    # -- lines too long to hold ------------------------------------------------------------
    #
    # A line longer than the room the limit leaves is an error only if an event could hold
    # it: a data, event, id or retry line. A comment or an ignored field is skipped without
    # being buffered (as eventsource-parser does): only its head, up to the room, is kept, for
    # the SSEComment that comments=True reports. Whether a line is skippable depends on its
    # first bytes only; until they decide (a prefix of a known name, no colon yet: at most
    # five bytes past the room) the line is held, so every fragmentation decides the same.

    @staticmethod
    def _skippable(line: bytes, *, complete: bool = False) -> bool | None:
        """Whether a line starting with *line* (the whole line if *complete*) is a comment or
        an ignored field (``None``: its first bytes do not tell yet)."""
        if line[:1] == b":":
            return True
        colon = line.find(b":")
        if colon >= 0:
            return line[:colon] not in _KNOWN
        if complete:
            return line not in _KNOWN  # the whole line is the field name
        if any(name.startswith(line) for name in _KNOWN):
            return None  # "dat" may become "data:" or "datum:"
        return True

    def _overflow(self, data: bytes) -> None:
        """The unfinished line (``_pending`` + *data*, no line end) outgrows the room: hold
        it while undecided, skip it if it is skippable, else raise ``LimitExceeded``."""
        pending = self._pending
        # The first bytes decide (the longest known name and its colon: 6), without a copy.
        verdict = self._skippable((bytes(pending[:6]) + data[:6])[:6])
        if verdict is None:
            pending += data  # at most a known name's length past the room
            return
        if not verdict:
            raise self._too_big(bytes(pending[:64]) + data[:64])
        line = len(pending) + len(data)
        head = b""
        if self._comments and (pending[:1] or data[:1]) == b":":
            # Cut to the room (the pending bytes fit in it: they were checked before); one
            # copy, made in place of the pending line, which is released right after.
            pending += data[: self._room - len(pending)]
            head = bytes(pending)
        self._skip = (self._pos, head)
        self._pos += line
        pending.clear()

    def _skipping(self, data: bytes, out: list[SSERecord]) -> bytes:
        """Skip *data* up to the end of the line being skipped; return what follows it."""
        ends = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
        if not ends:
            self._pos += len(data)
            return b""
        end = min(ends)
        self._pos += end + 1
        if data[end] == 0x0D:
            self._cr = True  # an LF next is the second half of this CRLF (see _lead)
        skip = self._skip
        self._skip = None
        assert skip is not None
        self._skipped(*skip, out)
        return data[end + 1 :]

    def _skipped(self, offset: int, head: bytes, out: list[SSERecord]) -> None:
        """The skipped line at *offset* has ended: report a comment's *head* (its start, cut
        to the room the limit left) when comments are wanted."""
        if self._comments and head[:1] == b":":
            # (Decoded through a view: head[1:] would be one more copy of up to the limit.)
            text = str(memoryview(head)[1:], "utf-8", "replace")
            self._give(out, SSEComment(text=text, offset=offset))

    def _give(self, out: list[Any], record: SSERecord) -> None:
        """Return *record* in *out*, or hand it to the record sink (see ``_sink``)."""
        sink = self._record
        if sink is None:
            out.append(record)
            return
        try:
            sink(record, out)
        except Exception as exc:  # the sink's owner decides (see _sink)
            payload = record.data if type(record) is SSEEvent else repr(record)
            self._refuse(exc, record.offset, payload, out)

    def _careful(self, region: bytes, out: list[SSERecord]) -> None:
        """Interpret *region* (complete lines, any line ends) one line at a time, checking
        the limit before each."""
        for raw in region.splitlines(keepends=True):  # bytes.splitlines: CR, LF, CRLF only
            line = raw.rstrip(b"\r\n")  # the content of a line holds no CR or LF
            if len(line) > self._room:
                if not self._skippable(line, complete=True):
                    raise self._too_big(line[:128])
                self._skipped(self._pos, line[: self._room], out)
                self._pos += len(raw)
                continue
            self._lines([line], len(raw) - len(line), out)

    def _blocks(self, region: bytes, sep: bytes, out: list[Any]) -> None:
        """Interpret *region*: complete lines, each ended by *sep* (one kind of line end).

        The region is cut at its lines' last byte (LF, or CR for CR line ends) with one
        C-level split: with CRLF line ends every piece then keeps its CR, and a blank line is
        ``b"\\r"`` (``blank``). With no event pending, a block that is one ``data`` line (that
        line and a blank one) is an event by itself (the common case, handled right here),
        and so are an ``event`` line + a ``data`` line and a one-line comment; the lines of
        any other block, up to its blank line, go to ``_lines``. Two shapes of small
        fragments are read here too: a first ``data`` line and blank line that end an event
        whose other lines came before, and an ``event`` line that ends the region.
        """
        at, blank, cut, after = _CUTS[sep]
        # One split at a single byte, rather than at blank lines (sep + sep) into blocks
        # then each block at its line ends: CPython scans for one byte with a plain loop
        # (0.70 ns a byte here) and for two or more with its general search (0.98 ns), and
        # no block needs a test for a line end or a second split. Measured against that
        # block split (SSEDecoder over 500 kB of bench_fragments' corpora, best CPU time of
        # 15 rounds, the two builds run in turn, 2026-12-07): openai-text at 1460-byte
        # fragments 2.03 -> 1.84 ms pure (1.30x -> 1.46x httpx-sse's decoder), 1.43 -> 1.10
        # ms compiled (1.88x -> 2.41x); anthropic at 1460 7.9 -> 7.4 ms; at 64 bytes and on
        # the CRLF corpus (gemini-crlf) no change beyond the noise. (Callgrind counts more
        # instructions for the one-byte split, 2.27M -> 2.30M compiled at 1460: its loop
        # runs more instructions in fewer cycles than the general search's skips.)
        lines = region.split(at)
        # The last piece is the empty one after the final line end, not a line: a stand-in
        # that no test takes for a blank or a data line lets the tests below read one line
        # ahead (two for an event + data block) without a bounds check; and a blank after
        # it ends every search for a block's blank line (no ValueError to catch for the
        # unfinished block at the end of a region: most regions of small fragments).
        count = len(lines) - 1
        lines[count] = _AFTER
        lines.append(blank)
        entry = pos = self._pos
        # Between events (just after a blank line) nothing is pending; at entry, lines of an
        # unfinished event (even a comment, which moves its first-line offset) may be.
        clean = self._start == pos and not self._parts and not self._type
        clean = clean and self._id == self._last_id
        ident = self._id
        message = self._message
        typed = self._typed  # (only ever true with a message sink)
        as_bytes = self._bytes  # (likewise)
        comments = self._comments
        # Lines for _lines: lines[first:k] (first < 0: none), starting at stream offset
        # run_pos; pos is not kept up to date over them (_lines gives it back).
        first = -1
        run_pos = pos
        k = 0
        head = 0  # an event + data block: the event line's bytes, before the data line
        kind = "message"  # its type (only ever another for an event + data block)
        if not clean and not self._parts and lines[1] == blank and lines[0][:5] == b"data:":
            # An event whose event or id lines came in earlier fragments (small fragments
            # of Anthropic and Responses streams) ends here with its one data line: it is
            # dispatched here, not by _lines. Measured with the event line at the end of a
            # region (below), for SSEDecoder alone over 500 kB of bench_fragments' Anthropic
            # corpus at 64-byte fragments (median CPU time of 21 rounds, interleaved with
            # the code before, 2026-12-07): 0.82-0.88x the time, 0.97x -> 1.12-1.18x
            # httpx-sse's decoder's speed (this step alone: no change).
            first_line = lines[0]
            data = first_line[6:] if first_line[5:6] == b" " else first_line[5:]
            if cut:
                data = data[:-1]  # the CR of a CRLF
            ident = self._last_id = self._id  # the blank line commits the last event ID
            etype = self._type
            self._type = ""
            self._dispatch(data, etype, ident, self._start, out)
            pos += len(first_line) + after
            k = 2
            clean = True
        while k < count:
            line = lines[k]
            raw = None
            # Events of one-line blocks made here rather than by _lines: without this, 12%
            # more instructions at 1460-byte fragments and 11% for a whole stream (measured
            # as for the single-event path in _take, with the block split before this loop);
            # no change for small fragments.
            if clean:
                if line[:6] == b"data: ":
                    # (The usual spelling tested first, whole: one slice and comparison less
                    # per event than "data:" then the space. Measured as in _take, at
                    # 1460-byte fragments: 0.986x the instructions of StreamParser("openai"),
                    # 0.978x with fast=True.)
                    if lines[k + 1] == blank:  # one line, then the blank line
                        raw = line[6:]
                elif line[:5] == b"data:":
                    if lines[k + 1] == blank:
                        raw = line[5:]
                elif line[:1] == b":" and lines[k + 1] == blank:
                    # A one-line comment block (keep-alives between events, e.g. OpenRouter's
                    # ": OPENROUTER PROCESSING"): its record made here, not by _lines.
                    # Without this, 1.11x the instructions on bench_fragments' keep-alive
                    # corpus at 1460-byte fragments (measured as in _take); building the
                    # record from its draft (_comment) saves another 5%.
                    if first >= 0:
                        pos = self._flush(lines[first:k], run_pos, entry, cut, out)
                        first = -1
                        ident = self._id
                    if comments:
                        text = line[1 : len(line) - cut].decode("utf-8", "replace")
                        self._give(out, _comment(text, pos))
                    pos += len(line) + after
                    k += 2
                    continue
                elif line[:6] == b"event:":
                    # "event: <name>" + "data: <payload>" (Anthropic, Responses): an event
                    # of that type; to a sink that ignores types, or gets only "message"
                    # events, its data. Measured against taking such a block to _lines
                    # (SSEDecoder alone over 500 kB of bench_fragments' Anthropic corpus,
                    # median CPU time of 21 interleaved rounds, 2026-12-07): 0.75x the
                    # time at 1460-byte fragments (0.96x -> 1.27x httpx-sse's decoder's
                    # speed), 0.65-0.70x at one event per fragment, 0.69x whole.
                    second = lines[k + 1]
                    if second[:5] == b"data:" and lines[k + 2] == blank:
                        if not typed:
                            name = line[7:] if line[6:7] == b" " else line[6:]
                            if cut:
                                name = name[:-1]  # the CR of a CRLF
                            kind = name.decode("utf-8", "replace") or "message"
                        if typed or message is None or kind == "message":
                            raw = second[6:] if second[5:6] == b" " else second[5:]
                            # (The event is at the block's first line: pos and k move past
                            # the event line after the event, with the rest of the block.)
                            head = len(line) + 1
                            line = second
                        else:
                            kind = "message"  # (another type: _lines gives it to the sink)
            if raw is None:
                # Any other block: its lines up to its blank line (found at C level), or to
                # the end of the region when it is unfinished.
                if first < 0:
                    first = k
                    run_pos = pos
                k = lines.index(blank, k) + 1
                if k > count:  # unfinished: its lines so far
                    k = count
                    break
                clean = True
                continue
            if first >= 0:
                pos = self._flush(lines[first:k], run_pos, entry, cut, out)
                first = -1
                ident = self._id
            if cut:
                raw = raw[:-1]  # the CR of a CRLF
            payload: str | bytes
            try:
                payload = raw if as_bytes else raw.decode()  # (strict first: see _take)
            except UnicodeDecodeError:
                payload = raw.decode("utf-8", "replace")
            if message is None:
                event = _EventDraft()
                event.type = kind
                event.data = payload
                event.last_event_id = ident
                event.offset = pos
                event.__class__ = SSEEvent
                out.append(event)
            else:
                try:
                    message(payload, pos, out)
                except Exception as exc:  # the sink's owner decides (see _sink)
                    self._refuse(exc, pos, data_text(payload), out)
            pos += len(line) + after
            k += 2
            if head:
                pos += head
                k += 1
                head = 0
                kind = "message"
        if first >= 0:
            line = lines[first]
            if first == count - 1 and line[:6] == b"event:":
                # The region ends with an event's first line, its event line (small
                # fragments of Anthropic and Responses streams): the name is set here, as
                # _take does for a region of that one line, not by _lines (measured with
                # the event dispatched before the loop: see there).
                name = line[7:] if line[6:7] == b" " else line[6:]
                if cut:
                    name = name[:-1]  # the CR of a CRLF
                self._type = name.decode("utf-8", "replace")
                if clean:
                    self._start = pos  # the first line of the next event
                self._pos = pos + len(line) + 1
            else:
                self._flush(lines[first:k], run_pos, entry, cut, out)
        else:
            self._pos = self._start = pos

    def _flush(
        self, run: list[bytes], run_pos: int, entry: int, cut: int, out: list[SSERecord]
    ) -> int:
        """Hand *run* (``_blocks``' pieces, each keeping *cut* bytes of its line end, from
        stream offset *run_pos*) to ``_lines``; return the offset just after it."""
        if run_pos != entry:
            self._start = run_pos  # the run starts just after a blank line
        self._pos = run_pos
        if cut:
            run = [line[:-cut] for line in run]
        self._lines(run, cut + 1, out)
        return self._pos

    def _dispatch(
        self, raw: bytes | bytearray, etype: str, ident: str, offset: int, out: list[Any]
    ) -> None:
        """Dispatch the event of data *raw* (undecoded), type *etype* (``""``: the default),
        last event ID *ident*, at stream *offset*: an ``SSEEvent``, or its data to the message
        sink (see ``_sink``)."""
        message = self._message
        if message is None or not (self._typed or etype in ("", "message")):
            text = raw.decode("utf-8", "replace")
            self._give(out, _event(etype or "message", text, ident, offset))
            return
        # (bytes, not a folded bytearray, when the sink asked for bytes)
        payload = bytes(raw) if self._bytes else raw.decode("utf-8", "replace")
        try:
            message(payload, offset, out)
        except Exception as exc:  # the sink's owner decides (see _sink)
            self._refuse(exc, offset, data_text(payload), out)

    def _lines(self, lines: list[bytes], eol: int, out: list[SSERecord]) -> None:
        """Interpret complete *lines*, each followed by a line end of *eol* bytes."""
        pos = self._pos
        start = self._start
        parts = self._parts
        fresh = len(parts)  # parts[fresh:] were added by this call (for the size update)
        size = self._size
        etype = self._type
        id_buf = self._id
        committed = self._last_id
        comments = self._comments
        give = out.append if self._record is None else partial(self._give, out)
        for line in lines:
            if not line:
                # A blank line: "dispatch the event". The last event ID is committed first,
                # whether or not there is anything to dispatch.
                committed = id_buf
                if parts:
                    # The spec appends LF after each value, then removes the last LF: the
                    # same as joining with LF.
                    raw = parts[0] if len(parts) == 1 else b"\n".join(parts)
                    self._dispatch(raw, etype, id_buf, start, out)
                    parts = []
                    fresh = size = 0
                etype = ""
                pos += eol
                start = pos
                continue
            if line.startswith(b"data:"):  # the common case, first
                parts.append(line[6:] if line[5:6] == b" " else line[5:])
            elif line[0] == 0x3A:  # ":" starts a comment
                if comments:
                    give(SSEComment(text=line[1:].decode("utf-8", "replace"), offset=pos))
            else:
                colon = line.find(b":")
                if colon < 0:
                    # "the whole line as the field name, and the empty string as the value"
                    name, value = line, b""
                else:
                    name = line[:colon]
                    # "If value starts with a U+0020 SPACE character, remove it from value."
                    if line[colon + 1 : colon + 2] == b" ":
                        value = line[colon + 2 :]
                    else:
                        value = line[colon + 1 :]
                if name == b"data":
                    parts.append(value)
                elif name == b"event":
                    etype = value.decode("utf-8", "replace")
                elif name == b"id":
                    # "If the field value does not contain U+0000 NULL, then set the last
                    # event ID buffer to the field value. Otherwise, ignore the field."
                    if 0 not in value:
                        id_buf = value.decode("utf-8", "replace")
                elif name == b"retry":
                    ms = _retry_ms(value)
                    if ms is not None:
                        self._retry = ms
                        give(SSERetry(milliseconds=ms, offset=pos))
                # "Otherwise: The field is ignored."
            pos += len(line) + eol
        if fresh < len(parts):
            new = parts[fresh:]
            size += sum(map(len, new)) + len(new)
            if len(parts) > _FOLD:
                # Joining with LF now gives the same data as joining at dispatch.
                acc = parts[0] if type(parts[0]) is bytearray else bytearray(parts[0])
                acc += b"\n"
                acc += b"\n".join(parts[1:])
                parts = [acc]
        self._pos = pos
        self._start = start
        self._parts = parts
        self._size = size
        self._room = self._limit - size
        self._type = etype
        self._id = id_buf
        self._last_id = committed

    def _too_big(self, sample: bytes) -> LimitExceeded:
        return LimitExceeded(
            f"SSE event larger than max_event_size={self._limit} bytes, near {quote(sample)}",
            offset=self._start,
            limit=self._limit,
        )
