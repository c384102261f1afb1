from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from sseparse import Event, aiter_events


async def stream_events(
    url: str, body: Any, headers: dict[str, str], dialect: str
) -> AsyncIterator[Event]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        # iter_any() yields each piece of the body as soon as it has arrived.
        async for event in aiter_events(response.content.iter_any(), dialect=dialect):
            yield event
