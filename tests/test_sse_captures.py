"""Every recorded ``.sse`` capture through SSEDecoder, under every fragmentation.

Each decodes to at least one event whose data is JSON or ``[DONE]`` (except the one body the
manifest marks ``not_sse_framed``), agrees record for record with the reference model, and
ends cleanly unless the manifest says it has no final blank line.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from sseparse.framing.records import SSEComment, SSEEvent
from sseparse.framing.sse import SSEDecoder
from sseparse.testing import assert_fragmentation_invariant
from tests import captures
from tests.test_sse_properties import reference

SSE_CAPTURES = captures.captures(fmt="sse")


def test_there_are_captures() -> None:
    assert len(SSE_CAPTURES) >= 100


@pytest.mark.parametrize("entry", SSE_CAPTURES, ids=lambda e: e["file"])
def test_capture(entry: dict[str, Any]) -> None:
    stream = captures.read(entry["file"])
    features = set(entry["features"])
    outcome = assert_fragmentation_invariant(lambda: SSEDecoder(comments=True), stream)
    assert outcome.error is None
    records = outcome.items
    expected = reference(stream, comments=True)
    assert [(r, r.offset) for r in records] == [(r, r.offset) for r in expected]

    events = [r for r in records if isinstance(r, SSEEvent)]
    if "not_sse_framed" in features:
        assert events == []
        return
    assert events, entry["file"]
    for event in events:
        if event.data != "[DONE]":
            json.loads(event.data)
        assert stream[event.offset :].startswith((b"data", b"event", b"id", b":"))
    if "done_sentinel" in features:
        assert events[-1].data == "[DONE]"
    if "sse_event_field" in features:
        assert any(e.type != "message" for e in events)
    comments = [r for r in records if isinstance(r, SSEComment)]
    assert bool(comments) == ("sse_comment" in features)

    decoder = SSEDecoder()
    decoder.feed(stream)
    decoder.close()
    if "no_final_blank_line" in features:
        assert decoder.discarded_bytes > 0
    else:
        assert decoder.discarded_bytes == 0


@pytest.mark.parametrize(
    "entry", [e for e in SSE_CAPTURES if "crlf" in e["features"]], ids=lambda e: e["file"]
)
def test_crlf_capture_equals_its_lf_version(entry: dict[str, Any]) -> None:
    stream = captures.read(entry["file"])
    assert b"\r\n" in stream
    lf = stream.replace(b"\r\n", b"\n")
    assert SSEDecoder().feed(stream) == SSEDecoder().feed(lf)
