"""Fold events into final messages (DESIGN §5).

``Accumulator`` takes the events of any dialect, one by one (``add``) or in batches
(``feed``), and keeps one ``Message`` per choice. Text is collected as a list of pieces joined
when read, so accumulating is linear in the size of the answer however it was split.

Nothing is hidden: provider errors are kept in ``errors``, unmapped records in ``others``,
reasoning signatures on their message, and ``done``/``clean`` say how the stream ended.

Server-executed tools (web search, code execution: ``ToolCallStart(kind="server")`` and
``ServerToolResult``) are not the client's to run, so they are kept apart from
``Message.tool_calls``: ``Message.server_tool_calls`` holds each such call with its results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from heapq import heappop, heappush
from typing import Any

from ._formats import openai_finish_reason, usage_dict
from ._json import loads
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
    ServerToolResult,
    StreamStart,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from .partial import PartialJSON

__all__ = ["Accumulator", "Message", "ServerToolCall", "ToolCall"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCall:
    """A tool call as far as it has streamed.

    ``arguments`` is the whole string received; ``parsed`` its JSON value (``{}`` for an empty
    string: a call without arguments), or ``None`` while it is incomplete or when it is not
    valid JSON; ``partial`` the arguments read so far while they stream (``PartialJSON``'s
    reading: strings up to their last character, nothing unfinished; not part of equality);
    ``complete`` says whether ``ToolCallEnd`` was seen. ``kind`` is ``"function"`` (the
    client runs it) or ``"server"`` (the provider did).
    """

    index: int
    id: str | None
    name: str | None
    arguments: str
    parsed: Any = None
    kind: str = "function"
    complete: bool = False
    partial: Any = field(default=None, compare=False)


class _PartialReading:
    """A ``PartialJSON`` over a text that only grows, fed when read: each reading feeds only
    what arrived since the last one, so reading after every delta costs linear time in all
    (plus the reading itself), and nothing is parsed for callers who never read."""

    __slots__ = ("_fed", "_reader")

    def __init__(self) -> None:
        self._reader = PartialJSON()
        self._fed = 0

    def read(self, text: str) -> Any:
        if len(text) > self._fed:
            self._reader.feed(text[self._fed :])
            self._fed = len(text)
        return self._reader.value


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerToolCall:
    """A tool the provider ran itself (web search, code execution…) and what it returned.

    ``index``, ``id``, ``name``, ``arguments``, ``parsed`` and ``complete`` are as in
    ``ToolCall``; ``results`` are the ``ServerToolResult`` events that answered it, in order;
    ``kind`` is always ``"server"``.
    A result whose call never streamed (or named an unknown id) is kept as a call of its own,
    with ``index=None``, its ``tool_call_id`` as ``id`` and no name or arguments.
    """

    index: int | None
    id: str | None
    name: str | None
    arguments: str
    parsed: Any = None
    complete: bool = False
    results: tuple[ServerToolResult, ...] = ()
    kind: str = "server"


class _CallState:
    __slots__ = ("args", "complete", "id", "kind", "name", "reading", "results")

    def __init__(self) -> None:
        self.id: str | None = None
        self.name: str | None = None
        self.kind = "function"
        self.args: list[str] = []
        self.complete = False
        self.reading = _PartialReading()
        self.results: list[ServerToolResult] = []


def _joined(parts: list[str]) -> str:
    """Join *parts* and keep the result as the only piece (so a second read is free)."""
    if len(parts) == 1:
        return parts[0]
    text = "".join(parts)
    parts[:] = [text] if text else []
    return text


def _is_joined(text: str, parts: list[str]) -> bool:
    """Whether *text* is ``"".join(parts)``, found without building the join (which would
    cost a call's whole arguments again at every ``ToolCallEnd``: quadratic for a call ended
    many times): the lengths first, then each part in place; a part that is *text* itself
    (the same end seen again) is not compared."""
    if len(text) != sum(map(len, parts)):
        return False
    pos = 0
    for part in parts:
        if part is not text and not text.startswith(part, pos):
            return False
        pos += len(part)
    return True


def _parse(arguments: str) -> Any:
    if not arguments:
        return {}  # a call without arguments takes none (one end policy, issue 9)
    try:
        return loads(arguments)
    except ValueError:
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
        "_orphans",
        "_reasoning",
        "_refusal",
        "_server_ids",
        "_structured",
        "_text",
        "_unanswered",
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
        self._structured: _PartialReading | None = None
        self._refusal: list[str] = []
        self._reasoning: list[str] = []
        self._calls: dict[int, _CallState] = {}
        self._orphans: list[ServerToolResult] = []  # results whose call never streamed
        # Where a result finds its server call without a scan of every call (see
        # _server_result): max-heaps (negated ordinals) of the calls that were server calls
        # with an id, by id, and of every server call. Entries go stale when a call changes
        # its id or kind, or gets a result; they are checked and dropped when met.
        self._server_ids: dict[str, list[int]] = {}
        self._unanswered: list[int] = []
        self.reasoning_signatures: list[ReasoningSignature] = []
        self.citations: list[Any] = []
        self.finish_reason: FinishReason | None = None
        self.finish_reason_raw: str | None = None

    @property
    def text(self) -> str:
        """The answer text."""
        return _joined(self._text)

    @property
    def structured(self) -> Any:
        """The answer text read as JSON while it streams (structured output): ``PartialJSON``'s
        reading of ``text`` so far (jiter's ``"trailing-strings"`` semantics), ``None`` while
        nothing is readable; text that is not JSON keeps the last good reading. Each reading
        parses only the text that arrived since the previous one."""
        if self._structured is None:
            self._structured = _PartialReading()
        return self._structured.read(self.text)

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
        """The tool calls the client must run, by their ordinal ``index`` (server-executed
        calls are in ``server_tool_calls``)."""
        calls = []
        for index in sorted(self._calls):
            state = self._calls[index]
            if state.kind == "server":
                continue
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
                    partial=state.reading.read(arguments),
                )
            )
        return calls

    @property
    def server_tool_calls(self) -> list[ServerToolCall]:
        """The tools the provider ran itself, by ordinal ``index``, each with its results;
        then results whose call never streamed (``index=None``)."""
        calls = []
        for index in sorted(self._calls):
            state = self._calls[index]
            if state.kind != "server":
                continue
            arguments = _joined(state.args)
            calls.append(
                ServerToolCall(
                    index=index,
                    id=state.id,
                    name=state.name,
                    arguments=arguments,
                    parsed=_parse(arguments),
                    complete=state.complete,
                    results=tuple(state.results),
                )
            )
        calls.extend(
            ServerToolCall(index=None, id=r.tool_call_id, name=None, arguments="", results=(r,))
            for r in self._orphans
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
            "server_tool_calls": [
                {
                    "index": c.index,
                    "id": c.id,
                    "name": c.name,
                    "arguments": c.arguments,
                    "parsed": c.parsed,
                    "complete": c.complete,
                    "results": [{"kind": r.kind, "content": r.content} for r in c.results],
                }
                for c in self.server_tool_calls
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

    def _server_call(self, index: int, state: _CallState) -> None:
        """Note that the call at *index* is (now) a server call (``_server_result`` finds it)."""
        if state.kind == "server":
            if state.id is not None:
                heappush(self._server_ids.setdefault(state.id, []), -index)
            if not state.results:
                heappush(self._unanswered, -index)

    def _server_result(self, result: ServerToolResult) -> None:
        """Attach *result* to its call: the latest server call with its id, else (no id sent)
        the latest server call still without a result, else keep it as an orphan."""
        calls = self._calls
        wanted = result.tool_call_id
        heap = self._unanswered if wanted is None else self._server_ids.get(wanted, [])
        while heap:
            state = calls[-heap[0]]
            if state.kind == "server" and (
                state.id == wanted if wanted is not None else not state.results
            ):
                state.results.append(result)
                return
            heappop(heap)  # stale: a later event that makes it a match again pushes it anew
        self._orphans.append(result)


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
        "_by_choice",
        "_dispatch",
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
        # Keyed by the event's choice, whatever int it is (negative, or 10**9): only the
        # choices seen cost anything, and two choices never share a message.
        self._by_choice: dict[int, Message] = {}
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
            ServerToolResult: self._server_result,
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
        message = self._by_choice.get(choice)
        if message is None:
            message = self._by_choice[choice] = Message(self, choice)
        return message

    @property
    def _messages(self) -> list[Message]:
        """The messages of the choices seen, in choice order."""
        by_choice = self._by_choice
        return [by_choice[choice] for choice in sorted(by_choice)]

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

    def _server_result(self, event: ServerToolResult) -> None:
        self._get(event.choice)._server_result(event)

    def _tool_start(self, event: ToolCallStart) -> None:
        message = self._get(event.choice)
        state = message._call(event.index)
        if event.id:
            state.id = event.id
        if event.name:
            state.name = event.name
        state.kind = event.kind
        message._server_call(event.index, state)

    def _tool_delta(self, event: ToolCallDelta) -> None:
        self._get(event.choice)._call(event.index).args.append(event.arguments)

    def _tool_end(self, event: ToolCallEnd) -> None:
        message = self._get(event.choice)
        state = message._call(event.index)
        if event.id:
            state.id = event.id
        if event.name:
            state.name = event.name
        state.kind = event.kind
        if not _is_joined(event.arguments, state.args):
            # The end marker's arguments are not the deltas': read them afresh.
            state.reading = _PartialReading()
        state.args[:] = [event.arguments] if event.arguments else []
        state.complete = True
        message._server_call(event.index, state)

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
        """One message per choice seen, in choice order (a new list): for choices 0 to n-1,
        as streams number them, ``messages[i]`` is choice *i*. A choice no event named has
        no message (there is no empty one in its place)."""
        return self._messages

    @property
    def message(self) -> Message:
        """Choice 0's message (an empty one if nothing has arrived for it yet)."""
        message = self._by_choice.get(0)
        return message if message is not None else Message(self, 0)

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
        """Render an OpenAI ``chat.completion`` dict, valid as the openai SDK's
        ``ChatCompletion`` for any stream.

        ``content`` and ``refusal`` are ``None`` when empty; reasoning, when present, goes in
        the message's ``reasoning_content`` (DeepSeek's name); client tool calls are rendered
        as ``function`` tool calls (server-run tools are not the client's to call);
        ``finish_reason`` is the provider's word when it is an OpenAI one, else the
        normalized reason, ``"stop"`` for ``error``, ``other`` or no finish at all (check
        ``clean`` and ``errors``); an unknown ``id``/``model`` is ``""``; ``usage`` is present
        when a snapshot arrived, and ``error`` (``message``, ``type``, ``code``, as OpenAI
        sends it) when the provider reported one in the stream (the first).
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
            calls = [c for c in message.tool_calls if c.kind == "function"]
            if calls:
                body["tool_calls"] = [
                    {
                        "index": c.index,
                        "id": c.id or "",
                        "type": "function",
                        "function": {"name": c.name or "", "arguments": c.arguments},
                    }
                    for c in calls
                ]
            finish = message.finish_reason
            choices.append(
                {
                    "index": message.choice,
                    "message": body,
                    "finish_reason": openai_finish_reason(
                        finish or "other", message.finish_reason_raw
                    ),
                    "logprobs": None,
                }
            )
        result: dict[str, Any] = {
            "id": self.id or "",
            "object": "chat.completion",
            "created": self.created or 0,
            "model": self.model or "",
            "choices": choices,
        }
        if self.usage is not None:
            result["usage"] = usage_dict(self.usage)
        if self.errors:
            error = self.errors[0]
            result["error"] = {"message": error.message, "type": error.type, "code": error.code}
        return result
