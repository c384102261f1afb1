"""Atheris fuzz harness for every sseparse decoder: framing decoders and StreamParser dialects.

Each input picks a target (first byte), cut points (next bytes) and a payload (the rest).
Two properties are checked:

1. **Only ``sseparse.Error`` escapes.** Any other exception (``IndexError``,
   ``UnicodeDecodeError``, ``RecursionError``…) is a bug and crashes the fuzzer.
2. **Fragmentation does not matter.** The payload fed whole, one byte at a time and cut at
   the chosen points gives the same items and the same error (type and offset).

Targets are built from the registries (``sseparse.framing.FORMATS``,
``sseparse.dialects.DIALECTS``) plus ``dialect="auto"``, so new decoders are fuzzed without
editing this file. See ``fuzz/README.md`` for how to run it and build a seed corpus.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports(include=["sseparse"]):
    from sseparse.dialects import DIALECTS, dialect_class
    from sseparse.errors import Error, ParseError
    from sseparse.framing import FORMATS, decoder_class
    from sseparse.parser import StreamParser

    # The registries import modules lazily: import them all here, to instrument them.
    for _name in FORMATS:
        decoder_class(_name)
    for _name in DIALECTS:
        dialect_class(_name)

Factory = Callable[[], Any]
MAX_CUTS = 8


def _targets() -> list[tuple[str, Factory]]:
    """Every decoder that can be built, in a stable order (the first input byte indexes it)."""
    targets: list[tuple[str, Factory]] = [
        (f"format:{name}", decoder_class(name)) for name in sorted(FORMATS)
    ]
    targets += [
        (f"dialect:{name}", lambda name=name: StreamParser(name))
        for name in [*sorted(DIALECTS), "auto"]
    ]
    return [(label, factory) for label, factory in targets if _builds(label, factory)]


def _builds(label: str, factory: Factory) -> bool:
    try:
        factory()
    except Error as exc:  # e.g. a dialect not wired yet: say so, fuzz the others
        print(f"fuzz: skipping {label}: {exc}", file=sys.stderr)
        return False
    return True


TARGETS = _targets()


def outcome(factory: Factory, chunks: list[bytes]) -> tuple[str, Any]:
    """Items (compared by repr: a JSON NaN is not equal to itself) and the error, if any."""
    decoder = factory()
    items: list[Any] = []
    try:
        for chunk in chunks:
            items += decoder.feed(chunk)
        items += decoder.close()
        items += decoder.close()
    except Error as exc:  # any other exception propagates: a finding
        where = exc.offset if isinstance(exc, ParseError) else None
        return repr(items), (type(exc).__name__, where)
    return repr(items), None


def check(label: str, factory: Factory, payload: bytes, cuts: list[int]) -> None:
    whole = outcome(factory, [payload])
    bytewise = outcome(factory, [payload[i : i + 1] for i in range(len(payload))])
    if bytewise != whole:
        raise AssertionError(f"{label}: byte by byte {bytewise} != whole {whole}")
    points = sorted({c % (len(payload) + 1) for c in cuts})
    pieces = [payload[a:b] for a, b in zip([0, *points], [*points, len(payload)], strict=True)]
    split = outcome(factory, pieces)
    if split != whole:
        raise AssertionError(f"{label}: cut at {points} {split} != whole {whole}")


# --only=LABEL: every input goes to that one target (the target byte is still read, so the
# seed layout is the same; a seed written for another target is one more input for this one).
ONLY: tuple[str, Factory] | None = None


def test_one_input(data: bytes) -> None:
    # FuzzedDataProvider takes integers from the end of the input and bytes from the front.
    fdp = atheris.FuzzedDataProvider(data)
    label, factory = TARGETS[fdp.ConsumeIntInRange(0, len(TARGETS) - 1)]
    if ONLY is not None:
        label, factory = ONLY
    cuts = [fdp.ConsumeIntInRange(0, 1 << 16) for _ in range(fdp.ConsumeIntInRange(0, MAX_CUTS))]
    check(label, factory, fdp.ConsumeBytes(fdp.remaining_bytes()), cuts)


# Hostile shapes (issue 13), seeded for every target: deep nesting, non-finite and huge
# numbers, extreme choice indexes, a BOM before JSON, a long blank prefix.
_CHUNK = b'{"choices":[{"index":%d,"delta":{"content":"x"}}]}'
HOSTILE: dict[str, bytes] = {
    "deep-array": b"[" * 600 + b"]" * 600 + b"\n",
    "deep-object-sse": b'data: {"a":' + b"[" * 513 + b"]" * 513 + b"}\n\n",
    "nan-sse": b'data: {"choices":[{"index":0,"delta":{"content":NaN}}]}\n\n',
    "non-finite-array": b"[NaN, Infinity, -Infinity, 1e999, -1e999, 1e-999]",
    "huge-int": b'{"a":' + b"9" * 5000 + b"}\n",
    "choice-negative": b"data: " + _CHUNK % -1 + b"\n\ndata: " + _CHUNK % 0 + b"\n\n",
    "choice-huge": b"data: " + _CHUNK % 1000000000 + b"\n\n",
    "bom-array": b'\xef\xbb\xbf[{"candidates":[]}]',
    "bom-lines": b'\xef\xbb\xbf{"done":true,"response":""}\n',
    "blank-prefix": b"\n" * 1500 + b"data: " + _CHUNK % 0 + b"\n\n",
    "eventstream-24mib-plus-1": b"\x01\x80\x00\x11\x00\x00\x00\x00\x7c\x1e\x8b\x37",
}


def seed_corpus(captures: Path, out: Path) -> int:
    """Write one seed per capture and per target of its format into *out*: the capture's
    bytes, then a zero cut count and the target index (integers are read from the end); and
    one seed per ``HOSTILE`` shape for every target. Returns how many were written."""
    import json

    manifest = json.loads((captures / "manifest.json").read_text("utf-8"))
    index = {label: i for i, (label, _) in enumerate(TARGETS)}
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for entry in manifest:
        body = (captures / entry["file"]).read_bytes()[:4096]
        labels = [f"format:{entry['format']}", f"dialect:{entry['api']}", "dialect:auto"]
        for label in labels:
            if label in index:
                # ConsumeIntInRange reads one byte from the end per small range: first the
                # target, then the number of cuts (zero); the rest is the payload.
                seed = body + bytes([0, index[label]])
                (out / f"{label.replace(':', '-')}--{entry['file']}").write_bytes(seed)
                written += 1
    for name, body in HOSTILE.items():
        for label, i in index.items():
            (out / f"{label.replace(':', '-')}--hostile-{name}").write_bytes(body + bytes([0, i]))
            written += 1
    return written


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "--seed":
        captures, out = Path(sys.argv[2]), Path(sys.argv[3])
        print(f"wrote {seed_corpus(captures, out)} seeds to {out}")
        return
    global ONLY
    argv = [arg for arg in sys.argv if not arg.startswith("--only=")]
    only = [arg.removeprefix("--only=") for arg in sys.argv if arg.startswith("--only=")]
    if only:
        by_label = dict(TARGETS)
        if only[-1] not in by_label:
            sys.exit(f"fuzz: no target {only[-1]!r}; the targets: {', '.join(by_label)}")
        ONLY = (only[-1], by_label[only[-1]])
        print(f"fuzz target: {only[-1]} only", file=sys.stderr)
    else:
        print("fuzz targets: " + ", ".join(label for label, _ in TARGETS), file=sys.stderr)
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
