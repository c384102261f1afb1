"""What every dialect adapter implements, and small helpers they share.

A dialect turns wire records into events (DESIGN §1). It never sees bytes. It is fed records
one at a time by ``StreamParser`` and appends the events each one produces to ``out``; at end
of input ``on_end`` closes what is still open (tool calls) and appends ``Done``.

A record whose payload is not what the dialect expects raises ``MalformedPayload`` pointing at
the record's offset (``malformed`` builds one). ``StreamParser`` also turns a stray
``KeyError``/``TypeError``/``IndexError``/``AttributeError``/``ValueError`` raised while a
dialect reads a payload of the wrong shape into ``MalformedPayload``, so no other exception
type escapes. What happens then is ``StreamParser``'s bad-record policy, decided in one place
(``StreamParser._bad_record``; DESIGN §1, strict framing, tolerant meaning): by default the
events the record already yielded are kept, an in-band ``Malformed`` event follows them and
the stream goes on; with ``StreamParser(strict=True)`` the ``MalformedPayload`` is raised and
ends the stream. A dialect therefore raises for a record it cannot interpret, after
appending the events of the parts it did understand, and never decides the policy itself:
no dialect catches its own shape errors or reads ``strict``.

The end of a stream is kept here too, once for every dialect: exactly one ``Done`` per
stream. A dialect's clean end marker (``[DONE]``, ``message_stop``, ``message-end``,
``response.completed``, ``"done": true``, …) calls ``end_marker``: the open tool calls end
(``close_calls``) and ``Done(clean=True)`` follows at once, the first time only; records
after it are still decoded. ``on_end`` ends the calls still open, then gives
``Done(clean=False)`` unless the marker came (``end_of_input``; a dialect whose stream has no
marker and ends with the HTTP response says there whether that end is clean).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from .. import _json
from .._fastjson import Loads
from ..errors import MalformedPayload
from ..events import Done, Event

__all__ = ["Dialect", "Handler", "load_json", "malformed"]

R = TypeVar("R", contravariant=True)

# A dialect's handler of one event type, in its class-level table: called with the dialect,
# the event object and the output list.
Handler = Callable[[Any, dict[str, Any], list[Event]], None]


class Dialect(Generic[R]):
    """Base of the dialect adapters.

    ``name`` is the registry name (``StreamParser(dialect=name)``), ``provider`` what
    ``StreamStart.provider`` says, ``default_format`` the framing used when none is given.

    Optional, for SSE dialects (read by ``StreamParser``):

    * ``wants_comments``: the SSE decoder is built with ``comments=True`` so comments reach
      ``on_record`` (as ``SSEComment``, usually mapped to ``KeepAlive``);
    * ``on_message(data, offset, out)``: handles the data of a plain ``message`` event exactly
      as ``on_record(SSEEvent(data=data, offset=offset))`` would; its presence lets the
      parser give the dialect to the SSE decoder as its sink, which then calls it without
      building an ``SSEEvent`` (see ``parser.py``);
    * ``ignores_event_type``: the dialect's handling of an event does not depend on its SSE
      type (the payload names its own), so every event goes to ``on_message``;
    * ``message_bytes``: with ``fast=True``, ``on_message`` is given the data as its
      undecoded UTF-8 ``bytes`` (``SSEDecoder._sink``), and handles them exactly as it
      handles their decoding with replacement, the ``str`` the spec makes of them.
    """

    name: ClassVar[str]
    provider: ClassVar[str]
    default_format: ClassVar[str]
    wants_comments: ClassVar[bool] = False
    ignores_event_type: ClassVar[bool] = False
    message_bytes: ClassVar[bool] = False
    _loads: Loads = staticmethod(_json.loads)
    """The JSON reader for payloads; ``StreamParser(fast=True)`` sets msgspec's on the
    instance it builds (same values and errors, see ``sseparse._fastjson``)."""

    @classmethod
    def claims(cls, record: Any) -> bool:
        """Whether *record* (a decoded wire record) says it is this dialect's: detection
        (``dialect="auto"``) asks the dialects rather than keeping a copy of their knowledge.
        ``False`` when it does not tell (fits several dialects). Raises nothing."""
        return False

    def on_record(self, record: R, out: list[Event]) -> None:
        """Append the events *record* produces; raise ``MalformedPayload`` for a bad one."""
        raise NotImplementedError

    def on_end(self, out: list[Event]) -> None:
        """End of input: end the tool calls still open, then ``Done(clean=False)`` unless the
        end marker gave this stream's ``Done``. Raises what ``close_calls`` raises."""
        self.close_calls(None, out)
        self.end_of_input(out)

    # -- the end of the stream: one Done (see the module doc) ----------------------------------

    _done: bool = False
    """Whether this stream's ``Done`` was appended (set by ``end_marker``/``end_of_input``;
    a dialect that passes on a delegate's ``Done`` sets it too)."""

    def close_calls(self, raw: Any, out: list[Event]) -> None:
        """End the tool calls still open (*raw*: the record that ends them, ``None`` at end
        of input); ending one twice appends nothing. None by default."""

    def end_marker(self, raw: Any, out: list[Event]) -> bool:
        """The dialect's clean end marker, in record *raw*: the first time, end the tool calls
        still open and append ``Done(clean=True)``; ``True``. A later marker appends nothing
        and returns ``False`` (the caller reports it, as ``Other``). A marker that says more
        (finish, usage, an error) has its dialect end the calls first (``close_calls``),
        append those events, then call this. Raises what ``close_calls`` raises."""
        if self._done:
            return False
        self.close_calls(raw, out)
        self._done = True
        out.append(Done(clean=True, raw=raw))
        return True

    def end_of_input(self, out: list[Event], *, clean: bool = False) -> None:
        """End of input, the tool calls ended: ``Done(clean=clean)`` unless this stream's
        ``Done`` was given (by the end marker). Raises nothing."""
        if not self._done:
            self._done = True
            out.append(Done(clean=clean))


def malformed(why: str, *, offset: int, payload: str | bytes) -> MalformedPayload:
    """Build the ``MalformedPayload`` for a record at *offset* whose payload is *payload*."""
    return MalformedPayload(why, offset=offset, payload=payload)


def load_json(text: str | bytes, *, offset: int, loads: Loads = _json.loads) -> Any:
    """Parse a record's JSON payload with *loads* (the dialect's ``_loads``); raise
    ``MalformedPayload`` (not ``JSONDecodeError``)."""
    try:
        return loads(text)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, Rejected (see _json)
        raise malformed(f"payload is not valid JSON ({exc})", offset=offset, payload=text) from exc
