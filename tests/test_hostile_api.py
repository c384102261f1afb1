"""Wrong arguments to every public decoder: ``UsageError``, never another exception type.

Covers every ``memoryview`` form ``feed``/``receive_data`` may be handed (a released one is
refused; non-contiguous, items wider than a byte, more than one dimension are read as the
bytes ``tobytes()`` gives) and every kind of bad constructor argument (wrong type, ``bool``
for an int, zero, negative).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sseparse import (
    DIALECTS,
    EventStreamDecoder,
    JSONArrayDecoder,
    JSONDocumentDecoder,
    JSONLinesDecoder,
    SSEDecoder,
    StreamParser,
    UsageError,
    encode_event_stream,
)

SSE = b'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n'

DECODERS: dict[str, tuple[Callable[[], Any], bytes]] = {
    "sse": (SSEDecoder, SSE),
    "jsonlines": (JSONLinesDecoder, b'{"a":1}\n[2]\n'),
    "jsonarray": (JSONArrayDecoder, b'[{"a":1}, [2]]'),
    "jsondoc": (JSONDocumentDecoder, b'{"a": [1, 2]}'),
    "eventstream": (
        EventStreamDecoder,
        encode_event_stream({":message-type": "event"}, b'{"a":1}') + encode_event_stream(),
    ),
    "parser-openai": (lambda: StreamParser("openai"), SSE),
    "parser-gemini": (lambda: StreamParser("gemini"), b'[{"candidates":[]}]'),
    "parser-ollama": (lambda: StreamParser("ollama"), b'{"done":true,"response":""}\n'),
    "parser-auto": (lambda: StreamParser("auto"), SSE),
}


def _released() -> memoryview:
    view = memoryview(SSE)
    view.release()
    return view


BAD_VIEWS: dict[str, Callable[[], object]] = {
    "released": _released,
    "str": lambda: "data: x\n\n",
    "int": lambda: 7,
    "none": lambda: None,
    "list-of-ints": lambda: list(SSE),
}


def _result(decoder: Any, data: Any) -> list[Any]:
    return decoder.feed(data) + decoder.close()


@pytest.mark.parametrize("name", DECODERS)
@pytest.mark.parametrize("view", BAD_VIEWS)
@pytest.mark.parametrize("method", ["feed", "receive_data"])
def test_bad_data_is_usage_error_and_harmless(name: str, view: str, method: str) -> None:
    factory, good = DECODERS[name]
    decoder = factory()
    with pytest.raises(UsageError):
        getattr(decoder, method)(BAD_VIEWS[view]())
    # The refused argument changed nothing: the same decoder still reads a good stream.
    assert _result(decoder, good) == _result(factory(), good)


def _views(good: bytes) -> list[memoryview]:
    """Views whose ``tobytes()`` is *good*, in every form."""
    doubled = bytes(b for c in good for b in (c, 0x5F))
    views = [memoryview(good).cast(fmt) for fmt in "Bbc"]
    views.append(memoryview(bytearray(good)))
    views.append(memoryview(doubled)[::2])  # non-contiguous
    views.append(memoryview(doubled)[-2::-2][::-1])  # negative strides
    if len(good) % 2 == 0:
        views.append(memoryview(good).cast("H"))  # two-byte items
        views.append(memoryview(good).cast("B", (2, len(good) // 2)))  # two dimensions
    assert all(view.tobytes() == good for view in views)
    return views


@pytest.mark.parametrize("name", DECODERS)
def test_every_view_reads_like_its_bytes(name: str) -> None:
    factory, good = DECODERS[name]
    expected = _result(factory(), good)
    for view in _views(good):
        assert _result(factory(), view) == expected
        puller = factory()
        puller.receive_data(view)
        pulled = []
        while (item := puller.next_event()) is not None:
            pulled.append(item)
        assert pulled + puller.close() == expected


BAD_LIMITS = ["1", 1.5, True, False, None, [], 0, -1, -(2**70)]

LIMITS: list[tuple[Callable[..., object], str]] = [
    (SSEDecoder, "max_event_size"),
    (JSONLinesDecoder, "max_line_size"),
    (JSONArrayDecoder, "max_element_size"),
    (JSONDocumentDecoder, "max_size"),
    (EventStreamDecoder, "max_message_size"),
    (lambda **kw: StreamParser("openai", **kw), "max_event_size"),
    (lambda **kw: StreamParser("ollama", **kw), "max_line_size"),
    (lambda **kw: StreamParser("gemini", **kw), "max_element_size"),
    (lambda **kw: StreamParser("bedrock", **kw), "max_message_size"),
]


@pytest.mark.parametrize(("factory", "option"), LIMITS, ids=[o for _, o in LIMITS])
@pytest.mark.parametrize("bad", BAD_LIMITS, ids=repr)
def test_bad_limit_is_usage_error(factory: Callable[..., object], option: str, bad: object) -> None:
    with pytest.raises(UsageError, match=option):
        factory(**{option: bad})


def test_event_stream_limits() -> None:
    with pytest.raises(UsageError, match="at least 16"):
        EventStreamDecoder(max_message_size=15)
    assert EventStreamDecoder(max_message_size=16).max_message_size == 16
    assert EventStreamDecoder(max_headers_size=0).max_headers_size == 0
    for bad in (-1, True, "0", 0.0):
        with pytest.raises(UsageError, match="max_headers_size"):
            EventStreamDecoder(max_headers_size=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dialect": []},
        {"dialect": None},
        {"dialect": b"openai"},
        {"dialect": 1},
        {"dialect": "no-such-dialect"},
        {"dialect": "openai", "format": []},
        {"dialect": "openai", "format": b"sse"},
        {"dialect": "openai", "format": "no-such-format"},
        {"dialect": "auto", "format": 1},
        {"dialect": "openai", "no_such_option": 1},
    ],
    ids=repr,
)
def test_bad_parser_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        StreamParser(**kwargs)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_dialect_refuses_bad_views(dialect: str) -> None:
    for make in BAD_VIEWS.values():
        with pytest.raises(UsageError):
            StreamParser(dialect).feed(make())  # type: ignore[arg-type]


@pytest.mark.parametrize("name", DECODERS)
def test_refused_feed_keeps_items_queued_by_receive_data(name: str) -> None:
    factory, good = DECODERS[name]
    expected = _result(factory(), good)
    decoder = factory()
    decoder.receive_data(good)
    with pytest.raises(UsageError):
        decoder.feed(_released())
    assert decoder.feed(b"") + decoder.close() == expected
