"""Growth: does the cost stay linear in the input, whatever the fragmentation?

Each case decodes an input of size n and of size k·n and reports the ratio of their CPU times
(best of three, collector paused, the two sizes run in alternation so a change of load hits
both). Linear work gives about k; quadratic work (re-scanning or re-slicing what is buffered)
about k². These are timings, so they live here and not in the test suite, which checks growth
by counting work; run them after touching a decoder's buffering::

    python -m benchmarks growth
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from sseparse import (
    Accumulator,
    EventStreamDecoder,
    JSONArrayDecoder,
    JSONLinesDecoder,
    SSEDecoder,
    TextDelta,
)
from sseparse.encode import encode_event_stream

Run = Callable[[int], object]

_HEADERS = {":event-type": "contentBlockDelta", ":message-type": "event"}


def _frames(count: int, payload: bytes) -> bytes:
    return encode_event_stream(_HEADERS, payload) * count


def _eventstream_whole(n: int) -> None:
    one = encode_event_stream(_HEADERS, b'{"contentBlockIndex":0,"delta":{"text":"hello"}}')
    data = one * n
    assert len(EventStreamDecoder().feed(data)) == n


def _eventstream_bytewise(n: int) -> None:
    data = _frames(n, b"x" * 200)
    decoder = EventStreamDecoder()
    got = sum(len(decoder.feed(data[i : i + 1])) for i in range(len(data)))
    assert got == n


def _eventstream_big_frame(n: int) -> None:
    data = encode_event_stream({}, b"y" * n)
    decoder = EventStreamDecoder()
    got = sum(len(decoder.feed(data[i : i + 64])) for i in range(0, len(data), 64))
    assert got == 1


def _sse_bytewise(n: int) -> None:
    # One long event of many lines, then one line as long as the rest: the unfinished line
    # and the data buffer both grow one byte at a time.
    half = n // 2
    lines = (b"data: " + b"x" * 94 + b"\n") * (half // 101)
    data = lines + b"data: " + b"y" * (n - len(lines) - 8) + b"\n\n"
    decoder = SSEDecoder(max_event_size=2 * n)
    got = sum(len(decoder.feed(data[i : i + 1])) for i in range(len(data)))
    assert got == 1


def _jsonarray_long_element(n: int) -> None:
    data = b'[{"k": "' + b'x{\\"\\\\' * (n // 6) + b'", "n": [1, [2]]}]'
    decoder = JSONArrayDecoder()
    got = sum(len(decoder.feed(data[i : i + 1])) for i in range(len(data)))
    assert got + len(decoder.close()) == 1


def _jsonarray_many(n: int) -> None:
    element = b'{"candidates": [{"content": {"parts": [{"text": "hi"}]}}]}'
    data = b"[" + b"\n,\r\n".join([element] * n) + b"]"
    decoder = JSONArrayDecoder()
    got = sum(len(decoder.feed(data[i : i + 7])) for i in range(0, len(data), 7))
    assert got + len(decoder.close()) == n


def _jsonlines_long_line(n: int) -> None:
    data = b'"' + b"x" * n + b'"\n'
    decoder = JSONLinesDecoder()
    got = sum(len(decoder.feed(data[i : i + 1])) for i in range(len(data)))
    assert got == 1


def _jsonlines_many(n: int) -> None:
    data = b'{"message":{"content":"hi"},"done":false}\n' * n
    decoder = JSONLinesDecoder()
    got = sum(len(decoder.feed(data[i : i + 7])) for i in range(0, len(data), 7))
    assert got == n


def _accumulator(n: int) -> None:
    acc = Accumulator()
    acc.feed([TextDelta(text="xy")] * n)
    assert len(acc.message.text) == 2 * n


# (name, run, n, k): run(n) against run(k·n).
CASES: list[tuple[str, Run, int, int]] = [
    ("event-stream, whole buffer of frames", _eventstream_whole, 20_000, 2),
    ("event-stream, frames byte by byte", _eventstream_bytewise, 200, 2),
    ("event-stream, one 2 MB frame in 64-byte pieces", _eventstream_big_frame, 2_000_000, 2),
    ("SSE, one 2 MB event byte by byte", _sse_bytewise, 2_000_000, 2),
    ("JSON array, one long element byte by byte", _jsonarray_long_element, 20_000, 4),
    ("JSON array, many elements in 7-byte pieces", _jsonarray_many, 1_000, 4),
    ("JSON lines, one long line byte by byte", _jsonlines_long_line, 25_000, 4),
    ("JSON lines, many lines in 7-byte pieces", _jsonlines_many, 2_000, 4),
    ("Accumulator, many small text deltas", _accumulator, 100_000, 4),
]


def growth(run: Run, n: int, k: int, rounds: int = 3) -> float:
    """CPU time of ``run(k*n)`` over CPU time of ``run(n)``, best of *rounds* each."""
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        for i, size in enumerate((n, k * n)):
            gc.collect()
            gc.disable()
            try:
                start = time.process_time()
                run(size)
                best[i] = min(best[i], time.process_time() - start)
            finally:
                gc.enable()
    return best[1] / best[0]


def main() -> str:
    lines = [
        "## Growth: cost against input size",
        "",
        "CPU time of k·n over n (best of three, alternating); linear is about k, quadratic k².",
        "",
        "| case | n | k | time ratio | verdict |",
        "|---|---:|---:|---:|---|",
    ]
    for name, run, n, k in CASES:
        ratio = growth(run, n, k)
        verdict = "linear" if ratio < (k + k * k) / 2 else "SUPER-LINEAR"
        lines.append(f"| {name} | {n:,} | {k} | {ratio:.2f} | {verdict} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
