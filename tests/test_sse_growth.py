"""Linear cost whatever the fragmentation: one byte at a time over 4 MB costs about twice
what 2 MB costs (a rescan of the unfinished line per byte would make it four times).

Only the ratio is checked, never absolute times; the bound is generous and a noisy
measurement gets two more attempts.
"""

from __future__ import annotations

import time

from sseparse.framing.sse import SSEDecoder

MB = 1_000_000


def _stream(size: int) -> bytes:
    # One long event of many lines, then one line as long as the rest: the unfinished line
    # and the data buffer both grow one byte at a time.
    half = size // 2
    lines = (b"data: " + b"x" * 94 + b"\n") * (half // 101)
    return lines + b"data: " + b"y" * (size - len(lines) - 8) + b"\n\n"


def _bytewise_seconds(stream: bytes) -> float:
    pieces = [stream[i : i + 1] for i in range(len(stream))]
    decoder = SSEDecoder()
    feed = decoder.feed
    out = []
    start = time.process_time()
    for piece in pieces:
        out += feed(piece)
    elapsed = time.process_time() - start
    assert len(out) == 1 and len(out[0].data) > len(stream) // 2 - 100
    return elapsed


def test_bytewise_feeding_is_linear() -> None:
    small, large = _stream(2 * MB), _stream(4 * MB)
    ratios = []
    for _ in range(3):
        ratio = _bytewise_seconds(large) / _bytewise_seconds(small)
        ratios.append(ratio)
        if ratio < 3.0:
            return
    raise AssertionError(f"4 MB byte by byte cost {min(ratios):.2f}x 2 MB (want about 2x)")
