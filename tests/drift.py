"""Schema drift for any dialect: rewrite a stream the way providers change theirs, and check
the answer does not move (issue 9, DESIGN §1: strict framing, tolerant meaning).

Two drifts, applied to every JSON payload of a stream whatever its framing (SSE ``data:``
lines, NDJSON lines, the elements of a JSON array, AWS event-stream payloads, including
bedrock-invoke's base64 ``bytes`` inside them):

* ``add_keys``: an unknown key in every JSON object, at every depth;
* ``retype``: every occurrence of one describing field (by key name) given another JSON type.

Values under *opaque* keys (tool-call arguments sent as objects, JSON schemas) are data, not
schema: they are never rewritten, because rewriting them changes the answer itself.

``answer`` is what must not move: text, reasoning, client tool calls (name, arguments), finish
reason and token counts of choice 0, read through ``Accumulator``; ``check_drift`` asserts a
drifted stream gives the same answer with no new ``Malformed`` event, and ``sweep`` runs every
drift, one at a time, over a list of streams. The module is dialect-agnostic: a dialect's
test gives its streams, dialect name and describing keys.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import strategies as st

from sseparse import Accumulator, StreamParser
from sseparse.encode import encode_event_stream_message
from sseparse.events import Malformed
from sseparse.framing.eventstream import EventStreamDecoder

__all__ = [
    "DEFAULT_OPAQUE",
    "TYPES",
    "Answer",
    "Stream",
    "add_keys",
    "answer",
    "captured",
    "check_drift",
    "drift_stream",
    "drifts",
    "retype",
    "sweep",
]

Rewrite = Callable[[Any], Any]

DEFAULT_OPAQUE = frozenset({"args", "arguments", "input", "parameters", "input_schema"})
"""Keys whose values are the answer's own data (tool arguments as objects, schemas)."""

TYPES: dict[str, Any] = {
    "string": "drifted",
    "int": 7,
    "float": 1.5,
    "object": {"drifted": [1, "two", None]},
    "list": [1, "two", {"three": 3.0}],
    "null": None,
}
"""One value of each JSON type a describing field may turn into."""


@dataclass(frozen=True)
class Stream:
    """A stream to drift: its bytes, and how ``StreamParser`` reads it."""

    name: str
    data: bytes
    dialect: str
    format: str


# -- rewriting JSON values ---------------------------------------------------------------


def add_keys(
    key: str = "x_drift", value: Any = None, *, opaque: frozenset[str] = DEFAULT_OPAQUE
) -> Rewrite:
    """A rewrite adding ``key: value`` (a fresh copy each time) to every object at every depth,
    except inside values under *opaque* keys. *value* defaults to a small nested object."""
    extra = {"nested": {"deeper": [1, None, "x"]}, "n": 2} if value is None else value
    text = json.dumps(extra)

    def walk(node: Any) -> Any:
        if type(node) is dict:
            out = {k: (v if k in opaque else walk(v)) for k, v in node.items()}
            if key not in out:
                out[key] = json.loads(text)
            return out
        if type(node) is list:
            return [walk(v) for v in node]
        return node

    return walk


def retype(field: str, value: Any, *, opaque: frozenset[str] = DEFAULT_OPAQUE) -> Rewrite:
    """A rewrite giving every occurrence of key *field* the value *value* (a fresh copy each
    time), except inside values under *opaque* keys."""
    text = json.dumps(value)

    def walk(node: Any) -> Any:
        if type(node) is dict:
            return {
                k: json.loads(text) if k == field else (v if k in opaque else walk(v))
                for k, v in node.items()
            }
        if type(node) is list:
            return [walk(v) for v in node]
        return node

    return walk


def _has_key(node: Any, field: str, opaque: frozenset[str]) -> bool:
    if type(node) is dict:
        return any(
            k == field or (k not in opaque and _has_key(v, field, opaque)) for k, v in node.items()
        )
    if type(node) is list:
        return any(_has_key(v, field, opaque) for v in node)
    return False


# -- applying a rewrite to every payload of a stream ------------------------------------


def _json_or_none(text: bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _lines(data: bytes, rewrite: Rewrite, prefix: bytes) -> bytes:
    """Rewrite each line that is *prefix* + a JSON object or array; keep every other byte."""
    out = []
    for line in data.split(b"\n"):
        body, cr = (line[:-1], b"\r") if line.endswith(b"\r") else (line, b"")
        if body.startswith(prefix):
            rest = body[len(prefix) :]
            space = b" " if rest.startswith(b" ") else b""
            value = _json_or_none(rest)
            if type(value) in (dict, list):
                line = prefix + space + _dump(rewrite(value)) + cr
        out.append(line)
    return b"\n".join(out)


def _invoke_bytes(value: Any, rewrite: Rewrite) -> Any:
    """bedrock-invoke's ``{"bytes": base64(JSON)}``: rewrite the JSON inside too."""
    if type(value) is dict and type(value.get("bytes")) is str:
        try:
            inner = json.loads(base64.b64decode(value["bytes"], validate=True))
        except ValueError:
            return value
        return {**value, "bytes": base64.b64encode(_dump(rewrite(inner))).decode("ascii")}
    return value


def _eventstream(data: bytes, rewrite: Rewrite) -> bytes:
    decoder = EventStreamDecoder()
    messages = decoder.feed(data) + decoder.close()
    out = []
    for message in messages:
        value = _json_or_none(message.payload)
        if type(value) in (dict, list):
            # Rewrite the outer object, then the base64-wrapped one (its ``bytes`` key stays a
            # string: the outer rewrite only adds keys or retypes describing fields).
            value = _invoke_bytes(rewrite(value), rewrite)
            message = replace(message, payload=_dump(value))
        out.append(encode_event_stream_message(message))
    return b"".join(out)


def drift_stream(data: bytes, fmt: str, rewrite: Rewrite) -> bytes:
    """*data* (framed as *fmt*) with *rewrite* applied to each JSON payload."""
    if fmt == "sse":
        return _lines(data, rewrite, b"data:")
    if fmt in ("ndjson", "jsonlines"):
        return _lines(data, rewrite, b"")
    if fmt in ("json-array", "jsonarray", "json"):
        value = json.loads(data)
        return _dump(rewrite(value))
    if fmt == "eventstream":
        return _eventstream(data, rewrite)
    raise ValueError(f"no drift for format {fmt!r}")


def payloads(data: bytes, fmt: str) -> list[Any]:
    """Every JSON payload of the stream (for finding which keys a stream has)."""
    found: list[Any] = []

    def collect(value: Any) -> Any:
        found.append(value)
        return value

    drift_stream(data, fmt, collect)
    return found


# -- streams -----------------------------------------------------------------------------

_DIALECT_OF_API = {"anthropic-messages": "anthropic"}


def captured(api: str) -> list[Stream]:
    """The recorded captures of manifest API *api* as ``Stream``s."""
    from .captures import captures, read

    return [
        Stream(e["file"], read(e["file"]), _DIALECT_OF_API.get(api, api), e["format"])
        for e in captures(api=api)
    ]


# -- hypothesis --------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)
"""Any JSON value (small)."""


def drifts(
    describing: Sequence[str], *, opaque: frozenset[str] = DEFAULT_OPAQUE
) -> st.SearchStrategy[tuple[str, Rewrite]]:
    """A drift and its description: an unknown key (a name no provider uses) holding any JSON
    value added everywhere, or one of the *describing* keys given any JSON value."""
    unknown = st.builds(
        lambda name, value: (f"unknown key {name!r}", add_keys(name, value, opaque=opaque)),
        st.from_regex(r"zz_drift_[a-z0-9_]{0,6}", fullmatch=True),
        JSON_VALUES,
    )
    if not describing:
        return unknown
    retyped = st.builds(
        lambda field, value: (f"{field} -> {value!r}", retype(field, value, opaque=opaque)),
        st.sampled_from(list(describing)),
        JSON_VALUES,
    )
    return unknown | retyped


# -- the answer --------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What drift must not move, for choice 0; ``malformed`` counts the ``Malformed`` events."""

    text: str
    reasoning: str
    tool_calls: tuple[tuple[str | None, str], ...]
    finish: str | None
    tokens: tuple[int | None, ...] | None
    malformed: int


def answer(stream: Stream, data: bytes | None = None) -> Answer:
    """Parse *data* (default: the stream's own bytes) and read its answer. Raises whatever the
    parser raises (a drift test fails on any exception)."""
    parser = StreamParser(stream.dialect, format=stream.format)
    events = parser.feed(stream.data if data is None else data) + parser.close()
    acc = Accumulator()
    acc.feed(events)
    message = acc.messages[0] if acc.messages else None
    usage = acc.usage
    tokens = (
        None
        if usage is None
        else (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens,
            usage.cached_tokens,
            usage.reasoning_tokens,
        )
    )
    bad = sum(type(e) is Malformed for e in events)
    if message is None:
        return Answer("", "", (), None, tokens, bad)
    calls = tuple((c.name, c.arguments) for c in message.tool_calls if c.kind == "function")
    return Answer(message.text, message.reasoning, calls, message.finish_reason, tokens, bad)


def check_drift(stream: Stream, rewrite: Rewrite, *, what: str = "") -> None:
    """Assert the drifted stream gives *stream*'s answer, with no new ``Malformed``."""
    before = answer(stream)
    drifted = drift_stream(stream.data, stream.format, rewrite)
    after = answer(stream, drifted)
    assert after.malformed <= before.malformed, f"{stream.name} {what}: {after} vs {before}"
    assert replace(after, malformed=0) == replace(before, malformed=0), (
        f"{stream.name} {what}: {after} != {before}"
    )


def sweep(
    streams: Iterable[Stream],
    describing: Sequence[str],
    *,
    opaque: frozenset[str] = DEFAULT_OPAQUE,
) -> int:
    """Every drift, one at a time, over every stream: unknown keys everywhere, then each
    describing key the stream has, given each JSON type of ``TYPES``. Returns how many drifted
    streams were checked (a test asserts it is not zero)."""
    checked = 0
    for stream in streams:
        check_drift(stream, add_keys(opaque=opaque), what="unknown keys")
        checked += 1
        found = payloads(stream.data, stream.format)
        for field in describing:
            if not any(_has_key(p, field, opaque) for p in found):
                continue
            for kind, value in TYPES.items():
                check_drift(stream, retype(field, value, opaque=opaque), what=f"{field} -> {kind}")
                checked += 1
    return checked
