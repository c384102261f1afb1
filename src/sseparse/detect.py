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
2. **Dialect, from the first records** (``dialect_of``): SSE event names and the JSON shape
   of the first payload that says something (``"type": "message_start"`` is Anthropic,
   ``"response.*"`` OpenAI Responses, ``candidates`` Gemini, ``choices`` OpenAI chat, a
   Mistral model name Mistral; ``event_type`` is Cohere v1; ``message``/``done`` Ollama; an
   event-stream ``chunk`` event is Bedrock InvokeModel, other event-stream frames Bedrock
   ConverseStream). Comments, ``retry`` fields and payloads that fit every dialect (an
   ``error`` object, ``[DONE]``) are skipped until one decides. A stream that ends before
   any record decides falls back to the format's most common dialect (SSE: ``openai``).
   Where a dialect module knows its own shape, detection asks it (``Dialect.claims``).

``AutoDetector`` buffers the bytes until both are known (bounded by ``max_probe``), decoding
each fragment once with a probe decoder, so detection is linear however the bytes are cut.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from ._protocol import BytesLike, Decoder
from .errors import ParseError, UndetectableStream, UsageError, quote
from .framing import decoder_class
from .framing.records import JSONRecord, SSEEvent

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
_WS = b" \t\r\n"
_SSE_FIELDS = (b"data", b"event", b"id", b"retry", b":")

_ANTHROPIC_TYPES = frozenset(
    {
        "message_start",
        "message_delta",
        "message_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "ping",
    }
)
# Dialects asked, in this order, whether they claim a record (Mistral before OpenAI chat:
# its chunks are OpenAI chunks that name a Mistral model).
_CLAIMANTS = ("openai-responses", "cohere", "cohere-v1", "mistral", "openai", "ollama")

# The dialect chosen when input ends before any record decides.
_FALLBACK = {"sse": "openai", "jsonlines": "ollama", "jsonarray": "gemini", "json": "openai"}


def sniff_format(prefix: bytes, *, final: bool = False) -> str | None:
    """Return the framing of a stream starting with *prefix*, or ``None`` if more bytes are
    needed (never ``None`` when *final*).

    Raises ``UndetectableStream`` when the bytes fit no format (or, with *final*, when the
    stream is empty or whitespace only).
    """
    if len(prefix) >= 12:
        if zlib.crc32(prefix[:8]) == int.from_bytes(prefix[8:12], "big"):
            return "eventstream"
    elif prefix[:1] == b"\x00" and not final:
        return None  # an event-stream prelude starts with a zero byte (length < 16 MiB)
    body = prefix
    if body[:3] == _BOM:
        body = body[3:]
    elif _BOM.startswith(body[:3]) and body and not final:
        return None
    start = len(prefix) - len(body)
    stripped = body.lstrip(_WS)
    start += len(body) - len(stripped)
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
            json.loads(stripped[:end])
        except (ValueError, RecursionError):
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


def _loads(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _from_json(value: Any) -> str | None:
    """The dialect a JSON payload belongs to, or ``None`` when it fits several."""
    if not isinstance(value, dict):
        return None
    kind = value.get("type")
    if isinstance(kind, str) and kind in _ANTHROPIC_TYPES:
        return "anthropic"
    if "candidates" in value or "usageMetadata" in value or "promptFeedback" in value:
        return "gemini"
    return None


def _claimed(record: Any) -> str | None:
    """The first dialect of ``_CLAIMANTS`` that claims *record*, or ``None``."""
    # Imported here: the dialect modules load only once a stream needs them.
    from .dialects import dialect_class

    for name in _CLAIMANTS:
        if dialect_class(name).claims(record):
            return name
    return None


def dialect_of(fmt: str, record: Any) -> str | None:
    """The dialect a record of framing *fmt* reveals, or ``None`` if it does not tell."""
    if fmt == "eventstream":
        if getattr(record, "message_type", None) != "event":
            return None  # an exception frame fits both Bedrock dialects
        # Imported here: the dialect modules load only once a stream needs them.
        from .dialects.bedrock_invoke import BedrockInvokeDialect

        return "bedrock-invoke" if BedrockInvokeDialect.claims(record) else "bedrock-converse"
    if fmt == "jsonarray":
        return "gemini"
    if isinstance(record, SSEEvent):
        by_json = _from_json(_loads(record.data)) or _claimed(record)
        if by_json is not None:
            return by_json
        if record.type in _ANTHROPIC_TYPES:
            return "anthropic"
        return None
    if isinstance(record, JSONRecord):
        return _from_json(record.value) or _claimed(record)
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

    ``feed`` returns ``(format, dialect)`` once decided (then ``buffered`` gives every byte
    seen, to replay into the real parser); ``finish`` decides at end of input.

    Raises ``UndetectableStream`` when the bytes fit no format, or when ``max_probe`` bytes
    went by without a decision. A ``ParseError`` in the probe is not raised here: the real
    parser meets it again when the bytes are replayed.
    """

    __slots__ = (
        "_chunks",
        "_format",
        "_head",
        "_options",
        "_probe",
        "_size",
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
        # The caller's framing options (limits) apply while probing too.
        self._options = options or {}
        self._chunks: list[bytes] = []
        self._head = bytearray()
        self._waiting = False
        self._size = 0
        # A format given by the caller is taken as it is; only the dialect is detected.
        self._format: str | None = format
        self._probe: Decoder[Any] | None = self._make_probe(format) if format else None

    def buffered(self) -> bytes:
        """Every byte fed so far."""
        return b"".join(self._chunks)

    def feed(self, data: BytesLike) -> tuple[str, str] | None:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._size += len(chunk)
        if self._format is None:
            if len(self._head) < _SNIFF_WINDOW:
                self._head += chunk[: _SNIFF_WINDOW - len(self._head)]
            full = len(self._head) >= _SNIFF_WINDOW
            # A prefix left undecided past 16 bytes is all whitespace or a JSON line still
            # waiting for its newline: only a newline can change the answer (no record can
            # be complete before one), so the head is not rescanned for every byte.
            if self._waiting and b"\n" not in chunk and not full:
                return None
            fmt = sniff_format(bytes(self._head), final=full)
            if fmt is None:
                self._waiting = len(self._head) > 16
                return None
            self._chunks = [b"".join(self._chunks)]
            self._format = fmt
            self._probe = self._make_probe(fmt)
            chunk = self._chunks[0]
        decided = self._run(lambda records: self._probe_feed(chunk, records))
        if decided is None and self._size > self.max_probe:
            raise UndetectableStream(
                f"no record told the dialect in the first {self.max_probe} bytes",
                offset=self._size,
            )
        return decided

    def finish(self) -> tuple[str, str]:
        """End of input: decide with what there is (falling back to the format's usual
        dialect); raises ``UndetectableStream`` for an empty stream."""
        if self._format is None:
            fmt = sniff_format(self.buffered(), final=True)
            assert fmt is not None
            self._format = fmt
            self._probe = self._make_probe(fmt)
            decided = self._run(lambda records: self._probe_feed(self.buffered(), records))
            if decided is not None:
                return decided
        decided = self._run(self._probe_close)
        if decided is not None:
            return decided
        return self._format, _FALLBACK.get(self._format, "bedrock-converse")

    def _make_probe(self, fmt: str) -> Decoder[Any]:
        try:
            return decoder_class(fmt)(**self._options)
        except TypeError as exc:
            raise UsageError(f"bad option for the {fmt} decoder: {exc}") from None

    def _probe_feed(self, chunk: bytes, records: list[Any]) -> None:
        assert self._probe is not None
        self._probe._decode_into(chunk, records)

    def _probe_close(self, records: list[Any]) -> None:
        assert self._probe is not None
        self._probe._finish_into(records)

    def _run(self, step: Any) -> tuple[str, str] | None:
        """Run a probe step; the dialect its records reveal, else ``None``. A fault before
        any record decides settles on the format's usual dialect: the real parser, replaying
        the same bytes, then returns what came before the fault and raises it in order."""
        assert self._format is not None
        records: list[Any] = []
        failed = False
        try:
            step(records)
        except ParseError:
            failed = True
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

    ``feed`` returns the framing to use once known, then ``buffered`` gives the bytes seen.
    Whitespace is held for at most ``_SNIFF_WINDOW`` bytes before the declared framing is
    taken as it is.
    """

    __slots__ = ("_declared", "_head", "_seen")

    def __init__(self, declared: str) -> None:
        self._declared = declared
        self._head = bytearray()
        self._seen = 0  # bytes of the head known to be BOM or whitespace (never rescanned)

    def buffered(self) -> bytes:
        return bytes(self._head)

    def feed(self, data: BytesLike) -> str | None:
        head = self._head
        head += data
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
