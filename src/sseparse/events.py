"""The LLM event model (DESIGN §4): one closed union ``Event`` of immutable records.

Every event is a frozen, slotted, keyword-only dataclass. ``raw`` holds the source payload the
event came from (a parsed JSON value, usually) so no provider field is ever lost; it is left
out of ``repr`` and equality, so two streams that mean the same compare equal. ``choice`` is
the answer's index for APIs that stream several (OpenAI ``n > 1``); it is 0 elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Citation",
    "Done",
    "Event",
    "Finish",
    "FinishReason",
    "KeepAlive",
    "Malformed",
    "Other",
    "ProviderError",
    "ReasoningDelta",
    "ReasoningSignature",
    "RefusalDelta",
    "ServerToolResult",
    "StreamStart",
    "TextDelta",
    "ToolCallDelta",
    "ToolCallEnd",
    "ToolCallStart",
    "Usage",
]

FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "error", "other"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamStart:
    """The first metadata of the response: its id, model, creation time (Unix seconds) and the
    dialect's provider name; any of them ``None`` when the provider does not send it."""

    id: str | None = None
    model: str | None = None
    created: int | None = None
    provider: str | None = None
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class TextDelta:
    """A piece of answer text ("chunk"); never empty."""

    text: str
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class RefusalDelta:
    """A piece of refusal text (OpenAI ``delta.refusal``, Responses ``refusal.delta``)."""

    text: str
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasoningDelta:
    """A piece of reasoning / thinking text, whatever the provider's field is called."""

    text: str
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasoningSignature:
    """An opaque reasoning token to replay to the provider: a thinking signature
    (``redacted=False``) or a redacted / encrypted reasoning block (``redacted=True``)."""

    signature: str
    redacted: bool = False
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallStart:
    """A tool call begins. ``index`` is a stable ordinal per choice (0, 1, … in order of first
    appearance); ``id``/``name`` are ``None`` until the provider sends them. ``kind`` is
    ``"function"`` for a call the client runs, ``"server"`` for a provider-executed tool."""

    index: int
    id: str | None = None
    name: str | None = None
    kind: str = "function"
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallDelta:
    """A fragment of a tool call's arguments, as a raw string (it may split anywhere)."""

    index: int
    arguments: str
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallEnd:
    """A tool call is complete; ``arguments`` is the whole string (all deltas joined)."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""
    kind: str = "function"
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerToolResult:
    """The result of a tool the provider ran itself (web search, code execution, web fetch…),
    as the provider sent it. The call it answers streamed as ``ToolCallStart``…``ToolCallEnd``
    with ``kind="server"`` and the same ``id``; it is never the client's to run.
    ``kind`` is the provider's name for the result (``"web_search_tool_result"``…)."""

    tool_call_id: str | None = None
    kind: str = ""
    content: Any = None
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


def _count_repr(value: float | None) -> str:
    if not isinstance(value, int):
        return repr(value)
    try:
        return repr(value)
    except ValueError:  # past sys.get_int_max_str_digits()
        return f"<int of {value.bit_length()} bits>"


_USAGE_FIELDS = (
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cached_tokens",
    "reasoning_tokens",
    "cache_write_tokens",
    "cost",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Usage:
    """A token-usage snapshot in OpenAI's inclusive meaning: ``prompt_tokens`` counts every
    input token (cached reads and cache writes included), ``completion_tokens`` every output
    token (reasoning included), ``total_tokens`` their sum. ``cached_tokens`` are cache reads,
    ``cache_write_tokens`` cache writes. ``None`` means "not reported". The last snapshot in a
    stream is the final one; snapshots are never summed."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None
    cache_write_tokens: int | None = None
    cost: float | None = None
    raw: Any = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        # Counts come from the stream: one past the interpreter's int-to-str digit limit
        # (4300 digits by default) would make the generated repr raise ValueError.
        shown = ", ".join(f"{name}={_count_repr(getattr(self, name))}" for name in _USAGE_FIELDS)
        return f"Usage({shown})"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finish:
    """A choice finished: ``reason`` normalized, ``raw_reason`` the provider's own word."""

    reason: FinishReason
    raw_reason: str | None = None
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    """A citation or annotation attached to the answer, as the provider sent it."""

    value: Any
    choice: int = 0
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderError:
    """An error the provider reported in-band; ``code`` is a string (numbers as decimal)."""

    message: str
    type: str | None = None
    code: str | None = None
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeepAlive:
    """An SSE comment or a provider ping: the connection is alive (for idle timers)."""

    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Other:
    """A well-formed record of a kind the dialect does not map (kept, never dropped);
    ``kind`` is the provider's name for it (an SSE event type, a JSON ``type`` field)."""

    kind: str
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Malformed:
    """A well-framed record whose content the dialect could not fully interpret (DESIGN §1:
    strict framing, tolerant meaning). The parts it understood were emitted as their own
    events; ``message`` says what was not understood, ``offset`` is the record's byte offset
    in the stream. With ``StreamParser(strict=True)`` the same finding raises
    ``MalformedPayload`` instead."""

    message: str
    offset: int | None = None
    raw: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Done:
    """End of the response: ``clean`` is ``False`` when input ended without the dialect's end
    marker (a truncated stream)."""

    clean: bool = True
    raw: Any = field(default=None, repr=False, compare=False)


Event = (
    StreamStart
    | TextDelta
    | RefusalDelta
    | ReasoningDelta
    | ReasoningSignature
    | ToolCallStart
    | ToolCallDelta
    | ToolCallEnd
    | ServerToolResult
    | Usage
    | Finish
    | Citation
    | ProviderError
    | KeepAlive
    | Malformed
    | Other
    | Done
)
