"""JSONArrayDecoder: a streamed top-level JSON array, element by element, at every
fragmentation."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse._json import MAX_DEPTH
from sseparse.errors import InvalidJSON, LimitExceeded, ParseError, TruncatedStream, UsageError
from sseparse.framing import decoder_class
from sseparse.framing.jsonarray import DEFAULT_MAX_ELEMENT_SIZE, JSONArrayDecoder
from sseparse.testing import assert_fragmentation_invariant

from . import captures
from ._jsonhelp import Keyed, canon, cuts, decode, json_values, serialized


def keyed(**options: int) -> Keyed:
    return Keyed(JSONArrayDecoder(**options))


def el(value: object, raw: bytes, offset: int) -> tuple[str, bytes, int, None]:
    return (canon(value), raw, offset, None)


GOOD = [
    pytest.param(b"[]", [], id="empty"),
    pytest.param(b"\xef\xbb\xbf[]", [], id="bom-empty"),
    pytest.param(
        b'\xef\xbb\xbf [{"a":1}, 2]', [el({"a": 1}, b'{"a":1}', 5), el(2, b"2", 14)], id="bom"
    ),
    pytest.param(b" \r\n[ \n ] \r\n", [], id="empty-with-whitespace"),
    pytest.param(b'[{"a":1}]', [el({"a": 1}, b'{"a":1}', 1)], id="one"),
    pytest.param(
        b'[{"a":1}\n,\r\n{"b":[2]}\n]',
        [el({"a": 1}, b'{"a":1}', 1), el({"b": [2]}, b'{"b":[2]}', 12)],
        id="gemini-shape",
    ),
    pytest.param(
        b'[1,-2.5e3 ,true,\tfalse , null,"s"]',
        [
            el(1, b"1", 1),
            el(-2500.0, b"-2.5e3", 3),
            el(True, b"true", 11),
            el(False, b"false", 17),
            el(None, b"null", 25),
            el("s", b'"s"', 30),
        ],
        id="scalars",
    ),
    pytest.param(
        b'[{"t":"}]{[\\"\\\\"},"\\\\"]',
        [el({"t": '}]{["\\'}, b'{"t":"}]{[\\"\\\\"}', 1), el("\\", b'"\\\\"', 18)],
        id="brackets-quotes-backslashes-in-strings",
    ),
    pytest.param(
        b'[[[[{"a":[{}]}]]],[]]',
        [el([[[{"a": [{}]}]]], b'[[[{"a":[{}]}]]]', 1), el([], b"[]", 18)],
        id="nesting",
    ),
    pytest.param(
        '["é😀\u2028", {"k\\u00e9": "\\ud83d\\ude00"}]'.encode(),
        [
            el("é😀\u2028", '"é😀\u2028"'.encode(), 1),
            el({"ké": "😀"}, b'{"k\\u00e9": "\\ud83d\\ude00"}', 14),
        ],
        id="unicode",
    ),
    pytest.param(
        b'["a\\\\",["\\\\\\""]]',
        [el("a\\", b'"a\\\\"', 1), el(['\\"'], b'["\\\\\\""]', 7)],
        id="escape-runs",
    ),
]


@pytest.mark.parametrize(("data", "expected"), GOOD)
def test_valid(data: bytes, expected: list[object]) -> None:
    outcome = assert_fragmentation_invariant(keyed, data)
    assert outcome.error is None
    assert outcome.items == expected
    assert [json.loads(raw) for _, raw, _, _ in expected] == json.loads(data)


BAD = [
    pytest.param(b'x[{"a":1}]', InvalidJSON, 0, 0, id="garbage-before"),
    pytest.param(b"{}", InvalidJSON, 0, 0, id="not-an-array"),
    pytest.param(b" \xef\xbb\xbf[]", InvalidJSON, 1, 0, id="bom-after-a-space"),
    pytest.param(b"\xef\xbb[]", InvalidJSON, 0, 0, id="half-a-bom"),
    pytest.param(b"\xef\xbb\xbf\xef\xbb\xbf[]", InvalidJSON, 3, 0, id="two-boms"),
    pytest.param(b"[1 2]", InvalidJSON, 3, 1, id="missing-comma"),
    pytest.param(b'[{"a":1}{"b":2}]', InvalidJSON, 8, 1, id="missing-comma-objects"),
    pytest.param(b"[1,,2]", InvalidJSON, 3, 1, id="double-comma"),
    pytest.param(b"[,1]", InvalidJSON, 1, 0, id="leading-comma"),
    pytest.param(b"[1,]", InvalidJSON, 3, 1, id="trailing-comma"),
    pytest.param(b"[1] x", InvalidJSON, 4, 1, id="garbage-after"),
    pytest.param(b"[1][2]", InvalidJSON, 3, 1, id="second-array"),
    pytest.param(b"[1,:]", InvalidJSON, 3, 1, id="bad-element-start"),
    pytest.param(b"[1,{]}]", InvalidJSON, 3, 1, id="mismatched-brackets"),
    pytest.param(b'[{"a":tru}]', InvalidJSON, 1, 0, id="bad-literal-inside"),
    pytest.param(b"[nul]", InvalidJSON, 1, 0, id="bad-literal"),
    pytest.param(b"[01]", InvalidJSON, 1, 0, id="leading-zero"),
    pytest.param(b'[1,"\xff"]', InvalidJSON, 3, 1, id="invalid-utf8"),
    pytest.param(b'[1,"a\nb"]', InvalidJSON, 3, 1, id="raw-newline-in-string"),
    # The sseparse._json rules, identical on every Python (see test_json_rules below).
    pytest.param(b"[" + b"[" * 5000 + b"]" * 5000 + b"]", InvalidJSON, 1, 0, id="too-deep"),
    pytest.param(b"[1," + b"[" * 513 + b"]" * 513 + b"]", InvalidJSON, 3, 1, id="depth-513"),
    pytest.param(b"[NaN]", InvalidJSON, 1, 0, id="nan"),
    pytest.param(b"[Infinity]", InvalidJSON, 1, 0, id="infinity"),
    pytest.param(b"[1, -Infinity]", InvalidJSON, 4, 1, id="minus-infinity"),
    pytest.param(b'[{"a":[-Infinity]}]', InvalidJSON, 1, 0, id="minus-infinity-nested"),
    pytest.param(b"[1e999 ]", InvalidJSON, 1, 0, id="float-overflow"),
    pytest.param(b'[{"a":-1e400}]', InvalidJSON, 1, 0, id="float-overflow-nested"),
    pytest.param(b"", TruncatedStream, 0, 0, id="empty-input"),
    pytest.param(b"  \n", TruncatedStream, 3, 0, id="only-whitespace"),
    pytest.param(b"[", TruncatedStream, 1, 0, id="only-open"),
    pytest.param(b'[{"a":1},', TruncatedStream, 9, 1, id="after-comma"),
    pytest.param(b'[{"a":1}\n', TruncatedStream, 9, 1, id="after-element"),
    pytest.param(b'[{"a":1},{"b":[2', TruncatedStream, 9, 1, id="inside-object"),
    pytest.param(b'[{"a":1},"abc\\', TruncatedStream, 9, 1, id="inside-string-escape"),
    pytest.param(b"[1,23", TruncatedStream, 3, 1, id="inside-number"),
]


@pytest.mark.parametrize(("data", "error", "offset", "before"), BAD)
def test_invalid(data: bytes, error: type[Exception], offset: int, before: int) -> None:
    outcome = assert_fragmentation_invariant(keyed, data)
    assert outcome.error == (error, offset)
    assert len(outcome.items) == before


def test_truncated_reports_what_arrived() -> None:
    d = JSONArrayDecoder()
    records = d.feed(b'[1, {"a": "xy')
    assert [(r.value, r.raw, r.offset) for r in records] == [(1, b"1", 1)]
    with pytest.raises(TruncatedStream) as info:
        d.close()
    assert (info.value.offset, info.value.received, info.value.expected) == (4, 9, None)


def test_element_returned_the_moment_it_completes() -> None:
    d = JSONArrayDecoder()
    assert d.feed(b'[{"a":"}"') == []
    assert [r.value for r in d.feed(b"}")] == [{"a": "}"}]
    assert d.feed(b",1") == []  # a number is complete only when its delimiter arrives
    assert [r.value for r in d.feed(b" ")] == [1]
    assert d.feed(b"]") == []
    assert d.close() == []


def test_limit() -> None:
    data = b'[1,"' + b"x" * 9 + b'"]'
    outcome = assert_fragmentation_invariant(lambda: keyed(max_element_size=10), data)
    assert outcome.error == (LimitExceeded, 3)
    assert outcome.items == [el(1, b"1", 1)]
    ok = assert_fragmentation_invariant(lambda: keyed(max_element_size=11), data)
    assert ok.error is None and len(ok.items) == 2
    assert JSONArrayDecoder().max_element_size == DEFAULT_MAX_ELEMENT_SIZE
    # Whitespace between elements is not buffered: it does not count against the limit.
    spaced = b"[" + b" " * 1000 + b"1" + b" " * 1000 + b"]"
    assert assert_fragmentation_invariant(lambda: keyed(max_element_size=2), spaced).error is None


@pytest.mark.parametrize("bad", [0, -5, 2.0, None])
def test_bad_limit_is_usage_error(bad: object) -> None:
    with pytest.raises(UsageError):
        JSONArrayDecoder(max_element_size=bad)  # type: ignore[arg-type]


def test_registered_names() -> None:
    assert decoder_class("jsonarray") is JSONArrayDecoder
    assert decoder_class("json-array") is JSONArrayDecoder


def test_raw_is_bytes_for_any_input_type() -> None:
    for data in (bytearray(b'[{"a":1},2]'), memoryview(b'[{"a":1},2]')):
        d = JSONArrayDecoder()
        records = d.feed(data) + d.close()
        assert [r.raw for r in records] == [b'{"a":1}', b"2"]
        assert all(type(r.raw) is bytes for r in records)


@pytest.mark.parametrize("entry", captures.captures(fmt="json-array"), ids=lambda e: e["file"])
def test_captures(entry: dict[str, object]) -> None:
    data = captures.read(str(entry["file"]))
    outcome = assert_fragmentation_invariant(keyed, data)
    assert outcome.error is None
    whole = json.loads(data)
    assert len(outcome.items) == len(whole)
    assert [item[0] for item in outcome.items] == [canon(v) for v in whole]
    for _, raw, offset, _ in outcome.items:
        assert data[offset : offset + len(raw)] == raw


@st.composite
def array_streams(draw: st.DrawFn) -> tuple[bytes, list[object]]:
    values = draw(st.lists(json_values, max_size=5))
    ws = st.sampled_from([b"", b" ", b"\n", b"\r\n", b"\t", b"\n  ", b" \r\n "])
    parts = [draw(ws), b"[", draw(ws)]
    for i, value in enumerate(values):
        if i:
            parts += [draw(ws), b",", draw(ws)]
        parts.append(draw(serialized(value, one_line=False)))
    parts += [draw(ws), b"]", draw(ws)]
    return b"".join(parts), values


@given(st.data())
def test_values_equal_json_loads_at_any_fragmentation(data: st.DataObject) -> None:
    stream, values = data.draw(array_streams())
    pieces = data.draw(cuts(stream))
    records = decode(JSONArrayDecoder, pieces)
    assert [canon(r.value) for r in records] == [canon(v) for v in json.loads(stream)]
    assert [canon(r.value) for r in records] == [canon(v) for v in values]
    assert all(stream[r.offset : r.offset + len(r.raw)] == r.raw for r in records)
    assert [(r.raw, r.offset) for r in decode(JSONArrayDecoder, [stream])] == [
        (r.raw, r.offset) for r in records
    ]


@given(st.data())
def test_every_strict_prefix_is_truncated(data: st.DataObject) -> None:
    stream, _ = data.draw(array_streams())
    end = stream.rindex(b"]")
    cut = data.draw(st.integers(0, end))
    pieces = data.draw(cuts(stream[:cut]))
    with pytest.raises(TruncatedStream):
        decode(JSONArrayDecoder, pieces)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    stream, _ = draw(array_streams())
    data = bytearray(stream)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        i = draw(st.integers(0, len(data)))
        if op == "insert":
            punct = st.sampled_from([b"[", b"]", b"{", b"}", b'"', b",", b"\\"])
            data[i:i] = draw(st.binary(min_size=1, max_size=3) | punct)
        elif op == "delete":
            del data[i : i + draw(st.integers(1, 3))]
        elif op == "replace" and i < len(data):
            data[i] = draw(st.sampled_from(list(b'[]{}",\\: x\xff')))
        else:
            del data[i:]
    return bytes(data)


@given(st.data())
def test_mutations_give_elements_or_parse_errors(data: st.DataObject) -> None:
    stream = data.draw(mutated())
    pieces = data.draw(cuts(stream))
    outcomes = []
    for chunks in (pieces, [stream]):
        try:
            outcomes.append(("ok", [r.raw for r in decode(JSONArrayDecoder, chunks)]))
        except ParseError as exc:  # any other exception fails the test
            outcomes.append((type(exc).__name__, exc.offset))
    assert outcomes[0] == outcomes[1]
    if outcomes[0][0] == "ok":  # accepted input must be a JSON array, element for element
        raws = outcomes[0][1]
        assert isinstance(raws, list)
        assert [canon(json.loads(raw)) for raw in raws] == [canon(v) for v in json.loads(stream)]


def test_json_rules() -> None:
    """The contract of sseparse._json, the same on 3.10-3.13: each element may nest up to
    MAX_DEPTH (512) arrays/objects (the enclosing array does not count); one more is
    InvalidJSON at the element, never RecursionError."""
    deep = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    wide = b"[" + b",".join([b"{}"] * 2000) + b"]"
    data = b"[" + deep + b"," + wide + b',"' + b"[" * 600 + b'",1e-999]'
    records = decode(JSONArrayDecoder, [data])
    assert [r.raw for r in records] == [deep, wide, b'"' + b"[" * 600 + b'"', b"1e-999"]
    assert len(records[1].value) == 2000 and records[3].value == 0.0
    too_deep = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    with pytest.raises(InvalidJSON) as info:
        decode(JSONArrayDecoder, [b"[" + deep + b"," + too_deep + b"]"])
    assert info.value.offset == 1 + len(deep) + 1
    assert "deeper than 512" in str(info.value)
