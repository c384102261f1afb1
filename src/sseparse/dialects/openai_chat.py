"""OpenAI chat completions streams (``chat.completion.chunk`` over SSE) and every
OpenAI-compatible server: Azure, OpenRouter, DeepSeek, Groq, xAI, Together, Ollama, vLLM…

Theory of operation. Each SSE event's ``data`` is one JSON chunk, or the ``[DONE]`` sentinel.
A chunk maps onto events in a fixed order:

1. ``StreamStart`` once, at the first chunk that names an ``id`` or a ``model`` (Azure's
   leading ``prompt_filter_results`` chunk has neither, so it does not count);
2. ``ProviderError`` for an ``error`` object (alone, or beside ``choices`` as OpenRouter does);
3. per choice, in the order sent: ``ReasoningDelta``/``ReasoningSignature``, ``TextDelta``
   (content as a string, or as a list of typed parts), ``RefusalDelta``, ``Citation`` for
   ``annotations``, the tool-call events, then — when ``finish_reason`` is set —
   ``ToolCallEnd`` for that choice's open calls and ``Finish``;
4. ``Usage`` when ``usage`` (or Groq's ``x_groq.usage``) is an object;
5. ``Other("prompt_filter_results")`` for a chunk that produced nothing else but carries
   Azure's prompt filter verdicts, so they stay reachable.

Empty strings never become deltas. Reasoning arrives under ``reasoning_content`` (DeepSeek),
``reasoning`` (OpenRouter, Groq) and/or ``reasoning_details`` (OpenRouter, Vercel, Snowflake);
routers send the same text under two of them, so ``reasoning_details`` texts are used only when
neither string field carried text, while their ``signature`` / encrypted ``data`` always become
``ReasoningSignature``.

Tool calls. ``index`` in events is our own 0-based ordinal per choice, in order of first
appearance, because providers' own indexes are unreliable (missing, starting at 1, all zero).
A tool-call delta is matched to a call by its ``index`` (unless it carries a *different* id
than the call it points at), then by its ``id`` (a delta with an unknown index matches by id
only a call that came without an index: two indexes are two calls), then — when it has neither — to the latest
open call of the choice (unless it names a function while that call already has a name: a
whole new call, as Mistral sends). An id or a name is never overwritten by an empty value.
Legacy ``delta.function_call`` is one more call of the choice. A call ends with
``ToolCallEnd`` (the whole arguments string) at its choice's ``finish_reason``, at
``[DONE]``, or at end of input. A call that streams again after it ended (found by its index
or id) is re-opened and ended once more only at ``[DONE]`` or end of input, so repeated
finishes never re-join a long call. At ``[DONE]`` the ended calls are let go (a parser may be
held while the connection stays open): a tool-call delta after it starts a new call. The
bookkeeping is the shared ``Calls`` tracker's.

End. ``data: [DONE]`` closes open calls and emits ``Done(clean=True)`` at once; records after
it are still decoded (some routers send usage there). ``on_end`` closes what is open and emits
``Done(clean=False)`` unless a clean ``Done`` was emitted: exactly one ``Done`` per stream.

SSE comments become ``KeepAlive`` (the parser asks the SSE decoder for them because
``wants_comments`` is set); ``retry`` fields and events of unknown types become ``Other``;
``event: error`` becomes ``ProviderError``. A payload that is not a JSON object raises
``MalformedPayload``, a chunk of the wrong shape a shape error (``TypeError``, ``KeyError``, …);
``StreamParser``'s one bad-record policy reports either at the record's offset.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from .. import _json
from .._fastjson import Loads, short_reader
from .._json import MAX_DEPTH
from ..events import (
    Citation,
    Event,
    FinishReason,
    Other,
    ReasoningSignature,
    StreamStart,
    TextDelta,
    Usage,
)
from ..framing.records import SSEComment, SSEEvent, SSERecord
from ..framing.sse import data_text
from ._base import Dialect, malformed
from ._calls import Call, Calls
from ._claims import json_of
from ._errors import provider_error
from ._fields import describe_int, describe_str, opt_answer_str
from ._finish import finish
from ._make import (
    TextDeltaDraft,
    keep_alive,
    reasoning_delta,
    refusal_delta,
    text_delta,
    tool_call_delta,
)
from ._usage import build_usage, sub

__all__ = ["FINISH_REASONS", "OpenAIChatDialect", "provider_error", "usage_event"]

FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}
"""OpenAI's finish words and their normalized reason; any other word is ``"other"``."""

_str = str
_dict = dict
_list = list
_int = int
# _fallback's answer for the end marker, [DONE] (a chunk is never this object).
_DONE: Any = object()


class _Choice:
    """Tool-call bookkeeping for one choice (only made when a choice streams a call): the
    shared tracker, plus what OpenAI-compatible servers need beyond it — calls found again
    by index or id after they ended, and the legacy ``function_call``."""

    __slots__ = ("by_id", "by_index", "calls", "function_call", "positioned", "reopened")

    def __init__(self, choice: int) -> None:
        self.calls = Calls(choice)
        # Unlike the tracker's own tables these keep ended calls: a later delta re-opens one.
        self.by_index: dict[int, Call] = {}
        self.by_id: dict[str, Call] = {}
        # Ordinals of calls that came with an index (the keys: a dict for a set, 64 bytes
        # empty where a set takes 216; a gateway holds thousands of parsers).
        self.positioned: dict[int, None] = {}
        self.function_call: Call | None = None  # the legacy delta.function_call, if any
        # Calls that streamed again after they ended: ended once more only at the end of the
        # stream ([DONE] or end of input), never at every finish_reason, so re-opening a long
        # call does not re-join it again and again.
        self.reopened: dict[int, Call] = {}

    def new_call(self, id: str | None, name: str | None, chunk: Any, out: list[Event]) -> Call:
        call = self.calls.start(id, name, chunk, out)
        if id is not None:
            self.by_id[id] = call
        return call

    def touch(self, call: Call) -> None:
        """*call* streams again: the latest call, re-opened if it had ended."""
        self.calls.latest = call
        if not call.open:
            call.open = True
            self.reopened[call.ordinal] = call

    def end_open(self, raw: Any, out: list[Event]) -> None:
        """End the calls still open since they started (a ``finish_reason``)."""
        self.calls.end_all(raw, out)

    def end_all(self, raw: Any, out: list[Event]) -> None:
        """End every open call, re-opened ones included, in order of ordinal: the end of the
        stream, after which the ended calls are forgotten (their arguments are not held while
        the connection stays open); a delta after it starts a new call, with a new ordinal."""
        calls = self.calls
        pending = {**calls.open, **self.reopened}
        for ordinal in sorted(pending):
            calls.end(pending[ordinal], raw, out)
        # (clear(), not new objects: an emptied dict still holds the table it grew to.)
        self.reopened.clear()
        self.by_index.clear()
        self.by_id.clear()
        self.positioned.clear()
        self.function_call = None


def _name(value: Any, what: str) -> str | None:
    """An answer string that may be absent: ``None`` and ``""`` are both "not sent"."""
    return opt_answer_str(value, what) or None


def usage_event(usage: dict[str, Any]) -> Usage:
    """Build ``Usage`` from an OpenAI-style usage object (raises ``TypeError`` for a bad one).

    ``cached_tokens`` come from ``prompt_tokens_details.cached_tokens`` (DeepSeek's
    ``prompt_cache_hit_tokens`` as a fallback), ``reasoning_tokens`` from
    ``completion_tokens_details.reasoning_tokens``, cache writes from
    ``cache_creation_input_tokens`` (Vercel's gateway), ``cost`` from routers' ``cost``.
    """
    if type(usage) is not _dict:
        raise TypeError(f"usage is {type(usage).__name__}, not an object")
    cached = sub(usage.get("prompt_tokens_details"), "cached_tokens")
    return build_usage(
        usage,
        prompt=usage.get("prompt_tokens"),
        completion=usage.get("completion_tokens"),
        total=usage.get("total_tokens"),
        cached=usage.get("prompt_cache_hit_tokens") if cached is None else cached,
        reasoning=sub(usage.get("completion_tokens_details"), "reasoning_tokens"),
        cache_write=usage.get("cache_creation_input_tokens"),
        # Routers send a number, a decimal string or an object of per-part costs.
        cost=usage.get("cost"),
    )


class OpenAIChatDialect(Dialect[SSERecord]):
    """OpenAI ``chat.completion.chunk`` streams and OpenAI-compatible servers (see module doc)."""

    name: ClassVar[str] = "openai"
    provider: ClassVar[str] = "openai"
    default_format: ClassVar[str] = "sse"
    wants_comments: ClassVar[bool] = True
    message_bytes: ClassVar[bool] = True
    finish_reasons: ClassVar[dict[str, FinishReason]] = FINISH_REASONS

    __slots__ = ("_choices", "_reader", "_short", "_started")

    def __init__(self) -> None:
        self._started = False
        self._choices: dict[int, _Choice] = {}
        self._reader: Loads = _json.loads
        self._short: Loads | None = None

    @property
    def _loads(self) -> Loads:
        """The JSON reader (``Dialect._loads``); setting it (``StreamParser(fast=True)`` does)
        also looks up the reader's bare decoder for short texts (``short_reader``)."""
        return self._reader

    @_loads.setter
    def _loads(self, loads: Loads) -> None:
        self._reader = loads
        self._short = short_reader(loads)

    @classmethod
    def claims(cls, record: Any) -> bool:
        """A chunk with ``choices``, or one that names itself ``chat.completion.chunk``."""
        value = json_of(record)
        return type(value) is _dict and (
            "choices" in value or value.get("object") == "chat.completion.chunk"
        )

    # -- records ----------------------------------------------------------------------------

    def on_record(self, record: SSERecord, out: list[Event]) -> None:
        if type(record) is SSEEvent:
            if record.type == "message":
                self.on_message(record.data, record.offset, out)
            else:
                self._on_typed_event(record, out)
        elif type(record) is SSEComment:
            out.append(keep_alive(record))
        else:  # SSERetry, or a record kind this dialect does not know
            out.append(Other(kind=type(record).__name__, raw=record))

    def on_message(self, data: str | bytes, offset: int, out: list[Event]) -> None:
        """Handle the data of a plain ``message`` event at stream *offset* (``StreamParser``
        calls this through the SSE decoder's sink; with ``fast=True``, with the data as its
        undecoded bytes: see ``message_bytes``); raise ``MalformedPayload`` for a payload
        that is not a JSON object, a shape error for a chunk of the wrong shape."""
        short = self._short
        if short is None:  # sseparse._json: data is a str
            if data == "[DONE]":
                self._on_done(data, out)
                return
            try:
                chunk = self._reader(data)
            except ValueError as exc:
                raise malformed(
                    f"payload is not valid JSON ({exc})", offset=offset, payload=data
                ) from None
        elif len(data) <= MAX_DEPTH:
            # msgspec, called bare for a text too short to nest deeper than MAX_DEPTH (from
            # its bytes: msgspec refuses what is not UTF-8); whatever it refuses ([DONE]
            # included) goes to _fallback. Measured as for the inline chunk below: 1.7% fewer
            # instructions than through the reader.
            try:
                chunk = short(data)
            except Exception:
                chunk = self._fallback(data, offset, out)
                if chunk is _DONE:
                    return
        else:
            chunk = self._fallback(data, offset, out)
            if chunk is _DONE:
                return
        if type(chunk) is not _dict:
            raise malformed("payload is not a JSON object", offset=offset, payload=data_text(data))
        if (
            self._started
            and "error" not in chunk
            and chunk.get("usage") is None
            and chunk.get("x_groq") is None
        ):
            # The common chunks, read here: one choice, not finished, whose delta is a
            # non-empty text alone or tool-call deltas alone; on_chunk would give the same
            # events (tests/test_openai_inline.py compares the two on generated chunks).
            # Subscripts double as type checks (only an object can be subscripted with
            # "delta", only a one-element list unpacks); the common chunks raise nothing.
            # Measured (CPython 3.11 instructions, callgrind, StreamParser("openai") over
            # 100 KB of bench_fragments' corpora at 1460-byte fragments, 2026-12-07, against
            # on_chunk for every chunk): 5.2% fewer on openai-text, 3.8% fewer on
            # openai-tools (reading text alone here, with a KeyError caught per tool-call
            # chunk, had cost 7% more there).
            try:
                (choice,) = chunk["choices"]
                delta = choice["delta"]
            except (KeyError, TypeError, ValueError):
                delta = None  # another shape (a usage chunk's empty choices, ...)
            if type(delta) is _dict and len(delta) == 1 and choice.get("finish_reason") is None:
                index = choice.get("index", 0)
                if type(index) is _int and index >= 0:
                    content = delta.get("content")
                    if type(content) is _str and content:
                        # Built inline from its draft, without text_delta's call: 0.992x the
                        # instructions at 1460-byte fragments, 0.995x at 64 (as above).
                        event = TextDeltaDraft()
                        event.text = content
                        event.choice = index
                        event.raw = chunk
                        event.__class__ = TextDelta
                        out.append(event)
                        return
                    calls = delta.get("tool_calls")
                    if type(calls) is _list and calls and "prompt_filter_results" not in chunk:
                        for call in calls:
                            self._tool_call(call, index, chunk, out)
                        return
        # A chunk of the wrong shape raises a shape error: StreamParser reports it at the record.
        self.on_chunk(chunk, out)

    def _fallback(self, data: str | bytes, offset: int, out: list[Event]) -> Any:
        """``on_message``'s reading of what msgspec refused bare, or of a long text: the
        chunk, or ``_DONE`` for the end marker (handled here). Raises ``MalformedPayload``
        for a payload that is not JSON."""
        text = data_text(data)  # the spec's decoding, with replacement, of bytes msgspec refused
        if text == "[DONE]":
            self._on_done(text, out)
            return _DONE
        try:
            return self._reader(text)
        except ValueError as exc:
            raise malformed(
                f"payload is not valid JSON ({exc})", offset=offset, payload=text
            ) from None

    def _on_typed_event(self, record: SSEEvent, out: list[Event]) -> None:
        """An SSE event with an ``event:`` type: ``error`` (Groq) or something unknown."""
        data = record.data
        try:
            value: Any = self._loads(data)
        except ValueError:
            value = data
        if record.type == "error":
            error = value.get("error", value) if type(value) is _dict else value
            out.append(provider_error(error, value))
        elif data == "[DONE]":
            self._on_done(data, out)
        else:
            out.append(Other(kind=record.type, raw=value))

    def _on_done(self, data: str, out: list[Event]) -> None:
        if not self.end_marker(data, out):
            out.append(Other(kind="[DONE]", raw=data))  # a second [DONE]

    # -- chunks -----------------------------------------------------------------------------

    def on_chunk(self, chunk: dict[str, Any], out: list[Event]) -> None:
        """Append the events of one parsed chunk (raises ``TypeError``/``ValueError`` for a
        chunk of the wrong shape; ``StreamParser`` reports them at the record)."""
        start = len(out)
        if not self._started:
            self._start(chunk, out)
        if "error" in chunk:
            error = chunk["error"]
            if error is not None:
                out.append(provider_error(error, chunk))
        choices = chunk.get("choices")
        if choices:
            if type(choices) is not _list:
                raise TypeError(f"choices is {type(choices).__name__}, not a list")
            for choice in choices:
                self._choice(choice, chunk, out)
        elif choices is not None and type(choices) is not _list:
            raise TypeError(f"choices is {type(choices).__name__}, not a list")
        usage = chunk.get("usage")
        if usage is None:
            x_groq = chunk.get("x_groq")
            if type(x_groq) is _dict:
                usage = x_groq.get("usage")
        if usage is not None:
            out.append(usage_event(usage))
        if len(out) == start and chunk.get("prompt_filter_results") is not None:
            out.append(Other(kind="prompt_filter_results", raw=chunk))

    def _start(self, chunk: dict[str, Any], out: list[Event]) -> None:
        id = describe_str(chunk.get("id"))
        model = describe_str(chunk.get("model"))
        if id is None and model is None:
            return
        created = describe_int(chunk.get("created")) or None  # some servers send 0
        self._started = True
        out.append(
            StreamStart(id=id, model=model, created=created, provider=self.provider, raw=chunk)
        )

    def _choice(self, choice: Any, chunk: dict[str, Any], out: list[Event]) -> None:
        if type(choice) is not _dict:
            raise TypeError(f"a choice is {type(choice).__name__}, not an object")
        index = choice.get("index", 0)
        if type(index) is not _int or index < 0:
            raise TypeError(f"choice index is {index!r}, not a natural number")
        delta = choice.get("delta")
        if delta:
            if type(delta) is not _dict:
                raise TypeError(f"delta is {type(delta).__name__}, not an object")
            content = delta.get("content")
            if len(delta) != 1:
                self._delta(delta, content, index, chunk, out)
            elif type(content) is _str:
                # The common cases first: a text delta, or tool-call deltas, alone.
                if content:
                    out.append(text_delta(content, index, chunk))
            else:
                tool_calls = delta.get("tool_calls")
                if type(tool_calls) is _list and tool_calls:
                    for call in tool_calls:
                        self._tool_call(call, index, chunk, out)
                else:
                    self._delta(delta, content, index, chunk, out)
        elif delta is not None and type(delta) is not _dict:
            raise TypeError(f"delta is {type(delta).__name__}, not an object")
        word = choice.get("finish_reason")
        if word is not None and word != "":
            end = finish(word, self.finish_reasons, raw=chunk, choice=index)
            state = self._choices.get(index)
            if state is not None:
                state.end_open(chunk, out)  # re-opened calls wait for the end of the stream
            out.append(end)

    def _delta(
        self, delta: dict[str, Any], content: Any, index: int, chunk: Any, out: list[Event]
    ) -> None:
        # Reasoning: a string under reasoning_content or reasoning; details carry the same
        # text on routers, so their texts count only when neither string did.
        said = False
        for key in ("reasoning_content", "reasoning"):
            text = delta.get(key)
            if text is not None:
                if type(text) is not _str:
                    raise TypeError(f"{key} is {type(text).__name__}, not a string")
                if text:
                    if not said:
                        out.append(reasoning_delta(text, index, chunk))
                    said = True
        details = delta.get("reasoning_details")
        if details is not None:
            self._reasoning_details(details, said, index, chunk, out)
        if content is not None:
            if type(content) is _str:
                if content:
                    out.append(text_delta(content, index, chunk))
            elif type(content) is _list:
                for part in content:
                    self.content_part(part, index, chunk, out)
            else:
                raise TypeError(f"content is {type(content).__name__}, not a string or list")
        refusal = delta.get("refusal")
        if refusal is not None:
            if type(refusal) is not _str:
                raise TypeError(f"refusal is {type(refusal).__name__}, not a string")
            if refusal:
                out.append(refusal_delta(refusal, index, chunk))
        annotations = delta.get("annotations")
        if annotations is not None:
            if type(annotations) is not _list:
                raise TypeError("annotations is not a list")
            out.extend(Citation(value=a, choice=index, raw=chunk) for a in annotations)
        tool_calls = delta.get("tool_calls")
        if tool_calls is not None:
            if type(tool_calls) is not _list:
                raise TypeError(f"tool_calls is {type(tool_calls).__name__}, not a list")
            for call in tool_calls:
                self._tool_call(call, index, chunk, out)
        function_call = delta.get("function_call")
        if function_call is not None:
            self._function_call(function_call, index, chunk, out)
        audio = delta.get("audio")
        if audio is not None:
            out.append(Other(kind="audio", raw=chunk))

    def _reasoning_details(
        self, details: Any, said: bool, index: int, chunk: Any, out: list[Event]
    ) -> None:
        if type(details) is not _list:
            raise TypeError(f"reasoning_details is {type(details).__name__}, not a list")
        for item in details:
            if type(item) is not _dict:
                raise TypeError("a reasoning_details item is not an object")
            kind = item.get("type")
            if kind == "reasoning.encrypted":
                data = _name(item.get("data"), "reasoning.encrypted data")
                if data is not None:
                    out.append(
                        ReasoningSignature(signature=data, redacted=True, choice=index, raw=chunk)
                    )
                continue
            if kind == "reasoning.text" or kind == "reasoning.summary":
                text = _name(item.get("text" if kind == "reasoning.text" else "summary"), kind)
                if text is not None and not said:
                    out.append(reasoning_delta(text, index, chunk))
            else:
                out.append(Other(kind=_str(kind), raw=chunk))
            signature = _name(item.get("signature"), "signature")
            if signature is not None:
                out.append(ReasoningSignature(signature=signature, choice=index, raw=chunk))

    def content_part(self, part: Any, index: int, chunk: Any, out: list[Event]) -> None:
        """One element of a ``content`` list (Mistral, some routers): ``text`` parts are
        text, ``thinking`` parts reasoning (a string or a list of text parts), ``reference``
        parts citations; anything else is ``Other("content.<type>")``."""
        if type(part) is not _dict:
            raise TypeError(f"a content part is {type(part).__name__}, not an object")
        kind = part.get("type")
        if kind == "text":
            text = _name(part.get("text"), "text part")
            if text is not None:
                out.append(text_delta(text, index, chunk))
        elif kind == "thinking":
            thinking = part.get("thinking")
            if type(thinking) is _list:
                for inner in thinking:
                    if type(inner) is not _dict:
                        raise TypeError("a thinking part is not an object")
                    if inner.get("type", "text") == "text":
                        text = _name(inner.get("text"), "thinking text")
                        if text is not None:
                            out.append(reasoning_delta(text, index, chunk))
                    elif inner.get("type") == "reference":
                        out.append(Citation(value=inner, choice=index, raw=chunk))
                    else:
                        out.append(Other(kind=f"thinking.{inner.get('type')}", raw=chunk))
            else:
                text = _name(thinking, "thinking")
                if text is not None:
                    out.append(reasoning_delta(text, index, chunk))
        elif kind == "reference":
            out.append(Citation(value=part, choice=index, raw=chunk))
        else:
            out.append(Other(kind=f"content.{kind}", raw=chunk))

    # -- tool calls ---------------------------------------------------------------------------

    def _state(self, index: int) -> _Choice:
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice(index)
        return state

    def _tool_call(self, call: Any, index: int, chunk: Any, out: list[Event]) -> None:
        if type(call) is not _dict:
            raise TypeError(f"a tool call is {type(call).__name__}, not an object")
        if len(call) == 2:
            # The common case first: {"index": i, "function": {"arguments": "…"}} for a call
            # already known by that index — the general rules below decide the same.
            function = call.get("function")
            if type(function) is _dict and len(function) == 1:
                arguments = function.get("arguments")
                position = call.get("index")
                state = self._choices.get(index)
                if type(arguments) is _str and type(position) is _int and state is not None:
                    known = state.by_index.get(position)
                    if known is not None:
                        state.touch(known)
                        if arguments:
                            known.parts.append(arguments)
                            out.append(tool_call_delta(known.ordinal, arguments, index, chunk))
                        return
        function = call.get("function")
        args_key = "arguments"
        if function is None:
            custom = call.get("custom")  # a custom tool: {"name", "input"}
            if type(custom) is _dict:
                function, args_key = custom, "input"
            else:
                function = {}
        elif type(function) is not _dict:
            raise TypeError(f"function is {type(function).__name__}, not an object")
        position = call.get("index")
        if position is not None and (type(position) is not _int or position < 0):
            raise TypeError(f"tool call index is {position!r}, not a natural number")
        id = describe_str(call.get("id"))
        name = _name(function.get("name"), "function name")
        arguments = _arguments(function.get(args_key))
        state = self._state(index)
        target: Call | None = None
        if position is not None:
            target = state.by_index.get(position)
            if target is not None and id is not None and target.id is not None and target.id != id:
                target = None  # same index, another id: a new call (buggy servers reuse 0)
            if target is None and id is not None:
                # An id seen before, but only on a call that came without an index.
                known = state.by_id.get(id)
                if known is not None and known.ordinal not in state.positioned:
                    target = known
        elif id is not None:
            target = state.by_id.get(id)
        if target is None and position is None and id is None:
            latest = state.calls.latest
            if latest is not None and latest.open and not (name and latest.name):
                target = latest
        if target is None:
            target = state.new_call(id, name, chunk, out)
            if position is not None:
                state.positioned[target.ordinal] = None
                state.by_index[position] = target
        else:
            if position is not None:
                state.positioned[target.ordinal] = None
                state.by_index[position] = target
            if id is not None and target.id is None:
                target.id = id
                state.by_id[id] = target
            if name is not None and target.name is None:
                target.name = name
            state.touch(target)
        if arguments:
            target.parts.append(arguments)
            out.append(tool_call_delta(target.ordinal, arguments, index, chunk))

    def _function_call(self, fc: Any, index: int, chunk: Any, out: list[Event]) -> None:
        """Legacy ``delta.function_call``: one call per choice, name first, then arguments."""
        if type(fc) is not _dict:
            raise TypeError(f"function_call is {type(fc).__name__}, not an object")
        name = _name(fc.get("name"), "function_call name")
        arguments = _arguments(fc.get("arguments"))
        state = self._state(index)
        call = state.function_call
        if call is None:
            call = state.function_call = state.new_call(None, name, chunk, out)
        else:
            if name is not None and call.name is None:
                call.name = name
            state.touch(call)
        if arguments:
            call.parts.append(arguments)
            out.append(tool_call_delta(call.ordinal, arguments, index, chunk))

    def close_calls(self, raw: Any, out: list[Event]) -> None:
        """``ToolCallEnd`` for the open calls of every choice, re-opened ones included (the
        end of the stream: ``[DONE]`` or end of input)."""
        for index in sorted(self._choices):
            self._choices[index].end_all(raw, out)


def _arguments(value: Any) -> str:
    """A function's ``arguments``: a string fragment; an object or array (a whole call from a
    lenient server) is re-serialized as JSON text."""
    if value is None:
        return ""
    if type(value) is _str:
        return value
    if type(value) is _dict or type(value) is _list:
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"arguments is {type(value).__name__}, not a string")
