"""Generated OpenAI Chat Completions streams (``chat.completion.chunk`` over SSE), n >= 1.

Field names and order follow the recorded captures (tests/data/captures/openai-chat-*):
a role chunk, then content/refusal/reasoning deltas, tool calls whose first delta carries
``id``, ``type`` and ``function.name`` and whose ``arguments`` follow in pieces, a chunk with
``finish_reason``, a usage chunk with empty ``choices``, and ``data: [DONE]``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ._model import ERROR_MESSAGE, Record, Script, Stream, assemble, scripts
from ._sse import sse

__all__ = ["openai_streams"]


def _choice_records(
    script: Script, k: int, reasoning_key: str
) -> list[tuple[dict[str, Any], tuple[Any, ...]]]:
    """The (choice object, tags) of one choice's chunks, in order."""
    out: list[tuple[dict[str, Any], tuple[Any, ...]]] = []

    def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"index": k, "delta": delta, "logprobs": None, "finish_reason": finish}

    out.append((choice({"role": "assistant", "content": "", "refusal": None}), ()))
    out.extend((choice({reasoning_key: p}), (("reasoning", p),)) for p in script.reasoning)
    out.extend((choice({"content": p}), (("text", p),)) for p in script.text)
    out.extend((choice({"refusal": p}), (("refusal", p),)) for p in script.refusal)
    for i, call in enumerate(script.calls):
        first = {"index": i, "id": call.id, "type": "function"}
        first["function"] = {"name": call.name, "arguments": ""}
        out.append(
            (choice({"tool_calls": [first]}), (("call", i, call.id, call.name, "function"),))
        )
        out.extend(
            (
                choice({"tool_calls": [{"index": i, "function": {"arguments": p}}]}),
                (("args", i, p),),
            )
            for p in call.pieces
        )
    out.append((choice({}, script.finish), (("finish", script.finish, script.finish),)))
    if k:
        return [(c, ()) for c, _ in out]  # only choice 0 makes the expected message
    return out


@st.composite
def openai_streams(
    draw: Callable[..., Any], *, format: str = "sse", errors: bool = False, truncation: bool = False
) -> Stream:
    """OpenAI chat streams: 1 to 3 choices interleaved, LF or CRLF, keep-alive comments,
    reasoning under ``reasoning_content`` or ``reasoning``, refusals, parallel tool calls,
    an optional usage chunk; mid-stream ``{"error": …}`` chunks and truncation on request."""
    n = draw(st.sampled_from([1, 1, 1, 2, 3]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    reasoning_key = draw(st.sampled_from(["reasoning_content", "reasoning"]))
    head = {
        "id": "chatcmpl-" + draw(st.text("abcdefXYZ0123456789", min_size=8, max_size=8)),
        "object": "chat.completion.chunk",
        "created": draw(st.integers(1_700_000_000, 1_800_000_000)),
        "model": draw(st.sampled_from(["gpt-4o-2024-08-06", "gpt-4.1-mini", "o3"])),
        "system_fingerprint": "fp_5050236cbd",
    }
    per_choice = [_choice_records(draw(scripts(refusal=True)), k, reasoning_key) for k in range(n)]
    # Interleave the choices as the API does, each choice's own order kept.
    rng = random.Random(draw(st.integers(0, 2**16)))
    queues = [list(q) for q in per_choice]
    records = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        choice, tags = queue.pop(0)
        records.append(Record(sse({**head, "choices": [choice]}, eol), tags))
    script_usage = draw(st.booleans())
    if script_usage:
        usage = {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}
        records.append(Record(sse({**head, "choices": [], "usage": usage}, eol)))
    keepalive = draw(st.sampled_from([": keep-alive", ": OPENROUTER PROCESSING"]))
    error = {"error": {"message": ERROR_MESSAGE, "type": "server_error", "code": None}}
    stream: Stream = draw(
        assemble(
            dialect="openai",
            format=format,
            records=records,
            end=Record(f"data: [DONE]{eol}{eol}".encode()),
            keepalive=f"{keepalive}{eol}{eol}".encode(),
            error=sse(error, eol),
            errors=errors,
            truncation=truncation,
        )
    )
    return stream
