"""The exception hierarchy: the only exception types any sseparse call raises.

``Error`` is the root. ``ParseError`` means the input bytes are bad; every subclass carries the
byte ``offset`` (counted from the first byte ever fed, BOM included) and a message that quotes
the offending bytes. ``UsageError`` means the caller misused the API. Errors a provider sends
inside a well-formed record are not exceptions: they are ``ProviderError`` events.
"""

from __future__ import annotations

__all__ = [
    "ChecksumMismatch",
    "Error",
    "InvalidHeader",
    "InvalidJSON",
    "LimitExceeded",
    "MalformedPayload",
    "ParseError",
    "PartialJSONError",
    "TruncatedStream",
    "UndetectableStream",
    "UsageError",
    "quote",
]

_QUOTE_LIMIT = 60


def quote(data: bytes | bytearray | memoryview | str, limit: int = _QUOTE_LIMIT) -> str:
    """Return a short ``repr`` of *data* for error messages, truncated to *limit* items."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if len(data) <= limit:
        return repr(data)
    return repr(data[:limit]) + f"... ({len(data)} in all)"


class Error(Exception):
    """Root of every exception sseparse raises."""


class ParseError(Error, ValueError):
    """The input is not a valid stream of the expected format.

    ``offset`` is the position, in bytes from the start of the stream, where the fault was
    found (for a bad record: where that record starts).
    """

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.offset = offset
        self.reason = message


class LimitExceeded(ParseError):
    """A configured size limit (``limit`` bytes) was exceeded; nothing beyond it was buffered."""

    def __init__(self, message: str, *, offset: int, limit: int) -> None:
        super().__init__(message, offset=offset)
        self.limit = limit


class TruncatedStream(ParseError):
    """Input ended inside a record: ``received`` bytes of it arrived, ``expected`` were due
    (``None`` where the format does not say how many)."""

    def __init__(
        self, message: str, *, offset: int, received: int, expected: int | None = None
    ) -> None:
        super().__init__(message, offset=offset)
        self.received = received
        self.expected = expected


class ChecksumMismatch(ParseError):
    """A CRC32 did not match: ``kind`` is ``"prelude"`` or ``"message"``; ``expected`` is the
    value written in the frame, ``computed`` the value of the bytes received."""

    def __init__(
        self, message: str, *, offset: int, kind: str, expected: int, computed: int
    ) -> None:
        super().__init__(message, offset=offset)
        self.kind = kind
        self.expected = expected
        self.computed = computed


class InvalidHeader(ParseError):
    """A binary frame's prelude or header block is invalid; ``name`` is the header's name when
    it was read before the fault, else ``None``."""

    def __init__(self, message: str, *, offset: int, name: str | None = None) -> None:
        super().__init__(message, offset=offset)
        self.name = name


class InvalidJSON(ParseError):
    """A JSON-lines line or JSON-array element is not valid JSON; ``line`` is its 1-based line
    number where the format has lines, else ``None``."""

    def __init__(self, message: str, *, offset: int, line: int | None = None) -> None:
        super().__init__(message, offset=offset)
        self.line = line


class PartialJSONError(ParseError):
    """``PartialJSON`` found text that can never become JSON, or (``truncated=True``) the
    text ended before its value did. ``offset`` counts characters (the input is ``str``)."""

    def __init__(self, message: str, *, offset: int, truncated: bool = False) -> None:
        super().__init__(message, offset=offset)
        self.args = (f"{message} (at character {offset})",)
        self.truncated = truncated


class MalformedPayload(ParseError):
    """A well-framed record's payload is not what the dialect expects (not JSON, or JSON of
    the wrong shape); ``payload`` is the record's text (or bytes) as received."""

    def __init__(self, message: str, *, offset: int, payload: str | bytes = "") -> None:
        super().__init__(f"{message}: {quote(payload)}", offset=offset)
        self.reason = message  # what was wrong, without the payload (``str()`` shows both)
        self.payload = payload


class UndetectableStream(ParseError):
    """``dialect="auto"`` could not tell the framing or the dialect from the first bytes."""


class UsageError(Error, RuntimeError):
    """The API was called out of order or with bad arguments (e.g. ``feed`` after ``close``)."""
