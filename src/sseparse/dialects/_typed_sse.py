"""What the SSE dialects whose every event is a JSON object naming its own ``"type"``
(Anthropic Messages, OpenAI Responses) share: record handling, the ``[DONE]`` sentinel some
gateways add, and a fast path for the text deltas that make up most of a stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from .._build import fast_maker
from ..events import Done, Event, KeepAlive, Other, TextDelta
from ..framing.records import SSEComment, SSEEvent, SSERetry
from ._base import Dialect, load_json, malformed

__all__ = ["TypedJSONDialect"]

_text_delta = fast_maker(TextDelta, "text", "choice", "raw")


class TypedJSONDialect(Dialect[SSEEvent | SSEComment | SSERetry]):
    """Base of dialects whose SSE events each carry a JSON object with a ``"type"``.

    Subclasses fill ``_handlers`` (a handler per event ``"type"``) and ``_done``, implement
    ``_close_calls``, and may name their bulk text event: ``text_event`` (its ``"type"``) and
    ``text_of`` (its text, or ``None`` when the object is not the plain shape, which then takes
    ``on_json``'s validating path).
    """

    default_format: ClassVar[str] = "sse"
    # The SSE event name repeats the payload's "type": StreamParser may skip building
    # SSEEvent records for "event: …" + "data: …" blocks and call on_message directly.
    ignores_event_type: ClassVar[bool] = True
    # Proxies (OpenRouter) send keep-alive comments.
    wants_comments: ClassVar[bool] = True
    text_event: ClassVar[str | None] = None

    def text_of(self, value: dict[str, Any]) -> Any:
        """The text of a ``text_event`` object (raise ``KeyError``/``TypeError`` if absent)."""
        raise NotImplementedError

    # Subclasses fill these: a handler per event "type", whether the end marker was seen.
    _handlers: dict[str, Callable[[dict[str, Any], list[Event]], None]]
    _done: bool

    def _close_calls(self, out: list[Event], raw: Any) -> None:
        """End the tool calls still open (*raw*: the record that ends them, ``None`` at end
        of input)."""
        raise NotImplementedError

    def on_json(
        self, value: dict[str, Any], out: list[Event], *, offset: int, payload: str | bytes
    ) -> None:
        """Map one parsed event object, dispatching on its ``"type"``; an object every
        handler leaves without events becomes ``Other`` (nothing is dropped).

        Raises ``MalformedPayload`` (pointing at *offset*, quoting *payload*) for an object
        without a string ``type``. For one without the shape its type requires, the handler's
        ``KeyError``/``TypeError``/``AttributeError``/``ValueError``/``IndexError`` escapes:
        the caller's one bad-record policy reports it at the record (``StreamParser``).
        """
        kind = value.get("type")
        if type(kind) is not str:
            raise malformed("event has no string 'type'", offset=offset, payload=payload)
        handler = self._handlers.get(kind)
        n = len(out)
        if handler is not None:
            handler(value, out)
        if len(out) == n:
            out.append(Other(kind=kind, raw=value))

    def on_end(self, out: list[Event]) -> None:
        """End of input: end open tool calls, then ``Done(clean=False)`` unless already done."""
        self._close_calls(out, None)
        if not self._done:
            self._done = True
            out.append(Done(clean=False))

    def on_record(self, record: SSEEvent | SSEComment | SSERetry, out: list[Event]) -> None:
        """Map one SSE record; raise ``MalformedPayload`` for a bad payload."""
        if type(record) is SSEEvent:
            self.on_message(record.data, record.offset, out)
        elif type(record) is SSEComment:
            out.append(KeepAlive(raw=record.text))
        else:
            out.append(Other(kind="retry", raw=record))

    def on_message(self, data: str, offset: int, out: list[Event]) -> None:
        """Map the data of one SSE event (its SSE type is not used), found at stream *offset*;
        raise ``MalformedPayload`` for a bad one."""
        try:
            value = self._loads(data)
        except (ValueError, RecursionError):
            if data == "[DONE]":  # a gateway's chat-style sentinel: nothing to report
                return
            load_json(data, offset=offset)  # raises MalformedPayload
            raise  # pragma: no cover - load_json raised already
        if type(value) is not dict:
            raise malformed("event data is not a JSON object", offset=offset, payload=data)
        # Fast path for the bulk of a stream: a well-formed text delta (subscripts are cheaper
        # than .get). Anything else, or an unexpected shape, takes on_json's validating path.
        if value.get("type") == self.text_event:
            try:
                text = self.text_of(value)
            except (KeyError, TypeError, IndexError):
                text = None
            if type(text) is str and text:
                out.append(_text_delta(text, 0, value))
                return
        self.on_json(value, out, offset=offset, payload=data)
