"""The ``ollama`` dialect: Ollama's native NDJSON stream (``/api/chat``, ``/api/generate``).

Theory of operation
-------------------
Ollama streams one JSON object per line (``application/x-ndjson``); every object carries
``model`` and ``created_at``, and the last one has ``"done": true`` with the reason and the
counters. The mapping, per object:

=================================  ===================================================
first object                       ``StreamStart(model, created, provider="ollama")``
                                   (``created`` is ``created_at`` in Unix seconds)
``message.thinking``               ``ReasoningDelta`` (``/api/generate``: ``thinking``)
``message.content``                ``TextDelta`` (``/api/generate``: ``response``)
``message.tool_calls``             per call, in order: ``ToolCallStart``, one
                                   ``ToolCallDelta`` with the arguments object serialized
                                   as compact JSON (a string is passed as is), then
                                   ``ToolCallEnd`` — Ollama sends whole calls
``"done": true``                   ``Finish``, ``Usage`` (when counters are present), then
                                   ``Done(clean=True)``
``{"error": "…"}``                 ``ProviderError(message)``
=================================  ===================================================

Empty strings produce nothing; an object that produces no event at all (an empty chunk) is
reported as ``Other(kind="chunk")`` so its payload is never lost. Every event's ``raw`` is the
parsed object.

Tool calls: ``index`` is the call's ordinal in the response (0, 1, … in order of appearance,
across objects). The ``id`` is the call's ``id`` when Ollama sends one, else ``call_<index>``.

Finish reasons (``done_reason``): ``stop`` → ``stop`` (``tool_calls`` when the response had tool
calls: Ollama says ``stop`` for those too); ``length`` → ``length``; anything else (``load``,
``unload``, an unknown word) or a missing reason → ``other``; ``raw_reason`` keeps Ollama's word.

Usage: ``prompt_tokens`` = ``prompt_eval_count``, ``completion_tokens`` = ``eval_count``,
``total_tokens`` their sum. Ollama counts thinking tokens in ``eval_count`` (so reasoning is
included, as in OpenAI's meaning, but not reported apart: ``reasoning_tokens`` is ``None``).
It does not report cache reuse: ``prompt_eval_count`` is the number of prompt tokens it
evaluated, and ``cached_tokens`` is ``None``.

End of stream: ``"done": true`` is the end marker (``Done(clean=True)`` at once; records after
it are still decoded). At end of input without it, ``Done(clean=False)`` (an error object
ends the stream that way, since Ollama sends no ``done`` after it). Exactly one ``Done``.

Errors: describing fields of another type (``model``, ``created_at``, a tool call's ``id``)
degrade to ``None``; a record that is not a JSON object raises ``MalformedPayload``, one whose
answer fields (text, tool names, ``done_reason``, counts) have the wrong type a shape error
(``TypeError``, ``KeyError``, …), and ``StreamParser``'s one bad-record policy reports either
at the record's offset, after the events it already yielded.
"""

from __future__ import annotations

import calendar
import json
import re
from typing import Any, ClassVar

from ..events import (
    Event,
    Finish,
    FinishReason,
    Other,
    ReasoningDelta,
    StreamStart,
    TextDelta,
)
from ..framing.records import JSONRecord
from ._base import Dialect, malformed
from ._calls import Calls
from ._claims import json_of
from ._errors import provider_error
from ._fields import answer_str, describe_int, describe_str
from ._finish import finish
from ._make import TextDeltaDraft
from ._usage import build_usage

__all__ = ["DONE_REASONS", "OllamaDialect", "unix_seconds"]

DONE_REASONS: dict[str, FinishReason] = {"stop": "stop", "length": "length"}

# RFC 3339 as Go writes it (time.RFC3339Nano): up to nine fraction digits, Z or an offset.
_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:([Zz])|([+-])(\d\d):(\d\d))\Z"
)


def unix_seconds(stamp: str) -> int | None:
    """``created_at`` (RFC 3339) as whole Unix seconds, or ``None`` if it is not RFC 3339."""
    m = _RFC3339.match(stamp)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    if m.group(8):
        shift = int(m.group(9)) * 3600 + int(m.group(10)) * 60
        seconds -= shift if m.group(8) == "+" else -shift
    return seconds


class OllamaDialect(Dialect[JSONRecord]):
    """Ollama ``/api/chat`` and ``/api/generate`` NDJSON objects to LLM events.

    ``on_record`` raises ``MalformedPayload`` for a record that is not an object, a shape
    error for one of the wrong shape; ``on_end`` raises nothing.
    """

    name: ClassVar[str] = "ollama"
    provider: ClassVar[str] = "ollama"
    default_format: ClassVar[str] = "jsonlines"

    __slots__ = ("_calls", "_started")

    def __init__(self) -> None:
        self._started = False
        self._calls = Calls()

    @classmethod
    def claims(cls, record: Any) -> bool:
        """An object with ``done`` beside ``message`` or ``response``; an NDJSON object with
        ``model`` and ``created_at`` (and nothing another dialect claims)."""
        value = json_of(record)
        if type(value) is not dict:
            return False
        if "done" in value and ("message" in value or "response" in value):
            return True
        return type(record) is JSONRecord and "model" in value and "created_at" in value

    def on_record(self, record: JSONRecord, out: list[Event]) -> None:
        """Map one NDJSON object; raise ``MalformedPayload`` (not an object) or a shape error
        (an object of the wrong shape) for a bad one."""
        self.on_line(record.value, record.raw, record.offset, out)

    def on_line(self, value: Any, raw: bytes, offset: int, out: list[Event]) -> None:
        """``on_record`` for the line *raw* at *offset*, whose JSON is *value*: the JSON lines
        decoder's sink (``JSONLinesDecoder._sink``), so no record is built; raises what
        ``on_record`` raises."""
        # Fast path for the common chunk, {"model", "created_at", "message": {"role",
        # "content": "…"}, "done": false}: one TextDelta. A message of exactly two keys, one
        # of them "role", holds nothing but the content (no thinking, no tool calls).
        # Subscripts are cheaper than .get; anything else (or any other shape: the lookups
        # fail) takes the full, validating path.
        try:
            message = value["message"]
            if (
                value["done"] is False
                and self._started
                and len(message) == 2
                and "role" in message
                and "error" not in value
            ):
                content = message["content"]
                if type(content) is str and content:
                    # Built inline from its draft, without text_delta's call: 0.98x the
                    # instructions (callgrind, StreamParser("ollama") over 100 KB of
                    # bench_fragments' NDJSON corpus at 1460-byte fragments, 2026-12-07).
                    event = TextDeltaDraft()
                    event.text = content
                    event.choice = 0
                    event.raw = value
                    event.__class__ = TextDelta
                    out.append(event)
                    return
        except (KeyError, TypeError, IndexError):
            pass
        if type(value) is not dict:
            raise malformed("Ollama record is not a JSON object", offset=offset, payload=raw)
        n = len(out)
        self._object(value, out)  # a shape error for a bad object: StreamParser reports it
        if len(out) == n:
            out.append(Other(kind="chunk", raw=value))

    # -- internals ----------------------------------------------------------------------------

    def _object(self, value: dict[str, Any], out: list[Event]) -> None:
        error = value.get("error")
        if error is not None:
            out.append(provider_error(error, value))
            return
        if not self._started:
            self._started = True
            stamp = value.get("created_at")
            out.append(
                StreamStart(
                    model=describe_str(value.get("model")),
                    created=unix_seconds(stamp) if type(stamp) is str else describe_int(stamp),
                    provider="ollama",
                    raw=value,
                )
            )
        message = value.get("message")
        if message is not None:
            if type(message) is not dict:
                raise TypeError(f"message is {type(message).__name__}, not an object")
            thinking = message.get("thinking")
            if thinking:
                out.append(ReasoningDelta(text=answer_str(thinking, "message.thinking"), raw=value))
            content = message.get("content")
            if content:
                out.append(TextDelta(text=answer_str(content, "message.content"), raw=value))
            calls = message.get("tool_calls")
            if calls:
                self._tool_calls(calls, value, out)
        else:  # /api/generate
            thinking = value.get("thinking")
            if thinking:
                out.append(ReasoningDelta(text=answer_str(thinking, "thinking"), raw=value))
            response = value.get("response")
            if response:
                out.append(TextDelta(text=answer_str(response, "response"), raw=value))
        done = value.get("done")
        if done is True:
            self._finish(value, out)
        elif done is not None and done is not False:
            raise TypeError(f"done is {done!r}, not a boolean")

    def _tool_calls(self, calls: Any, value: dict[str, Any], out: list[Event]) -> None:
        if type(calls) is not list:
            raise TypeError(f"message.tool_calls is {type(calls).__name__}, not a list")
        for call in calls:
            function = call["function"]
            name = answer_str(function["name"], "function.name")
            arguments = function.get("arguments")
            if arguments is None:
                arguments = ""
            elif type(arguments) is not str:
                arguments = json.dumps(arguments, ensure_ascii=False, separators=(",", ":"))
            call_id = describe_str(call.get("id")) or f"call_{self._calls.count}"
            self._calls.whole(call_id, name, arguments, value, out)

    def _finish(self, value: dict[str, Any], out: list[Event]) -> None:
        raw_reason = value.get("done_reason")
        prompt = value.get("prompt_eval_count")
        completion = value.get("eval_count")
        usage = None
        if prompt is not None or completion is not None:
            usage = build_usage(value, prompt=prompt, completion=completion)
        if raw_reason is None:
            out.append(Finish(reason="other", raw=value))
        else:
            out.append(finish(raw_reason, DONE_REASONS, raw=value, calls=self._calls.count > 0))
        if usage is not None:
            out.append(usage)
        self.end_marker(value, out)  # calls come whole: none is open
