"""The readable view: the stream shown like the conversation it carries.

Answer text is streamed as text; reasoning is dimmed (and labelled), refusals and errors
stand out, tool calls show their name and their arguments as they stream, a signature is
shortened to its ends and length; ``Other`` and ``KeepAlive`` appear only when verbose; a
final line sums up the finish, the usage and how the stream ended. Every stream-controlled
string goes through ``safe()``.
"""

from __future__ import annotations

from typing import TextIO

from ..accumulate import Accumulator
from ..events import (
    Citation,
    Done,
    Event,
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
    _count_repr,  # safe past the int digit limit
)
from ._text import safe, to_json

__all__ = ["View"]

_STYLES = {"dim": "2", "bold": "1", "red": "31", "yellow": "33", "cyan": "36", "magenta": "35"}
_SHORT = 24  # a signature longer than this shows its two ends and its length


def _short(text: str) -> str:
    if len(text) <= _SHORT:
        return safe(text)
    return f"{safe(text[:10])}…{safe(text[-10:])} ({len(text)} chars)"


class View:
    """Writes events to *out* as they arrive (``event``), then ``summary``."""

    def __init__(self, out: TextIO, *, color: bool, verbose: bool) -> None:
        self._out = out
        self._color = color
        self._verbose = verbose
        self._section: tuple[str, int, int] | None = None  # (kind, choice, call index)
        self._at_line_start = True
        self._later: dict[int, list[Event]] = {}  # choices past the first, shown at the end
        self._streamed_calls: set[tuple[int, int]] = set()

    def _style(self, text: str, style: str) -> str:
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if self._color and text else text

    def _write(self, text: str) -> None:
        if text:
            self._out.write(text)
            self._at_line_start = text.endswith("\n")

    def _line(self, text: str, style: str) -> None:
        """A line of its own (ends the current section)."""
        self._newline()
        self._section = None
        self._write(self._style(text, style) + "\n")

    def _newline(self) -> None:
        if not self._at_line_start:
            self._write("\n")

    def _enter(self, kind: str, choice: int, index: int = -1) -> None:
        """Start section *kind* of *choice* unless it is the current one."""
        key = (kind, choice, index)
        if self._section == key:
            return
        self._newline()
        self._section = key
        prefix = f"[{choice}] " if choice else ""
        label = {"reasoning": "thinking: ", "refusal": "refusal: "}.get(kind, "")
        if prefix or label:
            self._write(self._style(prefix + label, "dim" if kind != "refusal" else "yellow"))

    def event(self, event: Event) -> None:
        """Show one event (most write nothing until there is something to read). Choice 0
        streams live; the content of other choices (OpenAI ``n > 1``) is kept and shown
        per choice by ``summary``, since interleaved answers do not read."""
        choice = getattr(event, "choice", 0)
        if choice:
            self._later.setdefault(choice, []).append(event)
            return
        self._show(event)

    def _show(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            self._enter("text", event.choice)
            self._write(safe(event.text, multiline=True))
        elif isinstance(event, ReasoningDelta):
            self._enter("reasoning", event.choice)
            self._write(self._style(safe(event.text, multiline=True), "dim"))
        elif isinstance(event, RefusalDelta):
            self._enter("refusal", event.choice)
            self._write(self._style(safe(event.text, multiline=True), "yellow"))
        elif isinstance(event, ToolCallStart):
            self._call_head(event.choice, event.index, event.name, event.id, event.kind)
        elif isinstance(event, ToolCallDelta):
            if self._section != ("call", event.choice, event.index):
                self._call_head(event.choice, event.index, None, None, "function")
            self._streamed_calls.add((event.choice, event.index))
            self._write(safe(event.arguments, multiline=True))
        elif isinstance(event, ToolCallEnd):
            key = (event.choice, event.index)
            if key not in self._streamed_calls:  # no fragments: show the arguments whole
                if self._section != ("call", *key):
                    self._call_head(event.choice, event.index, event.name, event.id, event.kind)
                self._write(safe(event.arguments, multiline=True))
            self._streamed_calls.discard(key)
            self._newline()
            self._section = None
        elif isinstance(event, ReasoningSignature):
            what = "redacted thinking" if event.redacted else "signature"
            self._line(f"[{what} {_short(event.signature)}]", "dim")
        elif isinstance(event, ServerToolResult):
            self._line(f"← {safe(event.kind)} for {safe(str(event.tool_call_id))}", "magenta")
        elif isinstance(event, ProviderError):
            self._line(self._error(event), "red")
        elif isinstance(event, Malformed):
            where = "" if event.offset is None else f" at byte {event.offset}"
            self._line(f"[malformed record{where}: {safe(event.message)}]", "yellow")
        elif isinstance(event, StreamStart):
            parts = [
                f"{name}={safe(str(value))}"
                for name, value in (("id", event.id), ("model", event.model),
                                    ("provider", event.provider))
                if value is not None
            ]  # fmt: skip
            if parts:
                self._line("# " + " ".join(parts), "dim")
        elif self._verbose:
            self._verbose_event(event)
        # Usage, Finish, Done: in the summary.

    def _verbose_event(self, event: Event) -> None:
        if isinstance(event, KeepAlive):
            self._line("[keep-alive]", "dim")
        elif isinstance(event, Other):
            self._line(f"[other: {safe(event.kind)}]", "dim")
        elif isinstance(event, Citation):
            text = to_json(event.value)
            text = text if len(text) <= 200 else text[:199] + "…"
            self._line(f"[citation {safe(text)}]", "dim")
        elif isinstance(event, Done):
            self._line(f"[end: {'clean' if event.clean else 'unclean'}]", "dim")
        else:  # Usage, Finish: every other kind is shown whatever the verbosity
            self._line(f"[{safe(repr(event))}]", "dim")

    def _call_head(
        self, choice: int, index: int, name: str | None, id: str | None, kind: str
    ) -> None:
        self._enter("call", choice, index)
        what = "server tool" if kind == "server" else "tool call"
        ident = f" ({safe(id)})" if id else ""
        self._write(self._style(f"→ {what} {safe(name or '?')}{ident}: ", "cyan"))

    @staticmethod
    def _error(event: ProviderError) -> str:
        detail = ", ".join(
            f"{name}={safe(value)}" for name, value in (("type", event.type), ("code", event.code))
            if value is not None
        )  # fmt: skip
        return f"error: {safe(event.message)}" + (f" ({detail})" if detail else "")

    def summary(self, acc: Accumulator) -> None:
        """The other choices' content, then the closing line: finish per choice, usage, how
        the stream ended."""
        for choice in sorted(self._later):
            self._section = None
            for event in self._later[choice]:
                self._show(event)
        self._newline()
        parts = []
        finishes = [
            f"{m.finish_reason or 'none'}" + (f" ({safe(m.finish_reason_raw)})"
                                    if m.finish_reason_raw and m.finish_reason_raw != m.finish_reason else "")
            for m in acc.messages
        ]  # fmt: skip
        if len(finishes) > 1:
            parts.append("finish: " + ", ".join(f"[{i}] {f}" for i, f in enumerate(finishes)))
        elif finishes:
            parts.append("finish: " + finishes[0])
        usage = acc.usage
        if usage is not None:
            counts = [
                f"{_count_repr(value)} {name}"
                for name, value in (("in", usage.prompt_tokens), ("out", usage.completion_tokens),
                                    ("total", usage.total_tokens))
                if value is not None
            ]  # fmt: skip
            parts.append("tokens: " + " / ".join(counts))
        if acc.errors:
            parts.append(f"provider errors: {len(acc.errors)}")
        if acc.malformed:
            parts.append(f"malformed records: {len(acc.malformed)}")
        if not acc.done:
            parts.append("end: none (input ended early)")
        else:
            parts.append("end: " + ("clean" if acc.clean else "unclean"))
        style = "red" if acc.errors else ("dim" if acc.clean else "yellow")
        self._write(self._style("— " + " · ".join(parts), style) + "\n")
