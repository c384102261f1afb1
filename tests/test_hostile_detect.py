"""``"auto"`` against hostile starts of streams: linear work however the head is cut, a long
blank prefix, format aliases, options meant for another framing, a BOM, bounded memory."""

from __future__ import annotations

import struct
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from sseparse import (
    Done,
    LimitExceeded,
    ParseError,
    ProviderError,
    StreamParser,
    TextDelta,
    TruncatedStream,
    UndetectableStream,
    UsageError,
    detect,
)

SSE = (
    b'data: {"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n'
    b'data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
)
OLLAMA = (
    b'{"model":"m","created_at":"t","message":{"role":"assistant","content":"hi"},"done":false}\n'
    b'{"model":"m","created_at":"t","message":{"role":"assistant","content":""},"done":true}\n'
)
GEMINI = b'[{"candidates":[{"content":{"parts":[{"text":"hi"}]},"index":0}]}]'


def events(parser: StreamParser, pieces: list[bytes]) -> list[Any]:
    out: list[Any] = []
    for piece in pieces:
        out += parser.feed(piece)
    return out + parser.close()


def texts(items: list[Any]) -> list[str]:
    return [e.text for e in items if isinstance(e, TextDelta)]


def one_byte(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


# -- linear work ----------------------------------------------------------------------------


def sniffed_bytes(monkeypatch: pytest.MonkeyPatch, head: bytes, body: bytes) -> int:
    """Bytes handed to the framing sniffer while *head* then *body* arrive one byte at a
    time (the work detection does on the head)."""
    seen = 0
    real_format, real_body = detect.sniff_format, detect._sniff_body

    def count_format(prefix: bytes, *, final: bool = False) -> str | None:
        nonlocal seen
        seen += len(prefix)
        return real_format(prefix, final=final)

    def count_body(stripped: bytes, start: int, final: bool) -> str | None:
        nonlocal seen
        seen += len(stripped)
        return real_body(stripped, start, final)

    monkeypatch.setattr(detect, "sniff_format", count_format)
    monkeypatch.setattr(detect, "_sniff_body", count_body)
    parser = StreamParser("auto")
    assert texts(events(parser, [*one_byte(head), body])) == ["hi"]
    return seen


@pytest.mark.parametrize(
    ("bom", "blank", "body"),
    [
        (b"", b"\n", SSE),
        (b"", b"\r\n", SSE),
        (b"\xef\xbb\xbf", b"\n", SSE),
        (b"", b" ", OLLAMA),
        (b"\xef\xbb\xbf", b" \t", GEMINI),
    ],
)
def test_blank_prefix_fed_byte_by_byte_is_not_rescanned(
    monkeypatch: pytest.MonkeyPatch, bom: bytes, blank: bytes, body: bytes
) -> None:
    small = sniffed_bytes(monkeypatch, bom + blank * 2_000, body)
    large = sniffed_bytes(monkeypatch, bom + blank * 8_000, body)
    # The blank prefix is counted as it arrives, never handed to the sniffer again.
    assert large == small
    assert small < 1_000


def test_json_line_waiting_for_its_newline_is_not_rescanned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = OLLAMA.split(b"\n")[0]
    pad = b'"pad":"' + b"x" * 4_000 + b'",'
    rest = b"\n" + OLLAMA.split(b"\n", 1)[1]
    short = sniffed_bytes(monkeypatch, line[:1] + pad + line[1:], rest)
    long = sniffed_bytes(monkeypatch, line[:1] + pad + pad + line[1:], rest)
    assert long < 2.5 * short  # linear in the head, not quadratic


# -- a long blank prefix ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [70_000])
def test_long_blank_prefix_is_fine(size: int) -> None:
    """Longer than the 64 KiB sniff window: the window counts from the first significant
    byte."""
    for body in (SSE, OLLAMA, GEMINI):
        parser = StreamParser("auto")
        assert texts(events(parser, [b"\n" * size, body])) == ["hi"]
        parser = StreamParser("auto")
        assert texts(events(parser, [b"\xef\xbb\xbf" + b" \r\n" * (size // 3) + body])) == ["hi"]


def test_blank_prefix_is_bounded_by_max_probe() -> None:
    parser = StreamParser("auto")
    detector = parser._pending
    assert isinstance(detector, detect.AutoDetector)
    detector.max_probe = 1000
    with pytest.raises(UndetectableStream) as info:
        events(parser, [b"\n" * 600, b"\n" * 600])
    assert info.value.offset == 1200


def test_only_blank_is_undetectable_at_close() -> None:
    for data in (b"\n" * 100_000, b"\xef\xbb\xbf", b"\xef\xbb"):
        with pytest.raises(UndetectableStream):
            events(StreamParser("auto"), one_byte(data) if len(data) < 10 else [data])


# -- aliases and options --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "body", "dialect"),
    [
        ("ndjson", OLLAMA, "ollama"),
        ("jsonlines", OLLAMA, "ollama"),
        ("json-array", GEMINI, "gemini"),
        ("jsonarray", GEMINI, "gemini"),
    ],
)
def test_format_aliases(fmt: str, body: bytes, dialect: str) -> None:
    parser = StreamParser("auto", format=fmt)
    got = events(parser, one_byte(body))
    assert parser.dialect_name == dialect
    assert got == events(StreamParser(dialect, format=fmt), [body])


@pytest.mark.parametrize(
    ("options", "body"),
    [
        ({"max_event_size": 64}, OLLAMA),
        ({"max_event_size": 64, "comments": True}, GEMINI),
        ({"max_line_size": 64}, SSE + b": " + b"x" * 100 + b"\n\n"),
        ({"max_element_size": 10, "max_message_size": 16}, OLLAMA),
        ({"last_event_id": "7"}, OLLAMA),
    ],
    ids=repr,
)
def test_options_for_another_framing_are_ignored(options: dict[str, Any], body: bytes) -> None:
    parser = StreamParser("auto", **options)
    assert texts(events(parser, [body])) == ["hi"]


@pytest.mark.parametrize(
    ("options", "body"),
    [
        ({"max_event_size": 64}, b"data: " + b"x" * 100 + b"\n\n"),
        ({"max_line_size": 64}, b'{"x":"' + b"x" * 100 + b'"}\n'),
        ({"max_element_size": 64}, b'[{"x":"' + b"x" * 100 + b'"}]'),
        # A pretty-printed error body (a JSON document): bounded by the framing's limit.
        ({"max_event_size": 64}, b'{\n "error": {"message": "' + b"x" * 100 + b'"}}'),
    ],
    ids=["sse", "jsonlines", "jsonarray", "json-body-uses-the-framing-limit"],
)
def test_options_for_the_framing_found_apply(options: dict[str, Any], body: bytes) -> None:
    for pieces in ([body], one_byte(body)):
        with pytest.raises(LimitExceeded):
            events(StreamParser("auto", **options), pieces)


def test_json_error_body_respects_the_callers_limit() -> None:
    body = b'{"error": {"message": "' + b"x" * 100 + b'"}}'
    with pytest.raises(LimitExceeded):
        events(StreamParser("openai", max_event_size=64), [body])
    parser = StreamParser("openai", max_event_size=len(body))
    got = events(parser, [body])
    assert isinstance(got[0], ProviderError) and got[-1] == Done(clean=False)


@pytest.mark.parametrize(
    "options",
    [{"no_such_option": 1}, {"max_line_size": "10"}, {"max_event_size": 0}, {"comments": 1}],
    ids=repr,
)
def test_bad_options_fail_at_construction(options: dict[str, Any]) -> None:
    if options == {"comments": 1}:
        StreamParser("auto", **options)  # SSEDecoder takes any truthy value for a flag
        return
    with pytest.raises(UsageError):
        StreamParser("auto", **options)


# -- BOM ------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [OLLAMA, GEMINI, SSE], ids=["jsonlines", "jsonarray", "sse"])
@pytest.mark.parametrize("dialect", ["auto", "named"])
def test_bom_before_the_stream(body: bytes, dialect: str) -> None:
    name, fmt = {OLLAMA: ("ollama", None), GEMINI: ("gemini", "jsonarray"), SSE: ("openai", None)}[
        body
    ]
    factory: Callable[[], StreamParser] = lambda: (  # noqa: E731
        StreamParser(name, format=fmt) if dialect == "named" else StreamParser("auto")
    )
    plain = events(factory(), [body])
    assert texts(events(factory(), [b"\xef\xbb\xbf" + body])) == texts(plain) == ["hi"]
    assert texts(events(factory(), one_byte(b"\xef\xbb\xbf" + body))) == ["hi"]


# -- memory -----------------------------------------------------------------------------------

LIMIT = 32 * 1024


def _run(factory: Callable[[], Any], pieces: list[bytes]) -> str:
    parser = factory()
    try:
        for piece in pieces:
            parser.feed(piece)
        parser.close()
    except ParseError as exc:
        return type(exc).__name__
    return "ok"


def peak(factory: Callable[[], Any], pieces: list[bytes]) -> tuple[int, str]:
    """The peak memory of one run, and how it ended. The same run is made once before, not
    traced: what a process pays once (the modules detection imports, the first exception
    of a kind) is not the parser's, and a test run first in its worker used to count it."""
    _run(factory, pieces)
    tracemalloc.start()
    try:
        outcome = _run(factory, pieces)
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("piece", [4096, 16, 2, 1])
def test_auto_memory_does_not_depend_on_fragment_size(piece: int) -> None:
    """The probe keeps the bytes in one buffer: no per-fragment object (2-byte fragments
    used to cost ~22x the bytes fed)."""
    body = b": " + b"x" * (LIMIT // 2)  # one long comment, no event yet
    pieces = [body[i : i + piece] for i in range(0, len(body), piece)]
    used, outcome = peak(lambda: StreamParser("auto", max_event_size=LIMIT), pieces)
    assert outcome == "ok"
    assert used < 3 * len(body)


@pytest.mark.parametrize("piece", [0, 4096, 16, 1])
def test_auto_memory_past_the_limit(piece: int) -> None:
    body = b"data: " + b"x" * (LIMIT + LIMIT // 4)
    size = piece or len(body)
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    used, outcome = peak(lambda: StreamParser("auto", max_event_size=LIMIT), pieces)
    assert outcome == "LimitExceeded"
    # The head is buffered once and probed once; the parser continues with the probe
    # decoder instead of replaying a copy: under 3x the limit, never per-fragment.
    assert used < 3 * LIMIT, f"{used / LIMIT:.2f}x the limit"


def test_event_stream_prelude_over_16_mib_is_detected_at_any_fragmentation() -> None:
    """A prelude declaring 16 MiB or more starts with byte 1: detection waits for its 12
    bytes instead of calling the stream undetectable (found by the fuzz seeds)."""
    for total in (16 + 24 * 1024 * 1024, 16 + 24 * 1024 * 1024 + 1):
        head = struct.pack(">II", total, 0)
        prelude = head + struct.pack(">I", zlib.crc32(head))
        assert prelude[:1] == b"\x01"
        outcomes = []
        for pieces in ([prelude], one_byte(prelude)):
            parser = StreamParser("auto")
            try:
                events(parser, pieces)
            except ParseError as exc:
                outcomes.append((type(exc), exc.offset))
        assert outcomes[0] == outcomes[1]
        assert outcomes[0][0] in (LimitExceeded, TruncatedStream)
