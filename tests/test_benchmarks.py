"""The benchmarks' command line and corpora (no timing is asserted: timings belong in
benchmarks/).

``python -m benchmarks`` explains itself and fails with one line, not a traceback, when a peer
of the ``bench`` extra is missing; the corpora of ``benchmarks/corpus.py`` are well-formed
streams that sseparse reads strictly to a clean end, and the OpenAI ones carry every field
OpenAI sends.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.corpus import CORPORA, Corpus, split_events

from sseparse import Done, SSEDecoder, SSEEvent, StreamParser

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_help_lists_the_benchmarks_and_options() -> None:
    done = _run("-m", "benchmarks", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m benchmarks")
    for name in ("fragments", "sse", "openai", "eventstream", "ndjson"):
        assert f"\n  {name} " in done.stdout
    for option in ("--quick", "--write"):
        assert option in done.stdout
    assert "pip install -e '.[bench]'" in done.stdout


def test_missing_peer_gives_a_one_line_hint() -> None:
    # None in sys.modules makes `import httpx_sse` fail as if it were not installed.
    code = (
        "import sys; sys.modules['httpx_sse'] = None\n"
        "from benchmarks.run import main\n"
        "sys.exit(main(['sse']))\n"
    )
    done = _run("-c", code)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "benchmark 'sse' needs httpx_sse: install the bench extra: pip install -e '.[bench]'"
    ]


def test_unknown_benchmark_is_named() -> None:
    done = _run("-m", "benchmarks", "no-such-benchmark")
    assert done.returncode == 2
    assert "unknown benchmark(s): no-such-benchmark" in done.stdout


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_corpus_is_a_clean_stream_of_its_dialect(corpus: Corpus) -> None:
    data = corpus.make(20_000)
    assert 20_000 <= len(data) < 40_000
    events = split_events(corpus, data)
    assert b"".join(events) == data
    assert len(events) >= 5
    parser = StreamParser(corpus.dialect, strict=True)
    out = parser.feed(data) + parser.close()
    assert out[-1] == Done(clean=True)


OPENAI_FIELDS = {
    "id",
    "object",
    "created",
    "model",
    "service_tier",
    "system_fingerprint",
    "choices",
    "usage",
    "obfuscation",
}


@pytest.mark.parametrize("name", ["openai-text", "openai-tools", "big-event"])
def test_openai_corpora_carry_every_field_openai_sends(name: str) -> None:
    corpus = next(c for c in CORPORA if c.name == name)
    records = SSEDecoder().feed(corpus.make(20_000))
    assert records[-1] == SSEEvent(type="message", data="[DONE]", last_event_id="")
    chunks = [json.loads(r.data) for r in records[:-1] if isinstance(r, SSEEvent)]
    assert len(chunks) == len(records) - 1 >= 4
    for chunk in chunks:
        assert set(chunk) == OPENAI_FIELDS
        for choice in chunk["choices"]:
            assert set(choice) == {"index", "delta", "logprobs", "finish_reason"}
    assert chunks[-1]["usage"]["total_tokens"] > 0


def test_anatomy_minimum_gives_the_decoders_events() -> None:
    # bench_anatomy's least work per event (docs/compiled.md, "Where pure Python stops") must
    # be the decoder's work, or its cost would bound nothing: the same events, offsets too.
    from benchmarks.bench_anatomy import _blocks, minimum, regions

    corpus = next(c for c in CORPORA if c.name == "openai-text")
    events = split_events(corpus, corpus.make(30_000))
    chunks = [b"".join(events[i : i + 3]) for i in range(0, len(events), 3)]
    assert regions(chunks) == chunks  # three whole events each: every one a region
    want = SSEDecoder().feed(b"".join(chunks))
    got = minimum(chunks)
    assert got == want
    assert [e.offset for e in got] == [e.offset for e in want]
    assert _blocks(chunks) == len(want)


def test_anatomy_regions_are_what_feed_cuts() -> None:
    from benchmarks.bench_anatomy import regions

    data = next(c for c in CORPORA if c.name == "openai-text").make(20_000)
    cut = regions([data[i : i + 1460] for i in range(0, len(data), 1460)])
    assert b"".join(cut) == data[: data.rfind(b"\n") + 1]
    assert all(r.endswith(b"\n") for r in cut)


def test_anatomy_walk_counts_the_frames() -> None:
    from benchmarks.bench_anatomy import walk

    from sseparse import EventStreamDecoder

    data = next(c for c in CORPORA if c.name == "bedrock").make(20_000)
    count = len(EventStreamDecoder().feed(data))
    assert walk(data, False) == walk(data, True) == count > 5
