"""The bad-record policy and the defaults of ``StreamParser`` (DESIGN §1: strict framing,
tolerant meaning)."""

from __future__ import annotations

from functools import partial

import pytest

from sseparse import StreamParser, iter_events
from sseparse.accumulate import Accumulator
from sseparse.errors import UsageError
from sseparse.events import Event, Malformed

from .captures import read
from .chunking import check_bad_record

GOOD = b'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\n'


@pytest.mark.parametrize("strict", [1, "yes", None])
def test_strict_is_a_bool(strict: object) -> None:
    with pytest.raises(UsageError, match="strict must be True or False"):
        StreamParser("openai", strict=strict)  # type: ignore[arg-type]


def test_an_unknown_dialect_names_the_closest_known_one() -> None:
    with pytest.raises(UsageError, match="did you mean 'anthropic'"):
        StreamParser("antropic")
    with pytest.raises(UsageError, match="dialect must be a str"):
        StreamParser([])  # type: ignore[arg-type]


def test_the_default_dialect_is_detected() -> None:
    data = read("anthropic-messages-text-no-ping.sse")
    acc = Accumulator()
    acc.feed(iter_events([data]))
    parser = StreamParser()
    acc2 = Accumulator()
    acc2.feed(parser.feed(data) + parser.close())
    assert parser.dialect_name == "anthropic" and acc.provider == "anthropic"
    assert acc.message.text and acc.message.text == acc2.message.text


@pytest.mark.parametrize("fused", [True, False])
def test_records_after_a_bad_one_are_still_read(fused: bool) -> None:
    """Several bad records among good ones, on the fused SSE path and the generic one: every
    good record's events come, each bad one is a Malformed at its offset, in stream order."""
    bad = b"data: [1, 2]\n\n"
    data = GOOD + bad + GOOD + bad + bad + GOOD + b"data: [DONE]\n\n"

    class Parser(StreamParser):
        _allow_sinks = fused

    events = check_bad_record(partial(Parser, "openai"), data, offset=len(GOOD))
    acc = Accumulator()
    acc.feed(events)
    assert acc.message.text == "okokok"
    offsets = [e.offset for e in events if type(e) is Malformed]
    assert offsets == [len(GOOD), 2 * len(GOOD) + len(bad), 2 * len(GOOD) + 2 * len(bad)]
    assert [m["offset"] for m in acc.to_dict()["malformed"]] == offsets
    assert acc.done and acc.clean


def _text(events: list[Event]) -> str:
    acc = Accumulator()
    acc.feed(events)
    return acc.message.text


def test_a_typed_sse_block_with_a_bad_payload_is_reported_in_band() -> None:
    data = read("anthropic-messages-text-no-ping.sse")
    cut = data.index(b"event: content_block_delta")
    bad = (
        b"event: content_block_delta\n"
        b'data: {"type": "content_block_delta", "index": 0, "delta": 7}\n\n'
    )
    factory = partial(StreamParser, "anthropic")
    events = check_bad_record(factory, data[:cut] + bad + data[cut:], offset=cut)
    parser = StreamParser("anthropic")
    assert _text(events) == _text(parser.feed(data) + parser.close())
    assert _text(events)
