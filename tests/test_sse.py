"""SSEDecoder: the WHATWG event-stream rules, case by case.

Every case goes through ``assert_fragmentation_invariant`` (whole, byte by byte, every split, random
partitions, the pull API, and the latency rule). The web-platform-tests ``eventsource/format-*``
cases and the LaunchDarkly SSE contract cases are restated here in our own words.
"""

from __future__ import annotations

import random
import tracemalloc
from typing import Any

import pytest

from sseparse.errors import LimitExceeded, UsageError
from sseparse.framing.records import SSEComment, SSEEvent, SSERetry
from sseparse.framing.sse import DEFAULT_MAX_EVENT_SIZE, SSEDecoder
from sseparse.testing import assert_fragmentation_invariant, random_partition, run_feed, run_pull

BOM = b"\xef\xbb\xbf"


def decode(data: bytes, **options: Any) -> list[Any]:
    """The records of *data*, the same under every fragmentation."""
    outcome = assert_fragmentation_invariant(lambda: SSEDecoder(**options), data)
    assert outcome.error is None, outcome.error
    return outcome.items


def fragments(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def ev(data: str, type: str = "message", id: str = "") -> SSEEvent:
    return SSEEvent(type=type, data=data, last_event_id=id)


def datas(records: list[Any]) -> list[str]:
    return [r.data for r in records if isinstance(r, SSEEvent)]


# -- basic parsing (LaunchDarkly "basic parsing") ------------------------------------------------


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (b"data: Hello\n\n", [ev("Hello")]),
        (b"data: Hello\n\ndata: World\n\n", [ev("Hello"), ev("World")]),
        (b"data: Hello\ndata:World\n\n", [ev("Hello\nWorld")]),
        (b"data:\n\n", [ev("")]),
        (b"event: greeting\ndata: Hello\n\n", [ev("Hello", type="greeting")]),
        (b"id: abc\ndata: Hello\n\n", [ev("Hello", id="abc")]),
        (b"event: greeting\nid: abc\ndata: Hello\n\n", [ev("Hello", "greeting", "abc")]),
        (b"data: Hello\nid: abc\nevent: greeting\n\n", [ev("Hello", "greeting", "abc")]),
        (b"event: greeting\ncolor: blue\ndata: Hello\n\n", [ev("Hello", type="greeting")]),
        (b"event:greeting\ndata:Hello\n\n", [ev("Hello", type="greeting")]),
        # Only one leading space is removed.
        (b"event:  greeting\ndata:  Hello\n\n", [ev(" Hello", type=" greeting")]),
        # A line without a colon is the field name with an empty value.
        (b"data\n\ndata\ndata\n\n", [ev(""), ev("\n")]),
        ("data: €豆腐\n\n".encode(), [ev("€豆腐")]),
    ],
)
def test_basic_parsing(stream: bytes, expected: list[SSEEvent]) -> None:
    assert decode(stream) == expected


def test_many_events_keep_their_order() -> None:
    stream = b"".join(b"data: message %d\n\n" % i for i in range(100))
    assert decode(stream) == [ev(f"message {i}") for i in range(100)]


def test_id_with_nul_is_ignored() -> None:
    assert decode(b"id: a\x00bc\ndata: Hello\n\n") == [ev("Hello")]


@pytest.mark.parametrize("value", [b"\x00\x00", b"x\x00", b"\x00x", b"x\x00x", b" \x00"])
def test_id_with_nul_anywhere_keeps_the_previous_id(value: bytes) -> None:
    stream = b"id: 1\ndata: a\n\nid: " + value + b"\ndata: b\n\n"
    assert decode(stream) == [ev("a", id="1"), ev("b", id="1")]


def test_id_persists_until_changed_and_empty_id_resets() -> None:
    stream = b"id: abc\ndata: first\n\ndata: second\n\nid: \ndata: third\n\nid\ndata: 4th\n\n"
    assert decode(stream) == [
        ev("first", id="abc"),
        ev("second", id="abc"),
        ev("third"),
        ev("4th"),
    ]


def test_id_without_colon_resets() -> None:
    stream = b"id: 1\ndata: 1\n\nid\ndata: 2\n\ndata: 3\n\n"
    assert decode(stream) == [ev("1", id="1"), ev("2"), ev("3")]


# -- line ends (LaunchDarkly "linefeeds", wpt format-newlines) -----------------------------------


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_every_line_end(eol: bytes) -> None:
    def s(text: str) -> bytes:
        return text.encode().replace(b"|", eol)

    assert decode(s("data: event 1||")) == [ev("event 1")]
    assert decode(s("data: event 1||data: event 2 line 1|data: event 2 line 2||")) == [
        ev("event 1"),
        ev("event 2 line 1\nevent 2 line 2"),
    ]
    assert decode(s("data:|data: line2|data: line3||")) == [ev("\nline2\nline3")]
    assert decode(s("data: line1|data:|data: line3||")) == [ev("line1\n\nline3")]
    assert decode(s("data: event 1|||data: event 2||")) == [ev("event 1"), ev("event 2")]
    assert decode(s("data: event 1||||data: event 2||")) == [ev("event 1"), ev("event 2")]


def test_crlf_split_across_fragments_is_one_line_end() -> None:
    decoder = SSEDecoder()
    got = []
    for piece in [b"data: Hello\r", b"\ndata: World\r", b"\n\r\ndata: OK\r", b"\n", b"\r", b"\n"]:
        got.extend(decoder.feed(piece))
    got.extend(decoder.close())
    assert got == [ev("Hello\nWorld"), ev("OK")]


def test_mixed_line_ends() -> None:
    # wpt format-newlines: CRLF, LF and CR in one stream.
    assert decode(b"data:test\r\ndata\ndata:test\r\n\r\n") == [ev("test\n\ntest")]
    assert decode(b"data:a\rdata:b\ndata:c\r\n\rdata:d\n\r\n") == [ev("a\nb\nc"), ev("d")]


def test_cr_only_blank_line_dispatches_at_once() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\r") == []
    # The blank line's CR alone dispatches: no waiting to see whether an LF follows.
    assert decoder.feed(b"\r") == [ev("x")]
    # That LF then completes a CRLF: it is not another (blank) line.
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"data: y\n\n") == [ev("y")]


def test_lf_after_cr_is_not_a_second_blank_line() -> None:
    # A blank CRLF line after a dispatch must not be counted twice; an id before it stays.
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 7\r\n\r") == []
    assert decoder.last_event_id == "7"
    assert decoder.feed(b"\ndata: z\r\n\r\n") == [ev("z", id="7")]


@pytest.mark.parametrize(
    "separator", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
)
def test_only_cr_and_lf_end_lines(separator: str) -> None:
    stream = f"data: a{separator}b\n\n".encode()
    assert decode(stream) == [ev(f"a{separator}b")]


# -- BOM (wpt format-bom, format-bom-2; LaunchDarkly "bom") -------------------------------------


def test_bom_is_stripped_once() -> None:
    assert decode(BOM + b"data: Hello\n\n") == [ev("Hello")]
    assert decode(BOM + b"event: greeting\nid: abc\ndata: Hello\n\n") == [
        ev("Hello", "greeting", "abc")
    ]
    assert decode(BOM + b"data: First\n\ndata: Second\n\n") == [ev("First"), ev("Second")]
    assert decode(BOM + b"data: Line1\ndata: Line2\n\n") == [ev("Line1\nLine2")]
    assert decode(BOM + b"data:\n\n") == [ev("")]


def test_bom_later_in_the_stream_is_data() -> None:
    # wpt format-bom: a BOM before a later line makes its field name unknown.
    assert datas(decode(BOM + b"data:1\n\n" + BOM + b"data:2\n\ndata:3\n\n")) == ["1", "3"]
    assert decode(b"data: First\n\ndata: " + BOM + b"Second\n\n") == [
        ev("First"),
        ev("\ufeffSecond"),
    ]
    assert decode(BOM + b"data: " + BOM + b"Hello\n\n") == [ev("\ufeffHello")]


def test_double_bom_hides_the_first_line() -> None:
    # wpt format-bom-2: the second BOM is part of the first field name.
    assert datas(decode(BOM + BOM + b"data:1\n\ndata:2\n\ndata:3\n\n")) == ["2", "3"]


def test_bom_split_over_three_fragments() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"\xef") == []
    assert decoder.feed(b"\xbb") == []
    assert decoder.feed(b"\xbf") == []
    assert decoder.feed(b"data: Hello\n\n") == [ev("Hello")]


def test_partial_bom_is_not_a_bom() -> None:
    # Two BOM bytes then something else: the bytes are kept (and decode to U+FFFD).
    assert decode(b"data: \xef\xbb\n\n") == [ev("\ufffd")]
    assert decode(b"\xef\xbbdata: x\n\ndata: y\n\n") == [ev("y")]
    assert decode(b"\xef\n\ndata: y\n\n") == [ev("y")]


def test_bom_and_comment() -> None:
    assert decode(BOM + b":comment\ndata: Hello\n\n", comments=True) == [
        SSEComment(text="comment"),
        ev("Hello"),
    ]


# -- wpt format-* -------------------------------------------------------------------------------


def test_wpt_comments() -> None:
    long = b"x" * 2048
    stream = (
        b"data:1\r:\x00\n:\r\ndata:2\n:"
        + long
        + b"\rdata:3\n:data:fail\r:"
        + long
        + b"\ndata:4\n\n"
    )
    assert decode(stream) == [ev("1\n2\n3\n4")]


def test_wpt_data_before_final_empty_line() -> None:
    decoder = SSEDecoder()
    records = decoder.feed(b"retry:1000\ndata:test1\n\nid:test\ndata:test2")
    assert records == [SSERetry(milliseconds=1000), ev("test1")]
    assert decoder.close() == []
    assert decoder.last_event_id == ""  # the unfinished event's id was never committed


def test_wpt_field_data() -> None:
    assert decode(b"data:\n\ndata\ndata\n\ndata:test\n\n") == [ev(""), ev("\n"), ev("test")]


def test_wpt_field_event() -> None:
    assert decode(b"event: \ndata:data\n\n") == [ev("data")]  # empty type is "message"
    assert decode(b"event:test\ndata:x\n\ndata:x\n\n") == [ev("x", "test"), ev("x")]


def test_wpt_field_parsing() -> None:
    stream = (
        b"data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\rdata_5\n"
        b"data:3\rdata:\r\n data:32\ndata:4\n\n"
    )
    assert decode(stream) == [ev("\x00\n 2\n1\n3\n\n4")]


def test_wpt_field_retry() -> None:
    assert decode(b"retry:03000\ndata:x\n\n") == [SSERetry(milliseconds=3000), ev("x")]
    assert decode(b"retry:3000\nretry:1000x\ndata:x\n\n") == [SSERetry(milliseconds=3000), ev("x")]
    assert decode(b"retry\ndata:test\n\n") == [ev("test")]


def test_wpt_field_unknown() -> None:
    stream = b"data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n"
    assert decode(stream) == [ev("test\n\ntest")]


def test_wpt_leading_space() -> None:
    assert decode(b"data:\ttest\rdata: \ndata:test\n\n") == [ev("\ttest\n\ntest")]


def test_wpt_null_character() -> None:
    assert decode(b"data:\x00\n\n\n\n") == [ev("\x00")]


def test_wpt_utf8() -> None:
    assert decode("data:ok\u2026\n\n".encode()) == [ev("ok\u2026")]


def test_wpt_last_event_id_persists_and_resets() -> None:
    persist = b"id: 1\ndata: 1\n\ndata: 2\n\nid: 2\ndata:3\n\ndata:4\n\n"
    assert decode(persist) == [ev("1", id="1"), ev("2", id="1"), ev("3", id="2"), ev("4", id="2")]
    reset = b"id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n"
    assert decode(reset) == [ev("1", id="1"), ev("2"), ev("3")]


def test_non_ascii_id() -> None:
    assert decode("id: \u2026\ndata: hello\n\n".encode()) == [ev("hello", id="\u2026")]


# -- dispatch rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream",
    [b"event: x\n\n", b"id: 5\n\n", b"retry: 10\n\n", b"id: 5\n: comment\n\n", b"\n\n\n", b""],
)
def test_empty_data_buffer_dispatches_nothing(stream: bytes) -> None:
    # httpx-sse #35 / openai-python #2722: nothing but an id, an event or a comment is no event.
    assert datas(decode(stream)) == []


@pytest.mark.parametrize(
    "first", [b"event: x\n", b"id: 7\n", b": c\n", b"data: a\n", b"retry: 5\n", b"data: a\r\n"]
)
def test_event_continued_in_a_later_fragment(first: bytes) -> None:
    # The second fragment alone looks like a whole one-line event; it is not.
    decoder = SSEDecoder()
    assert decoder.feed(first) == ([SSERetry(milliseconds=5)] if b"retry" in first else [])
    events = decoder.feed(b"data: y\n\n")
    assert len(events) == 1
    assert events[0].offset == 0
    assert events[0].type == ("x" if b"event" in first else "message")
    assert events[0].data == ("a\ny" if b"data" in first else "y")
    assert events[0].last_event_id == ("7" if b"id" in first else "")


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("cut", [None, 1, 3, "lines", "after-fields"])
def test_typed_events_at_every_line_end_and_cut(eol: bytes, cut: int | str | None) -> None:
    # Event + data blocks (Anthropic's shape), an event whose event line came in an earlier
    # fragment, and a region ending with an event line: the same records however the
    # stream is cut, with each line end (the CR of a CRLF is no part of a name or data).
    lines = [
        b"event: one", b"data: 1", b"",
        b"event:two", b"data:2", b"",
        b"event: message", b"data: 3", b"",
        b"data: 4", b"",
        b"event:", b"data: 5", b"",
        b"id: 9", b"event: six", b"data: 6", b"",
    ]  # fmt: skip
    stream = b"".join(line + eol for line in lines)
    if cut is None:
        pieces = [stream]
    elif cut == "lines":
        pieces = [line + eol for line in lines]
    elif cut == "after-fields":  # each event's data line and blank line in one piece
        pieces = [b""]
        for line in lines:
            pieces[-1] += line + eol
            if line.startswith((b"event", b"id")):
                pieces.append(b"")
    else:
        assert isinstance(cut, int)
        pieces = fragments(stream, cut)
    decoder = SSEDecoder()
    records = [r for piece in pieces for r in decoder.feed(piece)] + decoder.close()
    assert [(r.type, r.data, r.last_event_id) for r in records] == [
        ("one", "1", ""),
        ("two", "2", ""),
        ("message", "3", ""),
        ("message", "4", ""),
        ("message", "5", ""),
        ("six", "6", "9"),
    ]
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + len(eol))
    firsts = [0, 3, 6, 9, 11, 14]  # the index of each event's first line
    assert [r.offset for r in records] == [starts[i] for i in firsts]


def test_event_type_resets_at_every_blank_line() -> None:
    # The type of an event that dispatched nothing does not leak into the next one.
    assert decode(b"event: a\n\ndata: x\n\n") == [ev("x")]


def test_last_event_id_is_committed_at_blank_line_without_dispatch() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 42\n") == []
    assert decoder.last_event_id == ""  # not before the blank line
    assert decoder.feed(b"\n") == []
    assert decoder.last_event_id == "42"
    assert decoder.feed(b"data: x\n\n") == [ev("x", id="42")]


def test_constructor_last_event_id() -> None:
    decoder = SSEDecoder(last_event_id="prev")
    assert decoder.last_event_id == "prev"
    assert decoder.feed(b"data: x\n\nid:\n\n") == [ev("x", id="prev")]
    assert decoder.last_event_id == ""


def test_unfinished_event_is_discarded_at_close() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\ndata: b\n") == [ev("a")]
    assert decoder.close() == []
    assert decoder.discarded_bytes == len(b"data: b\n")
    assert decoder.close() == []  # idempotent
    with pytest.raises(UsageError):
        decoder.feed(b"\n")


def test_discarded_bytes_is_zero_after_a_clean_end() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\r\n\r")
    decoder.close()
    assert decoder.discarded_bytes == 0


def test_unterminated_retry_at_end_is_discarded() -> None:
    assert decode(b"data: a\n\nretry: 5") == [ev("a")]


# -- retry ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        b"-1",
        b"+5",
        b" 9",
        b"9 ",
        b"1_000",
        b"1.5",
        b"1e3",
        b"",
        "\u0663".encode(),
        "\uff13".encode(),
        b"0x10",
        b"10ms",
    ],
)
def test_retry_needs_ascii_digits_only(value: bytes) -> None:
    assert decode(b"retry: " + value + b"\ndata: x\n\n") == [ev("x")]


@pytest.mark.parametrize(("value", "ms"), [(b"0", 0), (b"007", 7), (b"1000", 1000)])
def test_retry_values(value: bytes, ms: int) -> None:
    assert decode(b"retry: " + value + b"\n") == [SSERetry(milliseconds=ms)]


def test_huge_retry_is_exact_or_ignored() -> None:
    digits = b"9" * 4000
    assert decode(b"retry:" + b"0" * 5000 + digits + b"\n") == [SSERetry(milliseconds=int(digits))]
    assert decode(b"retry:" + b"9" * 4001 + b"\n") == []


# -- comments ------------------------------------------------------------------------------------


def test_comments_are_records_only_when_asked() -> None:
    stream = b":Hello\n: World\ndata: x\n\n:after\n"
    assert decode(stream) == [ev("x")]
    assert decode(stream, comments=True) == [
        SSEComment(text="Hello"),
        SSEComment(text=" World"),
        ev("x"),
        SSEComment(text="after"),
    ]


# -- UTF-8 ---------------------------------------------------------------------------------------


def test_invalid_utf8_is_replaced() -> None:
    assert decode(b"data: a\xffb\n\n") == [ev("a\ufffdb")]
    # Two events in one piece (whole, or a large fragment) are read by the block loop: the
    # same replacement there, for a bad byte and for an encoded surrogate.
    assert decode(b"data: x\n\ndata: a\xffb\n\ndata: \xed\xa0\x80\n\n") == [
        ev("x"),
        ev("a\ufffdb"),
        ev("\ufffd" * 3),
    ]
    assert decode(b"event: \xc3\ndata: \xed\xa0\x80\n\n") == [ev("\ufffd" * 3, type="\ufffd")]
    # A sequence cut by a line end is replaced; the next line is untouched.
    assert decode(b"data: \xe2\x82\ndata: \xac\n\n") == [ev("\ufffd\n\ufffd")]
    assert decode(b"id: \xf0\x9f\ndata: x\n\n") == [ev("x", id="\ufffd")]


def test_utf8_split_across_fragments() -> None:
    payload = "€豆腐🙂".encode()
    stream = b"data: " + payload + b"\n\n"
    for i in range(len(stream) + 1):
        decoder = SSEDecoder()
        got = decoder.feed(stream[:i]) + decoder.feed(stream[i:])
        assert got == [ev("€豆腐🙂")]


def test_field_name_with_invalid_utf8_is_unknown() -> None:
    assert decode(b"dat\xe1:x\ndata:y\n\n") == [ev("y")]


# -- offsets -------------------------------------------------------------------------------------


def test_offsets_point_at_the_first_line() -> None:
    stream = BOM + b": c\n\nretry: 5\r\nid: 1\r\ndata: a\r\n\r\n\n\nevent: e\rdata: b\r\r"
    records = decode(stream, comments=True)
    assert records == [
        SSEComment(text=" c"),
        SSERetry(milliseconds=5),
        ev("a", id="1"),
        ev("b", type="e", id="1"),
    ]
    offsets = [r.offset for r in records]
    assert offsets == [3, 8, 8, stream.index(b"event")]
    # Offsets are the same whatever the fragmentation.
    for size in (1, 2, 3, 7):
        decoder = SSEDecoder(comments=True)
        got = []
        for i in range(0, len(stream), size):
            got.extend(decoder.feed(stream[i : i + size]))
        assert [r.offset for r in got] == offsets


# -- limits --------------------------------------------------------------------------------------


def test_default_limit_is_documented() -> None:
    assert DEFAULT_MAX_EVENT_SIZE == 16 * 1024 * 1024


def test_5_mib_event() -> None:
    # Byte-by-byte over 5 MiB (twice, in assert_fragmentation_invariant) would take most of the
    # CI budget: the 5 MiB event runs whole, in TCP-sized and small fragments, random
    # partitions and through the pull API; the same shape at 64 KiB runs every way.
    for size in (64 * 1024, 5 * 1024 * 1024):
        payload = b"x" * size
        stream = b"data: a\n\nid: 9\ndata: " + payload + b"\ndata: end\n\ndata: z\n\n"
        expected = [ev("a"), ev(payload.decode() + "\nend", id="9"), ev("z", id="9")]
        if size <= 64 * 1024:
            assert decode(stream) == expected
            continue
        rng = random.Random(5)
        ways = [[stream], fragments(stream, 1460), fragments(stream, 64)]
        ways += [random_partition(stream, rng) for _ in range(3)]
        for chunks in ways:
            outcome, _ = run_feed(SSEDecoder, chunks)
            assert outcome.items == expected
            assert outcome.items[1].offset == 9
        assert run_pull(SSEDecoder, fragments(stream, 4096)).items == expected


def test_limit_exceeded_by_one_line() -> None:
    stream = b"data: ok\n\nid: 1\ndata: " + b"y" * 100 + b"\n\n"
    outcome = assert_fragmentation_invariant(lambda: SSEDecoder(max_event_size=64), stream)
    assert outcome.items == [ev("ok")]
    assert outcome.error == (LimitExceeded, 10)


def test_limit_counts_the_data_buffer() -> None:
    # Each line is small, but the event's data outgrows the limit.
    stream = b"data: 0123456789\n" * 10 + b"\n"
    outcome = assert_fragmentation_invariant(lambda: SSEDecoder(max_event_size=100), stream)
    assert outcome.items == []
    assert outcome.error == (LimitExceeded, 0)
    # The boundary: nine values of 10 bytes plus a line end each (99), then the tenth line
    # read whole (16 bytes) makes 115.
    fits = assert_fragmentation_invariant(lambda: SSEDecoder(max_event_size=115), stream)
    assert fits.items == [ev("\n".join(["0123456789"] * 10))]
    over = assert_fragmentation_invariant(lambda: SSEDecoder(max_event_size=114), stream)
    assert over.error == (LimitExceeded, 0)


@pytest.mark.parametrize(
    "line",
    [b"data: " + b"x" * 40, b"event: " + b"e" * 40, b"id: " + b"1" * 40, b"retry: " + b"1" * 40],
)
def test_limit_applies_to_long_lines_an_event_would_hold(line: bytes) -> None:
    stream = b"data: a\n\n" + line + b"\ndata: b\n\n"
    outcome = assert_fragmentation_invariant(lambda: SSEDecoder(max_event_size=32), stream)
    assert outcome.items == [ev("a")]
    assert outcome.error == (LimitExceeded, 9)


@pytest.mark.parametrize(
    "line",
    [
        b":" + b"c" * 40,  # a comment
        b"x-trace: " + b"t" * 40,  # an unknown field
        b"datum:" + b"y" * 40,  # a known name's prefix is not that name
        b"dat" + b"z" * 40,  # no colon: the whole line is the (unknown) name
        b"data" + b"w" * 40,
        b"retryretry" * 5,
    ],
)
def test_a_long_comment_or_unknown_field_is_skipped_not_an_error(line: bytes) -> None:
    # No event would hold it, so it is read past without being buffered (issue 13); the
    # events around it are decoded as if it were short.
    stream = b"data: a\n\n" + line + b"\r\ndata: b\n\n"
    short = b"data: a\n\n" + line[:10] + b"\r\ndata: b\n\n"
    for limit in (32, 1 << 20):
        outcome = assert_fragmentation_invariant(
            lambda limit=limit: SSEDecoder(max_event_size=limit), stream
        )
        assert outcome.error is None
        assert outcome.items == [ev("a"), ev("b")]
        assert outcome.items[1].offset == decode(short)[1].offset == 9


def test_a_long_comment_is_reported_cut_to_the_room_left() -> None:
    stream = b"data: a\n\n:" + "é".encode() * 60 + b"\r\ndata: b\n\n"
    outcome = assert_fragmentation_invariant(
        lambda: SSEDecoder(max_event_size=32, comments=True), stream
    )
    # The head kept is the line's first 32 bytes (the room the limit leaves), cut in the
    # middle of a character: U+FFFD, as for any cut sequence.
    assert outcome.items == [ev("a"), SSEComment(text="é" * 15 + "\ufffd"), ev("b")]
    assert [r.offset for r in outcome.items] == [0, 9, 9]


def test_a_line_is_held_until_its_first_bytes_tell_what_it_is() -> None:
    # With a room of 2 bytes, "dat" may still become "data:" (an error) or be the whole name
    # of an unknown field (skipped): it is held until its end, whatever the fragmentation.
    stream = b"dat\n\ndata\n\n"
    outcome = assert_fragmentation_invariant(lambda: SSEDecoder(max_event_size=2), stream)
    assert outcome.items == []
    assert outcome.error == (LimitExceeded, 5)


def test_limit_error_details_and_stickiness() -> None:
    decoder = SSEDecoder(max_event_size=1000)
    with pytest.raises(LimitExceeded) as info:
        decoder.feed(b"data: " + b"x" * 5000)
    assert info.value.limit == 1000
    assert info.value.offset == 0
    with pytest.raises(LimitExceeded):
        decoder.feed(b"\n\n")


@pytest.mark.parametrize("tail", [b"", b"\n"])
def test_huge_feed_is_refused_before_it_is_buffered(tail: bytes) -> None:
    limit = 1 << 20
    decoder = SSEDecoder(max_event_size=limit)
    assert decoder.feed(b"data: small\n\n") == [ev("small")]
    huge = b"data: " + b"x" * (64 << 20) + tail
    tracemalloc.start()
    try:
        with pytest.raises(LimitExceeded) as info:
            decoder.feed(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.offset == 13
    # Memory stays near the limit, never near the 64 MiB that was fed.
    assert peak < 4 * limit, peak


def test_huge_feed_is_split_a_window_at_a_time() -> None:
    # 6 MiB of comment lines in one feed: nothing to return, so memory beyond the input
    # is what one window of split lines takes, not a split of the whole feed.
    stream = (b": " + b"x" * 100 + b"\n") * (6 * 1024 * 1024 // 103) + b"data: end\n\n"
    decoder = SSEDecoder(max_event_size=2048)
    tracemalloc.start()
    try:
        records = decoder.feed(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert records == [ev("end")]
    assert peak < 2 * (1 << 20), peak


def test_bad_arguments() -> None:
    with pytest.raises(UsageError):
        SSEDecoder(max_event_size=0)
    with pytest.raises(UsageError):
        SSEDecoder(max_event_size=1.5)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        SSEDecoder(last_event_id=None)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        SSEDecoder().feed("data: x\n\n")  # type: ignore[arg-type]


# -- input types ---------------------------------------------------------------------------------


def test_bytearray_and_memoryview_are_copied() -> None:
    decoder = SSEDecoder()
    buf = bytearray(b"data: abc")
    assert decoder.feed(buf) == []
    buf[:] = b"XXXXXXXXX"  # the caller reuses its buffer
    view = memoryview(bytearray(b"def\n\n"))
    assert decoder.feed(view) == [ev("abcdef")]
    assert type(decoder.feed(memoryview(b"data: q\n\n"))[0].data) is str


def test_memoryview_of_other_formats() -> None:
    import array

    words = array.array("H", b"data: ab\n\n")  # 5 items of 2 bytes
    assert SSEDecoder().feed(memoryview(words)) == [ev("ab")]
    interleaved = b"".join(bytes([c, 0x5F]) for c in b"data: ab\n\n")
    strided = memoryview(interleaved)[::2]
    assert not strided.c_contiguous
    assert SSEDecoder().feed(strided) == [ev("ab")]


def test_released_memoryview_is_a_usage_error() -> None:
    view = memoryview(b"data: x\n\n")
    view.release()
    with pytest.raises(UsageError):
        SSEDecoder().feed(view)


def test_large_memoryview_is_processed_in_windows() -> None:
    stream = b"".join(b"data: %d%s\n\n" % (i, b"." * 90) for i in range(25_000))  # > 2 MiB
    assert len(stream) > 2 * (1 << 20)
    for data in (memoryview(stream), bytearray(stream)):
        records = SSEDecoder().feed(data)
        assert [r.data[:-90] for r in records] == [str(i) for i in range(25_000)]
