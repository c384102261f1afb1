"""The events a dialect builds once per chunk, made from their drafts (``_build.fast_maker``,
about a fifth of the cost of the dataclass constructor): one maker per event kind, for every
dialect. Each takes the event's fields positionally, in the order of its name.

Measured against the constructor (CPython instructions, callgrind, bench_fragments' corpora,
2026-12-07): ``TextDelta`` built by its constructor costs ``StreamParser("bedrock-converse")``
1.09x the instructions at 1460-byte fragments, and ``StreamParser("gemini")`` 1.04x.

``TextDeltaDraft``: ``TextDelta``'s draft (``_build.draft``), for the one or two hottest
paths that build it inline, without the maker's call (each says what that saves there).
"""

from __future__ import annotations

from .._build import draft, fast_maker
from ..events import KeepAlive, ReasoningDelta, RefusalDelta, TextDelta, ToolCallDelta

__all__ = [
    "TextDeltaDraft",
    "keep_alive",
    "reasoning_delta",
    "refusal_delta",
    "text_delta",
    "tool_call_delta",
]

text_delta = fast_maker(TextDelta, "text", "choice", "raw")
TextDeltaDraft = draft(TextDelta, "text", "choice", "raw")
reasoning_delta = fast_maker(ReasoningDelta, "text", "choice", "raw")
refusal_delta = fast_maker(RefusalDelta, "text", "choice", "raw")
tool_call_delta = fast_maker(ToolCallDelta, "index", "arguments", "choice", "raw")
keep_alive = fast_maker(KeepAlive, "raw")  # keep-alive comments come as often as chunks
