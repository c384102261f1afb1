"""The shared decoder protocol (DESIGN §2) on a toy decoder, independent of any format."""

from __future__ import annotations

import pytest

from sseparse._protocol import BytesLike, Decoder
from sseparse.errors import Error, ParseError, TruncatedStream, UsageError
from sseparse.testing import assert_fragmentation_invariant


class Semicolons(Decoder[bytes]):
    """Items end with ``;``; ``!`` is bad input; leftovers at close are truncated."""

    def __init__(self) -> None:
        super().__init__()
        self.buf = bytearray()
        self.pos = 0

    def _decode(self, data: BytesLike, out: list[bytes]) -> None:
        self.buf += data
        while True:
            bang = self.buf.find(b"!")
            end = self.buf.find(b";")
            if bang >= 0 and (end < 0 or bang < end):
                raise ParseError("bang", offset=self.pos + bang)
            if end < 0:
                return
            out.append(bytes(self.buf[:end]))
            del self.buf[: end + 1]
            self.pos += end + 1

    def _finish(self, out: list[bytes]) -> None:
        if self.buf:
            raise TruncatedStream("leftover", offset=self.pos, received=len(self.buf))


def test_items_in_order_for_any_fragmentation() -> None:
    outcome = assert_fragmentation_invariant(Semicolons, b"a;bb;;ccc;")
    assert outcome.items == [b"a", b"bb", b"", b"ccc"]
    assert outcome.error is None


def test_fault_after_items_returns_items_then_raises_next_call() -> None:
    d = Semicolons()
    assert d.feed(b"a;b;!") == [b"a", b"b"]
    with pytest.raises(ParseError) as info:
        d.feed(b"more")
    assert info.value.offset == 4
    # sticky: every later call raises the same error
    for call in (lambda: d.feed(b""), d.close, d.next_event, lambda: d.receive_data(b"x")):
        with pytest.raises(ParseError) as again:
            call()
        assert again.value is info.value


def test_fault_with_no_items_raises_at_once() -> None:
    d = Semicolons()
    with pytest.raises(ParseError):
        d.feed(b"!")


def test_outcome_of_bad_input_is_the_same_for_every_fragmentation() -> None:
    outcome = assert_fragmentation_invariant(Semicolons, b"x;yy;z!w;")
    assert outcome.items == [b"x", b"yy"]
    assert outcome.error == (ParseError, 6)


def test_truncation_at_close() -> None:
    outcome = assert_fragmentation_invariant(Semicolons, b"a;tail")
    assert outcome.items == [b"a"]
    assert outcome.error == (TruncatedStream, 2)


def test_close_is_idempotent_and_feed_after_close_is_usage_error() -> None:
    d = Semicolons()
    assert d.feed(b"a;") == [b"a"]
    assert d.close() == []
    assert d.close() == []
    assert d.closed
    with pytest.raises(UsageError):
        d.feed(b"b;")
    with pytest.raises(UsageError):
        d.receive_data(b"b;")
    assert d.next_event() is None


def test_non_bytes_is_usage_error_not_type_error() -> None:
    d = Semicolons()
    with pytest.raises(UsageError):
        d.feed("text;")  # type: ignore[arg-type]
    assert issubclass(UsageError, Error) and issubclass(UsageError, RuntimeError)


def test_accepts_bytearray_and_memoryview_and_copies() -> None:
    d = Semicolons()
    buf = bytearray(b"ab;c")
    assert d.feed(buf) == [b"ab"]
    buf[:] = b"XXXX"  # the caller may reuse its buffer right away
    assert d.feed(memoryview(b"d;")) == [b"cd"]


def test_pull_api_keeps_causal_order() -> None:
    d = Semicolons()
    d.receive_data(b"a;b;!c;")
    assert d.next_event() == b"a"
    assert d.next_event() == b"b"
    with pytest.raises(ParseError):
        d.next_event()


def test_pull_api_needs_data_then_close_flushes_queue() -> None:
    d = Semicolons()
    assert d.next_event() is None
    d.receive_data(b"a;b")
    d.receive_data(b"")
    assert d.next_event() == b"a"
    assert d.next_event() is None
    d.receive_data(b";c;")
    assert d.close() == [b"b", b"c"]
