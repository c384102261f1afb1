"""``encode_sse``: what it writes, SSEDecoder reads back as exactly the fields given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import SSEDecoder, SSEEvent, SSERetry, UsageError, encode_sse
from sseparse.framing.records import SSEComment


def decode(data: bytes) -> list[object]:
    decoder = SSEDecoder(comments=True)
    return decoder.feed(data) + decoder.close()


def test_fields_in_order() -> None:
    record = encode_sse(data="a\nb\r\nc\rd", event="delta", id="7", retry=1500, comment="hi")
    assert record == (
        b":hi\nevent: delta\nid: 7\nretry: 1500\ndata: a\ndata: b\ndata: c\ndata: d\n\n"
    )
    assert decode(record) == [
        SSEComment(text="hi"),
        SSERetry(milliseconds=1500),
        SSEEvent(type="delta", data="a\nb\nc\nd", last_event_id="7"),
    ]


def test_empty_data_dispatches_an_empty_event() -> None:
    assert encode_sse(data="") == b"data: \n\n"
    assert decode(encode_sse(data="")) == [SSEEvent(type="message", data="", last_event_id="")]


def test_comment_only() -> None:
    assert encode_sse(comment="a\nb") == b":a\n:b\n\n"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"event": "a\nb"},
        {"event": "a\rb"},
        {"id": "1\n"},
        {"id": "1\0"},
        {"retry": -1},
        {"retry": True},
        {"retry": "5"},
        {"data": b"bytes"},
        {"data": "\ud800"},
        {"comment": 3},
    ],
)
def test_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        encode_sse(**kwargs)  # type: ignore[arg-type]


text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
field = text.filter(lambda s: "\r" not in s and "\n" not in s)


@given(data=text, event=field.filter(lambda s: s != ""), id=field.filter(lambda s: "\0" not in s))
def test_round_trip(data: str, event: str, id: str) -> None:
    # The decoder reads CRLF and CR as LF: that is the normalization of data lines.
    expected = data.replace("\r\n", "\n").replace("\r", "\n")
    assert decode(encode_sse(data=data, event=event, id=id)) == [
        SSEEvent(type=event, data=expected, last_event_id=id)
    ]
