from collections.abc import Iterator
from typing import Any

import httpx

from sseparse import Event, iter_events


def stream_events(url: str, body: Any, headers: dict[str, str], dialect: str) -> Iterator[Event]:
    with (
        httpx.Client(timeout=60) as client,
        client.stream("POST", url, json=body, headers=headers) as response,
    ):
        yield from iter_events(response.iter_bytes(), dialect=dialect)
