"""The ``cohere`` dialects: Cohere Chat v2 (SSE) and Chat v1 (NDJSON) streams to LLM events.

Theory of operation: v2 (``cohere``, ``cohere-v2``)
---------------------------------------------------
Every SSE event carries ``event: <type>`` and JSON data with the same ``type`` (the JSON field
is what the dialect reads; the SSE name is used only when the field is missing). The stream
ends with ``message-end`` and then ``data: [DONE]``.

=======================  ===============================================================
``message-start``        ``StreamStart(id, provider="cohere")``
``content-start``        its initial ``text`` / ``thinking`` when not empty
``content-delta``        ``content.text`` → ``TextDelta``; ``content.thinking`` →
                         ``ReasoningDelta``
``tool-plan-delta``      ``ReasoningDelta`` (see below)
``tool-call-start``      ``ToolCallStart(index, id, name)`` (+ ``ToolCallDelta`` when it
                         already carries arguments)
``tool-call-delta``      ``ToolCallDelta`` (``function.arguments``)
``tool-call-end``        ``ToolCallEnd`` with the whole arguments string
``citation-start``       ``Citation(value=<the citation object>)``
``message-end``          ends open calls, ``ProviderError(error, error_type)`` when the
                         delta carries an ``error``, ``Finish``, ``Usage``, then
                         ``Done(clean=True)``
``data: [DONE]``         nothing after ``message-end``; ``Done(clean=True)`` without it
anything else            ``Other(kind=<type>)`` (``content-end``, ``citation-end``,
                         ``debug``, unknown types)
=======================  ===============================================================

The tool plan (``tool-plan-delta``, v1's ``tool-calls-chunk`` text) is the model's statement of
what it will do before calling tools. It is not answer text (Cohere returns it apart from the
content, and it must be sent back as ``tool_plan``), so it is reported as ``ReasoningDelta``,
next to thinking; the event's ``raw`` (``"type": "tool-plan-delta"``) tells the two apart.

Tool calls: ``index`` is the call's ordinal in order of appearance (Cohere's own ``index`` is
mapped to it). A call with no argument fragment at all gets ``"{}"`` (one ``ToolCallDelta``
carrying it precedes ``ToolCallEnd``, so the deltas always join to the end's arguments). Calls
still open at ``message-end`` or at end of input are ended then.

Finish reasons (both versions): ``COMPLETE``, ``STOP_SEQUENCE`` → ``stop``; ``MAX_TOKENS``,
``ERROR_LIMIT`` (context limit) → ``length``; ``TOOL_CALL`` → ``tool_calls``; ``ERROR``,
``TIMEOUT`` → ``error``; ``ERROR_TOXIC`` → ``content_filter``; ``USER_CANCEL`` and unknown
words → ``other``. v1 says ``COMPLETE`` for a turn that ends in tool calls, so there
``COMPLETE`` becomes ``tool_calls`` when the response had any; ``raw_reason`` keeps Cohere's
word.

Usage (both versions). Cohere reports two counts: ``tokens`` (what the model processed,
prompt template included) and ``billed_units`` (what is billed). ``tokens`` is the inclusive
count, so it is used, each field falling back to ``billed_units`` when ``tokens`` lacks it::

    prompt_tokens     = tokens.input_tokens   (else billed_units.input_tokens)
    completion_tokens = tokens.output_tokens  (else billed_units.output_tokens; thinking
                                               and tool-plan tokens included)
    total_tokens      = prompt_tokens + completion_tokens
    cached_tokens     = usage.cached_tokens   (v2, when sent; part of prompt_tokens)
    reasoning_tokens  = None                  (Cohere does not report them apart)

v2 takes usage from ``message-end``'s ``delta.usage``; v1 from ``stream-end``'s
``response.meta``. An empty usage object yields no ``Usage`` event.

Theory of operation: v1 (``cohere-v1``)
---------------------------------------
NDJSON objects with an ``event_type``:

===========================  ===========================================================
``stream-start``             ``StreamStart(id=generation_id, provider="cohere")``
``text-generation``          ``TextDelta``
``tool-calls-chunk``         ``text`` → ``ReasoningDelta`` (tool plan);
                             ``tool_call_delta`` → ``ToolCallStart`` (a ``name``, or a new
                             ``index``, starts a call) / ``ToolCallDelta``
                             (``parameters`` fragments)
``tool-calls-generation``    ends the streamed calls (``ToolCallEnd``); calls it lists that
                             were not streamed (a response without chunks) are emitted
                             whole: start, one delta with ``parameters`` as compact JSON,
                             end; its ``text`` (the plan) becomes ``ReasoningDelta`` only
                             when no plan was streamed
``citation-generation``      one ``Citation`` per citation
``stream-end``               ends open calls, ``ProviderError`` when it carries an
                             ``error``, ``Finish``, ``Usage``, ``Done(clean=True)``
anything else                ``Other(kind=<event_type>)`` (``search-results``,
                             ``search-queries-generation``, …)
===========================  ===========================================================

v1 calls have no id: ``call_<index>`` is synthesized.

Both: every record produces at least one event (``Other`` when nothing else), every event's
``raw`` is the parsed object, exactly one ``Done`` per stream (``Done(clean=False)`` at end of
input without the end marker); a payload that is not a JSON object (or has no string type)
raises ``MalformedPayload``, one of the wrong shape a shape error (``KeyError``,
``TypeError``, …), and ``StreamParser``'s one bad-record policy reports either at the record's
offset, after the events that record already yielded. Describing fields of another type (ids,
``error_type``) degrade to ``None`` or their decimal text.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from ..events import (
    Citation,
    Event,
    FinishReason,
    KeepAlive,
    Other,
    ReasoningDelta,
    StreamStart,
    TextDelta,
    Usage,
)
from ..framing.records import JSONRecord, SSEComment, SSEEvent, SSERetry
from ._base import Dialect, Handler, load_json, malformed
from ._calls import Call, Calls
from ._claims import json_of, sse_type
from ._errors import provider_error
from ._fields import answer_str, describe_str, opt_answer_str
from ._finish import finish as _finish
from ._usage import build_usage, sub

__all__ = ["EVENT_TYPES", "FINISH_REASONS", "CohereDialect", "CohereV1Dialect", "usage_from"]

FINISH_REASONS: dict[str, FinishReason] = {
    "COMPLETE": "stop",
    "STOP_SEQUENCE": "stop",
    "MAX_TOKENS": "length",
    "ERROR_LIMIT": "length",
    "TOOL_CALL": "tool_calls",
    "ERROR": "error",
    "TIMEOUT": "error",
    "ERROR_TOXIC": "content_filter",
    "USER_CANCEL": "other",
}

EVENT_TYPES = frozenset(
    {
        "message-start",
        "message-end",
        "content-start",
        "content-delta",
        "content-end",
        "tool-plan-delta",
        "tool-call-start",
        "tool-call-delta",
        "tool-call-end",
        "citation-start",
        "citation-end",
        "debug",
    }
)
"""Cohere v2's event types (how a payload says it is Cohere's)."""

# -- shared helpers ------------------------------------------------------------------------------


def _dict(value: Any, what: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise TypeError(f"{what} is {type(value).__name__}, not an object")
    return value


def _opt_dict(value: Any, what: str) -> dict[str, Any]:
    """An object field that may be missing or null (read as empty)."""
    return {} if value is None else _dict(value, what)


def usage_from(usage: dict[str, Any], raw: Any) -> Usage | None:
    """Normalize a Cohere usage object (``tokens``, ``billed_units``, ``cached_tokens``) — see
    the module docstring; ``None`` when it holds no count. Raises ``TypeError`` for a count
    that is not a non-negative integer."""
    tokens = usage.get("tokens")
    billed = usage.get("billed_units")
    prompt = sub(tokens, "input_tokens")
    if prompt is None:
        prompt = sub(billed, "input_tokens")
    completion = sub(tokens, "output_tokens")
    if completion is None:
        completion = sub(billed, "output_tokens")
    cached = usage.get("cached_tokens")
    if prompt is None and completion is None and cached is None:
        return None
    return build_usage(raw, prompt=prompt, completion=completion, cached=cached)


# -- v2 ------------------------------------------------------------------------------------------


class CohereDialect(Dialect[SSEEvent | SSEComment | SSERetry]):
    """Cohere Chat v2 SSE events to LLM events (see the module docstring).

    ``on_record`` raises ``MalformedPayload`` for a payload that is not a JSON object, a shape
    error for one of the wrong shape; ``on_end`` raises nothing.
    """

    name: ClassVar[str] = "cohere"
    provider: ClassVar[str] = "cohere"
    default_format: ClassVar[str] = "sse"

    __slots__ = ("_calls",)

    @classmethod
    def claims(cls, record: Any) -> bool:
        """A payload (or, when its data says nothing, an SSE event name) of a v2 type."""
        value = json_of(record)
        kind = value.get("type") if type(value) is dict else None
        return (kind if type(kind) is str else sse_type(record)) in EVENT_TYPES

    def __init__(self) -> None:
        self._calls = Calls()

    def on_record(self, record: SSEEvent | SSEComment | SSERetry, out: list[Event]) -> None:
        """Map one SSE record; raise ``MalformedPayload`` (not a JSON object) or a shape
        error (an object of the wrong shape) for a bad payload."""
        if type(record) is not SSEEvent:
            if type(record) is SSEComment:
                out.append(KeepAlive(raw=record.text))
            else:
                out.append(Other(kind="retry", raw=record))
            return
        data = record.data
        if data == "[DONE]":
            # The transport's end marker: clean when message-end did not come, else nothing.
            self.end_marker(data, out)
            return
        value = load_json(data, offset=record.offset, loads=self._loads)
        if type(value) is not dict:
            raise malformed("event data is not a JSON object", offset=record.offset, payload=data)
        kind = value.get("type", record.type)
        if type(kind) is not str:
            raise malformed("event 'type' is not a string", offset=record.offset, payload=data)
        handler = self._handlers.get(kind)
        n = len(out)
        if handler is not None:
            handler(self, value, out)
        if len(out) == n:
            out.append(Other(kind=kind, raw=value))

    def close_calls(self, raw: Any, out: list[Event]) -> None:
        self._calls.end_all(raw, out)

    # -- handlers ----------------------------------------------------------------------------

    def _message_start(self, value: dict[str, Any], out: list[Event]) -> None:
        out.append(StreamStart(id=describe_str(value.get("id")), provider="cohere", raw=value))

    def _content(self, value: dict[str, Any], out: list[Event]) -> None:
        content = _dict(value["delta"]["message"]["content"], "content")
        thinking = content.get("thinking")
        if thinking:
            out.append(ReasoningDelta(text=answer_str(thinking, "content.thinking"), raw=value))
        text = content.get("text")
        if text:
            out.append(TextDelta(text=answer_str(text, "content.text"), raw=value))

    def _tool_plan(self, value: dict[str, Any], out: list[Event]) -> None:
        plan = value["delta"]["message"]["tool_plan"]
        if plan:
            out.append(ReasoningDelta(text=answer_str(plan, "tool_plan"), raw=value))

    def _tool_call_start(self, value: dict[str, Any], out: list[Event]) -> None:
        index = value["index"]
        call_obj = _dict(value["delta"]["message"]["tool_calls"], "tool_calls")
        function = _opt_dict(call_obj.get("function"), "function")
        name = opt_answer_str(function.get("name"), "function.name")
        arguments = opt_answer_str(function.get("arguments"), "function.arguments")
        call = self._calls.start(describe_str(call_obj.get("id")), name, value, out, key=index)
        if arguments:
            self._calls.delta(call, arguments, value, out)

    def _tool_call_delta(self, value: dict[str, Any], out: list[Event]) -> None:
        call = self._calls.get(value["index"])
        arguments = value["delta"]["message"]["tool_calls"]["function"]["arguments"]
        fragment = answer_str(arguments, "function.arguments")
        if call is None:  # a delta without its start: open the call here, never drop it
            call = self._calls.start(None, None, value, out, key=value["index"])
        self._calls.delta(call, fragment, value, out)

    def _tool_call_end(self, value: dict[str, Any], out: list[Event]) -> None:
        call = self._calls.get(value["index"])
        if call is not None:
            self._calls.end(call, value, out)

    def _citation(self, value: dict[str, Any], out: list[Event]) -> None:
        out.append(Citation(value=value["delta"]["message"]["citations"], raw=value))

    def _message_end(self, value: dict[str, Any], out: list[Event]) -> None:
        delta = _opt_dict(value.get("delta"), "delta")
        raw_reason = delta.get("finish_reason")
        usage = delta.get("usage")
        usage_event = None if usage is None else usage_from(_dict(usage, "usage"), value)
        finish = None if raw_reason is None else _finish(raw_reason, FINISH_REASONS, raw=value)
        error = delta.get("error")
        error_event = (
            None if error is None else provider_error(error, value, type=delta.get("error_type"))
        )
        if self._done:
            return  # a second end marker: reported as Other
        self.close_calls(value, out)
        if error_event is not None:
            out.append(error_event)
        if finish is not None:
            out.append(finish)
        if usage_event is not None:
            out.append(usage_event)
        self.end_marker(value, out)

    # -- v1 ------------------------------------------------------------------------------------------

    # A handler per event type: one table for the class (bound methods per instance
    # would cost ~1 KiB of every idle parser).
    _handlers: ClassVar[dict[str, Handler]] = {
        "message-start": _message_start,
        "content-start": _content,
        "content-delta": _content,
        "tool-plan-delta": _tool_plan,
        "tool-call-start": _tool_call_start,
        "tool-call-delta": _tool_call_delta,
        "tool-call-end": _tool_call_end,
        "citation-start": _citation,
        "message-end": _message_end,
    }


class CohereV1Dialect(Dialect[JSONRecord]):
    """Cohere Chat v1 NDJSON objects to LLM events (see the module docstring).

    ``on_record`` raises ``MalformedPayload`` for a record that is not an object with a string
    ``event_type``, a shape error for one of the wrong shape; ``on_end`` raises nothing.
    """

    name: ClassVar[str] = "cohere-v1"
    provider: ClassVar[str] = "cohere"
    default_format: ClassVar[str] = "jsonlines"

    __slots__ = ("_calls", "_current", "_plan_streamed")

    @classmethod
    def claims(cls, record: Any) -> bool:
        """An object with ``event_type``."""
        value = json_of(record)
        return type(value) is dict and "event_type" in value

    def __init__(self) -> None:
        self._calls = Calls()
        self._current: Call | None = None  # the call the last tool_call_delta went to
        self._plan_streamed = False

    def on_record(self, record: JSONRecord, out: list[Event]) -> None:
        """Map one NDJSON object; raise ``MalformedPayload`` (no object with a string
        ``event_type``) or a shape error (an object of the wrong shape) for a bad one."""
        self.on_line(record.value, record.raw, record.offset, out)

    def on_line(self, value: Any, raw: bytes, offset: int, out: list[Event]) -> None:
        """``on_record`` for the line *raw* at *offset*, whose JSON is *value*: the JSON lines
        decoder's sink (``JSONLinesDecoder._sink``), so no record is built; raises what
        ``on_record`` raises."""
        if type(value) is not dict:
            raise malformed("Cohere record is not a JSON object", offset=offset, payload=raw)
        kind = value.get("event_type")
        if type(kind) is not str:
            raise malformed("Cohere record has no string 'event_type'", offset=offset, payload=raw)
        handler = self._handlers.get(kind)
        n = len(out)
        if handler is not None:
            handler(self, value, out)
        if len(out) == n:
            out.append(Other(kind=kind, raw=value))

    def close_calls(self, raw: Any, out: list[Event]) -> None:
        self._calls.end_all(raw, out)

    # -- handlers ----------------------------------------------------------------------------

    def _stream_start(self, value: dict[str, Any], out: list[Event]) -> None:
        out.append(
            StreamStart(
                id=describe_str(value.get("generation_id")),
                provider="cohere",
                raw=value,
            )
        )

    def _text(self, value: dict[str, Any], out: list[Event]) -> None:
        text = answer_str(value["text"], "text")
        if text:
            out.append(TextDelta(text=text, raw=value))

    def _tool_calls_chunk(self, value: dict[str, Any], out: list[Event]) -> None:
        text = value.get("text")
        if text:
            self._plan_streamed = True
            out.append(ReasoningDelta(text=answer_str(text, "text"), raw=value))
        delta = value.get("tool_call_delta")
        if delta is None:
            return
        delta = _dict(delta, "tool_call_delta")
        index = delta.get("index")
        if index is not None and type(index) is not int:
            raise TypeError(f"tool_call_delta.index is {index!r}, not an integer")
        name = opt_answer_str(delta.get("name"), "tool_call_delta.name")
        # Read before any state changes: a bad fragment must not leave a half-started call.
        parameters = opt_answer_str(delta.get("parameters"), "tool_call_delta.parameters")
        calls = self._calls
        call = self._current
        if index is not None:
            call = calls.get(index)
        elif name is not None and call is not None and call.name is not None:
            call = None  # a second name without an index: the next call
        if call is None:
            key = index if index is not None else ("auto", calls.count)
            call = calls.start(f"call_{calls.count}", name, value, out, key=key)
        elif name is not None and call.name is None:
            call.name = name
        self._current = call
        if parameters:
            calls.delta(call, parameters, value, out)

    def _tool_calls_generation(self, value: dict[str, Any], out: list[Event]) -> None:
        listed = value.get("tool_calls")
        if listed is None:
            listed = []
        if type(listed) is not list:
            raise TypeError("tool_calls is not a list")
        whole = []
        for item in listed[self._calls.count :]:
            item = _dict(item, "tool call")
            parameters = item.get("parameters")
            whole.append(
                (
                    answer_str(item["name"], "tool call name"),
                    json.dumps(
                        {} if parameters is None else parameters,
                        ensure_ascii=False,
                        separators=(",", ":"),
                    ),
                )
            )
        text = value.get("text")
        if text and not self._plan_streamed:
            self._plan_streamed = True
            out.append(ReasoningDelta(text=answer_str(text, "text"), raw=value))
        self._calls.end_all(value, out)
        self._current = None
        for name, arguments in whole:
            self._calls.whole(f"call_{self._calls.count}", name, arguments, value, out)

    def _citations(self, value: dict[str, Any], out: list[Event]) -> None:
        citations = value["citations"]
        if type(citations) is not list:
            raise TypeError("citations is not a list")
        out.extend(Citation(value=c, raw=value) for c in citations)

    def _stream_end(self, value: dict[str, Any], out: list[Event]) -> None:
        response = _opt_dict(value.get("response"), "response")
        raw_reason = value.get("finish_reason", response.get("finish_reason"))
        meta = _opt_dict(response.get("meta"), "response.meta")
        usage_event = usage_from(meta, value)
        error = value.get("error", response.get("error"))
        error_event = None if error is None else provider_error(error, value)
        if self._done:
            return  # a second end marker: reported as Other
        self.close_calls(value, out)
        finish = (
            None
            if raw_reason is None
            else _finish(raw_reason, FINISH_REASONS, raw=value, calls=self._calls.count > 0)
        )
        if error_event is not None:
            out.append(error_event)
        if finish is not None:
            out.append(finish)
        if usage_event is not None:
            out.append(usage_event)
        self.end_marker(value, out)

    # A handler per event type: one table for the class (bound methods per instance
    # would cost ~1 KiB of every idle parser).
    _handlers: ClassVar[dict[str, Handler]] = {
        "stream-start": _stream_start,
        "text-generation": _text,
        "tool-calls-chunk": _tool_calls_chunk,
        "tool-calls-generation": _tool_calls_generation,
        "citation-generation": _citations,
        "stream-end": _stream_end,
    }
