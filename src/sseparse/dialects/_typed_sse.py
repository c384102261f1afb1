"""What the SSE dialects whose every event is a JSON object naming its own ``"type"``
(Anthropic Messages, OpenAI Responses) share: record handling, the ``[DONE]`` sentinel some
gateways add, and a fast path for the text deltas that make up most of a stream."""

from __future__ import annotations

from typing import Any, ClassVar

from ..events import Event, KeepAlive, Other
from ..framing.records import SSEComment, SSEEvent, SSERetry
from ._base import Dialect, Handler, load_json, malformed
from ._make import text_delta

__all__ = ["TypedJSONDialect"]


class TypedJSONDialect(Dialect[SSEEvent | SSEComment | SSERetry]):
    """Base of dialects whose SSE events each carry a JSON object with a ``"type"``.

    Subclasses fill ``_handlers`` (a handler per event ``"type"``), implement
    ``close_calls``, and may name their bulk text event: ``text_event`` (its ``"type"``) and
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
        """The text of a ``text_event`` object, or anything but a non-empty string for one of
        another kind (which takes the validating path). It raises ``KeyError``/``TypeError``
        only for an object that the ``text_event`` handler would reject with that same error
        before appending any event, so the fast path changes no outcome."""
        raise NotImplementedError

    # Subclasses fill this: a handler per event "type", called as handler(self, value, out).
    _handlers: ClassVar[dict[str, Handler]]

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
            handler(self, value, out)
        if len(out) == n:
            out.append(Other(kind=kind, raw=value))

    def on_record(self, record: SSEEvent | SSEComment | SSERetry, out: list[Event]) -> None:
        """Map one SSE record; raises as ``on_message`` does."""
        if type(record) is SSEEvent:
            self.on_message(record.data, record.offset, out)
        elif type(record) is SSEComment:
            out.append(KeepAlive(raw=record.text))
        else:
            out.append(Other(kind="retry", raw=record))

    def on_message(self, data: str, offset: int, out: list[Event]) -> None:
        """Map the data of one SSE event (its SSE type is not used), found at stream *offset*;
        raise ``MalformedPayload`` for a payload that is not an object with a string ``type``,
        a shape error (``KeyError``, ``TypeError``, …) for one of the wrong shape."""
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
        # than .get). Any other shape takes on_json's validating path; a shape text_of cannot
        # read is one its handler cannot read either, and its shape error is the parser's to
        # report (see text_of).
        if value.get("type") == self.text_event:
            text = self.text_of(value)
            if type(text) is str and text:
                out.append(text_delta(text, 0, value))
                return
        self.on_json(value, out, offset=offset, payload=data)
