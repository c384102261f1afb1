"""``StreamParser``: one framing decoder composed with one dialect (DESIGN §4).

It implements the same decoder protocol as the framing decoders (``feed``/``close``/
``receive_data``/``next_event``), so errors keep their causal order: events decoded before a
fault are returned first, then the fault is raised, and it stays raised.

SSE dialects that offer ``on_message(data, offset, out)`` (the handler of a plain ``message``
event) are given to the SSE decoder as sinks (``SSEDecoder._sink``): the decoder calls the
dialect for each event as it dispatches it, so no ``SSEEvent`` is built for the data blocks
that make most of a stream, and once the start of the body has been checked (see
``sseparse.detect``) ``feed`` is the decoder's own ``feed``. The bad-record policy is applied
to what the dialect raises through ``_refuse``, as ``_apply`` applies it to records. Tests run
every capture and generated streams with and without the sinks and require identical events
and errors. JSON lines dialects that offer ``on_line(value, raw, offset, out)`` are given to
the JSON lines decoder the same way (``JSONLinesDecoder._sink``): no ``JSONRecord`` per line.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._fastjson import json_reader
from ._protocol import BytesLike, Decoder, check_name, mypyc_attr
from .detect import AutoDetector, BodySniffer, error_from_body, framing_options
from .dialects import Dialect, dialect_class
from .dialects._base import malformed
from .errors import MalformedPayload, ParseError, UsageError
from .events import Event, Malformed, ProviderError
from .framing import decoder_class
from .framing.jsondoc import JSONDocumentDecoder
from .framing.jsonlines import JSONLinesDecoder
from .framing.sse import SSEDecoder

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


@mypyc_attr(allow_interpreted_subclasses=True)
class StreamParser(Decoder[Event]):
    """Bytes in, typed LLM events out.

    ``dialect`` names the provider API (see ``sseparse.dialects.DIALECTS``); ``format`` the
    framing (``"sse"``, ``"jsonlines"``, ``"jsonarray"``, ``"eventstream"``), by default the
    dialect's own. Other keyword options go to the framing decoder (e.g. ``max_event_size``).
    A dialect whose ``wants_comments`` class attribute is true gets its SSE comments as
    records (``comments=True``), unless ``comments`` is given. ``fast=True`` reads every
    record's JSON with msgspec (the ``fast`` extra), with the same events.

    Raises ``UsageError`` for an unknown dialect or format (or one that is not a ``str``), a
    bad option, or ``fast`` not a ``bool`` or ``True`` without the ``fast`` extra installed.
    """

    __slots__ = (
        "_dialect",
        "_direct",
        "_fast",
        "_framing",
        "_options",
        "_pending",
        "_sinks",
        "_strict",
        "dialect_name",
        "format",
    )

    # Tests switch this off in a subclass to compare the sink path with the generic one.
    _allow_sinks: ClassVar[bool] = True

    def __init__(
        self,
        dialect: object = "auto",
        *,
        format: object = None,
        strict: object = False,
        fast: object = False,
        **options: Any,
    ):
        # (Typed object, checked here: the compiled build, docs/compiled.md, would otherwise
        # check the types itself and raise TypeError, not UsageError.)
        super().__init__()
        check_name("dialect", dialect)
        check_name("format", format, optional=True)
        assert isinstance(dialect, str) and (format is None or isinstance(format, str))
        if type(strict) is not bool:
            raise UsageError(f"strict must be True or False, not {strict!r}")
        self._strict = strict
        json_reader(fast)  # UsageError: not a bool, or True without the extra
        self._fast = fast is True
        self._sinks = False  # the SSE decoder calls the dialect (see the module doc)
        # When set, feed is this decoder's feed.
        self._direct: SSEDecoder | JSONLinesDecoder | None = None
        self._pending: AutoDetector | BodySniffer | None = None
        if dialect == "auto":
            # Nothing is built until the first bytes tell the framing and the dialect; the
            # options are checked now, and each framing takes the ones it knows.
            self.dialect_name = dialect
            self.format = format
            if fast:  # for the JSON framings (framing_options gives it only to them)
                options["fast"] = True
            self._options = options
            self._pending = AutoDetector(format=format, options=options)
            return
        self._setup(dialect, format, options)
        if self.format in _SNIFFED_FORMATS:
            self._pending = BodySniffer(self.format)
            self._direct = None  # until the sniffer has seen the start of the body

    def _setup(self, dialect: str, format: str | None, options: dict[str, Any]) -> None:
        """Build the dialect and the framing decoder (``UsageError`` for a bad name/option)."""
        cls = dialect_class(dialect)
        self.dialect_name = dialect
        self.format = format or cls.default_format
        self._options = options
        self._dialect: Dialect[Any] = cls()
        if self._fast:
            self._dialect._loads = json_reader(True)
            # The JSON framings read with it too.
            options.update(framing_options(self.format, {"fast": True}))
        if self.format == "sse" and getattr(cls, "wants_comments", False):
            # The dialect turns comments into KeepAlive; the caller may still say otherwise.
            options.setdefault("comments", True)
        try:
            self._framing: Decoder[Any] = decoder_class(self.format)(**options)
        except TypeError as exc:
            raise UsageError(f"bad option for the {self.format} decoder: {exc}") from None
        self._attach(self._framing)

    def _attach(self, framing: Decoder[Any]) -> None:
        """Give an SSE *framing* decoder the dialect as its sinks, when the dialect reads
        plain events by their data (``on_message``); a JSON lines one, when the dialect reads
        lines by their value (``on_line``)."""
        self._sinks = False
        self._direct = None
        if not self._allow_sinks:
            return
        if isinstance(framing, SSEDecoder):
            on_message = getattr(self._dialect, "on_message", None)
            if on_message is not None:
                cls = type(self._dialect)
                framing._sink(
                    on_message,
                    self._dialect.on_record,
                    self._refuse,
                    typed=cls.ignores_event_type,
                    raw=self._fast and cls.message_bytes,
                )
                self._sinks = True
        elif isinstance(framing, JSONLinesDecoder):
            on_line = getattr(self._dialect, "on_line", None)
            if on_line is not None:
                framing._sink(on_line, self._refuse)
                self._sinks = True
        if self._sinks and self._pending is None:
            self._direct = framing  # type: ignore[assignment]

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
            self._sinks = False
            self._direct = None
            body = framing_options("json", {**self._options, "fast": self._fast})
            self._framing = JSONDocumentDecoder(**body)
        self._options = {}  # (decided: no longer needed, and a parser may be held long)
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
        framing = self._direct
        if framing is not None:
            # The SSE (or JSON lines) decoder calls the dialect itself: its feed is this
            # feed, with the same contract (its errors are sticky; close() raises them again
            # through _finish). Measured against Decoder.feed's layers (callgrind, as in
            # SSEDecoder.feed): they cost 3.2x the instructions at 1-byte fragments, 1.46x at
            # 64 bytes.
            if type(data) is bytes and 0x0A not in data and 0x0D not in data:
                # Its first step inlined (see SSEDecoder.feed, JSONLinesDecoder.feed): inside
                # one line, the bytes are only held. One call less for every small fragment:
                # without it, 14% more instructions at 1-byte fragments, 2% at 64 bytes.
                # The framing's _hold is -1 whenever this parser has a fault (the framing
                # raised it, or was closed) or queued events (receive_data below), so this
                # step needs no test of its own for them: 4.6% fewer instructions at 1-byte
                # fragments than with the two tests (callgrind, StreamParser("openai") over
                # bench_fragments' openai-text corpus, 2026-12-07).
                pending = framing._pending
                if len(pending) + len(data) <= framing._hold:
                    pending += data
                    return []
            if self._error is None and not self._queue:
                # (With sinks, the list it returns holds the dialect's events.)
                try:
                    return framing.feed(data)  # type: ignore[return-value]
                except ParseError as exc:
                    # Kept here too, so that later calls raise it from this parser as every
                    # sticky error is raised (with a fresh traceback, which cannot grow).
                    self._error = exc
                    raise
        return super().feed(data)

    def receive_data(self, data: BytesLike) -> None:
        """As ``Decoder.receive_data`` (what it raises included)."""
        super().receive_data(data)
        framing = self._direct
        if self._queue and framing is not None:
            framing._hold = -1  # feed returns the queued events first (see feed)

    def _apply(self, records: list[Any], out: list[Event]) -> None:
        on_record = self._dialect.on_record
        remaining = iter(records)  # after a bad record, the loop resumes with the next one
        record: Any = None
        while True:
            # The try is entered once per bad record, not per record (PERF203 does not see it).
            try:
                for record in remaining:
                    on_record(record, out)
            except Exception as exc:  # noqa: PERF203
                self._refuse(exc, getattr(record, "offset", 0), _payload_of(record), out)
            else:
                return

    def _refuse(self, exc: Exception, offset: int, payload: str | bytes, out: list[Event]) -> None:
        """What the dialect raised for the record at *offset* (from ``_apply``, or from the
        SSE decoder's sinks): the bad-record policy for a ``MalformedPayload`` or a shape
        error; anything else is raised again."""
        if isinstance(exc, MalformedPayload):
            self._bad_record(exc, out)
        elif isinstance(exc, _SHAPE_ERRORS) and not isinstance(exc, ParseError):
            self._bad_record(_shape_error(exc, offset=offset, payload=payload), out)
        else:
            raise exc

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
            if self._sinks and isinstance(self._framing, (SSEDecoder, JSONLinesDecoder)):
                self._direct = self._framing
        if self._sinks:
            self._framing._decode_into(data, out)
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
        out: list[Event],
    ) -> None:
        """Continue with the detector's probe as the framing decoder (built with the same
        options, it decided exactly what a fresh one fed the same bytes would): its records
        go to the dialect, then its fault, if any, is raised."""
        self._framing = probe
        self._attach(probe)
        self._apply(records, out)
        if fault is not None:
            raise fault

    def _finish(self, out: list[Event]) -> None:
        pending = self._pending
        if pending is not None:
            self._resolve(pending.finish())
            data = pending.held() if isinstance(pending, BodySniffer) else pending.buffered()
            if data:
                self._decode(data, out)
        if self._sinks:  # a JSON lines decoder's last line goes to the dialect itself
            self._framing._finish_into(out)
            self._finish_dialect(out)
            return
        records: list[Any] = []
        try:
            self._framing._finish_into(records)
        finally:
            if self.format == "json":
                self._apply_body(records, out)
            else:
                self._apply(records, out)
        self._finish_dialect(out)

    def _finish_dialect(self, out: list[Event]) -> None:
        """The dialect's ``on_end``, under the bad-record policy."""
        try:
            self._dialect.on_end(out)
        except MalformedPayload as exc:
            self._bad_record(exc, out)
        except ParseError:
            raise
        except _SHAPE_ERRORS as exc:
            why = f"unexpected state at end of input ({type(exc).__name__}: {exc})"
            self._bad_record(malformed(why, offset=0, payload=""), out)
