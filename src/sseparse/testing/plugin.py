"""The pytest plugin (entry point ``sseparse`` in ``pytest11``): the ``replay_server`` fixture.

Standard library and pytest only, so installing sseparse never breaks a test session: the
hypothesis parts of ``sseparse.testing`` are not imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from .server import ReplayServer

__all__ = ["replay_server"]


@pytest.fixture
def replay_server() -> Iterator[Callable[..., ReplayServer]]:
    """A factory: ``replay_server(data, **options)`` starts a ``ReplayServer`` (same
    arguments) and returns it running; every server it started is closed after the test."""
    started: list[ReplayServer] = []

    def start(data: bytes | Sequence[bytes], **options: Any) -> ReplayServer:
        server = ReplayServer(data, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()
