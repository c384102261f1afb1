"""Mistral chat streams (``/v1/chat/completions`` with ``stream: true``).

Mistral speaks the OpenAI chunk format with three differences, all handled by the OpenAI chat
dialect this one extends:

* ``delta.content`` is a string, or a list of typed parts: ``{"type": "text", "text"}``,
  ``{"type": "thinking", "thinking": [{"type": "text", "text"}…]}`` (Magistral reasoning →
  ``ReasoningDelta``), ``{"type": "reference", …}`` (→ ``Citation``); other part types become
  ``Other("content.<type>")``;
* tool calls arrive whole, one delta each, with an ``id`` but usually no ``index``; each id is
  a new call, numbered 0, 1, … in order;
* its own finish words: ``model_length`` (the model's context is full) is ``length``, and
  ``error`` is ``error``.

Usage sits on the finish chunk; the stream ends with ``data: [DONE]``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..events import FinishReason
from ._claims import json_of
from .openai_chat import FINISH_REASONS, OpenAIChatDialect

__all__ = ["MistralDialect"]

# The model families Mistral serves: how a chunk says it is Mistral's.
_MODELS = ("mistral", "magistral", "codestral", "devstral", "ministral", "pixtral")


class MistralDialect(OpenAIChatDialect):
    """Mistral's chat completion chunks (see module doc)."""

    name: ClassVar[str] = "mistral"
    provider: ClassVar[str] = "mistral"
    default_format: ClassVar[str] = "sse"
    finish_reasons: ClassVar[dict[str, FinishReason]] = {
        **FINISH_REASONS,
        "model_length": "length",
        "error": "error",
    }

    __slots__ = ()

    @classmethod
    def claims(cls, record: Any) -> bool:
        """An OpenAI chat chunk whose ``model`` is one of Mistral's families."""
        if not OpenAIChatDialect.claims(record):
            return False
        model = json_of(record).get("model")
        return type(model) is str and any(m in model.lower() for m in _MODELS)
