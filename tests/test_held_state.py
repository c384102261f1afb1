"""What a parser keeps once a stream's tool calls have ended: not their arguments.

A gateway holds one parser per open connection, thousands at a time, and a connection may
stay open after the stream's end marker. An ended call's arguments were given in its
``ToolCallEnd``; holding them after that would make a parser's memory grow with every call
it has seen (issue 14's idle size). Checked on every generated dialect's streams: after the
whole stream is fed (not closed), no string the parser reaches contains a call's arguments.
"""

from __future__ import annotations

import gc
import json
import types
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sseparse import StreamParser
from sseparse.events import ToolCallEnd, ToolCallStart
from sseparse.testing import STREAM_DIALECTS, Stream, streams

_NOT_ENTERED = (type, types.ModuleType, types.CodeType, types.FunctionType)
# Arguments shorter than this may be shared constants ("{}") or coincide with other text.
_LONG = 12


def reached_texts(root: object) -> list[str | bytes | bytearray]:
    """Every str, bytes and bytearray reachable from *root* through its own references
    (classes, modules, code and functions are not entered: what they hold is shared)."""
    seen: set[int] = set()
    found: list[str | bytes | bytearray] = []
    stack: list[Any] = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _NOT_ENTERED):
            continue
        seen.add(id(obj))
        if isinstance(obj, (str, bytes, bytearray)):
            found.append(obj)
            continue
        stack.extend(gc.get_referents(obj))
        if type(obj).__dictoffset__ and hasattr(obj, "__dict__"):
            stack.append(obj.__dict__)
    return found


def test_reached_texts_sees_what_an_object_holds() -> None:
    # The walk itself: through slots, dicts, lists and instance dicts.
    class Slotted:
        __slots__ = ("a",)

        def __init__(self) -> None:
            self.a: object = None

    class Plain:
        pass

    inner = Slotted()
    inner.a = {"k": ["held text"]}
    outer = Plain()
    outer.x = inner  # type: ignore[attr-defined]
    assert "held text" in reached_texts(outer)
    assert "held text" not in reached_texts(Plain())


def _long_arguments(stream: Stream) -> list[str]:
    calls = [*stream.expected.get("tool_calls", ()), *stream.expected.get("server_tool_calls", ())]
    return [c["arguments"] for c in calls if len(c.get("arguments") or "") >= _LONG]


@pytest.mark.parametrize("dialect", STREAM_DIALECTS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_ended_calls_are_not_held(dialect: str, data: st.DataObject) -> None:
    stream = data.draw(streams(dialect).filter(lambda s: s.clean and _long_arguments(s)))
    parser = StreamParser(dialect, format=stream.format)
    parser.feed(stream.data)
    texts = reached_texts(parser)
    for arguments in _long_arguments(stream):
        encoded = arguments.encode()
        held = [t for t in texts if (arguments in t if isinstance(t, str) else encoded in t)]
        assert not held, f"the parser still holds {arguments!r}"


def _chunk(call: dict[str, Any] | None = None, finish: str | None = None) -> bytes:
    delta = {"tool_calls": [call]} if call else {}
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return b"data: " + json.dumps({"choices": [choice]}).encode() + b"\n\n"


def test_openai_a_call_after_the_end_marker_is_a_new_call() -> None:
    # The calls ended for good at [DONE] are forgotten: a delta that names the same index
    # afterwards (no server sends one) starts a new call, with the next ordinal, rather than
    # re-opening one whose arguments were let go.
    first = {"index": 0, "id": "call_a", "function": {"name": "f", "arguments": '{"a": 1}'}}
    again = {"index": 0, "function": {"arguments": '{"b": 2}'}}
    data = _chunk(first) + _chunk(finish="tool_calls") + b"data: [DONE]\n\n" + _chunk(again)
    parser = StreamParser("openai")
    events = parser.feed(data) + parser.close()
    starts = [e.index for e in events if isinstance(e, ToolCallStart)]
    ends = [(e.index, e.arguments) for e in events if isinstance(e, ToolCallEnd)]
    assert starts == [0, 1]
    assert ends == [(0, '{"a": 1}'), (1, '{"b": 2}')]


def test_openai_a_call_reopened_before_the_end_marker_keeps_its_arguments() -> None:
    # Before [DONE], a finished call streams again (as some servers do): it re-opens, and
    # its last end carries every fragment.
    first = {"index": 0, "id": "call_a", "function": {"name": "f", "arguments": '{"a":'}}
    more = {"index": 0, "function": {"arguments": " 1}"}}
    data = _chunk(first) + _chunk(finish="tool_calls") + _chunk(more) + b"data: [DONE]\n\n"
    parser = StreamParser("openai")
    events = parser.feed(data)
    ends = [(e.index, e.arguments) for e in events if isinstance(e, ToolCallEnd)]
    assert ends == [(0, '{"a":'), (0, '{"a": 1}')]
    assert not any('{"a": 1}' in t for t in reached_texts(parser) if isinstance(t, str))
