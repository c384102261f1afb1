"""Generated Mistral chat streams: OpenAI-style chunks over SSE, with whole tool calls (an
``id``, no ``index``) and usage on the finish chunk (tests/data/captures/mistral-chat-*)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ._model import Record, Stream, assemble, scripts
from ._sse import sse

__all__ = ["mistral_streams"]


@st.composite
def mistral_streams(
    draw: Callable[..., Any], *, format: str = "sse", errors: bool = False, truncation: bool = False
) -> Stream:
    """Mistral streams: text pieces, parallel tool calls each sent whole; truncation on
    request (no mid-stream error record is generated)."""
    script = draw(scripts(reasoning=False))
    head = {"id": draw(st.text("0123456789abcdef", min_size=32, max_size=32))}
    head |= {"object": "chat.completion.chunk", "created": 1731829465}
    head["model"] = "mistral-large-latest"

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return sse({**head, "choices": [choice], **extra}, "\n")

    records = [Record(chunk({"role": "assistant", "content": ""}))]
    records += [Record(chunk({"content": p}), (("text", p),)) for p in script.text]
    for i, call in enumerate(script.calls):
        function = {"name": call.name, "arguments": call.arguments}
        tags = (("call", i, call.id, call.name, "function"), ("args", i, call.arguments))
        records.append(Record(chunk({"tool_calls": [{"id": call.id, "function": function}]}), tags))
    usage = {"prompt_tokens": script.prompt_tokens, "completion_tokens": script.completion_tokens}
    usage["total_tokens"] = script.prompt_tokens + script.completion_tokens
    finish = Record(
        chunk({"content": ""}, script.finish, usage=usage),
        (("finish", script.finish, script.finish),),
    )
    stream: Stream = draw(
        assemble(
            dialect="mistral",
            format=format,
            records=[*records, finish],
            end=Record(b"data: [DONE]\n\n"),
            keepalive=None,
            error=None,
            errors=errors,
            truncation=truncation,
        )
    )
    return stream
