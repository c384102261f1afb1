"""Generated Gemini ``streamGenerateContent`` streams, as SSE (``alt=sse``) or as the
streamed JSON array.

Shapes follow tests/data/captures/google-gemini-*: each chunk a ``GenerateContentResponse``
with ``candidates[0].content.parts`` (text, ``thought: true`` text, whole ``functionCall``s
with ``args`` objects, ``thoughtSignature`` on a part), ``usageMetadata``, ``modelVersion``
and ``responseId``; the last chunk carries ``finishReason``. Gemini has no end marker.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ._model import ERROR_MESSAGE, Record, Stream, Tag, assemble, scripts
from ._sse import sse

__all__ = ["gemini_streams"]

_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "STOP"}


def _compact(value: Any) -> str:
    # The dialect reports a whole call's args as compact JSON (its documented rule).
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@st.composite
def gemini_streams(
    draw: Callable[..., Any], *, format: str = "sse", errors: bool = False, truncation: bool = False
) -> Stream:
    """Gemini streams in ``format`` ``"sse"`` (CRLF, as Google sends) or ``"jsonarray"``
    (pretty-printed elements): thoughts, text, parallel function calls (with or without ids),
    thought signatures; mid-stream error objects and truncation on request."""
    script = draw(scripts())
    parts: list[tuple[dict[str, Any], tuple[Tag, ...]]] = []
    parts.extend(({"text": p, "thought": True}, (("reasoning", p),)) for p in script.reasoning)
    parts.extend(({"text": p}, (("text", p),)) for p in script.text)
    for i, call in enumerate(script.calls):
        args = json.loads(call.arguments)
        function: dict[str, Any] = {"name": call.name, "args": args}
        call_id = f"call_{i}"
        if draw(st.booleans()):
            call_id = function["id"] = call.id
        part: dict[str, Any] = {"functionCall": function}
        tags: tuple[Tag, ...] = (
            ("call", i, call_id, call.name, "function"),
            ("args", i, _compact(args)),
        )
        if i == 0 and draw(st.booleans()):
            part["thoughtSignature"] = signature = "CiQB0e2Kb48X" + call.id
            tags += (("signature", signature, False),)
        parts.append((part, tags))
    # Parts go out in chunks of one or two; the last chunk also says why the answer ended.
    chunks: list[list[tuple[dict[str, Any], tuple[Tag, ...]]]] = []
    while parts:
        size = draw(st.integers(1, 2))
        chunks.append(parts[:size])
        del parts[:size]
    last = chunks.pop() if chunks else []
    response_id = draw(st.text("abcdefghijkLMNOP0123456789", min_size=12, max_size=12))
    prompt = script.prompt_tokens

    def chunk(body: list[tuple[dict[str, Any], tuple[Tag, ...]]], finish: str | None) -> Any:
        candidate: dict[str, Any] = {
            "content": {"parts": [p for p, _ in body] or [{"text": ""}], "role": "model"}
        }
        if finish is not None:
            candidate["finishReason"] = finish
        candidate["index"] = 0
        usage = {"promptTokenCount": prompt, "totalTokenCount": prompt}
        return {
            "candidates": [candidate],
            "usageMetadata": usage,
            "modelVersion": "gemini-2.5-flash",
            "responseId": response_id,
        }

    raw_finish = _FINISH[script.finish]
    final_tags = [tag for _, tags in last for tag in tags]
    final_tags.append(("finish", script.finish, raw_finish))
    error = {"error": {"code": 503, "message": ERROR_MESSAGE, "status": "UNAVAILABLE"}}
    values = [chunk(body, None) for body in chunks]
    if format == "jsonarray":
        eol = draw(st.sampled_from(["\n", "\r\n"]))

        def element(value: Any, n: int) -> bytes:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", eol)
            return (f"{eol},{eol}" if n else "").encode() + text.encode()

        render = element
        head, tail, keepalive = b"[", f"{eol}]".encode(), None
    else:

        def event(value: Any, n: int) -> bytes:
            return sse(value, "\r\n", spaced=True)

        render = event
        head, tail, keepalive = b"", b"", b": keep-alive\r\n\r\n"
    records = [
        Record(render(value, n), tuple(tag for _, tags in body for tag in tags))
        for n, (value, body) in enumerate(zip(values, chunks, strict=True))
    ]
    end = Record(render(chunk(last, raw_finish), len(records)), tuple(final_tags))
    stream: Stream = draw(
        assemble(
            dialect="gemini",
            format=format,
            records=records,
            end=end,
            keepalive=keepalive,
            error=render(error, 1),
            errors=errors,
            truncation=truncation,
            head=head,
            tail=tail,
        )
    )
    return stream
