"""Anatomy: what one SSE event and one event-stream message cost, step by step, beside the peers.

The rows of issue 14's table that only the compiled build meets (SSE framing at 1460 and 64
bytes, 1-byte fragments) are bounded by what pure Python pays per event and per call. This
benchmark measures those costs, so that docs/compiled.md's "Where pure Python stops" can be
checked on any machine. Each part times its candidates interleaved, in CPU time (see
``_harness``), and reports the cost per event, message or byte.

* SSE, the OpenAI text corpus at 1460-byte fragments: httpx-sse's decoder; ``SSEDecoder.feed``
  (every step); ``SSEDecoder._blocks`` alone on the regions of complete lines ``feed`` cuts
  from those fragments; and the least any decoder must do on this corpus (``minimum``: one
  split per region at ``"\\n\\ndata: "``, a UTF-8 decode and an ``SSEEvent`` per event, nothing
  checked), then the same without the events, then the split alone.
  ``tests/test_benchmarks.py`` checks that ``minimum`` gives the decoder's events.
* Event-stream, the Bedrock corpus: botocore's ``EventStreamBuffer`` and
  ``EventStreamDecoder`` at 1460-byte fragments, the decoder on the whole stream, and two
  bare walks over the frames: reading each prelude and stepping to the next, then the same
  with the two CRCs computed.
* 1-byte fragments, OpenAI text: ``StreamParser("openai")``, ``SSEDecoder``, sseclient-py,
  and a Python function that does nothing but return a new list, called once per byte the
  way a decoder's ``feed`` is (what every sans-IO ``feed`` pays before it does anything).

Run ``python -m benchmarks anatomy``.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable

from benchmarks._harness import cpu_times, fragments
from benchmarks.bench_eventstream import run_botocore
from benchmarks.corpus import CORPORA, openai_text
from sseparse import StreamParser
from sseparse.framing.eventstream import _U32, EventStreamDecoder
from sseparse.framing.records import SSEEvent
from sseparse.framing.sse import SSEDecoder, _EventDraft

ROUNDS = 21
_SEP = b"\n\ndata: "


def regions(chunks: list[bytes]) -> list[bytes]:
    """The regions of complete lines that ``SSEDecoder.feed`` cuts from *chunks* (LF line
    ends): each fragment with the unfinished line before it, up to its last line end."""
    out = []
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        end = data.rfind(b"\n") + 1
        if end:
            out.append(data[:end])
        tail = data[end:]
    return out


def minimum(cut: list[bytes]) -> list[SSEEvent]:
    """The events of *cut* (regions of one-line ``data: `` blocks, each ending with a blank
    line) with the least work: one split per region, nothing checked."""
    out: list[SSEEvent] = []
    append = out.append
    pos = 0
    for region in cut:
        for raw in region[6:-2].split(_SEP):
            event = _EventDraft()
            event.type = "message"
            event.data = raw.decode()
            event.last_event_id = ""
            event.offset = pos
            event.__class__ = SSEEvent
            append(event)
            pos += len(raw) + len(_SEP)  # the next event: past this one and the separator
    return out


def _texts(cut: list[bytes]) -> int:
    n = 0
    for region in cut:
        for raw in region[6:-2].split(_SEP):
            raw.decode()
            n += 1
    return n


def _splits(cut: list[bytes]) -> int:
    return sum(len(region[6:-2].split(_SEP)) for region in cut)


def _blocks(cut: list[bytes]) -> int:
    decoder = SSEDecoder()
    n = 0
    for region in cut:
        out: list[object] = []
        decoder._blocks(region, b"\n", out)
        n += len(out)
    return n


def walk(data: bytes, crcs: bool) -> int:
    """How many event-stream frames *data* holds, read by their preludes alone (with
    *crcs*, both CRCs of each computed too, and not compared)."""
    pos = n = 0
    crc32 = zlib.crc32
    while pos + 12 <= len(data):
        total = _U32.unpack_from(data, pos)[0]  # a prelude's first field: the total length
        if crcs:
            crc32(data[pos + 8 : pos + total - 4], crc32(data[pos : pos + 8]))
        pos += total
        n += 1
    return n


def _noop(data: bytes) -> list[object]:
    return []


def _calls(chunks: list[bytes]) -> int:
    feed = _noop
    n = 0
    for chunk in chunks:
        n += len(feed(chunk))
    return n


def _per(
    title: str, unit: str, named: list[tuple[str, Callable[[], object], int]]
) -> tuple[list[str], dict[str, float]]:
    """Time *named* (name, run, how many *units* a run handles) and return a table of the
    cost of each per *unit*, with each as a share of the first's, and the costs by name."""
    secs = cpu_times([fn for _, fn, _ in named], rounds=ROUNDS)
    costs = {name: s / count for (name, _, count), s in zip(named, secs, strict=True)}
    first = costs[named[0][0]]
    scale, label = (1e9, "ns") if unit == "byte" else (1e6, "µs")
    lines = [
        f"### {title}",
        "",
        f"| what runs | {label} per {unit} | cost vs {named[0][0]} |",
        "|---|---:|---:|",
    ]
    for name, cost in costs.items():
        lines.append(f"| {name} | {cost * scale:.2f} | {cost / first:.2f}x |")
    return [*lines, ""], costs


def main(quick: bool = False) -> str:
    """Run the benchmark; return its Markdown report."""
    # The peers (the bench extra) are imported here: the helpers above need none of them
    # (tests/test_benchmarks.py runs them without the extra).
    from benchmarks.bench_fragments import _feed_all, _sseclient
    from benchmarks.bench_sse import httpx_sse

    size = 100_000 if quick else 500_000
    text = openai_text()[:size]
    text = text[: text.rfind(b"\n\n") + 2]  # whole events only
    chunks = fragments(text, 1460)
    cut = [r for r in regions(chunks) if r.startswith(b"data: ") and r.endswith(b"\n\n")]
    events = text.count(b"\n\n")
    kept = sum(r.count(b"\n\n") for r in cut)
    sse, costs = _per(
        f"SSE: the OpenAI text corpus ({len(text) / 1e3:.0f} kB, {events} events) at "
        "1460-byte fragments",
        "event",
        [
            ("httpx-sse's decoder", lambda: httpx_sse(chunks), events),
            ("`SSEDecoder.feed`, every step", lambda: _feed_all(SSEDecoder(), chunks), events),
            ("`SSEDecoder._blocks` alone, on the regions `feed` cuts", lambda: _blocks(cut), kept),
            ("minimum: split, decode, `SSEEvent`", lambda: minimum(cut), kept),
            ("split and decode", lambda: _texts(cut), kept),
            ("split", lambda: _splits(cut), kept),
        ],
    )  # fmt: skip
    httpx = costs["httpx-sse's decoder"]
    floor = costs["minimum: split, decode, `SSEEvent`"]
    ours = costs["`SSEDecoder.feed`, every step"]
    corpus = next(c for c in CORPORA if c.name == "bedrock")
    bedrock = corpus.make(size)
    frames = walk(bedrock, False)
    es_chunks = fragments(bedrock, 1460)
    es, _ = _per(
        f"Event-stream: the Bedrock corpus ({len(bedrock) / 1e3:.0f} kB, {frames} messages)",
        "message",
        [
            ("botocore `EventStreamBuffer`, 1460-byte fragments",
             lambda: run_botocore(es_chunks), frames),
            ("`EventStreamDecoder`, 1460-byte fragments",
             lambda: _feed_all(EventStreamDecoder(), es_chunks), frames),
            ("`EventStreamDecoder`, the whole stream",
             lambda: EventStreamDecoder().feed(bedrock), frames),
            ("reading the preludes, both CRCs computed", lambda: walk(bedrock, True), frames),
            ("reading the preludes", lambda: walk(bedrock, False), frames),
        ],
    )  # fmt: skip
    small = text[: 20_000 if quick else 40_000]
    ones = [small[i : i + 1] for i in range(len(small))]
    n = len(ones)
    one, _ = _per(
        f"1-byte fragments: the OpenAI text corpus ({len(small) / 1e3:.0f} kB)",
        "byte",
        [
            ("sseclient-py", lambda: _sseclient(ones), n),
            ('`StreamParser("openai")`', lambda: _feed_all(StreamParser("openai"), ones), n),
            ("`SSEDecoder`", lambda: _feed_all(SSEDecoder(), ones), n),
            ("a Python function returning `[]`, called per byte", lambda: _calls(ones), n),
        ],
    )
    return "\n".join(
        [
            "## Anatomy of an event",
            "",
            "What the steps of one SSE event and one event-stream message cost, and one "
            "`feed` call at 1-byte fragments, beside the peers (see "
            '`benchmarks/bench_anatomy.py` and docs/compiled.md, "Where pure Python '
            f'stops"). Median of {ROUNDS} interleaved rounds of CPU time. Load average at the '
            f"start: {os.getloadavg()[0]:.1f}. The SSE rows below the first two read the "
            "regions that hold only one-line `data: ` blocks and end with a blank line "
            f"({kept} of the {events} events), per event of those; the minimum gives the "
            "decoder's events (tests/test_benchmarks.py).",
            "",
            *sse,
            f"A lead of 2x over httpx-sse's decoder allows {httpx / 2 * 1e6:.2f} µs per event; "
            f"the minimum takes {floor * 1e6:.2f} µs of it, and `SSEDecoder.feed` spends "
            f"{(ours - floor) * 1e6:.2f} µs more on everything else.",
            "",
            *es,
            *one,
        ]
    )


if __name__ == "__main__":
    print(main())
