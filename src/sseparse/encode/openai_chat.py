"""Typed events → OpenAI ``chat.completion.chunk`` SSE (what OpenAI clients read).

Theory of operation. Metadata (``id``, ``model``, ``created``) is taken from the constructor,
else from the stream's ``StreamStart``; it is fixed when the first chunk is written (until
then a later ``StreamStart`` may fill what is missing; unknown values are written as ``""``
and ``0``, so every chunk validates as the SDK's ``ChatCompletionChunk``). Each choice gets a
role chunk before its first content. Then, as each event arrives:

================================  ==========================================================
event                             written
================================  ==========================================================
``TextDelta``                     ``delta.content``
``ReasoningDelta``                ``delta.reasoning_content`` (DeepSeek's and the routers'
                                  field)
``RefusalDelta``                  ``delta.refusal``
``ToolCallStart`` (client)        ``delta.tool_calls[{index, id, type, function.name}]``,
                                  once the name is known (else with the first fragment)
``ToolCallDelta`` (client)        ``function.arguments`` fragments
``ToolCallEnd`` (client)          the rest of the arguments, if the fragments were a prefix
``Finish``                        one ``finish_reason`` per choice (the first one)
``ProviderError``                 ``data: {"error": {"message", "type", "code"}}``
``KeepAlive``                     an SSE comment (idle timers downstream keep working)
``Usage``                         kept; written by ``close()`` as a chunk with
                                  ``choices: []`` when ``include_usage``
================================  ==========================================================

Server-executed tools (``ToolCallStart.kind == "server"``) and their results, reasoning
signatures, citations, ``Other`` and ``Malformed`` have no place in this format and are not
written. Tool calls are numbered in the output by order of appearance among the choice's
client calls. ``close()`` writes the usage chunk and then ``data: [DONE]`` — only when the
source ended cleanly (``Done(clean=True)``), so a client can tell a cut stream from a
complete one, exactly as it could from the source.
"""

from __future__ import annotations

from typing import Any

from .._formats import openai_finish_reason, usage_dict
from ..errors import UsageError
from ..events import (
    Done,
    Event,
    Finish,
    KeepAlive,
    ProviderError,
    ReasoningDelta,
    RefusalDelta,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from ._transcoder import Call, Transcoder
from .sse import dumps

__all__ = ["OpenAIChatEncoder"]

_DONE = b"data: [DONE]\n\n"
_KEEPALIVE = b": keep-alive\n\n"


class _Choice:
    __slots__ = ("calls", "finished")

    def __init__(self) -> None:
        self.calls: dict[int, Call] = {}
        self.finished = False


class OpenAIChatEncoder:
    """Write typed events as OpenAI ``chat.completion.chunk`` SSE, as they arrive.

    ``encode(event)`` returns the bytes that event completes (often ``b""``), ``close()`` what
    is still owed, then ``data: [DONE]`` when the source ended cleanly. *id*, *model* and
    *created* override the stream's own; with *include_usage* false no usage chunk is written.

    Raises ``UsageError`` for a bad argument, a non-event, ``encode`` after ``close``, or a
    value JSON cannot carry (an int past the interpreter's digit limit).
    """

    __slots__ = ("_choices", "_created", "_include_usage", "_t")

    def __init__(
        self,
        *,
        id: str | None = None,
        model: str | None = None,
        created: int | None = None,
        include_usage: bool = True,
    ) -> None:
        self._t = Transcoder("OpenAIChatEncoder", id, model)
        if created is not None and (isinstance(created, bool) or not isinstance(created, int)):
            raise UsageError(f"OpenAIChatEncoder: created must be an int or None: {created!r}")
        self._created = created
        self._include_usage = bool(include_usage)
        self._choices: dict[int, _Choice] = {}

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._t.closed

    def _chunk(self, choice: int, delta: dict[str, Any], finish: str | None = None) -> bytes:
        t = self._t
        if not t._started:
            t._started = True
            self._created = self._created or 0
        out = []
        state = self._choices.get(choice)
        if state is None:
            state = self._choices[choice] = _Choice()
            out.append(self._record([self._part(choice, {"role": "assistant", "content": ""})]))
        if delta or finish is not None:
            out.append(self._record([self._part(choice, delta, finish)]))
        return b"".join(out)

    @staticmethod
    def _part(choice: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"index": choice, "delta": delta, "logprobs": None, "finish_reason": finish}

    def _record(self, choices: list[dict[str, Any]], **extra: Any) -> bytes:
        t = self._t
        body = {
            "id": t._id or "",
            "object": "chat.completion.chunk",
            "created": self._created or 0,
            "model": t._model or "",
            "choices": choices,
            **extra,
        }
        return b"data: " + dumps(body).encode("utf-8") + b"\n\n"

    def _call(self, choice: int, index: int) -> Call:
        calls = self._choices[choice].calls  # the choice exists: its role chunk came first
        call = calls.get(index)
        if call is None:
            call = calls[index] = Call(len(calls))
        return call

    def _named(self, event: ToolCallStart | ToolCallEnd) -> tuple[bytes, Call]:
        """The choice's role chunk (when it is new) and the event's call, with the id and
        name the event brings if the call had none yet."""
        head = self._chunk(event.choice, {})
        call = self._call(event.choice, event.index)
        call.id = call.id or event.id
        call.name = call.name or event.name
        return head, call

    def _tool(self, choice: int, index: int, arguments: str) -> bytes:
        """A tool-call delta: the header on first write, then *arguments* (may be empty)."""
        head = self._chunk(choice, {})  # the choice's role chunk, when it is new
        call = self._call(choice, index)
        entry: dict[str, Any] = {"index": call.out}
        if not call.header:
            call.header = True
            entry["id"] = call.id or ""
            entry["type"] = "function"
            entry["function"] = {"name": call.name or "", "arguments": arguments}
        elif arguments:
            entry["function"] = {"arguments": arguments}
        else:
            return head
        if arguments:
            if call.stopped:
                raise UsageError(f"tool call {index}: arguments after its ToolCallEnd")
            call.sent.append(arguments)
        return head + self._chunk(choice, {"tool_calls": [entry]})

    def encode(self, event: Event) -> bytes:
        """The SSE bytes *event* completes (possibly ``b""``).

        Raises ``UsageError`` for a non-event, after ``close()``, or for tool-call arguments
        after that call's ``ToolCallEnd``.
        """
        t = self._t
        t._check(event)
        if isinstance(event, TextDelta):
            return self._chunk(event.choice, {"content": event.text})
        if isinstance(event, ReasoningDelta):
            return self._chunk(event.choice, {"reasoning_content": event.text})
        if isinstance(event, RefusalDelta):
            return self._chunk(event.choice, {"refusal": event.text})
        if isinstance(event, ToolCallStart):
            if t._is_server(event.choice, event.index, event.kind):
                return b""
            head, call = self._named(event)
            if call.header or call.name is None:
                return head
            return head + self._tool(event.choice, event.index, "")
        if isinstance(event, ToolCallDelta):
            if t._is_server(event.choice, event.index) or not event.arguments:
                return b""
            return self._tool(event.choice, event.index, event.arguments)
        if isinstance(event, ToolCallEnd):
            if t._is_server(event.choice, event.index, event.kind):
                return b""
            head, call = self._named(event)
            rest = call.remainder(event.arguments) if call.header else event.arguments
            out = head + self._tool(event.choice, event.index, rest)
            call.stopped = True
            return out
        if isinstance(event, Finish):
            state = self._choices.get(event.choice)
            if state is not None and state.finished:
                return b""
            out = self._chunk(
                event.choice, {}, openai_finish_reason(event.reason, event.raw_reason)
            )
            self._choices[event.choice].finished = True
            return out
        if isinstance(event, Usage):
            t._usage = event
        elif isinstance(event, ProviderError):
            error = {"message": event.message, "type": event.type, "code": event.code}
            return b"data: " + dumps({"error": error}).encode("utf-8") + b"\n\n"
        elif isinstance(event, KeepAlive):
            return _KEEPALIVE
        elif isinstance(event, StreamStart):
            if not t._started and self._created is None:
                self._created = event.created
            t._start(event)
        elif isinstance(event, Done):
            t._clean = event.clean if t._clean is None else (t._clean and event.clean)
        # ReasoningSignature, ServerToolResult, Citation, Other, Malformed: not in this format.
        return b""

    def close(self) -> bytes:
        """End of the source: the usage chunk (when *include_usage* and a ``Usage`` arrived),
        then ``data: [DONE]`` if the source ended with ``Done(clean=True)``. Idempotent: a
        second call returns ``b""``.

        Raises ``UsageError`` for usage counts JSON cannot carry.
        """
        t = self._t
        if not t._close():
            return b""
        out = b""
        if self._include_usage and t._usage is not None:
            t._started = True
            out = self._record([], usage=usage_dict(t._usage))
        return out + (_DONE if t._clean else b"")
