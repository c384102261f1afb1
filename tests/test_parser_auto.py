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
