"""``streams(dialect)``: a hypothesis strategy of generated provider streams, each with the
message it must produce (see ``Stream``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ..errors import UsageError
from ._model import Stream
from ._streams_anthropic import anthropic_streams
from ._streams_bedrock import bedrock_invoke_streams, bedrock_streams
from ._streams_cohere import cohere_v1_streams, cohere_v2_streams
from ._streams_gemini import gemini_streams
from ._streams_mistral import mistral_streams
from ._streams_ollama import ollama_streams
from ._streams_openai import openai_streams
from ._streams_responses import responses_streams

__all__ = ["STREAM_DIALECTS", "Stream", "streams"]

# dialect -> (default format, {format: strategy factory})
_Factory = Callable[..., st.SearchStrategy[Stream]]
_STRATEGIES: dict[str, tuple[str, dict[str, _Factory]]] = {
    "openai": ("sse", {"sse": openai_streams}),
    "openai-responses": ("sse", {"sse": responses_streams}),
    "anthropic": ("sse", {"sse": anthropic_streams}),
    "gemini": ("sse", {"sse": gemini_streams, "jsonarray": gemini_streams}),
    "bedrock": ("eventstream", {"eventstream": bedrock_streams}),
    "bedrock-invoke": ("eventstream", {"eventstream": bedrock_invoke_streams}),
    "cohere": ("sse", {"sse": cohere_v2_streams}),
    "cohere-v1": ("jsonlines", {"jsonlines": cohere_v1_streams}),
    "ollama": ("jsonlines", {"jsonlines": ollama_streams}),
    "mistral": ("sse", {"sse": mistral_streams}),
}

STREAM_DIALECTS: tuple[str, ...] = tuple(_STRATEGIES)
"""The dialects ``streams`` generates, by their ``StreamParser`` names."""


def streams(
    dialect: str, *, format: str | None = None, errors: bool = False, truncation: bool = False
) -> st.SearchStrategy[Stream]:
    """A strategy of ``Stream``s as *dialect*'s provider sends them, in *format* (the
    dialect's usual one if ``None``; e.g. ``"jsonarray"`` for Gemini's JSON array).
    ``errors=True`` lets some streams end with an in-band provider error after some records
    (for the dialects whose providers have one: not ``cohere``, ``cohere-v1``, ``mistral``);
    ``truncation=True`` lets some stop at a record boundary without the end marker.
    Raises ``UsageError`` for a dialect or format it does not generate."""
    try:
        default, formats = _STRATEGIES[dialect]
    except KeyError:
        known = ", ".join(STREAM_DIALECTS)
        raise UsageError(f"streams() does not generate {dialect!r}; it does: {known}") from None
    fmt = default if format is None else format
    factory = formats.get(fmt)
    if factory is None:
        raise UsageError(f"streams({dialect!r}) formats are {', '.join(formats)}, not {fmt!r}")
    options: dict[str, Any] = {"format": fmt, "errors": errors, "truncation": truncation}
    return factory(**options)
