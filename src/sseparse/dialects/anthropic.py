"""The ``anthropic`` dialect: Anthropic Messages streaming events to LLM events.

Theory of operation
-------------------
Anthropic streams one message as SSE events whose ``data`` is a JSON object with a ``type``
field (the same objects arrive inside Bedrock InvokeModel frames and from Vertex AI, which is why
``on_json`` takes the parsed object and dispatches on its ``type``, never on the SSE event
name). The mapping:

==================================  ==========================================================
``message_start``                   ``StreamStart(id, model, provider="anthropic")``, then ``Usage``
                                    when the message carries usage
``content_block_start``             ``text`` with text → ``TextDelta``; ``thinking`` with text or
                                    signature → ``ReasoningDelta`` / ``ReasoningSignature``;
                                    ``redacted_thinking`` → ``ReasoningSignature(redacted=True,
                                    signature=data)``; ``tool_use`` → ``ToolCallStart(kind="function")``;
                                    ``server_tool_use``, ``mcp_tool_use`` and any other ``*_tool_use``
                                    → ``ToolCallStart(kind="server")``
``content_block_delta``             ``text_delta`` → ``TextDelta``; ``input_json_delta`` →
                                    ``ToolCallDelta``; ``thinking_delta`` → ``ReasoningDelta``;
                                    ``signature_delta`` → ``ReasoningSignature``; ``citations_delta``
                                    → ``Citation``
content block ``*_tool_result``     ``ServerToolResult(tool_call_id=tool_use_id, kind=<type>,
                                    content)``: a server tool's result (web search, code execution,
                                    web fetch, tool search, MCP), never the client's to run
``content_block_stop``              ends a tool call: ``ToolCallEnd`` with the whole arguments string
``message_delta``                   ``Finish`` (when ``stop_reason`` is set), then ``Usage``
``message_stop``                    ``Done(clean=True)``, at once
``ping``                            ``KeepAlive``
``error``                           ``ProviderError(message, type, code)`` (``_errors.provider_error``)
anything else                       ``Other(kind=<type>)``
==================================  ==========================================================

Every record produces at least one event: a record that maps to nothing above (a text block's
``content_block_start`` with empty text, a ``content_block_stop`` of a text block, an empty delta, an ``input_json_delta`` for a block that is not
an open tool call, an unknown ``type``) yields
``Other(kind=<its type field>)`` so its payload (``raw``) is never lost. ``data: [DONE]``, which
some gateways append, yields nothing; an SSE comment (a proxy's keep-alive) yields ``KeepAlive``.
Every event's ``raw`` is the parsed event object.

Tool calls. ``ToolCallStart.index`` is the call's ordinal among the message's tool calls (0, 1,
… in order of appearance), not Anthropic's content-block index (which counts text and thinking
blocks too); the dialect maps block index → ordinal. ``ToolCallEnd.arguments`` is the
concatenation of the ``input_json_delta`` fragments. When a block receives no (non-empty)
fragment, its arguments are the ``input`` of ``content_block_start`` serialized as compact JSON
when that is a non-empty object, else ``"{}"``; in that case one ``ToolCallDelta`` carrying that
string is emitted just before ``ToolCallEnd``, so the deltas of a call always join to its
``ToolCallEnd.arguments``. Calls still open when ``stop_reason`` arrives, at ``message_stop`` or at
end of input (a stream cut inside a block) are ended then.

Finish reasons: ``end_turn`` and ``stop_sequence`` → ``stop``; ``max_tokens`` and
``model_context_window_exceeded`` → ``length``; ``tool_use`` → ``tool_calls``; ``refusal`` →
``content_filter``; ``pause_turn`` (a server-tool turn to be continued) and any other word →
``other``. ``raw_reason`` always keeps Anthropic's word.

Usage. Anthropic's counts are cumulative: ``message_delta`` usage restates totals, so each
field it carries overwrites the earlier value (never added) and fields it omits keep their
``message_start`` value. Anthropic's ``input_tokens`` excludes cached tokens; the snapshot is
normalized to OpenAI's inclusive meaning::

    prompt_tokens      = input_tokens + cache_read_input_tokens + cache_creation_input_tokens
    cached_tokens      = cache_read_input_tokens
    cache_write_tokens = cache_creation_input_tokens
    completion_tokens  = output_tokens           (thinking included)
    reasoning_tokens   = output_tokens_details.thinking_tokens (when sent)
    total_tokens       = prompt_tokens + completion_tokens

A ``Usage`` snapshot is emitted at ``message_start`` (when it has usage) and at every
``message_delta`` that carries usage; the last one is final.

End of stream. ``message_stop`` emits ``Done(clean=True)`` at once; records after it are still
decoded (a second ``message_stop`` becomes ``Other``). At end of input, open tool calls are ended
and, when no ``message_stop`` was seen, ``Done(clean=False)`` is emitted: exactly one ``Done`` per
stream. An ``error`` event is followed by the server closing the stream, so it ends in
``Done(clean=False)`` unless a ``message_stop`` came. A stream whose last event lacks its
terminating blank line never dispatches that event (WHATWG: an unfinished event is discarded),
so if that event was ``message_stop`` the stream ends in ``Done(clean=False)``, after the
``Finish`` from ``message_delta``: the end marker was not received, and we do not guess it.

Errors (DESIGN §1, the field rule of ``_fields``). Describing fields degrade: an ``id`` or
``model`` of another JSON type becomes its decimal text or ``None``, a signature that is not a
string and ``citations`` that are not a list are left in ``raw``, unknown keys are ignored. A
payload that is not JSON, not an object, lacks a string ``type``, or has an answer field (text,
a tool name or arguments, ``stop_reason``, a token count) of the wrong type raises
``MalformedPayload`` at the record's offset; ``StreamParser`` keeps the events the record
already gave and reports it as ``Malformed`` (or raises it with ``strict=True``).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from ..events import (
    Citation,
    Event,
    FinishReason,
    KeepAlive,
    ReasoningDelta,
    ReasoningSignature,
    ServerToolResult,
    StreamStart,
    TextDelta,
    Usage,
)
from ._base import Handler
from ._calls import Call, Calls
from ._claims import json_of, sse_type
from ._errors import provider_error
from ._fields import answer_str, count, describe_str, opt_answer_str
from ._finish import finish
from ._typed_sse import TypedJSONDialect
from ._usage import build_usage, sub

__all__ = ["STOP_REASONS", "AnthropicDialect", "usage_from"]


STOP_REASONS: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
    "pause_turn": "other",
}

_INPUT_KEYS = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


def usage_from(counts: dict[str, Any], raw: Any = None) -> Usage:
    """Build a normalized ``Usage`` from merged Anthropic usage *counts* (see module doc).

    Raises ``TypeError`` when a count is not a count (``_usage.build_usage``; the caller
    reports it as malformed).
    """
    inp, read, write = (count(counts.get(key), key) for key in _INPUT_KEYS)
    prompt = None
    if inp is not None or read is not None or write is not None:
        prompt = (inp or 0) + (read or 0) + (write or 0)
    return build_usage(
        raw,
        prompt=prompt,
        completion=counts.get("output_tokens"),
        cached=read,
        reasoning=sub(counts.get("output_tokens_details"), "thinking_tokens"),
        cache_write=write,
    )


# The Messages event types that say a stream is Anthropic's (what detection asks).
_EVENT_TYPES = frozenset(
    {
        "message_start",
        "message_delta",
        "message_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "ping",
    }
)


class AnthropicDialect(TypedJSONDialect):
    """Anthropic Messages events (SSE, or parsed objects via ``on_json``) to LLM events.

    ``on_record`` raises ``MalformedPayload`` for a payload that is not a JSON object with a
    string ``type``, and lets the ``KeyError``/``TypeError``/``AttributeError``/``ValueError``/
    ``IndexError`` of a field of the wrong shape escape (the parser's bad-record policy reports
    it at the record); ``on_end`` raises nothing.
    """

    name: ClassVar[str] = "anthropic"
    provider: ClassVar[str] = "anthropic"

    __slots__ = ("_calls", "_counts")

    @classmethod
    def claims(cls, record: Any) -> bool:
        """A payload (or, when its data names no type, an SSE event name) of one of the
        Messages event types (``error`` fits every dialect, so it does not count)."""
        value = json_of(record)
        kind = value.get("type") if type(value) is dict else None
        if type(kind) is not str:
            kind = sse_type(record)
        return kind in _EVENT_TYPES

    def __init__(self) -> None:
        self._calls = Calls()  # tool calls, keyed by content-block index while open
        self._counts: dict[str, Any] = {}

    # -- records ---------------------------------------------------------------------------

    text_event: ClassVar[str | None] = "content_block_delta"

    def text_of(self, value: dict[str, Any]) -> Any:
        delta = value["delta"]
        return delta["text"] if delta["type"] == "text_delta" else None

    # -- handlers --------------------------------------------------------------------------

    def _message_start(self, value: dict[str, Any], out: list[Event]) -> None:
        message = value["message"]
        out.append(
            StreamStart(
                id=describe_str(message.get("id")),
                model=describe_str(message.get("model")),
                provider="anthropic",
                raw=value,
            )
        )
        usage = message.get("usage")
        if usage is not None:
            self._counts = dict(usage)
            out.append(usage_from(self._counts, value))

    def _block_start(self, value: dict[str, Any], out: list[Event]) -> None:
        index = value["index"]
        block = value["content_block"]
        btype = block["type"]
        if btype == "text":
            text = block.get("text")
            if text:
                out.append(TextDelta(text=answer_str(text, "text"), raw=value))
            citations = block.get("citations")
            if type(citations) is list:  # describing: another type stays in raw
                out.extend(Citation(value=c, raw=value) for c in citations)
        elif btype == "thinking":
            text = block.get("thinking")
            if text:
                out.append(ReasoningDelta(text=answer_str(text, "thinking"), raw=value))
            _signature(block.get("signature"), value, out)
        elif btype == "redacted_thinking":
            data = answer_str(block["data"], "redacted_thinking data")
            out.append(ReasoningSignature(signature=data, redacted=True, raw=value))
        elif type(btype) is str and btype.endswith("tool_use"):
            if type(index) is not int:
                raise TypeError("block 'index' is not an integer")
            kind = "function" if btype == "tool_use" else "server"
            call_id = describe_str(block.get("id"))
            name = opt_answer_str(block.get("name"), "tool name")
            old = self._calls.get(index)
            if old is not None:  # a block index reused while open: end the old call first
                self._end(old, value, out)
            call = self._calls.start(call_id, name, value, out, key=index, kind=kind)
            call.initial = block.get("input")
        elif type(btype) is str and btype.endswith("_tool_result"):
            out.append(
                ServerToolResult(
                    tool_call_id=describe_str(block.get("tool_use_id")),
                    kind=btype,
                    content=block.get("content"),
                    raw=value,
                )
            )
        elif type(btype) is not str:
            raise TypeError("content_block 'type' is not a string")

    def _block_delta(self, value: dict[str, Any], out: list[Event]) -> None:
        delta = value["delta"]
        dtype = delta["type"]
        if dtype == "text_delta":
            text = delta["text"]
            if text:
                out.append(TextDelta(text=answer_str(text, "text"), raw=value))
        elif dtype == "input_json_delta":
            fragment = answer_str(delta["partial_json"], "partial_json")
            index = value["index"]
            if type(index) is not int:
                raise TypeError("block 'index' is not an integer")
            call = self._calls.get(index)
            if call is not None:
                self._calls.delta(call, fragment, value, out)
        elif dtype == "thinking_delta":
            text = delta["thinking"]
            if text:
                out.append(ReasoningDelta(text=answer_str(text, "thinking"), raw=value))
        elif dtype == "signature_delta":
            _signature(delta.get("signature"), value, out)
        elif dtype == "citations_delta":
            out.append(Citation(value=delta["citation"], raw=value))
        elif type(dtype) is not str:
            raise TypeError("delta 'type' is not a string")

    def _block_stop(self, value: dict[str, Any], out: list[Event]) -> None:
        index = value["index"]
        if type(index) is not int:
            raise TypeError("block 'index' is not an integer")
        call = self._calls.get(index)
        if call is not None:
            self._end(call, value, out)

    def _message_delta(self, value: dict[str, Any], out: list[Event]) -> None:
        delta = value.get("delta") or {}
        reason = delta.get("stop_reason")
        if reason is not None:
            self.close_calls(value, out)
            out.append(finish(reason, STOP_REASONS, raw=value))
        usage = value.get("usage")
        if usage is not None:
            counts = self._counts
            for key, count in usage.items():
                if count is not None:
                    counts[key] = count
            if counts:
                out.append(usage_from(counts, value))

    def _message_stop(self, value: dict[str, Any], out: list[Event]) -> None:
        self.end_marker(value, out)  # a second end marker appends nothing: reported as Other

    def _ping(self, value: dict[str, Any], out: list[Event]) -> None:
        out.append(KeepAlive(raw=value))

    def _error(self, value: dict[str, Any], out: list[Event]) -> None:
        # {"type": "error", "error": {"type", "message"}}; without an "error" member the
        # event's own text is the message.
        error = value.get("error")
        out.append(provider_error(_compact(value) if error is None else error, value))

    # -- tool calls ------------------------------------------------------------------------

    def _end(self, call: Call, raw: Any, out: list[Event]) -> None:
        """End *call*; when no fragment streamed, its arguments are the block's ``input``
        (compact JSON of a non-empty object, else ``"{}"``), sent as one last fragment."""
        initial = call.initial
        whole = None
        if not call.parts:
            whole = _compact(initial) if isinstance(initial, dict) and initial else "{}"
        self._calls.end(call, raw, out, whole)

    def close_calls(self, raw: Any, out: list[Event]) -> None:
        calls = self._calls
        for ordinal in sorted(calls.open):
            self._end(calls.open[ordinal], raw, out)

    # A handler per event type: one table for the class (bound methods per instance
    # would cost ~1 KiB of every idle parser).
    _handlers: ClassVar[dict[str, Handler]] = {
        "content_block_delta": _block_delta,
        "content_block_start": _block_start,
        "content_block_stop": _block_stop,
        "message_start": _message_start,
        "message_delta": _message_delta,
        "message_stop": _message_stop,
        "ping": _ping,
        "error": _error,
    }


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _signature(signature: Any, raw: Any, out: list[Event]) -> None:
    """A thinking signature: opaque and only describing, so one that is not a non-empty
    string is left in *raw*."""
    if type(signature) is str and signature:
        out.append(ReasoningSignature(signature=signature, raw=raw))
