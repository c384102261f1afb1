"""Accumulator's partial readings: ``ToolCall.partial`` for tool arguments and
``Message.structured`` for the answer text, delta by delta, against jiter's partial mode."""

from __future__ import annotations

import json

import pytest

from sseparse import (
    Accumulator,
    Event,
    PartialJSON,
    StreamParser,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
)
from tests import captures
from tests._partialhelp import jiter_reading

TOOL_CAPTURES = [e["file"] for e in captures.manifest() if "tool" in e["file"]]


def _events(name: str) -> list[Event]:
    parser = StreamParser("auto")
    events = parser.feed(captures.read(name))
    events += parser.close()
    return events


def test_there_are_tool_captures() -> None:
    assert len(TOOL_CAPTURES) >= 30


@pytest.mark.parametrize("name", TOOL_CAPTURES)
def test_tool_call_partial_follows_every_delta(name: str) -> None:
    acc = Accumulator()
    arguments: dict[tuple[int, int], str] = {}
    server: set[tuple[int, int]] = set()  # server-run calls: in Message.server_tool_calls
    for event in _events(name):
        acc.add(event)
        if isinstance(event, ToolCallStart) and event.kind == "server":
            server.add((event.choice, event.index))
        if isinstance(event, ToolCallDelta) and (event.choice, event.index) not in server:
            key = (event.choice, event.index)
            arguments[key] = arguments.get(key, "") + event.arguments
            call = next(c for c in acc.messages[event.choice].tool_calls if c.index == event.index)
            assert call.partial == jiter_reading(arguments[key])
    for message in acc.messages:
        for call in message.tool_calls:
            if call.parsed is not None:
                assert call.partial == call.parsed


def test_each_argument_character_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fed: list[int] = []
    original = PartialJSON.feed

    def counting_feed(self: PartialJSON, text: str) -> object:
        fed.append(len(text))
        return original(self, text)

    monkeypatch.setattr(PartialJSON, "feed", counting_feed)
    arguments = json.dumps({"path": "a.txt", "content": "line\n" * 500})
    text = json.dumps({"answer": "é" * 300, "items": list(range(100))})
    acc = Accumulator()
    acc.add(ToolCallStart(index=0, id="call_1", name="write_file"))
    for char in arguments:
        acc.add(ToolCallDelta(index=0, arguments=char))
        assert acc.message.tool_calls[0].partial is not None
    for k in range(0, len(text), 7):
        acc.add(TextDelta(text=text[k : k + 7]))
        assert acc.message.structured is not None
    assert acc.message.tool_calls[0].partial == json.loads(arguments)
    assert acc.message.structured == json.loads(text)
    assert sum(fed) == len(arguments) + len(text)


def test_structured_output_reads_like_jiter() -> None:
    text = '{"title": "Caf\\u00e9", "tags": ["a", "b"], "score": 0.75, "ok": true}'
    acc = Accumulator()
    assert acc.message.structured is None
    for k in range(len(text)):
        acc.add(TextDelta(text=text[k]))
        assert acc.message.structured == jiter_reading(text[: k + 1])
    assert acc.message.structured == json.loads(text)


def test_prose_is_not_structured() -> None:
    acc = Accumulator()
    acc.add(TextDelta(text='{"a": 1} and then some prose'))
    assert acc.message.structured == {"a": 1}  # the last good reading


def test_end_marker_with_other_arguments_is_read_afresh() -> None:
    acc = Accumulator()
    acc.add(ToolCallStart(index=0, id="c", name="f"))
    acc.add(ToolCallDelta(index=0, arguments='{"a": "x'))
    assert acc.message.tool_calls[0].partial == {"a": "x"}
    acc.add(ToolCallEnd(index=0, id="c", name="f", arguments='{"b": 2}'))
    call = acc.message.tool_calls[0]
    assert call.partial == {"b": 2} == call.parsed
    same = Accumulator()
    same.add(ToolCallDelta(index=0, arguments='{"a": 1}'))
    assert same.message.tool_calls[0].partial == {"a": 1}
    same.add(ToolCallEnd(index=0, id="c", name="f", arguments='{"a": 1}'))
    assert same.message.tool_calls[0].partial == {"a": 1}


@pytest.mark.parametrize(
    ("deltas", "end", "afresh"),
    [
        (['{"a":', " 1}"], '{"a": 2}', True),  # as long as the deltas, another last part
        (['{"a":', " 1}"], '{"b": 1}', True),  # another first part
        (['{"a":', " 1}"], '{"a": 1}', False),
        (['{"a":', "", " 1}"], '{"a": 1}', False),  # an empty fragment in between
        (['{"a": 1}'], '{"a": 1}', False),
        ([], "", False),
    ],
)
def test_end_marker_arguments_are_checked_against_every_fragment(
    deltas: list[str], end: str, afresh: bool
) -> None:
    acc = Accumulator()
    acc.add(ToolCallStart(index=0, id="c", name="f"))
    for fragment in deltas:
        acc.add(ToolCallDelta(index=0, arguments=fragment))
    before = acc.message.tool_calls[0].partial
    acc.add(ToolCallEnd(index=0, id="c", name="f", arguments=end))
    acc.add(ToolCallEnd(index=0, id="c", name="f", arguments=end))  # the same end again
    call = acc.message.tool_calls[0]
    assert call.arguments == end and call.complete
    assert call.partial == (json.loads(end) if end else None)
    assert (call.partial != before) is afresh


def test_partial_is_not_part_of_equality() -> None:
    one = ToolCall(index=0, id="c", name="f", arguments="{", partial={})
    other = ToolCall(index=0, id="c", name="f", arguments="{", partial=None)
    assert one == other
