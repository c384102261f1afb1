"""``JSONDocumentDecoder``: a whole body that is one JSON document, not a stream.

Streaming endpoints answer errors (HTTP 4xx/5xx) with an ordinary JSON body, often
pretty-printed over many lines, e.g. ``{"error": {"code": 404, "message": …}}``. Read as SSE,
such a body is a run of unknown fields that dispatch nothing, so the error would vanish.
``StreamParser`` switches to this decoder when a stream that should be SSE, a JSON array or
AWS event-stream starts with ``{`` (see ``sseparse.detect``), so the body is reported.

The document is buffered (up to ``max_size`` bytes) and parsed at ``close()``.
"""

from __future__ import annotations

from .._fastjson import json_reader
from .._json import describe
from .._protocol import BytesLike, Decoder, check_limit
from ..errors import InvalidJSON, LimitExceeded, TruncatedStream, quote
from .records import JSONRecord

__all__ = ["DEFAULT_MAX_SIZE", "JSONDocumentDecoder"]

DEFAULT_MAX_SIZE = 16 * 1024 * 1024


class JSONDocumentDecoder(Decoder[JSONRecord]):
    """One JSON value spanning the whole input, returned by ``close()``.

    ``UsageError`` if ``max_size`` is not a positive ``int``, or ``fast`` (read with msgspec,
    the ``fast`` extra: the same values and errors) is not a ``bool`` or needs the extra. Raises ``LimitExceeded`` past ``max_size`` bytes, ``InvalidJSON`` when the body is not
    one JSON value, ``TruncatedStream`` when it is empty (whitespace only).
    """

    __slots__ = ("_buf", "_loads", "max_size")

    def __init__(self, *, max_size: int = DEFAULT_MAX_SIZE, fast: bool = False) -> None:
        super().__init__()
        self.max_size = check_limit("max_size", max_size)
        self._loads = json_reader(fast)
        self._buf = bytearray()

    def _decode(self, data: BytesLike, out: list[JSONRecord]) -> None:
        if len(self._buf) + len(data) > self.max_size:
            raise LimitExceeded(
                f"JSON body larger than max_size={self.max_size} bytes",
                offset=self.max_size,
                limit=self.max_size,
            )
        self._buf += data

    def _finish(self, out: list[JSONRecord]) -> None:
        raw = bytes(self._buf)
        self._buf = bytearray()
        start = len(raw) - len(raw.lstrip(b" \t\r\n\xef\xbb\xbf"))
        if start == len(raw):
            raise TruncatedStream("empty JSON body", offset=len(raw), received=len(raw))
        try:
            value = self._loads(raw.decode("utf-8-sig"))
        except ValueError as exc:
            pos = getattr(exc, "pos", start)
            raise InvalidJSON(
                f"body is not one JSON value ({describe(exc)}): {quote(raw)}", offset=pos
            ) from exc
        out.append(JSONRecord(value=value, raw=raw, offset=start, line=None))
