"""The Mistral dialect: OpenAI chunks with content parts (text, thinking, references), whole
tool calls without index, and Mistral's own finish words."""

from __future__ import annotations

import json
from typing import Any

from sseparse import StreamParser
from sseparse.accumulate import Accumulator
from sseparse.dialects.mistral import MistralDialect
from sseparse.events import (
    Citation,
    Done,
    Event,
    Finish,
    Other,
    ReasoningDelta,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.testing import assert_fragmentation_invariant

from .test_openai_chat import body, chunk, delta, run


def test_content_parts() -> None:
    events = body(
        run(
            chunk(
                delta(
                    content=[
                        {"type": "thinking", "thinking": [{"type": "text", "text": "hmm"}]},
                        {"type": "text", "text": "ok"},
                        {"type": "reference", "reference_ids": [1]},
                        {"type": "thinking", "thinking": "str"},
                        {"type": "image_url", "image_url": "u"},
                    ]
                )
            ),
            end=False,
            dialect=MistralDialect(),
        )
    )
    assert events == [
        ReasoningDelta(text="hmm"),
        TextDelta(text="ok"),
        Citation(value={"type": "reference", "reference_ids": [1]}),
        ReasoningDelta(text="str"),
        Other(kind="content.image_url"),
    ]


def test_mistral_finish_words_and_provider() -> None:
    events = run(
        chunk(delta(finish="model_length")),
        chunk(delta(1, "error")),
        dialect=MistralDialect(),
        end=False,
    )
    assert events == [
        StreamStart(id="c1", model="m", created=7, provider="mistral"),
        Finish(reason="length", raw_reason="model_length"),
        Finish(reason="error", raw_reason="error", choice=1),
    ]


def sse(*chunks: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + (
        b"data: [DONE]\n\n"
    )


MAGISTRAL = sse(
    {
        "id": "m1",
        "model": "magistral-medium-latest",
        "created": 5,
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}],
    },
    {
        "id": "m1",
        "choices": [
            {
                "index": 0,
                "delta": {
                    "content": [{"type": "thinking", "thinking": [{"type": "text", "text": "Ok"}]}]
                },
            }
        ],
    },
    {
        "id": "m1",
        "choices": [
            {
                "index": 0,
                "delta": {
                    "content": [{"type": "thinking", "thinking": [{"type": "text", "text": "ay."}]}]
                },
            }
        ],
    },
    {"id": "m1", "choices": [{"index": 0, "delta": {"content": "Yes"}}]},
    {
        "id": "m1",
        "choices": [
            {
                "index": 0,
                "delta": {"content": [{"type": "text", "text": "!"}]},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
    },
)


def test_reasoning_parts_then_text_through_the_parser() -> None:
    outcome = assert_fragmentation_invariant(lambda: StreamParser("mistral"), MAGISTRAL)
    assert outcome.items == [
        StreamStart(id="m1", model="magistral-medium-latest", created=5, provider="mistral"),
        ReasoningDelta(text="Ok"),
        ReasoningDelta(text="ay."),
        TextDelta(text="Yes"),
        TextDelta(text="!"),
        Finish(reason="stop", raw_reason="stop"),
        Usage(prompt_tokens=3, completion_tokens=4, total_tokens=7),
        Done(),
    ]
    acc = Accumulator()
    acc.feed(outcome.items)
    assert (acc.message.reasoning, acc.message.text) == ("Okay.", "Yes!")


def test_whole_calls_without_index_through_the_parser() -> None:
    calls = [
        {"id": "a1", "function": {"name": "plus", "arguments": '{"a": 1}'}},
        {"id": "b2", "function": {"name": "minus", "arguments": '{"b": 2}'}},
    ]
    data = sse(
        {
            "id": "m",
            "model": "mistral-large-latest",
            "choices": [
                {"index": 0, "delta": {"tool_calls": calls}, "finish_reason": "tool_calls"}
            ],
        },
    )
    events = assert_fragmentation_invariant(lambda: StreamParser("mistral"), data).items
    assert body(events) == [
        ToolCallStart(index=0, id="a1", name="plus"),
        ToolCallDelta(index=0, arguments='{"a": 1}'),
        ToolCallStart(index=1, id="b2", name="minus"),
        ToolCallDelta(index=1, arguments='{"b": 2}'),
        ToolCallEnd(index=0, id="a1", name="plus", arguments='{"a": 1}'),
        ToolCallEnd(index=1, id="b2", name="minus", arguments='{"b": 2}'),
        Finish(reason="tool_calls", raw_reason="tool_calls"),
        Done(),
    ]


def test_empty_thinking_and_other_inner_parts() -> None:
    events: list[Event] = body(
        run(
            chunk(
                delta(
                    content=[
                        {"type": "thinking", "thinking": []},
                        {
                            "type": "thinking",
                            "thinking": [
                                {"type": "reference", "reference_ids": [3]},
                                {"type": "image"},
                            ],
                        },
                    ]
                )
            ),
            dialect=MistralDialect(),
            end=False,
        )
    )
    assert events == [
        Citation(value={"type": "reference", "reference_ids": [3]}),
        Other(kind="thinking.image"),
    ]
