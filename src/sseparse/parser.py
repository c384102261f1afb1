"""``StreamParser``: one framing decoder composed with one dialect (DESIGN §4).

It implements the same decoder protocol as the framing decoders (``feed``/``close``/
``receive_data``/``next_event``), so errors keep their causal order: events decoded before a
fault are returned first, then the fault is raised, and it stays raised.

Theory of operation of the fused SSE path. The generic path hands every fragment to the
framing decoder and every record to the dialect. For SSE dialects that offer
``on_message(data, offset, out)`` (the handler of a plain ``message`` event), most of a
typical stream is blocks of exactly one line, ``data: <payload>``, each followed by
``\n\n``; building an ``SSEEvent`` for each costs as much as the dialect's own work. So the
parser cuts such blocks itself and calls ``on_message`` directly, and gives everything else
to the ``SSEDecoder``, which then decides exactly as it would have:

* Any ``\n\n`` in the bytes is a blank line (the first LF ends a line, the second is an empty
  line), so the decoder is in its initial state after it: no pending line, no data, no event
  type. Cutting the stream there and feeding the decoder whole blocks changes nothing it
  decides (only its offsets, which are shifted back to stream offsets).
* A block is taken on the fused path only if it starts with ``data: ``, holds no CR or LF and
  is not longer than ``max_event_size``: the decoder would have made one ``message`` event of
  it, its data the payload decoded as UTF-8 with replacement, at the block's offset.
* The unfinished end of the input is held only while it is part of one line without CR: no
  record can be complete in it. Otherwise (a line end, a CR, past the size limit) the decoder
  takes it, and every byte after it up to the next ``\n\n``, as soon as it arrives — so
  comments, ``retry`` and CR-only streams are decided as early as on the generic path.
* The start of the stream (up to the first ``\n\n``) always goes to the decoder, which strips
  a byte-order mark there.

Tests run every capture and generated streams through both paths at every fragmentation and
require identical events and errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ._protocol import BytesLike, Decoder, check_name
from .detect import AutoDetector, BodySniffer, error_from_body, framing_options
from .dialects import Dialect, dialect_class
from .dialects._base import malformed
from .errors import LimitExceeded, MalformedPayload, ParseError, UsageError
from .events import Event, Malformed, ProviderError
from .framing import decoder_class
from .framing.jsondoc import JSONDocumentDecoder
from .framing.sse import DEFAULT_MAX_EVENT_SIZE, SSEDecoder, pieces, window

__all__ = ["StreamParser"]

# Framings that can never start with "{": a body that does is a JSON document (error body).
_SNIFFED_FORMATS = frozenset({"sse", "jsonarray", "json-array", "eventstream"})

# Exceptions a dialect may hit while reading a payload of the wrong shape; they mean the
# payload is malformed and are re-raised as MalformedPayload.
_SHAPE_ERRORS = (KeyError, TypeError, IndexError, AttributeError, ValueError)


def _payload_of(record: Any) -> str | bytes:
    for attr in ("data", "raw", "payload", "text"):
        value = getattr(record, attr, None)
        if isinstance(value, (str, bytes)):
            return value
    return repr(record)


def _shape_error(exc: Exception, *, offset: int, payload: str | bytes) -> MalformedPayload:
    """The ``MalformedPayload`` for a stray exception a dialect hit reading the payload (of
    an unexpected shape) of the record at *offset*."""
    found = malformed(
        f"unexpected payload shape ({type(exc).__name__}: {exc})", offset=offset, payload=payload
    )
    found.__cause__ = exc
    return found


def _held_event_line(rest: bytes) -> bool:
    """Whether *rest* (CR-free, no blank line) is an ``event: …`` line and the start of a
    ``data: …`` line: its one complete line makes no record (it only names the event), so
    holding it changes nothing the decoder would return, and a typed block cut after its
    first line still takes the fused path."""
    if rest[:7] != b"event: ":
        return False
    nl = rest.find(b"\n")
    after = rest[nl + 1 :]
    return b"\n" not in after and (after[:6] == b"data: " or b"data: ".startswith(after))


class StreamParser(Decoder[Event]):
    """Bytes in, typed LLM events out.

    ``dialect`` names the provider API (see ``sseparse.dialects.DIALECTS``); ``format`` the
    framing (``"sse"``, ``"jsonlines"``, ``"jsonarray"``, ``"eventstream"``), by default the
    dialect's own. Other keyword options go to the framing decoder (e.g. ``max_event_size``).
    A dialect whose ``wants_comments`` class attribute is true gets its SSE comments as
    records (``comments=True``), unless ``comments`` is given.

    Raises ``UsageError`` for an unknown dialect or format (or one that is not a ``str``) or a
    bad option.
    """

    __slots__ = (
        "_dialect",
        "_fed",
        "_framing",
        "_fused",
        "_hold",
        "_lf",
        "_on_message",
        "_options",
        "_pending",
        "_pos",
        "_shift",
        "_slow",
        "_strict",
        "_tail",
        "_typed",
        "_window",
        "dialect_name",
        "format",
    )

    # Tests switch this off in a subclass to compare the fused path with the generic one.
    _allow_fused = True

    def __init__(
        self,
        dialect: str = "auto",
        *,
        format: str | None = None,
        strict: bool = False,
        **options: Any,
    ):
        super().__init__()
        check_name("dialect", dialect)
        check_name("format", format, optional=True)
        if type(strict) is not bool:
            raise UsageError(f"strict must be True or False, not {strict!r}")
        self._strict = strict
        self._tail = bytearray()  # fused mode: the unfinished line (no CR, no LF)
        self._fused = False
        self._pending: AutoDetector | BodySniffer | None = None
        if dialect == "auto":
            # Nothing is built until the first bytes tell the framing and the dialect; the
            # options are checked now, and each framing takes the ones it knows.
            self.dialect_name = dialect
            self.format = format
            self._options = options
            self._pending = AutoDetector(format=format, options=options)
            return
        self._setup(dialect, format, options)
        if self.format in _SNIFFED_FORMATS:
            self._pending = BodySniffer(self.format)

    def _setup(self, dialect: str, format: str | None, options: dict[str, Any]) -> None:
        """Build the dialect and the framing decoder (``UsageError`` for a bad name/option)."""
        cls = dialect_class(dialect)
        self.dialect_name = dialect
        self.format = format or cls.default_format
        self._options = options
        self._dialect: Dialect[Any] = cls()
        self._dialect.strict = self._strict
        if self.format == "sse" and getattr(cls, "wants_comments", False):
            # The dialect turns comments into KeepAlive; the caller may still say otherwise.
            options.setdefault("comments", True)
        try:
            self._framing: Decoder[Any] = decoder_class(self.format)(**options)
        except TypeError as exc:
            raise UsageError(f"bad option for the {self.format} decoder: {exc}") from None
        on_message: Callable[[str, int, list[Event]], None] | None = getattr(
            self._dialect, "on_message", None
        )
        self._fused = self._allow_fused and self.format == "sse" and on_message is not None
        if self._fused:
            assert on_message is not None
            self._on_message = on_message
            self._typed: bool = getattr(cls, "ignores_event_type", False)
            # Checked by the decoder's constructor.
            self._hold: int = options.get("max_event_size", DEFAULT_MAX_EVENT_SIZE)
            self._window = window(self._hold)
            self._pos = 0  # stream offset of the next byte not given to the decoder or held
            self._slow = True  # the decoder takes the bytes up to the next blank line
            self._lf = False  # slow mode: the last byte given to the decoder was an LF
            self._fed = 0  # bytes given to the decoder so far
            self._shift = 0  # stream offset minus decoder offset, for the current segment

    # -- the start of the stream: detection and JSON error bodies (see sseparse.detect) ----

    @property
    def last_event_id(self) -> str:
        """SSE streams: the last event ID as of the last complete event (the ``last_event_id``
        option until an ``id`` field arrives): send it as ``Last-Event-ID`` to resume. ``""``
        for other framings and before the framing is known."""
        framing = getattr(self, "_framing", None)
        return framing.last_event_id if isinstance(framing, SSEDecoder) else ""

    @property
    def retry(self) -> int | None:
        """SSE streams: the reconnection delay the server asked for with its last valid
        ``retry`` field, in milliseconds; ``None`` until one arrives (and for other
        framings)."""
        framing = getattr(self, "_framing", None)
        return framing.retry if isinstance(framing, SSEDecoder) else None

    def _resolve(self, decided: tuple[str, str] | str) -> dict[str, Any]:
        """Act on what the pending detector decided: build the parser for it. Returns the
        framing decoder's options."""
        self._pending = None
        options: dict[str, Any] = {}
        if isinstance(decided, tuple):
            fmt, dialect = decided
            options = framing_options(fmt, self._options)
            self._setup(dialect, fmt, options)  # (which may add an option: comments)
        elif decided == "json":
            # The body is one JSON document (an HTTP error body), not the declared framing.
            self.format = "json"
            self._fused = False
            self._framing = JSONDocumentDecoder(**framing_options("json", self._options))
        return options

    def _apply_body(self, records: list[Any], out: list[Event]) -> None:
        """Records of a JSON-document body: a provider error object is reported as such
        (whatever the dialect); anything else goes to the dialect."""
        for record in records:
            found = error_from_body(record.value)
            if found is None:
                self._apply([record], out)
            else:
                message, kind, code = found
                out.append(ProviderError(message=message, type=kind, code=code, raw=record.value))

    def feed(self, data: BytesLike) -> list[Event]:
        """Buffer *data* and return every event now complete, in order (see ``Decoder.feed``
        for what it raises)."""
        tail = self._tail
        if (
            tail
            and type(data) is bytes
            and not self._queue
            and b"\n" not in data
            and b"\r" not in data
            and len(tail) + len(data) <= self._hold
        ):
            # Fused path, inside one line (the common small fragment): just hold the bytes,
            # as _decode_fused would. A line is only ever held in fused mode, outside a slow
            # segment, with no error raised and before close(): every path that raises or
            # closes empties the tail first.
            tail += data
            return []
        if (
            self._fused
            and self._pending is None
            and type(data) is bytes
            and self._error is None
            and not self._queue
            and not self._closed
        ):
            # The fused path without the protocol's layers of calls; the same contract as
            # Decoder.feed + _decode_into (events before a fault first, then the fault,
            # sticky).
            out: list[Event] = []
            try:
                self._decode_fused(data, out)
            except ParseError as exc:
                self._error = exc
                if not out:
                    raise
            return out
        return super().feed(data)

    def _apply(self, records: list[Any], out: list[Event]) -> None:
        on_record = self._dialect.on_record
        remaining = iter(records)  # after a bad record, the loop resumes with the next one
        record: Any = None
        while True:
            # The try is entered once per bad record, not per record (PERF203 does not see it).
            try:
                for record in remaining:
                    on_record(record, out)
            except MalformedPayload as exc:  # noqa: PERF203
                self._bad_record(exc, out)
            except ParseError:
                raise
            except _SHAPE_ERRORS as exc:
                self._bad_record(
                    _shape_error(
                        exc, offset=getattr(record, "offset", 0), payload=_payload_of(record)
                    ),
                    out,
                )
            else:
                return

    def _bad_record(self, exc: MalformedPayload, out: list[Event]) -> None:
        """The bad-record policy, the one place it is decided (DESIGN §1): the events the
        record did yield are kept and ``Malformed`` follows them; with ``strict`` the finding
        is raised instead (after those events, which ``feed`` still returns first)."""
        if self._strict:
            raise exc
        out.append(Malformed(message=exc.reason, offset=exc.offset, raw=exc.payload))

    def _decode(self, data: BytesLike, out: list[Event]) -> None:
        pending = self._pending
        if pending is not None:
            decided = pending.feed(data)
            if decided is None:
                return
            options = self._resolve(decided)
            if isinstance(pending, BodySniffer):
                # The sniffer holds only the fragments before this one (at most a window of
                # whitespace): decode them, then this fragment as it is, without a copy.
                held = pending.held()
                if held:
                    self._decode(held, out)
            else:
                handed = pending.hand_over(options)
                if handed is not None:
                    self._take_probe(*handed, out)
                    return
                data = pending.buffered()
        if self._fused:
            self._decode_fused(data, out)
            return
        records: list[Any] = []
        try:
            self._framing._decode_into(data, records)
        finally:
            self._apply(records, out)

    def _take_probe(
        self,
        probe: Decoder[Any],
        records: list[Any],
        fault: ParseError | None,
        fed: int,
        last: int,
        out: list[Event],
    ) -> None:
        """Continue with the detector's probe as the framing decoder (built with the same
        options, it decided exactly what a fresh one fed the same bytes would): its records
        go to the dialect, then its fault, if any, is raised."""
        self._framing = probe
        if self._fused:
            # Its offsets are stream offsets; it takes the bytes up to the next blank line.
            self._fed = self._pos = fed
            self._lf = last == 0x0A
        self._apply(records, out)
        if fault is not None:
            raise fault

    # -- the fused SSE path (see the module doc) --------------------------------------------

    def _to_decoder(self, data: bytes | bytearray, out: list[Event]) -> None:
        """Give *data* (the next bytes of the stream) to the SSE decoder; apply its records
        with their offsets moved back to stream offsets."""
        records: list[Any] = []
        shift = self._shift
        try:
            self._framing._decode_into(data, records)
        except LimitExceeded as exc:
            if not shift:
                raise
            raise LimitExceeded(exc.reason, offset=exc.offset + shift, limit=exc.limit) from None
        finally:
            self._fed += len(data)
            self._pos += len(data)
            if shift and records:
                records = [dataclasses.replace(r, offset=r.offset + shift) for r in records]
            self._apply(records, out)

    def _decode_fused(self, data: BytesLike, out: list[Event]) -> None:
        if type(data) is not bytes or len(data) > self._window:
            # A bytearray or memoryview (checked by _decode_into), or a large fragment: taken
            # a window at a time, as the decoder does, so that the blocks and lines cut from
            # it stay within the window, not the size of the fragment.
            for piece in pieces(data, self._window):
                self._decode_fused(piece, out)
            return
        if not data:
            return
        if self._slow:
            # The decoder takes everything up to and including the next blank line "\n\n".
            if self._lf and data[0] == 0x0A:
                end = 1
            else:
                end = data.find(b"\n\n")
                if end < 0:
                    self._to_decoder(data, out)
                    self._lf = data[-1] == 0x0A
                    return
                end += 2
            self._to_decoder(data[:end], out)
            self._slow = False
            data = data[end:]
            if not data:
                return
        tail = self._tail
        if tail:
            if b"\n" not in data:
                # Still inside one line: keep it unless it holds a CR or gets too long.
                if len(tail) + len(data) <= self._hold and b"\r" not in data:
                    tail += data
                    return
                # The held line goes to the decoder as it is, then this fragment: no copy of
                # the two joined (the decoder reads a bytearray a window at a time).
                try:
                    self._to_slow(tail, out)
                finally:
                    tail.clear()
                self._to_decoder(data, out)
                self._lf = data[-1] == 0x0A
                return
            data = bytes(tail) + data
            tail.clear()
        blocks = data.split(b"\n\n")
        rest = blocks.pop()
        pos = self._pos
        hold = self._hold
        on_message = self._on_message
        typed = self._typed
        has_cr = b"\r" in data  # searched once here rather than in every block
        for block in blocks:
            if (
                block[:6] == b"data: "
                and b"\n" not in block
                and (not has_cr or b"\r" not in block)
                and len(block) <= hold
            ):
                payload = block[6:].decode("utf-8", "replace")
                try:
                    on_message(payload, pos, out)
                except MalformedPayload as exc:
                    self._bad_record(exc, out)
                except ParseError:
                    raise
                except _SHAPE_ERRORS as exc:
                    self._bad_record(_shape_error(exc, offset=pos, payload=payload), out)
                pos += len(block) + 2
            elif (
                typed
                and block[:7] == b"event: "
                and b"\r" not in block
                and len(block) <= hold
                and (nl := block.find(b"\n")) > 0
                and block[nl + 1 : nl + 7] == b"data: "
                and block.find(b"\n", nl + 1) < 0
            ):
                # "event: <name>" + "data: <payload>": one event whose name this dialect
                # does not use (ignores_event_type), so it is the same as a data-only block.
                payload = block[nl + 7 :].decode("utf-8", "replace")
                try:
                    on_message(payload, pos, out)
                except MalformedPayload as exc:
                    self._bad_record(exc, out)
                except ParseError:
                    raise
                except _SHAPE_ERRORS as exc:
                    self._bad_record(_shape_error(exc, offset=pos, payload=payload), out)
                pos += len(block) + 2
            else:
                self._pos = pos
                self._shift = pos - self._fed
                self._to_decoder(block + b"\n\n", out)
                pos = self._pos
        self._pos = pos
        if rest:
            if (
                len(rest) <= hold
                and b"\r" not in rest
                and (b"\n" not in rest or (typed and _held_event_line(rest)))
            ):
                tail += rest
            else:
                self._to_slow(rest, out)

    def _to_slow(self, data: bytes | bytearray, out: list[Event]) -> None:
        """Start a slow segment at the current position with *data* (no blank line in it)."""
        self._slow = True
        self._shift = self._pos - self._fed
        self._to_decoder(data, out)
        self._lf = data[-1] == 0x0A

    def _finish(self, out: list[Event]) -> None:
        pending = self._pending
        if pending is not None:
            self._resolve(pending.finish())
            data = pending.held() if isinstance(pending, BodySniffer) else pending.buffered()
            if data:
                self._decode(data, out)
        if self._fused and self._tail:
            # A held line is an unfinished event: the decoder would discard it too. It still
            # gets the bytes, so that what it reports about the end (discarded_bytes) holds.
            tail = bytes(self._tail)
            self._tail.clear()
            self._to_slow(tail, out)
        records: list[Any] = []
        try:
            self._framing._finish_into(records)
        finally:
            if self.format == "json":
                self._apply_body(records, out)
            else:
                self._apply(records, out)
        try:
            self._dialect.on_end(out)
        except MalformedPayload as exc:
            self._bad_record(exc, out)
        except ParseError:
            raise
        except _SHAPE_ERRORS as exc:
            why = f"unexpected state at end of input ({type(exc).__name__}: {exc})"
            self._bad_record(malformed(why, offset=0, payload=""), out)
