"""``StreamParser``: one framing decoder composed with one dialect (DESIGN §4).

It implements the same decoder protocol as the framing decoders (``feed``/``close``/
``receive_data``/``next_event``), so errors keep their causal order: events decoded before a
fault are returned first, then the fault is raised, and it stays raised.
"""

from __future__ import annotations

from typing import Any

from ._protocol import BytesLike, Decoder
from .dialects import Dialect, dialect_class
from .dialects._base import malformed
from .errors import ParseError
from .events import Event
from .framing import decoder_class

__all__ = ["StreamParser"]

# Exceptions a dialect may hit while reading a payload of the wrong shape; they mean the
# payload is malformed and are re-raised as MalformedPayload.
_SHAPE_ERRORS = (KeyError, TypeError, IndexError, AttributeError, ValueError)


def _payload_of(record: Any) -> str | bytes:
    for attr in ("data", "raw", "payload", "text"):
        value = getattr(record, attr, None)
        if isinstance(value, (str, bytes)):
            return value
    return repr(record)


class StreamParser(Decoder[Event]):
    """Bytes in, typed LLM events out.

    ``dialect`` names the provider API (see ``sseparse.dialects.DIALECTS``); ``format`` the
    framing (``"sse"``, ``"jsonlines"``, ``"jsonarray"``, ``"eventstream"``), by default the
    dialect's own. Other keyword options go to the framing decoder (e.g. ``max_event_size``).
    A dialect whose ``wants_comments`` class attribute is true gets its SSE comments as
    records (``comments=True``), unless ``comments`` is given.

    Raises ``UsageError`` for an unknown dialect or format or a bad option.
    """

    __slots__ = ("_dialect", "_framing", "dialect_name", "format")

    def __init__(self, dialect: str = "openai", *, format: str | None = None, **options: Any):
        super().__init__()
        cls = dialect_class(dialect)
        self.dialect_name = dialect
        self.format = format or cls.default_format
        self._dialect: Dialect[Any] = cls()
        if self.format == "sse" and getattr(cls, "wants_comments", False):
            # The dialect turns comments into KeepAlive; the caller may still say otherwise.
            options.setdefault("comments", True)
        try:
            self._framing: Decoder[Any] = decoder_class(self.format)(**options)
        except TypeError as exc:
            from .errors import UsageError

            raise UsageError(f"bad option for the {self.format} decoder: {exc}") from None

    def _apply(self, records: list[Any], out: list[Event]) -> None:
        on_record = self._dialect.on_record
        record: Any = None
        try:
            for record in records:
                on_record(record, out)
        except ParseError:
            raise
        except _SHAPE_ERRORS as exc:
            raise malformed(
                f"unexpected payload shape ({type(exc).__name__}: {exc})",
                offset=getattr(record, "offset", 0),
                payload=_payload_of(record),
            ) from exc

    def _decode(self, data: BytesLike, out: list[Event]) -> None:
        records: list[Any] = []
        try:
            self._framing._decode_into(data, records)
        finally:
            self._apply(records, out)

    def _finish(self, out: list[Event]) -> None:
        records: list[Any] = []
        try:
            self._framing._finish_into(records)
        finally:
            self._apply(records, out)
        try:
            self._dialect.on_end(out)
        except ParseError:
            raise
        except _SHAPE_ERRORS as exc:
            raise malformed(
                f"unexpected state at end of input ({type(exc).__name__}: {exc})",
                offset=0,
                payload="",
            ) from exc
