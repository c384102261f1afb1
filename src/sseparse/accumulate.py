"""Fold events into final messages (DESIGN §5).

``Accumulator`` takes the events of any dialect, one by one (``add``) or in batches
(``feed``), and keeps one ``Message`` per choice. Text is collected as a list of pieces joined
when read, so accumulating is linear in the size of the answer however it was split.

Nothing is hidden: provider errors are kept in ``errors``, unmapped records in ``others``,
reasoning signatures on their message, and ``done``/``clean`` say how the stream ended.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
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
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)

__all__ = ["Accumulator", "Message", "ToolCall"]

_OPENAI_FINISH = frozenset({"stop", "length", "tool_calls", "content_filter", "function_call"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCall:
    """A tool call as far as it has streamed.

    ``arguments`` is the whole string received; ``parsed`` its JSON value, or ``None`` while it
    is incomplete or when it is not valid JSON; ``complete`` says whether ``ToolCallEnd`` was
    seen. ``kind`` is ``"function"`` (the client runs it) or ``"server"`` (the provider did).
    """

    index: int
    id: str | None
    name: str | None
    arguments: str
    parsed: Any = None
    kind: str = "function"
    complete: bool = False


class _CallState:
    __slots__ = ("args", "complete", "id", "kind", "name")

    def __init__(self) -> None:
        self.id: str | None = None
        self.name: str | None = None
        self.kind = "function"
        self.args: list[str] = []
        self.complete = False


def _joined(parts: list[str]) -> str:
    """Join *parts* and keep the result as the only piece (so a second read is free)."""
    if len(parts) == 1:
        return parts[0]
    text = "".join(parts)
    parts[:] = [text] if text else []
    return text


def _parse(arguments: str) -> Any:
    if not arguments:
        return {}  # a call without arguments takes none (one end policy, issue 9)
    try:
        return json.loads(arguments)
    except (ValueError, RecursionError):
        return None


class Message:
    """The answer of one choice, as far as it has streamed.

    Strings are ``""`` when nothing arrived; ``finish_reason`` is ``None`` until a ``Finish``
    event (``finish_reason_raw`` is the provider's own word). ``id``, ``model``, ``created``,
    ``provider`` and ``usage`` are the response's, shared by every choice.
    """

    __slots__ = (
        "_acc",
        "_calls",
        "_reasoning",
        "_refusal",
        "_text",
        "choice",
        "citations",
        "finish_reason",
        "finish_reason_raw",
        "reasoning_signatures",
    )

    def __init__(self, acc: Accumulator, choice: int) -> None:
        self._acc = acc
        self.choice = choice
        self._text: list[str] = []
        self._refusal: list[str] = []
        self._reasoning: list[str] = []
        self._calls: dict[int, _CallState] = {}
        self.reasoning_signatures: list[ReasoningSignature] = []
        self.citations: list[Any] = []
        self.finish_reason: FinishReason | None = None
        self.finish_reason_raw: str | None = None

    @property
    def text(self) -> str:
        """The answer text."""
        return _joined(self._text)

    @property
    def refusal(self) -> str:
        """The refusal text (OpenAI ``refusal``), ``""`` if none."""
        return _joined(self._refusal)

    @property
    def reasoning(self) -> str:
        """The reasoning / thinking text, ``""`` if none."""
        return _joined(self._reasoning)

    @property
    def tool_calls(self) -> list[ToolCall]:
        """The tool calls, by their ordinal ``index``."""
        calls = []
        for index in sorted(self._calls):
            state = self._calls[index]
            arguments = _joined(state.args)
            calls.append(
                ToolCall(
                    index=index,
                    id=state.id,
                    name=state.name,
                    arguments=arguments,
                    parsed=_parse(arguments),
                    kind=state.kind,
                    complete=state.complete,
                )
            )
        return calls

    @property
    def id(self) -> str | None:
        return self._acc.id

    @property
    def model(self) -> str | None:
        return self._acc.model

    @property
    def created(self) -> int | None:
        return self._acc.created

    @property
    def provider(self) -> str | None:
        return self._acc.provider

    @property
    def usage(self) -> Usage | None:
        return self._acc.usage

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of this message (tool calls with their parsed arguments)."""
        return {
            "choice": self.choice,
            "text": self.text,
            "refusal": self.refusal,
            "reasoning": self.reasoning,
            "reasoning_signatures": [
                {"signature": s.signature, "redacted": s.redacted}
                for s in self.reasoning_signatures
            ],
            "tool_calls": [
                {
                    "index": c.index,
                    "id": c.id,
                    "name": c.name,
                    "arguments": c.arguments,
                    "parsed": c.parsed,
                    "kind": c.kind,
                    "complete": c.complete,
                }
                for c in self.tool_calls
            ],
            "citations": self.citations,
            "finish_reason": self.finish_reason,
            "finish_reason_raw": self.finish_reason_raw,
        }

    def __repr__(self) -> str:
        return (
            f"Message(choice={self.choice}, text={self.text!r}, refusal={self.refusal!r}, "
            f"reasoning={self.reasoning!r}, tool_calls={self.tool_calls!r}, "
            f"finish_reason={self.finish_reason!r})"
        )

    def _call(self, index: int) -> _CallState:
        state = self._calls.get(index)
        if state is None:
            state = self._calls[index] = _CallState()
        return state


def _usage_dict(usage: Usage) -> dict[str, Any]:
    prompt = usage.prompt_tokens or 0
    completion = usage.completion_tokens or 0
    total = usage.total_tokens if usage.total_tokens is not None else prompt + completion
    out: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": total,
    }
    if usage.cached_tokens is not None:
        out["prompt_tokens_details"] = {"cached_tokens": usage.cached_tokens}
    if usage.reasoning_tokens is not None:
        out["completion_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    return out


class Accumulator:
    """Folds a stream's events into one ``Message`` per choice.

    ``add(event)`` / ``feed(events)``; read ``messages`` (indexed by choice), ``message``
    (choice 0), ``usage`` (the last snapshot), ``errors`` (``ProviderError`` events),
    ``others`` (``Other`` events), ``malformed`` (``Malformed`` events: records the dialect
    could not fully interpret), ``done``/``clean`` (whether, and how, the stream ended),
    and ``to_openai()`` for an OpenAI ``chat.completion`` dict. Never raises for an event;
    ``UsageError`` for anything else.
    """

    __slots__ = (
        "_dispatch",
        "_messages",
        "clean",
        "created",
        "done",
        "errors",
        "id",
        "keepalives",
        "malformed",
        "model",
        "others",
        "provider",
        "usage",
    )

    def __init__(self) -> None:
        self._messages: list[Message] = []
        self.id: str | None = None
        self.model: str | None = None
        self.created: int | None = None
        self.provider: str | None = None
        self.usage: Usage | None = None
        self.errors: list[ProviderError] = []
        self.others: list[Other] = []
        self.malformed: list[Malformed] = []
        self.keepalives = 0
        self.done = False
        self.clean: bool | None = None
        self._dispatch: dict[type, Any] = {
            TextDelta: self._text,
            ReasoningDelta: self._reasoning,
            RefusalDelta: self._refusal,
            ToolCallDelta: self._tool_delta,
            ToolCallStart: self._tool_start,
            ToolCallEnd: self._tool_end,
            Finish: self._finish,
            Usage: self._usage,
            StreamStart: self._start,
            ReasoningSignature: self._signature,
            Citation: self._citation,
            ProviderError: self.errors.append,
            Other: self.others.append,
            Malformed: self.malformed.append,
            KeepAlive: self._keepalive,
            Done: self._done,
        }

    # -- input ------------------------------------------------------------------------------

    def add(self, event: Event) -> None:
        """Fold one event in; ``UsageError`` if *event* is not one of ``sseparse.events``."""
        try:
            handler = self._dispatch[type(event)]
        except KeyError:
            raise UsageError(f"not an sseparse event: {event!r}") from None
        handler(event)

    def feed(self, events: Iterable[Event]) -> None:
        """Fold every event of *events* in, in order (``UsageError`` for a non-event)."""
        dispatch = self._dispatch
        for event in events:
            try:
                handler = dispatch[type(event)]
            except KeyError:
                raise UsageError(f"not an sseparse event: {event!r}") from None
            handler(event)

    def _get(self, choice: int) -> Message:
        messages = self._messages
        while len(messages) <= choice:
            messages.append(Message(self, len(messages)))
        return messages[choice]

    def _text(self, event: TextDelta) -> None:
        self._get(event.choice)._text.append(event.text)

    def _reasoning(self, event: ReasoningDelta) -> None:
        self._get(event.choice)._reasoning.append(event.text)

    def _refusal(self, event: RefusalDelta) -> None:
        self._get(event.choice)._refusal.append(event.text)

    def _signature(self, event: ReasoningSignature) -> None:
        self._get(event.choice).reasoning_signatures.append(event)

    def _citation(self, event: Citation) -> None:
        self._get(event.choice).citations.append(event.value)

    def _tool_start(self, event: ToolCallStart) -> None:
        state = self._get(event.choice)._call(event.index)
        if event.id:
            state.id = event.id
        if event.name:
            state.name = event.name
        state.kind = event.kind

    def _tool_delta(self, event: ToolCallDelta) -> None:
        self._get(event.choice)._call(event.index).args.append(event.arguments)

    def _tool_end(self, event: ToolCallEnd) -> None:
        state = self._get(event.choice)._call(event.index)
        if event.id:
            state.id = event.id
        if event.name:
            state.name = event.name
        state.kind = event.kind
        state.args[:] = [event.arguments] if event.arguments else []
        state.complete = True

    def _finish(self, event: Finish) -> None:
        message = self._get(event.choice)
        message.finish_reason = event.reason
        message.finish_reason_raw = event.raw_reason

    def _usage(self, event: Usage) -> None:
        self.usage = event

    def _start(self, event: StreamStart) -> None:
        self.id = self.id or event.id
        self.model = self.model or event.model
        self.created = self.created or event.created
        self.provider = self.provider or event.provider

    def _keepalive(self, event: KeepAlive) -> None:
        self.keepalives += 1

    def _done(self, event: Done) -> None:
        self.done = True
        self.clean = event.clean if self.clean is None else (self.clean and event.clean)

    # -- output -----------------------------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        """One message per choice seen, indexed by choice (a copy of the list)."""
        return list(self._messages)

    @property
    def message(self) -> Message:
        """Choice 0's message (an empty one if nothing has arrived yet)."""
        return self._messages[0] if self._messages else Message(self, 0)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: metadata, every message, usage, errors and how it ended."""
        usage = self.usage
        return {
            "id": self.id,
            "model": self.model,
            "created": self.created,
            "provider": self.provider,
            "messages": [m.to_dict() for m in self._messages],
            "usage": None
            if usage is None
            else {
                "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens,
                "total_tokens": usage.total_tokens,
                "cached_tokens": usage.cached_tokens,
                "reasoning_tokens": usage.reasoning_tokens,
                "cache_write_tokens": usage.cache_write_tokens,
                "cost": usage.cost,
            },
            "errors": [{"message": e.message, "type": e.type, "code": e.code} for e in self.errors],
            "malformed": [{"message": m.message, "offset": m.offset} for m in self.malformed],
            "done": self.done,
            "clean": self.clean,
        }

    def to_openai(self) -> dict[str, Any]:
        """Render an OpenAI ``chat.completion`` dict.

        ``content`` and ``refusal`` are ``None`` when empty; reasoning, when present, goes in
        the message's ``reasoning_content`` (DeepSeek's name); every tool call is rendered as a
        ``function`` tool call; ``finish_reason`` is the provider's word when it is an OpenAI
        one, else the normalized reason; ``usage`` is present when a snapshot arrived.
        """
        choices = []
        for message in self._messages:
            body: dict[str, Any] = {
                "role": "assistant",
                "content": message.text or None,
                "refusal": message.refusal or None,
            }
            reasoning = message.reasoning
            if reasoning:
                body["reasoning_content"] = reasoning
            calls = message.tool_calls
            if calls:
                body["tool_calls"] = [
                    {
                        "index": c.index,
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": c.arguments},
                    }
                    for c in calls
                ]
            raw = message.finish_reason_raw
            finish = raw if raw in _OPENAI_FINISH else message.finish_reason
            if finish in ("other", "error") and raw:
                finish = raw
            choices.append(
                {
                    "index": message.choice,
                    "message": body,
                    "finish_reason": finish,
                    "logprobs": None,
                }
            )
        result: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created or 0,
            "model": self.model,
            "choices": choices,
        }
        if self.usage is not None:
            result["usage"] = _usage_dict(self.usage)
        return result
