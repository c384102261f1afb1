"""sseparse: a sans-IO parser for LLM streaming responses.

Bytes in (SSE, JSON lines, JSON arrays, AWS event-stream), typed events out, for every major
provider's streaming API. No I/O, no threads, no runtime dependencies.
"""

from __future__ import annotations

from .accumulate import Accumulator, Message, ServerToolCall, ToolCall
from .dialects import DIALECTS
from .encode import (
    AnthropicMessagesEncoder,
    OpenAIChatEncoder,
    encode_event_stream,
    encode_event_stream_message,
    encode_sse,
    event_stream_header,
    event_stream_message,
)
from .errors import (
    ChecksumMismatch,
    Error,
    InvalidHeader,
    InvalidJSON,
    LimitExceeded,
    MalformedPayload,
    ParseError,
    PartialJSONError,
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
    Malformed,
    Other,
    ProviderError,
    ReasoningDelta,
    ReasoningSignature,
    RefusalDelta,
    ServerToolResult,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from .framing import FORMATS
from .framing.eventstream import EventStreamDecoder, EventStreamMessage
from .framing.eventstream import Header as EventStreamHeader
from .framing.eventstream import HeaderType as EventStreamHeaderType
from .framing.jsonarray import JSONArrayDecoder
from .framing.jsondoc import JSONDocumentDecoder
from .framing.jsonlines import JSONLinesDecoder
from .framing.records import JSONRecord, SSEComment, SSEEvent, SSERetry
from .framing.sse import SSEDecoder
from .io import StreamStats, aiter_events, iter_events
from .parser import StreamParser
from .partial import (
    JSONAdded,
    JSONChange,
    JSONCompleted,
    JSONPath,
    JSONStringGrew,
    PartialJSON,
)

__version__ = "0.1.0"

__all__ = [
    "Accumulator",
    "aiter_events",
    "AnthropicMessagesEncoder",
    "ChecksumMismatch",
    "Citation",
    "DIALECTS",
    "Done",
    "encode_event_stream",
    "encode_event_stream_message",
    "encode_sse",
    "Error",
    "Event",
    "event_stream_header",
    "event_stream_message",
    "EventStreamDecoder",
    "EventStreamHeader",
    "EventStreamHeaderType",
    "EventStreamMessage",
    "Finish",
    "FinishReason",
    "FORMATS",
    "InvalidHeader",
    "InvalidJSON",
    "iter_events",
    "JSONAdded",
    "JSONArrayDecoder",
    "JSONChange",
    "JSONCompleted",
    "JSONDocumentDecoder",
    "JSONLinesDecoder",
    "JSONPath",
    "JSONRecord",
    "JSONStringGrew",
    "KeepAlive",
    "Malformed",
    "LimitExceeded",
    "MalformedPayload",
    "Message",
    "OpenAIChatEncoder",
    "Other",
    "ParseError",
    "PartialJSON",
    "PartialJSONError",
    "ProviderError",
    "ReasoningDelta",
    "ReasoningSignature",
    "RefusalDelta",
    "ServerToolCall",
    "ServerToolResult",
    "SSEComment",
    "SSEDecoder",
    "SSEEvent",
    "SSERetry",
    "StreamParser",
    "StreamStart",
    "StreamStats",
    "TextDelta",
    "ToolCall",
    "ToolCallDelta",
    "ToolCallEnd",
    "ToolCallStart",
    "TruncatedStream",
    "UndetectableStream",
    "Usage",
    "UsageError",
    "__version__",
]
