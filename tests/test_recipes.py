"""The recipes on the documentation site (``docs/recipes/*.py``, included verbatim in
``docs/recipes.md``) run with real clients against a local HTTP server on 127.0.0.1 that
serves recorded captures with chunked transfer encoding.

Each recipe must give the events of the whole capture, send the request it claims to, and
yield the first event before the server has sent the second half of the body: the server holds
that half back until the test has seen an event (or 5 s have passed, which fails the test).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore.session
import pytest
import requests

from sseparse import Event, StreamParser
from tests.captures import read

RECIPES = Path(__file__).resolve().parent.parent / "docs" / "recipes"
HOLD_SECONDS = 5.0
REQUEST_BODY: dict[str, Any] = {
    "model": "m",
    "stream": True,
    "messages": [{"role": "user", "content": "hi"}],
}
HEADERS = {"authorization": "Bearer test-key"}
CONTENT_TYPES = {
    ".sse": "text/event-stream",
    ".eventstream": "application/vnd.amazon.eventstream",
}


def recipe(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"recipe_{name}", RECIPES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.capture = ""
        self.release = threading.Event()
        self.held_out = False  # the client showed no event while half the body was held
        self.requests: list[tuple[str, bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.server.requests.append((self.path, self.rfile.read(length)))
        name = self.server.capture
        data = read(name)
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES[Path(name).suffix])
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        half = len(data) // 2
        self._chunk(data[:half])
        if not self.server.release.wait(HOLD_SECONDS):
            self.server.held_out = True
        for i in range(half, len(data), 997):
            self._chunk(data[i : i + 997])
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunk(self, part: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.flush()


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def expected(name: str, dialect: str) -> list[Event]:
    parser = StreamParser(dialect)
    return parser.feed(read(name)) + parser.close()


def collect(events: Iterator[Event], release: threading.Event) -> list[Event]:
    out = []
    for event in events:
        release.set()
        out.append(event)
    return out


async def acollect(events: AsyncIterator[Event], release: threading.Event) -> list[Event]:
    out = []
    async for event in events:
        release.set()
        out.append(event)
    return out


def run_sync(module: ModuleType, url: str, release: threading.Event) -> list[Event]:
    return collect(module.stream_events(url, REQUEST_BODY, HEADERS, "anthropic"), release)


def run_async(module: ModuleType, url: str, release: threading.Event) -> list[Event]:
    events = module.stream_events(url, REQUEST_BODY, HEADERS, "anthropic")
    result: list[Event] = asyncio.run(acollect(events, release))
    return result


HTTP_RECIPES: list[tuple[str, Callable[[ModuleType, str, threading.Event], list[Event]]]] = [
    ("httpx_sync", run_sync),
    ("httpx_async", run_async),
    ("aiohttp_client", run_async),
    ("requests_client", run_sync),
    ("urllib3_client", run_sync),
]


@pytest.mark.parametrize(("name", "run"), HTTP_RECIPES, ids=[n for n, _ in HTTP_RECIPES])
def test_http_recipe(
    server: Server, name: str, run: Callable[[ModuleType, str, threading.Event], list[Event]]
) -> None:
    server.capture = "anthropic-messages-thinking-text-tool-call.sse"
    events = run(recipe(name), f"{server.url}/v1/messages", server.release)
    assert events == expected(server.capture, "anthropic")
    assert not server.held_out, "no event before the whole body had arrived"
    [(path, body)] = server.requests
    assert path == "/v1/messages"
    assert json.loads(body) == REQUEST_BODY


def test_requests_iter_content_default_is_one_byte(server: Server) -> None:
    """What the recipe's comment says: without chunk_size=None, one byte per chunk."""
    server.capture = "anthropic-messages-text.sse"
    server.release.set()
    with requests.post(server.url, json=REQUEST_BODY, stream=True, timeout=10) as response:
        sizes = {len(chunk) for chunk in response.iter_content()}
    assert sizes == {1}


@pytest.mark.parametrize(
    ("operation", "params", "capture", "dialect", "path"),
    [
        (
            "InvokeModelWithResponseStream",
            {"modelId": "anthropic.claude-test", "body": json.dumps(REQUEST_BODY)},
            "bedrock-invoke-text-tool-call.eventstream",
            "bedrock-invoke",
            "/model/anthropic.claude-test/invoke-with-response-stream",
        ),
        (
            "ConverseStream",
            {"modelId": "m1", "messages": [{"role": "user", "content": [{"text": "hi"}]}]},
            "bedrock-converse-text-tool-call.eventstream",
            "bedrock",
            "/model/m1/converse-stream",
        ),
    ],
    ids=["invoke", "converse"],
)
def test_bedrock_recipe(
    server: Server, operation: str, params: dict[str, Any], capture: str, dialect: str, path: str
) -> None:
    server.capture = capture
    client = botocore.session.get_session().create_client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    module = recipe("bedrock_botocore")
    events = collect(module.bedrock_events(client, operation, params, dialect), server.release)
    assert events == expected(capture, dialect)
    assert not server.held_out, "no event before the whole body had arrived"
    [(got_path, _)] = server.requests
    assert got_path == path
    # The handler was removed: a second call is not captured twice (nor leaked).
    server.requests.clear()
    server.release.clear()
    again = collect(module.bedrock_events(client, operation, params, dialect), server.release)
    assert again == events
