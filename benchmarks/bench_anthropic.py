"""Anthropic SSE benchmark: a generated Messages stream fed in 64- and 1460-byte fragments.

The corpus (deterministic, about 3 MB) is what the Messages API sends for a long answer and a
tool call: ``message_start``, a ``ping``, a text block of many ``text_delta`` events, a
``tool_use`` block whose input arrives as ``input_json_delta`` fragments, ``message_delta``
and ``message_stop`` — each as ``event: <type>\\ndata: <json>\\n\\n``.

Candidates, all fed the same fragments and parsing every event's JSON:

* ``floor``: a minimal loop — append the fragment to the unfinished tail, ``split(b"\\n\\n")``,
  ``json.loads`` what follows ``data: `` (no field parsing, no UTF-8 replacement, no limits);
* ``SSEDecoder + json.loads``: sseparse's framing layer alone, then ``json.loads`` per event;
* ``StreamParser("anthropic")``: framing, JSON and the dialect: typed events;
* ``anthropic SDK SSEDecoder + json.loads``: ``anthropic._streaming.SSEDecoder.iter_bytes``,
  what ``client.messages.stream`` runs before building its pydantic models;
* ``httpx-sse + json.loads``: ``httpx_sse.EventSource`` over an ``httpx.Response`` whose stream
  yields the fragments (httpx's incremental UTF-8 decoder and ``LineDecoder``, then
  httpx-sse's line-based decoder).

A second table splits ``StreamParser``'s time into its parts (framing, ``json.loads``, the
dialect's mapping, event construction) by timing each layer on the same records.

Run ``python -m benchmarks.bench_anthropic`` (or through the ``python -m benchmarks`` runner).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import httpx
import httpx_sse
from anthropic._streaming import SSEDecoder as AnthropicSDKDecoder

from benchmarks._harness import Candidate, bind, compare, cpu_times, fragments, table
from benchmarks.corpus import anthropic_messages
from sseparse.dialects.anthropic import AnthropicDialect
from sseparse.events import Event, TextDelta
from sseparse.framing.records import SSEEvent
from sseparse.framing.sse import SSEDecoder
from sseparse.parser import StreamParser

FRAGMENT_SIZES = (64, 1460)
TARGET = 1.3  # StreamParser("anthropic") vs the floor at 1460-byte fragments
REPEAT = 9

corpus = anthropic_messages


def floor(chunks: list[bytes]) -> int:
    loads = json.loads
    tail = b""
    n = 0
    for chunk in chunks:
        blocks = (tail + chunk).split(b"\n\n")
        tail = blocks.pop()
        for block in blocks:
            loads(block[block.index(b"data: ") + 6 :])
            n += 1
    return n


def sseparse_framing(chunks: list[bytes]) -> int:
    loads = json.loads
    decoder = SSEDecoder()
    n = 0
    for chunk in chunks:
        for record in decoder.feed(chunk):
            if type(record) is SSEEvent:
                loads(record.data)
                n += 1
    for record in decoder.close():
        if type(record) is SSEEvent:
            loads(record.data)
            n += 1
    return n


def sseparse_parser(chunks: list[bytes]) -> int:
    # Like the other candidates, events are handled as they come and not kept.
    parser = StreamParser("anthropic")
    feed = parser.feed
    n = 0
    for chunk in chunks:
        n += len(feed(chunk))
    return n + len(parser.close())


def anthropic_sdk(chunks: list[bytes]) -> int:
    loads = json.loads
    n = 0
    for sse in AnthropicSDKDecoder().iter_bytes(iter(chunks)):
        loads(sse.data)
        n += 1
    return n


class _Chunks(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)


def httpx_sse_loads(chunks: list[bytes]) -> int:
    loads = json.loads
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, stream=_Chunks(chunks)
    )
    n = 0
    for sse in httpx_sse.EventSource(response).iter_sse():
        loads(sse.data)
        n += 1
    return n


# -- where StreamParser's time goes ----------------------------------------------------------


def _breakdown(data: bytes) -> str:
    """Time each layer of ``StreamParser("anthropic")`` alone, in the same rounds as the floor."""
    chunks = fragments(data, 1460)
    records = [r for r in SSEDecoder().feed(data) if type(r) is SSEEvent]
    values = [json.loads(r.data) for r in records]

    def framing() -> None:
        decoder = SSEDecoder()
        for chunk in chunks:
            decoder.feed(chunk)
        decoder.close()

    # The same events without their `event:` lines (the dialect reads the JSON "type").
    bare = fragments(b"\n\n".join(b"data: " + r.data.encode() for r in records) + b"\n\n", 1460)

    def framing_bare() -> None:
        decoder = SSEDecoder()
        for chunk in bare:
            decoder.feed(chunk)
        decoder.close()

    def loads() -> None:
        for r in records:
            json.loads(r.data)

    def dialect() -> None:
        # on_record on already-framed records: json.loads, the mapping, the event objects.
        d = AnthropicDialect()
        out: list[Event] = []
        for r in records:
            d.on_record(r, out)
            out.clear()
        d.on_end(out)

    def construct() -> None:
        for v in values:
            TextDelta(text="x", raw=v)

    parts = {
        "floor (split + json.loads)": lambda: floor(chunks),
        "SSEDecoder alone (framing)": framing,
        "SSEDecoder alone, same events without `event:` lines": framing_bare,
        "json.loads of every event's data": loads,
        "dialect.on_record on framed records (json.loads + mapping + events)": dialect,
        "one frozen TextDelta built per event": construct,
        'StreamParser("anthropic"), all of it': lambda: sseparse_parser(chunks),
    }
    secs = dict(zip(parts, cpu_times(list(parts.values()), rounds=REPEAT), strict=True))
    base = secs["floor (split + json.loads)"]
    n = len(records)
    lines = [
        "### Where StreamParser's time goes (1460-byte fragments)",
        "",
        f"{n} events; each part timed alone on the same input, in the same rounds.",
        "",
        "| part | median ms | µs per event | vs floor |",
        "|---|---:|---:|---:|",
    ]
    for name, t in secs.items():
        lines.append(f"| {name} | {t * 1e3:.2f} | {t / n * 1e6:.2f} | {t / base:.2f}x |")
    framing_share = secs["SSEDecoder alone (framing)"] / base
    mapping = (
        secs["dialect.on_record on framed records (json.loads + mapping + events)"]
        - secs["json.loads of every event's data"]
    ) / base
    building = secs["one frozen TextDelta built per event"] / base
    bare_share = secs["SSEDecoder alone, same events without `event:` lines"] / base
    lines += [
        "",
        f"Reading: the SSE framing alone costs {framing_share:.2f}x the floor's whole time "
        f"({bare_share:.2f}x for the same events without their `event:` lines); the dialect "
        f"adds {mapping:.2f}x on top of json.loads, of which {building:.2f}x is building one "
        "frozen event per record.",
    ]
    return "\n".join(lines) + "\n"


def main() -> str:
    """Run the benchmark; return its Markdown report."""
    data = corpus()
    expected = data.count(b"\n\n")
    parts = [
        "## Anthropic pipeline",
        "",
        f"Generated Anthropic Messages SSE corpus: {len(data) / 1e6:.1f} MB, {expected} events "
        "(text deltas, then a tool call's input_json_delta fragments). Median CPU time of "
        f"{REPEAT} runs, candidates in turns. "
        f'Target: `StreamParser("anthropic")` within {TARGET}x of the floor at 1460-byte '
        "fragments.",
        "",
    ]
    verdict = ""
    for size in FRAGMENT_SIZES:
        chunks = fragments(data, size)
        # Same work for everyone: every event's JSON parsed.
        assert floor(chunks) == expected
        assert sseparse_framing(chunks) == expected
        assert anthropic_sdk(chunks) == expected
        assert httpx_sse_loads(chunks) == expected
        assert sseparse_parser(chunks) >= expected
        candidates: list[Candidate] = [
            ("floor (split + json.loads)", bind(floor, chunks)),
            ("sseparse SSEDecoder + json.loads", bind(sseparse_framing, chunks)),
            ('StreamParser("anthropic") (typed events)', bind(sseparse_parser, chunks)),
            ("anthropic SDK SSEDecoder + json.loads", bind(anthropic_sdk, chunks)),
            ("httpx-sse + json.loads", bind(httpx_sse_loads, chunks)),
        ]
        rows = compare(
            candidates, nbytes=len(data), baseline="floor (split + json.loads)", rounds=REPEAT
        )
        parts.append(table(f"{size}-byte fragments", rows, baseline="floor"))
        if size == 1460:
            ratio = next(r.ratio for r in rows if r.name.startswith("StreamParser"))
            verdict = (
                f'StreamParser("anthropic") at 1460 bytes: {ratio:.2f}x the floor '
                f"({'meets' if ratio <= TARGET else 'misses'} the {TARGET}x target)."
            )
    parts.append(_breakdown(data))
    parts.append(verdict)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    parts.append("")
    parts.append(
        f"Measured with a 1-minute load average of {load:.1f} on {os.cpu_count()} CPUs, so "
        "CPU time (not wall time) is reported; compare ratios within a table."
    )
    parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    print(main())
