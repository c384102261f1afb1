"""SSE framing benchmark: bytes to SSE events, sseparse beside the SSE decoders people use.

Corpora: the generated OpenAI-like streams of ``benchmarks/corpus.py`` (text and tool calls).
Every candidate gets the same fragments (64 bytes, 1460 bytes — one TCP segment — and one SSE
event per fragment) and produces each event's data as ``str``; nobody parses the JSON here
(``bench_openai.py`` does).

* ``floor``: append the fragment to the unfinished tail, ``split(b"\\n\\n")``, decode what
  follows ``data: `` — no field parsing, no CR handling, no UTF-8 replacement, no limits;
  the least work that gets the data out of this corpus;
* ``sseparse SSEDecoder``: the WHATWG rules, offsets, limits;
* ``httpx-sse``: httpx-sse's ``SSELineDecoder`` fed text from an incremental UTF-8 decoder
  (what ``response.iter_text()`` gives it), its ``SSEDecoder`` fed each line;
* ``openai SDK``: ``openai._streaming.SSEDecoder().iter_bytes`` over the fragments.

Run ``python -m benchmarks sse`` (or ``python -m benchmarks.bench_sse``).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable

from httpx_sse._decoders import SSEDecoder as HttpxSSEDecoder
from httpx_sse._decoders import SSELineDecoder as HttpxSSELineDecoder
from openai._streaming import SSEDecoder as OpenAISSEDecoder

from benchmarks._harness import Candidate, bind, compare, fragments, table
from benchmarks.corpus import openai_text, openai_tool_calls, per_event
from sseparse.framing.sse import SSEDecoder

FLOOR = "floor (split on blank lines + decode)"
REPEAT = 7


def floor(chunks: list[bytes]) -> list[str]:
    out = []
    tail = b""
    for chunk in chunks:
        blocks = (tail + chunk).split(b"\n\n")
        tail = blocks.pop()
        for block in blocks:
            out.append(block[block.index(b"data: ") + 6 :].decode())
    return out


def sseparse(chunks: list[bytes]) -> list[str]:
    decoder = SSEDecoder()
    feed = decoder.feed
    out = []
    for chunk in chunks:
        for event in feed(chunk):
            out.append(event.data)
    decoder.close()
    return out


def httpx_sse(chunks: list[bytes]) -> list[str]:
    text = codecs.getincrementaldecoder("utf-8")()
    lines = HttpxSSELineDecoder()
    decoder = HttpxSSEDecoder()
    out = []
    for chunk in chunks:
        for line in lines.decode(text.decode(chunk)):
            sse = decoder.decode(line)
            if sse is not None:
                out.append(sse.data)
    for line in lines.flush():
        sse = decoder.decode(line)
        if sse is not None:
            out.append(sse.data)
    return out


def openai_sdk(chunks: list[bytes]) -> list[str]:
    return [sse.data for sse in OpenAISSEDecoder().iter_bytes(iter(chunks))]


HTTPX = "httpx-sse SSELineDecoder + SSEDecoder"
OPENAI = "openai SDK SSEDecoder.iter_bytes"
CANDIDATES: list[tuple[str, Callable[[list[bytes]], list[str]]]] = [
    (FLOOR, floor),
    ("sseparse SSEDecoder", sseparse),
    (HTTPX, httpx_sse),
    (OPENAI, openai_sdk),
]


def main() -> str:
    """Run the benchmark; return its Markdown report."""
    parts = [
        "## SSE decoder",
        "",
        "Bytes to SSE event data (`str`), no JSON parsing; corpora from "
        "`benchmarks/corpus.py`; every candidate fed the same fragments; median of "
        f"{REPEAT} interleaved rounds of CPU time (the machine is shared); time relative to "
        "the floor (lower is faster). See `benchmarks/bench_sse.py` for what each candidate "
        f"does. Load average at the start: {os.getloadavg()[0]:.1f}.",
        "",
    ]
    summary: list[str] = []
    for corpus_name, data in (("text", openai_text()), ("tool calls", openai_tool_calls())):
        events = data.count(b"\n\n")
        parts.append(f"### {corpus_name} corpus: {len(data) / 1e6:.1f} MB, {events} events")
        parts.append("")
        for label, chunks in (
            ("64-byte fragments", fragments(data, 64)),
            ("1460-byte fragments", fragments(data, 1460)),
            ("one event per fragment", per_event(data)),
        ):
            expected = floor(chunks)
            assert len(expected) == events
            for name, fn in CANDIDATES:
                assert fn(chunks) == expected, name
            rows = compare(candidates_for(chunks), nbytes=len(data), baseline=FLOOR, rounds=REPEAT)
            parts.append(
                table(f"{corpus_name}, {label}", rows, baseline="floor").replace("### ", "#### ")
            )
            by = {r.name: r.seconds for r in rows}
            ours = by["sseparse SSEDecoder"]
            summary.append(
                f"| {corpus_name}, {label} | {ours / by[FLOOR]:.2f}x | "
                f"{by[HTTPX] / ours:.2f}x | {by[OPENAI] / ours:.2f}x |"
            )
    parts += [
        "### Summary",
        "",
        "| corpus, fragments | sseparse time vs floor | httpx-sse time / sseparse time "
        "| openai SDK time / sseparse time |",
        "|---|---:|---:|---:|",
        *summary,
        "",
    ]
    return "\n".join(parts)


def candidates_for(chunks: list[bytes]) -> list[Candidate]:
    """The candidates bound to *chunks* (for ad-hoc profiling)."""
    return [(name, bind(fn, chunks)) for name, fn in CANDIDATES]


if __name__ == "__main__":
    print(main())
