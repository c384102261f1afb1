"""Finish reasons and usage in the words of the formats we write (one mapping each, used by
the encoders and ``Accumulator.to_openai``)."""

from __future__ import annotations

from typing import Any

from .events import FinishReason, Usage

__all__ = ["anthropic_stop_reason", "openai_finish_reason", "usage_dict"]

_OPENAI = frozenset({"stop", "length", "tool_calls", "content_filter", "function_call"})
_ANTHROPIC = frozenset(
    {"end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"}
)
_TO_ANTHROPIC: dict[str, str] = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "content_filter": "refusal",
}


def openai_finish_reason(reason: FinishReason, raw: str | None) -> str:
    """The OpenAI ``finish_reason`` for a finish: the provider's word when it is one of
    OpenAI's, else the normalized reason; ``"error"`` and ``"other"`` (no OpenAI word says
    them; the error itself travels as its own record) become ``"stop"``."""
    if raw in _OPENAI:
        return raw
    return reason if reason in _OPENAI else "stop"


def anthropic_stop_reason(reason: FinishReason, raw: str | None) -> str:
    """The Anthropic ``stop_reason`` for a finish: the provider's word when it is one of
    Anthropic's, else the normalized reason's counterpart, ``"end_turn"`` for the rest."""
    if raw in _ANTHROPIC:
        return raw
    return _TO_ANTHROPIC.get(reason, "end_turn")


def usage_dict(usage: Usage) -> dict[str, Any]:
    """*usage* as an OpenAI ``usage`` object (counts not reported are 0)."""
    prompt = usage.prompt_tokens or 0
    completion = usage.completion_tokens or 0
    total = usage.total_tokens if usage.total_tokens is not None else prompt + completion
    out: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": total,
    }
    if usage.cached_tokens is not None:
        out["prompt_tokens_details"] = {"cached_tokens": usage.cached_tokens}
    if usage.reasoning_tokens is not None:
        out["completion_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    return out
