"""Shared timing and reporting for the benchmarks (no timings live in tests).

Every benchmark measures candidates on the same corpus in one process: the median of
``repeat`` runs, reported as MB/s and as a ratio to a named baseline.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Candidate = tuple[str, Callable[[], object]]


@dataclass
class Row:
    name: str
    seconds: float
    mbps: float
    ratio: float  # candidate time / baseline time (lower is faster)


def measure(fn: Callable[[], object], *, repeat: int = 7) -> float:
    """Median wall time of *repeat* calls of *fn*, after one warm-up call, GC enabled."""
    fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(
    candidates: Sequence[Candidate], *, nbytes: int, baseline: str, repeat: int = 7
) -> list[Row]:
    """Time each candidate; ratios are relative to the candidate named *baseline*."""
    secs = {name: measure(fn, repeat=repeat) for name, fn in candidates}
    base = secs[baseline]
    return [Row(n, s, nbytes / s / 1e6, s / base) for n, s in secs.items()]


def table(title: str, rows: Sequence[Row], *, baseline: str) -> str:
    """A Markdown table of *rows* under *title*."""
    lines = [
        f"### {title}",
        "",
        f"| candidate | median ms | MB/s | time vs {baseline} |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r.name} | {r.seconds * 1e3:.2f} | {r.mbps:.1f} | {r.ratio:.2f}x |")
    return "\n".join(lines) + "\n"


def fragments(data: bytes, size: int) -> list[bytes]:
    """*data* cut into pieces of *size* bytes (the last may be shorter)."""
    return [data[i : i + size] for i in range(0, len(data), size)]
