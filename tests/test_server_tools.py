"""Server-executed tools (issue 9): a tool the provider runs itself (web search, code
execution, web fetch, tool search, MCP, Nova's code interpreter) is not the client's to run.
Its call streams as ``ToolCallStart(kind="server")``…``ToolCallEnd`` and its result as
``ServerToolResult``; ``Message.tool_calls`` holds only client calls, and
``Message.server_tool_calls`` each server call with its results; ``to_openai()`` never renders
a server call as a ``function`` tool call."""

from __future__ import annotations

from typing import Any

import pytest

from sseparse import Accumulator, ServerToolCall, StreamParser
from sseparse.events import (
    Event,
    ServerToolResult,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
)
from tests.captures import captures, read


def call(index: int, id: str | None, name: str, arguments: str, kind: str) -> list[Event]:
    return [
        ToolCallStart(index=index, id=id, name=name, kind=kind),
        ToolCallDelta(index=index, arguments=arguments),
        ToolCallEnd(index=index, id=id, name=name, arguments=arguments, kind=kind),
    ]


def test_results_find_their_call_by_id_then_by_order() -> None:
    acc = Accumulator()
    acc.feed(
        [
            *call(0, "s1", "web_search", '{"q":"a"}', "server"),
            *call(1, "s2", "web_search", '{"q":"b"}', "server"),
            ServerToolResult(tool_call_id="s1", kind="web_search_tool_result", content=[1]),
            *call(2, None, "code_execution", '{"code":"1"}', "server"),
            ServerToolResult(kind="codeExecutionResult", content={"output": "1"}),
            *call(3, "c", "get_weather", '{"city":"Paris"}', "function"),
            ServerToolResult(tool_call_id="nowhere", kind="web_fetch_tool_result", content="x"),
        ]
    )
    message = acc.message
    assert [(c.index, c.id, c.name, c.parsed) for c in message.tool_calls] == [
        (3, "c", "get_weather", {"city": "Paris"})
    ]
    got = message.server_tool_calls
    assert [(c.index, c.id, c.name, c.parsed, c.complete) for c in got] == [
        (0, "s1", "web_search", {"q": "a"}, True),
        (1, "s2", "web_search", {"q": "b"}, True),
        (2, None, "code_execution", {"code": "1"}, True),
        (None, "nowhere", None, None, False),  # a result whose call never streamed
    ]
    assert [[r.content for r in c.results] for c in got] == [[[1]], [], [{"output": "1"}], ["x"]]
    assert isinstance(got[0], ServerToolCall)

    shown = acc.to_dict()["messages"][0]
    assert [c["name"] for c in shown["tool_calls"]] == ["get_weather"]
    assert [c["id"] for c in shown["server_tool_calls"]] == ["s1", "s2", None, "nowhere"]
    assert shown["server_tool_calls"][0]["results"] == [
        {"kind": "web_search_tool_result", "content": [1]}
    ]

    openai = acc.to_openai()["choices"][0]["message"]
    assert openai["tool_calls"] == [
        {
            "index": 3,
            "id": "c",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
        }
    ]


def test_only_server_calls_render_no_tool_calls() -> None:
    acc = Accumulator()
    acc.feed(call(0, "s", "web_search", "{}", "server"))
    assert acc.message.tool_calls == []
    assert "tool_calls" not in acc.to_openai()["choices"][0]["message"]


_DIALECTS = {"anthropic-messages": "anthropic", "gemini": "gemini", "bedrock-converse": "bedrock"}
_SERVER = [
    e
    for e in captures()
    if e["api"] in _DIALECTS
    and (
        "server_tools" in e["features"]
        or e["file"] == "bedrock-converse-parallel-tool-calls.eventstream"
    )
]


@pytest.mark.parametrize("entry", _SERVER, ids=[e["file"] for e in _SERVER])
def test_captures_keep_server_calls_apart(entry: dict[str, Any]) -> None:
    fmt = "jsonarray" if entry["format"] == "json-array" else None
    parser = StreamParser(_DIALECTS[entry["api"]], format=fmt)
    events = parser.feed(read(entry["file"])) + parser.close()
    acc = Accumulator()
    acc.feed(events)
    message = acc.message
    server = {e.id for e in events if isinstance(e, ToolCallStart) and e.kind == "server"}
    results = [e for e in events if isinstance(e, ServerToolResult)]
    assert all(c.kind == "function" for c in message.tool_calls)
    assert {c.id for c in message.server_tool_calls} == server
    # Every result is attached to the call it answers (none left over).
    assert sum(len(c.results) for c in message.server_tool_calls) == len(results)
    assert all(c.index is not None for c in message.server_tool_calls)
    rendered = acc.to_openai()["choices"][0]["message"].get("tool_calls", [])
    assert [c["id"] for c in rendered] == [c.id for c in message.tool_calls]
    assert not server & {c["id"] for c in rendered}
