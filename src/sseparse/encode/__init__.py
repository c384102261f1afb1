"""Writers: typed records back to bytes, sans-IO like the decoders.

``encode_sse`` writes one SSE record; ``OpenAIChatEncoder`` and ``AnthropicMessagesEncoder``
transcode a stream of events (from any dialect) into OpenAI ``chat.completion.chunk`` SSE or
Anthropic Messages SSE, as the events arrive; the event-stream functions write AWS
event-stream messages. Every writer raises ``UsageError`` for a value its format cannot
carry; it never writes bytes the matching decoder would reject.
"""

from __future__ import annotations

from .anthropic import AnthropicMessagesEncoder
from .eventstream import (
    encode_event_stream,
    encode_event_stream_message,
    event_stream_header,
    event_stream_message,
)
from .openai_chat import OpenAIChatEncoder
from .sse import encode_sse

__all__ = [
    "AnthropicMessagesEncoder",
    "OpenAIChatEncoder",
    "encode_event_stream",
    "encode_event_stream_message",
    "encode_sse",
    "event_stream_header",
    "event_stream_message",
]
