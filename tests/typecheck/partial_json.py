"""Checked by ``mypy --strict`` in CI (not run by pytest): PartialJSON's public types.

``feed`` and ``close`` return the closed ``JSONChange`` union, which ``match`` covers
exhaustively; paths are tuples of keys and indices; the error carries its offset.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_never, assert_type

from sseparse import (
    Accumulator,
    JSONAdded,
    JSONChange,
    JSONCompleted,
    JSONPath,
    JSONStringGrew,
    PartialJSON,
    PartialJSONError,
    ToolCall,
)


def describe(change: JSONChange) -> str:
    match change:
        case JSONAdded(path=path, value=value):
            assert_type(path, JSONPath)
            return f"{path} = {value!r}"
        case JSONStringGrew(path=path, piece=piece):
            assert_type(piece, str)
            return f"{path} += {piece!r}"
        case JSONCompleted(path=path):
            return f"{path} done"
        case _:
            assert_never(change)


def use() -> None:
    parser = PartialJSON(max_depth=64)
    assert_type(parser.feed('{"a": "b'), list[JSONChange])
    assert_type(parser.value, Any)
    assert_type(parser.complete, bool)
    assert_type(parser.error, PartialJSONError | None)
    assert_type(parser.close(), list[JSONChange])
    error = PartialJSONError("bad", offset=3)
    assert_type(error.offset, int)
    assert_type(error.truncated, bool)
    for change in parser.feed("x"):
        path: tuple[str | int, ...] = change.path
        describe(change)
        del path
    call: ToolCall = Accumulator().message.tool_calls[0]
    assert_type(call.partial, Any)
    assert_type(Accumulator().message.structured, Any)
