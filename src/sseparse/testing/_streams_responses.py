"""Generated OpenAI Responses API streams (typed SSE events).

Event names, fields and order follow tests/data/captures/openai-responses-*:
``response.created``, ``response.in_progress``, then per output item ``output_item.added``,
its parts and deltas (reasoning summary text, output text or refusal, function-call
arguments), the ``*.done`` events repeating them, ``output_item.done``; the stream ends with
``response.completed`` (or ``response.incomplete`` when the answer hit its token limit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ._model import ERROR_MESSAGE, Record, Stream, Tag, assemble, scripts
from ._sse import sse

__all__ = ["responses_streams"]


@st.composite
def responses_streams(
    draw: Callable[..., Any], *, format: str = "sse", errors: bool = False, truncation: bool = False
) -> Stream:
    """Responses streams: reasoning summaries (with or without encrypted content), text or a
    refusal, parallel function calls; mid-stream ``error`` events and truncation on request."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    script = draw(scripts(refusal=True))
    hexes = st.text("0123456789abcdef", min_size=16, max_size=16)
    response: dict[str, Any] = {
        "id": "resp_" + draw(hexes),
        "object": "response",
        "created_at": draw(st.integers(1_700_000_000, 1_800_000_000)),
        "status": "in_progress",
        "error": None,
        "incomplete_details": None,
        "model": "gpt-5-2025-08-07",
        "output": [],
        "usage": None,
    }
    records: list[Record] = []

    def add(kind: str, value: dict[str, Any], *tags: Tag) -> None:
        event = {"type": kind, "sequence_number": len(records), **value}
        records.append(Record(sse(event, eol, kind), tags))

    add("response.created", {"response": response})
    add("response.in_progress", {"response": response})
    out = 0
    if script.reasoning:
        item: dict[str, Any] = {"id": "rs_" + draw(hexes), "type": "reasoning", "summary": []}
        where = {"item_id": item["id"], "output_index": out}
        add("response.output_item.added", {"output_index": out, "item": item})
        part: dict[str, Any] = {"type": "summary_text", "text": ""}
        add("response.reasoning_summary_part.added", {**where, "summary_index": 0, "part": part})
        for piece in script.reasoning:
            delta = {**where, "summary_index": 0, "delta": piece}
            add("response.reasoning_summary_text.delta", delta, ("reasoning", piece))
        text = "".join(script.reasoning)
        add("response.reasoning_summary_text.done", {**where, "summary_index": 0, "text": text})
        item["summary"] = [{"type": "summary_text", "text": text}]
        tags: tuple[Tag, ...] = ()
        if draw(st.booleans()):
            item["encrypted_content"] = encrypted = "gAAAAABoyXus" + draw(hexes)
            tags = (("signature", encrypted, True),)
        add("response.output_item.done", {"output_index": out, "item": item}, *tags)
        out += 1
    if script.text or script.refusal:
        item = {"id": "msg_" + draw(hexes), "type": "message", "status": "in_progress"}
        item |= {"content": [], "role": "assistant"}
        where = {"item_id": item["id"], "output_index": out, "content_index": 0}
        add("response.output_item.added", {"output_index": out, "item": item})
        if script.refusal:
            kind, pieces, tag = "refusal", script.refusal, "refusal"
            part = {"type": "refusal", "refusal": ""}
        else:
            kind, pieces, tag = "output_text", script.text, "text"
            part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        add("response.content_part.added", {**where, "part": part})
        for piece in pieces:
            add(f"response.{kind}.delta", {**where, "delta": piece}, (tag, piece))
        whole = "".join(pieces)
        add(f"response.{kind}.done", {**where, kind.replace("output_", ""): whole})
        add("response.content_part.done", {**where, "part": part})
        add("response.output_item.done", {"output_index": out, "item": item})
        out += 1
    for i, call in enumerate(script.calls):
        item = {"id": "fc_" + draw(hexes), "type": "function_call", "status": "in_progress"}
        item |= {"arguments": "", "call_id": call.id, "name": call.name}
        where = {"item_id": item["id"], "output_index": out}
        added = ("call", i, call.id, call.name, "function")
        add("response.output_item.added", {"output_index": out, "item": item}, added)
        for piece in call.pieces:
            add(
                "response.function_call_arguments.delta",
                {**where, "delta": piece},
                ("args", i, piece),
            )
        add("response.function_call_arguments.done", {**where, "arguments": call.arguments})
        done = {**item, "status": "completed", "arguments": call.arguments}
        add("response.output_item.done", {"output_index": out, "item": done})
        out += 1
    usage = {"input_tokens": script.prompt_tokens, "output_tokens": script.completion_tokens}
    usage["total_tokens"] = script.prompt_tokens + script.completion_tokens
    if script.finish == "length":
        final = {**response, "status": "incomplete", "usage": usage}
        final["incomplete_details"] = {"reason": "max_output_tokens"}
        kind, finish = "response.incomplete", ("finish", "length", "max_output_tokens")
    else:
        final = {**response, "status": "completed", "usage": usage}
        kind, finish = "response.completed", ("finish", script.finish, "completed")
    terminal = {"type": kind, "sequence_number": len(records), "response": final}
    error = {"type": "error", "sequence_number": len(records), "code": "server_error"}
    error |= {"message": ERROR_MESSAGE, "param": None}
    stream: Stream = draw(
        assemble(
            dialect="openai-responses",
            format=format,
            records=records,
            end=Record(sse(terminal, eol, kind), (finish,)),
            keepalive=f": keep-alive{eol}{eol}".encode(),
            error=sse(error, eol, "error"),
            errors=errors,
            truncation=truncation,
        )
    )
    return stream
