"""Idle parser size: the memory one parser or framing decoder holds of its own.

A gateway holds one parser per open stream, thousands at a time, so what a parser keeps
between ``feed`` calls matters (issue 14's target: under 2 KiB each).

Method (``owned_bytes``): build the object under test and a twin built and fed the same way.
Walk everything reachable from each with ``gc.get_referents``, not entering classes, modules
or code, and entering a function only through its closure and defaults (never its globals).
What the twin reaches too is shared — class attributes, interned strings, small ints,
singletons, module-level caches — and is not counted; the rest is the object's own, and its
``sys.getsizeof`` sizes are summed. An instance with a ``__dict__`` has it counted as well
(reading it builds the dict on Python 3.11+, where attributes live inline; this errs on the
high side). Strings, bytes and containers are counted at their real size, buffers included.
"""

from __future__ import annotations

import gc
import sys
import types
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import CORPORA, Corpus
from sseparse import (
    EventStreamDecoder,
    JSONArrayDecoder,
    JSONLinesDecoder,
    SSEDecoder,
    StreamParser,
)

TARGET = 2048
_NOT_ENTERED = (type, types.ModuleType, types.CodeType)
_GEMINI_ARRAY = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "data"
    / "captures"
    / "google-gemini-text.json"
)


def _referents(obj: object) -> list[object]:
    if isinstance(obj, types.FunctionType):
        inner: list[object] = list(obj.__closure__ or ())
        return [*inner, obj.__defaults__, obj.__kwdefaults__]
    found = list(gc.get_referents(obj))
    if type(obj).__dictoffset__ and hasattr(obj, "__dict__"):
        found.append(obj.__dict__)
    return found


def reachable(root: object) -> dict[int, object]:
    """Every object reachable from *root* (by id), classes, modules and code excluded."""
    seen: dict[int, object] = {}
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _NOT_ENTERED):
            continue
        seen[id(obj)] = obj
        stack.extend(_referents(obj))
    return seen


def owned_bytes(make: Callable[[], object]) -> tuple[int, int]:
    """(bytes, objects) that one object built by *make* holds of its own (see the module)."""
    gc.collect()
    one, twin = make(), make()
    shared = reachable(twin)
    mine = {i: o for i, o in reachable(one).items() if i not in shared}
    return sum(sys.getsizeof(o) for o in mine.values()), len(mine)


def _fed(build: Callable[[], object], data: bytes) -> Callable[[], object]:
    def make() -> object:
        obj = build()
        obj.feed(data)  # type: ignore[attr-defined]
        return obj

    return make


def _corpus(name: str) -> tuple[Corpus, bytes]:
    corpus = next(c for c in CORPORA if c.name == name)
    return corpus, corpus.make(65_536)


def cases() -> list[tuple[str, str, Callable[[], object], Callable[[], object]]]:
    """(name, what it was fed, fresh, after the stream) for every parser and decoder."""
    out: list[tuple[str, str, Callable[[], object], Callable[[], object]]] = []
    framing: list[tuple[str, Callable[[], object], str]] = [
        ("SSEDecoder()", SSEDecoder, "openai-text"),
        ("JSONLinesDecoder()", JSONLinesDecoder, "ndjson"),
        ("EventStreamDecoder()", EventStreamDecoder, "bedrock"),
    ]
    for name, build, corpus_name in framing:
        corpus, data = _corpus(corpus_name)
        out.append((name, corpus.name, build, _fed(build, data)))
    array = _GEMINI_ARRAY.read_bytes()
    out.append(
        ("JSONArrayDecoder()", _GEMINI_ARRAY.name, JSONArrayDecoder, _fed(JSONArrayDecoder, array))
    )
    for corpus_name in (
        "openai-text",
        "openai-tools",
        "anthropic",
        "gemini-crlf",
        "bedrock",
        "ndjson",
    ):
        corpus, data = _corpus(corpus_name)
        d = corpus.dialect

        def fresh(d: str = d) -> object:
            return StreamParser(d)

        out.append((f'StreamParser("{d}")', corpus.name, fresh, _fed(fresh, data)))
    corpus, data = _corpus("openai-text")
    out.append(('StreamParser("auto")', corpus.name, StreamParser, _fed(StreamParser, data)))
    return out


def report() -> str:
    lines = [
        "### Idle parser size",
        "",
        "What one parser holds of its own, fresh and after a stream of about 64 kB (fed whole, "
        "not closed: the state it waits in for more bytes). Method: the object and a twin built "
        "and fed the same way are walked with `gc.get_referents` (not entering classes, modules, "
        "code or function globals); what both reach is shared (class attributes, interned "
        "strings, singletons, module caches) and left out; `sys.getsizeof` of the rest is "
        "summed, instance `__dict__`s included. See `benchmarks/deepsize.py`. "
        f"Target: under {TARGET} bytes each.",
        "",
        "| object | fed | fresh: bytes (objects) | after the stream: bytes (objects) | |",
        "|---|---|---:|---:|---|",
    ]
    for name, fed, fresh, after in cases():
        b0, n0 = owned_bytes(fresh)
        b1, n1 = owned_bytes(after)
        verdict = "met" if max(b0, b1) < TARGET else "over"
        lines.append(f"| `{name}` | {fed} | {b0} ({n0}) | {b1} ({n1}) | {verdict} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(report())
