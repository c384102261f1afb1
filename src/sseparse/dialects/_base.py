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
ends the stream. A dialect therefore raises for a record it cannot interpret and never
decides the policy itself; a dialect that can go on after a partly understood record (it
keeps the parts it understood) may read ``strict``, which the parser sets on the instance.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from .. import _json
from .._fastjson import Loads
from ..errors import MalformedPayload
from ..events import Event

__all__ = ["Dialect", "load_json", "malformed"]

R = TypeVar("R", contravariant=True)


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
      type (the payload names its own), so every event goes to ``on_message``.
    """

    name: ClassVar[str]
    provider: ClassVar[str]
    default_format: ClassVar[str]
    wants_comments: ClassVar[bool] = False
    ignores_event_type: ClassVar[bool] = False
    strict: bool = False
    """Set by ``StreamParser(strict=...)`` on the instance it builds."""
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
        """End of input: append ``ToolCallEnd`` for calls still open, then ``Done``."""
        raise NotImplementedError


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
