"""iter_events / aiter_events over real transports: a local HTTP server on 127.0.0.1 serving
captures with chunked transfer-encoding in small writes, read by httpx (sync and async),
urllib and a raw socket."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import threading
import urllib.request
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from sseparse import StreamParser
from sseparse.accumulate import Accumulator
from sseparse.errors import MalformedPayload, TruncatedStream, UsageError
from sseparse.events import Done, Event, Malformed, StreamStart, TextDelta
from sseparse.io import StreamStats, aiter_events, iter_events

from .captures import read

CAPTURE = "openai-chat-parallel-tool-calls.sse"
WRITE_SIZE = 7  # bytes per chunked-encoding chunk: events arrive split everywhere

# The held-back stream: the server sends FIRST, then waits until the client has seen its
# event before sending REST. A client that buffered the body would deadlock (and time out).
FIRST = b'data: {"id":"x","model":"m","choices":[{"index":0,"delta":{"content":"first"}}]}\n\n'
REST = (
    b'data: {"id":"x","choices":[{"index":0,"delta":{"content":" second"},'
    b'"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/raw/"):
            # HTTP/1.0-style: no chunking, the body ends when the connection closes.
            body = read(self.path[len("/raw/") :])
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(0, len(body), WRITE_SIZE):
                self.wfile.write(body[i : i + WRITE_SIZE])
                self.wfile.flush()
            self.close_connection = True
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.path == "/held":
            self._chunked(FIRST)
            self.server.held_ok = self.server.seen_first.wait(timeout=10)
            self._chunked(REST)
        else:
            self._chunked(read(self.path.lstrip("/")))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunked(self, body: bytes) -> None:
        for i in range(0, len(body), WRITE_SIZE):
            piece = body[i : i + WRITE_SIZE]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    seen_first: threading.Event
    held_ok: bool

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that stops reading early (the early-break test) resets the connection.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    srv = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def url(srv: Server, path: str) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}/{path.lstrip('/')}"


def expected_events() -> list[Event]:
    parser = StreamParser("openai")
    return parser.feed(read(CAPTURE)) + parser.close()


def test_httpx_sync(server: Server) -> None:
    with httpx.Client() as client, client.stream("GET", url(server, CAPTURE)) as response:
        events = list(iter_events(response.iter_bytes()))
    assert events == expected_events()
    acc = Accumulator()
    acc.feed(events)
    assert [c.name for c in acc.message.tool_calls] == ["GetWeatherArgs", "get_stock_price"]


def test_httpx_async(server: Server) -> None:
    async def main() -> list[Event]:
        async with (
            httpx.AsyncClient() as client,
            client.stream("GET", url(server, CAPTURE)) as response,
        ):
            return [e async for e in aiter_events(response.aiter_bytes())]

    assert asyncio.run(main()) == expected_events()


def test_urllib(server: Server) -> None:
    def body() -> Iterator[bytes]:
        with urllib.request.urlopen(url(server, CAPTURE)) as response:
            while piece := response.read1(64):
                yield piece

    assert list(iter_events(body())) == expected_events()


def test_raw_socket(server: Server) -> None:
    def body() -> Iterator[bytes]:
        with socket.create_connection(server.server_address[:2]) as sock:
            sock.sendall(f"GET /raw/{CAPTURE} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = b""
            while b"\r\n\r\n" not in head:
                piece = sock.recv(1)
                assert piece
                head += piece
            assert head.split(b" ", 2)[1] == b"200"
            while piece := sock.recv(13):
                yield piece

    assert list(iter_events(body())) == expected_events()


def test_events_are_yielded_before_the_body_ends(server: Server) -> None:
    server.seen_first = threading.Event()
    server.held_ok = False
    got: list[Event] = []
    with httpx.Client() as client, client.stream("GET", url(server, "/held")) as response:
        for event in iter_events(response.iter_bytes()):
            got.append(event)
            if isinstance(event, TextDelta) and event.text == "first":
                server.seen_first.set()
    assert server.held_ok, "the first event was not yielded until the rest of the body came"
    assert [e for e in got if isinstance(e, TextDelta)] == [
        TextDelta(text="first"),
        TextDelta(text=" second"),
    ]
    assert got[-1] == Done()


def test_events_are_yielded_before_the_body_ends_async(server: Server) -> None:
    server.seen_first = threading.Event()
    server.held_ok = False

    async def main() -> list[Event]:
        got: list[Event] = []
        async with (
            httpx.AsyncClient() as client,
            client.stream("GET", url(server, "/held")) as response,
        ):
            async for event in aiter_events(response.aiter_bytes()):
                got.append(event)
                if isinstance(event, TextDelta) and event.text == "first":
                    server.seen_first.set()
        return got

    got = asyncio.run(main())
    assert server.held_ok
    assert got[-1] == Done()


def test_early_break_closes_quietly(server: Server) -> None:
    with httpx.Client() as client, client.stream("GET", url(server, CAPTURE)) as response:
        events = iter_events(response.iter_bytes())
        assert isinstance(next(events), StreamStart)
        events.close()  # what a `break` does: no TruncatedStream-like noise
        with pytest.raises(StopIteration):
            next(events)


# -- closing rules, without the network ----------------------------------------------------------

TRUNCATED_ARRAY = b'[{"candidates": [{"content": {"parts": [{"text": "hi"}]}}]}'


def test_close_runs_at_the_end_and_its_error_propagates() -> None:
    got: list[Event] = []
    with pytest.raises(TruncatedStream):
        got.extend(iter_events([TRUNCATED_ARRAY], dialect="gemini", format="jsonarray"))
    assert TextDelta(text="hi") in got  # events before the fault came first


def test_early_break_swallows_the_close_error() -> None:
    events = iter_events([TRUNCATED_ARRAY], dialect="gemini", format="jsonarray")
    for _event in events:
        break
    events.close()  # close() of the unfinished array would raise TruncatedStream: swallowed


def test_transport_error_propagates_unchanged() -> None:
    def body() -> Iterator[bytes]:
        yield b'data: {"choices": [{"index": 0, "delta": {"content": "a"}}]}\n\ndata: {"cho'
        raise ConnectionResetError("peer went away")

    got: list[Event] = []
    with pytest.raises(ConnectionResetError):
        got.extend(iter_events(body()))
    assert got == [TextDelta(text="a")]


def test_bad_payload_after_good_events() -> None:
    data = [b'data: {"choices": []}\n\ndata: nope\n\n', b"more"]
    got: list[Event] = []
    with pytest.raises(MalformedPayload):
        got.extend(iter_events(data, dialect="openai", strict=True))
    assert got == []  # the first chunk produced no event; the second is bad
    # By default the bad record is reported in-band and the stream goes on to its end.
    events = list(iter_events(data, dialect="openai"))
    assert [type(e) for e in events] == [Malformed, Done]
    assert events[0].offset == len(b'data: {"choices": []}\n\n')  # type: ignore[union-attr]


def test_bad_dialect_raises_usage_error() -> None:
    with pytest.raises(UsageError):
        next(iter_events([b""], dialect="nope"))


def test_unclean_end() -> None:
    events = list(
        iter_events([b'data: {"choices": [{"index": 0, "delta": {"content": "a"}}]}\n\n'])
    )
    assert events == [TextDelta(text="a"), Done(clean=False)]


def test_aiter_events_over_a_plain_iterable_and_aclosing() -> None:
    async def main() -> list[Event]:
        return [e async for e in aiter_events([read(CAPTURE)])]

    assert asyncio.run(main()) == expected_events()

    async def early() -> Event:
        async with contextlib.aclosing(
            aiter_events([TRUNCATED_ARRAY], dialect="gemini", format="jsonarray")
        ) as events:
            async for event in events:
                return event
        raise AssertionError("no event")

    assert isinstance(asyncio.run(early()), StreamStart)


def test_aiter_events_error_propagates() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield TRUNCATED_ARRAY

    async def main() -> None:
        async for _event in aiter_events(chunks(), dialect="gemini", format="jsonarray"):
            pass

    with pytest.raises(TruncatedStream):
        asyncio.run(main())


# -- stats --------------------------------------------------------------------------------


class Ticks:
    """A clock that advances one second per reading: the order of measurements shows."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


USAGE = b'data: {"id":"x","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":12}}\n\n'


def check_stats(stats: StreamStats) -> None:
    # Readings: begin 101; first byte 102; first event 103, first token 104 (same fragment);
    # nothing new in the second chunk until the end: duration is read last.
    assert stats.time_to_first_byte == 1.0
    assert stats.time_to_first_event == 2.0
    assert stats.time_to_first_token == 3.0
    assert stats.duration == 4.0
    assert (stats.bytes, stats.chunks) == (len(FIRST + REST + USAGE), 2)
    assert stats.events_by_kind == {
        "StreamStart": 1,
        "TextDelta": 2,
        "Finish": 1,
        "Done": 1,
        "Usage": 1,
    }
    assert stats.events == 6
    assert stats.clean is True
    assert stats.usage is not None and stats.usage.completion_tokens == 12
    assert stats.tokens_per_second == 12.0
    assert stats.as_dict()["tokens_per_second"] == 12.0


def test_stats_sync() -> None:
    stats = StreamStats(clock=Ticks())
    events = list(iter_events([b"", FIRST, REST + USAGE], stats=stats))
    assert len(events) == 6
    check_stats(stats)


def test_stats_async() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for piece in (b"", FIRST, memoryview(REST + USAGE)):
            yield piece  # type: ignore[misc]

    async def main() -> StreamStats:
        stats = StreamStats(clock=Ticks())
        assert len([e async for e in aiter_events(chunks(), stats=stats)]) == 6
        return stats

    check_stats(asyncio.run(main()))


def test_stats_over_http(server: Server) -> None:
    stats = StreamStats()
    with httpx.Client() as client, client.stream("GET", url(server, CAPTURE)) as response:
        events = list(iter_events(response.iter_bytes(), stats=stats))
    assert stats.bytes == len(read(CAPTURE))
    assert stats.events == len(events) == sum(stats.events_by_kind.values())
    first_byte, first_event = stats.time_to_first_byte, stats.time_to_first_event
    assert first_byte is not None and first_event is not None and stats.duration is not None
    assert 0 <= first_byte <= first_event <= stats.duration
    assert stats.clean is True


def test_stats_early_stop_and_no_usage() -> None:
    stats = StreamStats(clock=Ticks())
    for _ in iter_events([FIRST, REST], stats=stats):
        break
    assert stats.duration is not None and stats.clean is None
    assert stats.tokens_per_second is None  # no usage
    stats = StreamStats(clock=lambda: 5.0)  # a frozen clock: no time elapsed
    list(iter_events([FIRST, REST + USAGE], stats=stats))
    assert stats.tokens_per_second is None


def test_stats_async_counts_what_close_yields() -> None:
    async def main() -> tuple[list[Event], StreamStats]:
        stats = StreamStats(clock=Ticks())
        return [e async for e in aiter_events([FIRST], stats=stats)], stats

    events, stats = asyncio.run(main())
    assert events[-1] == Done(clean=False)
    assert stats.events_by_kind["Done"] == 1 and stats.clean is False
