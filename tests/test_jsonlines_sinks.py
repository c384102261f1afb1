"""The JSON lines decoder with the dialect as its sink (ollama, cohere-v1) gives exactly the
generic path's events, errors and latency; its held-line and direct ``feed`` paths keep the
decoder protocol (queued items first, sticky faults, limits)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import JSONLinesDecoder, StreamParser
from sseparse.errors import InvalidJSON, LimitExceeded, UsageError
from sseparse.events import TextDelta
from sseparse.testing import assert_fragmentation_invariant, random_partition, run_feed, run_pull

from .captures import captures, read

LINE_DIALECTS = ["ollama", "cohere-v1"]


class GenericParser(StreamParser):
    """The same parser without sinks: every line a ``JSONRecord`` for ``on_record``."""

    _allow_sinks = False


def _same(dialect: str, parts: list[bytes], **options: Any) -> None:
    sinks, sinks_counts = run_feed(lambda: StreamParser(dialect, **options), parts)
    generic, generic_counts = run_feed(lambda: GenericParser(dialect, **options), parts)
    assert sinks == generic
    assert [repr(e) for e in sinks.items] == [repr(e) for e in generic.items]
    if generic.error is None:
        assert sinks_counts == generic_counts  # the same latency, fragment by fragment
    assert run_pull(lambda: StreamParser(dialect, **options), parts) == generic


def test_sinks_are_used_for_line_dialects_with_on_line() -> None:
    for dialect in LINE_DIALECTS:
        parser = StreamParser(dialect)
        assert parser._sinks and parser._direct is parser._framing
        assert not GenericParser(dialect)._sinks
    assert not StreamParser("openai", format="jsonlines")._sinks  # no on_line


@pytest.mark.parametrize("dialect", LINE_DIALECTS)
@pytest.mark.parametrize("entry", captures(fmt="ndjson"), ids=lambda e: e["file"])
def test_sinks_equal_generic_on_every_ndjson_capture(entry: dict[str, Any], dialect: str) -> None:
    # Each line dialect on every NDJSON capture, its own API or not: the other's records
    # are all bad records, which the sink must report exactly as the generic path does.
    data = read(entry["file"])
    rng = random.Random(len(data))
    for parts in (
        [data],
        random_partition(data, rng),
        [data[i : i + 1] for i in range(len(data))],
        [data[i : i + 7] for i in range(0, len(data), 7)],
        [data[i : i + 64] for i in range(0, len(data), 64)],
    ):
        _same(dialect, parts)
        _same(dialect, parts, strict=True)


def test_every_split_of_an_ollama_capture() -> None:
    data = read("ollama-chat-text.ndjson")
    for cls in (StreamParser, GenericParser):
        outcome = assert_fragmentation_invariant(lambda c=cls: c("ollama"), data)
        assert outcome.error is None and any(type(e) is TextDelta for e in outcome.items)


PIECES = [
    b'{"model":"m","created_at":"2025-05-01T10:00:00Z","message":{"role":"assistant",'
    b'"content":"h\xc3\xa9"},"done":false}',
    b'{"model":"m","message":{"role":"assistant","content":"","thinking":"t"},"done":false}',
    b'{"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f",'
    b'"arguments":{"a":1}}}]},"done":false}',
    b'{"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop",'
    b'"prompt_eval_count":3,"eval_count":4}',
    b'{"response":"r","done":false}',
    b'{"error":"boom"}',
    b'{"event_type":"stream-start","generation_id":"g"}',
    b'{"event_type":"text-generation","text":"hi"}',
    b'{"event_type":"stream-end","finish_reason":"COMPLETE","response":{}}',
    b'{"event_type":7}',
    b'{"message":[]}',
    b'{"done":"yes"}',
    b"[1]",
    b"{bad",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\n",
    b"\r\n",
    b"\r",
    b" ",
]


@settings(max_examples=150)
@given(
    st.lists(st.sampled_from(PIECES), max_size=30),
    st.integers(0, 2**32),
    st.sampled_from([16, 64, 1 << 20]),
    st.sampled_from(LINE_DIALECTS),
    st.booleans(),
)
def test_sinks_equal_generic_on_generated_streams(
    pieces: list[bytes], seed: int, limit: int, dialect: str, strict: bool
) -> None:
    data = b"".join(pieces)
    chunks = random_partition(data, random.Random(seed))
    for parts in ([data], chunks):
        _same(dialect, parts, max_line_size=limit, strict=strict)


def test_the_last_line_without_newline_goes_to_the_sink_at_close() -> None:
    line = b'{"model":"m","message":{"role":"assistant","content":"a"},"done":false}'
    for cls in (StreamParser, GenericParser):
        parser = cls("ollama")
        assert parser.feed(line) == []
        assert [type(e).__name__ for e in parser.close()] == [
            "StreamStart",
            "TextDelta",
            "Done",
        ]


def test_held_line_path_keeps_the_limit_and_the_offset() -> None:
    decoder = JSONLinesDecoder(max_line_size=8)
    assert decoder.feed(b"[1]\n[2") == [decoder_record(b"[1]", 0)]
    assert decoder.feed(b",3") == []  # held: 5 bytes of the line
    with pytest.raises(LimitExceeded) as info:
        decoder.feed(b",4,5]")  # 10 bytes, no newline: over the limit
    assert info.value.offset == 4
    with pytest.raises(LimitExceeded):  # sticky, on the held path's input too
        decoder.feed(b"1")
    for cls in (StreamParser, GenericParser):
        outcome = assert_fragmentation_invariant(
            lambda c=cls: c("ollama", max_line_size=8), b"[1]\n[2]\n" + b"[" * 9
        )
        assert outcome.error == (LimitExceeded, 8)


def decoder_record(raw: bytes, offset: int) -> Any:
    decoder = JSONLinesDecoder()
    (record,) = decoder.feed(raw + b"\n")
    assert record.offset == 0
    return type(record)(value=record.value, raw=record.raw, offset=offset, line=record.line)


def test_feed_after_receive_data_returns_the_queued_records_first() -> None:
    decoder = JSONLinesDecoder()
    decoder.receive_data(b'[1]\n[2]\n{"a"')
    # Inside a line, but records are queued: feed returns them (the held path is off).
    records = decoder.feed(b":")
    assert [r.value for r in records] == [[1], [2]]
    assert decoder.next_event() is None
    assert decoder.feed(b"1") == []  # held again
    assert [r.value for r in decoder.feed(b"}\n")] == [{"a": 1}]
    assert decoder.close() == []
    with pytest.raises(UsageError):
        decoder.feed(b"")  # after close: not held


def test_direct_feed_returns_records_before_a_fault_and_keeps_it() -> None:
    decoder = JSONLinesDecoder()
    records = decoder.feed(b"[1]\n{x\n[2]\n")
    assert [r.value for r in records] == [[1]]
    for call in (lambda: decoder.feed(b"[3]\n"), lambda: decoder.feed(b"["), decoder.close):
        with pytest.raises(InvalidJSON) as info:
            call()
        assert info.value.offset == 4
    assert JSONLinesDecoder().feed(bytearray(b"[1]\n"))[0].value == [1]  # not bytes: generic
