"""Generated OpenAI-like SSE corpora, shared by the benchmarks.

Deterministic (fixed seeds, no clock), a few MB each, shaped like what the Chat Completions
API streams today: one ``data: {chat.completion.chunk}`` event per token or few tokens, with
``id``, ``object``, ``created``, ``model``, ``service_tier``, ``system_fingerprint``,
``choices[0].delta``, ``logprobs``, ``finish_reason``, ``usage`` and the ``obfuscation``
padding; then a finish chunk, a usage chunk and ``data: [DONE]``.

* ``openai_text()``: a long answer, one to four tokens per chunk, some non-ASCII (about 5 MB, 16 000
  events);
* ``openai_tool_calls()``: two parallel tool calls whose JSON arguments arrive a few
  characters per chunk (about 2 MB, 5 500 events).

Both are cached: calling them again returns the same ``bytes`` object.
"""

from __future__ import annotations

import json
import random
from functools import cache
from typing import Any

__all__ = ["openai_text", "openai_tool_calls", "per_event"]

_TOKENS = (
    "The", " stream", " carries", " one", " token", " at", " a", " time", ",", " so", " the",
    " client", " sees", " text", " early", ".", " Café", " naïve", " 東京", " 🚀", "\n\n",
    ' "quoted"', " 42", " %", " é", " and", " then", " some", " more", "\\", "\t",
)  # fmt: skip
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Writer:
    """Builds ``chat.completion.chunk`` events the way the API lays them out."""

    def __init__(self, seed: int, model: str = "gpt-4o-2024-08-06") -> None:
        self.rng = random.Random(seed)
        self.id = "chatcmpl-" + "".join(self.rng.choice(_ALPHABET) for _ in range(29))
        self.model = model
        self.events: list[str] = []

    def chunk(
        self, delta: dict[str, Any] | None, finish: str | None = None, usage: Any = None
    ) -> None:
        choices = [] if delta is None else [
            {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        ]  # fmt: skip
        body = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": 1760000000,
            "model": self.model,
            "service_tier": "default",
            "system_fingerprint": "fp_8d1b5e9e1a",
            "choices": choices,
            "usage": usage,
            "obfuscation": "".join(
                self.rng.choice(_ALPHABET) for _ in range(self.rng.randint(1, 12))
            ),
        }
        self.events.append("data: " + _compact(body) + "\n\n")

    def finish(self, reason: str, completion_tokens: int) -> bytes:
        self.chunk({}, reason)
        usage = {
            "prompt_tokens": 512,
            "completion_tokens": completion_tokens,
            "total_tokens": 512 + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        self.chunk(None, usage=usage)
        self.events.append("data: [DONE]\n\n")
        return "".join(self.events).encode()


@cache
def openai_text(chunks: int = 16_000, seed: int = 1) -> bytes:
    """A text answer streamed over *chunks* events (about 5 MB)."""
    w = _Writer(seed)
    w.chunk({"role": "assistant", "content": "", "refusal": None})
    for _ in range(chunks):
        n = w.rng.choice((1, 1, 1, 2, 2, 3, 4))
        w.chunk({"content": "".join(w.rng.choice(_TOKENS) for _ in range(n))})
    return w.finish("stop", chunks)


@cache
def openai_tool_calls(query_tokens: int = 3_000, seed: int = 2) -> bytes:
    """Two parallel tool calls whose arguments (a query of *query_tokens* tokens and a few
    other fields) arrive one to eight characters per event (about 2 MB)."""
    w = _Writer(seed)
    w.chunk({"role": "assistant", "content": None, "refusal": None})
    for index, name in enumerate(("search_documents", "create_ticket")):
        call_id = "call_" + "".join(w.rng.choice(_ALPHABET) for _ in range(24))
        first = {
            "index": index,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        w.chunk({"tool_calls": [first]})
        arguments = _compact(
            {
                "query": "".join(w.rng.choice(_TOKENS) for _ in range(query_tokens)),
                "filters": {"year": [2023, 2024], "lang": "fr", "tags": ["a", "b", "ç"]},
                "limit": 25,
            }
        )
        i = 0
        while i < len(arguments):
            size = w.rng.randint(1, 8)
            piece = arguments[i : i + size]
            i += size
            w.chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    return w.finish("tool_calls", len(w.events))


def per_event(data: bytes) -> list[bytes]:
    """*data* (LF-framed SSE) cut after each event's blank line: one event per fragment."""
    return [block + b"\n\n" for block in data.split(b"\n\n")[:-1]]
