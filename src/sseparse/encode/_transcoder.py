"""What both transcoders share: response metadata, call bookkeeping, the end state."""

from __future__ import annotations

from typing import get_args

from ..errors import UsageError
from ..events import Event, StreamStart, Usage

# Every member of the closed union, so a new event kind is accepted (and, until a writer
# learns it, not written) rather than refused as a non-event.
EVENT_TYPES: tuple[type, ...] = get_args(Event)


class Call:
    """One client tool call being written: its header is written once its name is known
    (or at its first fragment), then argument fragments; ``sent`` is what was written."""

    __slots__ = ("header", "id", "name", "out", "sent", "stopped")

    def __init__(self, out: int) -> None:
        self.out = out  # the call's position in the output (its own numbering)
        self.id: str | None = None
        self.name: str | None = None
        self.header = False
        self.sent: list[str] = []
        self.stopped = False

    def remainder(self, arguments: str) -> str:
        """What of the whole *arguments* string is still to write: the part after what was
        sent when that is a prefix of it; nothing when the fragments disagree with it (they
        are already on the wire and cannot be taken back)."""
        sent = "".join(self.sent)
        self.sent[:] = [sent] if sent else []
        return arguments[len(sent) :] if arguments.startswith(sent) else ""


class Transcoder:
    """Event intake shared by the writers: metadata until the first chunk, the ``close``
    rule, the check that each event is an sseparse event."""

    def __init__(self, name: str, id: str | None, model: str | None) -> None:
        self._name = name
        for name, value in (("id", id), ("model", model)):
            if value is not None and not isinstance(value, str):
                raise UsageError(f"{self._name}: {name} must be a str or None, got {value!r}")
        self._id = id
        self._model = model
        self._started = False
        self._closed = False
        self._clean: bool | None = None  # None: no Done seen
        self._usage: Usage | None = None
        self._server: set[tuple[int, int]] = set()  # (choice, index) of server-run tools

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    def _check(self, event: object) -> None:
        if self._closed:
            raise UsageError(f"{self._name}.encode() after close()")
        if not isinstance(event, EVENT_TYPES):
            raise UsageError(f"{self._name}: not an sseparse event: {event!r}")

    def _start(self, event: StreamStart) -> None:
        # Metadata is fixed by the first chunk written; until then the first value wins.
        if not self._started:
            self._id = self._id or event.id
            self._model = self._model or event.model

    def _is_server(self, choice: int, index: int, kind: str | None = None) -> bool:
        key = (choice, index)
        if kind == "server":
            self._server.add(key)
        return key in self._server

    def _close(self) -> bool:
        """Mark the writer closed; ``False`` when it already was (``close`` is idempotent)."""
        first = not self._closed
        self._closed = True
        return first
