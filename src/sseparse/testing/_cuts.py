"""Deterministic ways to cut bytes into fragments (standard library only).

``partitions`` names every fragmentation ``assert_fragmentation_invariant`` runs a case
under; ``tricky_offsets`` finds the cut points that break naive readers: between the CR and
LF of a CRLF, inside a multi-byte UTF-8 sequence, and inside an AWS event-stream prelude.
"""

from __future__ import annotations

import itertools
import random
import struct
from collections.abc import Iterator, Sequence

__all__ = ["partitions", "random_partition", "split_at", "tricky_offsets"]

# Inputs up to this size are split at every offset; longer ones at sampled offsets.
EXHAUSTIVE_LIMIT = 2048
SAMPLED_SPLITS = 96
SAMPLED_TRICKY_SPLITS = 16
RANDOM_PARTITIONS = 12

# Piece sizes of random partitions: mostly tiny, sometimes a TCP segment or a page.
_SIZES = (1, 1, 2, 3, 5, 8, 13, 64, 1460, 4096)

# An event-stream prelude: total length, headers length, prelude CRC (AWS framing).
_PRELUDE = 12
_MIN_FRAME = 16


def random_partition(data: bytes, rng: random.Random) -> list[bytes]:
    """Cut *data* into pieces of random sizes (mostly small, sometimes large)."""
    pieces = []
    i = 0
    while i < len(data):
        size = rng.choice(_SIZES)
        pieces.append(data[i : i + size])
        i += size
    return pieces


def split_at(data: bytes, offsets: Sequence[int]) -> list[bytes]:
    """Cut *data* at each offset in *offsets* (sorted, duplicates and out-of-range ignored)."""
    cuts = sorted({o for o in offsets if 0 < o < len(data)})
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds) if b > a] if data else []


def _event_stream_frames(data: bytes) -> list[int]:
    """Start offsets of the AWS event-stream frames *data* is made of, or ``[]`` if it is
    not such a stream (the total-length fields must chain exactly to the end)."""
    starts = []
    i = 0
    while i < len(data):
        if len(data) - i < _MIN_FRAME:
            return []
        total, headers = struct.unpack_from(">II", data, i)
        if total < _MIN_FRAME or headers > total - _MIN_FRAME or i + total > len(data):
            return []
        starts.append(i)
        i += total
    return starts


def tricky_offsets(data: bytes) -> list[int]:
    """Cut points that split something a reader must reassemble, sorted: between CR and LF,
    inside a multi-byte UTF-8 character, and inside each event-stream prelude."""
    found = set()
    for i in range(1, len(data)):
        prev, byte = data[i - 1], data[i]
        if (prev == 0x0D and byte == 0x0A) or (0x80 <= byte <= 0xBF and prev >= 0x80):
            found.add(i)
    for start in _event_stream_frames(data):
        found.update(start + k for k in (1, 4, 8, 11, _PRELUDE + 1))
    return sorted(o for o in found if 0 < o < len(data))


def partitions(data: bytes, *, seed: int = 0) -> Iterator[tuple[str, list[bytes]]]:
    """Every fragmentation a case is run under, named for a failure message: whole, byte by
    byte, each two-way split (every offset up to 2048 bytes, else 96 sampled ones plus up to 16
    tricky ones), all tricky offsets at once, random partitions, and empty chunks."""
    rng = random.Random(seed)
    yield "whole", [data]
    yield "byte-by-byte", [data[i : i + 1] for i in range(len(data))]
    tricky = tricky_offsets(data)
    if len(data) <= EXHAUSTIVE_LIMIT:
        offsets: Sequence[int] = range(1, len(data))
    else:
        sampled = set(rng.sample(range(1, len(data)), SAMPLED_SPLITS))
        sampled.update(rng.sample(tricky, min(len(tricky), SAMPLED_TRICKY_SPLITS)))
        offsets = sorted(sampled)
    for i in offsets:
        yield f"split@{i}", [data[:i], data[i:]]
    if tricky:
        yield "at-every-tricky-offset", split_at(data, tricky)
    for n in range(RANDOM_PARTITIONS):
        yield f"random#{n}", random_partition(data, rng)
    yield "with-empty-chunks", [b"", *random_partition(data, rng), b""]
