"""The receive buffer: copies in, bytes out, consumed from the front, searched once."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.errors import UsageError
from sseparse.framing._buffer import ReceiveBuffer


def octets(min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[bytes]:
    """Like ``st.binary``, drawn as integers: hypothesis compares cached choice sequences,
    and a ``bytes`` choice compared with an ``int`` one raises under ``python -bb``."""
    return st.lists(st.integers(0, 255), min_size=min_size, max_size=max_size).map(bytes)


def test_append_take_and_offset() -> None:
    buf = ReceiveBuffer()
    assert len(buf) == 0 and not buf
    buf.append(b"hello ")
    buf.append(bytearray(b"wor"))
    buf.append(memoryview(b"ld!"))
    assert len(buf) == 12 and buf
    assert buf.peek(5) == b"hello"
    assert buf.take(6) == b"hello "
    assert buf.offset == 6
    buf.skip(3)
    assert buf.offset == 9
    assert buf.take_all() == b"ld!"
    assert buf.offset == 12
    assert len(buf) == 0
    assert buf.take(5) == b"" and buf.peek(2) == b""


def test_initial_offset() -> None:
    buf = ReceiveBuffer(offset=100)
    buf.append(b"abc")
    buf.skip(10)  # more than buffered: takes what there is
    assert buf.offset == 103


def test_what_goes_in_is_copied_and_what_comes_out_is_bytes() -> None:
    buf = ReceiveBuffer()
    source = bytearray(b"abcdef")
    buf.append(source)
    source[:] = b"XXXXXX"
    out = buf.take(3)
    assert out == b"abc" and type(out) is bytes
    buf.append(b"ghi")
    assert out == b"abc"  # later appends do not change what was handed out
    assert type(buf.peek(2)) is bytes
    assert type(buf.take_all()) is bytes


def test_memoryview_of_other_shapes() -> None:
    import array

    buf = ReceiveBuffer()
    buf.append(memoryview(array.array("H", b"abcd")))
    buf.append(memoryview(b"a-b-c-")[::2])
    assert buf.take_all() == b"abcdabc"


def test_released_memoryview_is_a_usage_error() -> None:
    view = memoryview(b"abc")
    view.release()
    with pytest.raises(UsageError):
        ReceiveBuffer().append(view)


def test_find_remembers_how_far_it_searched() -> None:
    buf = ReceiveBuffer()
    buf.append(b"abc\r")
    assert buf.find(b"\r\n") == -1
    buf.append(b"\nrest")  # the needle straddles the two appends
    assert buf.find(b"\r\n") == 3
    buf.skip(5)
    assert buf.find(b"\r\n") == -1
    buf.append(b"\r\n")
    assert buf.find(b"\r\n") == 4
    assert buf.take(6) == b"rest\r\n"


def test_find_after_consuming_past_the_searched_point() -> None:
    buf = ReceiveBuffer()
    buf.append(b"xxxxxxxx")
    assert buf.find(b"y") == -1
    buf.skip(6)
    buf.append(b"y")
    assert buf.find(b"y") == 2


@given(
    st.lists(octets(max_size=50), max_size=40),
    st.lists(st.integers(0, 60), max_size=40),
    octets(min_size=1, max_size=3),
)
def test_behaves_like_a_plain_bytes_queue(
    pieces: list[bytes], takes: list[int], needle: bytes
) -> None:
    buf = ReceiveBuffer()
    model = b""
    consumed = 0
    for i, piece in enumerate(pieces):
        buf.append(piece)
        model += piece
        assert buf.find(needle) == model.find(needle)
        n = takes[i] if i < len(takes) else 0
        assert buf.take(n) == model[:n]
        consumed += len(model[:n])
        model = model[n:]
        assert len(buf) == len(model)
        assert buf.offset == consumed
    assert buf.take_all() == model


def test_compaction_keeps_content() -> None:
    buf = ReceiveBuffer()
    data = bytes(range(256)) * 200  # 51 200 bytes
    buf.append(data)
    got = b""
    while buf:
        got += buf.take(1000)
        buf.append(b"")
    assert got == data
    assert len(buf._data) == 0  # everything consumed, storage released


def _poll_bytewise(total: int) -> float:
    buf = ReceiveBuffer()
    start = time.process_time()
    for _ in range(total):
        buf.append(b"x")
        buf.find(b"\r\n")
    buf.append(b"\r\n")
    assert buf.find(b"\r\n") == total
    return time.process_time() - start


def test_polling_one_byte_at_a_time_is_linear() -> None:
    # Searching the whole buffer after each byte would be quadratic: 4x the time for 2x the
    # bytes. The remembered search offset keeps it about 2x (generous bound for noisy CI).
    small = min(_poll_bytewise(100_000) for _ in range(3))
    large = min(_poll_bytewise(200_000) for _ in range(3))
    assert large < 3.2 * small, (small, large)
