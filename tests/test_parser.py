"""StreamParser: options, the decoder protocol over a dialect, and the SSE decoder with the dialect as its sinks giving
exactly the generic path's events and errors."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import StreamParser
from sseparse.errors import LimitExceeded, MalformedPayload, UsageError
from sseparse.events import Done, KeepAlive, Other, StreamStart, TextDelta
from sseparse.testing import assert_fragmentation_invariant, random_partition, run_feed, run_pull

from .captures import captures, read


class GenericParser(StreamParser):
    """The same parser without the SSE decoder's sinks: every event an ``SSEEvent`` for
    ``on_record``."""

    _allow_sinks = False


def test_sinks_are_used_for_sse_dialects_with_on_message() -> None:
    for dialect in ("openai", "mistral", "anthropic", "openai-responses"):
        assert StreamParser(dialect)._sinks
    assert StreamParser("anthropic")._framing._typed
    assert not StreamParser("openai")._framing._typed
    assert not GenericParser("openai")._sinks
    assert not StreamParser("openai", format="jsonlines")._sinks
    assert StreamParser("gemini")._sinks
    assert not StreamParser("cohere")._sinks  # no on_message: records go through on_record


def test_unknown_dialect_format_and_bad_option() -> None:
    with pytest.raises(UsageError):
        StreamParser("nope")
    with pytest.raises(UsageError):
        StreamParser("openai", format="nope")
    with pytest.raises(UsageError):
        StreamParser("openai", frobnicate=1)
    with pytest.raises(UsageError):
        StreamParser("openai", max_event_size=0)


def test_comments_option_overrides_the_dialect_wish() -> None:
    data = b": ping\n\ndata: [DONE]\n\n"
    assert StreamParser("openai").feed(data) == [KeepAlive(), Done()]
    assert StreamParser("openai", comments=False).feed(data) == [Done()]


@pytest.mark.parametrize(
    ("dialect", "good", "bad"),
    [
        (
            "openai",
            b'data: {"id":"a","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n',
            b"data: {oops\n\n",
        ),
        (  # JSON lines (the sink path of ollama)
            "ollama",
            b'{"model":"m","message":{"role":"assistant","content":"hi"},"done":false}\n',
            b"[1]\n",
        ),
    ],
)
def test_events_before_a_bad_payload_are_returned_first(
    dialect: str, good: bytes, bad: bytes
) -> None:
    for cls in (StreamParser, GenericParser):
        parser = cls(dialect, strict=True)
        events = parser.feed(good + bad + good)
        assert events == StreamParser(dialect).feed(good)
        assert [type(e) for e in events] == [StreamStart, TextDelta]
        assert events[1] == TextDelta(text="hi")
        with pytest.raises(MalformedPayload) as info:
            parser.feed(b"")
        assert info.value.offset == len(good)
        with pytest.raises(MalformedPayload):  # sticky
            parser.close()


def test_limit_offsets_with_and_without_sinks() -> None:
    small = b'data: {"choices":[]}\n\n'
    big = b"data: " + b"x" * 100 + b"\n\n"
    for cls in (StreamParser, GenericParser):
        outcome = assert_fragmentation_invariant(
            lambda c=cls: c("openai", max_event_size=64), small * 3 + big
        )
        assert outcome.error == (LimitExceeded, 3 * len(small))


def test_bom_and_cr_only_streams() -> None:
    chunk = json.dumps({"id": "i", "choices": [{"index": 0, "delta": {"content": "é"}}]})
    for data in (
        b"\xef\xbb\xbfdata: " + chunk.encode() + b"\n\ndata: [DONE]\n\n",
        b"data: " + chunk.encode() + b"\r\rdata: [DONE]\r\r",
        b"data: " + chunk.encode() + b"\r\n\r\ndata: [DONE]\r\n\r\n",
    ):
        for cls in (StreamParser, GenericParser):
            outcome = assert_fragmentation_invariant(lambda c=cls: c("openai"), data)
            assert outcome.items == [
                StreamStart(id="i", provider="openai"),
                TextDelta(text="é"),
                Done(),
            ]


def test_a_mid_stream_bom_is_not_stripped() -> None:
    data = b"data: [DONE]\n\n\xef\xbb\xbfdata: [DONE]\n\n"
    # The second line's field name is "\ufeffdata": ignored, so there is one Done only.
    assert StreamParser("openai").feed(data) == [Done()]
    assert GenericParser("openai").feed(data) == [Done()]


# Dialects with sinks: "openai" (data-only blocks) and the ones whose payloads name
# their own type (ignores_event_type: "event: …" + "data: …" blocks too).
SINK_DIALECTS = ["openai", "anthropic", "openai-responses", "gemini"]


@pytest.mark.parametrize("dialect", SINK_DIALECTS)
@pytest.mark.parametrize("entry", captures(fmt="sse"), ids=lambda e: e["file"])
def test_sinks_equal_generic_on_every_sse_capture(entry: dict[str, Any], dialect: str) -> None:
    # Each sink dialect on every SSE capture, whatever its API: CRLF (Gemini), event: lines
    # (Anthropic, Cohere), comments, errors — the sinks must decide exactly the same.
    data = read(entry["file"])
    chunks = random_partition(data, random.Random(len(data)))
    for parts in ([data], chunks, [data[i : i + 61] for i in range(0, len(data), 61)]):
        sinks, _ = run_feed(lambda: StreamParser(dialect), parts)
        generic, _ = run_feed(lambda: GenericParser(dialect), parts)
        assert sinks == generic


PIECES = [
    b"data: ",
    b"data:",
    b"data: [DONE]",
    b'{"id":"x","choices":[{"index":0,"delta":{"content":"a\xc3\xa9"}}]}',
    b'{"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"t","function":'
    b'{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}]}',
    b'{"choices":[],"usage":{"prompt_tokens":1}}',
    b'{"error":{"message":"m"}}',
    b'{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}',
    b'{"type":"response.output_text.delta","delta":"hi"}',
    b"event: content_block_delta\n",
    b"event: \n",
    b"[1]",
    b"{bad",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b": comment",
    b"event: error",
    b"event: other",
    b"id: 7",
    b"retry: 15",
    b"\n",
    b"\n\n",
    b"\r",
    b"\r\n",
    b"\n\n\n",
    b" ",
]


@given(
    st.lists(st.sampled_from(PIECES), max_size=40),
    st.integers(0, 2**32),
    st.sampled_from([16, 64, 1 << 20]),
    st.sampled_from(SINK_DIALECTS),
)
def test_sinks_equal_generic_on_generated_streams(
    pieces: list[bytes], seed: int, limit: int, dialect: str
) -> None:
    data = b"".join(pieces)
    chunks = random_partition(data, random.Random(seed))
    for parts in ([data], chunks):
        sinks, sinks_counts = run_feed(lambda: StreamParser(dialect, max_event_size=limit), parts)
        generic, generic_counts = run_feed(
            lambda: GenericParser(dialect, max_event_size=limit), parts
        )
        assert sinks == generic
        if generic.error is None:
            assert sinks_counts == generic_counts  # the same latency, fragment by fragment
    pulled = run_pull(lambda: StreamParser(dialect, max_event_size=limit), chunks)
    assert pulled == generic


def test_other_records_and_retry_through_the_parser() -> None:
    data = b"retry: 5\nevent: ping\ndata: {}\n\n"
    assert StreamParser("openai").feed(data) == [Other(kind="SSERetry"), Other(kind="ping")]


@pytest.mark.parametrize("cls", [StreamParser, GenericParser])
def test_usage_errors(cls: type[StreamParser]) -> None:
    parser = cls("openai")
    with pytest.raises(UsageError):
        parser.feed("data: [DONE]\n\n")  # type: ignore[arg-type]
    assert parser.feed(bytearray(b"data: [DONE]\n\n")) == [Done()]
    assert parser.feed(memoryview(b"data: x")) == []
    assert parser.close() == []
    assert parser.close() == []
    with pytest.raises(UsageError):
        parser.feed(b"data: [DONE]\n\n")
    with pytest.raises(UsageError):
        parser.receive_data(b"")


@pytest.mark.parametrize("cls", [StreamParser, GenericParser])
def test_feed_after_receive_data_returns_the_queued_events_first(cls: type[StreamParser]) -> None:
    parser = cls("openai")
    parser.receive_data(
        b'data: {"choices": [{"index": 0, "delta": {"content": "a"}}]}\n\ndata: {"cho'
    )
    assert parser.feed(b"ices") == [TextDelta(text="a")]  # mid-line, but the queue comes first
    assert parser.feed(b'": [{"index": 0, "delta": {"content": "b"}}]}\n\n') == [
        TextDelta(text="b")
    ]
    assert parser.next_event() is None


@pytest.mark.parametrize("cls", [StreamParser, GenericParser])
def test_feed_after_receive_data_returns_the_queued_lines_first(cls: type[StreamParser]) -> None:
    parser = cls("ollama")
    line = b'{"message": {"role": "assistant", "content": "%s"}, "done": false}\n'
    parser.receive_data(line % b"a" + line[:9])
    first = StreamParser("ollama").feed(line % b"a")
    assert first[-1] == TextDelta(text="a")
    assert parser.feed(line[9:12]) == first  # mid-line, but the queue comes first
    assert parser.feed(line[12:].replace(b"%s", b"b")) == [TextDelta(text="b")]
    assert parser.next_event() is None
