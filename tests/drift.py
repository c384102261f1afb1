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
from functools import cache
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


def _matcher(field: str) -> Callable[[str, str | None, bool], bool]:
    """Which keys a field spec names: ``"key"`` any key so named, ``"/key"`` only at the top of
    a payload, ``"parent.key"`` only in an object under key *parent* (directly, or as an
    element of a list under *parent*)."""
    if field.startswith("/"):
        name = field[1:]
        return lambda key, parent, top: top and key == name
    parent_name, dot, name = field.rpartition(".")
    if dot:
        return lambda key, parent, top: key == name and parent == parent_name
    return lambda key, parent, top: key == field


def retype(field: str, value: Any, *, opaque: frozenset[str] = DEFAULT_OPAQUE) -> Rewrite:
    """A rewrite giving every occurrence of *field* (a key spec, see ``_matcher``) the value
    *value* (a fresh copy each time), except inside values under *opaque* keys."""
    text = json.dumps(value)
    fresh: Callable[[], Any] = (
        (lambda: json.loads(text)) if type(value) in (dict, list) else (lambda: value)
    )
    match = _matcher(field)

    def walk(node: Any, parent: str | None, top: bool) -> Any:
        if type(node) is dict:
            return {
                k: fresh() if match(k, parent, top) else (v if k in opaque else walk(v, k, False))
                for k, v in node.items()
            }
        if type(node) is list:
            return [walk(v, parent, False) for v in node]
        return node

    return lambda node: walk(node, None, True)


def _places(node: Any, opaque: frozenset[str]) -> set[tuple[str, str | None, bool]]:
    """Every (key, parent key, at top) of *node* outside opaque values, for ``_matcher``."""
    found: set[tuple[str, str | None, bool]] = set()

    def walk(node: Any, parent: str | None, top: bool) -> None:
        if type(node) is dict:
            for k, v in node.items():
                found.add((k, parent, top))
                if k not in opaque:
                    walk(v, k, False)
        elif type(node) is list:
            for v in node:
                walk(v, parent, False)

    walk(node, None, True)
    return found


# -- applying a rewrite to every payload of a stream ------------------------------------


@cache
def _json_or_none(text: bytes) -> Any:
    """The JSON value of *text*, or ``None``; cached, as rewrites never mutate a value (a
    sweep parses each payload once)."""
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


def check_drift(
    stream: Stream, rewrite: Rewrite, *, what: str = "", before: Answer | None = None
) -> None:
    """Assert the drifted stream gives *stream*'s answer (*before*, computed when not given),
    with no new ``Malformed``."""
    if before is None:
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
    types_each: int = 2,
) -> int:
    """Every drift, one at a time, over every stream: unknown keys everywhere, then each
    describing key (spec, see ``retype``) the stream has, given *types_each* of the JSON
    types of ``TYPES`` — rotating over the streams, so each type is tried for a field held by
    enough streams while the sweep stays fast. Returns how many drifted streams were checked
    (a test asserts it is not zero)."""
    kinds = list(TYPES.items())
    checked = 0
    for i, stream in enumerate(streams):
        before = answer(stream)
        check_drift(stream, add_keys(opaque=opaque), what="unknown keys", before=before)
        checked += 1
        places = set().union(*(_places(p, opaque) for p in payloads(stream.data, stream.format)))
        for j, field in enumerate(describing):
            match = _matcher(field)
            if not any(match(*place) for place in places):
                continue
            for k in range(min(types_each, len(kinds))):
                kind, value = kinds[(i + j + k * 3) % len(kinds)]
                rewrite = retype(field, value, opaque=opaque)
                check_drift(stream, rewrite, what=f"{field} -> {kind}", before=before)
                checked += 1
    return checked
