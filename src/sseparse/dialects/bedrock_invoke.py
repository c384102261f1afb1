"""Amazon Bedrock ``InvokeModelWithResponseStream``, for every model family Bedrock streams.

Theory of operation
-------------------
The response is AWS event-stream (``application/vnd.amazon.eventstream``); message types,
exceptions and errors are handled as for ConverseStream (``bedrock._Bedrock``). Every
``chunk`` event's payload is ``{"bytes": "<base64>"}`` (plus ``"p"`` padding); the bytes are
one JSON object of the model's *native* stream, whose shape depends on the model family. The
family is recognised from the first decoded object (``invoke_family``) and then fixed for the
stream. Field names come from AWS's "Inference request parameters and response fields for
foundation models" pages:

==================  ====================================================  ==================
family              a chunk's object                                      mapped by
==================  ====================================================  ==================
``anthropic``       ``{"type": "message_start" | "content_block_*" …}``   ``AnthropicDialect``
``nova``            ``{"messageStart" | "contentBlockDelta" | …: {…}}``   ConverseStream
``titan``           ``outputText``, ``completionReason``, counts          ``TITAN`` table
``llama``           ``generation``, ``stop_reason``, counts               ``LLAMA`` table
``mistral``         ``outputs[].text`` / ``outputs[].stop_reason``        ``MISTRAL_TEXT``
``mistral-chat``    ``choices[].message`` / ``choices[].stop_reason``     ``MistralDialect``
``cohere``          ``event_type`` (``stream-start``, ``text-gener…``)    ``CohereV1Dialect``
``deepseek``        ``choices[].text`` / ``choices[].stop_reason``        ``DEEPSEEK`` table
``openai``          ``chat.completion.chunk`` (gpt-oss, AI21 Jamba)       ``OpenAIChatDialect``
==================  ====================================================  ==================

* Claude objects are Anthropic Messages events, handed to ``AnthropicDialect.on_json``.
* Amazon Nova objects are ConverseStream events in JSON-union form (``{"contentBlockDelta":
  {"delta": …, "contentBlockIndex": 0}}``); each member is handed to a
  ``BedrockConverseDialect`` as the event-stream event it would be in ConverseStream, so text,
  tool use, ``reasoningContent``, ``stopReason`` and ``metadata.usage`` map exactly as there.
* Cohere Command R objects are Cohere Chat v1 stream events, handed to ``CohereV1Dialect``.
* gpt-oss and AI21 Jamba objects are OpenAI chat-completion chunks, handed to
  ``OpenAIChatDialect.on_chunk``; the Mistral chat shape (``message`` for ``delta``,
  ``stop_reason`` for ``finish_reason``) is renamed and handed to ``MistralDialect``.
* Titan, Llama, Mistral text completion and DeepSeek-R1 are mapped here from a table of
  field names (``_Fields``): the answer text → ``TextDelta`` (``choice`` = its position in
  the answer list), the stop word → ``Finish`` (Titan ``FINISH``/``FINISHED``/
  ``STOP_CRITERIA_MET`` → ``stop``, ``LENGTH`` → ``length``, ``CONTENT_FILTERED`` →
  ``content_filter``; Llama/DeepSeek ``stop``/``length``; Mistral adds ``model_length``),
  and the family's own token counts (Titan ``inputTextTokenCount`` /
  ``totalOutputTextTokenCount``, Llama ``prompt_token_count`` / ``generation_token_count``;
  the latest value of each wins) → one ``Usage`` on the chunk that finishes.

Reasoning inside the text. Two families put reasoning in the answer text itself:
DeepSeek-R1 (``<think>…</think>``) and gpt-oss through InvokeModel (``<reasoning>…
</reasoning>``, AWS: "the model reasoning (surrounded by <reasoning> tags) will precede the
text content"). When an answer *opens* with that tag (whitespace before it is dropped with the
tags), the text up to the closing tag is ``ReasoningDelta`` and the rest ``TextDelta``; tags
split across chunks are held back until they can be told apart. A DeepSeek prompt that opens the
``<think>`` block itself leaves no opening tag in the stream, so nothing marks where the
reasoning starts: that text stays ``TextDelta``, as sent (never guessed).

Shared by every family:

* ``amazon-bedrock-invocationMetrics`` (Bedrock adds it to the last object) becomes a
  ``Usage`` (``bedrock._metrics_usage``) only when the family's own events carried none,
  placed before that object's events; it stays in ``raw`` either way.
* ``amazon-bedrock-guardrailAction: "INTERVENED"`` (a guardrail blocked the input or the
  output; the object carries the guardrail's message as the answer text) makes the answer's
  finish ``content_filter``: a ``Finish`` of that object or a later one is reported with
  ``reason="content_filter"`` (``raw_reason`` keeps the model's word); one already reported
  is followed by a corrected ``Finish``; with none at all, ``Finish(reason="content_filter",
  raw_reason="INTERVENED")`` comes at end of input. A Titan guardrail answer is one object:
  its text, ``Finish(reason="content_filter")``, ``Usage``, then ``Done(clean=True)``.
* ``StreamStart.provider`` is ``"bedrock"``. An object that maps to no event is kept as
  ``Other(kind="chunk")``.
* ``Done``: Claude and Cohere streams have their own end markers (``message_stop``,
  ``stream-end``) and their dialects emit ``Done`` (``clean=True`` at the marker). The other
  families end with the HTTP response: ``Done(clean=True)`` at end of input when the answer
  finished (a stop word, ``finish_reason``, Nova ``messageStop``) and no exception or error
  message came, else ``Done(clean=False)``. Tool calls still open are ended first.

Errors (DESIGN §1, strict framing, tolerant meaning). Framing faults are ``ParseError``\\ s
from the decoder. A well-framed ``chunk`` whose content is not what it should be -- a payload
that is not a JSON object, ``bytes`` missing or not base64 of a JSON object, an object no
family claims, an answer field of the wrong type (text, stop word, token count) -- raises
``MalformedPayload`` at the chunk message's offset once the object's other events are out
(every problem of the object in its message, quoting the decoded object's JSON, or the
chunk's payload when it could not be decoded); a delegate dialect's own finding
(``MalformedPayload`` or a shape error) escapes the same way. ``StreamParser``'s one
bad-record policy then keeps those events and adds ``Malformed(message, offset, raw)``
(or, with ``strict=True``, raises after returning them). Descriptive fields that are not
read (Titan ``index``, ids, latencies) are never checked. A first object no family claims
leaves the family open, so the next object may still decide it.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from ..errors import MalformedPayload
from ..events import (
    Done,
    Event,
    Finish,
    FinishReason,
    Other,
    ReasoningDelta,
    StreamStart,
    TextDelta,
    Usage,
)
from ..framing.eventstream import EventStreamMessage
from ..framing.eventstream_headers import Header, HeaderType
from ..framing.records import JSONRecord
from ._base import malformed
from .anthropic import _EVENT_TYPES as _ANTHROPIC_EVENT_TYPES
from .anthropic import AnthropicDialect
from .bedrock import _METRICS, BedrockConverseDialect, _Bedrock, _json_object, _metrics_usage
from .cohere import CohereV1Dialect
from .mistral import MistralDialect
from .openai_chat import FINISH_REASONS, OpenAIChatDialect

__all__ = ["BedrockInvokeDialect", "invoke_family"]

_GUARDRAIL = "amazon-bedrock-guardrailAction"

_ANTHROPIC_TYPES = _ANTHROPIC_EVENT_TYPES | {"error"}
_NOVA_EVENTS = frozenset(
    {
        "messageStart",
        "contentBlockStart",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
    }
)


def invoke_family(value: Any) -> str | None:
    """The model family an InvokeModel chunk's decoded object belongs to (a key of
    ``FAMILIES``), or ``None`` when nothing in it tells (an object with only Bedrock's own
    ``amazon-bedrock-*`` fields, or an unknown shape). Raises nothing."""
    if type(value) is not dict:
        return None
    kind = value.get("type")
    if type(kind) is str and kind in _ANTHROPIC_TYPES:
        return "anthropic"
    if not _NOVA_EVENTS.isdisjoint(value):
        return "nova"
    if "event_type" in value or "is_finished" in value:
        return "cohere"
    if "outputText" in value or "completionReason" in value:
        return "titan"
    if "generation" in value or "generation_token_count" in value:
        return "llama"
    if "outputs" in value:
        return "mistral"
    choices = value.get("choices")
    if type(choices) is list:
        if value.get("object") == "chat.completion.chunk":
            return "openai"
        first = choices[0] if choices and type(choices[0]) is dict else {}
        if "message" in first:
            return "mistral-chat"
        if "text" in first:
            return "deepseek"
        return "openai"
    return None


# -- reasoning that opens the answer text ---------------------------------------------------


class _LeadingTag:
    """Splits one answer's text stream that may open with ``<tag>…</tag>`` into reasoning
    and text (see the module docstring). ``feed``/``flush`` return ``(is_reasoning, text)``
    pieces, never empty; held back is at most a possible tag prefix."""

    __slots__ = ("_close", "_held", "_open", "_state")

    def __init__(self, tag: str) -> None:
        self._open = f"<{tag}>"
        self._close = f"</{tag}>"
        self._state = "start"  # "start" (undecided), "reasoning", "text"
        self._held = ""

    def feed(self, text: str) -> list[tuple[bool, str]]:
        if self._state == "text":
            return [(False, text)] if text else []
        held = self._held + text
        if self._state == "start":
            body = held.lstrip()
            if not body or (len(body) < len(self._open) and self._open.startswith(body)):
                self._held = held  # whitespace, or the opening tag still arriving
                return []
            if not body.startswith(self._open):
                self._state, self._held = "text", ""
                return [(False, held)]
            self._state = "reasoning"
            held = body[len(self._open) :]
        end = held.find(self._close)
        if end >= 0:
            self._state, self._held = "text", ""
            pieces = [(True, held[:end])] if end else []
            rest = held[end + len(self._close) :]
            return pieces + ([(False, rest)] if rest else [])
        keep = _partial_suffix(held, self._close)
        self._held = held[len(held) - keep :] if keep else ""
        body = held[: len(held) - keep]
        return [(True, body)] if body else []

    def flush(self) -> list[tuple[bool, str]]:
        """End of the answer: what was held back, as it is."""
        held, self._held = self._held, ""
        if not held:
            return []
        return [(self._state == "reasoning", held)]


def _partial_suffix(text: str, tag: str) -> int:
    """The length of the longest end of *text* that is a proper beginning of *tag*."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:n]):
            return n
    return 0


def _split_text(tags: dict[int, _LeadingTag], tag: str, event: TextDelta, out: list[Event]) -> None:
    splitter = tags.get(event.choice)
    if splitter is None:
        splitter = tags[event.choice] = _LeadingTag(tag)
    _emit(splitter.feed(event.text), event.choice, event.raw, out)


def _emit(pieces: list[tuple[bool, str]], choice: int, raw: Any, out: list[Event]) -> None:
    for reasoning, text in pieces:
        if reasoning:
            out.append(ReasoningDelta(text=text, choice=choice, raw=raw))
        else:
            out.append(TextDelta(text=text, choice=choice, raw=raw))


def _flush(tags: dict[int, _LeadingTag], choice: int | None, raw: Any, out: list[Event]) -> None:
    """Emit what the splitters of *choice* (all when ``None``) hold back."""
    for index in sorted(tags) if choice is None else [choice]:
        splitter = tags.get(index)
        if splitter is not None:
            _emit(splitter.flush(), index, raw, out)


# -- answer fields: never guessed -----------------------------------------------------------


def _text_field(value: Any, what: str, problems: list[str]) -> str | None:
    """An answer text or stop word: a string, ``None`` when absent; else reported."""
    if value is None or type(value) is str:
        return value
    problems.append(f"{what} is {type(value).__name__}, not a string")
    return None


def _count_field(value: Any, what: str, problems: list[str]) -> int | None:
    """A token count: a non-negative int (an integral float is one); ``None`` when absent;
    anything else is reported (``bool`` is not a count)."""
    if value is None:
        return None
    if type(value) is int and value >= 0:
        return value
    if type(value) is float and value >= 0 and value.is_integer():
        return int(value)
    problems.append(f"{what} is {value!r}, not a token count")
    return None


# -- families -------------------------------------------------------------------------------


class _Family:
    """One model family's mapping of decoded chunk objects to events.

    ``on_json`` appends the events of one object and the descriptions of the parts it could
    not interpret to *problems*; it may raise a shape error (``TypeError``, ``KeyError``, …) or
    ``MalformedPayload`` (from a delegate dialect) for an object it cannot read at all.
    ``on_end`` appends what end of input closes (tool calls, held-back text) and, for a
    family with ``ends_itself``, its ``Done``.
    """

    ends_itself: ClassVar[bool] = False  # the family's own end marker yields Done

    def on_json(
        self,
        value: dict[str, Any],
        out: list[Event],
        problems: list[str],
        *,
        offset: int,
        payload: bytes,
    ) -> None:
        raise NotImplementedError

    def on_end(self, out: list[Event]) -> None:
        """End of input (the family's ``Done``, if any, is the last event appended)."""


class _Claude(_Family):
    ends_itself = True

    def __init__(self) -> None:
        self._native = AnthropicDialect()

    def on_json(
        self,
        value: dict[str, Any],
        out: list[Event],
        problems: list[str],
        *,
        offset: int,
        payload: bytes,
    ) -> None:
        self._native.on_json(value, out, offset=offset, payload=payload)

    def on_end(self, out: list[Event]) -> None:
        self._native.on_end(out)


class _Cohere(_Family):
    ends_itself = True

    def __init__(self) -> None:
        self._native = CohereV1Dialect()

    def on_json(
        self,
        value: dict[str, Any],
        out: list[Event],
        problems: list[str],
        *,
        offset: int,
        payload: bytes,
    ) -> None:
        self._native.on_record(JSONRecord(value=value, raw=payload, offset=offset), out)

    def on_end(self, out: list[Event]) -> None:
        self._native.on_end(out)


class _Nova(_Family):
    """Amazon Nova: each member of the object is a ConverseStream event."""

    def __init__(self) -> None:
        self._native = BedrockConverseDialect()

    def on_json(
        self,
        value: dict[str, Any],
        out: list[Event],
        problems: list[str],
        *,
        offset: int,
        payload: bytes,
    ) -> None:
        for member, body in value.items():
            if member.startswith("amazon-bedrock-"):
                continue  # Bedrock's own fields (see _after_object)
            if member not in _NOVA_EVENTS and type(body) is not dict:
                continue  # a field added since, not an event: left in raw
            # The ConverseStream event this member would be: its JSON body under :event-type.
            record = EventStreamMessage(
                headers=(
                    Header(name=":message-type", type=HeaderType.STRING, value="event"),
                    Header(name=":event-type", type=HeaderType.STRING, value=member),
                ),
                payload=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
                offset=offset,
            )
            self._native.on_record(record, out)

    def on_end(self, out: list[Event]) -> None:
        closing: list[Event] = []
        self._native.on_end(closing)
        out.extend(e for e in closing if type(e) is not Done)


class _Chat(_Family):
    """OpenAI chat-completion chunks (gpt-oss, AI21 Jamba), read by the chat dialect; an
    answer opening with ``<reasoning>`` is split (gpt-oss through InvokeModel)."""

    native_class: ClassVar[type[OpenAIChatDialect]] = OpenAIChatDialect
    tag: ClassVar[str | None] = "reasoning"

    def __init__(self) -> None:
        self._native = self.native_class()
        self._tags: dict[int, _LeadingTag] = {}

    def chunk_of(self, value: dict[str, Any]) -> dict[str, Any]:
        """The chat-completion chunk *value* stands for."""
        return value

    def on_json(
        self,
        value: dict[str, Any],
        out: list[Event],
        problems: list[str],
        *,
        offset: int,
        payload: bytes,
    ) -> None:
        chunk = self.chunk_of(value)
        start = len(out)
        try:
            self._native.on_chunk(chunk, out)
        finally:
            produced = out[start:]
            del out[start:]
            for event in produced:
                if chunk is not value and event.raw is chunk:
                    event = dataclasses.replace(event, raw=value)  # the object as sent
                if self.tag is not None and type(event) is TextDelta:
                    _split_text(self._tags, self.tag, event, out)
                    continue
                if type(event) is Finish:
                    _flush(self._tags, event.choice, event.raw, out)
                out.append(event)

    def on_end(self, out: list[Event]) -> None:
        _flush(self._tags, None, None, out)
        closing: list[Event] = []
        self._native.on_end(closing)
        out.extend(e for e in closing if type(e) is not Done)


class _MistralChat(_Chat):
    """Mistral's chat shape: ``choices[].message`` and ``stop_reason`` are a chunk's
    ``delta`` and ``finish_reason``; Mistral's finish words and whole tool calls."""

    native_class = MistralDialect
    tag = None

    def chunk_of(self, value: dict[str, Any]) -> dict[str, Any]:
        choices = value.get("choices")
        if type(choices) is not list:
            return value
        renamed: list[Any] = []
        for position, choice in enumerate(choices):
            if type(choice) is not dict:
                renamed.append(choice)  # the chat dialect reports it
                continue
            renamed.append(
                {
                    "index": choice.get("index", position),
                    "delta": choice.get("message", choice.get("delta")),
                    "finish_reason": choice.get("stop_reason", choice.get("finish_reason")),
                }
            )
        return {**value, "choices": renamed}


@dataclasses.dataclass(frozen=True)
class _Fields:
    """Where a completion-style family keeps its answer (names from AWS's pages)."""

    text: str  # the answer text
    finish: str  # the stop word, null until the last chunk
    finishes: Mapping[str, FinishReason]
    answers: str | None = None  # the list of answers (one per choice), if there is one
    prompt: str | None = None  # the family's own prompt token count
    completion: str | None = None  # … and output token count
    tag: str | None = None  # a reasoning tag that may open the answer


TITAN = _Fields(
    text="outputText",
    finish="completionReason",
    finishes={
        "FINISH": "stop",
        "FINISHED": "stop",
        "STOP_CRITERIA_MET": "stop",
        "LENGTH": "length",
        "CONTENT_FILTERED": "content_filter",
        "RAG_QUERY_WHEN_RAG_DISABLED": "other",
    },
    prompt="inputTextTokenCount",
    completion="totalOutputTextTokenCount",
)
LLAMA = _Fields(
    text="generation",
    finish="stop_reason",
    finishes=FINISH_REASONS,
    prompt="prompt_token_count",
    completion="generation_token_count",
)
MISTRAL_TEXT = _Fields(
    answers="outputs", text="text", finish="stop_reason", finishes=MistralDialect.finish_reasons
)
DEEPSEEK = _Fields(
    answers="choices", text="text", finish="stop_reason", finishes=FINISH_REASONS, tag="think"
)


class _Completion(_Family):
    """A completion-style family mapped from its ``_Fields`` table."""

    def __init__(self, fields: _Fields) -> None:
        self._fields = fields
        self._tags: dict[int, _LeadingTag] = {}
        self._prompt: int | None = None
        self._completion: int | None = None

    def on_json(
        self,
        value: dict[str, Any],
        out: list[Event],
        problems: list[str],
        *,
        offset: int,
        payload: bytes,
    ) -> None:
        fields = self._fields
        answers: Any = [value]
        if fields.answers is not None:
            answers = value.get(fields.answers)
            if answers is None:
                answers = []
            elif type(answers) is not list:
                problems.append(f"{fields.answers} is {type(answers).__name__}, not a list")
                answers = []
        finished = False
        for choice, answer in enumerate(answers):
            if type(answer) is not dict:
                problems.append(f"{fields.answers}[{choice}] is not an object")
                continue
            text = _text_field(answer.get(fields.text), fields.text, problems)
            if text:
                if fields.tag is None:
                    out.append(TextDelta(text=text, choice=choice, raw=value))
                else:
                    event = TextDelta(text=text, choice=choice, raw=value)
                    _split_text(self._tags, fields.tag, event, out)
            word = _text_field(answer.get(fields.finish), fields.finish, problems)
            if word is not None:
                _flush(self._tags, choice, value, out)
                reason = fields.finishes.get(word, "other")
                out.append(Finish(reason=reason, raw_reason=word, choice=choice, raw=value))
                finished = True
        if fields.prompt is not None:
            count = _count_field(value.get(fields.prompt), fields.prompt, problems)
            if count is not None:
                self._prompt = count
        if fields.completion is not None:
            count = _count_field(value.get(fields.completion), fields.completion, problems)
            if count is not None:
                self._completion = count
        if finished and (self._prompt is not None or self._completion is not None):
            prompt, completion = self._prompt, self._completion
            total = prompt + completion if prompt is not None and completion is not None else None
            out.append(
                Usage(
                    prompt_tokens=prompt,
                    completion_tokens=completion,
                    total_tokens=total,
                    raw=value,
                )
            )

    def on_end(self, out: list[Event]) -> None:
        _flush(self._tags, None, None, out)


FAMILIES: dict[str, Callable[[], _Family]] = {
    "anthropic": _Claude,
    "nova": _Nova,
    "titan": lambda: _Completion(TITAN),
    "llama": lambda: _Completion(LLAMA),
    "mistral": lambda: _Completion(MISTRAL_TEXT),
    "mistral-chat": _MistralChat,
    "cohere": _Cohere,
    "deepseek": lambda: _Completion(DEEPSEEK),
    "openai": _Chat,
}
"""Family name (``invoke_family``) → a factory of its mapping."""


# -- the dialect ----------------------------------------------------------------------------


def _bad(why: str, record: EventStreamMessage, payload: bytes | None = None) -> MalformedPayload:
    """The finding for the chunk *record*: at its offset, quoting *payload* (the decoded
    object's JSON) or else the chunk message's own payload."""
    return malformed(
        why, offset=record.offset, payload=record.payload if payload is None else payload
    )


class BedrockInvokeDialect(_Bedrock):
    """Bedrock ``InvokeModelWithResponseStream`` for every model family (see the module
    docstring). ``on_record`` raises ``MalformedPayload`` (or a delegate's shape error) for
    a chunk it could not fully interpret, after that chunk's events; ``on_end`` raises
    nothing."""

    name: ClassVar[str] = "bedrock-invoke"

    def __init__(self) -> None:
        super().__init__()
        self.family: str | None = None  # the recognised family, fixed once known
        self._mapping: _Family | None = None
        self._usage_seen = False  # some event so far was a Usage
        self._finished = False  # some event so far was a Finish
        self._guardrail = False  # a guardrail intervened
        self._last_finish: Finish | None = None

    @classmethod
    def claims(cls, record: Any) -> bool:
        """Whether *record* (a decoded wire record) is an InvokeModelWithResponseStream one:
        an event-stream ``event`` message of type ``chunk``. Raises nothing."""
        return (
            type(record) is EventStreamMessage
            and record.message_type in (None, "event")
            and record.event_type == "chunk"
        )

    def _on_event(
        self, record: EventStreamMessage, event_type: str | None, out: list[Event]
    ) -> None:
        payload = _json_object(record, event_type, self._loads)  # MalformedPayload for a bad one
        if event_type != "chunk":
            out.append(Other(kind=event_type or "event", raw=payload))
            return
        encoded = payload.get("bytes")
        if type(encoded) is not str:
            raise _bad("chunk without a base64 'bytes' string", record)
        try:
            native = base64.b64decode(encoded, validate=True)
            value = self._loads(native)
        except (binascii.Error, ValueError) as exc:
            raise _bad(f"chunk 'bytes' is not base64 of JSON ({exc})", record) from exc
        if type(value) is not dict:
            raise _bad("chunk 'bytes' is not a JSON object", record)
        self._on_object(record, value, native, out)

    def _on_object(
        self, record: EventStreamMessage, value: dict[str, Any], native: bytes, out: list[Event]
    ) -> None:
        """Map one decoded object of the model's stream; raise ``MalformedPayload`` (after
        its events) for what could not be interpreted, or let a delegate dialect's finding
        (``MalformedPayload`` or a shape error) escape: ``StreamParser`` reports either."""
        start = len(out)
        problems: list[str] = []
        mapping = self._mapping
        if mapping is None:
            family = invoke_family(value)
            if family is not None:
                self.family = family
                mapping = self._mapping = FAMILIES[family]()
            elif any(not key.startswith("amazon-bedrock-") for key in value):
                keys = ", ".join(sorted(value)[:8])
                problems.append(f"no Bedrock model family has a chunk like this (keys: {keys})")
        try:
            if mapping is not None:
                mapping.on_json(value, out, problems, offset=record.offset, payload=native)
        finally:
            # Also when a delegate raised: the events it did yield are kept, and fixed up.
            self._after_object(value, start, out)
        if problems:
            raise _bad("; ".join(problems), record, native)
        if len(out) == start:
            out.append(Other(kind="chunk", raw=value))  # nothing to map: kept, never dropped

    def _after_object(self, value: dict[str, Any], start: int, out: list[Event]) -> None:
        """What every family shares, on one object's events ``out[start:]``: the provider
        name, invocation metrics, guardrail verdicts, and the end-of-stream bookkeeping."""
        verdict = value.get(_GUARDRAIL) == "INTERVENED"
        earlier = self._last_finish
        if verdict:
            self._guardrail = True
        usage_here = finish_here = False
        for i in range(start, len(out)):
            event = out[i]
            if isinstance(event, StreamStart):
                out[i] = dataclasses.replace(event, provider="bedrock")
            elif isinstance(event, Usage):
                usage_here = True
            elif isinstance(event, Finish):
                if self._guardrail and event.reason != "content_filter":
                    event = out[i] = dataclasses.replace(event, reason="content_filter")
                finish_here = self._finished = True
                self._last_finish = event
            elif isinstance(event, Done):
                self._done = True  # the family's own end marker: this stream's one Done
        if verdict and not finish_here and earlier and earlier.reason != "content_filter":
            # The answer finished for another reason before the verdict came: correct it (the
            # last Finish wins), ahead of this object's events (a Done may be among them).
            out.insert(start, dataclasses.replace(earlier, reason="content_filter"))
        metrics = value.get(_METRICS)
        if type(metrics) is dict and not self._usage_seen and not usage_here:
            out.insert(start, _metrics_usage(metrics, value))
            usage_here = True
        self._usage_seen = self._usage_seen or usage_here

    def on_end(self, out: list[Event]) -> None:
        mapping = self._mapping
        if mapping is not None:
            closing: list[Event] = []
            mapping.on_end(closing)
            # A family's own Done is this stream's only at its end marker (_after_object
            # saw it then); at end of input the Done is decided here.
            out.extend(e for e in closing if type(e) is not Done)
        if not self._done and self._guardrail and not self._finished:
            out.append(Finish(reason="content_filter", raw_reason="INTERVENED"))
            self._finished = True
        # A family with its own end marker that did not come ended unclean; the others end
        # with the HTTP response, clean when the answer finished and nothing failed.
        own_marker = mapping is not None and mapping.ends_itself
        self.end_of_input(out, clean=not own_marker and self._finished and not self._failed)
