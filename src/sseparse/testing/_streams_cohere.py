"""Generated Cohere Chat streams: v2 (typed SSE, ends ``message-end`` + ``[DONE]``) and v1
(NDJSON with ``event_type``, ends ``stream-end``).

Shapes follow tests/data/captures/cohere-*: v2 ``message-start``, ``content-start`` /
``content-delta`` / ``content-end`` for thinking and text, ``tool-plan-delta``,
``tool-call-start`` / ``-delta`` / ``-end``, ``message-end`` with ``finish_reason`` and usage;
v1 ``stream-start``, ``text-generation``, ``tool-calls-chunk`` (the plan),
``tool-calls-generation`` (whole calls) and ``stream-end``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ._model import Record, Stream, Tag, assemble, scripts
from ._sse import sse

__all__ = ["cohere_v1_streams", "cohere_v2_streams"]

_FINISH = {"stop": "COMPLETE", "length": "MAX_TOKENS", "tool_calls": "TOOL_CALL"}
_UUID = st.uuids().map(str)


@st.composite
def cohere_v2_streams(
    draw: Callable[..., Any], *, format: str = "sse", errors: bool = False, truncation: bool = False
) -> Stream:
    """Cohere v2 streams: thinking, text, a tool plan and parallel tool calls; truncation on
    request (Cohere has no mid-stream error record to generate)."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    script = draw(scripts())
    records: list[Record] = []

    def add(kind: str, value: dict[str, Any], *tags: Tag) -> None:
        records.append(Record(sse({"type": kind, **value}, eol, kind), tags))

    message: dict[str, Any] = {"role": "assistant", "content": []}
    message |= {"tool_plan": "", "tool_calls": []}
    message["citations"] = []
    records.append(
        Record(
            sse(
                {"id": draw(_UUID), "type": "message-start", "delta": {"message": message}},
                eol,
                "message-start",
            )
        )
    )
    block = 0
    plan = bool(script.calls) and draw(st.booleans())
    if script.reasoning and not plan:
        start = {"message": {"content": {"type": "thinking", "thinking": ""}}}
        add("content-start", {"index": block, "delta": start})
        for piece in script.reasoning:
            delta = {"message": {"content": {"thinking": piece}}}
            add("content-delta", {"index": block, "delta": delta}, ("reasoning", piece))
        add("content-end", {"index": block})
        block += 1
    if script.text:
        start = {"message": {"content": {"type": "text", "text": ""}}}
        add("content-start", {"index": block, "delta": start})
        for piece in script.text:
            delta = {"message": {"content": {"text": piece}}}
            add("content-delta", {"index": block, "delta": delta}, ("text", piece))
        add("content-end", {"index": block})
    if plan:
        for piece in script.reasoning:
            delta = {"message": {"tool_plan": piece}}
            add("tool-plan-delta", {"delta": delta}, ("reasoning", piece))
    for i, call in enumerate(script.calls):
        function = {"name": call.name, "arguments": ""}
        opened: dict[str, Any] = {"id": call.id, "type": "function", "function": function}
        start = {"message": {"tool_calls": opened}}
        add(
            "tool-call-start",
            {"index": i, "delta": start},
            ("call", i, call.id, call.name, "function"),
        )
        for piece in call.pieces:
            delta = {"message": {"tool_calls": {"function": {"arguments": piece}}}}
            add("tool-call-delta", {"index": i, "delta": delta}, ("args", i, piece))
        add("tool-call-end", {"index": i})
    raw = _FINISH[script.finish]
    usage = {
        "billed_units": {"input_tokens": 37, "output_tokens": 21},
        "tokens": {"input_tokens": script.prompt_tokens, "output_tokens": script.completion_tokens},
    }
    end = sse(
        {"type": "message-end", "delta": {"finish_reason": raw, "usage": usage}}, eol, "message-end"
    )
    stream: Stream = draw(
        assemble(
            dialect="cohere",
            format=format,
            records=records,
            end=Record(end, (("finish", script.finish, raw),)),
            keepalive=None,
            error=None,
            errors=errors,
            truncation=truncation,
            tail=f"data: [DONE]{eol}{eol}".encode(),
        )
    )
    return stream


@st.composite
def cohere_v1_streams(
    draw: Callable[..., Any],
    *,
    format: str = "jsonlines",
    errors: bool = False,
    truncation: bool = False,
) -> Stream:
    """Cohere v1 streams: text, a streamed tool plan, whole tool calls; truncation on
    request (no mid-stream error record is generated)."""
    script = draw(scripts())
    generation = draw(_UUID)
    records: list[Record] = []

    def add(kind: str, value: dict[str, Any], *tags: Tag) -> None:
        line = {"is_finished": False, "event_type": kind, **value}
        records.append(Record(_line(line), tags))

    add("stream-start", {"generation_id": generation})
    for piece in script.text:
        add("text-generation", {"text": piece}, ("text", piece))
    if script.calls:
        for piece in script.reasoning:
            add("tool-calls-chunk", {"text": piece}, ("reasoning", piece))
        calls = [{"name": c.name, "parameters": json.loads(c.arguments)} for c in script.calls]
        tags: list[Tag] = []
        for i, (call, value) in enumerate(zip(script.calls, calls, strict=True)):
            tags.append(("call", i, f"call_{i}", call.name, "function"))
            tags.append(("args", i, _compact(value["parameters"])))
        plan = "".join(script.reasoning)
        add("tool-calls-generation", {"text": plan, "tool_calls": calls}, *tags)
    reason = "COMPLETE" if script.finish != "length" else "MAX_TOKENS"
    meta: dict[str, Any] = {"api_version": {"version": "1"}}
    meta["billed_units"] = {"input_tokens": script.prompt_tokens, "output_tokens": 3}
    response: dict[str, Any] = {"response_id": draw(_UUID), "text": "".join(script.text)}
    response |= {"generation_id": generation, "finish_reason": reason, "meta": meta}
    end: dict[str, Any] = {"is_finished": True, "event_type": "stream-end"}
    end["response"] = response
    end |= {"finish_reason": reason}
    stream: Stream = draw(
        assemble(
            dialect="cohere-v1",
            format=format,
            records=records,
            end=Record(_line(end), (("finish", script.finish, reason),)),
            keepalive=None,
            error=None,
            errors=errors,
            truncation=truncation,
        )
    )
    return stream


def _line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _compact(value: Any) -> str:
    # Whole calls are reported with their arguments as compact JSON (the dialect's rule).
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
