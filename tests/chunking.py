"""The one chunking helper every decoder test runs its cases through.

A case is decoded whole, byte by byte, split at every offset (or at sampled offsets for long
inputs), under random partitions, and through the pull API (``receive_data``/``next_event``).
Every way must give the same outcome: the same items and, for bad input, the same error type
at the same offset. The latency rule is checked too: an item is returned by the very call that
delivers its last byte, so a two-way split at offset *i* must return from its first ``feed``
exactly the items the byte-by-byte run had returned after *i* bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sseparse.errors import Error, ParseError

Factory = Callable[[], Any]

# Inputs up to this size are split at every offset; longer ones at sampled offsets.
EXHAUSTIVE_LIMIT = 2048
SAMPLED_SPLITS = 96
RANDOM_PARTITIONS = 12


@dataclass(frozen=True)
class Outcome:
    """What decoding produced: the items, and the error (type, offset) if one was raised."""

    items: list[Any]
    error: tuple[type[BaseException], int] | None = None

    def describe(self) -> str:
        return f"{len(self.items)} items, error={self.error}"


def _err_key(exc: ParseError) -> tuple[type[BaseException], int]:
    return (type(exc), exc.offset)


def run_feed(factory: Factory, chunks: Sequence[bytes]) -> tuple[Outcome, list[int]]:
    """Feed *chunks* then close; return the outcome and, per chunk, how many items had been
    returned once that chunk was fed (for the latency check)."""
    decoder = factory()
    items: list[Any] = []
    counts: list[int] = []
    try:
        for chunk in chunks:
            items.extend(decoder.feed(chunk))
            counts.append(len(items))
        items.extend(decoder.close())
        # A fault found during close() after some items is raised by the next call.
        items.extend(decoder.close())
    except ParseError as exc:
        _check_sticky(decoder, exc)
        return Outcome(items, _err_key(exc)), counts
    return Outcome(items), counts


def run_pull(factory: Factory, chunks: Sequence[bytes]) -> Outcome:
    """The same through ``receive_data`` + ``next_event``."""
    decoder = factory()
    items: list[Any] = []
    try:
        for chunk in chunks:
            decoder.receive_data(chunk)
            while (item := decoder.next_event()) is not None:
                items.append(item)
        items.extend(decoder.close())
        items.extend(decoder.close())
    except ParseError as exc:
        _check_sticky(decoder, exc)
        return Outcome(items, _err_key(exc))
    return Outcome(items)


def _check_sticky(decoder: Any, exc: ParseError) -> None:
    for call in (lambda: decoder.feed(b"x"), decoder.close, decoder.next_event):
        try:
            call()
        except Error as again:
            assert type(again) is type(exc) and again.offset == exc.offset, (again, exc)
        else:  # pragma: no cover - a failure path
            raise AssertionError(f"error {exc!r} was not sticky")


def partitions(data: bytes, *, seed: int = 0) -> Iterator[tuple[str, list[bytes]]]:
    """Every fragmentation a case is run under, named for the failure message."""
    rng = random.Random(seed)
    yield "whole", [data]
    yield "byte-by-byte", [data[i : i + 1] for i in range(len(data))]
    if len(data) <= EXHAUSTIVE_LIMIT:
        offsets: Sequence[int] = range(1, len(data))
    else:
        offsets = sorted(rng.sample(range(1, len(data)), SAMPLED_SPLITS))
    for i in offsets:
        yield f"split@{i}", [data[:i], data[i:]]
    for n in range(RANDOM_PARTITIONS):
        yield f"random#{n}", random_partition(data, rng)
    yield "with-empty-chunks", [b"", *random_partition(data, rng), b""]


def random_partition(data: bytes, rng: random.Random) -> list[bytes]:
    """Cut *data* into pieces of random sizes (mostly small, sometimes large)."""
    pieces = []
    i = 0
    while i < len(data):
        size = rng.choice((1, 1, 2, 3, 5, 8, 13, 64, 1460, 4096))
        pieces.append(data[i : i + size])
        i += size
    return pieces


def check_all_fragmentations(
    factory: Factory, data: bytes, *, seed: int = 0, latency: bool = True
) -> Outcome:
    """Decode *data* every way; assert identical outcomes and the latency rule; return it."""
    expected, _ = run_feed(factory, [data])
    bytewise_counts: list[int] = []
    for name, chunks in partitions(data, seed=seed):
        got, counts = run_feed(factory, chunks)
        assert got == expected, f"{name}: {got.describe()} != {expected.describe()}"
        if name == "byte-by-byte":  # always before the splits: partitions() yields it second
            bytewise_counts = counts
        if latency and expected.error is None and name.startswith("split@") and data:
            cut = len(chunks[0])
            assert counts[0] == bytewise_counts[cut - 1], (
                f"{name}: first feed returned {counts[0]} items, "
                f"byte-by-byte had {bytewise_counts[cut - 1]} after {cut} bytes"
            )
    pulled = run_pull(factory, [data[i : i + 7] for i in range(0, len(data), 7)])
    assert pulled == expected, f"pull API: {pulled.describe()} != {expected.describe()}"
    return expected


def check_bad_record(
    factory: Callable[..., Any], data: bytes, *, offset: int, before: list[Any] | None = None
) -> list[Any]:
    """The bad-record policy (DESIGN §1), every way *data* can be fragmented: with
    ``strict=True`` the parser raises ``MalformedPayload`` at *offset* after the events
    *before*; by default it raises nothing, its events start with *before* and a ``Malformed``
    at *offset* follows them. *factory* takes the parser's keyword options. Returns the
    default run's events."""
    from sseparse.errors import MalformedPayload
    from sseparse.events import Malformed

    strict = check_all_fragmentations(lambda: factory(strict=True), data)
    assert strict.error == (MalformedPayload, offset), strict.describe()
    if before is not None:
        assert strict.items == before
    tolerant = check_all_fragmentations(factory, data)
    assert tolerant.error is None, tolerant.describe()
    head = strict.items
    assert tolerant.items[: len(head)] == head
    found = [e for e in tolerant.items[len(head) :] if type(e) is Malformed]
    assert found and found[0].offset == offset, tolerant.describe()
    return tolerant.items
