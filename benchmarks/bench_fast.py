"""``fast=True`` (msgspec, the ``fast`` extra) beside the default reader and the ``json`` floor.

Two measurements, both in one process, candidates interleaved round by round (CPU time,
median of the rounds; the machine is shared, so read the ratios, not the absolute figures):

* **per-chunk ``loads``** on the real OpenAI chat chunks of ``tests/data/captures``:
  ``json.loads``, ``sseparse._json.loads`` (the default reader), the ``fast=True`` reader
  (msgspec under ``_json``'s rules), bare msgspec, and orjson when it is installed (the
  alternative the backend was chosen against, see ``sseparse/_fastjson.py``);
* **bytes to typed events** on the OpenAI text corpus (``benchmarks/corpus.py``) at 1460-byte
  fragments, 64-byte fragments and one event per fragment: the floor (join the fragments,
  split on blank lines, ``json.loads`` each payload), ``StreamParser("openai")`` with the
  default reader, with ``fast=True``, and (when orjson is installed) with orjson under the
  same rules in msgspec's place.

Target (issue 14): typed events with ``fast=True`` at least 1.5x faster than the floor at
1460-byte fragments, i.e. at most 0.67x its time. ``--profile`` prints where the
``fast=True`` parser's time goes (cProfile).

Run ``python -m benchmarks fast`` (or ``python -m benchmarks.bench_fast [--profile]``).
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._harness import Candidate, bind, compare, fragments, table
from benchmarks.bench_openai import floor  # the same floor as the OpenAI pipeline's
from benchmarks.corpus import openai_text, per_event
from sseparse import StreamParser, _json
from sseparse._fastjson import json_reader

ROUNDS = 7
TARGET = 1 / 1.5  # fast=True's time as a fraction of the floor's, at 1460-byte fragments
FLOOR = "floor (split + json.loads)"
FAST = 'StreamParser("openai", fast=True)'
CAPTURES = Path(__file__).resolve().parent.parent / "tests" / "data" / "captures"

Loads = Callable[[Any], Any]


def _orjson_reader() -> Loads | None:
    """orjson under the same rules as the fast reader (depth precheck, fallback), or
    ``None`` when orjson is not installed. For the comparison only: orjson turns integers
    above 2**64 into floats, which no fallback notices."""
    try:
        import orjson
    except ImportError:
        return None
    decode = orjson.loads
    fallback = _json.loads

    def loads(text: Any) -> Any:
        if len(text) > _json.MAX_DEPTH and text.count("[") + text.count("{") > _json.MAX_DEPTH:
            return fallback(text)
        try:
            return decode(text)
        except Exception:
            return fallback(text)

    return loads


def chat_payloads() -> list[str]:
    """Every JSON ``data:`` payload of the OpenAI chat captures, as the SSE decoder gives it."""
    manifest = json.loads((CAPTURES / "manifest.json").read_text("utf-8"))
    out = []
    for entry in manifest:
        if entry["api"] != "openai-chat":
            continue
        text = (CAPTURES / entry["file"]).read_bytes().decode("utf-8", "replace")
        for line in text.replace("\r\n", "\n").split("\n"):
            if line.startswith("data:") and line[5:].lstrip(" ").startswith("{"):
                out.append(line[5:].lstrip(" "))
    return out


def _loads_table() -> str:
    payloads = chat_payloads()
    import msgspec

    readers: list[tuple[str, Loads]] = [
        ("json.loads", json.loads),
        ("sseparse._json.loads (default reader)", _json.loads),
        ("fast=True reader (msgspec under _json's rules)", json_reader(True)),
        ("msgspec.json.Decoder().decode, bare", msgspec.json.Decoder().decode),
    ]
    orjson_reader = _orjson_reader()
    if orjson_reader is not None:
        import orjson

        readers.append(("orjson.loads, bare", orjson.loads))
        readers.append(("orjson under _json's rules", orjson_reader))

    def run(loads: Loads) -> Callable[[], object]:
        def go() -> None:
            for _ in range(10):
                for p in payloads:
                    loads(p)

        return go

    nbytes = 10 * sum(len(p.encode()) for p in payloads)
    rows = compare([(name, run(fn)) for name, fn in readers], nbytes=nbytes, baseline="json.loads")
    lines = [
        f"### per-chunk loads: {len(payloads)} OpenAI chat chunks of the captures "
        f"({nbytes / 10 / len(payloads):.0f} bytes on average), 10 passes",
        "",
        "| reader | µs per chunk | time vs json.loads |",
        "|---|---:|---:|",
    ]
    for r in rows:
        per_chunk = r.seconds / (10 * len(payloads)) * 1e6
        lines.append(f"| {r.name} | {per_chunk:.2f} | {r.ratio:.2f}x |")
    return "\n".join(lines) + "\n"


def parser_run(fast: bool, reader: Loads | None = None) -> Callable[[list[bytes]], int]:
    """``StreamParser("openai", fast=fast)`` over the fragments, events counted and dropped;
    *reader*, if given, replaces the dialect's JSON reader (the orjson comparison)."""

    def run(chunks: list[bytes]) -> int:
        parser = StreamParser("openai", fast=fast)
        if reader is not None:
            parser._dialect._loads = reader
        feed = parser.feed
        n = 0
        for chunk in chunks:
            n += len(feed(chunk))
        return n + len(parser.close())

    return run


def profile(data: bytes, top: int = 14) -> str:
    """cProfile of ``StreamParser("openai", fast=True)`` at 1460-byte fragments."""
    chunks = fragments(data, 1460)
    run = parser_run(True)
    profiler = cProfile.Profile()
    profiler.enable()
    run(chunks)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(top)
    return buffer.getvalue()


def main() -> str:
    """Run the benchmark; return its Markdown report."""
    data = openai_text()
    events = data.count(b"\n\n")
    parts = [
        "## fast=True (msgspec)",
        "",
        f"CPU time, median of {ROUNDS} interleaved rounds, one process; ratios are what to "
        "read on a shared machine. Target: typed events with `fast=True` at least 1.5x "
        f"faster than the floor (at most {TARGET:.2f}x its time) at 1460-byte fragments.",
        "",
        _loads_table(),
    ]
    expected = parser_run(False)(fragments(data, 1460))
    orjson_reader = _orjson_reader()
    verdict = ""
    for label, chunks in (
        ("1460-byte fragments", fragments(data, 1460)),
        ("64-byte fragments", fragments(data, 64)),
        ("one event per fragment", per_event(data)),
    ):
        assert floor(chunks) == events
        candidates: list[Candidate] = [
            (FLOOR, bind(floor, chunks)),
            ('StreamParser("openai")', bind(parser_run(False), chunks)),
            (FAST, bind(parser_run(True), chunks)),
        ]
        if orjson_reader is not None:
            # (Built without fast=True: the dialect then gets each payload as a str, which
            # orjson reads as well; with fast=True it would get msgspec's bytes sink.)
            run = parser_run(False, orjson_reader)
            assert run(chunks) == expected
            candidates.append(("orjson in msgspec's place (payloads as str)", bind(run, chunks)))
        rows = compare(candidates, nbytes=len(data), baseline=FLOOR, rounds=ROUNDS)
        title = f"OpenAI text corpus, {len(data) / 1e6:.1f} MB, {events} events, {label}"
        parts.append(table(title, rows, baseline="floor"))
        if label.startswith("1460"):
            ratio = {r.name: r for r in rows}[FAST].ratio
            verdict = (
                f"Verdict: `fast=True` takes {ratio:.2f}x the floor's time at 1460-byte "
                f"fragments ({1 / ratio:.2f}x faster), "
                f"{'meeting' if ratio <= TARGET else 'short of'} the 1.5x target."
            )
    parts += [verdict, ""]
    return "\n".join(parts)


if __name__ == "__main__":
    if "--profile" in sys.argv:
        print(profile(openai_text()))
    else:
        print(main())
