"""Dialect adapters: provider wire records to LLM events, one module per API.

``DIALECTS`` maps each public dialect name to its module and class; modules are imported only
when a parser for that dialect is made.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

from ..errors import UsageError
from ._base import Dialect

__all__ = ["DIALECTS", "Dialect", "dialect_class"]

DIALECTS: dict[str, tuple[str, str]] = {
    "openai": ("openai_chat", "OpenAIChatDialect"),
    "openai-chat": ("openai_chat", "OpenAIChatDialect"),
    "openai-responses": ("openai_responses", "OpenAIResponsesDialect"),
    "anthropic": ("anthropic", "AnthropicDialect"),
    "gemini": ("gemini", "GeminiDialect"),
    "bedrock": ("bedrock", "BedrockConverseDialect"),
    "bedrock-converse": ("bedrock", "BedrockConverseDialect"),
    "bedrock-invoke": ("bedrock_invoke", "BedrockInvokeDialect"),
    "cohere": ("cohere", "CohereDialect"),
    "cohere-v2": ("cohere", "CohereDialect"),
    "cohere-v1": ("cohere", "CohereV1Dialect"),
    "ollama": ("ollama", "OllamaDialect"),
    "mistral": ("mistral", "MistralDialect"),
}


def dialect_class(name: str) -> type[Dialect[Any]]:
    """Return the dialect class registered as *name*; ``UsageError`` for an unknown name."""
    try:
        module_name, class_name = DIALECTS[name]
    except (KeyError, TypeError):
        names = [*sorted(DIALECTS), "auto"]
        close = difflib.get_close_matches(str(name), names, n=1) if type(name) is str else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        known = ", ".join(names)
        raise UsageError(f"unknown dialect {name!r}{hint} (known: {known})") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    cls: type[Dialect[Any]] = getattr(module, class_name)
    return cls
