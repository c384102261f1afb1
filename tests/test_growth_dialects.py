"""Tool-call bookkeeping costs work in proportion to the stream (issue 13).

Work is counted, never timed: a tracer counts the lines of ``sseparse`` executed while a stream
is parsed, for a stream of N calls and one of 2N. Linear bookkeeping makes the second count
about twice the first; a rescan of every call per event would make it about four times. Work
done in C on long strings (joining a call's arguments again) is counted as the characters of
the events built.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

from sseparse import Accumulator, StreamParser, accumulate
from sseparse.events import Event, ServerToolResult, ToolCallDelta, ToolCallEnd, ToolCallStart

SOURCE = str(Path(__import__("sseparse").__file__).resolve().parent)


def lines_run(work: Callable[[], object]) -> int:
    """How many lines of ``sseparse`` run while *work* runs (loop iterations included)."""
    seen = 0
    mine: dict[Any, bool] = {}

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal seen
        if event == "line":
            seen += 1
        return local

    def outer(frame: FrameType, event: str, arg: object) -> Any:
        code = frame.f_code
        inside = mine.get(code)
        if inside is None:
            inside = mine[code] = str(Path(code.co_filename).resolve()).startswith(SOURCE)
        return local if inside else None

    previous = sys.gettrace()  # coverage's tracer, when it runs: put back afterwards
    sys.settrace(outer)
    try:
        work()
    finally:
        sys.settrace(previous)
    return seen


def assert_linear(make: Callable[[int], Callable[[], object]], n: int) -> None:
    small, large = lines_run(make(n)), lines_run(make(2 * n))
    assert small > n  # the work was seen at all
    assert large < 2.5 * small, f"{2 * n} cost {large / small:.2f}x the work of {n}"


def sse(*chunks: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)


def parse(dialect: str, data: bytes) -> Callable[[], list[Event]]:
    def run() -> list[Event]:
        parser = StreamParser(dialect)
        return [*parser.feed(data), *parser.close()]

    return run


# -- OpenAI chat ----------------------------------------------------------------------------


def _chat(choices: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "c", "model": "m", "choices": choices}


def _call(position: int, arguments: str, **fields: Any) -> dict[str, Any]:
    function = {"arguments": arguments, **fields}
    return {"index": 0, "delta": {"tool_calls": [{"index": position, "function": function}]}}


def test_openai_chat_many_calls_then_many_finish_chunks_is_linear() -> None:
    def make(n: int) -> Callable[[], object]:
        calls = [_chat([_call(i, "{}", name=f"f{i}")]) for i in range(n)]
        finishes = [_chat([{"index": 0, "delta": {}, "finish_reason": "tool_calls"}])] * n
        return parse("openai", sse(*calls, *finishes))

    assert_linear(make, 200)
    events = make(3)()
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    assert [e.index for e in ends] == [0, 1, 2]


def test_openai_chat_reopening_a_long_call_does_not_join_it_again() -> None:
    # One long call, then k times: one more fragment for it and a finish_reason.
    long = "x" * 100_000
    k = 200
    again = [_chat([_call(0, "y")]), _chat([{"index": 0, "finish_reason": "tool_calls"}])]
    data = sse(
        _chat([_call(0, long, name="f")]),
        _chat([{"index": 0, "finish_reason": "tool_calls"}]),
        *again * k,
    )
    events = parse("openai", data)()
    ends = [e for e in events if isinstance(e, ToolCallEnd)]
    # Ended at its finish_reason, then once more at the end of the stream with every fragment.
    assert [len(e.arguments) for e in ends] == [len(long), len(long) + k]
    built = sum(len(e.arguments) for e in ends)
    assert built < 3 * len(data)
    acc = Accumulator()
    acc.feed(events)
    assert acc.message.tool_calls[0].arguments == long + "y" * k


# -- OpenAI Responses -----------------------------------------------------------------------


def test_responses_many_open_calls_then_many_done_items_is_linear() -> None:
    def make(n: int) -> Callable[[], object]:
        def item(i: int) -> dict[str, Any]:
            return {"type": "function_call", "id": f"fc{i}", "call_id": f"c{i}", "name": "f"}

        added = [
            {"type": "response.output_item.added", "output_index": i, "item": item(i)}
            for i in range(n)
        ]
        done = [
            {
                "type": "response.output_item.done",
                "output_index": i,
                "item": {**item(i), "arguments": "{}"},
            }
            for i in range(n)
        ]
        return parse("openai-responses", sse(*added, *done))

    assert_linear(make, 200)
    ends = [e for e in make(3)() if isinstance(e, ToolCallEnd)]
    assert [(e.index, e.id, e.arguments) for e in ends] == [
        (0, "c0", "{}"),
        (1, "c1", "{}"),
        (2, "c2", "{}"),
    ]


# -- Accumulator ----------------------------------------------------------------------------


def test_server_results_find_their_calls_in_linear_work() -> None:
    # N server calls, then their results latest first: without an id (each answers the latest
    # call still without one) and with ids.
    def make(n: int, ids: bool) -> Callable[[], object]:
        events: list[Event] = [
            ToolCallStart(index=i, id=f"s{i}", name="web_search", kind="server") for i in range(n)
        ]
        events += [
            ServerToolResult(tool_call_id=f"s{i}" if ids else None, kind="r", content=i)
            for i in reversed(range(n))
        ]

        def run() -> Accumulator:
            acc = Accumulator()
            acc.feed(events)
            return acc

        return run

    for ids in (False, True):
        assert_linear(partial(make, ids=ids), 300)
        acc = make(4, ids)()
        assert isinstance(acc, Accumulator)
        calls = acc.message.server_tool_calls
        assert [(c.id, [r.content for r in c.results]) for c in calls] == [
            (f"s{i}", [i]) for i in range(4)
        ]


def test_a_call_ended_again_and_again_is_not_joined_again(monkeypatch: Any) -> None:
    # One long call, then k times: one more fragment and an end that repeats the long
    # arguments (the same string: the events are small), or the same end again. A re-join of
    # the call's fragments at every end would be k times the long arguments. Joins are done
    # in C, out of the tracer's sight: the accumulator's one join helper counts them.
    joined = 0
    original = accumulate._joined

    def counting(parts: list[str]) -> str:
        nonlocal joined
        text = original(parts)
        joined += len(text)
        return text

    monkeypatch.setattr(accumulate, "_joined", counting)
    long = json.dumps({"a": "x" * 100_000})

    def make(k: int, fragment: bool) -> Callable[[], object]:
        end = ToolCallEnd(index=0, id="c", name="f", arguments=long)
        again: list[Event] = [ToolCallDelta(index=0, arguments="y"), end] if fragment else [end]
        events = [
            ToolCallStart(index=0, id="c", name="f"),
            ToolCallDelta(index=0, arguments=long),
            *again * k,
        ]

        def run() -> Accumulator:
            acc = Accumulator()
            acc.feed(events)
            return acc

        return run

    for fragment in (True, False):
        assert_linear(partial(make, fragment=fragment), 200)
        joined = 0
        acc = make(200, fragment)()
        assert isinstance(acc, Accumulator)
        [call] = acc.message.tool_calls  # one join, of the final arguments
        assert call.arguments == long and call.complete and call.partial == json.loads(long)
        assert joined < 2 * len(long), joined
