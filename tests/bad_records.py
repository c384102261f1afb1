"""The one bad-record policy seen from a dialect's tests: a payload of the wrong shape is
reported at its record, whichever layer finds the fault (the dialect's own check, or a
stray shape error the parser turns into ``MalformedPayload``)."""

from __future__ import annotations

import pytest

from sseparse import StreamParser
from sseparse.errors import MalformedPayload
from sseparse.events import Malformed
from sseparse.parser import _SHAPE_ERRORS as SHAPE_ERRORS  # what StreamParser reports

__all__ = ["SHAPE_ERRORS", "assert_reported_at_the_record"]


def assert_reported_at_the_record(dialect: str, payload: str) -> None:
    """*payload*, as the data of an SSE event at offset 1234, is raised there under
    ``strict`` and is one ``Malformed`` event there without."""
    head = b"\n" * 1234  # blank lines: the event starts at offset 1234
    data = head + b"event: x\ndata: " + payload.encode() + b"\n\n"
    strict = StreamParser(dialect, strict=True)
    with pytest.raises(MalformedPayload) as info:  # raised once the events before it are out
        strict.feed(data)
        strict.close()
    assert info.value.offset == 1234
    lenient = StreamParser(dialect)
    found = [e for e in (*lenient.feed(data), *lenient.close()) if isinstance(e, Malformed)]
    assert [e.offset for e in found] == [1234]
