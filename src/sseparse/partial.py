"""Partial JSON: read a JSON text while it streams, in linear time (DESIGN §5).

Theory of operation
-------------------
``PartialJSON.feed`` runs one incremental state machine over the pieces of a JSON text. The
machine keeps an explicit stack of the containers that are open (no recursion, so depth is a
limit, ``max_depth``, not the interpreter's stack) and, for the scalar being read, only what
that scalar needs: the pieces of a string, the digits of a number and the state of the number
grammar, the letters of a literal. Every character is examined once: plain string runs,
whitespace and number runs are found by compiled regular expressions from where the last feed
stopped, and the only text ever carried from one feed to the next is an unfinished escape
(at most twelve characters: a high surrogate waiting for its low half) or nothing.

Finished values go straight into their parent container. An open container enters its parent
when it closes, so reading ``value`` copies only the open containers (the path from the root
to the scalar being read) and shares every finished part: the cost of a reading is bounded by
the size of the value, and the reading is cached until the next ``feed``. A string being read
is kept as a joined prefix plus the pieces received since the last reading, so a long string
growing by small pieces is joined once per reading, never from all its pieces.

Semantics of ``value`` are jiter's ``from_json(text, partial_mode="trailing-strings")``:
a string being read is included up to its last complete character (an unfinished escape is
left out), a number as far as it is a number (``1.`` and ``1e`` are left out), an unfinished
literal and a key without a value are left out. ``None`` means nothing is readable yet (or
the text is ``null``; ``complete`` tells them apart).
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from ._build import fast_maker
from .errors import PartialJSONError, UsageError, quote

__all__ = [
    "JSONAdded",
    "JSONChange",
    "JSONCompleted",
    "JSONPath",
    "JSONStringGrew",
    "PartialJSON",
]

JSONPath: TypeAlias = tuple[str | int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class JSONAdded:
    """A value appeared at ``path`` (the root, a new element, or a key's value).

    ``value`` is its reading when it appeared: ``{}``, ``[]`` or ``""`` for a container or a
    string that has just opened (their contents follow as their own changes), the value itself
    for a number or a literal (reported once they are whole). A key seen twice is added twice:
    the later one replaces the earlier, as in ``json.loads``.
    """

    path: JSONPath
    value: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class JSONStringGrew:
    """The string at ``path`` grew by ``piece`` (every character decoded in one ``feed``)."""

    path: JSONPath
    piece: str


@dataclass(frozen=True, slots=True, kw_only=True)
class JSONCompleted:
    """The value at ``path`` is whole: ``value`` is final (a container is shared with later
    readings of ``PartialJSON.value``; treat it as read-only)."""

    path: JSONPath
    value: Any


JSONChange: TypeAlias = JSONAdded | JSONStringGrew | JSONCompleted

# One record per value and per string growth per feed: built through the slots.
# measured: 113 KB in 8-character deltas, 47.5 ms with keyword construction (through a
# lambda), 32.9 ms with these (bench_partial's document, interleaved CPU time).
_added = fast_maker(JSONAdded, "path", "value")
_grew = fast_maker(JSONStringGrew, "path", "piece")
_completed = fast_maker(JSONCompleted, "path", "value")

# json's C string decoder (typeshed does not declare it): decodes every escape form, surrogate
# pairs joined and lone surrogates kept, exactly as json.loads does.
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")
# A run of string characters whose escapes are all whole: characters other than the quote, the
# backslash and the control characters JSON forbids raw (RFC 8259 §7), simple escapes, \uXXXX
# escapes other than high surrogates, and high surrogates followed by their low half. It stops
# at the end of the string, at a fault, and at any escape that needs more text or a decision.
_COMPLETE_RUN: Final = re.compile(
    r'[^"\\\x00-\x1f]*'
    r"(?:(?:"
    r'\\["\\/bfnrt]'
    r"|\\u(?![dD][89abAB])[0-9a-fA-F]{4}"
    r"|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r')[^"\\\x00-\x1f]*)*'
)
_NUMBER_RUN: Final = re.compile(r"[0-9eE+.\-]*")
_HEX_PREFIX: Final = re.compile(r"[0-9a-fA-F]{0,4}")
# What may follow a high surrogate's escape and still become its low half.
_LOW_PREFIX: Final = re.compile(r"(?:\\(?:u[0-9a-fA-F]{0,3})?)?")
_LITERALS: Final = {"t": ("true", True), "f": ("false", False), "n": ("null", None)}

# Where the machine is: between tokens (_E_*) or inside a scalar (_S_*).
_E_VALUE = 0  # a value must come (start, after ':' or after ',' in an array)
_E_VALUE_OR_CLOSE = 1  # after '['
_E_KEY = 2  # after ',' in an object
_E_KEY_OR_CLOSE = 3  # after '{'
_E_COLON = 4
_E_COMMA_OR_CLOSE = 5
_E_END = 6  # the value is whole: only whitespace may follow
_S_STRING = 7
_S_KEY = 8
_S_NUMBER = 9
_S_LITERAL = 10

# The number grammar (RFC 8259 §6) as a table: state -> character -> next state.
_N_START, _N_MINUS, _N_ZERO, _N_INT, _N_DOT, _N_FRAC, _N_E, _N_ESIGN, _N_EXP = range(9)
_DIGITS = "0123456789"
_NUMBER_NEXT: Final[list[dict[str, int]]] = [
    {"-": _N_MINUS, "0": _N_ZERO, **dict.fromkeys(_DIGITS[1:], _N_INT)},
    {"0": _N_ZERO, **dict.fromkeys(_DIGITS[1:], _N_INT)},
    {".": _N_DOT, "e": _N_E, "E": _N_E},
    {".": _N_DOT, "e": _N_E, "E": _N_E, **dict.fromkeys(_DIGITS, _N_INT)},
    dict.fromkeys(_DIGITS, _N_FRAC),
    {"e": _N_E, "E": _N_E, **dict.fromkeys(_DIGITS, _N_FRAC)},
    {"+": _N_ESIGN, "-": _N_ESIGN, **dict.fromkeys(_DIGITS, _N_EXP)},
    dict.fromkeys(_DIGITS, _N_EXP),
    dict.fromkeys(_DIGITS, _N_EXP),
]
# States where the digits read so far are a whole number, and how to convert them.
_NUMBER_TYPE: Final = {_N_ZERO: int, _N_INT: int, _N_FRAC: float, _N_EXP: float}

_MISSING: Final = object()


class _Fault(Exception):
    """Internal: bad JSON at ``position`` of the text being scanned."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class _Frame:
    """An open container, its path, and (for an object) the key whose value comes next."""

    __slots__ = ("container", "key", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: JSONPath) -> None:
        self.container = container
        self.path = path
        self.key = ""


class PartialJSON:
    """An incremental reader of one JSON text that arrives in pieces.

    ``feed(text)`` returns the changes the piece made; ``value`` is the reading so far
    (jiter's ``"trailing-strings"`` partial semantics); ``complete`` says whether a whole
    value has been read; ``error`` is the ``PartialJSONError`` found, if any (``feed`` never
    raises for bad JSON: the reading stays the last good one); ``close()`` checks the end.
    Nesting deeper than ``max_depth`` containers is an error. The total cost of feeding a
    text is linear in its length however it is split.
    """

    __slots__ = (
        "_carry",
        "_closed",
        "_fed",
        "_key",
        "_literal",
        "_number",
        "_number_state",
        "_path",
        "_reading",
        "_root",
        "_stack",
        "_state",
        "_string",
        "_tail",
        "complete",
        "error",
        "max_depth",
    )

    def __init__(self, *, max_depth: int = 512) -> None:
        if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
            raise UsageError(f"max_depth must be a positive int, not {max_depth!r}")
        self.max_depth = max_depth
        self.complete = False
        self.error: PartialJSONError | None = None
        self._closed = False
        self._fed = 0  # characters fed so far
        self._carry = ""  # an unfinished escape, scanned again with the next piece
        self._stack: list[_Frame] = []
        self._state = _E_VALUE
        self._root: Any = None
        self._path: JSONPath = ()  # the path of the scalar being read
        self._string = ""  # the string being read: its joined prefix...
        self._tail: list[str] = []  # ...and the pieces received since
        self._key: list[str] = []
        self._number: list[str] = []
        self._number_state = _N_START
        self._literal = ""
        self._reading: Any = _MISSING

    # -- input ------------------------------------------------------------------------------

    def feed(self, text: str) -> list[JSONChange]:
        """Read the next piece of the JSON text; return the changes it made, in order.

        Never raises for bad JSON: the changes before the fault are returned and the fault is
        kept in ``error`` (later pieces are ignored). Raises ``UsageError`` if *text* is not a
        ``str`` or after ``close()``.
        """
        if not isinstance(text, str):
            raise UsageError(f"PartialJSON.feed takes str, not {type(text).__name__}")
        if self._closed:
            raise UsageError("PartialJSON.feed after close()")
        changes: list[JSONChange] = []
        if self.error is not None or not text:
            return changes
        self._reading = _MISSING
        carry = self._carry
        start = self._fed - len(carry)
        self._fed += len(text)
        if carry:
            text = carry + text
            self._carry = ""
        try:
            self._scan(text, changes)
        except _Fault as fault:
            bad = text[fault.position : fault.position + 20]
            self.error = PartialJSONError(
                f"{fault.message}: {quote(bad)}", offset=start + fault.position
            )
        return changes

    def close(self) -> list[JSONChange]:
        """End of the text: finish a top-level number and check that a whole value was read.

        Returns the changes that finishing made. Raises ``PartialJSONError`` (a
        ``ParseError``) for bad JSON, or, with ``truncated=True``, when the text ended before
        its value did; again on every later call. Idempotent otherwise.
        """
        changes: list[JSONChange] = []
        if not self._closed:
            self._closed = True
            if (
                self.error is None
                and self._state == _S_NUMBER
                and not self._stack
                and self._number_state in _NUMBER_TYPE
            ):
                self._reading = _MISSING
                try:
                    self._finish_number(self._fed, changes)
                except _Fault as fault:
                    self.error = PartialJSONError(fault.message, offset=fault.position)
            if self.error is None and not self.complete:
                self.error = PartialJSONError(
                    "the JSON text ended before its value did", offset=self._fed, truncated=True
                )
        if self.error is not None:
            raise self.error
        return changes

    # -- output -----------------------------------------------------------------------------

    @property
    def value(self) -> Any:
        """The reading of everything fed so far (``None`` if nothing is readable yet).

        Costs at most the size of the value, nothing on a second reading without a ``feed``
        between. Finished parts are shared between readings: copy before mutating.
        """
        reading = self._reading
        if reading is not _MISSING:
            return reading
        state = self._state
        child: Any = _MISSING
        if state == _S_STRING:
            child = self._joined_string()
        elif state == _S_NUMBER and self._number_state in _NUMBER_TYPE:
            try:
                child = self._number_value(0)
            except _Fault:
                child = _MISSING
        for frame in reversed(self._stack):
            container = frame.container
            if isinstance(container, list):
                copy_list = list(container)
                if child is not _MISSING:
                    copy_list.append(child)
                child = copy_list
            else:
                copy_dict = dict(container)
                if child is not _MISSING:
                    copy_dict[frame.key] = child
                child = copy_dict
        if child is _MISSING:
            child = self._root
        self._reading = child
        return child

    # -- the machine ------------------------------------------------------------------------

    def _joined_string(self) -> str:
        tail = self._tail
        if tail:
            self._string += "".join(tail)
            tail.clear()
        return self._string

    def _number_value(self, position: int) -> Any:
        digits = "".join(self._number)
        self._number[:] = [digits]
        try:
            return _NUMBER_TYPE[self._number_state](digits)
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            raise _Fault("number too long to convert", position) from None

    def _child_path(self) -> JSONPath:
        stack = self._stack
        if not stack:
            return ()
        frame = stack[-1]
        container = frame.container
        if isinstance(container, list):
            return (*frame.path, len(container))
        return (*frame.path, frame.key)

    def _finish_value(self, value: Any, changes: list[JSONChange]) -> None:
        """Put a whole value into its parent (or the root) and report it."""
        stack = self._stack
        if stack:
            frame = stack[-1]
            container = frame.container
            if isinstance(container, list):
                container.append(value)
            else:
                container[frame.key] = value
            self._state = _E_COMMA_OR_CLOSE
        else:
            self._root = value
            self.complete = True
            self._state = _E_END
        changes.append(_completed(self._path, value))

    def _close_container(self, changes: list[JSONChange]) -> None:
        frame = self._stack.pop()
        self._path = frame.path
        self._finish_value(frame.container, changes)

    def _scan(self, text: str, changes: list[JSONChange]) -> None:
        n = len(text)
        i = 0
        whitespace = _WHITESPACE.match
        while i < n:
            state = self._state
            if state in (_S_STRING, _S_KEY):
                i = self._scan_string(text, i, changes)
                continue
            if state == _S_NUMBER:
                i = self._scan_number(text, i, changes)
                continue
            if state == _S_LITERAL:
                i = self._scan_literal(text, i, changes)
                continue
            blank = whitespace(text, i)
            assert blank is not None  # the pattern matches the empty string
            i = blank.end()
            if i == n:
                break
            c = text[i]
            if state == _E_COMMA_OR_CLOSE:
                is_list = isinstance(self._stack[-1].container, list)
                if c == ",":
                    self._state = _E_VALUE if is_list else _E_KEY
                elif c == ("]" if is_list else "}"):
                    self._close_container(changes)
                else:
                    raise _Fault("expected ',' or the end of the container", i)
                i += 1
            elif state in (_E_KEY, _E_KEY_OR_CLOSE):
                if c == '"':
                    self._state = _S_KEY
                    self._key.clear()
                elif c == "}" and state == _E_KEY_OR_CLOSE:
                    self._close_container(changes)
                else:
                    raise _Fault("expected a key", i)
                i += 1
            elif state == _E_COLON:
                if c != ":":
                    raise _Fault("expected ':'", i)
                self._state = _E_VALUE
                i += 1
            elif state == _E_END:
                raise _Fault("data after the JSON value", i)
            elif c == "]" and state == _E_VALUE_OR_CLOSE:
                self._close_container(changes)
                i += 1
            else:
                self._start_value(c, i, changes)
                if self._state != _S_NUMBER:
                    i += 1

    def _start_value(self, c: str, position: int, changes: list[JSONChange]) -> None:
        path = self._path = self._child_path()
        if c == '"':
            self._state = _S_STRING
            self._string = ""
            self._tail.clear()
            changes.append(_added(path, ""))
        elif c == "{" or c == "[":
            if len(self._stack) >= self.max_depth:
                raise _Fault(f"nesting deeper than max_depth={self.max_depth}", position)
            if c == "{":
                self._stack.append(_Frame({}, path))
                self._state = _E_KEY_OR_CLOSE
                changes.append(_added(path, {}))
            else:
                self._stack.append(_Frame([], path))
                self._state = _E_VALUE_OR_CLOSE
                changes.append(_added(path, []))
        elif c == "-" or "0" <= c <= "9":
            self._state = _S_NUMBER
            self._number.clear()
            self._number_state = _N_START
        elif c in _LITERALS:
            self._state = _S_LITERAL
            self._literal = c
        else:
            raise _Fault("expected a JSON value", position)

    def _scan_string(self, text: str, i: int, changes: list[JSONChange]) -> int:
        """Decode string characters from *i*; return where scanning stopped."""
        n = len(text)
        complete_run = _COMPLETE_RUN.match
        if self._state == _S_STRING:
            # The common case, a piece of a string value's plain text: no list, no join.
            # measured (with the C decoder for escapes below): 113 KB in 8-character
            # deltas, 58.7 -> 48.4 ms (bench_partial's document).
            run = complete_run(text, i)
            assert run is not None  # the pattern matches the empty string
            if run.end() == n:
                piece = text[i:]
                if "\\" not in piece:
                    self._tail.append(piece)
                    changes.append(_grew(self._path, piece))
                    return n
        got: list[str] = []
        ended = False
        fault: _Fault | None = None
        while True:
            run = complete_run(text, i)
            assert run is not None  # the pattern matches the empty string
            j = run.end()
            if j > i:
                span = text[i:j]
                if "\\" in span:
                    # Every escape in the run is whole and valid: json's C decoder does them all.
                    span = _scanstring(span + '"', 0)[0]
                got.append(span)
                i = j
            if i == n:
                break
            c = text[i]
            if c == '"':
                i += 1
                ended = True
                break
            if c != "\\":
                fault = _Fault("control character in a string", i)
                break
            # An escape the run could not take: unfinished, invalid, or a high surrogate
            # without its low half (yet).
            if i + 1 == n:
                self._carry = text[i:]
                i = n
                break
            hex_digits = text[i + 2 : i + 6]
            if text[i + 1] != "u" or _HEX_PREFIX.fullmatch(hex_digits) is None:
                fault = _Fault("invalid escape", i)
                break
            after = text[i + 6 : i + 12]
            if len(hex_digits) < 4 or (len(after) < 6 and _LOW_PREFIX.fullmatch(after) is not None):
                # Wait: the escape is unfinished, or the next one may be the low half.
                self._carry = text[i:]
                i = n
                break
            # A lone surrogate is kept, as json.loads keeps it.
            got.append(chr(int(hex_digits, 16)))
            i += 6
        if self._state == _S_KEY:
            self._key.extend(got)
            if ended:
                frame = self._stack[-1]
                frame.key = "".join(self._key)
                self._state = _E_COLON
        else:
            if got:
                piece = "".join(got)
                self._tail.append(piece)
                changes.append(_grew(self._path, piece))
            if ended:
                self._finish_value(self._joined_string(), changes)
        if fault is not None:
            raise fault
        return i

    def _scan_number(self, text: str, i: int, changes: list[JSONChange]) -> int:
        run = _NUMBER_RUN.match(text, i)
        assert run is not None  # the pattern matches the empty string
        j = run.end()
        state = self._number_state
        for k in range(i, j):
            next_state = _NUMBER_NEXT[state].get(text[k])
            if next_state is None:
                self._number.append(text[i:k])
                self._number_state = state
                raise _Fault("invalid number", k)
            state = next_state
        self._number.append(text[i:j])
        self._number_state = state
        if j == len(text):
            return j
        if state not in _NUMBER_TYPE:
            raise _Fault("invalid number", j)
        self._finish_number(j, changes)
        return j

    def _finish_number(self, position: int, changes: list[JSONChange]) -> None:
        value = self._number_value(position)
        changes.append(_added(self._path, value))
        self._finish_value(value, changes)

    def _scan_literal(self, text: str, i: int, changes: list[JSONChange]) -> int:
        word, value = _LITERALS[self._literal[0]]
        have = len(self._literal)
        piece = text[i : i + len(word) - have]
        for k, c in enumerate(piece):
            if c != word[have + k]:
                raise _Fault(f"invalid literal (expected {word!r})", i + k)
        self._literal += piece
        if len(self._literal) == len(word):
            changes.append(_added(self._path, value))
            self._finish_value(value, changes)
        return i + len(piece)
