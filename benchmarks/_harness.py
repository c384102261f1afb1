"""Shared timing and reporting for the benchmarks (no timings live in tests).

Every benchmark measures candidates on the same corpus in one process. The machine these
numbers come from is shared, so candidates are timed in **CPU time** of this process
(``time.process_time``), **interleaved**: each round runs every candidate once, so load from
other processes falls on all of them alike. After one warm-up run each, *rounds* rounds give
either the median (the usual) or the best (the least disturbed) time per candidate, reported
as MB/s and as a ratio to a named baseline.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

Candidate = tuple[str, Callable[[], object]]
Statistic = Literal["median", "best"]


@dataclass
class Row:
    name: str
    seconds: float
    mbps: float
    ratio: float  # candidate time / baseline time (lower is faster)


def bind(fn: Callable[[list[bytes]], object], chunks: list[bytes]) -> Callable[[], object]:
    """A candidate: *fn* run over the same fragments every time."""
    return lambda: fn(chunks)


def cpu_times(
    fns: Sequence[Callable[[], object]], *, rounds: int = 7, statistic: Statistic = "median"
) -> list[float]:
    """The median (or best) CPU time of each of *fns* over *rounds* interleaved rounds,
    after one warm-up run each; the garbage collector runs before every timed call."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            gc.collect()
            start = time.process_time()
            fn()
            times[i].append(time.process_time() - start)
    pick = statistics.median if statistic == "median" else min
    return [pick(t) for t in times]


def compare(
    candidates: Sequence[Candidate],
    *,
    nbytes: int,
    baseline: str,
    rounds: int = 7,
    statistic: Statistic = "median",
) -> list[Row]:
    """Time every candidate (see ``cpu_times``); ratios are to the one named *baseline*."""
    secs = dict(
        zip(
            [name for name, _ in candidates],
            cpu_times([fn for _, fn in candidates], rounds=rounds, statistic=statistic),
            strict=True,
        )
    )
    base = secs[baseline]
    return [Row(n, s, nbytes / s / 1e6, s / base) for n, s in secs.items()]


def table(
    title: str, rows: Sequence[Row], *, baseline: str, statistic: Statistic = "median"
) -> str:
    """A Markdown table of *rows* under *title*."""
    lines = [
        f"### {title}",
        "",
        f"| candidate | {statistic} CPU ms | MB/s | time vs {baseline} |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r.name} | {r.seconds * 1e3:.2f} | {r.mbps:.1f} | {r.ratio:.2f}x |")
    return "\n".join(lines) + "\n"


def fragments(data: bytes, size: int) -> list[bytes]:
    """*data* cut into pieces of *size* bytes (the last may be shorter)."""
    return [data[i : i + size] for i in range(0, len(data), size)]
