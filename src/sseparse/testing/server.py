"""``ReplayServer``: a real HTTP/1.1 server on 127.0.0.1 that replays bytes, for testing
HTTP clients (httpx, aiohttp, requests, urllib3…) against streams of known content.

Standard library only: a ``ThreadingHTTPServer`` in a daemon thread. Every request, whatever
its method and path, is answered with the same status and headers, and the body is sent with
chunked transfer encoding, one HTTP chunk per piece, each flushed (and ``TCP_NODELAY`` set) so
a client sees pieces as separate reads as far as the network allows. ``cut_at`` closes the
connection abruptly after that many body bytes, without the terminating chunk: the client
sees a truncated chunked body, as when a provider or proxy drops the connection.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from ..errors import UsageError

__all__ = ["RecordedRequest", "ReplayServer"]

# Piece sizes drawn when none are given: tiny pieces, odd sizes, a TCP segment.
_RANDOM_SIZES = (1, 2, 3, 7, 16, 64, 100, 1460)


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received: method, path, headers and body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        replay = self.server.replay
        replay._record(RecordedRequest(self.command, self.path, dict(self.headers.items()), body))
        self.send_response(replay.status)
        for name, value in replay.headers.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        sent = 0
        for piece in replay.pieces():
            if replay.cut_at is not None and sent + len(piece) >= replay.cut_at:
                piece = piece[: replay.cut_at - sent]
                if piece:
                    self._chunk(piece)
                self._cut()
                return
            if replay.delay and sent:
                time.sleep(replay.delay)
            self._chunk(piece)
            sent += len(piece)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    do_GET = do_POST = do_PUT = _answer

    def _chunk(self, piece: bytes) -> None:
        self.wfile.write(b"%x\r\n%b\r\n" % (len(piece), piece))
        self.wfile.flush()

    def _cut(self) -> None:
        # Close without the terminating zero-size chunk; SHUT_RDWR makes it immediate.
        self.close_connection = True
        # The client may already be gone.
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``ReplayServer.requests`` instead of a log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    replay: ReplayServer


class ReplayServer:
    """Serve *data* over HTTP/1.1 on 127.0.0.1; use as a context manager and read ``.url``.

    *data* is the body: ``bytes`` (cut into pieces of ``piece_sizes``, cycled, or of random
    sizes from *seed* if ``None``) or a sequence of ``bytes`` pieces sent as they are.
    ``delay`` seconds pass between pieces; ``cut_at`` (a byte offset into the body) drops the
    connection there; ``status`` and ``headers`` set the response (``Content-Type`` defaults
    to ``text/event-stream``). ``requests`` lists what was received. Raises ``UsageError``
    for a bad argument (a piece size below 1, a negative delay or cut).
    """

    def __init__(
        self,
        data: bytes | Sequence[bytes],
        *,
        piece_sizes: Sequence[int] | None = None,
        delay: float = 0.0,
        cut_at: int | None = None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        seed: int = 0,
    ) -> None:
        if piece_sizes is not None and (not piece_sizes or min(piece_sizes) < 1):
            raise UsageError(f"piece sizes must be at least 1, got {list(piece_sizes)!r}")
        if delay < 0 or (cut_at is not None and cut_at < 0):
            raise UsageError(f"delay and cut_at must not be negative: {delay!r}, {cut_at!r}")
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._body: bytes | None = bytes(data)
            self._given: list[bytes] = []
        else:
            self._body = None
            self._given = [bytes(piece) for piece in data]
        self.piece_sizes = None if piece_sizes is None else list(piece_sizes)
        self.delay = delay
        self.cut_at = cut_at
        self.status = status
        self.headers = {"Content-Type": "text/event-stream", **(headers or {})}
        self.seed = seed
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def body(self) -> bytes:
        """The whole body the server sends (before any cut)."""
        return self._body if self._body is not None else b"".join(self._given)

    def pieces(self) -> list[bytes]:
        """The pieces the body is sent in (each becomes one HTTP chunk; none is empty)."""
        if self._body is None:
            return [piece for piece in self._given if piece]
        rng = random.Random(self.seed)
        body, out, i, n = self._body, [], 0, 0
        while i < len(body):
            if self.piece_sizes is None:
                size = rng.choice(_RANDOM_SIZES)
            else:
                size = self.piece_sizes[n % len(self.piece_sizes)]
            out.append(body[i : i + size])
            i += size
            n += 1
        return out

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/`` of the running server; ``UsageError`` if not started."""
        if self._server is None:
            raise UsageError("the ReplayServer is not running: use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> ReplayServer:
        """Start serving in a daemon thread (on a free port); return self."""
        if self._server is None:
            server = _Server(("127.0.0.1", 0), _Handler)
            server.replay = self
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port. Idempotent."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
