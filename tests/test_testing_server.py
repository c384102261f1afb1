"""ReplayServer and the replay_server fixture, read by real HTTP clients (httpx, urllib3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import urllib3

import sseparse.testing
from sseparse import StreamParser, TextDelta, UsageError
from sseparse.testing import ReplayServer

BODY = (
    b"".join(
        b'data: {"id":"c","choices":[{"index":0,"delta":{"content":"%d"}}]}\r\n\r\n' % i
        for i in range(20)
    )
    + b"data: [DONE]\r\n\r\n"
)


def test_httpx_reads_the_body_in_the_given_pieces_and_sseparse_decodes_it() -> None:
    with ReplayServer(BODY, piece_sizes=[1, 7, 300], delay=0.001) as server:
        assert server.pieces()[:3] == [BODY[:1], BODY[1:8], BODY[8:308]]
        with httpx.stream("POST", server.url + "v1/chat", json={"stream": True}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/event-stream"
            assert response.headers["transfer-encoding"] == "chunked"
            parser = StreamParser("openai")
            reads = []
            events = []
            for piece in response.iter_raw():
                reads.append(piece)
                events += parser.feed(piece)
            events += parser.close()
    assert b"".join(reads) == BODY
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "".join(
        str(i) for i in range(20)
    )
    (request,) = server.requests
    assert (request.method, request.path, request.body) == ("POST", "/v1/chat", b'{"stream":true}')


def test_random_pieces_are_seeded_and_given_pieces_are_kept() -> None:
    a, b, c = ReplayServer(BODY, seed=1), ReplayServer(BODY, seed=1), ReplayServer(BODY, seed=2)
    assert a.pieces() == b.pieces() != c.pieces()
    assert b"".join(a.pieces()) == BODY and len(a.pieces()) > 1
    given = ReplayServer([b"ab", b"", b"c"])
    assert given.pieces() == [b"ab", b"c"] and given.body == b"abc"


@pytest.mark.parametrize("cut_at", [0, 5, len(BODY) // 2, len(BODY)])
def test_cut_at_drops_the_connection_without_the_last_chunk(cut_at: int) -> None:
    got = bytearray()
    server = ReplayServer(BODY, piece_sizes=[10], cut_at=cut_at)
    with server, pytest.raises(httpx.RemoteProtocolError), httpx.stream("GET", server.url) as r:
        for piece in r.iter_raw():
            got += piece
    assert bytes(got) == BODY[:cut_at]


def test_status_and_headers_with_urllib3() -> None:
    error = b'{"error":{"message":"overloaded","type":"overloaded_error"}}'
    headers = {"Content-Type": "application/json", "X-Request-Id": "r1"}
    with ReplayServer(error, status=529, headers=headers) as server:
        response = urllib3.request("GET", server.url, retries=False)
    assert response.status == 529
    assert response.headers["X-Request-Id"] == "r1"
    assert response.headers["Content-Type"] == "application/json"
    assert response.data == error


def test_bad_arguments_and_url_before_start() -> None:
    bad: list[dict[str, Any]] = [{"piece_sizes": [0]}, {"piece_sizes": []}]
    bad += [{"delay": -1}, {"cut_at": -1}]
    for kwargs in bad:
        with pytest.raises(UsageError):
            ReplayServer(b"x", **kwargs)
    server = ReplayServer(b"x")
    with pytest.raises(UsageError):
        server.url  # noqa: B018 - the property raises
    server.close()  # idempotent, also before start
    with pytest.raises(AttributeError):
        sseparse.testing.nothing  # noqa: B018


def test_the_fixture_starts_servers_and_closes_them(
    replay_server: Callable[..., ReplayServer],
) -> None:
    first = replay_server(b"data: [DONE]\n\n", piece_sizes=[3])
    second = replay_server([b"data: [DO", b"NE]\n\n"])
    assert httpx.get(first.url).content == httpx.get(second.url).content == b"data: [DONE]\n\n"
