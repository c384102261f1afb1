"""Amazon Bedrock: ConverseStream over AWS event-stream, and what InvokeModel shares with it.

Both APIs send ``application/vnd.amazon.eventstream`` messages (``EventStreamMessage``).
``:message-type`` says what a message is:

* ``event`` -- ``:event-type`` names the member of the API's stream union and the payload is
  its JSON (plus a random-length ``"p"`` padding field, ignored);
* ``exception`` -- ``:exception-type`` (``throttlingException``, ``modelStreamErrorException``,
  ``validationException``, …) and a JSON payload ``{"message": …}`` →
  ``ProviderError(message, type=<exception type>)``; the message is the payload's
  ``message`` (or ``Message``), else the payload's text when it is not JSON, else the type;
* ``error`` -- ``:error-code`` / ``:error-message`` headers →
  ``ProviderError(message=<error message>, type=<code>, code=<code>)``;
* anything else (an unknown or non-string ``:message-type``) → ``Other(kind=
  "message-type:<word>")`` with the whole ``EventStreamMessage`` as ``raw``. A message with
  no ``:message-type`` is an event, as botocore reads it.

A ConverseStream that carried an exception or error, or that ended before ``messageStop``,
ends with ``Done(clean=False)``.

Errors. Fields are read by the rule of ``_fields`` (DESIGN §1): describing fields (the
``"p"`` padding, ``role``, ``metrics``, ``trace`` — a guardrail's verdicts included —, a
``toolUseId`` of another JSON type, which becomes its decimal text or ``None``) never stop a
message; a payload that is not a JSON object, or whose answer fields have the wrong types (a
``contentBlockDelta`` without ``delta``, a non-string ``text`` or tool name, a ``messageStop``
without a ``stopReason`` string, a token count that is not a count), raises
``MalformedPayload`` at the message's offset, which ``StreamParser`` reports in-band as
``Malformed`` after the events the message already gave (or raises with ``strict=True``).

ConverseStream (``BedrockConverseDialect``, names ``bedrock`` and ``bedrock-converse``):

=====================  ==============================================================
``messageStart``       ``StreamStart(provider="bedrock")``
``contentBlockStart``  ``toolUse`` → ``ToolCallStart`` (``kind="server"`` for
                       ``type: server_tool_use``, a tool Bedrock runs itself such as
                       Nova's ``nova_code_interpreter``); other starts (``toolResult``,
                       ``image``) → ``Other(kind="contentBlockStart.<member>")``
``contentBlockDelta``  ``text`` → ``TextDelta``;
                       ``toolUse.input`` → ``ToolCallDelta``; ``reasoningContent``
                       ``text`` → ``ReasoningDelta``, ``signature`` →
                       ``ReasoningSignature``, ``redactedContent`` (base64) →
                       ``ReasoningSignature(redacted=True)``; ``citation`` →
                       ``Citation``; others (``toolResult`` items included) →
                       ``Other(kind="contentBlockDelta.<member>")``
``contentBlockStop``   ``ToolCallEnd`` when the block is a tool call; when it is a
                       server tool's ``toolResult`` block, ``ServerToolResult(tool_call_id=
                       toolUseId, kind=<its type>, content={"status", "content": [the
                       delta items]})`` (Bedrock's own ``ToolResultBlock`` shape)
``messageStop``        ``Finish``: ``end_turn``/``stop_sequence`` → ``stop``,
                       ``max_tokens``/``model_context_window_exceeded`` → ``length``,
                       ``tool_use`` → ``tool_calls``, ``guardrail_intervened``/
                       ``content_filtered`` → ``content_filter``, else ``other``
                       (``raw_reason`` keeps Bedrock's word); tool calls still open are
                       closed first
``metadata``           ``Usage`` (latency, trace etc. only in ``raw``)
=====================  ==============================================================

Every message produces at least one event, as in the Anthropic dialect: one that maps to
nothing above (a text block's ``contentBlockStop``, an empty text or tool-input delta) yields
``Other(kind=<event type>)``, its payload in ``raw``. Every event's ``raw`` is the parsed
payload (``"p"`` included). ``Done(clean=True)`` comes at end of input when ``messageStop``
was seen (``metadata`` normally follows it), else ``Done(clean=False)``.

Usage is normalized to OpenAI's inclusive meaning. Bedrock's ``inputTokens`` counts only
the input that was neither read from nor written to the prompt cache (AWS prompt-caching
guide: total input = ``inputTokens`` + ``cacheReadInputTokens`` + ``cacheWriteInputTokens``),
so ``prompt_tokens`` is that sum, ``cached_tokens`` the cache reads, ``cache_write_tokens``
the cache writes, and ``total_tokens`` = ``prompt_tokens`` + ``completion_tokens`` (which is
what Bedrock's ``totalTokens`` counts; it is used only when a count is missing).

``ToolCallStart.index`` is the 0-based ordinal of the tool call in order of appearance, not
Bedrock's ``contentBlockIndex`` (which also counts text and reasoning blocks).

InvokeModelWithResponseStream (``BedrockInvokeDialect``, name ``bedrock-invoke``) lives in
``bedrock_invoke``; it shares ``_Bedrock``, ``_json_object`` and ``_metrics_usage`` (the
``amazon-bedrock-invocationMetrics`` object as ``Usage``) from here.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from .. import _json
from .._fastjson import Loads
from ..events import (
    Citation,
    Event,
    FinishReason,
    Other,
    ProviderError,
    ReasoningDelta,
    ReasoningSignature,
    ServerToolResult,
    StreamStart,
    Usage,
)
from ..framing.eventstream import EventStreamMessage
from ._base import Dialect, load_json, malformed
from ._calls import Calls
from ._fields import count, describe_str, opt_answer_str
from ._finish import finish
from ._make import text_delta
from ._usage import build_usage

__all__ = ["BedrockConverseDialect"]


_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
}


def _json_object(
    message: EventStreamMessage, event_type: str | None, loads: Loads = _json.loads
) -> dict[str, Any]:
    """The message's payload as a JSON object, read by *loads* (the dialect's reader);
    ``MalformedPayload`` otherwise.

    Fast path: Bedrock payloads are UTF-8 JSON objects, read from their text; anything else
    (a BOM, other encodings, bad bytes) goes through ``load_json``, which gives
    ``json.loads``'s result for the bytes or its ``MalformedPayload``.
    """
    payload = message.payload
    try:
        value = loads(payload.decode("utf-8"))
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, Rejected (see _json)
        value = load_json(payload, offset=message.offset, loads=loads)
    if type(value) is not dict:
        raise malformed(
            f"{event_type or 'event'} payload is not a JSON object",
            offset=message.offset,
            payload=payload,
        )
    return value


def _error_event(message: EventStreamMessage, kind: str) -> ProviderError:
    """``ProviderError`` for an ``exception`` or ``error`` message.

    The payload of an exception is normally ``{"message": …}`` (``"Message"`` from some
    services); when it is not JSON, its text is the message, so the error is never hidden
    behind a ``MalformedPayload``.
    """
    if kind == "error":
        code = message.header(":error-code")
        text = message.header(":error-message")
        code_s = code if isinstance(code, str) else None
        text_s = text if isinstance(text, str) else None
        raw: Any = {"headers": dict(message.header_map), "payload": message.payload}
        return ProviderError(message=text_s or code_s or "error", type=code_s, code=code_s, raw=raw)
    exc_type = message.exception_type
    try:
        value: Any = load_json(message.payload, offset=message.offset)
    except ValueError:  # MalformedPayload is a ValueError
        value = message.payload.decode("utf-8", "replace")
    text = (value.get("message") or value.get("Message")) if isinstance(value, dict) else value
    if not isinstance(text, str) or not text:
        text = exc_type or "exception"
    return ProviderError(message=text, type=exc_type, raw=value)


class _Bedrock(Dialect[EventStreamMessage]):
    """What both Bedrock dialects share: message types, exceptions, the end of input."""

    provider: ClassVar[str] = "bedrock"
    default_format: ClassVar[str] = "eventstream"

    def __init__(self) -> None:
        self._ended = False  # the API's end marker was seen
        self._failed = False  # an exception/error message was seen

    def on_record(self, record: EventStreamMessage, out: list[Event]) -> None:
        kind: Any = None
        event_type: Any = None
        for header in record.headers:  # one pass for both (the properties scan once each)
            name = header.name
            if name == ":message-type":
                kind = header.value
            elif name == ":event-type":
                event_type = header.value
        if type(event_type) is not str:
            event_type = None
        if kind is None or (type(kind) is str and kind == "event"):  # botocore: missing = event
            self._on_event(record, event_type, out)
        elif type(kind) is str and (kind == "exception" or kind == "error"):
            self._failed = True
            out.append(_error_event(record, kind))
        else:  # an unknown type, or a :message-type header that is not a string
            word = kind if type(kind) is str else repr(kind)
            out.append(Other(kind=f"message-type:{word}", raw=record))

    def _on_event(
        self, record: EventStreamMessage, event_type: str | None, out: list[Event]
    ) -> None:
        raise NotImplementedError

    def on_end(self, out: list[Event]) -> None:
        """End of input: the open blocks end, then ``Done``, clean when the API's end marker
        came and no exception or error did (the stream's end is the HTTP response's)."""
        self.close_calls(None, out)
        self.end_of_input(out, clean=self._ended and not self._failed)


@dataclasses.dataclass(slots=True)
class _ResultBlock:
    """A server tool's ``toolResult`` block: reported whole at its ``contentBlockStop``."""

    id: str | None
    kind: str
    status: Any
    items: list[Any]


class BedrockConverseDialect(_Bedrock):
    """Bedrock ``ConverseStream`` (see the module docstring for the mapping)."""

    name: ClassVar[str] = "bedrock-converse"

    @classmethod
    def claims(cls, record: Any) -> bool:
        """An event-stream ``event`` message other than InvokeModel's ``chunk`` (an
        exception message fits both Bedrock dialects)."""
        return (
            type(record) is EventStreamMessage
            and record.message_type == "event"
            and record.event_type != "chunk"
        )

    def __init__(self) -> None:
        super().__init__()
        self._calls = Calls()  # tool calls, keyed by contentBlockIndex while open
        self._results: dict[Any, _ResultBlock] = {}  # open toolResult blocks, likewise

    def _on_event(
        self, record: EventStreamMessage, event_type: str | None, out: list[Event]
    ) -> None:
        payload = _json_object(record, event_type, self._loads)
        if event_type == "contentBlockDelta":
            self._delta(record, payload, out)
        elif event_type == "messageStart":
            out.append(StreamStart(provider="bedrock", raw=payload))
        elif event_type == "contentBlockStart":
            self._start(payload, out)
        elif event_type == "contentBlockStop":
            index = payload.get("contentBlockIndex")
            call = self._calls.get(index)
            result = self._results.pop(index, None)
            if call is not None:
                self._calls.end(call, payload, out)
            elif result is not None:
                out.append(_result(result, payload))
            else:
                out.append(Other(kind="contentBlockStop", raw=payload))
        elif event_type == "messageStop":
            self.close_calls(payload, out)
            reason = finish(payload.get("stopReason"), _FINISH, raw=payload)
            self._ended = True
            out.append(reason)
        elif event_type == "metadata":
            usage = payload.get("usage")
            if isinstance(usage, dict):
                out.append(_converse_usage(usage, payload))
            else:
                out.append(Other(kind="metadata", raw=payload))
        else:
            out.append(Other(kind=event_type or "event", raw=payload))

    def _start(self, payload: dict[str, Any], out: list[Event]) -> None:
        start = payload["start"]
        tool = start.get("toolUse")
        if isinstance(tool, dict):
            kind = "server" if tool.get("type") == "server_tool_use" else "function"
            name = opt_answer_str(tool.get("name"), "toolUse name")
            call_id = describe_str(tool.get("toolUseId"))
            key = payload.get("contentBlockIndex")
            self._calls.start(call_id, name, payload, out, key=key, kind=kind)
        else:
            result = start.get("toolResult")
            if isinstance(result, dict):
                word = result.get("type")
                self._results[payload.get("contentBlockIndex")] = _ResultBlock(
                    describe_str(result.get("toolUseId")),
                    word if type(word) is str else "toolResult",
                    result.get("status"),
                    [],
                )
            member = next(iter(start), "unknown")
            out.append(Other(kind=f"contentBlockStart.{member}", raw=payload))

    def _delta(self, record: EventStreamMessage, payload: dict[str, Any], out: list[Event]) -> None:
        delta = payload["delta"]
        text = delta.get("text")
        if text is not None:
            if not isinstance(text, str):
                raise malformed(
                    "delta.text is not a string", offset=record.offset, payload=record.payload
                )
            out.append(
                text_delta(text, 0, payload)
                if text
                else Other(kind="contentBlockDelta", raw=payload)
            )
            return
        tool = delta.get("toolUse")
        if tool is not None:
            fragment = tool["input"]
            if not isinstance(fragment, str):
                raise malformed(
                    "delta.toolUse.input is not a string",
                    offset=record.offset,
                    payload=record.payload,
                )
            index = payload.get("contentBlockIndex")
            call = self._calls.get(index)
            if call is None:  # a delta without its contentBlockStart: open the call here
                call = self._calls.start(None, None, payload, out, key=index)
            if fragment:
                self._calls.delta(call, fragment, payload, out)
            else:
                out.append(Other(kind="contentBlockDelta", raw=payload))
            return
        reasoning = delta.get("reasoningContent")
        if isinstance(reasoning, dict):
            n = len(out)
            value = reasoning.get("text")
            if isinstance(value, str) and value:
                out.append(ReasoningDelta(text=value, raw=payload))
            value = reasoning.get("signature")
            if isinstance(value, str) and value:
                out.append(ReasoningSignature(signature=value, raw=payload))
            value = reasoning.get("redactedContent")
            if isinstance(value, str) and value:
                out.append(ReasoningSignature(signature=value, redacted=True, raw=payload))
            if len(out) == n:
                out.append(Other(kind="contentBlockDelta", raw=payload))
            return
        citation = delta.get("citation")
        if citation is not None:
            out.append(Citation(value=citation, raw=payload))
            return
        items = delta.get("toolResult")
        result = self._results.get(payload.get("contentBlockIndex"))
        if result is not None and items is not None:
            result.items.extend(items if type(items) is list else [items])
        member = next((k for k in delta if k != "p"), "unknown")
        out.append(Other(kind=f"contentBlockDelta.{member}", raw=payload))

    def close_calls(self, raw: Any, out: list[Event]) -> None:
        """End the open tool calls, and report the open server tool results."""
        self._calls.end_all(raw, out)
        out.extend(_result(result, raw) for result in self._results.values())
        self._results.clear()


def _result(block: _ResultBlock, raw: Any) -> ServerToolResult:
    return ServerToolResult(
        tool_call_id=block.id,
        kind=block.kind,
        content={"status": block.status, "content": block.items},
        raw=raw,
    )


def _converse_usage(usage: dict[str, Any], raw: dict[str, Any]) -> Usage:
    """``Usage`` from a ConverseStream ``metadata.usage`` object (see the module docstring)."""
    return _inclusive(
        raw,
        usage.get("inputTokens"),
        usage.get("cacheReadInputTokens"),
        usage.get("cacheWriteInputTokens"),
        usage.get("outputTokens"),
        usage.get("totalTokens"),
    )


def _inclusive(raw: Any, fresh: Any, read: Any, write: Any, completion: Any, total: Any) -> Usage:
    """``Usage`` from Bedrock's counts, where the input count excludes the cache's reads and
    writes (see the module docstring); *total* is used only when a count is missing.

    Raises ``TypeError`` for a count that is not a count (``_usage.build_usage``)."""
    fresh, read, write = count(fresh), count(read), count(write)
    prompt = None if fresh is None else fresh + (read or 0) + (write or 0)
    both = prompt is not None and count(completion) is not None
    return build_usage(
        raw,
        prompt=prompt,
        completion=completion,
        total=None if both else total,
        cached=read,
        cache_write=write,
    )


_METRICS = "amazon-bedrock-invocationMetrics"


def _metrics_usage(metrics: dict[str, Any], raw: Any) -> Usage:
    """``Usage`` from ``amazon-bedrock-invocationMetrics`` (token counts, latencies in raw).

    Raises ``TypeError`` for a count that is not a count (``_usage.build_usage``)."""
    return _inclusive(
        raw,
        metrics.get("inputTokenCount"),
        metrics.get("cacheReadInputTokenCount"),
        metrics.get("cacheWriteInputTokenCount"),
        metrics.get("outputTokenCount"),
        None,
    )
