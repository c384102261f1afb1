"""Typed events → Anthropic Messages SSE (what Claude clients and coding agents read).

Theory of operation. ``message_start`` is written before the first content block, with the
metadata from the constructor or the stream's ``StreamStart`` (``""`` when unknown). Content
blocks are numbered in order of appearance; one text or thinking block is open at a time
(a change of kind stops it), tool-use blocks stay open until their ``ToolCallEnd``:

================================  ==========================================================
event                             written
================================  ==========================================================
``TextDelta`` / ``RefusalDelta``  ``text_delta`` in a ``text`` block (Anthropic has no
                                  separate refusal text: a refusal is said in text)
``ReasoningDelta``                ``thinking_delta`` in a ``thinking`` block
``ReasoningSignature``            ``signature_delta`` ending the thinking block; a redacted
                                  one is a ``redacted_thinking`` block of its own
``ToolCallStart`` (client)        ``content_block_start`` of a ``tool_use`` block (once the
                                  name is known, else with the first fragment)
``ToolCallDelta`` (client)        ``input_json_delta``
``ToolCallEnd`` (client)          the rest of the input, if the fragments were a prefix;
                                  ``content_block_stop``
``Finish``                        stops the open blocks; its ``stop_reason`` is written by
                                  ``close()`` in ``message_delta``
``ProviderError``                 ``event: error`` ``{"type": "error", "error": {…}}``
``KeepAlive``                     ``event: ping``
================================  ==========================================================

Anthropic Messages has one answer: events of other choices (``choice > 0``) are not
written. Server-executed tools and their results, citations, ``Other`` and ``Malformed``
are not written. ``close()`` stops what is open and writes ``message_delta`` (stop reason and
the last ``Usage``, converted to Anthropic's exclusive meaning: ``input_tokens`` without cache
reads and writes) and ``message_stop`` — the latter only when the source ended cleanly.
"""

from __future__ import annotations

from typing import Any

from .._formats import anthropic_stop_reason
from ..errors import UsageError
from ..events import (
    Done,
    Event,
    Finish,
    KeepAlive,
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
from ._transcoder import Call, Transcoder
from .sse import dumps

__all__ = ["AnthropicMessagesEncoder"]

_PING = b'event: ping\ndata: {"type":"ping"}\n\n'


def _record(kind: str, body: dict[str, Any]) -> bytes:
    return b"event: " + kind.encode("ascii") + b"\ndata: " + dumps(body).encode("utf-8") + b"\n\n"


def _usage(usage: Usage | None) -> dict[str, Any]:
    if usage is None:
        return {"input_tokens": 0, "output_tokens": 0}
    cached = usage.cached_tokens or 0
    written = usage.cache_write_tokens or 0
    out: dict[str, Any] = {
        "input_tokens": max((usage.prompt_tokens or 0) - cached - written, 0),
        "output_tokens": usage.completion_tokens or 0,
    }
    if usage.cached_tokens is not None:
        out["cache_read_input_tokens"] = usage.cached_tokens
    if usage.cache_write_tokens is not None:
        out["cache_creation_input_tokens"] = usage.cache_write_tokens
    return out


class AnthropicMessagesEncoder:
    """Write typed events as Anthropic Messages SSE, as they arrive.

    ``encode(event)`` returns the bytes that event completes (often ``b""``), ``close()``
    what is still owed: the open blocks' ``content_block_stop``, ``message_delta`` and, when
    the source ended cleanly, ``message_stop``. *id* and *model* override the stream's own.

    Raises ``UsageError`` for a bad argument, a non-event, ``encode`` after ``close``, or a
    value JSON cannot carry.
    """

    __slots__ = ("_blocks", "_calls", "_flow", "_stop_reason", "_t")

    def __init__(self, *, id: str | None = None, model: str | None = None) -> None:
        self._t = Transcoder("AnthropicMessagesEncoder", id, model)
        self._blocks = 0
        self._flow: tuple[str, int] | None = None  # the open text or thinking block
        self._calls: dict[int, Call] = {}
        self._stop_reason: str | None = None

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._t.closed

    def _begin(self) -> bytes:
        t = self._t
        if t._started:
            return b""
        t._started = True
        message: dict[str, Any] = {
            "id": t._id or "",
            "type": "message",
            "role": "assistant",
            "model": t._model or "",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": _usage(t._usage),
        }
        return _record("message_start", {"type": "message_start", "message": message})

    def _open(self, block: dict[str, Any]) -> tuple[bytes, int]:
        index = self._blocks
        self._blocks += 1
        body = {"type": "content_block_start", "index": index, "content_block": block}
        return self._begin() + _record("content_block_start", body), index

    @staticmethod
    def _stop(index: int) -> bytes:
        return _record("content_block_stop", {"type": "content_block_stop", "index": index})

    @staticmethod
    def _delta(index: int, delta: dict[str, Any]) -> bytes:
        body = {"type": "content_block_delta", "index": index, "delta": delta}
        return _record("content_block_delta", body)

    def _end_flow(self) -> bytes:
        flow, self._flow = self._flow, None
        return b"" if flow is None else self._stop(flow[1])

    def _flow_block(self, kind: str) -> tuple[bytes, int]:
        """The open block of *kind* (``text`` or ``thinking``), opened if need be."""
        if self._flow is not None and self._flow[0] == kind:
            return b"", self._flow[1]
        out = self._end_flow()
        block: dict[str, Any] = (
            {"type": "text", "text": ""}
            if kind == "text"
            else {"type": "thinking", "thinking": "", "signature": ""}
        )
        opened, index = self._open(block)
        self._flow = (kind, index)
        return out + opened, index

    def _text(self, kind: str, text: str) -> bytes:
        out, index = self._flow_block(kind)
        delta = (
            {"type": "text_delta", "text": text}
            if kind == "text"
            else {
                "type": "thinking_delta",
                "thinking": text,
            }
        )
        return out + self._delta(index, delta)

    def _signature(self, event: ReasoningSignature) -> bytes:
        if event.redacted:
            out = self._end_flow()
            opened, index = self._open({"type": "redacted_thinking", "data": event.signature})
            return out + opened + self._stop(index)
        out, index = self._flow_block("thinking")
        delta = {"type": "signature_delta", "signature": event.signature}
        return out + self._delta(index, delta) + self._end_flow()

    def _tool(self, index: int, arguments: str) -> bytes:
        """Input for tool call *index*: its block opened on first write, then *arguments*."""
        call = self._calls[index]
        out = b""
        if not call.header:
            call.header = True
            out = self._end_flow()
            block = {"type": "tool_use", "id": call.id or "", "name": call.name or "", "input": {}}
            opened, call.out = self._open(block)
            out += opened
        if arguments:
            if call.stopped:
                raise UsageError(f"tool call {index}: arguments after its block was stopped")
            call.sent.append(arguments)
            out += self._delta(call.out, {"type": "input_json_delta", "partial_json": arguments})
        return out

    def _call(self, index: int, id: str | None, name: str | None) -> Call:
        call = self._calls.get(index)
        if call is None:
            call = self._calls[index] = Call(-1)
        call.id = call.id or id
        call.name = call.name or name
        return call

    def _stop_all(self) -> bytes:
        out = [self._end_flow()]
        for call in self._calls.values():
            if call.header and not call.stopped:
                call.stopped = True
                out.append(self._stop(call.out))
        return b"".join(out)

    def encode(self, event: Event) -> bytes:
        """The SSE bytes *event* completes (possibly ``b""``).

        Raises ``UsageError`` for a non-event, after ``close()``, or for tool-call arguments
        after that call's ``ToolCallEnd`` or the ``Finish`` (its block is already stopped).
        """
        t = self._t
        t._check(event)
        if getattr(event, "choice", 0) != 0:
            return b""  # one answer in this format
        if isinstance(event, (TextDelta, RefusalDelta)):
            return self._text("text", event.text)
        if isinstance(event, ReasoningDelta):
            return self._text("thinking", event.text)
        if isinstance(event, ReasoningSignature):
            return self._signature(event)
        if isinstance(event, ToolCallStart):
            if t._is_server(0, event.index, event.kind):
                return b""
            call = self._call(event.index, event.id, event.name)
            return b"" if call.header or call.name is None else self._tool(event.index, "")
        if isinstance(event, ToolCallDelta):
            if t._is_server(0, event.index) or not event.arguments:
                return b""
            self._call(event.index, None, None)
            return self._tool(event.index, event.arguments)
        if isinstance(event, ToolCallEnd):
            if t._is_server(0, event.index, event.kind):
                return b""
            call = self._call(event.index, event.id, event.name)
            rest = call.remainder(event.arguments) if call.header else event.arguments
            out = self._tool(event.index, rest)
            if not call.stopped:
                call.stopped = True
                out += self._stop(call.out)
            return out
        if isinstance(event, Finish):
            self._stop_reason = self._stop_reason or anthropic_stop_reason(
                event.reason, event.raw_reason
            )
            return self._stop_all()
        if isinstance(event, Usage):
            t._usage = event
        elif isinstance(event, ProviderError):
            error = {"type": event.type or "api_error", "message": event.message}
            return _record("error", {"type": "error", "error": error})
        elif isinstance(event, KeepAlive):
            return _PING
        elif isinstance(event, StreamStart):
            t._start(event)
        elif isinstance(event, Done):
            t._clean = event.clean if t._clean is None else (t._clean and event.clean)
        # ServerToolResult, Citation, Other, Malformed: not in this format.
        return b""

    def close(self) -> bytes:
        """End of the source: stop the open blocks, write ``message_delta`` (stop reason and
        usage) and, if the source ended with ``Done(clean=True)``, ``message_stop``. Nothing
        when nothing was written and the source did not end cleanly. Idempotent: a second
        call returns ``b""``.

        Raises ``UsageError`` for usage counts JSON cannot carry.
        """
        t = self._t
        if not t._close():
            return b""
        if not t._started and not t._clean:
            return b""
        out = self._begin() + self._stop_all()
        delta = {
            "type": "message_delta",
            "delta": {"stop_reason": self._stop_reason, "stop_sequence": None},
            "usage": _usage(t._usage),
        }
        out += _record("message_delta", delta)
        if t._clean:
            out += _record("message_stop", {"type": "message_stop"})
        return out
