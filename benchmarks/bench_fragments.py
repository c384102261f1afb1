"""Fragment sizes: every corpus at 1, 7, 64, 1460, 16384 bytes, one event per fragment, whole.

The corpora (``benchmarks/corpus.py``, ``CORPORA``) have the shape of the recorded captures:
OpenAI chat text and parallel tool calls with every field OpenAI sends (``id``, ``object``,
``created``, ``model``, ``service_tier``, ``system_fingerprint``, ``choices[].delta``,
``logprobs``, ``finish_reason``, ``usage: null``, ``obfuscation``), Anthropic Messages,
Gemini (CRLF), Bedrock ConverseStream (AWS event-stream), Ollama NDJSON, an OpenRouter stream
with keep-alive comments, and one 8 MiB event.

Candidates, each fed the same fragments and dropping what it produces as it comes:

* ``floor``: the least work that gets every payload out — keep the unfinished block, split on
  the corpus's separator (blank line, CRLF blank line, newline; for event-stream, read the
  prelude's two lengths), ``json.loads`` each payload. No field parsing, no limits, no errors
  with offsets, no events. The loop of ``bench_openai.py`` (tail plus fragment, split), which
  holds a long unfinished block as a list of fragments so it stays linear on the 8 MiB event.
  As in the benchmarks issue 14's figures come from, an SSE payload goes to ``json.loads`` as
  bytes (``bench_openai.py``) and an NDJSON line is decoded to ``str`` first
  (``bench_ndjson.py``, which is faster: ``json.loads`` of bytes detects the encoding in
  Python), so this suite reproduces the issue's ratios.
* sseparse: the framing decoder alone (``SSEDecoder``, ``EventStreamDecoder``,
  ``JSONLinesDecoder`` — which parses each line's JSON), and ``StreamParser(dialect)``: typed
  events; ``StreamParser(dialect, fast=True)`` as well where that keyword exists.
* peers: httpx-sse's decoder (``SSELineDecoder`` + ``SSEDecoder`` over an incremental UTF-8
  decoder, what ``EventSource.iter_sse`` runs), with and without ``json.loads``;
  sseclient-py's ``SSEClient(...).events()``; the anthropic SDK's ``SSEDecoder.iter_bytes``;
  openai-python's ``Stream[ChatCompletionChunk]`` (OpenAI-shaped corpora); botocore's
  ``EventStreamBuffer`` (event-stream); httpx's ``iter_lines`` + ``json.loads`` (NDJSON).

"framing" candidates stop at event data (no JSON); "JSON" candidates parse every payload; the
typed ones also map it to events. Ratios: time over the floor's time (lower is faster), and
for sseparse how many times faster it is than the fastest peer doing the same work (framing
against framing; JSON values and typed events against the peers that parse the JSON).

Timing: CPU time of this process (the machine is shared), every candidate once per round,
rounds interleaved, median kept. A candidate whose first run takes more than the budget of CPU
time is stopped and shown as "over budget" (quadratic buffering, usually); one whose output
count differs from the floor's is shown as "wrong" and not timed (the budget is a CPU-time
``SIGPROF`` timer: POSIX only). Then peak memory (``tracemalloc``) on the big event, the idle
size of every parser (``benchmarks/deepsize.py``), and issue 14's table of targets.

Run ``python -m benchmarks fragments`` (``--quick`` for a short run, ``--write`` to update
``RESULTS.md`` and draw ``benchmarks/fragments.png``).
"""

from __future__ import annotations

import codecs
import gc
import json
import math
import os
import signal
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anthropic._streaming import SSEDecoder as AnthropicSSEDecoder
from httpx_sse._decoders import SSEDecoder as HttpxSSEDecoder
from httpx_sse._decoders import SSELineDecoder as HttpxSSELineDecoder
from sseclient import SSEClient

from benchmarks import deepsize
from benchmarks._harness import fragments
from benchmarks.bench_eventstream import run_botocore
from benchmarks.bench_ndjson import httpx_iter_lines
from benchmarks.bench_openai import openai_stream
from benchmarks.corpus import CORPORA, Corpus, split_events
from sseparse import EventStreamDecoder, JSONLinesDecoder, SSEDecoder, StreamParser
from sseparse.errors import UsageError

HERE = Path(__file__).resolve().parent
PLOT = HERE / "fragments.png"
SIZES: tuple[int | str, ...] = (1, 7, 64, 1460, 16384, "event", "whole")


@dataclass(frozen=True)
class Settings:
    nbytes: int  # corpus size for fragments of 64 bytes and more
    big: int  # the big-event corpus's size at those fragment sizes
    small: dict[int, int]  # corpus size for the smallest fragments (per feed cost dominates)
    rounds: int
    small_rounds: int  # rounds for 1-byte fragments
    big_rounds: int  # rounds for the big event at its full size
    budget: float  # CPU seconds one candidate's first run may take


FULL = Settings(
    nbytes=500_000,
    big=8 << 20,
    small={1: 40_000, 7: 150_000},
    rounds=7,
    small_rounds=5,
    big_rounds=3,
    budget=2.0,
)
QUICK = Settings(
    nbytes=120_000,
    big=1 << 20,
    small={1: 10_000, 7: 40_000},
    rounds=5,
    small_rounds=3,
    big_rounds=3,
    budget=0.5,
)

# -- the floor ---------------------------------------------------------------------------------


def _floor_split(chunks: list[bytes], sep: bytes, prefix: bytes | None) -> int:
    """Blocks ended by *sep*; the payload after *prefix* (or the whole line) ``json.loads``-ed.

    The usual loop: the unfinished tail plus the new fragment, split. Once the tail is long
    (the 8 MiB event) it is kept as a list of fragments instead, and only the new fragment
    (with the few bytes before it) is searched, so the floor stays linear."""
    loads = json.loads
    k = len(sep) - 1
    tail = b""
    held: list[bytes] = []  # the long unfinished block, when there is one
    edge = b""  # its last k bytes: a separator may start in them
    n = 0
    for chunk in chunks:
        if held:
            probe = edge + chunk
            if sep not in probe:
                held.append(chunk)
                edge = probe[len(probe) - k :]
                continue
            held.append(chunk)
            data = b"".join(held)
            held = []
        else:
            data = tail + chunk
        blocks = data.split(sep)
        tail = blocks.pop()
        if len(tail) > _LONG:
            held = [tail]
            edge = tail[len(tail) - k :]
            tail = b""
        for block in blocks:
            if prefix is None:
                if block:
                    loads(block.decode())
                    n += 1
                continue
            i = block.find(prefix)
            if i < 0:
                continue  # a comment
            payload = block[i + len(prefix) :]
            if payload != b"[DONE]":
                loads(payload)
            n += 1
    rest = b"".join(held) + tail
    if prefix is None and rest.strip():
        loads(rest)
        n += 1
    return n


_LONG = 4096  # an unfinished block longer than this is held as a list of fragments


def _floor_eventstream(chunks: list[bytes]) -> int:
    loads = json.loads
    buf = bytearray()
    n = 0
    for chunk in chunks:
        buf += chunk
        at = 0
        while len(buf) - at >= 12:
            total = int.from_bytes(buf[at : at + 4], "big")
            if len(buf) - at < total:
                break
            headers = int.from_bytes(buf[at + 4 : at + 8], "big")
            loads(buf[at + 12 + headers : at + total - 4])
            n += 1
            at += total
        if at:
            del buf[:at]
    return n


# -- sseparse ------------------------------------------------------------------------------


def _feed_all(decoder: Any, chunks: list[bytes]) -> int:
    feed = decoder.feed
    n = 0
    for chunk in chunks:
        n += len(feed(chunk))
    return n + len(decoder.close())


def _build() -> str:
    """Which sseparse build runs: the default pure-Python one or the compiled one."""
    from sseparse._compiled import COMPILED

    return "compiled (mypyc, docs/compiled.md)" if COMPILED else "pure-Python"


def _fast_available(dialect: str) -> bool:
    """Whether ``StreamParser(..., fast=True)`` exists here (a keyword another change adds)."""
    try:
        StreamParser(dialect, fast=True)
    except (TypeError, UsageError):
        return False
    return True


# -- peers ---------------------------------------------------------------------------------


def _httpx_sse(chunks: list[bytes], parse: bool) -> int:
    loads = json.loads
    text = codecs.getincrementaldecoder("utf-8")()
    lines = HttpxSSELineDecoder()
    decoder = HttpxSSEDecoder()
    n = 0

    def take(line: str) -> None:
        nonlocal n
        sse = decoder.decode(line)
        if sse is not None:
            if parse and sse.data != "[DONE]":
                loads(sse.data)
            n += 1

    for chunk in chunks:
        for line in lines.decode(text.decode(chunk)):
            take(line)
    for line in lines.flush():
        take(line)
    return n


def _sseclient(chunks: list[bytes]) -> int:
    n = 0
    for _ in SSEClient(iter(chunks)).events():
        n += 1
    return n


def _anthropic_sdk(chunks: list[bytes]) -> int:
    n = 0
    for _ in AnthropicSSEDecoder().iter_bytes(iter(chunks)):
        n += 1
    return n


# -- candidates ----------------------------------------------------------------------------

FLOOR = "floor"
FRAMING, JSON, TYPED = "framing", "JSON", "typed events"


@dataclass(frozen=True)
class Candidate:
    name: str
    kind: str  # FRAMING, JSON or TYPED (the floor is JSON)
    ours: bool
    run: Callable[[list[bytes]], int]
    counts_payloads: bool = True  # returns the number of payloads (checked against the floor)


def candidates(corpus: Corpus) -> list[Candidate]:
    """What runs on *corpus*, the floor first."""
    d = corpus.dialect
    out: list[Candidate] = []
    if corpus.format == "eventstream":
        out.append(Candidate(FLOOR, JSON, False, _floor_eventstream))
        out.append(
            Candidate(
                "sseparse EventStreamDecoder",
                FRAMING,
                True,
                lambda c: _feed_all(EventStreamDecoder(), c),
            )
        )
    elif corpus.format == "ndjson":
        out.append(Candidate(FLOOR, JSON, False, lambda c: _floor_split(c, b"\n", None)))
        out.append(
            Candidate(
                "sseparse JSONLinesDecoder", JSON, True, lambda c: _feed_all(JSONLinesDecoder(), c)
            )
        )
    else:
        sep = corpus.separator
        out.append(Candidate(FLOOR, JSON, False, lambda c: _floor_split(c, sep, b"data: ")))
        out.append(
            Candidate("sseparse SSEDecoder", FRAMING, True, lambda c: _feed_all(SSEDecoder(), c))
        )
    out.append(
        Candidate(
            f'StreamParser("{d}")', TYPED, True, lambda c: _feed_all(StreamParser(d), c), False
        )
    )
    if _fast_available(d):
        out.append(
            Candidate(
                f'StreamParser("{d}", fast=True)',
                TYPED,
                True,
                lambda c: _feed_all(StreamParser(d, fast=True), c),
                False,
            )
        )
    if corpus.format == "sse":
        out += [
            Candidate("httpx-sse decoder", FRAMING, False, lambda c: _httpx_sse(c, False)),
            Candidate("sseclient-py", FRAMING, False, _sseclient),
            Candidate("anthropic SDK SSEDecoder", FRAMING, False, _anthropic_sdk),
            Candidate("httpx-sse + json.loads", JSON, False, lambda c: _httpx_sse(c, True)),
        ]
        if d == "openai":
            out.append(Candidate("openai Stream[ChatCompletionChunk]", TYPED, False, openai_stream))
    elif corpus.format == "eventstream":
        out.append(Candidate("botocore EventStreamBuffer", FRAMING, False, run_botocore))
    else:
        out.append(Candidate("httpx iter_lines + json.loads", JSON, False, httpx_iter_lines))
    return out


# -- timing ------------------------------------------------------------------------------------


class _OverBudget(BaseException):
    """Raised by the CPU timer's signal inside a candidate that ran past its budget."""


def _alarm(signum: int, frame: object) -> None:
    raise _OverBudget


def _within(budget: float, fn: Callable[[], int]) -> int | None:
    """*fn*'s result, or None if it used more than *budget* CPU seconds (it is interrupted)."""
    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, budget)
    try:
        return fn()
    except _OverBudget:
        return None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@dataclass
class Cell:
    """One corpus at one fragmentation: every candidate's median CPU seconds, or why not."""

    nbytes: int
    fragments: int
    seconds: dict[str, float] = field(default_factory=dict)
    best: dict[str, float] = field(default_factory=dict)  # the least disturbed round
    missing: dict[str, str] = field(default_factory=dict)  # name -> "over budget" / "wrong"

    def mbps(self, name: str) -> float:
        return self.nbytes / self.seconds[name] / 1e6


def measure(
    cands: list[Candidate], chunks: list[bytes], nbytes: int, rounds: int, budget: float
) -> Cell:
    """Check every candidate once (within *budget*), then time the ones that passed."""
    cell = Cell(nbytes, len(chunks))
    expected = cands[0].run(chunks)  # the floor
    events: int | None = None  # what the first StreamParser gave: fast=True must give as many
    live: list[Candidate] = []
    for cand in cands:
        gc.collect()
        got = _within(budget, lambda cand=cand: cand.run(chunks))  # type: ignore[misc]
        if got is None:
            cell.missing[cand.name] = f"over budget (> {budget:g} s CPU per run)"
        elif cand.counts_payloads and got != expected:
            cell.missing[cand.name] = f"wrong ({got} payloads, floor {expected})"
        elif cand.ours and cand.kind == TYPED and events is not None and got != events:
            cell.missing[cand.name] = f"wrong ({got} events, StreamParser {events})"
        else:
            if cand.ours and cand.kind == TYPED and events is None:
                events = got
            live.append(cand)
    times: dict[str, list[float]] = {c.name: [] for c in live}
    for _ in range(rounds):
        for cand in live:
            gc.collect()
            start = time.process_time()
            cand.run(chunks)
            times[cand.name].append(time.process_time() - start)
    cell.seconds = {name: statistics.median(t) for name, t in times.items()}
    cell.best = {name: min(t) for name, t in times.items()}
    return cell


def cut(corpus: Corpus, data: bytes, size: int | str) -> list[bytes]:
    if size == "event":
        return split_events(corpus, data)
    if size == "whole":
        return [data]
    assert isinstance(size, int)
    return fragments(data, size)


def corpus_bytes(corpus: Corpus, size: int | str, settings: Settings) -> int:
    if isinstance(size, int) and size in settings.small:
        return settings.small[size]
    return settings.big if corpus.name == "big-event" else settings.nbytes


Results = dict[tuple[str, int | str], Cell]


def run_all(settings: Settings, log: Callable[[str], None]) -> Results:
    results: Results = {}
    datas = {
        (corpus.name, size): corpus.make(corpus_bytes(corpus, size, settings))
        for corpus in CORPORA
        for size in SIZES
    }
    # Everything alive now (modules, corpora) goes to the collector's permanent generation:
    # the gc.collect() before every timed run then costs microseconds instead of 0.1 s.
    gc.collect()
    gc.freeze()
    try:
        for corpus in CORPORA:
            _run_corpus(corpus, datas, settings, log, results)
    finally:
        gc.unfreeze()
    return results


def _run_corpus(
    corpus: Corpus,
    datas: dict[tuple[str, int | str], bytes],
    settings: Settings,
    log: Callable[[str], None],
    results: Results,
) -> None:
    cands = candidates(corpus)
    for size in SIZES:
        data = datas[corpus.name, size]
        rounds = settings.small_rounds if size == 1 else settings.rounds
        if corpus.name == "big-event" and size not in settings.small:
            rounds = settings.big_rounds  # 8 MiB per run: fewer rounds, same noise
        start = time.perf_counter()
        results[corpus.name, size] = measure(
            cands, cut(corpus, data, size), len(data), rounds, settings.budget
        )
        log(f"{corpus.name} @ {size}: {time.perf_counter() - start:.1f} s")


# -- reports ---------------------------------------------------------------------------------


def _label(size: int | str) -> str:
    return {"event": "1 event", "whole": "whole"}.get(str(size), f"{size} B")


def _peer_best(cell: Cell, cands: list[Candidate], kinds: tuple[str, ...]) -> str | None:
    peers = [c.name for c in cands if not c.ours and c.name != FLOOR and c.kind in kinds]
    timed = [p for p in peers if p in cell.seconds]
    return min(timed, key=cell.seconds.__getitem__) if timed else None


# The peers each sseparse candidate is compared with: framing with framing; JSON values and
# typed events with the peers that parse the JSON too.
_COMPARABLE = {FRAMING: (FRAMING,), JSON: (JSON, TYPED), TYPED: (JSON, TYPED)}


def corpus_tables(corpus: Corpus, results: Results) -> str:
    cands = candidates(corpus)
    head = "| candidate | kind | " + " | ".join(_label(s) for s in SIZES) + " |"
    lines = [
        f"### {corpus.title} (`{corpus.name}`)",
        "",
        "MB/s, and in parentheses time over the floor's (lower is faster).",
        "",
        head,
        "|---|---|" + "---:|" * len(SIZES),
    ]
    for cand in cands:
        cells = []
        for size in SIZES:
            cell = results[corpus.name, size]
            if cand.name in cell.missing:
                cells.append("over budget" if "budget" in cell.missing[cand.name] else "wrong")
            else:
                ratio = cell.seconds[cand.name] / cell.seconds[FLOOR]
                cells.append(f"{cell.mbps(cand.name):.1f} ({ratio:.2f}x)")
        lines.append(f"| {cand.name} | {cand.kind} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "How many times faster sseparse is than the fastest peer doing the same work (framing "
        "against framing; JSON and typed events against the peers that parse the JSON):",
        "",
    ]
    lines.append("| sseparse | " + " | ".join(_label(s) for s in SIZES) + " |")
    lines.append("|---|" + "---:|" * len(SIZES))
    for cand in cands:
        if not cand.ours:
            continue
        cells = []
        for size in SIZES:
            cell = results[corpus.name, size]
            best = _peer_best(cell, cands, _COMPARABLE[cand.kind])
            if best is None or cand.name not in cell.seconds:
                cells.append("-")
            else:
                cells.append(f"{cell.seconds[best] / cell.seconds[cand.name]:.2f}x ({best})")
        lines.append(f"| {cand.name} | " + " | ".join(cells) + " |")
    notes = sorted(
        {
            f"{name} at {_label(size)}: {why}"
            for (cname, size), cell in results.items()
            if cname == corpus.name
            for name, why in cell.missing.items()
        }
    )
    if notes:
        lines += ["", "Not timed: " + "; ".join(notes) + "."]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Target:
    case: str
    issue_now: str
    target: str
    value: Callable[[Results, str], float | None]  # (results, "seconds" or "best")
    meets: Callable[[float], bool]
    unit: str  # "x floor" or "x faster"


def _ratio(
    corpus: str, size: int | str, name: str, base: str = FLOOR
) -> Callable[[Results, str], float | None]:
    def get(results: Results, stat: str) -> float | None:
        secs: dict[str, float] = getattr(results[corpus, size], stat)
        if name not in secs or not secs.get(base):  # (a quick run may time 0 s)
            return None
        return secs[name] / secs[base]

    return get


def _faster(
    corpus: str, size: int | str, ours: str, peers: tuple[str, ...]
) -> Callable[[Results, str], float | None]:
    def get(results: Results, stat: str) -> float | None:
        secs: dict[str, float] = getattr(results[corpus, size], stat)
        timed = [secs[p] for p in peers if p in secs]
        if not secs.get(ours) or not timed:
            return None
        return min(timed) / secs[ours]

    return get


TEXT_PARSER = 'StreamParser("openai")'
_FRAMING_PEERS = ("sseclient-py", "anthropic SDK SSEDecoder", "httpx-sse decoder")
TARGETS = (
    Target("OpenAI text → typed events, 1460-byte fragments", "1.26-1.28x floor", "≤ 1.15x",
           _ratio("openai-text", 1460, TEXT_PARSER), lambda v: v <= 1.15, "x floor"),
    Target("same, one event per fragment", "1.28-1.30x", "≤ 1.15x",
           _ratio("openai-text", "event", TEXT_PARSER), lambda v: v <= 1.15, "x floor"),
    Target("same, 64-byte fragments", "2.34-2.39x", "≤ 1.5x",
           _ratio("openai-text", 64, TEXT_PARSER), lambda v: v <= 1.5, "x floor"),
    Target("OpenAI parallel tool calls, 1460", "1.37-1.42x", "≤ 1.2x",
           _ratio("openai-tools", 1460, TEXT_PARSER), lambda v: v <= 1.2, "x floor"),
    Target("SSE framing alone vs httpx-sse's decoder, 1460", "1.03x faster", "≥ 2x",
           _faster("openai-text", 1460, "sseparse SSEDecoder", ("httpx-sse decoder",)),
           lambda v: v >= 2, "x faster"),
    Target("SSE framing alone vs httpx-sse's decoder, 64", "1.65-1.74x faster", "≥ 3x",
           _faster("openai-text", 64, "sseparse SSEDecoder", ("httpx-sse decoder",)),
           lambda v: v >= 3, "x faster"),
    Target("1-byte fragments, typed events vs the fastest peer (sseclient-py, anthropic SDK, "
           "httpx-sse: framing only)", "0.40x (2.5x slower)", "≥ 1.2x faster",
           _faster("openai-text", 1, TEXT_PARSER, _FRAMING_PEERS), lambda v: v >= 1.2, "x faster"),
    Target("  the same, SSE framing alone (SSEDecoder)", "-", "(for information)",
           _faster("openai-text", 1, "sseparse SSEDecoder", _FRAMING_PEERS),
           lambda v: v >= 1.2, "x faster"),
    Target("speed-up vs openai-python Stream[ChatCompletionChunk], text, 1460", "18-21x",
           "keep ≥ 15x",
           _faster("openai-text", 1460, TEXT_PARSER, ("openai Stream[ChatCompletionChunk]",)),
           lambda v: v >= 15, "x faster"),
    Target("event-stream vs botocore EventStreamBuffer, 1460", "6.1-6.4x", "keep (≥ 6x)",
           _faster("bedrock", 1460, "sseparse EventStreamDecoder", ("botocore EventStreamBuffer",)),
           lambda v: v >= 6, "x faster"),
    Target('NDJSON vs its floor (StreamParser("ollama"), 1460)', "0.93-0.98x", "keep (≤ 1.0x)",
           _ratio("ndjson", 1460, 'StreamParser("ollama")'), lambda v: v <= 1.0, "x floor"),
    Target("fast backend: typed events vs the json floor, text, 1460", "-", "≤ 0.67x (1.5x faster)",
           _ratio("openai-text", 1460, 'StreamParser("openai", fast=True)'),
           lambda v: v <= 1 / 1.5, "x floor"),
)  # fmt: skip


def targets_table(results: Results) -> str:
    lines = [
        "### Issue 14's targets",
        "",
        "Each row from the tables below: the median (the figure), and the same ratio from each "
        "candidate's least disturbed round (when the two differ much, the machine was busy).",
        "",
        "| case | issue 14 (then) | now: median | best rounds | target | |",
        "|---|---|---:|---:|---|---|",
    ]
    for t in TARGETS:
        value = t.value(results, "seconds")
        best = t.value(results, "best")
        if value is None or best is None:
            now, other, verdict = "not measured", "", ""
        else:
            now, other = f"{value:.2f}{t.unit}", f"{best:.2f}{t.unit}"
            verdict = "" if t.target.startswith("(") else ("met" if t.meets(value) else "short")
        lines.append(f"| {t.case} | {t.issue_now} | {now} | {other} | {t.target} | {verdict} |")
    return "\n".join(lines) + "\n"


# -- memory ----------------------------------------------------------------------------------


def peak_memory(settings: Settings) -> str:
    """tracemalloc's peak per candidate on the big-event corpus in 16 KiB fragments."""
    corpus = next(c for c in CORPORA if c.name == "big-event")
    data = corpus.make(settings.big)
    chunks = fragments(data, 16384)
    lines = [
        f"### Peak memory: {corpus.title}, {len(data) / 2**20:.1f} MiB in 16 KiB fragments",
        "",
        "Peak of `tracemalloc` (Python allocations) during one run, the fragments already in "
        "memory and not counted; what each candidate produces is dropped as it comes. "
        "The event must be held whole as bytes, and its text has characters outside the BMP "
        "(emoji), so the `str` it decodes to takes 4 bytes per character: holding the bytes and "
        "one `str` of the data costs about 5x the event, parsing its JSON one more `str`.",
        "",
        "| candidate | kind | peak MiB | peak / corpus size | peak / floor's |",
        "|---|---|---:|---:|---:|",
    ]
    floor_peak = 0
    for cand in candidates(corpus):
        gc.collect()
        tracemalloc.start()
        try:
            got = _within(settings.budget * 10, lambda cand=cand: cand.run(chunks))  # type: ignore[misc]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        if got is None:
            lines.append(f"| {cand.name} | {cand.kind} | over budget | |")
        else:
            floor_peak = floor_peak or peak  # the floor runs first
            lines.append(
                f"| {cand.name} | {cand.kind} | {peak / 2**20:.1f} | {peak / len(data):.2f} "
                f"| {peak / floor_peak:.2f}x |"
            )
    return "\n".join(lines) + "\n"


# -- plot --------------------------------------------------------------------------------------


def _role(cand: Candidate) -> str:
    if not cand.ours:
        return cand.name
    if cand.name.startswith("StreamParser"):
        return "StreamParser fast" if "fast=True" in cand.name else "StreamParser"
    return "sseparse framing"


def plot(results: Results, settings: Settings, path: Path = PLOT) -> None:
    """Throughput against fragment size, one panel per corpus, one line per candidate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 4
    rows = math.ceil(len(CORPORA) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 4.2 * rows), squeeze=False)
    styles: dict[str, tuple[str, str]] = {}
    palette = plt.get_cmap("tab10").colors  # type: ignore[attr-defined]
    for ax, corpus in zip(axes.flat, CORPORA, strict=False):
        cands = candidates(corpus)
        full = corpus.make(corpus_bytes(corpus, "whole", settings))
        event = len(full) / len(split_events(corpus, full))
        xs: dict[int | str, float] = {s: float(s) for s in SIZES if isinstance(s, int)}
        xs["event"] = event
        xs["whole"] = float(len(full))
        for cand in cands:
            # One colour per role in every panel: the framing decoders of sseparse share one,
            # StreamParser another, whatever the dialect.
            role = _role(cand)
            if role not in styles:
                color = "black" if role == FLOOR else palette[len(styles) % len(palette)]
                styles[role] = (color, "-" if cand.ours or role == FLOOR else "--")
            color, line = styles[role]
            pts = sorted(
                (xs[s], results[corpus.name, s].mbps(cand.name))
                for s in SIZES
                if cand.name in results[corpus.name, s].seconds
            )
            if pts:
                ax.plot(*zip(*pts, strict=True), line, color=color, marker="o", ms=3,
                        label=cand.name)  # fmt: skip
        ax.axvline(event, color="grey", lw=0.5, ls=":")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{corpus.title}\n(dotted: one event per fragment, {event:.0f} B avg)",
                     fontsize=9)  # fmt: skip
        ax.set_xlabel("fragment size (bytes; rightmost point: whole)", fontsize=8)
        ax.set_ylabel("MB/s (CPU time)", fontsize=8)
        ax.grid(True, which="both", lw=0.3)
        ax.legend(fontsize=6, loc="lower right")
    for ax in list(axes.flat)[len(CORPORA) :]:
        ax.axis("off")
    fig.suptitle("sseparse and its peers: throughput against fragment size "
                 "(solid: sseparse and the floor; dashed: peers)")  # fmt: skip
    fig.tight_layout()
    fig.savefig(path, dpi=80, pil_kwargs={"optimize": True})
    plt.close(fig)


# -- main ------------------------------------------------------------------------------------


def main(*, quick: bool = False, write: bool = False) -> str:
    """Run the benchmark; return its Markdown report (and, with *write*, draw the plot)."""
    settings = QUICK if quick else FULL
    if write:
        import matplotlib  # noqa: F401  (fail now, with the runner's hint, not after the run)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"  [{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr)

    results = run_all(settings, log)
    small = ", ".join(f"{k}-byte fragments: {v / 1e3:.0f} kB" for k, v in settings.small.items())
    parts = [
        "## Fragment sizes",
        "",
        f"{'Quick run (`--quick`). ' if quick else ''}Every corpus of `benchmarks/corpus.py` "
        "(`CORPORA`) cut into fragments of 1, 7, 64, 1460 (one TCP segment) and 16384 bytes, "
        "one event per fragment, and whole; every candidate fed the same fragments. See "
        "`benchmarks/bench_fragments.py` for what each candidate does. "
        f"Corpora of about {settings.nbytes / 1e6:g} MB ({settings.big / 2**20:g} MiB for the "
        f"big event), smaller for the smallest fragments, where the cost is per `feed` call "
        f"and not per byte ({small}, the big event shrunk to that size too). Median of "
        f"{settings.rounds} interleaved rounds of CPU time ({settings.small_rounds} at 1 "
        f"byte, {settings.big_rounds} for the big event at full size) after a checked first run; a first run over {settings.budget:g} s of CPU is "
        f"stopped. Load average at the start: {os.getloadavg()[0]:.1f}. "
        f"The sseparse measured is the {_build()} build. "
        "`StreamParser(..., fast=True)` is shown where the keyword exists"
        + ("." if _fast_available("openai") else " (not in this build)."),
        "",
        targets_table(results),
    ]
    parts += [corpus_tables(c, results) for c in CORPORA]
    parts.append(peak_memory(settings))
    parts.append(deepsize.report())
    if write:
        plot(results, settings)
        parts.append(f"![throughput against fragment size]({PLOT.name})\n")
    log("done")
    return "\n".join(parts)


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv, write="--write" in sys.argv))
