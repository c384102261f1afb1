from collections.abc import Iterator
from typing import Any

import requests

from sseparse import Event, iter_events


def stream_events(url: str, body: Any, headers: dict[str, str], dialect: str) -> Iterator[Event]:
    with requests.post(url, json=body, headers=headers, stream=True, timeout=60) as response:
        # chunk_size=None: whatever has arrived. The default, chunk_size=1, yields one byte
        # at a time.
        yield from iter_events(response.iter_content(chunk_size=None), dialect=dialect)
