"""JSONLinesDecoder: DESIGN §3's JSON-lines rules, at every fragmentation."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse._json import MAX_DEPTH
from sseparse.errors import InvalidJSON, LimitExceeded, ParseError, UsageError
from sseparse.framing import decoder_class, jsonlines
from sseparse.framing.jsonlines import DEFAULT_MAX_LINE_SIZE, JSONLinesDecoder
from sseparse.framing.records import JSONRecord
from sseparse.testing import assert_fragmentation_invariant

from . import captures
from ._jsonhelp import Keyed, canon, cuts, decode, json_values, serialized


def keyed(**options: int) -> Keyed:
    return Keyed(JSONLinesDecoder(**options))


def rec(value: object, raw: bytes, offset: int, line: int) -> tuple[str, bytes, int, int]:
    return (canon(value), raw, offset, line)


GOOD = [
    pytest.param(b"", [], id="empty"),
    pytest.param(b'{"a":1}\n', [rec({"a": 1}, b'{"a":1}', 0, 1)], id="one"),
    pytest.param(
        b'{"a":1}\r\n[2]\r\n',
        [rec({"a": 1}, b'{"a":1}', 0, 1), rec([2], b"[2]", 9, 2)],
        id="crlf",
    ),
    pytest.param(
        b'\n  \n\t\r\n1\n\n"x"\n',
        [rec(1, b"1", 7, 4), rec("x", b'"x"', 10, 6)],
        id="blank-lines-skipped-but-counted",
    ),
    pytest.param(b'{"a":1}', [rec({"a": 1}, b'{"a":1}', 0, 1)], id="no-final-newline"),
    pytest.param(b"[1]\n  ", [rec([1], b"[1]", 0, 1)], id="blank-tail"),
    pytest.param(b"\xef\xbb\xbf1\n", [rec(1, b"1", 3, 1)], id="bom-skipped"),
    pytest.param(
        b'\xef\xbb\xbf{"a":1}\n[2]\n',
        [rec({"a": 1}, b'{"a":1}', 3, 1), rec([2], b"[2]", 11, 2)],
        id="bom-before-object",
    ),
    pytest.param(
        '"a\u2028b\u0085c"\n'.encode(),
        [rec("a\u2028b\u0085c", '"a\u2028b\u0085c"'.encode(), 0, 1)],
        id="u2028-u0085-do-not-split",
    ),
    pytest.param(
        b'{"a": "x\\ny"}  \n',
        [rec({"a": "x\ny"}, b'{"a": "x\\ny"}  ', 0, 1)],
        id="escaped-newline-trailing-space",
    ),
    pytest.param(b" 7 \r\r\n", [rec(7, b" 7 \r", 0, 1)], id="only-last-cr-stripped"),
    pytest.param(
        '{"é":"😀"}\n'.encode(), [rec({"é": "😀"}, '{"é":"😀"}'.encode(), 0, 1)], id="utf8"
    ),
]


@pytest.mark.parametrize(("data", "expected"), GOOD)
def test_valid(data: bytes, expected: list[object]) -> None:
    outcome = assert_fragmentation_invariant(keyed, data)
    assert outcome.error is None
    assert outcome.items == expected


BAD = [
    pytest.param(b'{"a":1}\n{bad}\n[3]\n', InvalidJSON, 8, 2, 1, id="bad-object"),
    pytest.param(b'{"a":1}\r{"b":2}\n', InvalidJSON, 0, 1, 0, id="lone-cr-does-not-split"),
    pytest.param(b"1\n\xff\xfe\n", InvalidJSON, 2, 2, 1, id="invalid-utf8"),
    pytest.param(b'"\xed\xa0\x80"\n', InvalidJSON, 0, 1, 0, id="utf8-surrogate"),
    pytest.param(b"1\n2 3\n", InvalidJSON, 2, 2, 1, id="two-values"),
    pytest.param(b"\n\n{", InvalidJSON, 2, 3, 0, id="truncated-last-line"),
    pytest.param(b"1\n\xef\xbb\xbf2\n", InvalidJSON, 2, 2, 1, id="bom-only-at-the-start"),
    pytest.param(b" \xef\xbb\xbf1\n", InvalidJSON, 0, 1, 0, id="bom-after-a-space"),
    pytest.param(b"1\n\x0c\n", InvalidJSON, 2, 2, 1, id="form-feed-is-not-blank"),
    # The sseparse._json rules, identical on every Python (see test_json_rules below).
    pytest.param(b"[" * 5000 + b"]" * 5000 + b"\n", InvalidJSON, 0, 1, 0, id="too-deep"),
    pytest.param(b"1\n" + b"[" * 513 + b"]" * 513, InvalidJSON, 2, 2, 1, id="depth-513"),
    pytest.param(
        b'1\n{"a":' + b"[" * 512 + b"]" * 512 + b"}\n", InvalidJSON, 2, 2, 1, id="depth-513-object"
    ),
    pytest.param(b"1\nNaN\n", InvalidJSON, 2, 2, 1, id="nan"),
    pytest.param(b"[Infinity]\n", InvalidJSON, 0, 1, 0, id="infinity"),
    pytest.param(b'{"a":-Infinity}\n', InvalidJSON, 0, 1, 0, id="minus-infinity"),
    pytest.param(b"[1e999]\n", InvalidJSON, 0, 1, 0, id="float-overflow"),
    pytest.param(b"-1E+400\n", InvalidJSON, 0, 1, 0, id="negative-float-overflow"),
    pytest.param(b"1" * 4301 + b"\n", InvalidJSON, 0, 1, 0, id="int-over-4300-digits"),
]


@pytest.mark.parametrize(("data", "error", "offset", "line", "before"), BAD)
def test_invalid(data: bytes, error: type[Exception], offset: int, line: int, before: int) -> None:
    outcome = assert_fragmentation_invariant(keyed, data)
    assert outcome.error == (error, offset)
    assert len(outcome.items) == before
    d = JSONLinesDecoder()
    with pytest.raises(InvalidJSON) as info:
        decode(lambda: d, [data])
    assert info.value.line == line
    assert info.value.offset == offset


def test_limit_checked_before_buffering() -> None:
    data = b"1\n" + b"2" * 11 + b"\n"
    outcome = assert_fragmentation_invariant(lambda: keyed(max_line_size=10), data)
    assert outcome.error == (LimitExceeded, 2)
    assert outcome.items == [rec(1, b"1", 0, 1)]
    # Exactly at the limit is fine; the 11th byte of a line fails at once, without a newline.
    d = JSONLinesDecoder(max_line_size=10)
    assert d.feed(b"1\n" + b"2" * 10) == [JSONLinesDecoder().feed(b"1\n")[0]]
    with pytest.raises(LimitExceeded) as info:
        d.feed(b"2")
    assert info.value.limit == 10 and info.value.offset == 2
    ok = JSONLinesDecoder(max_line_size=10)
    assert [r.value for r in ok.feed(b"1234567890\n") + ok.close()] == [1234567890]
    assert JSONLinesDecoder().max_line_size == DEFAULT_MAX_LINE_SIZE


@pytest.mark.parametrize("bad", [0, -1, 1.5, "10"])
def test_bad_limit_is_usage_error(bad: object) -> None:
    with pytest.raises(UsageError):
        JSONLinesDecoder(max_line_size=bad)  # type: ignore[arg-type]


def test_registered_names() -> None:
    assert decoder_class("jsonlines") is JSONLinesDecoder
    assert decoder_class("ndjson") is JSONLinesDecoder


def test_raw_is_bytes_for_any_input_type() -> None:
    for data in (bytearray(b"[1]\n[2]"), memoryview(b"[1]\n[2]")):
        d = JSONLinesDecoder()
        records = d.feed(data) + d.close()
        assert [type(r.raw) for r in records] == [bytes, bytes]
        assert [r.raw for r in records] == [b"[1]", b"[2]"]


@pytest.mark.parametrize("entry", captures.captures(fmt="ndjson"), ids=lambda e: e["file"])
def test_captures(entry: dict[str, object]) -> None:
    data = captures.read(str(entry["file"]))
    outcome = assert_fragmentation_invariant(keyed, data)
    assert outcome.error is None
    lines = data.split(b"\n")
    assert lines[-1] == b""  # every capture ends with a newline (README)
    expected = []
    offset = 0
    for n, line in enumerate(lines[:-1], 1):
        expected.append(rec(json.loads(line), line, offset, n))
        offset += len(line) + 1
    assert outcome.items == expected


@st.composite
def ndjson_streams(draw: st.DrawFn) -> tuple[bytes, list[object]]:
    values = draw(st.lists(json_values, max_size=6))
    parts = []
    for value in values:
        for _ in range(draw(st.integers(0, 2))):
            parts.append(draw(st.sampled_from([b"", b"  ", b"\t", b"\r"])) + b"\n")
        line = draw(serialized(value, one_line=True))
        parts.append(line + draw(st.sampled_from([b"\n", b"\r\n"])))
    data = b"".join(parts)
    if data and draw(st.booleans()):
        data = data.removesuffix(b"\n")  # the last line may lack its newline
    return data, values


@given(st.data())
def test_values_equal_json_loads_at_any_fragmentation(data: st.DataObject) -> None:
    stream, values = data.draw(ndjson_streams())
    pieces = data.draw(cuts(stream))
    records = decode(JSONLinesDecoder, pieces)
    assert [canon(r.value) for r in records] == [canon(v) for v in values]
    assert all(canon(json.loads(r.raw)) == canon(r.value) for r in records)
    assert all(stream[r.offset : r.offset + len(r.raw)] == r.raw for r in records)
    assert decode(JSONLinesDecoder, [stream]) == records


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    stream, _ = draw(ndjson_streams())
    data = bytearray(stream)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        i = draw(st.integers(0, len(data)))
        if op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=3))
        elif op == "delete":
            del data[i : i + draw(st.integers(1, 3))]
        elif op == "replace" and i < len(data):
            data[i] = draw(st.integers(0, 255))
        else:
            del data[i:]
    return bytes(data)


@given(st.data())
def test_mutations_give_records_or_parse_errors(data: st.DataObject) -> None:
    stream = data.draw(mutated())
    pieces = data.draw(cuts(stream))
    outcomes = []
    for chunks in (pieces, [stream]):
        try:
            outcomes.append(("ok", [r.raw for r in decode(JSONLinesDecoder, chunks)]))
        except ParseError as exc:  # any other exception fails the test
            outcomes.append((type(exc).__name__, exc.offset))
    assert outcomes[0] == outcomes[1]


def test_fast_built_records_are_ordinary_records() -> None:
    # the fast path (not the constructor fallback) is the one measured and tested
    assert jsonlines.new_record.__qualname__ == "fast_maker(JSONRecord)"
    fast = jsonlines.new_record({"a": [1]}, b'{"a":[1]}', 7, 3)
    slow = JSONRecord(value={"a": [1]}, raw=b'{"a":[1]}', offset=7, line=3)
    assert type(fast) is JSONRecord
    assert fast == slow and repr(fast) == repr(slow) and hash(fast.raw) == hash(slow.raw)
    assert (fast.value, fast.raw, fast.offset, fast.line) == ({"a": [1]}, b'{"a":[1]}', 7, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.line = 4  # type: ignore[misc]


def test_json_rules() -> None:
    """The contract of sseparse._json, the same on 3.10-3.13: nesting up to MAX_DEPTH (512)
    arrays/objects is read, one level more is InvalidJSON (never RecursionError); brackets
    inside strings do not count; underflow reads as 0.0; 4300-digit integers are fine."""
    deep = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    wide = b"[" + b",".join([b"[]"] * 2000) + b"]"  # many brackets, depth 2
    quoted = b'["' + b"[{" * 1000 + b'"]'  # brackets in a string
    lines = [
        deep,
        wide,
        quoted,
        b"1e-999",
        b"9" * 4300,
        b'{"a":' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH,
    ]
    records = decode(JSONLinesDecoder, [b"\n".join(lines)])
    assert [r.raw for r in records] == lines
    value = records[0].value
    for _ in range(MAX_DEPTH - 1):
        (value,) = value
    assert value == []
    assert len(records[1].value) == 2000
    assert records[2].value == ["[{" * 1000]
    assert records[3].value == 0.0
    assert records[4].value == int("9" * 4300)
    too_deep = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    for bad in (too_deep, b"[" + too_deep + b"]", b"NaN", b"[1e309]"):
        with pytest.raises(InvalidJSON):
            decode(JSONLinesDecoder, [bad])
