"""Reading one field of a provider's JSON: the one rule every dialect applies (DESIGN §1).

Fields come in two kinds, and each kind has one reader here:

* **Describing** fields (ids, model names, timestamps, fingerprints, cost, service tier,
  logprobs, filter verdicts) only describe the answer. Providers change their types without
  notice, and nobody's answer depends on them, so a value of an unexpected type degrades to
  ``None`` or to an obvious conversion (an integral float is an int, a numeric string a
  number, a number given for an id its decimal text). These readers never raise.
* **Answer** fields (text, tool-call names and arguments, finish reasons, token counts)
  carry the answer, so they are never guessed: a value of another type raises ``TypeError``,
  which ``StreamParser`` reports as ``Malformed`` (or, with ``strict=True``, raises as
  ``MalformedPayload``) at the record's offset.

``bool`` is never a number here (``True`` is not a count of 1).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "answer_str",
    "count",
    "describe_float",
    "describe_int",
    "describe_str",
    "opt_answer_str",
]

_str = str
_int = int


def describe_str(value: Any) -> str | None:
    """A describing text field: a string (``""`` is "not sent", ``None``), a number as its
    decimal text, anything else ``None``."""
    kind = type(value)
    if kind is _str:
        return value or None
    if kind is _int:
        return _str(value)
    if kind is float and math.isfinite(value):
        return _str(int(value)) if value.is_integer() else repr(value)
    return None


def describe_int(value: Any) -> int | None:
    """A describing integer (a timestamp, an index that only describes): an int, an integral
    float, a string of an integer; anything else ``None``."""
    kind = type(value)
    if kind is _int:
        return int(value)
    if kind is float:
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if kind is _str and 0 < len(value) <= 20:
        text = value.strip()
        sign = text[:1] == "-"
        digits = text[1:] if sign else text
        if digits.isascii() and digits.isdigit():
            return int(text)
    return None


def describe_float(value: Any) -> float | None:
    """A describing number (a cost): an int, a finite float, a numeric string; anything else
    (an object of per-part costs, a list) ``None``."""
    kind = type(value)
    if kind is _int or kind is float:
        number = float(value)
    elif kind is _str and 0 < len(value) <= 64:
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def count(value: Any, what: str = "token count") -> int | None:
    """A token count, an answer field: absent (``None``) is ``None``; a non-negative int or
    integral float is the count; anything else raises ``TypeError`` naming *what*."""
    kind = type(value)
    if value is None:
        return None
    if kind is _int and value >= 0:
        return int(value)
    if kind is float and value >= 0 and value.is_integer():
        return int(value)
    raise TypeError(f"{what} is {value!r}, not a count")


def answer_str(value: Any, what: str) -> str:
    """Text that carries the answer: a string, else ``TypeError`` naming *what*."""
    if type(value) is not _str:
        raise TypeError(f"{what} is {type(value).__name__}, not a string")
    return value


def opt_answer_str(value: Any, what: str) -> str | None:
    """``answer_str`` for a field that may be absent: ``None`` is ``None``."""
    return None if value is None else answer_str(value, what)
