"""What every dialect adapter implements, and small helpers they share.

A dialect turns wire records into events (DESIGN §1). It never sees bytes. It is fed records
one at a time by ``StreamParser`` and appends the events each one produces to ``out``; at end
of input ``on_end`` closes what is still open (tool calls) and appends ``Done``.

A record whose payload is not what the dialect expects raises ``MalformedPayload`` pointing at
the record's offset (``malformed`` builds one). ``StreamParser`` also turns a stray
``KeyError``/``TypeError``/``IndexError``/``AttributeError``/``ValueError`` raised while a
dialect reads a payload of the wrong shape into ``MalformedPayload``, so no other exception
type escapes.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Generic, TypeVar

from ..errors import MalformedPayload
from ..events import Event

__all__ = ["Dialect", "load_json", "malformed"]

R = TypeVar("R", contravariant=True)


class Dialect(Generic[R]):
    """Base of the dialect adapters.

    ``name`` is the registry name (``StreamParser(dialect=name)``), ``provider`` what
    ``StreamStart.provider`` says, ``default_format`` the framing used when none is given.
    """

    name: ClassVar[str]
    provider: ClassVar[str]
    default_format: ClassVar[str]

    def on_record(self, record: R, out: list[Event]) -> None:
        """Append the events *record* produces; raise ``MalformedPayload`` for a bad one."""
        raise NotImplementedError

    def on_end(self, out: list[Event]) -> None:
        """End of input: append ``ToolCallEnd`` for calls still open, then ``Done``."""
        raise NotImplementedError


def malformed(why: str, *, offset: int, payload: str | bytes) -> MalformedPayload:
    """Build the ``MalformedPayload`` for a record at *offset* whose payload is *payload*."""
    return MalformedPayload(why, offset=offset, payload=payload)


def load_json(text: str | bytes, *, offset: int) -> Any:
    """Parse a record's JSON payload; raise ``MalformedPayload`` (not ``JSONDecodeError``)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise malformed(f"payload is not valid JSON ({exc})", offset=offset, payload=text) from exc
