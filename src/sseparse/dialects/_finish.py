"""The one finish mapping every dialect uses (issue 9).

A provider's finish word is looked up in the dialect's table; an unknown word is
``"other"``, and ``raw_reason`` keeps the provider's own word. An API that may send the enum
as an integer (Gemini's ``enum-encoding=int``) gives its number->name table: the word is then
the enum's name (``"MAX_TOKENS"``, not ``"2"``), the same ``raw_reason`` as the string
encoding. Several
providers say ``stop`` (or their word for it) when the turn ended with tool calls: the
dialect passes ``calls=True`` once it emitted a client tool call and ``stop`` becomes
``tool_calls`` — that rule lives here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..events import Finish, FinishReason

__all__ = ["enum_word", "finish"]


def enum_word(word: Any, names: Mapping[int, str] | None = None) -> str:
    """The provider's word for an enum value that carries the answer (a finish or block
    reason): a string as sent; an integer (an API with ``enum-encoding=int``) by its name in
    *names*, or its text when it has none there. Raises ``TypeError`` for another type, or
    for an integer when the API has no integer encoding (*names* is ``None``): such a value
    is reported, never guessed."""
    kind = type(word)
    if kind is str:
        return word  # type: ignore[no-any-return]
    if kind is int and names is not None:
        return names.get(word, str(word))
    raise TypeError(f"finish reason is {word!r}, not a string")


def finish(
    word: Any,
    table: Mapping[str, FinishReason],
    *,
    raw: Any,
    calls: bool = False,
    choice: int = 0,
    names: Mapping[int, str] | None = None,
) -> Finish:
    """``Finish`` for the provider's *word* (see ``enum_word``: an integer is read by its
    name in *names*, and ``raw_reason`` is that name). Raises ``TypeError`` for a word of
    another type."""
    word = enum_word(word, names)
    reason = table.get(word, "other")
    if reason == "stop" and calls:
        reason = "tool_calls"
    return Finish(reason=reason, raw_reason=word, choice=choice, raw=raw)
