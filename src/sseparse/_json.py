"""Every JSON text sseparse reads goes through here: one reader, one set of rules.

The rules (the same on every supported Python, whatever its recursion limit):

* **Depth.** A value may nest at most ``MAX_DEPTH`` (512) arrays/objects (``[[1]]`` is depth
  2). Deeper input is rejected before it is parsed: CPython's own limit differs between
  versions (3.10/3.11 raise ``RecursionError`` near 1000 levels, 3.12+ accept thousands), and
  a stream from an untrusted upstream must get the same answer everywhere.
* **Non-finite numbers.** ``NaN``, ``Infinity`` and ``-Infinity`` (a Python extension, not
  JSON) are rejected, and so is a number literal outside the double range (``1e999``, which
  ``float()`` would turn into ``inf``): no value we return can hold a non-finite float, so
  no JSON we write back can be non-standard.
* **Integer size.** An integer literal longer than Python's int/str conversion limit (4300
  digits unless the application changed it with ``sys.set_int_max_str_digits``) is rejected;
  converting a longer one would cost quadratic time.

Every violation raises ``ValueError`` (``json.JSONDecodeError`` for syntax, ``Rejected`` for
the rules above), never ``RecursionError``; callers turn it into their ``ParseError`` and use
``describe`` for the message.

Speed: ``loads`` calls ``json.loads``'s own C scanner (``scan_once``) directly for the common
case (a value filling the whole string) — ``json.loads`` adds a type check, a BOM check and
two whitespace regex matches, about as costly as the scan on a short chunk — and falls back to
the full decoder for everything else (surrounding whitespace, errors). The depth rule costs
nothing on a text of up to ``MAX_DEPTH`` characters and two ``str.count`` calls on a longer
one; the exact, string-aware depth is only computed when the text holds more than
``MAX_DEPTH`` opening brackets in all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any, NoReturn

__all__ = ["MAX_DEPTH", "Rejected", "describe", "loads", "scan_once"]

MAX_DEPTH = 512
"""The deepest nesting of arrays and objects accepted in one JSON value."""


class Rejected(ValueError):
    """Syntactically valid JSON that breaks one of this module's rules (depth, non-finite
    number)."""


def _reject_constant(name: str) -> NoReturn:
    raise Rejected(f"non-finite number {name} is not JSON")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if value - value != 0.0:  # inf - inf is nan; a finite value gives 0.0
        raise Rejected(f"number {literal[:40]} is outside the double range")
    return value


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
# typeshed does not declare the attribute; the C scanner with the hooks above.
_scan: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]


def _full(text: str) -> Any:
    """What ``json.loads(text)`` does with a ``str`` (its BOM check, then the decoder), with
    the hooks above."""
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _DECODER.decode(text)


# A whole string literal (skipped: brackets inside strings do not nest), or a run of bytes
# that are neither brackets nor quotes (dropped). What is left is the brackets, in order.
_NOT_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^\[\]{}"]+', re.DOTALL)
# Brackets as signed bytes: openers +1, closers -1 (0xFF), a stray quote 0.
_WEIGHTS = bytes.maketrans(b'[{]}"', b"\x01\x01\xff\xff\x00")


def _check_depth(text: str) -> None:
    """Raise ``Rejected`` if *text* nests more than ``MAX_DEPTH`` arrays/objects (called only
    when *text* holds more than ``MAX_DEPTH`` opening brackets)."""
    brackets = _NOT_BRACKETS.sub("", text).encode("ascii").translate(_WEIGHTS)
    # The running sum of +1/-1 is the depth after each bracket; C-level iteration throughout.
    if brackets and max(accumulate(memoryview(brackets).cast("b"))) > MAX_DEPTH:
        raise Rejected(f"nested deeper than {MAX_DEPTH} arrays/objects")


def scan_once(text: str, idx: int) -> tuple[Any, int]:
    """Read one JSON value from *text* at *idx*: ``(value, end)``.

    Raises ``StopIteration`` when no value starts at *idx*, ``ValueError``
    (``json.JSONDecodeError`` or ``Rejected``) for bad or rejected JSON. The depth rule is
    applied to the whole of *text*.
    """
    # Deeper nesting needs more than MAX_DEPTH opening brackets: short texts cannot have it.
    if len(text) > MAX_DEPTH and text.count("[") + text.count("{") > MAX_DEPTH:
        _check_depth(text)
    try:
        return _scan(text, idx)
    except RecursionError:  # only if the caller's own stack is already deep
        raise Rejected("nested too deeply for the interpreter's stack") from None


def loads(text: str | bytes | bytearray) -> Any:
    """``json.loads(text)`` under this module's rules: the value, or ``ValueError``
    (``json.JSONDecodeError``, ``Rejected``, ``UnicodeDecodeError``) — never
    ``RecursionError``. Bytes are decoded as ``json.loads`` decodes them (UTF-8 with an
    optional BOM, UTF-16 or UTF-32)."""
    if not isinstance(text, str):
        text = bytes(text).decode(json.detect_encoding(text), "surrogatepass")
    size = len(text)
    if size > MAX_DEPTH and text.count("[") + text.count("{") > MAX_DEPTH:
        _check_depth(text)
    try:
        try:
            value, end = _scan(text, 0)
        except StopIteration:
            return _full(text)
        if end != size:
            return _full(text)
        return value
    except RecursionError:
        raise Rejected("nested too deeply for the interpreter's stack") from None


def describe(exc: BaseException) -> str:
    """A short reason for a JSON failure, for error messages."""
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    return str(exc)[:120] or type(exc).__name__
