"""The OpenAI chat dialect reads the common chunks (one choice, a text delta alone or
tool-call deltas alone) inline in ``on_message``; every other chunk goes to ``on_chunk``. Whatever a chunk holds, the inline
read must give exactly what ``on_chunk`` gives (events, their ``raw``, and errors), with
either JSON reader; and drifted streams (fields of the common chunk given other JSON types)
must give the same events with ``fast=True`` as without."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import _fastjson
from sseparse.dialects.mistral import MistralDialect
from sseparse.dialects.openai_chat import OpenAIChatDialect
from sseparse.events import Event

from .drift import TYPES, captured, drift_stream, retype
from .test_fastjson import events_of

TEXT_CHUNK: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1760000000,
    "model": "gpt-4o",
    "choices": [
        {"index": 0, "delta": {"content": " more"}, "logprobs": None, "finish_reason": None}
    ],
    "usage": None,
    "obfuscation": "UZoL8",
}

# A tool-call chunk (the first of a call: it opens it) and the next one of the same call.
TOOL_CHUNK: dict[str, Any] = {
    **TEXT_CHUNK,
    "choices": [
        {
            "index": 0,
            "delta": {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "search", "arguments": '{"q'},
                    }
                ]
            },
            "logprobs": None,
            "finish_reason": None,
        }
    ],
}
TOOL_CHUNK_NEXT: dict[str, Any] = {
    **TEXT_CHUNK,
    "choices": [
        {
            "index": 0,
            "delta": {"tool_calls": [{"index": 0, "function": {"arguments": '": 1}'}}]},
            "logprobs": None,
            "finish_reason": None,
        }
    ],
}

# What a field of the common chunk may turn into: every JSON type, and the values next to
# the inline read's edges (empty, zero, negative, bool for int, a finish word, a usage).
VALUES = [
    *TYPES.values(),
    "",
    0,
    -1,
    True,
    False,
    "stop",
    [],
    {},
    {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    {"usage": {"prompt_tokens": 1}},
    {"message": "boom"},
]

# Where: a path of keys/indexes into TEXT_CHUNK (the last one is set, or deleted).
PLACES = [
    ("choices",),
    ("choices", 0),
    ("choices", 0, "delta"),
    ("choices", 0, "delta", "content"),
    ("choices", 0, "delta", "role"),
    ("choices", 0, "delta", "tool_calls"),
    ("choices", 0, "index"),
    ("choices", 0, "finish_reason"),
    ("choices", 1),
    ("usage",),
    ("x_groq",),
    ("error",),
    ("prompt_filter_results",),
    ("id",),
    ("choices", 0, "delta", "tool_calls", 0),
    ("choices", 0, "delta", "tool_calls", 0, "index"),
    ("choices", 0, "delta", "tool_calls", 0, "function"),
    ("choices", 0, "delta", "tool_calls", 0, "function", "arguments"),
    ("choices", 0, "delta", "tool_calls", 1),
]


def _edit(chunk: Any, place: tuple[Any, ...], value: Any, delete: bool) -> None:
    """Set (or delete) *place* in *chunk*, if its parent is there to hold it."""
    node = chunk
    for key in place[:-1]:
        if type(node) is dict:
            held = key in node
        else:
            held = type(node) is list and type(key) is int and key < len(node)
        if not held:
            return
        node = node[key]
    last = place[-1]
    if type(node) is dict:
        if delete:
            node.pop(last, None)
        else:
            node[last] = copy.deepcopy(value)
    elif type(node) is list and type(last) is int:
        if last < len(node):
            if delete:
                del node[last]
            else:
                node[last] = copy.deepcopy(value)
        elif not delete:
            node.append(copy.deepcopy(value))


@st.composite
def chunks(draw: st.DrawFn) -> dict[str, Any]:
    """A common chunk (text or tool call) with up to three of its fields changed or removed."""
    chunk: dict[str, Any] = copy.deepcopy(
        draw(st.sampled_from([TEXT_CHUNK, TOOL_CHUNK, TOOL_CHUNK_NEXT]))
    )
    for _ in range(draw(st.integers(0, 3))):
        place = draw(st.sampled_from(PLACES))
        _edit(chunk, place, draw(st.sampled_from(VALUES)), draw(st.booleans()))
    return chunk


def _outcome(run: Any) -> list[Any]:
    """The events (each with its raw payload), then what was raised, if anything."""
    out: list[Event] = []
    found: list[Any] = []
    try:
        run(out)
    except Exception as exc:
        found.append((type(exc), str(exc)))
    return [(e, getattr(e, "raw", None)) for e in out] + found


def _dialect(cls: type[OpenAIChatDialect], fast: bool, started: bool) -> OpenAIChatDialect:
    dialect = cls()
    dialect._loads = _fastjson.json_reader(fast)
    if started:
        dialect.on_chunk({"id": "chatcmpl-1", "choices": []}, [])
    return dialect


def _same_as_on_chunk(
    cls: type[OpenAIChatDialect], chunk: dict[str, Any], *, fast: bool, started: bool
) -> list[Any]:
    text = json.dumps(chunk)
    inline = _dialect(cls, fast, started)
    general = _dialect(cls, fast, started)
    found = _outcome(lambda out: inline.on_message(text, 0, out))
    assert found == _outcome(lambda out: general.on_chunk(json.loads(text), out)), text
    # The state left behind (a started stream, open calls) is the same too: the next chunks
    # read alike, and so does the end of the stream.
    for after in (TOOL_CHUNK_NEXT, TEXT_CHUNK):
        following = json.dumps(after)
        assert _outcome(lambda out, t=following: inline.on_message(t, 0, out)) == _outcome(
            lambda out, t=following: general.on_message(t, 0, out)
        )
    assert _outcome(inline.on_end) == _outcome(general.on_end)
    return found


def _read_edited(
    cls: type[OpenAIChatDialect],
    base: dict[str, Any],
    place: tuple[Any, ...] | None,
    value: Any,
    *,
    fast: bool,
) -> tuple[dict[str, Any], list[Any], list[str]]:
    """*base* with *place* set to *value*, read inline and by ``on_chunk`` (which must agree):
    the chunk, the outcome, and the names of its events (or of the exception)."""
    chunk = copy.deepcopy(base)
    if place is not None:
        _edit(chunk, place, value, delete=False)
    found = _same_as_on_chunk(cls, chunk, fast=fast, started=True)
    names = [
        item[0].__name__ if type(item[0]) is type else type(item[0]).__name__ for item in found
    ]
    return chunk, found, names


@settings(max_examples=150)
@given(chunk=chunks(), fast=st.booleans(), started=st.booleans())
def test_any_chunk_reads_as_on_chunk_reads_it(
    chunk: dict[str, Any], fast: bool, started: bool
) -> None:
    _same_as_on_chunk(OpenAIChatDialect, chunk, fast=fast, started=started)


@pytest.mark.parametrize("cls", [OpenAIChatDialect, MistralDialect])
@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize(
    ("place", "value", "events"),
    [
        (None, None, ["TextDelta"]),  # the inline read itself
        (("choices", 0, "index"), 3, ["TextDelta"]),
        (("choices", 0, "index"), True, ["TypeError"]),  # a bool is no index
        (("choices", 0, "index"), -1, ["TypeError"]),
        (("choices", 0, "delta", "content"), "", []),
        (("choices", 0, "delta", "content"), 7, ["TypeError"]),
        (("choices", 0, "finish_reason"), "stop", ["TextDelta", "Finish"]),
        (("choices", 0, "delta", "role"), "assistant", ["TextDelta"]),
        (("choices", 1), TEXT_CHUNK["choices"][0], ["TextDelta", "TextDelta"]),
        (("choices",), "drifted", ["TypeError"]),
        (("choices", 0), ["drifted"], ["TypeError"]),
        (("choices", 0, "delta"), [1], ["TypeError"]),
        (("usage",), {"total_tokens": 3}, ["TextDelta", "Usage"]),
        (("x_groq",), {"usage": {"total_tokens": 3}}, ["TextDelta", "Usage"]),
        (("x_groq",), {"id": "req"}, ["TextDelta"]),
        (("error",), {"message": "boom"}, ["ProviderError", "TextDelta"]),
        (("error",), None, ["TextDelta"]),
    ],
)
def test_the_edges_of_the_inline_read(
    cls: type[OpenAIChatDialect],
    fast: bool,
    place: tuple[Any, ...] | None,
    value: Any,
    events: list[str],
) -> None:
    chunk, found, names = _read_edited(cls, TEXT_CHUNK, place, value, fast=fast)
    assert names == events
    if "TextDelta" in names:
        delta = found[names.index("TextDelta")]
        assert delta[0].text == " more" and delta[1] == chunk  # raw: the chunk itself


@pytest.mark.parametrize("cls", [OpenAIChatDialect, MistralDialect])
@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize(
    ("base", "place", "value", "events"),
    [
        (TOOL_CHUNK, None, None, ["ToolCallStart", "ToolCallDelta"]),  # inline
        # A delta for a call never opened opens it (inline too).
        (TOOL_CHUNK_NEXT, None, None, ["ToolCallStart", "ToolCallDelta"]),
        # Read by on_chunk (which adds Other for the filter results only if nothing else).
        (TOOL_CHUNK, ("prompt_filter_results",), [], ["ToolCallStart", "ToolCallDelta"]),
        (TOOL_CHUNK, ("choices", 0, "delta", "tool_calls"), [], []),
        (TOOL_CHUNK, ("choices", 0, "delta", "tool_calls", 0), "x", ["TypeError"]),
        (
            TOOL_CHUNK,
            ("choices", 0, "finish_reason"),
            "tool_calls",
            ["ToolCallStart", "ToolCallDelta", "ToolCallEnd", "Finish"],
        ),
        (
            TOOL_CHUNK,
            ("choices", 0, "delta", "tool_calls", 1),
            TOOL_CHUNK_NEXT["choices"][0]["delta"]["tool_calls"][0],
            ["ToolCallStart", "ToolCallDelta", "ToolCallDelta"],
        ),
    ],
)
def test_the_edges_of_the_inline_tool_call_read(
    cls: type[OpenAIChatDialect],
    fast: bool,
    base: dict[str, Any],
    place: tuple[Any, ...] | None,
    value: Any,
    events: list[str],
) -> None:
    chunk, found, names = _read_edited(cls, base, place, value, fast=fast)
    assert names == events
    assert all(raw == chunk for _, raw in found if names[0] != "TypeError")


# Every field the inline read looks at, given each JSON type, in every OpenAI chat capture:
# fast=True gives the events (and raw payloads, and errors) the default reader gives.
READ = ["choices", "delta", "content", "index", "finish_reason", "usage", "x_groq", "error"]


@pytest.mark.parametrize("field", READ)
def test_drifted_captures_give_the_same_events_with_fast(field: str) -> None:
    streams = captured("openai-chat")
    kinds = list(TYPES.values())
    checked = 0
    for i, stream in enumerate(streams):
        if f'"{field}"'.encode() not in stream.data:
            continue
        value = kinds[i % len(kinds)]  # rotate the types over the captures
        data = drift_stream(stream.data, stream.format, retype(field, value))
        assert events_of(data, "openai", fast=True) == events_of(data, "openai", fast=False)
        checked += 1
    assert checked or field in ("x_groq", "error")


# Short texts go to msgspec bare (fast=True); what it refuses, the reader decides.
SHORT = [
    b'data: {"choices": [{"index": 0, "delta": {"content": "\\ud800"}}], "id": "x"}\n\n',
    b'data: {"choices": [{"index": 0, "delta": {"content": "a"}}], "n": 1e999}\n\n',
    b'data: {"choices": [{"index": 0, "delta": {"content": "a"}}], "n": NaN}\n\n',
    b'data: {"choices": [{"index": 0, "delta": {"content": "a"}}]\n\n',
    b"data: " + json.dumps(TEXT_CHUNK).encode() + b"\n\n",
    b"data: " + json.dumps({**TEXT_CHUNK, "pad": "x" * 600}).encode() + b"\n\n",
]


@pytest.mark.parametrize("data", SHORT)
def test_short_and_long_texts_read_alike_with_either_reader(data: bytes) -> None:
    stream = data * 2 + b"data: [DONE]\n\n"
    found = events_of(stream, "openai", fast=True)
    assert found == events_of(stream, "openai", fast=False)
    assert len(found) >= 3


def test_only_the_fast_reader_has_a_short_reader() -> None:
    assert _fastjson.short_reader(_fastjson.json_reader(False)) is None
    short = _fastjson.short_reader(_fastjson.json_reader(True))
    assert short is not None and short('{"a": [1]}') == {"a": [1]}
    dialect = OpenAIChatDialect()
    dialect._loads = _fastjson.json_reader(True)
    assert dialect._loads is _fastjson.json_reader(True)
