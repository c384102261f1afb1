"""``assert_fragmentation_invariant``: the check that a decoder's output does not depend on
how its input was cut.

A case is decoded whole, byte by byte, split at every offset (or at sampled and tricky
offsets for long inputs), under random partitions, and through the pull API
(``receive_data``/``next_event``). Every way must give the same outcome: the same items and,
for bad input, the same error type at the same offset, raised again by every later call
(errors are sticky). The latency rule is checked too: an item is returned by the very call
that delivers its last byte, so a two-way split at offset *i* must return from its first
``feed`` exactly the items the byte-by-byte run had returned after *i* bytes.

Any decoder following the sseparse protocol (``feed``, ``close``, ``receive_data``,
``next_event``; ``sseparse.ParseError`` for bad input) can be checked, not only ours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Error, ParseError
from ._cuts import partitions

__all__ = ["Outcome", "assert_fragmentation_invariant", "run_feed", "run_pull"]

MakeParser = Callable[[], Any]


@dataclass(frozen=True)
class Outcome:
    """What decoding produced: the items, and the error (type, offset) if one was raised."""

    items: list[Any]
    error: tuple[type[BaseException], int] | None = None

    def describe(self) -> str:
        """A short summary for failure messages."""
        return f"{len(self.items)} items, error={self.error}"


def _err_key(exc: ParseError) -> tuple[type[BaseException], int]:
    return (type(exc), exc.offset)


def run_feed(make_parser: MakeParser, chunks: Sequence[bytes]) -> tuple[Outcome, list[int]]:
    """Feed *chunks* to a new decoder, then close it; return the outcome and, per chunk, how
    many items had been returned once that chunk was fed. A ``ParseError`` is caught and
    recorded (after checking it is sticky); ``AssertionError`` if it is not."""
    decoder = make_parser()
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


def run_pull(make_parser: MakeParser, chunks: Sequence[bytes]) -> Outcome:
    """The same as ``run_feed`` through ``receive_data`` + ``next_event``."""
    decoder = make_parser()
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
        except Error as again:  # noqa: PERF203 - three calls, each expected to raise
            if not (isinstance(again, ParseError) and _err_key(again) == _err_key(exc)):
                raise AssertionError(f"after {exc!r}, a later call raised {again!r}") from again
        else:
            raise AssertionError(f"error {exc!r} was not sticky")


def assert_fragmentation_invariant(
    make_parser: MakeParser, data: bytes, *, seed: int = 0, latency: bool = True
) -> Outcome:
    """Decode *data* every way (see the module docstring) with fresh decoders from
    *make_parser*; return the common outcome. Raises ``AssertionError`` naming the first
    fragmentation whose items, error or timing differ. *seed* fixes the random partitions;
    ``latency=False`` skips the as-early-as-possible check (for decoders that may hold an
    item back until more bytes arrive)."""
    expected, _ = run_feed(make_parser, [data])
    bytewise_counts: list[int] = []
    for name, chunks in partitions(data, seed=seed):
        got, counts = run_feed(make_parser, chunks)
        if got != expected:
            raise AssertionError(f"{name}: {got.describe()} != {expected.describe()}")
        if name == "byte-by-byte":  # always before the splits: partitions() yields it second
            bytewise_counts = counts
        if latency and expected.error is None and name.startswith("split@"):
            cut = len(chunks[0])
            if counts[0] != bytewise_counts[cut - 1]:
                raise AssertionError(
                    f"{name}: first feed returned {counts[0]} items, "
                    f"byte-by-byte had {bytewise_counts[cut - 1]} after {cut} bytes"
                )
    pulled = run_pull(make_parser, [data[i : i + 7] for i in range(0, len(data), 7)])
    if pulled != expected:
        raise AssertionError(f"pull API: {pulled.describe()} != {expected.describe()}")
    return expected
