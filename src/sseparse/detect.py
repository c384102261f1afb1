"""Auto-detection (``StreamParser(dialect="auto")``) and JSON-body sniffing.

Theory of operation. Detection happens in two steps, on the bytes as they arrive:

1. **Framing, from the first bytes** (``sniff_format``):
   * AWS event-stream: the first 12 bytes are a prelude whose CRC32 matches (binary frames
     start at byte 0, so this is checked before anything is stripped);
   * after an optional UTF-8 BOM and ASCII whitespace, ``[`` is a streamed JSON array;
   * ``{`` is JSON lines when the first line is a complete JSON value, else one JSON document
     (a pretty-printed error body such as ``{"error": {…}}``, format ``"json"``); only the
     first 64 KiB are looked at, so a JSON-lines stream whose first line is longer would be
     taken for a document (no provider sends one);
   * a line starting with an SSE field name (``data``, ``event``, ``id``, ``retry``) or a
     comment (``:``) is SSE;
   * anything else (an HTML error page, say) is ``UndetectableStream``.
2. **Dialect, from the first records** (``dialect_of``): detection asks the dialects, in a
   fixed order, whether they claim a record (``Dialect.claims``: each dialect module knows
   its own shape; this module knows none). A framing only one dialect speaks (a streamed JSON
   array: Gemini) decides at once. Comments, ``retry`` fields and payloads that fit every
   dialect (an ``error`` object, ``[DONE]``, an event-stream exception) are skipped until
   one decides. A stream that ends before any record decides falls back to the format's
   most common dialect (SSE: ``openai``).

``AutoDetector`` buffers the bytes until both are known (bounded by ``max_probe``), decoding
each fragment once with a probe decoder, so detection is linear however the bytes are cut.
"""

from __future__ import annotations

import inspect
import json
import re
import zlib
from typing import Any

from ._json import loads
from ._protocol import BytesLike, Decoder
from .errors import ParseError, UndetectableStream, UsageError, quote
from .framing import FORMATS, decoder_class

__all__ = [
    "DEFAULT_MAX_PROBE",
    "AutoDetector",
    "BodySniffer",
    "dialect_of",
    "error_from_body",
    "sniff_format",
]

DEFAULT_MAX_PROBE = 16 * 1024 * 1024
# How much of the start of a stream the framing sniffer looks at, at most.
_SNIFF_WINDOW = 64 * 1024

_BOM = b"\xef\xbb\xbf"
_SNIFF_STEP = 256  # BodySniffer: bytes of a fragment taken at a time
_WS = b" \t\r\n"
_SIGNIFICANT = re.compile(rb"[^ \t\r\n]")  # the first byte that is not _WS
_SSE_FIELDS = (b"data", b"event", b"id", b"retry", b":")

# The dialects detection asks, in this order, whether they claim a record of a framing
# (detection keeps no knowledge of their shapes: ``Dialect.claims`` holds it). Anthropic and
# Gemini before the rest: their payloads may carry fields other dialects claim; Mistral before
# OpenAI chat: its chunks are OpenAI chunks that name a Mistral model. A framing only one
# dialect speaks decides at its first record.
_CLAIMANTS = {
    "eventstream": ("bedrock-invoke", "bedrock-converse"),
    "jsonarray": ("gemini",),
}
_JSON_CLAIMANTS = (
    "anthropic",
    "gemini",
    "openai-responses",
    "cohere",
    "cohere-v1",
    "mistral",
    "openai",
    "ollama",
)

# The dialect chosen when input ends before any record decides.
_FALLBACK = {"sse": "openai", "jsonlines": "ollama", "jsonarray": "gemini", "json": "openai"}

# Each framing's size limit, by option name: a JSON document read in place of a framing
# (an error body) is bounded by the caller's limit for that framing.
# The canonical format names (FORMATS also holds aliases).
_FORMATS = ("sse", "jsonlines", "jsonarray", "eventstream", "json")
_LIMIT_OPTIONS = ("max_event_size", "max_line_size", "max_element_size", "max_message_size")


def canonical_format(name: str) -> str:
    """The format's canonical name (``ndjson`` is ``jsonlines``, ``json-array`` is
    ``jsonarray``); ``UsageError`` for an unknown one."""
    decoder_class(name)
    return next(fmt for fmt in _FORMATS if FORMATS[fmt] == FORMATS[name])


_OPTION_NAMES: dict[type, frozenset[str]] = {}
# The options of the framing decoders that the compiled build compiles (docs/compiled.md),
# whose classes show no signature there; tests/test_compiled.py keeps them equal to it.
_COMPILED_OPTIONS = {
    "SSEDecoder": frozenset({"last_event_id", "comments", "max_event_size"}),
    "JSONLinesDecoder": frozenset({"max_line_size", "fast"}),
    "EventStreamDecoder": frozenset({"max_message_size", "max_headers_size", "max_payload_size"}),
}


def _option_names(cls: type) -> frozenset[str]:
    names = _OPTION_NAMES.get(cls)
    if names is None:
        names = frozenset(inspect.signature(cls).parameters) or _COMPILED_OPTIONS[cls.__name__]
        _OPTION_NAMES[cls] = names
    return names


def framing_options(fmt: str, options: dict[str, Any]) -> dict[str, Any]:
    """The options the decoder of *fmt* takes, out of the options given to ``"auto"`` (which
    cannot know the framing in advance). A JSON document's ``max_size`` defaults to the
    caller's size limit for the framing it replaces (``max_event_size``, ...)."""
    cls = decoder_class(fmt)
    names = _option_names(cls)
    chosen = {key: value for key, value in options.items() if key in names}
    if "max_size" in names and "max_size" not in chosen:
        for key in _LIMIT_OPTIONS:
            if key in options:
                chosen["max_size"] = options[key]
                break
    return chosen


def check_options(options: dict[str, Any]) -> dict[str, Any]:
    """Return *options* if some framing takes each of them and every framing accepts its
    share; ``UsageError`` otherwise (raised at construction, not when the stream shows its
    framing)."""
    known: set[str] = set()
    for fmt in _FORMATS:
        cls = decoder_class(fmt)
        known |= _option_names(cls)
        cls(**framing_options(fmt, options))
    unknown = sorted(set(options) - known)
    if unknown:
        raise UsageError(f"unknown option(s) for every framing: {', '.join(unknown)}")
    return options


def sniff_format(prefix: bytes, *, final: bool = False) -> str | None:
    """Return the framing of a stream starting with *prefix*, or ``None`` if more bytes are
    needed (never ``None`` when *final*).

    Raises ``UndetectableStream`` when the bytes fit no format (or, with *final*, when the
    stream is empty or whitespace only).
    """
    if len(prefix) >= 12:
        if zlib.crc32(prefix[:8]) == int.from_bytes(prefix[8:12], "big"):
            return "eventstream"
    elif prefix[:1] in (b"\x00", b"\x01") and not final:
        # An event-stream prelude starts with its total length: a byte 0 or 1 for any
        # message under 32 MiB (the largest AWS allows is 16 + 128 KiB + 24 MiB).
        return None
    body = prefix
    if body[:3] == _BOM:
        body = body[3:]
    elif _BOM.startswith(body[:3]) and body and not final:
        return None
    start = len(prefix) - len(body)
    stripped = body.lstrip(_WS)
    start += len(body) - len(stripped)
    return _sniff_body(stripped, start, final)


def _sniff_body(stripped: bytes, start: int, final: bool) -> str | None:
    """``sniff_format`` after the BOM and the blank prefix: *stripped* is the stream from its
    first significant byte, at stream offset *start*."""
    if not stripped:
        if final:
            raise UndetectableStream("empty stream: nothing to detect", offset=start)
        return None
    first = stripped[:1]
    if first == b"[":
        return "jsonarray"
    if first == b"{":
        end = stripped.find(b"\n")
        if end < 0:
            if not final:
                return None
            end = len(stripped)
        try:
            loads(stripped[:end])
        except ValueError:
            return "json"
        return "jsonlines"
    for field in _SSE_FIELDS:
        if stripped.startswith(field):
            return "sse"
        if field.startswith(stripped) and not final:
            return None  # e.g. b"dat": wait for the rest of the field name
    raise UndetectableStream(
        f"not SSE, JSON lines, a JSON array or AWS event-stream: {quote(stripped)}", offset=start
    )


def dialect_of(fmt: str, record: Any) -> str | None:
    """The dialect a record of framing *fmt* reveals, or ``None`` if it does not tell."""
    # Imported here: the dialect modules load only once a stream needs them.
    from .dialects import dialect_class

    claimants = _CLAIMANTS.get(fmt, _JSON_CLAIMANTS)
    if len(claimants) == 1:
        return claimants[0]
    for name in claimants:
        if dialect_class(name).claims(record):
            return name
    return None


def error_from_body(value: Any) -> tuple[str, str | None, str | None] | None:
    """``(message, type, code)`` when a JSON document is an error body, else ``None``.

    Knows the shapes providers use: ``{"error": {"message", "type"|"status", "code"}}``
    (OpenAI, Gemini, routers), ``{"type": "error", "error": {…}}`` (Anthropic),
    ``{"error": "text"}`` (Ollama), ``{"message": "…"}`` (AWS), and a one-element list of any
    of these (Gemini without ``alt=sse``).
    """
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict):
        return None
    err = value.get("error")
    if isinstance(err, str):
        return err, None, None
    if isinstance(err, dict):
        message = err.get("message")
        kind = err.get("type") or err.get("status")
        code = err.get("code")
        return (
            str(message) if message is not None else json.dumps(err),
            str(kind) if kind is not None else None,
            str(code) if code is not None else None,
        )
    message = value.get("message") or value.get("Message")
    if isinstance(message, str) and len(value) <= 3:
        kind = value.get("__type") or value.get("type")
        return message, str(kind) if kind is not None else None, None
    return None


class AutoDetector:
    """Holds the first bytes of a stream until its framing and dialect are known.

    ``feed`` returns ``(format, dialect)`` once decided; then ``hand_over`` gives the probe
    decoder itself, with every record it decoded and the fault it met, for the real parser to
    continue with (no copy of the bytes replayed), when the probe was built with the options
    the parser needs; otherwise ``buffered`` hands over every byte seen, to replay into the
    real parser. ``finish`` decides at end of input. An SSE probe reads comments (unless the
    caller said otherwise), as most SSE dialects want them.

    Memory and time: the bytes are kept in one ``bytearray`` (no per-fragment objects), and
    each fragment is looked at once. A blank prefix (a BOM, then ASCII whitespace) is only
    counted, never rescanned, however it is cut; the framing is sniffed from the first
    significant byte, in at most ``_SNIFF_WINDOW`` bytes; after that a probe decoder of the
    framing decodes each fragment once.

    Raises ``UndetectableStream`` when the bytes fit no format, or when ``max_probe`` bytes
    went by without a decision. A ``ParseError`` in the probe is not raised here: the real
    parser meets it again when the bytes are replayed.
    """

    __slots__ = (
        "_blank",
        "_buf",
        "_fault",
        "_format",
        "_options",
        "_probe",
        "_probe_options",
        "_records",
        "_significant",
        "_waiting",
        "max_probe",
    )

    def __init__(
        self,
        *,
        format: str | None = None,
        options: dict[str, Any] | None = None,
        max_probe: int = DEFAULT_MAX_PROBE,
    ) -> None:
        self.max_probe = max_probe
        # The caller's framing options (limits) apply while probing too: each framing takes
        # the ones it knows (see framing_options); all are checked now.
        self._options = check_options(options or {})
        self._buf = bytearray()
        self._blank = 0  # leading bytes known to be a BOM or ASCII whitespace
        self._significant = False  # whether a byte past the blank prefix has arrived
        self._waiting = False
        self._probe_options: dict[str, Any] = {}
        self._records: list[Any] = []  # every record the probe decoded, for hand_over
        self._fault: ParseError | None = None  # the fault the probe met, for hand_over
        # A format given by the caller is taken as it is; only the dialect is detected.
        self._format: str | None = canonical_format(format) if format else None
        self._probe: Decoder[Any] | None = self._make_probe(self._format) if self._format else None

    def hand_over(
        self, options: dict[str, Any]
    ) -> tuple[Decoder[Any], list[Any], ParseError | None] | None:
        """If the probe was built with *options* (the real parser's framing options): the
        probe, every record it decoded and the fault it met (``None`` if none); the buffer
        is released. ``None`` otherwise (then call ``buffered``). Call it once, after
        ``feed`` decided."""
        probe = self._probe
        if probe is None or options != self._probe_options:
            return None
        taken = (probe, self._records, self._fault)
        self._probe = None
        self._buf = bytearray()
        self._records = []
        return taken

    def buffered(self) -> bytes:
        """Every byte fed so far; the buffer and the probe are released (call it once, after
        the decision)."""
        self._probe = None  # first: what it holds is garbage once the bytes are replayed
        data = bytes(self._buf)
        self._buf = bytearray()
        return data

    def feed(self, data: BytesLike) -> tuple[str, str] | None:
        buf = self._buf
        buf += data
        chunk: BytesLike = data
        if self._format is None:
            fmt = self._sniff(data)
            if fmt is None:
                if len(buf) > self.max_probe:
                    raise self._too_long()
                return None
            self._format = fmt
            self._probe = self._make_probe(fmt)
            # The probe has seen nothing yet: it takes every byte so far (no copy when they
            # are all in this fragment).
            chunk = data if len(buf) == len(data) else bytes(buf)
        decided = self._run(lambda records: self._probe_feed(chunk, records), keep=True)
        if decided is None and len(buf) > self.max_probe:
            raise self._too_long()
        return decided

    def _too_long(self) -> UndetectableStream:
        return UndetectableStream(
            f"no record told the dialect in the first {self.max_probe} bytes",
            offset=len(self._buf),
        )

    def _sniff(self, data: BytesLike) -> str | None:
        """The framing, once the bytes so far tell it (``data`` was just appended)."""
        buf = self._buf
        if not self._significant:
            # Extend the blank prefix over the new bytes only.
            blank = self._blank
            if blank == 0:
                if len(buf) < 3 and _BOM.startswith(buf):
                    return None  # perhaps a BOM still arriving
                if buf[:3] == _BOM:
                    blank = 3
            # Searched in place: no copy of the bytes after the blank prefix.
            found = _SIGNIFICANT.search(buf, blank)
            self._blank = len(buf) if found is None else found.start()
            if found is None:
                return None  # blank so far (bounded by max_probe)
            self._significant = True
        elif self._waiting and b"\n" not in data and len(buf) - self._blank < _SNIFF_WINDOW:
            # Past 16 significant bytes an undecided head is a JSON line waiting for its
            # newline: only a newline (or a full window) can change the answer.
            return None
        blank = self._blank
        end = blank + _SNIFF_WINDOW
        full = len(buf) >= end
        with memoryview(buf) as view:  # one copy of the window, not two
            window = bytes(view[blank:end])
        # Starting with its first significant byte, the stream is checked whole; after a BOM
        # or whitespace it is not event-stream (its first byte would be 0).
        fmt = sniff_format(window, final=full) if blank == 0 else _sniff_body(window, blank, full)
        self._waiting = len(buf) - blank > 16
        return fmt

    def finish(self) -> tuple[str, str]:
        """End of input: decide with what there is (falling back to the format's usual
        dialect); raises ``UndetectableStream`` for an empty stream."""
        if self._format is None:
            everything = bytes(self._buf)
            fmt = sniff_format(everything, final=True)
            assert fmt is not None
            self._format = fmt
            self._probe = self._make_probe(fmt)
            decided = self._run(lambda records: self._probe_feed(everything, records))
            if decided is not None:
                return decided
        decided = self._run(self._probe_close)
        if decided is not None:
            return decided
        return self._format, _FALLBACK.get(self._format, "bedrock-converse")

    def _make_probe(self, fmt: str) -> Decoder[Any]:
        options = framing_options(fmt, self._options)
        if fmt == "sse":
            options.setdefault("comments", True)
        self._probe_options = options
        return decoder_class(fmt)(**options)

    def _probe_feed(self, chunk: BytesLike, records: list[Any]) -> None:
        assert self._probe is not None
        self._probe._decode_into(chunk, records)

    def _probe_close(self, records: list[Any]) -> None:
        assert self._probe is not None
        self._probe._finish_into(records)

    def _run(self, step: Any, *, keep: bool = False) -> tuple[str, str] | None:
        """Run a probe step; the dialect its records reveal, else ``None``. A fault before
        any record decides settles on the format's usual dialect: the real parser, replaying
        the same bytes, then returns what came before the fault and raises it in order."""
        assert self._format is not None
        records: list[Any] = []
        failed = False
        try:
            step(records)
        except ParseError as exc:
            failed = True
            if keep:
                self._fault = exc
        if keep:  # (the probe's own records, for hand_over)
            self._records += records
        for record in records:
            dialect = dialect_of(self._format, record)
            if dialect is not None:
                return self._format, dialect
        if failed:
            return self._format, _FALLBACK.get(self._format, "bedrock-converse")
        return None


class BodySniffer:
    """Holds the first bytes of a stream of a declared framing until its first significant
    byte (after one optional BOM and ASCII whitespace) shows whether it is really that
    framing or a JSON document (``"json"``): SSE, a JSON array and AWS event-stream can never
    start with ``{``, while HTTP error bodies do.

    ``feed`` returns the framing to use once known; ``held`` then gives the bytes of the
    fragments before the deciding one (the caller still holds that one, and decodes it after
    them), or at the end of input every byte fed. Whitespace is held for at most
    ``_SNIFF_WINDOW`` bytes before the declared framing is taken as it is. Only a fragment's
    first ``_SNIFF_WINDOW`` bytes are ever looked at or copied, ``_SNIFF_STEP`` at a time, so a
    huge first fragment costs no copy of itself here.
    """

    __slots__ = ("_declared", "_head", "_seen")

    def __init__(self, declared: str) -> None:
        self._declared = declared
        self._head = bytearray()  # the undecided fragments: a BOM or its start, whitespace
        self._seen = 0  # bytes of the head known to be BOM or whitespace (never rescanned)

    def held(self) -> bytes:
        return bytes(self._head)

    def feed(self, data: BytesLike) -> str | None:
        head = self._head
        before = len(head)
        view = memoryview(data)
        # The head is blank so far (it would be decided otherwise): a significant byte or
        # passing the window decides, so the fragment is looked at a small step at a time
        # (each step's bytes are scanned once), never copied whole.
        for i in range(0, len(view), _SNIFF_STEP):
            head += view[i : i + _SNIFF_STEP]
            decided = self._decide()
            if decided is not None:
                del head[before:]  # the caller decodes the deciding fragment itself
                return decided
        return None

    def _decide(self) -> str | None:
        head = self._head
        if self._seen == 0 and len(head) < 3 and _BOM.startswith(head):
            return None  # perhaps a BOM still arriving
        if self._seen == 0 and head[:3] == _BOM:
            self._seen = 3
        rest = head[self._seen :]
        stripped = rest.lstrip(_WS)
        self._seen += len(rest) - len(stripped)
        if not stripped:
            return None if len(head) < _SNIFF_WINDOW else self._declared
        return "json" if stripped[:1] == b"{" else self._declared

    def finish(self) -> str:
        return self._declared
