"""Text and JSON safe to show: a hostile upstream controls every string in a stream.

Terminal injection: an ANSI or OSC escape sequence in a tool name or an error message would
be obeyed by the user's terminal (retitle it, rewrite what was printed, hide text). Every
stream-controlled string goes through ``safe()``, which writes C0 and C1 control characters,
DEL, lone surrogates and the bidirectional overrides as visible ``\\x..``/``\\u....``
escapes, keeping only tab and (in multi-line text) line feed.

JSON output is standard (RFC 8259): no ``NaN`` or ``Infinity`` (a non-finite number is
written as that word in a string), no int the interpreter cannot print (written as a string
naming its size), and lone surrogates escaped so the text is valid UTF-8.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["safe", "to_json"]

_BIDI = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")
_UNSAFE_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str, *, multiline: bool = False) -> str:
    """*text* with everything a terminal could act on made visible (see the module doc);
    with *multiline*, line feeds and tabs are kept, else only tabs."""
    return (_UNSAFE_TEXT if multiline else _UNSAFE_LINE).sub(_escape, text)


def _default(value: object) -> str:
    # Raw payloads can hold bytes (event-stream frames) or records: show them, never fail.
    return repr(value)


def _standard(value: Any) -> Any:
    """*value* with non-finite floats and unprintable ints replaced by strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            str(value)
        except ValueError:
            return f"<int of {value.bit_length()} bits>"
        return value
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _standard(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_standard(v) for v in value]
    return value


def to_json(value: Any, *, indent: int | None = None) -> str:
    """*value* as standard JSON text that is valid UTF-8 (see the module doc)."""
    try:
        text = json.dumps(
            value, ensure_ascii=False, allow_nan=False, default=_default, indent=indent
        )
    except ValueError:
        value = _standard(value)
        text = json.dumps(
            value, ensure_ascii=False, allow_nan=False, default=_default, indent=indent
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON's own escapes carry it
        text = json.dumps(value, allow_nan=False, default=_default, indent=indent)
    return text
