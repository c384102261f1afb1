"""Helpers shared by the JSON-lines and JSON-array decoder tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from sseparse.framing.records import JSONRecord

Key = tuple[str, bytes, int, "int | None"]


def key(record: JSONRecord) -> Key:
    """Everything a record carries, offsets included (records compare without them), with
    the value canonicalised so ``1``, ``1.0`` and ``true`` differ."""
    return (canon(record.value), record.raw, record.offset, record.line)


def canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


class Keyed:
    """A decoder whose items are ``key(record)``, so the chunking helper compares offsets and
    line numbers too."""

    def __init__(self, decoder: Any) -> None:
        self.d = decoder

    def feed(self, data: bytes) -> list[Key]:
        return [key(r) for r in self.d.feed(data)]

    def close(self) -> list[Key]:
        return [key(r) for r in self.d.close()]

    def receive_data(self, data: bytes) -> None:
        self.d.receive_data(data)

    def next_event(self) -> Key | None:
        r = self.d.next_event()
        return None if r is None else key(r)


# JSON values with the awkward parts: nesting, unicode (line separators included), escapes,
# brackets, braces, quotes and backslashes inside strings, numbers of every kind.
_tricky_text = st.text(
    alphabet=st.sampled_from(
        [*'[]{}",:\\/ \t\n\r', "\u2028", "\u0085", "é", "😀", "\x00", "\x1f", "a", "}"]
    )
    | st.characters(codec="utf-8"),
    max_size=12,
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _tricky_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(_tricky_text, children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def serialized(draw: st.DrawFn, value: Any, *, one_line: bool) -> bytes:
    """*value* as JSON text with varied spacing (and newlines/CRLF unless *one_line*)."""
    ensure_ascii = draw(st.booleans())
    if not one_line and draw(st.booleans()):
        text = json.dumps(value, ensure_ascii=ensure_ascii, indent=draw(st.integers(0, 3)))
        if draw(st.booleans()):
            text = text.replace("\n", "\r\n")
    else:
        seps = draw(st.sampled_from([(",", ":"), (", ", ": "), (" ,", " : "), (",\t", ":\t")]))
        text = json.dumps(value, ensure_ascii=ensure_ascii, separators=seps)
    return text.encode()


@st.composite
def cuts(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """A fragmentation of *data* chosen by hypothesis."""
    if not data:
        return [data]
    points = sorted(draw(st.sets(st.integers(1, max(1, len(data) - 1)), max_size=8)))
    pieces, last = [], 0
    for p in points:
        pieces.append(data[last:p])
        last = p
    pieces.append(data[last:])
    return pieces


def decode(factory: Callable[[], Any], pieces: list[bytes]) -> list[JSONRecord]:
    d = factory()
    out: list[JSONRecord] = []
    for piece in pieces:
        out += d.feed(piece)
    out += d.close()
    return out


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """*data* with a few bytes inserted, deleted or replaced, or cut short."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        i = draw(st.integers(0, len(out)))
        if op == "insert":
            out[i:i] = draw(st.binary(min_size=1, max_size=3) | st.sampled_from(PUNCTUATION))
        elif op == "delete":
            del out[i : i + draw(st.integers(1, 8))]
        elif op == "replace" and i < len(out):
            out[i] = draw(st.sampled_from(list(b'[]{}":,\\\n\r x0\xff')))
        else:
            del out[i:]
    return bytes(out)


PUNCTUATION = [b"[", b"]", b"{", b"}", b'"', b",", b":", b"\\", b"\n", b"\r\n", b"null", b"1"]


def outcome_of(factory: Callable[[], Any], pieces: list[bytes]) -> tuple[str, object]:
    """``("ok", items)`` or ``(error type name, offset)`` — any other exception propagates."""
    from sseparse.errors import ParseError

    d = factory()
    items: list[Any] = []
    try:
        for piece in pieces:
            items += d.feed(piece)
        items += d.close()
        items += d.close()
    except ParseError as exc:
        return (type(exc).__name__, exc.offset)
    return ("ok", items)
