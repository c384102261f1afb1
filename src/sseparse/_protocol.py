"""The decoder protocol shared by every framing decoder and by ``StreamParser`` (DESIGN §2).

Theory of operation: a concrete decoder implements two hooks, ``_decode(data, out)`` (consume
bytes, append every item now complete to ``out``) and ``_finish(out)`` (end of input). A hook
that meets bad input appends everything decoded before the fault, then raises a
``ParseError``. This base class turns that into the public contract:

* ``feed`` returns the items; if it also met a fault after some items, it returns them and
  the *next* call raises (nothing decoded before a fault is lost);
* errors are sticky: once raised, every later call raises the same error again;
* ``close`` is idempotent, ``feed``/``receive_data`` after ``close`` is a ``UsageError``;
* ``receive_data`` + ``next_event`` is the same machine pulled one item at a time.
"""

from __future__ import annotations

import contextlib
from collections import deque
from types import TracebackType
from typing import Any, Generic, TypeVar

from .errors import ParseError, UsageError

try:
    # The optional compiled build (docs/compiled.md): the classes mypyc compiles that other
    # classes (interpreted ones included) subclass are marked with this. Pure Python never
    # needs it, and mypy_extensions is not a dependency: without it the marker does nothing.
    from mypy_extensions import mypyc_attr
except ImportError:  # pragma: no cover - mypy_extensions comes with the dev tools

    def mypyc_attr(*attrs: str, **kwattrs: object) -> Any:  # type: ignore[misc]
        return lambda cls: cls


__all__ = ["BytesLike", "Decoder", "check_data", "check_limit", "check_name", "mypyc_attr"]

T = TypeVar("T")

BytesLike = bytes | bytearray | memoryview


def check_data(data: object) -> BytesLike:
    """*data* as bytes the decoders can buffer, or ``UsageError``.

    ``bytes`` and ``bytearray`` are taken as they are. A ``memoryview`` stands for the bytes
    ``view.tobytes()`` gives: its items in logical order, whatever its format, shape or
    strides (a one-dimensional contiguous view of bytes is used without a copy). A released
    view, or anything else, is a ``UsageError``.
    """
    if isinstance(data, (bytes, bytearray)):
        return data
    if not isinstance(data, memoryview):
        raise UsageError(f"expected bytes, bytearray or memoryview, got {type(data).__name__}")
    try:
        plain = data.c_contiguous and data.ndim == 1 and data.itemsize == 1
        return data if plain else data.tobytes()
    except ValueError:  # "operation forbidden on released memoryview object"
        raise UsageError("the memoryview was released") from None


def check_limit(name: str, value: object, *, minimum: int = 1) -> int:
    """Return *value* if it is an ``int`` (not a ``bool``) of at least *minimum*; raise
    ``UsageError`` naming the argument otherwise."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise UsageError(f"{name} must be an int, got {type(value).__name__} {value!r:.40}")
    if value < minimum:
        raise UsageError(f"{name} must be at least {minimum}, got {value}")
    return value


def check_name(name: str, value: object, *, optional: bool = False) -> None:
    """Raise ``UsageError`` unless *value* is a ``str`` (or ``None`` when *optional*)."""
    if not isinstance(value, str) and not (optional and value is None):
        raise UsageError(f"{name} must be a str, got {type(value).__name__} {value!r:.40}")


@mypyc_attr(allow_interpreted_subclasses=True)
class Decoder(Generic[T]):
    """Base of every decoder: subclasses implement ``_decode`` and ``_finish``."""

    __slots__ = ("_closed", "_error", "_error_tb", "_hold", "_queue")

    def __init__(self) -> None:
        # Items decoded by receive_data and not yet pulled; made on first use (an empty deque
        # costs 760 bytes, most of an idle parser: gateways hold thousands).
        self._queue: deque[T] | None = None
        self._error: ParseError | None = None
        # The traceback of the fault as first caught here (from _decode_into/_finish_into
        # down to where it was raised). Every re-raise starts from it, not from the
        # exception's current traceback, which Python extends on each raise: a sticky error
        # re-raised 15,000 times would otherwise carry 15,000 calls' frames.
        self._error_tb: TracebackType | None = None
        self._closed = False
        # For a subclass whose feed first just holds a fragment that completes nothing (the
        # framings: inside a line, inside a message): how far it may hold without a look,
        # -1 whenever something else needs one (a fault, items queued by receive_data, a
        # close). The subclass sets it after each _decode; receive_data turns it off here.
        self._hold = -1

    # -- hooks ----------------------------------------------------------------------------

    def _decode(self, data: BytesLike, out: list[T]) -> None:
        """Consume *data*; append complete items to *out*; raise ``ParseError`` on a fault
        (after appending the items that came before it)."""
        raise NotImplementedError

    def _finish(self, out: list[T]) -> None:
        """End of input: append what the format flushes; raise ``ParseError`` (e.g.
        ``TruncatedStream``) after appending the items that came before the fault."""
        raise NotImplementedError

    def _sticky(self) -> ParseError:
        """The error to raise again, its traceback reset to the original fault's."""
        assert self._error is not None
        return self._error.with_traceback(self._error_tb)

    # -- internal entry points used by composing decoders (StreamParser) ------------------

    def _decode_into(self, data: BytesLike, out: list[T]) -> None:
        """Like ``feed`` but appends to *out* and raises at once (after appending)."""
        if self._error is not None:
            raise self._sticky()
        if self._closed:
            raise UsageError("feed() or receive_data() called after close()")
        if type(data) is not bytes:
            data = check_data(data)
        try:
            self._decode(data, out)
        except ParseError as exc:
            self._error = exc
            self._error_tb = exc.__traceback__
            raise

    def _finish_into(self, out: list[T]) -> None:
        """Like ``close`` but appends to *out* and raises at once (after appending)."""
        if self._error is not None:
            raise self._sticky()
        if self._closed:
            return
        self._closed = True
        try:
            self._finish(out)
        except ParseError as exc:
            self._error = exc
            self._error_tb = exc.__traceback__
            raise

    # -- public API -------------------------------------------------------------------------

    def feed(self, data: BytesLike) -> list[T]:
        """Buffer *data* and return every item now complete, in order.

        Raises ``ParseError`` (a subclass) for bad input — if items were decoded before the
        fault, they are returned and the error is raised by the next call; ``UsageError``
        after ``close()`` or for an argument that is not bytes (see ``check_data``: any
        ``memoryview`` but a released one is read as its bytes).
        """
        if type(data) is bytes and self._error is None and not self._queue and not self._closed:
            # The common case, without _decode_into's layer of checks and call: the same
            # contract (items before a fault first, then the fault, sticky). The framing
            # decoders' own feed (after their held-line step) comes here, called by name
            # (Decoder.feed(self, data): one lookup less than super()). Without this step,
            # 1.01x the instructions for StreamParser("openai") and ("ollama") at 64-byte
            # fragments (callgrind, bench_fragments' corpora, 2026-12-07); a copy of it in
            # each framing's feed had saved another 0.7% (openai) to 2% (ollama,
            # EventStreamDecoder) at 64 bytes, 0.5% at 1460.
            out: list[T] = []
            try:
                self._decode(data, out)
            except ParseError as exc:
                self._error = exc
                self._error_tb = exc.__traceback__
                if not out:
                    raise
            return out
        out = list(self._queue) if self._queue else []
        try:
            self._decode_into(data, out)
        except ParseError:
            self._queue = None
            if not out:
                raise
            return out
        # Cleared only now: a UsageError (bad argument) leaves the queued items in place.
        self._queue = None
        return out

    def close(self) -> list[T]:
        """Signal end of input and return the items it completes (idempotent: a second call
        returns ``[]``).

        Raises ``ParseError`` — typically ``TruncatedStream`` when input ended inside a
        record — after returning any items decoded before it, as ``feed`` does.
        """
        out: list[T] = []
        if self._queue:
            out.extend(self._queue)
            self._queue = None
        try:
            self._finish_into(out)
        except ParseError:
            if not out:
                raise
        return out

    def receive_data(self, data: BytesLike) -> None:
        """Buffer *data* for ``next_event``; ``b""`` is allowed and does nothing.

        Raises a pending ``ParseError`` once the items before it have been pulled, and
        ``UsageError`` after ``close()``. A fault found in *data* is raised by ``next_event``
        once the items decoded before it have been pulled.
        """
        if self._error is not None and not self._queue:
            raise self._sticky()
        if self._closed:
            raise UsageError("receive_data() called after close()")
        out: list[T] = []
        # A fault is kept in self._error and raised by next_event when the queue runs dry.
        with contextlib.suppress(ParseError):
            self._decode_into(data, out)
        if out:
            if self._queue is None:
                self._queue = deque(out)
            else:
                self._queue.extend(out)
        if self._queue:
            self._hold = -1  # feed returns the queued items first (see __init__)

    def next_event(self) -> T | None:
        """Return the next complete item, or ``None`` when more bytes are needed (or, after
        ``close()``, when everything has been returned).

        Raises the ``ParseError`` found in the input once every item before it was returned.
        """
        if self._queue:
            return self._queue.popleft()
        if self._error is not None:
            raise self._sticky()
        return None

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed
