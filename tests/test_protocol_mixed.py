"""Push and pull mixed on one decoder: ``feed`` returns what ``receive_data`` queued before
its own items, whatever the fast paths (the SSE decoder's held line, the parser's direct feed)
decide. Any interleaving of the two APIs gives the items of one whole ``feed``, in order."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import StreamParser
from sseparse.errors import ParseError
from sseparse.framing.sse import SSEDecoder
from sseparse.testing import random_partition

from .captures import captures, read

FACTORIES: dict[str, Callable[[], Any]] = {
    "SSEDecoder": lambda: SSEDecoder(comments=True),
    "openai": lambda: StreamParser("openai"),
    "anthropic": lambda: StreamParser("anthropic"),
    "auto": lambda: StreamParser("auto"),
}
STREAMS = [e["file"] for e in captures(fmt="sse")][:12]


def whole(factory: Callable[[], Any], data: bytes) -> tuple[list[str], str | None]:
    decoder = factory()
    items: list[Any] = []
    try:
        items += decoder.feed(data)
        items += decoder.feed(b"")
        items += decoder.close()
    except ParseError as exc:
        return [repr(i) for i in items], type(exc).__name__
    return [repr(i) for i in items], None


def mixed(
    factory: Callable[[], Any], chunks: list[bytes], ops: list[int]
) -> tuple[list[str], str | None]:
    """Feed *chunks*; for each, op 0 = feed, 1 = receive_data, 2 = receive_data + pull one."""
    decoder = factory()
    items: list[Any] = []
    try:
        for chunk, op in zip(chunks, ops, strict=True):
            if op == 0:
                items += decoder.feed(chunk)
            else:
                decoder.receive_data(chunk)
                if op == 2 and (item := decoder.next_event()) is not None:
                    items.append(item)
        items += decoder.feed(b"")
        while (item := decoder.next_event()) is not None:
            items.append(item)
        items += decoder.close()
    except ParseError as exc:
        return [repr(i) for i in items], type(exc).__name__
    return [repr(i) for i in items], None


@pytest.mark.parametrize("name", FACTORIES)
@given(st.sampled_from(STREAMS), st.integers(0, 2**32), st.integers(1, 9))
def test_any_mix_of_push_and_pull_gives_the_whole_feed_items(
    name: str, file: str, seed: int, small: int
) -> None:
    data = read(file)[:6000]
    rng = random.Random(seed)
    # Small fragments (the held-line path) and random ones.
    chunks = [data[i : i + small] for i in range(0, len(data), small)]
    chunks = chunks if seed % 2 else random_partition(data, rng)
    ops = [rng.choice((0, 0, 1, 2)) for _ in chunks]
    assert mixed(FACTORIES[name], chunks, ops) == whole(FACTORIES[name], data)
