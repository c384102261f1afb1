from collections.abc import Iterator
from typing import Any

import urllib3

from sseparse import Event, iter_events


def stream_events(url: str, body: Any, headers: dict[str, str], dialect: str) -> Iterator[Event]:
    http = urllib3.PoolManager()
    response = http.request("POST", url, json=body, headers=headers, preload_content=False)
    try:
        # read1() returns what has arrived (up to 64 KiB), and b"" at the end of the body.
        chunks = iter(lambda: response.read1(65536), b"")
        yield from iter_events(chunks, dialect=dialect)
    finally:
        response.release_conn()
