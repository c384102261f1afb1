"""``StreamParser(dialect="auto")`` and JSON error bodies in place of a stream."""

from __future__ import annotations

from typing import Any

import pytest

from sseparse import Done, LimitExceeded, ProviderError, StreamParser, UndetectableStream
from sseparse.testing import assert_fragmentation_invariant
from tests.captures import captures, read
from tests.test_detect import expected


@pytest.mark.parametrize("entry", captures(), ids=lambda e: e["file"])
def test_auto_gives_the_same_events_as_the_named_dialect(entry: dict[str, Any]) -> None:
    data = read(entry["file"])
    fmt, dialect = expected(entry)
    named = assert_fragmentation_invariant(lambda: StreamParser(dialect, format=fmt), data)
    auto = assert_fragmentation_invariant(lambda: StreamParser("auto"), data)
    assert auto == named
    assert isinstance(auto.items[-1], Done) or auto.error is not None
    parser = StreamParser("auto")
    parser.feed(data)
    parser.close()
    assert (parser.format, parser.dialect_name) == (fmt, dialect)


ERROR_BODY = (
    b'\xef\xbb\xbf \r\n{\n  "error": {"message": "Overloaded", "type": "overloaded_error"}\n}\n'
)


@pytest.mark.parametrize(
    ("dialect", "fmt"),
    [
        ("openai", None),
        ("anthropic", None),
        ("gemini", None),
        ("gemini", "jsonarray"),
        ("bedrock-converse", None),
        ("openai-responses", None),
        ("auto", None),
    ],
)
def test_json_error_body_instead_of_a_stream_is_a_provider_error(
    dialect: str, fmt: str | None
) -> None:
    outcome = assert_fragmentation_invariant(lambda: StreamParser(dialect, format=fmt), ERROR_BODY)
    assert outcome.error is None
    assert outcome.items == [
        ProviderError(message="Overloaded", type="overloaded_error"),
        Done(clean=False),
    ]


def test_aws_style_error_body_for_event_stream() -> None:
    body = b'{"message":"The security token included in the request is invalid."}'
    events = StreamParser("bedrock").feed(body)
    assert events == []
    parser = StreamParser("bedrock")
    parser.feed(body)
    assert parser.close() == [
        ProviderError(message="The security token included in the request is invalid."),
        Done(clean=False),
    ]


def test_leading_whitespace_before_sse_changes_nothing() -> None:
    body = b'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n'
    plain = assert_fragmentation_invariant(lambda: StreamParser("openai"), body)
    padded = assert_fragmentation_invariant(lambda: StreamParser("openai"), b"\r\n\n\r" + body)
    assert [type(e) for e in padded.items] == [type(e) for e in plain.items]
    assert padded.items == plain.items


@pytest.mark.parametrize("body", [b"<html><body>502 Bad Gateway</body></html>", b"hello\n"])
def test_auto_rejects_what_is_no_stream(body: bytes) -> None:
    outcome = assert_fragmentation_invariant(lambda: StreamParser("auto"), body)
    assert outcome.items == [] and outcome.error is not None
    assert outcome.error[0] is UndetectableStream


def test_auto_on_empty_input_is_undetectable_at_close() -> None:
    parser = StreamParser("auto")
    assert parser.feed(b"") == []
    with pytest.raises(UndetectableStream):
        parser.close()


def test_auto_passes_options_to_the_framing_decoder() -> None:
    parser = StreamParser("auto", max_event_size=64)
    with pytest.raises(LimitExceeded):
        parser.feed(b"data: " + b"x" * 200 + b"\n\n")


OPENAI_CHUNK = b'data: {"id":"c","object":"chat.completion.chunk","choices":[]}\n\n'


@pytest.mark.parametrize(
    ("body", "options"),
    [
        # Records before the one that tells the dialect: a comment, a retry, an empty event.
        (b": hi\r\nretry: 5\n\ndata:\n\n" + OPENAI_CHUNK + b"data: [DONE]\n\n", {}),
        (b": hi\nretry: 5\n\n" + OPENAI_CHUNK, {"comments": False}),
        # A held line (fused lane) that a CR, then the limit, sends to the decoder.
        (OPENAI_CHUNK + b"data: [DONE]\r\r" + OPENAI_CHUNK, {}),
        (OPENAI_CHUNK + b"data: " + b"z" * 70 + b"\n\n", {"max_event_size": 64}),
        # The probe meets the limit before any record tells: the fallback dialect (openai)
        # gets what came before, then the fault.
        (b": hi\n\nretry: 7\n\ndata: " + b"x" * 300 + b"\n\n", {"max_event_size": 64}),
        (b"\xef\xbb\xbf\n\n" + OPENAI_CHUNK + b"data: " + b"y" * 100, {"max_event_size": 64}),
    ],
)
def test_auto_continuing_with_its_probe_is_the_named_dialect(
    body: bytes, options: dict[str, Any]
) -> None:
    """``"auto"`` carries on with the decoder that probed the stream: the records and the
    fault it met reach the dialect as a named parser's would, at every fragmentation."""
    named = assert_fragmentation_invariant(lambda: StreamParser("openai", **options), body)
    auto = assert_fragmentation_invariant(lambda: StreamParser("auto", **options), body)
    assert auto == named
    assert retry_after(StreamParser("auto", **options), body) == retry_after(
        StreamParser("openai", **options), body
    )


def retry_after(parser: StreamParser, body: bytes) -> int | None:
    """The parser's ``retry`` after *body* (and the fault it may raise)."""
    try:
        parser.feed(body)
        parser.feed(b"")
    except LimitExceeded:
        pass
    return parser.retry
