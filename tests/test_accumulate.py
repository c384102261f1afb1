"""Accumulator: folding events into messages, and the OpenAI ``chat.completion`` rendering."""

from __future__ import annotations

from sseparse.accumulate import Accumulator, ToolCall
from sseparse.events import (
    Citation,
    Done,
    Event,
    Finish,
    KeepAlive,
    Other,
    ProviderError,
    ReasoningDelta,
    ReasoningSignature,
    RefusalDelta,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)

STREAM: list[Event] = [
    StreamStart(id="chatcmpl-1", model="gpt", created=100, provider="openai"),
    KeepAlive(),
    ReasoningDelta(text="Let me "),
    ReasoningDelta(text="think."),
    ReasoningSignature(signature="sig"),
    TextDelta(text="Hello"),
    TextDelta(text=", world", choice=1),
    TextDelta(text="!"),
    ToolCallStart(index=0, id="call_a", name="get"),
    ToolCallDelta(index=0, arguments='{"city": '),
    ToolCallStart(index=1, id=None, name="put"),
    ToolCallDelta(index=1, arguments="[1,"),
    ToolCallDelta(index=0, arguments='"Paris"}'),
    Citation(value={"url": "u"}),
    ToolCallEnd(index=0, id="call_a", name="get", arguments='{"city": "Paris"}'),
    ToolCallEnd(index=1, id="call_b", name="put", arguments="[1,"),
    Finish(reason="tool_calls", raw_reason="tool_calls"),
    RefusalDelta(text="No.", choice=1),
    Finish(reason="other", raw_reason="eos", choice=1),
    Usage(prompt_tokens=3, completion_tokens=4, total_tokens=7),
    ProviderError(message="late", code="500"),
    Other(kind="x"),
    Usage(
        prompt_tokens=5, completion_tokens=6, total_tokens=11, cached_tokens=1, reasoning_tokens=2
    ),
    Done(clean=True),
]


def test_messages_per_choice() -> None:
    acc = Accumulator()
    acc.feed(STREAM)
    assert len(acc.messages) == 2
    m0, m1 = acc.messages
    assert acc.message is m0
    assert (m0.text, m0.reasoning, m0.refusal) == ("Hello!", "Let me think.", "")
    assert (m1.text, m1.refusal, m1.choice) == (", world", "No.", 1)
    assert m0.reasoning_signatures == [ReasoningSignature(signature="sig")]
    assert m0.citations == [{"url": "u"}]
    assert m0.tool_calls == [
        ToolCall(
            index=0,
            id="call_a",
            name="get",
            arguments='{"city": "Paris"}',
            parsed={"city": "Paris"},
            complete=True,
        ),
        ToolCall(index=1, id="call_b", name="put", arguments="[1,", parsed=None, complete=True),
    ]
    assert (m0.finish_reason, m0.finish_reason_raw) == ("tool_calls", "tool_calls")
    assert (m1.finish_reason, m1.finish_reason_raw) == ("other", "eos")
    assert (m0.id, m0.model, m1.created, m1.provider) == ("chatcmpl-1", "gpt", 100, "openai")
    assert acc.usage == Usage(
        prompt_tokens=5, completion_tokens=6, total_tokens=11, cached_tokens=1, reasoning_tokens=2
    )
    assert m1.usage is acc.usage
    assert acc.errors == [ProviderError(message="late", code="500")]
    assert acc.others == [Other(kind="x")]
    assert (acc.done, acc.clean, acc.keepalives) == (True, True, 1)


def test_add_one_by_one_equals_feed() -> None:
    a, b = Accumulator(), Accumulator()
    a.feed(STREAM)
    for event in STREAM:
        b.add(event)
    assert a.to_dict() == b.to_dict()


def test_partial_tool_call_before_end() -> None:
    acc = Accumulator()
    acc.feed(STREAM[:13])
    call = acc.message.tool_calls[0]
    assert (call.arguments, call.parsed, call.complete) == (
        '{"city": "Paris"}',
        {"city": "Paris"},
        False,
    )
    assert not acc.message.tool_calls[1].complete
    assert acc.message.tool_calls[1].id is None
    assert acc.message.tool_calls[1].arguments == "[1,"


def test_empty_accumulator() -> None:
    acc = Accumulator()
    assert acc.messages == []
    assert acc.message.text == ""
    assert acc.message.finish_reason is None
    assert acc.messages == []  # reading .message does not invent a choice
    assert (acc.done, acc.clean, acc.usage) == (False, None, None)
    assert acc.to_openai()["choices"] == []


def test_unclean_done() -> None:
    acc = Accumulator()
    acc.feed([TextDelta(text="a"), Done(clean=False)])
    assert (acc.done, acc.clean) == (True, False)


def test_server_tool_kind() -> None:
    acc = Accumulator()
    acc.feed(
        [
            ToolCallStart(index=0, id="s", name="web_search", kind="server"),
            ToolCallEnd(index=0, id="s", name="web_search", arguments="{}", kind="server"),
        ]
    )
    assert acc.message.tool_calls == []
    (call,) = acc.message.server_tool_calls
    assert (call.index, call.id, call.name, call.parsed, call.complete) == (
        0,
        "s",
        "web_search",
        {},
        True,
    )


def test_to_openai() -> None:
    acc = Accumulator()
    acc.feed(STREAM)
    assert acc.to_openai() == {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 100,
        "model": "gpt",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "Hello!",
                    "refusal": None,
                    "reasoning_content": "Let me think.",
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_a",
                            "type": "function",
                            "function": {"name": "get", "arguments": '{"city": "Paris"}'},
                        },
                        {
                            "index": 1,
                            "id": "call_b",
                            "type": "function",
                            "function": {"name": "put", "arguments": "[1,"},
                        },
                    ],
                },
                "finish_reason": "tool_calls",
                "logprobs": None,
            },
            {
                "index": 1,
                "message": {"role": "assistant", "content": ", world", "refusal": "No."},
                "finish_reason": "stop",  # "eos" is no OpenAI word: other -> stop
                "logprobs": None,
            },
        ],
        "usage": {
            "prompt_tokens": 5,
            "completion_tokens": 6,
            "total_tokens": 11,
            "prompt_tokens_details": {"cached_tokens": 1},
            "completion_tokens_details": {"reasoning_tokens": 2},
        },
        "error": {"message": "late", "type": None, "code": "500"},
    }


def test_to_openai_validates_with_the_sdk_model() -> None:
    from openai.types.chat import ChatCompletion

    acc = Accumulator()
    acc.feed([e for e in STREAM if not (isinstance(e, Finish) and e.choice == 1)])
    acc.add(Finish(reason="length", raw_reason="max_tokens", choice=1))
    completion = ChatCompletion.model_validate(acc.to_openai())
    assert completion.choices[1].finish_reason == "length"
    assert completion.choices[0].message.tool_calls[0].function.name == "get"  # type: ignore[index, union-attr]
    assert completion.usage is not None and completion.usage.total_tokens == 11


def test_not_an_event() -> None:
    import pytest

    from sseparse.errors import UsageError

    acc = Accumulator()
    with pytest.raises(UsageError):
        acc.add("text")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        acc.feed([TextDelta(text="a"), {"text": "b"}])  # type: ignore[list-item]
    assert acc.message.text == "a"
