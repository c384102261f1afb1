"""Resuming an SSE stream: ``StreamParser.last_event_id`` and ``.retry`` against a real local
HTTP server on 127.0.0.1 that drops the connection mid-stream and resumes from the
``Last-Event-ID`` request header (the recipe in docs/transcoding.md)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from sseparse import Accumulator, Done, Event, StreamParser

WORDS = ["Once", " upon", " a", " time", "."]


def record(n: int) -> bytes:
    """Event *n*: one word of the answer, with its id."""
    chunk = {"id": "r", "model": "m", "choices": [{"index": 0, "delta": {"content": WORDS[n]}}]}
    return b"id: %d\ndata: %s\n\n" % (n, json.dumps(chunk).encode())


END = b'data: {"id":"r","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        last = self.headers.get("Last-Event-ID")
        self.server.requests.append(last)
        start = 0 if last is None else int(last) + 1
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        if last is None:
            # The first connection: a reconnection delay, two events, half of a third, cut.
            self.wfile.write(b"retry: 50\n\n" + record(0) + record(1) + record(2)[:9])
        else:
            self.wfile.write(b"".join(record(n) for n in range(start, len(WORDS))) + END)
        self.wfile.flush()
        self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[str | None] = []


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def resume(url: str, *, attempts: int = 3) -> Iterator[Event]:
    """The recipe: read; when the stream ends without its end marker, wait the server's
    ``retry`` delay and reconnect with ``Last-Event-ID``; a new parser starts from that id."""
    last_id, delay_ms = "", 1000
    with httpx.Client() as client:
        for _ in range(attempts):
            headers = {"Last-Event-ID": last_id} if last_id else {}
            parser = StreamParser("openai", last_event_id=last_id)
            with client.stream("GET", url, headers=headers) as response:
                for chunk in response.iter_bytes():
                    for event in parser.feed(chunk):
                        if isinstance(event, Done):
                            yield event
                            return
                        yield event
            parser.close()  # an SSE stream cut mid-event is not an error: the event is dropped
            last_id = parser.last_event_id
            delay_ms = parser.retry if parser.retry is not None else delay_ms
            time.sleep(delay_ms / 1000)


def test_resume_after_a_dropped_connection(server: Server) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/stream"
    start = time.monotonic()
    acc = Accumulator()
    acc.feed(resume(url))
    assert acc.message.text == "Once upon a time."  # each word once: no gap, no repeat
    assert acc.clean is True
    assert server.requests == [None, "1"]  # event 2 was cut: the resume starts after 1
    assert time.monotonic() - start >= 0.05  # the server's retry delay was honoured


def test_parser_reconnection_state() -> None:
    parser = StreamParser("openai", last_event_id="previous")
    assert (parser.last_event_id, parser.retry) == ("previous", None)
    parser.feed(b"retry: 2500\n\n" + record(0) + b'id: 9\ndata: {"choices":[]}')
    assert parser.retry == 2500
    assert parser.last_event_id == "0"  # the event with id 9 has not ended yet
    parser.feed(b"\n\n")
    assert parser.last_event_id == "9"
    parser.feed(b"retry: soon\n\n")  # not digits: ignored, as the spec says
    assert parser.retry == 2500


def test_other_framings_have_no_reconnection_state() -> None:
    parser = StreamParser("ollama")
    parser.feed(b'{"model":"m","message":{"role":"assistant","content":"x"},"done":false}\n')
    assert (parser.last_event_id, parser.retry) == ("", None)
    auto = StreamParser("auto")
    assert (auto.last_event_id, auto.retry) == ("", None)  # nothing known yet
    auto.feed(b"id: 3\n" + record(0)[6:])
    assert auto.last_event_id == "3"
