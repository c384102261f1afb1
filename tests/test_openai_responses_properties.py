"""Hypothesis-built OpenAI Responses streams, fragmented anywhere, against their ground truth.

Each generated stream is a sequence of output items — messages (text and refusal parts),
function calls (arguments split anywhere, sometimes two interleaved), reasoning items (summary
deltas, encrypted content), web searches — framed as OpenAI does (``event:`` lines) or as
OpenRouter does (no ``event:`` lines, keep-alive comments, ``data: [DONE]`` at the end). What
``StreamParser("openai-responses")`` + ``Accumulator`` rebuild must equal what was generated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sseparse.accumulate import Accumulator
from sseparse.events import Done
from sseparse.parser import StreamParser

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=10)
_ident = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)


@dataclass
class Truth:
    text: str = ""
    refusal: str = ""
    reasoning: str = ""
    calls: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, name, args, kind
    encrypted: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)


@st.composite
def _pieces(draw: st.DrawFn, text: str) -> list[str]:
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=5)))
    out, last = [], 0
    for cut in [*cuts, len(text)]:
        out.append(text[last:cut])
        last = cut
    return out


@st.composite
def streams(draw: st.DrawFn) -> Truth:
    truth = Truth()
    ev = truth.events
    response = {"id": "resp_" + draw(_ident), "model": "gpt-x", "created_at": 1, "output": []}
    ev.append({"type": "response.created", "response": {**response, "status": "in_progress"}})
    index = 0
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(
            st.sampled_from(["message", "function", "two_functions", "reasoning", "search"])
        )
        if kind == "message":
            item = {"type": "message", "id": "msg_" + draw(_ident), "role": "assistant"}
            ev.append({"type": "response.output_item.added", "output_index": index, "item": item})
            for part in draw(st.lists(st.sampled_from(["output_text", "refusal"]), max_size=2)):
                body = draw(_text)
                name = (
                    "response.output_text.delta"
                    if part == "output_text"
                    else "response.refusal.delta"
                )
                for piece in draw(_pieces(body)):
                    ev.append(
                        {"type": name, "output_index": index, "item_id": item["id"], "delta": piece}
                    )
                if part == "output_text":
                    truth.text += body
                else:
                    truth.refusal += body
            ev.append({"type": "response.output_item.done", "output_index": index, "item": item})
            index += 1
        elif kind in ("function", "two_functions"):
            count = 1 if kind == "function" else 2
            items, pieces = [], []
            for k in range(count):
                args = json.dumps(draw(st.dictionaries(_text, _text, max_size=2)))
                item = {
                    "type": "function_call",
                    "id": f"fc_{index + k}",
                    "call_id": f"call_{draw(_ident)}",
                    "name": draw(_ident),
                    "arguments": "",
                }
                ev.append(
                    {"type": "response.output_item.added", "output_index": index + k, "item": item}
                )
                items.append((item, args))
                pieces.append(draw(_pieces(args)))
                truth.calls.append((item["call_id"], item["name"], args, "function"))
            # Interleave the two calls' argument deltas (routed by output_index).
            while any(pieces):
                k = draw(st.sampled_from([k for k in range(count) if pieces[k]]))
                piece = pieces[k].pop(0)
                ev.append(
                    {
                        "type": "response.function_call_arguments.delta",
                        "output_index": index + k,
                        "item_id": items[k][0]["id"],
                        "delta": piece,
                    }
                )
            for k, (item, args) in enumerate(items):
                done = {**item, "arguments": args, "status": "completed"}
                ev.append(
                    {"type": "response.output_item.done", "output_index": index + k, "item": done}
                )
            index += count
        elif kind == "reasoning":
            item = {"type": "reasoning", "id": "rs_" + draw(_ident), "summary": []}
            ev.append({"type": "response.output_item.added", "output_index": index, "item": item})
            summary = draw(_text)
            for piece in draw(_pieces(summary)):
                ev.append(
                    {
                        "type": "response.reasoning_summary_text.delta",
                        "output_index": index,
                        "item_id": item["id"],
                        "summary_index": 0,
                        "delta": piece,
                    }
                )
            truth.reasoning += summary
            done = dict(item)
            if draw(st.booleans()):
                done["encrypted_content"] = "gAAA" + draw(_ident)
                truth.encrypted += 1
            ev.append({"type": "response.output_item.done", "output_index": index, "item": done})
            index += 1
        else:
            item = {"type": "web_search_call", "id": "ws_" + draw(_ident), "status": "in_progress"}
            ev.append({"type": "response.output_item.added", "output_index": index, "item": item})
            ev.append({"type": "response.web_search_call.searching", "output_index": index})
            action = {"type": "search", "query": draw(_text)}
            done = {**item, "status": "completed", "action": action}
            ev.append({"type": "response.output_item.done", "output_index": index, "item": done})
            truth.calls.append(
                (
                    item["id"],
                    "web_search",
                    json.dumps({"action": action}, separators=(",", ":"), ensure_ascii=False),
                    "server",
                )
            )
            index += 1
    usage = {"input_tokens": draw(st.integers(0, 999)), "output_tokens": draw(st.integers(0, 999))}
    usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
    if draw(st.booleans()):
        ev.append(
            {
                "type": "response.completed",
                "response": {**response, "status": "completed", "usage": usage},
            }
        )
    else:
        ev.append(
            {
                "type": "response.incomplete",
                "response": {
                    **response,
                    "status": "incomplete",
                    "incomplete_details": {"reason": "max_output_tokens"},
                    "usage": usage,
                },
            }
        )
    for n, event in enumerate(ev):
        event["sequence_number"] = n
    return truth


def frame(events: list[dict[str, Any]], *, openrouter: bool) -> bytes:
    out = []
    for event in events:
        data = json.dumps(event, ensure_ascii=False)
        if openrouter:
            out.append(f": OPENROUTER PROCESSING\n\ndata: {data}\n\n")
        else:
            out.append(f"event: {event['type']}\ndata: {data}\n\n")
    if openrouter:
        out.append("data: [DONE]\n\n")
    return "".join(out).encode()


@given(streams(), st.booleans(), st.data())
def test_rebuilt_message_equals_the_generated_one(
    truth: Truth, openrouter: bool, data: st.DataObject
) -> None:
    raw = frame(truth.events, openrouter=openrouter)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=8)))
    parser = StreamParser("openai-responses")
    events: list[Any] = []
    last = 0
    for cut in [*cuts, len(raw)]:
        events += parser.feed(raw[last:cut])
        last = cut
    events += parser.close()
    assert events[-1] == Done(clean=True)
    acc = Accumulator()
    acc.feed(events)
    message = acc.message
    assert message.text == truth.text
    assert message.refusal == truth.refusal
    assert message.reasoning == truth.reasoning
    every = sorted(
        [*message.tool_calls, *message.server_tool_calls], key=lambda c: c.index or 0
    )  # client and server calls
    assert [(c.id, c.name, c.arguments, c.kind) for c in every] == truth.calls
    assert all(c.complete for c in message.tool_calls)
    assert sum(s.redacted for s in message.reasoning_signatures) == truth.encrypted
    terminal = truth.events[-1]
    usage = terminal["response"]["usage"]
    assert acc.usage is not None
    assert (acc.usage.prompt_tokens, acc.usage.completion_tokens) == (
        usage["input_tokens"],
        usage["output_tokens"],
    )
    if terminal["type"] == "response.incomplete":
        assert (message.finish_reason, message.finish_reason_raw) == ("length", "max_output_tokens")
    else:
        functions = any(kind == "function" for *_, kind in truth.calls)
        expected = "tool_calls" if functions else "stop"
        assert (message.finish_reason, message.finish_reason_raw) == (expected, "completed")
    assert (acc.keepalives > 0) == openrouter
