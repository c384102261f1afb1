"""What every generated stream shares: the answer a stream carries (``Script``), the records
a dialect renders it as, each tagged with what it adds to choice 0's message, and the fold of
those tags into the expected ``Message.to_dict()``.

Theory of operation: a dialect module draws a ``Script``, renders it as ``Record``s in the
provider's own field names and order, and hands them to ``assemble``, which adds keep-alives,
line endings, the end marker, and (when asked) a mid-stream provider error or a truncation at
a record boundary. The expected message is computed from the tags of the records that were
sent, never by running a parser, so a parser bug cannot hide in its own expectation.
"""

from __future__ import annotations

import itertools
import json
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

__all__ = ["Call", "Record", "Script", "Stream", "assemble", "scripts", "split_text"]

# A tag: ("text"|"reasoning"|"refusal", piece) | ("call", index, id, name, kind[, if_empty])
# | ("args", index, piece) | ("end", index) | ("finish", reason, raw) | ("signature", sig, redacted)
Tag = tuple[Any, ...]


@dataclass(frozen=True)
class Record:
    """One wire record (already framed) and what it adds to choice 0's message."""

    data: bytes
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Stream:
    """A generated provider stream: ``data`` as the provider sends it, and ``expected``, the
    ``Message.to_dict()`` of choice 0 that sseparse must produce from it. ``error`` is the
    message of the in-band provider error the stream carries (or ``None``); ``clean`` says
    whether it ends with the dialect's end marker; ``dialect``/``format`` name what it is."""

    dialect: str
    format: str
    data: bytes = field(repr=False)
    expected: dict[str, Any]
    error: str | None = None
    clean: bool = True


@dataclass(frozen=True)
class Call:
    """A tool call: its id, name, whole arguments (JSON text) and the pieces they stream in."""

    id: str
    name: str
    arguments: str
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class Script:
    """What one answer says, in order: reasoning, then text or a refusal, then tool calls."""

    reasoning: tuple[str, ...]
    text: tuple[str, ...]
    refusal: tuple[str, ...]
    calls: tuple[Call, ...]
    finish: str  # normalized: "stop", "length" or "tool_calls"
    prompt_tokens: int
    completion_tokens: int


# Text as models write it: any Unicode scalar (multi-byte, astral, controls, quotes),
# in small pieces so that every piece boundary is exercised.
_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=6)
_NAMES = st.sampled_from(["get_weather", "search", "run_code", "lookup_user", "t"])
_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=8)
)
_ARGS = st.dictionaries(
    st.text(string.ascii_lowercase, min_size=1, max_size=6),
    st.one_of(_JSON_SCALARS, st.lists(_JSON_SCALARS, max_size=3)),
    max_size=4,
)


def split_text(draw: Callable[..., Any], text: str, *, min_pieces: int = 1) -> tuple[str, ...]:
    """Cut *text* (two characters at least, as JSON arguments are) into non-empty pieces at
    drawn offsets (anywhere, escapes and all)."""
    cuts = draw(st.lists(st.integers(1, len(text) - 1), max_size=6, unique=True))
    bounds = [0, *sorted(cuts), len(text)]
    return tuple(text[a:b] for a, b in itertools.pairwise(bounds))


@st.composite
def _call(draw: Callable[..., Any], n: int) -> Call:
    args = json.dumps(draw(_ARGS), ensure_ascii=draw(st.booleans()))
    suffix = draw(st.text("0123456789abcdefABCDEF", min_size=6, max_size=10))
    return Call(f"call_{n}{suffix}", draw(_NAMES), args, split_text(draw, args))


@st.composite
def scripts(
    draw: Callable[..., Any],
    *,
    reasoning: bool = True,
    refusal: bool = False,
    calls: bool = True,
    max_calls: int = 3,
) -> Script:
    """A strategy of ``Script``s; the flags say what the dialect can carry."""
    thoughts = tuple(draw(st.lists(_TEXT, max_size=3))) if reasoning else ()
    refuses = refusal and draw(st.integers(0, 5)) == 0
    said = tuple(draw(st.lists(_TEXT, max_size=4)))
    n = draw(st.integers(0, max_calls)) if calls and not refuses else 0
    tools = tuple(draw(_call(i)) for i in range(n))
    finish = "tool_calls" if tools else draw(st.sampled_from(["stop", "stop", "length"]))
    return Script(
        reasoning=thoughts,
        text=() if refuses else said,
        refusal=said or ("I can't help with that.",) if refuses else (),
        calls=tools,
        finish=finish,
        prompt_tokens=draw(st.integers(1, 5000)),
        completion_tokens=draw(st.integers(0, 5000)),
    )


def fold(tags: Sequence[Tag]) -> dict[str, Any]:
    """Choice 0's ``Message.to_dict()`` after the tagged records, the stream then ending (every
    open tool call is closed, as the dialects do at finish or end of input)."""
    text: list[str] = []
    reasoning: list[str] = []
    refusal: list[str] = []
    signatures: list[dict[str, Any]] = []
    calls: dict[int, dict[str, Any]] = {}
    finish: tuple[str | None, str | None] = (None, None)
    for tag in tags:
        kind = tag[0]
        if kind == "text":
            text.append(tag[1])
        elif kind == "reasoning":
            reasoning.append(tag[1])
        elif kind == "refusal":
            refusal.append(tag[1])
        elif kind == "signature":
            signatures.append({"signature": tag[1], "redacted": tag[2]})
        elif kind == "call":
            calls[tag[1]] = {
                "index": tag[1],
                "id": tag[2],
                "name": tag[3],
                "args": [],
                "kind": tag[4],
                # What the dialect reports for a call that streamed no arguments at all.
                "if_empty": tag[5] if len(tag) > 5 else "",
            }
        elif kind == "args":
            calls[tag[1]]["args"].append(tag[2])
        elif kind == "finish":
            finish = (tag[1], tag[2])
    tool_calls = []
    for index in sorted(calls):
        call = calls[index]
        arguments = "".join(call["args"]) or call["if_empty"]
        tool_calls.append(
            {
                "index": index,
                "id": call["id"],
                "name": call["name"],
                "arguments": arguments,
                "parsed": _parse(arguments),
                "kind": call["kind"],
                "complete": True,
            }
        )
    return {
        "choice": 0,
        "text": "".join(text),
        "refusal": "".join(refusal),
        "reasoning": "".join(reasoning),
        "reasoning_signatures": signatures,
        "tool_calls": tool_calls,
        "server_tool_calls": [],
        "citations": [],
        "finish_reason": finish[0],
        "finish_reason_raw": finish[1],
    }


def _parse(arguments: str) -> Any:
    if not arguments:
        return {}  # a call without arguments (Accumulator's one end policy)
    try:
        return json.loads(arguments)
    except ValueError:
        return None


@st.composite
def assemble(
    draw: Callable[..., Any],
    *,
    dialect: str,
    format: str,
    records: Sequence[Record],
    end: Record,
    keepalive: bytes | None,
    error: bytes | None,
    errors: bool,
    truncation: bool,
    head: bytes = b"",
    tail: bytes = b"",
) -> Stream:
    """Put a stream together: *head*, the records (keep-alives between some of them), then
    *end* (the record that ends the stream, e.g. an end marker) and *tail* (what closes the framing, e.g. a JSON array's ``]``).
    With ``errors``, some streams stop after a record with the provider's *error* record (then
    *tail*); with ``truncation``, some stop at a record boundary, nothing more sent."""
    modes = ["complete"]
    if errors and error is not None and records:
        modes.append("error")
    if truncation and records:
        modes.append("truncated")
    mode = draw(st.sampled_from(modes))
    count = len(records)
    if mode != "complete":
        count = draw(st.integers(1, len(records)))
    sent = list(records[:count])
    out = [head]
    for record in sent:
        if keepalive is not None and draw(st.integers(0, 6)) == 0:
            out.append(keepalive)
        out.append(record.data)
    if mode == "error":
        assert error is not None
        out.append(error)
    if mode == "complete":
        out.append(end.data)
        sent.append(end)
    if mode != "truncated":
        out.append(tail)
    return Stream(
        dialect=dialect,
        format=format,
        data=b"".join(out),
        expected=fold([tag for record in sent for tag in record.tags]),
        error=ERROR_MESSAGE if mode == "error" else None,
        clean=mode == "complete",
    )


ERROR_MESSAGE = "The server is overloaded. Please retry."
