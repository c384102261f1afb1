"""The openai SDK's own accumulator (``ChatCompletionStreamState``) as an oracle: on
hypothesis-generated chunk streams (parallel tool calls, n > 1, refusals, a usage chunk), the
bytes go through ``StreamParser`` + ``Accumulator`` and the chunks through the SDK; both must
agree on content, refusal, tool calls, finish reasons and usage."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sseparse import StreamParser
from sseparse.accumulate import Accumulator

# Text without lone surrogates (they cannot be sent as UTF-8), JSON-escaped or not.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
PIECES = st.lists(TEXT, max_size=4)
FINISH = st.sampled_from(["stop", "length", "tool_calls", "content_filter", "function_call"])
IDS = st.text("abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=10)


@st.composite
def tool_call(draw: st.DrawFn) -> dict[str, Any]:
    arguments = json.dumps(
        draw(st.dictionaries(TEXT, TEXT | st.integers(), max_size=3)),
        ensure_ascii=draw(st.booleans()),
    )
    cuts = sorted(draw(st.lists(st.integers(0, len(arguments)), max_size=4)))
    pieces = [arguments[a:b] for a, b in zip([0, *cuts], [*cuts, len(arguments)], strict=True)]
    return {"id": "call_" + draw(IDS), "name": draw(IDS), "pieces": pieces}


@st.composite
def choice_plan(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "content": draw(PIECES),
        "refusal": draw(PIECES),
        "calls": draw(st.lists(tool_call(), max_size=3)),
        "finish": draw(FINISH),
    }


@st.composite
def stream(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (the plans, the chunks) of one interleaved stream."""
    plans = draw(st.lists(choice_plan(), min_size=1, max_size=3))
    # Each choice's deltas, in its own order; tool calls interleave inside the choice, a
    # call's first delta (id, name) always before its argument pieces and before later calls.
    queues: list[list[dict[str, Any]]] = []
    for plan in plans:
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"content": p} for p in plan["content"]]
        deltas += [{"refusal": p} for p in plan["refusal"]]
        calls = [
            [
                {
                    "index": k,
                    "id": c["id"],
                    "type": "function",
                    "function": {"name": c["name"], "arguments": ""},
                }
            ]
            + [{"index": k, "function": {"arguments": p}} for p in c["pieces"]]
            for k, c in enumerate(plan["calls"])
        ]
        started = 0
        while any(calls):
            eligible = [k for k, q in enumerate(calls) if q and k <= started]
            k = draw(st.sampled_from(eligible))
            if k == started:
                started += 1
            deltas.append({"tool_calls": [calls[k].pop(0)]})
        queues.append(deltas)
    base = {"id": "chatcmpl-x", "object": "chat.completion.chunk", "created": 1, "model": "gpt"}
    chunks = []
    pending = [[*q, None] for q in queues]  # None: the finish chunk
    started = 0
    while any(pending):
        eligible = [i for i, q in enumerate(pending) if q and i <= started]
        i = draw(st.sampled_from(eligible))
        if i == started:
            started += 1
        item = pending[i].pop(0)
        if item is None:
            choice = {"index": i, "delta": {}, "finish_reason": plans[i]["finish"]}
        else:
            choice = {"index": i, "delta": item, "finish_reason": None}
        chunks.append({**base, "choices": [choice]})
    if draw(st.booleans()):
        usage = {
            "prompt_tokens": draw(st.integers(0, 999)),
            "completion_tokens": draw(st.integers(0, 999)),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if draw(st.booleans()):
            usage["prompt_tokens_details"] = {"cached_tokens": draw(st.integers(0, 9))}
            usage["completion_tokens_details"] = {"reasoning_tokens": draw(st.integers(0, 9))}
        chunks.append({**base, "choices": [], "usage": usage})
    return plans, chunks


def sse(chunks: list[dict[str, Any]], ensure_ascii: bool) -> bytes:
    body = "".join(f"data: {json.dumps(c, ensure_ascii=ensure_ascii)}\n\n" for c in chunks)
    return (body + "data: [DONE]\n\n").encode()


@given(stream(), st.booleans(), st.integers(1, 64))
def test_accumulator_agrees_with_openai_sdk(
    generated: tuple[list[dict[str, Any]], list[dict[str, Any]]], ascii: bool, size: int
) -> None:
    from openai.lib.streaming.chat import ChatCompletionStreamState
    from openai.types.chat import ChatCompletionChunk

    plans, chunks = generated
    state: Any = ChatCompletionStreamState()
    for chunk in chunks:
        state.handle_chunk(ChatCompletionChunk.model_validate(chunk))
    final = state.current_completion_snapshot

    data = sse(chunks, ascii)
    parser = StreamParser("openai")
    acc = Accumulator()
    for i in range(0, len(data), size):  # any fragmentation, even mid-UTF-8
        acc.feed(parser.feed(data[i : i + size]))
    acc.feed(parser.close())

    assert acc.done and acc.clean
    assert len(acc.messages) == len(final.choices) == len(plans)
    for choice in final.choices:
        message = acc.messages[choice.index]
        assert message.text == (choice.message.content or "")
        assert message.refusal == (choice.message.refusal or "")
        expected = [
            (t.id, t.function.name, t.function.arguments) for t in choice.message.tool_calls or []
        ]
        assert [(c.id, c.name, c.arguments) for c in message.tool_calls] == expected
        assert all(c.complete for c in message.tool_calls)
        assert [c.parsed for c in message.tool_calls] == [json.loads(a) for _, _, a in expected]
        assert message.finish_reason_raw == choice.finish_reason
    if final.usage is None:
        assert acc.usage is None
    else:
        assert acc.usage is not None
        u, f = acc.usage, final.usage
        assert (u.prompt_tokens, u.completion_tokens, u.total_tokens) == (
            f.prompt_tokens,
            f.completion_tokens,
            f.total_tokens,
        )
        cached = f.prompt_tokens_details.cached_tokens if f.prompt_tokens_details else None
        reasoning = (
            f.completion_tokens_details.reasoning_tokens if f.completion_tokens_details else None
        )
        assert (u.cached_tokens, u.reasoning_tokens) == (cached, reasoning)
    # The OpenAI rendering is a valid ChatCompletion with the same content.
    from openai.types.chat import ChatCompletion

    rendered = ChatCompletion.model_validate(acc.to_openai())
    for mine, theirs in zip(rendered.choices, final.choices, strict=True):
        assert (mine.message.content or "") == (theirs.message.content or "")
        assert mine.finish_reason == theirs.finish_reason
