"""The Gemini dialect: ``generateContent`` streams, as SSE or as a streamed JSON array.

Theory of operation. ``streamGenerateContent?alt=sse`` sends one ``GenerateContentResponse``
per SSE event (``data:`` lines, CRLF line endings); without ``alt=sse`` the same objects are
the elements of one streamed JSON array (``StreamParser("gemini", format="jsonarray")``).
Both arrive here as one JSON object per record (``SSEEvent.data`` parsed, or
``JSONRecord.value``) and are mapped alike. A JSON document record whose value is a list (a
whole array read as one document) is mapped element by element.

Mapping (each event's ``raw`` is the parsed chunk it came from, except
``ReasoningSignature.raw``, which is the *part* that carried the signature, so a caller can
replay it on the right part — a function call's or a text's):

* the first chunk → ``StreamStart(id=responseId, model=modelVersion, created=createTime as
  Unix seconds when Vertex sends it, provider="gemini")``;
* ``candidates[].index`` (0 when absent) → ``choice``;
* parts, in order: ``text`` → ``TextDelta`` (``ReasoningDelta`` when ``thought: true``;
  empty text yields nothing); ``functionCall`` → one whole call: ``ToolCallStart``, one
  ``ToolCallDelta`` with ``args`` as compact JSON (``"{}"`` when absent), ``ToolCallEnd``.
  Each call gets the next ordinal of its choice as ``index`` (0, 1, … in order of
  appearance, across chunks), so parallel calls — even to the same function — never merge.
  Its ``id`` is ``functionCall.id`` when the provider sends one, else ``call_<index>``
  (deterministic, unique within a choice).
  ``executableCode`` (the code-execution tool, which Google runs) → a whole call with
  ``kind="server"``, ``name="code_execution"``, arguments the compact JSON of the
  ``executableCode`` object without its ``id`` (which becomes the call's id when sent), on the
  same ordinal sequence; ``codeExecutionResult`` (what Google's run returned) →
  ``ServerToolResult(tool_call_id=<its id or None>, kind="codeExecutionResult",
  content=<the object>)``; any other part kind (``inlineData``, ``fileData``,
  ``functionResponse``, …) → ``Other(kind=<the part's field name>)``;
  ``thoughtSignature`` on any part → ``ReasoningSignature``, after that part's own events.
  ``thought: true`` on a call is kept in ``raw`` only;
* ``citationMetadata``, ``groundingMetadata``, ``urlContextMetadata`` on a candidate, when
  not empty → ``Citation(value={<field name>: <object>})``;
* ``finishReason`` → ``Finish`` (raw word kept; with ``$alt=json;enum-encoding=int`` the
  reason is a number, read by Google's ``FinishReason`` numbering,
  ``FINISH_REASONS_BY_NUMBER``, and ``raw_reason`` is its name, or the number's text when it
  is not a known one): ``STOP`` → ``tool_calls`` when the candidate made a client function
  call (server code execution does not count), else ``stop``;
  ``MAX_TOKENS`` → ``length``; ``SAFETY``, ``RECITATION``, ``BLOCKLIST``,
  ``PROHIBITED_CONTENT``, ``SPII``, ``IMAGE_SAFETY``, ``IMAGE_PROHIBITED_CONTENT``,
  ``IMAGE_RECITATION`` → ``content_filter``; ``MALFORMED_FUNCTION_CALL``,
  ``UNEXPECTED_TOOL_CALL``, ``TOO_MANY_TOOL_CALLS``, ``MISSING_THOUGHT_SIGNATURE`` →
  ``error`` (the model's output could not be used); anything else → ``other``;
* ``promptFeedback.blockReason`` → ``Finish(reason="content_filter", choice=0)``: the prompt
  was refused, which ends the response;
* ``usageMetadata`` (cumulative) → a ``Usage`` snapshot whenever its normalized counts differ
  from the last one sent (never summed; the last one wins). Gemini's ``totalTokenCount`` is
  prompt + candidates + thoughts + tool-use prompt, so to keep OpenAI's inclusive meaning
  (``prompt_tokens + completion_tokens == total_tokens``): ``prompt_tokens`` =
  ``promptTokenCount`` (which already includes cached tokens) + ``toolUsePromptTokenCount``
  (the results of server tools fed back to the model are input); ``completion_tokens`` =
  ``candidatesTokenCount`` + ``thoughtsTokenCount``; ``reasoning_tokens`` =
  ``thoughtsTokenCount``; ``cached_tokens`` = ``cachedContentTokenCount``; ``total_tokens`` =
  ``totalTokenCount`` (their sum when absent). Absent counts are 0 in the sums (the API omits
  zeros) and ``None`` for ``cached_tokens``/``reasoning_tokens``. A ``usageMetadata`` with no
  count at all (Vertex's ``{"trafficType": …}``) yields no ``Usage``;
* an ``error`` object (``{"error": {"code", "message", "status"}}``: an HTTP error body read
  as a JSON document or array element, or a ``data:`` line) → ``ProviderError(message,
  type=status, code=str(code))``. A pretty-printed error body served as
  ``text/event-stream`` (HTTP 404 for an unknown model) is not SSE: read as SSE it
  dispatches no event at all, so it reaches this dialect only when the body is read as one
  JSON document (``format="json"``);
* an SSE event whose type is not ``message`` → ``ProviderError`` when its data is an error
  object, else ``Other(kind=<event type>, raw=<data>)``; an SSE comment → ``KeepAlive``
  (``wants_comments`` is set: Gemini sends none, a proxy may); a ``retry`` field →
  ``Other(kind="retry")``;
* a chunk that produced no event (empty text, unchanged usage) → ``Other(kind="chunk")``,
  so no record is dropped unseen.

Gemini has no end marker. At end of input every call is already closed (calls arrive whole),
and ``Done(clean=True)`` is appended when at least one candidate was seen, every candidate seen
got a ``finishReason`` (or the prompt was blocked), and no error was reported; else
``Done(clean=False)``.

Not mapped (kept in the ``raw`` of an ``Other(kind="functionCall")``): Vertex's streamed
function-call arguments (``functionCall`` with ``partialArgs``/``willContinue``), which are
not whole calls; no capture of them exists to check a reassembly against.

Fields are read by the rule of ``_fields`` (DESIGN §1). Describing fields degrade: a
``responseId``, ``modelVersion`` or ``createTime`` of another JSON type becomes its decimal text
or ``None``, a ``thoughtSignature`` that is not a string stays in ``raw``, an error's ``code``
and ``status`` degrade alike; unknown keys, safety ratings, token details (integer
``modality`` included) are not read. A chunk whose answer is of the wrong shape (not an object,
``candidates`` or ``parts`` not a list, text or a function name not a string, ``args`` not an
object, a count that is not a count, a ``finishReason`` neither a string nor an integer)
raises ``TypeError`` (a payload that is not JSON ``MalformedPayload``); ``StreamParser``'s one
bad-record policy keeps the events the record already gave and reports it at the record's
offset as ``Malformed`` (or raises ``MalformedPayload`` with ``strict=True``).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, ClassVar

from ..events import (
    Citation,
    Event,
    Finish,
    FinishReason,
    KeepAlive,
    Other,
    ProviderError,
    ReasoningSignature,
    ServerToolResult,
    StreamStart,
)
from ..framing.records import JSONRecord, SSEComment, SSEEvent, SSERetry
from ._base import Dialect, load_json, malformed
from ._calls import Calls
from ._claims import json_of
from ._fields import count, describe_str, opt_answer_str
from ._finish import enum_word, finish
from ._make import reasoning_delta, text_delta
from ._usage import usage_of_counts

__all__ = ["FINISH_REASONS", "FINISH_REASONS_BY_NUMBER", "GeminiDialect"]

FINISH_REASONS: dict[str, FinishReason] = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
    "IMAGE_PROHIBITED_CONTENT": "content_filter",
    "IMAGE_RECITATION": "content_filter",
    "MALFORMED_FUNCTION_CALL": "error",
    "UNEXPECTED_TOOL_CALL": "error",
    "TOO_MANY_TOOL_CALLS": "error",
    "MISSING_THOUGHT_SIGNATURE": "error",
}
"""Gemini ``finishReason`` words and their normalized reason; any other word is ``other``."""

# Google's FinishReason enum numbering (google.ai.generativelanguage.v1beta.Candidate), used
# when the request asked for integer enums. Numbers past these are read as unknown words.
FINISH_REASONS_BY_NUMBER: dict[int, str] = dict(
    enumerate(
        (
            "FINISH_REASON_UNSPECIFIED",
            "STOP",
            "MAX_TOKENS",
            "SAFETY",
            "RECITATION",
            "OTHER",
            "LANGUAGE",
            "BLOCKLIST",
            "PROHIBITED_CONTENT",
            "SPII",
            "MALFORMED_FUNCTION_CALL",
            "IMAGE_SAFETY",
            "UNEXPECTED_TOOL_CALL",
        )
    )
)
"""Gemini's integer ``finishReason`` values and their names."""

# PromptFeedback.BlockReason numbering, likewise (every block reason is a content filter).
_BLOCK_REASONS_BY_NUMBER = dict(
    enumerate(
        (
            "BLOCK_REASON_UNSPECIFIED",
            "SAFETY",
            "OTHER",
            "BLOCKLIST",
            "PROHIBITED_CONTENT",
            "IMAGE_SAFETY",
        )
    )
)

_CITATION_FIELDS = ("citationMetadata", "groundingMetadata", "urlContextMetadata")
_CITATION_KEYS = frozenset(_CITATION_FIELDS)
# Part fields that qualify a part rather than carry content of their own.
_PART_QUALIFIERS = frozenset({"thought", "thoughtSignature"})
_HANDLED_PART_FIELDS = frozenset({"text", "functionCall", "executableCode", "codeExecutionResult"})
_USAGE_FIELDS = (
    "promptTokenCount",
    "candidatesTokenCount",
    "thoughtsTokenCount",
    "toolUsePromptTokenCount",
    "cachedContentTokenCount",
    "totalTokenCount",
)
_USAGE_NAMES = tuple(map(repr, _USAGE_FIELDS))
_INT_OR_NONE = frozenset({int, type(None)})
_NO_COUNTS = (None,) * len(_USAGE_FIELDS)
# What a choice (candidate index) did, bits of GeminiDialect._choices' values: it came, it got
# a finishReason, it made a client function call.
_SEEN, _FINISHED, _CALLED = 1, 2, 4
# RFC 3339 with up to nanoseconds; fromisoformat (3.10) takes at most microseconds and no "Z".
_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?", re.ASCII)


# One encoder for every call: json.dumps with options builds a new encoder each time.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _compact(value: Any) -> str:
    """``json.dumps(value, separators=(",", ":"), ensure_ascii=False)``."""
    return _ENCODER.encode(value)


def _unix_seconds(stamp: str) -> int | None:
    """``createTime`` ("2026-08-20T08:17:17.849230Z") as whole Unix seconds, or ``None``."""
    match = _TIMESTAMP.fullmatch(stamp)
    if match is None:
        return None
    zone = match.group(3) or "Z"
    text = match.group(1) + ("+00:00" if zone == "Z" else zone)
    try:
        return int(datetime.fromisoformat(text).timestamp())
    except ValueError:
        return None


def _wrong(value: Any, what: str, kind: str) -> TypeError:
    """The error for a chunk's field of the wrong shape (``StreamParser`` reports it)."""
    return TypeError(f"{what} must be a JSON {kind}, not {type(value).__name__}")


def _expect_dict(value: Any, what: str) -> dict[str, Any]:
    # The per-chunk levels (chunk, candidates, content, parts, usage) test their type inline
    # instead: a call per level of every chunk cost 1.6% of StreamParser's instructions on
    # the gemini-crlf corpus (callgrind, 1460-byte fragments).
    if type(value) is not dict:
        raise _wrong(value, what, "object")
    return value


class GeminiDialect(Dialect[SSEEvent | SSERetry | SSEComment | JSONRecord]):
    """Gemini ``streamGenerateContent`` chunks (SSE or JSON-array elements) to events.

    ``on_record`` raises ``MalformedPayload`` for a payload that is not JSON, ``TypeError``
    for one not shaped like a ``GenerateContentResponse`` (see the module docstring).
    """

    name: ClassVar[str] = "gemini"
    provider: ClassVar[str] = "gemini"
    default_format: ClassVar[str] = "sse"
    # Gemini sends no comments, but a proxy in between may send keep-alive comments.
    wants_comments: ClassVar[bool] = True

    @classmethod
    def claims(cls, record: Any) -> bool:
        """A ``GenerateContentResponse``: an object with ``candidates``, ``usageMetadata``
        or ``promptFeedback``."""
        value = json_of(record)
        return type(value) is dict and (
            "candidates" in value or "usageMetadata" in value or "promptFeedback" in value
        )

    __slots__ = (
        "_calls",
        "_choices",
        "_errored",
        "_started",
        "_usage",
    )

    def __init__(self) -> None:
        self._started = False
        self._errored = False
        self._calls: dict[int, Calls] = {}  # choice -> its calls (function and server)
        # choice -> what it did (_SEEN, _FINISHED, _CALLED bits): one dict rather than a set
        # each, 216 bytes apiece even empty (a gateway holds thousands of parsers).
        self._choices: dict[int, int] = {}
        self._usage: tuple[int | None, ...] | None = None  # last Usage sent

    # -- records ------------------------------------------------------------------------------

    def on_record(
        self, record: SSEEvent | SSERetry | SSEComment | JSONRecord, out: list[Event]
    ) -> None:
        if isinstance(record, SSEEvent):
            if record.type != "message":
                self._typed_event(record, out)
            else:
                self.on_message(record.data, record.offset, out)
            return
        if isinstance(record, JSONRecord):
            value = record.value
        elif isinstance(record, SSEComment):
            out.append(KeepAlive(raw=record.text))
            return
        elif isinstance(record, SSERetry):
            out.append(Other(kind="retry", raw=record))
            return
        else:
            raise malformed(
                f"the gemini dialect cannot read {type(record).__name__} records",
                offset=getattr(record, "offset", 0),
                payload=repr(record),
            )
        # A chunk of the wrong shape raises TypeError: StreamParser reports it at the record.
        if isinstance(value, list):
            for element in value:
                self._chunk(element, out)
        else:
            self._chunk(value, out)

    def on_message(self, data: str, offset: int, out: list[Event]) -> None:
        """The data of a plain ``message`` event at stream *offset*, as ``on_record`` reads
        it (``StreamParser`` calls this through the SSE decoder's sink); raises as
        ``on_record`` does."""
        self._chunk(load_json(data, offset=offset, loads=self._loads), out)

    def _typed_event(self, record: SSEEvent, out: list[Event]) -> None:
        """An SSE event with an ``event:`` type: Gemini sends none; a proxy might."""
        try:
            value = self._loads(record.data)
        except ValueError:
            value = None
        if isinstance(value, dict) and "error" in value:
            self._error(value, out)
            return
        out.append(Other(kind=record.type, raw=record.data))

    # -- one GenerateContentResponse ----------------------------------------------------------

    def _chunk(self, value: Any, out: list[Event]) -> None:
        if type(value) is not dict:
            raise _wrong(value, "a Gemini chunk", "object")
        chunk = value
        if "error" in chunk:
            self._error(chunk, out)
            return
        before = len(out)
        if not self._started:
            self._started = True
            created = chunk.get("createTime")
            out.append(
                StreamStart(
                    id=describe_str(chunk.get("responseId")),
                    model=describe_str(chunk.get("modelVersion")),
                    created=_unix_seconds(created) if type(created) is str else None,
                    provider=self.provider,
                    raw=chunk,
                )
            )
        feedback = chunk.get("promptFeedback")
        if feedback is not None:
            reason = _expect_dict(feedback, "'promptFeedback'").get("blockReason")
            if reason is not None:
                reason = enum_word(reason, _BLOCK_REASONS_BY_NUMBER)
                self._choices[0] = self._choices.get(0, 0) | _SEEN | _FINISHED
                out.append(Finish(reason="content_filter", raw_reason=reason, raw=chunk))
        candidates = chunk.get("candidates")
        if candidates is not None:
            if type(candidates) is not list:
                raise _wrong(candidates, "'candidates'", "array")
            for candidate in candidates:
                if type(candidate) is not dict:
                    raise _wrong(candidate, "a candidate", "object")
                self._candidate(candidate, chunk, out)
        usage = chunk.get("usageMetadata")
        if usage is not None:
            if type(usage) is not dict:
                raise _wrong(usage, "'usageMetadata'", "object")
            self._usage_of(usage, chunk, out)
        if len(out) == before:
            out.append(Other(kind="chunk", raw=chunk))

    def _error(self, chunk: dict[str, Any], out: list[Event]) -> None:
        error = chunk["error"]
        self._errored = True
        if isinstance(error, str):
            out.append(ProviderError(message=error, raw=chunk))
            return
        error = _expect_dict(error, "'error'")
        message = describe_str(error.get("message"))
        out.append(
            ProviderError(
                message=message if message is not None else _compact(error),
                type=describe_str(error.get("status")),
                code=describe_str(error.get("code")),
                raw=chunk,
            )
        )

    def _candidate(
        self, candidate: dict[str, Any], chunk: dict[str, Any], out: list[Event]
    ) -> None:
        choice = candidate.get("index", 0)
        if isinstance(choice, bool) or not isinstance(choice, int) or choice < 0:
            raise TypeError(f"candidate 'index' must be a non-negative integer, not {choice!r}")
        self._choices[choice] = self._choices.get(choice, 0) | _SEEN
        content = candidate.get("content")
        if content is not None:
            if type(content) is not dict:
                raise _wrong(content, "'content'", "object")
            parts = content.get("parts")
            if parts is not None:
                if type(parts) is not list:
                    raise _wrong(parts, "'parts'", "array")
                for part in parts:
                    if type(part) is not dict:
                        raise _wrong(part, "a part", "object")
                    self._part(part, choice, chunk, out)
        if not _CITATION_KEYS.isdisjoint(candidate):
            for field in _CITATION_FIELDS:
                metadata = candidate.get(field)
                if metadata:
                    out.append(Citation(value={field: metadata}, choice=choice, raw=chunk))
        word = candidate.get("finishReason")
        if word is not None:
            end = finish(
                word,
                FINISH_REASONS,
                raw=chunk,
                calls=bool(self._choices[choice] & _CALLED),
                choice=choice,
                names=FINISH_REASONS_BY_NUMBER,
            )
            self._choices[choice] |= _FINISHED
            out.append(end)

    def _part(
        self, part: dict[str, Any], choice: int, chunk: dict[str, Any], out: list[Event]
    ) -> None:
        text = part.get("text")
        if type(text) is str and len(part) == 1:
            # A part that is text alone, nearly every part: what the rest would do with it.
            if text:
                out.append(text_delta(text, choice, chunk))
            return
        thought = part.get("thought", False)
        if not isinstance(thought, bool):
            raise TypeError(f"'thought' must be a boolean, not {thought!r}")
        signature = part.get("thoughtSignature")  # describing: a non-string stays in raw
        text = opt_answer_str(text, "'text'")
        if text:
            if thought:
                out.append(reasoning_delta(text, choice, chunk))
            else:
                out.append(text_delta(text, choice, chunk))
        call = part.get("functionCall")
        if call is not None:
            self._function_call(_expect_dict(call, "'functionCall'"), choice, chunk, out)
        code = part.get("executableCode")
        if code is not None:
            self._code_execution(_expect_dict(code, "'executableCode'"), choice, chunk, out)
        result = part.get("codeExecutionResult")
        if result is not None:
            result = _expect_dict(result, "'codeExecutionResult'")
            out.append(
                ServerToolResult(
                    tool_call_id=describe_str(result.get("id")),
                    kind="codeExecutionResult",
                    content=result,
                    choice=choice,
                    raw=chunk,
                )
            )
        if _HANDLED_PART_FIELDS.isdisjoint(part):
            # A part kind this dialect does not map (inlineData, codeExecutionResult, …).
            # Extra fields beside a mapped one stay reachable through that event's raw chunk.
            for key in part:
                if key not in _PART_QUALIFIERS:
                    out.append(Other(kind=key, raw=chunk))
                    break
        if type(signature) is str and signature:
            out.append(ReasoningSignature(signature=signature, choice=choice, raw=part))

    def _function_call(
        self, call: dict[str, Any], choice: int, chunk: dict[str, Any], out: list[Event]
    ) -> None:
        if "partialArgs" in call or "willContinue" in call:
            out.append(Other(kind="functionCall", raw=chunk))  # not mapped: see the docstring
            return
        name = opt_answer_str(call.get("name"), "'name'")
        args = call.get("args")
        arguments = "{}" if args is None else _compact(_expect_dict(args, "'args'"))
        self._choices[choice] |= _CALLED  # (seen: _candidate marks it before its parts)
        self._whole_call(
            describe_str(call.get("id")), name, arguments, "function", choice, chunk, out
        )

    def _code_execution(
        self, code: dict[str, Any], choice: int, chunk: dict[str, Any], out: list[Event]
    ) -> None:
        arguments = _compact({k: v for k, v in code.items() if k != "id"})
        call_id = describe_str(code.get("id"))
        self._whole_call(call_id, "code_execution", arguments, "server", choice, chunk, out)

    def _whole_call(
        self,
        call_id: str | None,
        name: str | None,
        arguments: str,
        kind: str,
        choice: int,
        chunk: dict[str, Any],
        out: list[Event],
    ) -> None:
        """A call sent whole: start, its one fragment, end; its id is ``call_<index>`` when
        the provider sends none."""
        calls = self._calls.get(choice)
        if calls is None:
            calls = self._calls[choice] = Calls(choice)
        call = calls.start(call_id or f"call_{calls.count}", name, chunk, out, kind=kind)
        calls.delta(call, arguments, chunk, out)
        calls.end(call, chunk, out)

    def _usage_of(self, usage: dict[str, Any], chunk: dict[str, Any], out: list[Event]) -> None:
        counts = tuple(map(usage.get, _USAGE_FIELDS))
        if counts == _NO_COUNTS:
            return
        # Every chunk carries usageMetadata, so this runs per chunk: plain non-negative ints
        # (all Gemini sends) are taken as they are (ints OR'ed together are negative only if
        # one is), anything else goes through _fields.count, which takes an integral float and
        # raises for the rest (the record is reported; a JSON true is not a count). Reading
        # every value with count() cost 6% more of StreamParser's instructions on the
        # gemini-crlf corpus at 1460-byte fragments (callgrind).
        prompt, candidates, thoughts, tool_use, cached, total = counts
        plain = _INT_OR_NONE.issuperset(map(type, counts))
        if plain:
            ored = (prompt or 0) | (candidates or 0) | (thoughts or 0) | (tool_use or 0)
            plain = ored | (cached or 0) | (total or 0) >= 0
        if not plain:
            counts = tuple(map(count, counts, _USAGE_NAMES))
            prompt, candidates, thoughts, tool_use, cached, total = counts
        prompt_tokens = (prompt or 0) + (tool_use or 0)
        completion_tokens = (candidates or 0) + (thoughts or 0)
        if total is None:
            total = prompt_tokens + completion_tokens
        snapshot = (prompt_tokens, completion_tokens, total, cached, thoughts)
        if snapshot == self._usage:
            return
        self._usage = snapshot
        out.append(
            usage_of_counts(chunk, prompt_tokens, completion_tokens, total, cached, thoughts)
        )

    # -- end of input ---------------------------------------------------------------------------

    def on_end(self, out: list[Event]) -> None:
        """End of input (calls arrive whole: none is open): ``Done``, clean when every
        candidate seen finished and no error came. Raises nothing."""
        choices = self._choices.values()
        clean = not self._errored and bool(choices) and all(c & _FINISHED for c in choices)
        self.end_of_input(out, clean=clean)
