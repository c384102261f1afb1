"""The one finish mapping every dialect uses (issue 9).

A provider's finish word (or integer enum value) is looked up in the dialect's table; an
unknown word is ``"other"``, and ``raw_reason`` keeps the provider's own word. Several
providers say ``stop`` (or their word for it) when the turn ended with tool calls: the
dialect passes ``calls=True`` once it emitted a client tool call and ``stop`` becomes
``tool_calls`` — that rule lives here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..events import Finish, FinishReason

__all__ = ["finish"]


def finish(
    word: Any,
    table: Mapping[Any, FinishReason],
    *,
    raw: Any,
    calls: bool = False,
    choice: int = 0,
) -> Finish:
    """``Finish`` for the provider's *word*: a string, or — when *table* has integer keys (an
    API with ``enum-encoding=int``) — an integer. Raises ``TypeError`` for another type (a
    finish reason carries the answer: it is reported, never guessed)."""
    kind = type(word)
    if kind is not str and not (kind is int and any(type(k) is int for k in table)):
        raise TypeError(f"finish reason is {word!r}, not a string")
    reason = table.get(word, "other")
    if reason == "stop" and calls:
        reason = "tool_calls"
    return Finish(reason=reason, raw_reason=str(word), choice=choice, raw=raw)
