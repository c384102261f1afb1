"""Every dialect's generated streams give their expected message, named and auto-detected,
under every chunking; errors and truncation are reported as the Stream says."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sseparse import Accumulator, Done, ProviderError, StreamParser, UsageError
from sseparse.testing import STREAM_DIALECTS, Stream, chunkings, run_feed, streams

CASES = [(d, None) for d in STREAM_DIALECTS] + [("gemini", "jsonarray")]


def decode(
    dialect: str, fmt: str | None, chunks: list[bytes]
) -> tuple[dict[str, Any], list[Any], Any]:
    outcome, _ = run_feed(lambda: StreamParser(dialect, format=fmt), chunks)
    acc = Accumulator()
    acc.feed(outcome.items)
    return acc.message.to_dict(), outcome.items, outcome.error


@pytest.mark.parametrize(("dialect", "fmt"), CASES)
@settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_generated_streams_give_the_expected_message(
    dialect: str, fmt: str | None, data: st.DataObject
) -> None:
    stream: Stream = data.draw(streams(dialect, format=fmt, errors=True, truncation=True))
    chunks = data.draw(chunkings(stream.data))
    for name, form in ((dialect, stream.format), ("auto", None)):
        message, events, error = decode(name, form, chunks)
        assert message == stream.expected, name
        errors = [e.message for e in events if isinstance(e, ProviderError)]
        assert errors == ([stream.error] if stream.error else [])
        dones = [e.clean for e in events if isinstance(e, Done)]
        if error is None:
            assert dones == [stream.clean]


def test_unknown_dialect_or_format() -> None:
    with pytest.raises(UsageError):
        streams("nope")
    with pytest.raises(UsageError):
        streams("openai", format="eventstream")
