from collections.abc import AsyncIterator
from typing import Any

import httpx

from sseparse import Event, aiter_events


async def stream_events(
    url: str, body: Any, headers: dict[str, str], dialect: str
) -> AsyncIterator[Event]:
    async with (
        httpx.AsyncClient(timeout=60) as client,
        client.stream("POST", url, json=body, headers=headers) as response,
    ):
        async for event in aiter_events(response.aiter_bytes(), dialect=dialect):
            yield event
