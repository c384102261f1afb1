"""The one tool-call tracker every dialect uses (issue 9).

A dialect says when a call starts (with the provider's own key for it, if any: an index, an
item id), feeds its argument fragments and says when it ends; the tracker numbers the calls
(``index`` is an ordinal per choice in order of first appearance, because providers' own
indexes are unreliable), finds them again (by key, by id, or the latest), and applies the one
end policy: ``ToolCallEnd.arguments`` is exactly the joined ``ToolCallDelta`` fragments, so a
call without arguments ends with ``""`` (``ToolCall.parsed`` reads that as ``{}``). When the
provider repeats the whole arguments at the end and they extend what streamed, the rest is
emitted as one more ``ToolCallDelta`` first.
"""

from __future__ import annotations

from typing import Any

from ..events import Event, ToolCallDelta, ToolCallEnd, ToolCallStart

__all__ = ["Call", "Calls"]


class Call:
    """One tool call while it streams."""

    __slots__ = ("id", "initial", "keys", "kind", "name", "open", "ordinal", "parts")

    def __init__(self, ordinal: int, id: str | None, name: str | None, kind: str) -> None:
        self.ordinal = ordinal
        self.id = id
        self.name = name
        self.kind = kind
        self.parts: list[str] = []
        self.keys: list[Any] = []  # the provider's keys it was bound to (see Calls.bind)
        self.open = True
        # What the provider sent as the arguments when the call opened (Anthropic's
        # content_block_start "input", a Responses output_item.added's arguments), for the
        # dialect that reads it at the end; held by the call, not in a table of the dialect.
        self.initial: Any = None

    def arguments(self) -> str:
        """The fragments so far, joined (and kept joined, so a second read is free)."""
        if len(self.parts) > 1:
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""


class Calls:
    """The tool calls of one choice: open calls by the provider's key and by id, the latest."""

    __slots__ = ("by_id", "choice", "count", "keyed", "latest", "open")

    def __init__(self, choice: int = 0) -> None:
        self.choice = choice
        self.count = 0  # calls started so far: the next ordinal
        self.open: dict[int, Call] = {}  # ordinal -> open call
        self.keyed: dict[Any, Call] = {}  # the provider's key (index, item id) -> open call
        self.by_id: dict[str, Call] = {}
        # The call started or re-opened last, while it is open (so that an ended call, its
        # arguments included, is not held for nothing: what a delta that names no call is
        # matched to, in OpenAI-compatible streams).
        self.latest: Call | None = None

    def start(
        self,
        id: str | None,
        name: str | None,
        raw: Any,
        out: list[Event],
        *,
        key: Any = None,
        kind: str = "function",
    ) -> Call:
        """Open a call (``ToolCallStart``). A *key* still held by an open call ends that call
        first (a provider reusing an index)."""
        if key is not None:
            old = self.keyed.get(key)
            if old is not None:
                self.end(old, raw, out)
        call = Call(self.count, id, name, kind)
        self.count += 1
        self.open[call.ordinal] = call
        if key is not None:
            self.bind(call, key)
        if id is not None:
            self.by_id[id] = call
        self.latest = call
        out.append(
            ToolCallStart(
                index=call.ordinal, id=id, name=name, kind=kind, choice=self.choice, raw=raw
            )
        )
        return call

    def bind(self, call: Call, key: Any) -> None:
        """Find the open *call* under the provider's *key* too (an item id beside an index)."""
        self.keyed[key] = call
        call.keys.append(key)

    def get(self, key: Any) -> Call | None:
        """The open call under the provider's *key*, if any."""
        return self.keyed.get(key)

    def delta(self, call: Call, fragment: str, raw: Any, out: list[Event]) -> None:
        """A fragment of *call*'s arguments (``ToolCallDelta``; an empty one is no event)."""
        if fragment:
            call.parts.append(fragment)
            out.append(
                ToolCallDelta(index=call.ordinal, arguments=fragment, choice=self.choice, raw=raw)
            )

    def end(self, call: Call, raw: Any, out: list[Event], whole: str | None = None) -> None:
        """End *call* (``ToolCallEnd``); *whole* is the full arguments when the provider
        repeats them: what extends the fragments is streamed first, a conflicting value is
        ignored (the end carries exactly the joined fragments). Ending twice is a no-op."""
        if not call.open:
            return
        call.open = False
        # Drop only what points at this call (a key or an id may have moved to a newer
        # call since): the call's own keys, never a scan of the tables, so N ends are O(N).
        self.open.pop(call.ordinal, None)
        keyed = self.keyed
        for key in call.keys:
            if keyed.get(key) is call:
                del keyed[key]
        call.keys.clear()
        if call.id is not None and self.by_id.get(call.id) is call:
            del self.by_id[call.id]
        if self.latest is call:
            self.latest = None  # (an ended call is never the latest open one: see latest)
        if not self.open:
            # No call open: every table is empty, but a dict keeps the table it grew to (224
            # bytes for a few keys, 64 cleared). A gateway holds thousands of parsers between
            # calls (benchmarks/deepsize.py).
            self.open.clear()
            keyed.clear()
            self.by_id.clear()
        sent = call.arguments()
        if whole is not None and len(whole) > len(sent) and whole.startswith(sent):
            self.delta(call, whole[len(sent) :], raw, out)
            sent = whole
        out.append(
            ToolCallEnd(
                index=call.ordinal,
                id=call.id,
                name=call.name,
                arguments=sent,
                kind=call.kind,
                choice=self.choice,
                raw=raw,
            )
        )

    def end_all(self, raw: Any, out: list[Event]) -> None:
        """End every open call, in order of ordinal."""
        for ordinal in sorted(self.open):
            self.end(self.open[ordinal], raw, out)

    def whole(
        self, id: str | None, name: str | None, arguments: str, raw: Any, out: list[Event]
    ) -> None:
        """A call sent whole in one record: start, one fragment, end."""
        call = self.start(id, name, raw, out)
        self.delta(call, arguments, raw, out)
        self.end(call, raw, out)
