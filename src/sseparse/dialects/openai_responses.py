"""The ``openai-responses`` dialect: OpenAI Responses API streaming events to LLM events.

Theory of operation
-------------------
Each SSE event's ``data`` is a JSON object whose ``type`` names the event (OpenAI also sends it
as the SSE ``event:`` name; OpenRouter does not, so the dialect reads ``type`` only). The
response is a list of *output items* (``message``, ``reasoning``, ``function_call``, built-in
tool calls…), each opened by ``response.output_item.added`` and closed by
``response.output_item.done``; deltas name their item by ``output_index`` (and ``item_id``).
The mapping:

=============================================  ================================================
``response.created``                           ``StreamStart(id, model, created, "openai")``
``response.output_item.added``                 tool-call items → ``ToolCallStart``
``response.function_call_arguments.delta``,    ``ToolCallDelta``
``response.custom_tool_call_input.delta``,
``response.mcp_call_arguments.delta``
``response.output_item.done``                  tool-call items → ``ToolCallEnd`` (whole
                                               arguments); reasoning items with
                                               ``encrypted_content`` → ``ReasoningSignature(
                                               redacted=True)``
``response.output_text.delta``                 ``TextDelta``
``response.refusal.delta``                     ``RefusalDelta``
``response.reasoning_summary_text.delta``,     ``ReasoningDelta``
``response.reasoning_text.delta``
``response.output_text.annotation.added``      ``Citation(value=annotation)``
``response.completed`` / ``.incomplete``       ``Finish``, ``Usage`` (when sent),
                                               ``Done(clean=True)``
``response.failed``                            ``ProviderError`` (its ``error``),
                                               ``Finish("error")``, ``Usage``,
                                               ``Done(clean=True)``
``error`` (flat or nested ``error`` object)    ``ProviderError(message, type, code)``
anything else                                  ``Other(kind=<type>)``
=============================================  ================================================

Every record produces at least one event: one that maps to nothing above (lifecycle events
such as ``response.in_progress``, ``content_part.added``, the ``*.done`` events that repeat the
deltas, built-in tool progress like ``web_search_call.searching``, code-interpreter code deltas)
yields ``Other(kind=<type>)`` so its payload is never lost. ``data: [DONE]``, which some gateways
(OpenRouter) append, yields nothing; SSE comments yield ``KeepAlive``. Every event's ``raw`` is
the parsed event object, ``sequence_number`` included.

Tool calls. ``ToolCallStart.index`` is the ordinal of the call among the response's tool-call
items, in order of appearance (not ``output_index``, which counts messages and reasoning
items too). Which items are tool calls, and their ``kind``:

- ``function_call`` (arguments streamed) and ``custom_tool_call`` (free-form ``input``
  streamed): ``kind="function"``, ``id`` = ``call_id``, ``name`` = ``name``;
- ``computer_call``, ``local_shell_call``, ``shell_call``, ``apply_patch_call`` and any item
  with ``"execution": "client"`` (a client-executed ``tool_search_call``): built-in tools the
  *client* runs, so ``kind="function"`` too;
- every other ``*_call`` item (``web_search_call``, ``file_search_call``,
  ``code_interpreter_call``, ``mcp_call``, ``image_generation_call``, server
  ``tool_search_call``…): provider-executed, ``kind="server"``.

For built-in items ``id`` is ``call_id`` when sent, else the item ``id``; ``name`` is the item's
``name`` when it has one (``mcp_call``), else the type without ``_call`` (``"web_search"``). Their
arguments are the item's ``arguments`` (a string as sent, an object as compact JSON), else a
compact JSON object of whichever of ``action``, ``code``, ``queries``, ``input``, ``operation``
the finished item holds. ``ToolCallEnd`` is emitted at ``output_item.done`` with the finished
item's arguments (for ``function_call``, its ``arguments``); when those extend what the deltas
carried, one ``ToolCallDelta`` with the rest is emitted first, so a call's deltas join to its
``ToolCallEnd.arguments``. Calls still open at the terminal event or end of input are ended
with the fragments received (or, when none came, the string arguments the
``output_item.added`` item already held).

Reasoning summary parts and reasoning content parts are passed on as sent, one
``ReasoningDelta`` per delta; no separator is inserted between parts.

Finish reasons: ``response.completed`` → ``tool_calls`` when a ``kind="function"`` call was
emitted, else ``stop`` (``raw_reason="completed"``); ``response.incomplete`` →
``incomplete_details.reason`` ``max_output_tokens`` → ``length``, ``content_filter`` →
``content_filter``, any other → ``other`` (``raw_reason`` = that reason); ``response.failed`` →
``error`` (``raw_reason="failed"``).

``response.failed`` is the provider's end marker: the stream is complete, the *response* failed.
So it gives ``Done(clean=True)`` (``clean`` is about truncation) preceded by ``ProviderError``
and ``Finish(reason="error")``. A bare ``error`` event is not an end marker: if input then ends
without a terminal event, ``Done(clean=False)`` follows.

Usage (already OpenAI's inclusive meaning): ``prompt_tokens`` = ``input_tokens`` (includes
``input_tokens_details.cached_tokens`` → ``cached_tokens``), ``completion_tokens`` =
``output_tokens`` (includes ``output_tokens_details.reasoning_tokens`` → ``reasoning_tokens``),
``total_tokens`` = ``total_tokens`` (or the sum); ``cache_write_tokens`` =
``input_tokens_details.cache_write_tokens`` where a gateway sends it (Bedrock's OpenAI-compatible
endpoint; taken as already counted in ``input_tokens``, like cached tokens — the one capture
has 0); ``cost`` when a gateway adds a numeric one
(OpenRouter).

End of stream: the first terminal event emits ``Done(clean=True)`` at once; records after it
are still decoded (a second terminal event becomes ``Other``). At end of input open calls are
ended, then ``Done(clean=False)`` if no terminal event came: exactly one ``Done`` per stream.

Errors: a payload that is not a JSON object with a string ``type``, or whose fields have the
wrong types, raises ``MalformedPayload`` at the record's offset.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from ..events import (
    Citation,
    Event,
    Finish,
    FinishReason,
    ProviderError,
    ReasoningDelta,
    ReasoningSignature,
    RefusalDelta,
    StreamStart,
    TextDelta,
    Usage,
)
from ._base import Handler
from ._calls import Call, Calls
from ._claims import json_of, sse_type
from ._errors import provider_error
from ._fields import answer_str, count, describe_int, describe_str, opt_answer_str
from ._finish import finish
from ._typed_sse import TypedJSONDialect
from ._usage import build_usage, sub

__all__ = ["INCOMPLETE_REASONS", "OpenAIResponsesDialect", "usage_from"]

_COMPLETED: dict[str, FinishReason] = {"completed": "stop"}
INCOMPLETE_REASONS: dict[str, FinishReason] = {
    "max_output_tokens": "length",
    "content_filter": "content_filter",
}

# Items carrying client-run calls, and the field holding their arguments.
_FUNCTION_ITEMS = {"function_call": "arguments", "custom_tool_call": "input"}
_CLIENT_BUILTINS = frozenset(
    {"computer_call", "local_shell_call", "shell_call", "apply_patch_call"}
)
_ARGUMENT_FIELDS = ("action", "code", "queries", "input", "operation")


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def usage_from(usage: dict[str, Any], raw: Any = None) -> Usage:
    """Build ``Usage`` from a Responses ``usage`` object (see module doc).

    Raises ``TypeError``/``AttributeError`` for counts of the wrong type (reported by the
    caller as ``Malformed``); a cost of another type is ``None``.
    """
    in_details = usage.get("input_tokens_details")
    return build_usage(
        raw,
        prompt=usage.get("input_tokens"),
        completion=usage.get("output_tokens"),
        total=usage.get("total_tokens"),
        cached=sub(in_details, "cached_tokens"),
        reasoning=sub(usage.get("output_tokens_details"), "reasoning_tokens"),
        cache_write=sub(in_details, "cache_write_tokens"),
        cost=usage.get("cost"),
    )


class OpenAIResponsesDialect(TypedJSONDialect):
    """OpenAI Responses streaming events to LLM events.

    ``on_record`` raises ``MalformedPayload`` for a payload that is not a JSON object with a
    string ``type``, and lets the ``KeyError``/``TypeError``/``AttributeError``/``ValueError``/
    ``IndexError`` of a field of the wrong shape escape (the parser's bad-record policy reports
    it at the record); ``on_end`` raises nothing.
    """

    name: ClassVar[str] = "openai-responses"
    provider: ClassVar[str] = "openai"

    __slots__ = ("_calls", "_functions")

    def __init__(self) -> None:
        # Open calls are keyed by ("index", output_index) and ("item", item id).
        self._calls = Calls()
        self._functions = 0  # kind="function" calls seen (for the finish reason)

    @classmethod
    def claims(cls, record: Any) -> bool:
        """A payload (or, when its data says nothing, an SSE event name) of type
        ``response.*``."""
        value = json_of(record)
        kind = value.get("type") if type(value) is dict else None
        if type(kind) is not str:
            kind = sse_type(record)
        return kind is not None and kind.startswith("response.")

    # -- records ---------------------------------------------------------------------------

    text_event: ClassVar[str | None] = "response.output_text.delta"

    def text_of(self, value: dict[str, Any]) -> Any:
        return value["delta"]

    # -- content ---------------------------------------------------------------------------

    def _text(self, value: dict[str, Any], out: list[Event]) -> None:
        text = answer_str(value["delta"], "delta")
        if text:
            out.append(TextDelta(text=text, raw=value))

    def _refusal(self, value: dict[str, Any], out: list[Event]) -> None:
        text = answer_str(value["delta"], "delta")
        if text:
            out.append(RefusalDelta(text=text, raw=value))

    def _reasoning(self, value: dict[str, Any], out: list[Event]) -> None:
        text = answer_str(value["delta"], "delta")
        if text:
            out.append(ReasoningDelta(text=text, raw=value))

    def _annotation(self, value: dict[str, Any], out: list[Event]) -> None:
        out.append(Citation(value=value["annotation"], raw=value))

    def _created(self, value: dict[str, Any], out: list[Event]) -> None:
        response = value["response"]
        out.append(
            StreamStart(
                id=describe_str(response.get("id")),
                model=describe_str(response.get("model")),
                created=describe_int(response.get("created_at")),
                provider="openai",
                raw=value,
            )
        )

    def _error(self, value: dict[str, Any], out: list[Event]) -> None:
        error = value.get("error")
        source = error if isinstance(error, dict) else value
        message = source.get("message")
        etype = source.get("type") if source is error else None
        code = source.get("code")
        out.append(
            ProviderError(
                message=message if type(message) is str else _compact(value),
                type=etype if type(etype) is str else None,
                code=None if code is None else str(code),
                raw=value,
            )
        )

    # -- output items and tool calls -------------------------------------------------------

    def _find(self, value: dict[str, Any]) -> Call | None:
        index = value.get("output_index")
        if index is not None:
            call = self._calls.get(("index", index))
            if call is not None:
                return call
        item_id = value.get("item_id")
        return self._calls.get(("item", item_id)) if item_id is not None else None

    def _item_added(self, value: dict[str, Any], out: list[Event]) -> None:
        item = value["item"]
        itype = answer_str(item["type"], "item type")
        if itype in _FUNCTION_ITEMS:
            kind = "function"
            call_id = opt_answer_str(item.get("call_id"), "call_id")
            name = opt_answer_str(item.get("name"), "name")
        elif itype.endswith("_call"):
            client = itype in _CLIENT_BUILTINS or item.get("execution") == "client"
            kind = "function" if client else "server"
            call_id = opt_answer_str(item.get("call_id"), "call_id") or opt_answer_str(
                item.get("id"), "item id"
            )
            name = item.get("name")
            name = name if type(name) is str else itype[:-5]
        else:
            return
        # Validate everything before any state changes.
        index = count(value.get("output_index"), "output_index")
        item_id = opt_answer_str(item.get("id"), "item id")
        initial = item.get(_FUNCTION_ITEMS.get(itype, "arguments"))
        calls = self._calls
        old = calls.get(("index", index)) if index is not None else None
        if old is not None:  # an output index reused while open: end the old call first
            self._end(old, out, None, None)
        call = calls.start(
            call_id, name, value, out, key=None if index is None else ("index", index), kind=kind
        )
        if item_id is not None:
            calls.bind(call, ("item", item_id))
        if type(initial) is str:
            call.initial = initial  # already present in output_item.added (some gateways)
        if kind == "function":
            self._functions += 1

    def _arguments(self, value: dict[str, Any], out: list[Event]) -> None:
        fragment = answer_str(value["delta"], "delta")
        call = self._find(value)
        if call is not None:
            self._calls.delta(call, fragment, value, out)

    def _item_done(self, value: dict[str, Any], out: list[Event]) -> None:
        item = value["item"]
        call = self._find(value)
        if call is None and isinstance(item, dict):
            call = self._calls.get(("item", item.get("id")))
        if call is not None:
            self._end(call, out, value, _final_arguments(item))
        elif item["type"] == "reasoning":
            encrypted = item.get("encrypted_content")
            if encrypted:
                signature = answer_str(encrypted, "encrypted_content")
                out.append(ReasoningSignature(signature=signature, redacted=True, raw=value))

    def _end(self, call: Call, out: list[Event], raw: Any, final: str | None) -> None:
        """End *call*: its arguments are the deltas, extended by the finished item's (or,
        when nothing streamed, by those output_item.added held)."""
        self._calls.end(call, raw, out, final if final is not None else call.initial)

    def close_calls(self, raw: Any, out: list[Event]) -> None:
        for ordinal in sorted(self._calls.open):
            self._end(self._calls.open[ordinal], out, raw, None)

    # -- the end ---------------------------------------------------------------------------

    def _terminal(self, value: dict[str, Any], out: list[Event]) -> None:
        if self._done:
            return  # a second terminal event: reported as Other
        response = value["response"]
        self.close_calls(value, out)
        kind = value["type"]
        if kind == "response.completed":
            end = finish("completed", _COMPLETED, raw=value, calls=self._functions > 0)
        elif kind == "response.incomplete":
            details = response.get("incomplete_details") or {}
            word = opt_answer_str(details.get("reason"), "reason") or "incomplete"
            end = finish(word, INCOMPLETE_REASONS, raw=value)
        else:
            error = response.get("error")
            if isinstance(error, dict):
                out.append(provider_error(error, value))
            end = Finish(reason="error", raw_reason="failed", raw=value)
        out.append(end)
        usage = response.get("usage")
        if usage is not None:
            out.append(usage_from(usage, value))
        self.end_marker(value, out)

    # A handler per event type: one table for the class (bound methods per instance
    # would cost ~1 KiB of every idle parser).
    _handlers: ClassVar[dict[str, Handler]] = {
        "response.output_text.delta": _text,
        "response.function_call_arguments.delta": _arguments,
        "response.custom_tool_call_input.delta": _arguments,
        "response.mcp_call_arguments.delta": _arguments,
        "response.reasoning_summary_text.delta": _reasoning,
        "response.reasoning_text.delta": _reasoning,
        "response.refusal.delta": _refusal,
        "response.output_item.added": _item_added,
        "response.output_item.done": _item_done,
        "response.output_text.annotation.added": _annotation,
        "response.created": _created,
        "response.completed": _terminal,
        "response.incomplete": _terminal,
        "response.failed": _terminal,
        "error": _error,
    }


def _final_arguments(item: Any) -> str | None:
    """The whole arguments string of a finished tool-call item (see the module doc)."""
    if not isinstance(item, dict):
        raise TypeError("'item' is not an object")
    field = _FUNCTION_ITEMS.get(item.get("type"))  # type: ignore[arg-type]
    if field is not None:
        return opt_answer_str(item.get(field), field)
    arguments = item.get("arguments")
    if type(arguments) is str:
        return arguments
    if arguments is not None:
        return _compact(arguments)
    return _compact({k: item[k] for k in _ARGUMENT_FIELDS if item.get(k) is not None})
