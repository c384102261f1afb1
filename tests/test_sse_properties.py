"""SSEDecoder against a line-by-line reference model of the WHATWG text, on generated streams.

The model below follows the spec's wording literally: decode the whole stream as UTF-8 with
replacement, strip one BOM, cut lines at CRLF, LF or CR, drop the unterminated last line, and
run the field rules on ``str``. The decoder works on bytes, in fragments, with split fast
paths; agreeing with this model on every generated stream, under every fragmentation, is
the property that matters.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from sseparse.framing.records import SSEComment, SSEEvent, SSERetry
from sseparse.framing.sse import SSEDecoder
from sseparse.testing import assert_fragmentation_invariant, run_feed, run_pull


def octets(min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[bytes]:
    """Like ``st.binary``, drawn as integers: hypothesis compares cached choice sequences,
    and a ``bytes`` choice compared with an ``int`` one raises under ``python -bb``."""
    return st.lists(st.integers(0, 255), min_size=min_size, max_size=max_size).map(bytes)


_LINE_END = re.compile("\r\n|\r|\n")
_ASCII_DIGITS = re.compile("[0-9]+")


def reference(stream: bytes, *, last_event_id: str = "", comments: bool = False) -> list[Any]:
    """The records the spec's "event stream interpretation" gives for *stream*, with byte
    offsets of each record's first line."""
    text = stream.decode("utf-8", errors="replace")
    bom = 0
    if text.startswith("\ufeff"):
        text = text[1:]
        bom = 3
    # Byte offsets of each line start, from the same cut made on bytes (only ASCII bytes cut,
    # so the two cuts agree line for line).
    raw_lines = re.split(rb"\r\n|\r|\n", stream[bom:])
    lines = _LINE_END.split(text)
    assert len(raw_lines) == len(lines)
    # The last piece is not followed by a line end: "pending data must be discarded".
    lines.pop()
    offsets = []
    pos = bom
    for m in re.finditer(rb"\r\n|\r|\n", stream[bom:]):
        offsets.append(pos)
        pos = bom + m.end()

    out: list[Any] = []
    data, event_type, id_buffer = "", "", last_event_id
    block_start = bom
    for line, offset in zip(lines, offsets, strict=True):
        if line == "":
            # Dispatch the event.
            if data == "":
                event_type = ""
            else:
                if data.endswith("\n"):
                    data = data[:-1]
                out.append(
                    SSEEvent(
                        type=event_type or "message",
                        data=data,
                        last_event_id=id_buffer,
                        offset=block_start,
                    )
                )
                data, event_type = "", ""
            block_start = offset + len(_line_end_at(stream, offset, line))
            continue
        if line.startswith(":"):
            if comments:
                out.append(SSEComment(text=line[1:], offset=offset))
            continue
        if ":" in line:
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
        else:
            name, value = line, ""
        if name == "event":
            event_type = value
        elif name == "data":
            data += value + "\n"
        elif name == "id":
            if "\0" not in value:
                id_buffer = value
        elif name == "retry" and _ASCII_DIGITS.fullmatch(value) and len(value.lstrip("0")) <= 4000:
            out.append(SSERetry(milliseconds=int(value), offset=offset))
    return out


def _line_end_at(stream: bytes, offset: int, line: str) -> bytes:
    """The bytes of a blank line at *offset* plus its line end (for the next block start)."""
    assert line == ""
    return b"\r\n" if stream[offset : offset + 2] == b"\r\n" else stream[offset : offset + 1]


def committed_last_id(stream: bytes, initial: str = "") -> str:
    """The last event ID as of the last blank line, per the reference."""
    text = stream.decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = _LINE_END.split(text)
    lines.pop()
    id_buffer = committed = initial
    for line in lines:
        if line == "":
            committed = id_buffer
            continue
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "id" and "\0" not in value:
            id_buffer = value
    return committed


# -- generated streams ---------------------------------------------------------------------------

_names = st.sampled_from(
    ["data", "data", "data", "event", "event", "id", "id", "retry", "", "Data", "dat", "data "]
)
_values = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12),
    st.sampled_from(
        ["", " ", "  x", "5", "007", "-1", "+5", " 9", "1_000", "\u0663", "\0", "a\0b", "x"]
    ),
)
_ends = st.sampled_from(["\n", "\r", "\r\n"])


@st.composite
def _line(draw: st.DrawFn) -> bytes:
    """One non-blank line with its line end."""
    kind = draw(st.sampled_from(["field"] * 6 + ["bare", "comment", "junk"]))
    end = draw(_ends).encode()
    if kind == "comment":
        return b":" + draw(_values).encode() + end
    if kind == "bare":
        return draw(_names).encode() + end
    if kind == "junk":
        # Arbitrary bytes (invalid UTF-8, NUL, U+2028...) except line ends.
        junk = draw(octets(max_size=8)).replace(b"\r", b"").replace(b"\n", b"")
        return junk + end
    sep = draw(st.sampled_from([":", ": ", ":  "]))
    return (draw(_names) + sep + draw(_values)).encode() + end


@st.composite
def _block(draw: st.DrawFn) -> bytes:
    """Some lines, then (usually) one or more blank lines."""
    lines = draw(st.lists(_line(), max_size=4))
    blanks = draw(st.lists(_ends, max_size=2))
    if not blanks and draw(st.booleans()):
        blanks = ["\n"]
    return b"".join(lines) + "".join(blanks).encode()


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    prefixes = [b"", b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xef\xbb"]
    prefix = draw(st.sampled_from(prefixes))
    body = b"".join(draw(st.lists(_block(), max_size=6)))
    uniform = draw(st.sampled_from([None, b"\n", b"\r\n", b"\r"]))
    if uniform is not None:  # most real streams use one line end throughout
        body = re.sub(rb"\r\n|\r|\n", uniform, body)
    tail = draw(st.sampled_from([b"", b"", b"data: unfinished", b"\r", b"retry: 9"]))
    return prefix + body + tail


_options = st.fixed_dictionaries(
    {"comments": st.booleans(), "last_event_id": st.sampled_from(["", "start"])}
)


def _halves(stream: bytes) -> list[bytes]:
    return [stream[: len(stream) // 2], stream[len(stream) // 2 :]]


def _with_offsets(records: list[Any]) -> list[tuple[Any, int]]:
    return [(r, r.offset) for r in records]


@given(streams(), _options)
@example(b"data: a\r\n\r", {"comments": False, "last_event_id": ""})
@example(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n", {"comments": True, "last_event_id": ""})
@example(b"id: 1\n\r\n:c\rdata\r\r", {"comments": True, "last_event_id": "start"})
@example(b":\ndata:\n\n", {"comments": False, "last_event_id": ""})
@example(b"event: a\n\ndata: x\n\n", {"comments": False, "last_event_id": ""})
@example(b"id: 1\n\nid: a\x00\ndata: x\n\n", {"comments": False, "last_event_id": ""})
@example(b"data: x\n\n\r\n\rdata:y\r\r\n\r\n", {"comments": False, "last_event_id": ""})
@example(b"data: a\ndata: b\n\n", {"comments": False, "last_event_id": ""})
@example(b"data: a\n\nevent: x\n\n\ndata: y\n", {"comments": False, "last_event_id": ""})
@example(b"data: a\r\n\r\nid: 1\r\n\r\n\r\ndata: y\r\n", {"comments": False, "last_event_id": ""})
@example(b"data: a\n\ndata:b\n\ndata: c\n\n", {"comments": False, "last_event_id": ""})
@example(b"event: x\ndata: y\n\ndata: z\n\n", {"comments": False, "last_event_id": ""})
@example(b"id: 7\ndata: y\n\n:c\ndata: z\n\n", {"comments": True, "last_event_id": ""})
def test_matches_the_reference_model_under_every_fragmentation(
    stream: bytes, options: dict[str, Any]
) -> None:
    expected = _with_offsets(reference(stream, **options))
    outcome = assert_fragmentation_invariant(lambda: SSEDecoder(**options), stream)
    assert outcome.error is None
    assert _with_offsets(outcome.items) == expected
    # Outcomes compare records without their offsets: check those under fragmentation too.
    for chunks in ([stream[i : i + 1] for i in range(len(stream))], _halves(stream)):
        got, _ = run_feed(lambda: SSEDecoder(**options), chunks)
        assert _with_offsets(got.items) == expected


@given(streams(), st.data())
def test_last_event_id_property_matches_the_reference(stream: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(stream)))
    decoder = SSEDecoder(last_event_id="x")
    decoder.feed(stream[:cut])
    assert decoder.last_event_id == committed_last_id(stream[:cut], "x")
    decoder.feed(stream[cut:])
    assert decoder.last_event_id == committed_last_id(stream, "x")


@given(octets(max_size=200), st.lists(st.integers(0, 200), max_size=8))
def test_any_bytes_any_fragmentation_same_records_pull_equals_feed(
    stream: bytes, cuts: list[int]
) -> None:
    points = sorted({min(c, len(stream)) for c in cuts})
    chunks = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    whole, _ = run_feed(lambda: SSEDecoder(comments=True), [stream])
    pieces, _ = run_feed(lambda: SSEDecoder(comments=True), chunks)
    pulled = run_pull(lambda: SSEDecoder(comments=True), chunks)
    expected = _with_offsets(reference(stream, comments=True))
    for outcome in (whole, pieces, pulled):
        assert _with_offsets(outcome.items) == expected


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["data", "event", "id", "retry", ":", "dat", "datum", "x-trace"]),
            octets(max_size=30),
        ),
        max_size=10,
    ),
    st.integers(8, 80),
)
def test_limit_outcome_is_the_same_under_every_fragmentation(
    fields: list[tuple[str, bytes]], limit: int
) -> None:
    stream = b"".join(
        name.encode()
        + b": "
        + value.replace(b"\r", b"").replace(b"\n", b"")
        + b"\n"
        + (b"\n" if i % 3 == 2 else b"")
        for i, (name, value) in enumerate(fields)
    )
    # assert_fragmentation_invariant asserts that every way gives the same items and the same
    # error at the same offset.
    outcome = assert_fragmentation_invariant(lambda: SSEDecoder(max_event_size=limit), stream)
    if outcome.error is None:
        assert outcome.items == reference(stream)
    else:
        assert outcome.items == reference(stream)[: len(outcome.items)]
