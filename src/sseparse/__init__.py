"""sseparse: a sans-IO parser for LLM streaming responses.

Bytes in (SSE, JSON lines, JSON arrays, AWS event-stream), typed events out, for every major
provider's streaming API. No I/O, no threads, no runtime dependencies.
"""

from __future__ import annotations

from .errors import (
    ChecksumMismatch,
    Error,
    InvalidHeader,
    InvalidJSON,
    LimitExceeded,
    MalformedPayload,
    ParseError,
    TruncatedStream,
    UndetectableStream,
    UsageError,
)
from .events import (
    Citation,
    Done,
    Event,
    Finish,
    FinishReason,
    KeepAlive,
    Other,
    ProviderError,
    ReasoningDelta,
    ReasoningSignature,
    RefusalDelta,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from .framing.records import JSONRecord, SSEComment, SSEEvent, SSERetry
from .parser import StreamParser

__version__ = "0.1.0"

__all__ = [
    "ChecksumMismatch",
    "Citation",
    "Done",
    "Error",
    "Event",
    "Finish",
    "FinishReason",
    "InvalidHeader",
    "InvalidJSON",
    "JSONRecord",
    "KeepAlive",
    "LimitExceeded",
    "MalformedPayload",
    "Other",
    "ParseError",
    "ProviderError",
    "ReasoningDelta",
    "ReasoningSignature",
    "RefusalDelta",
    "SSEComment",
    "SSEEvent",
    "SSERetry",
    "StreamParser",
    "StreamStart",
    "TextDelta",
    "ToolCallDelta",
    "ToolCallEnd",
    "ToolCallStart",
    "TruncatedStream",
    "UndetectableStream",
    "Usage",
    "UsageError",
    "__version__",
]
