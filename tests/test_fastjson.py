"""``fast=True`` (msgspec, the ``fast`` extra) gives exactly what the default reader gives:
the same values (types, float bits, key order) and the same errors, text by text, and the
same events on every capture through every dialect and on generated provider streams."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import StreamParser, UsageError, _fastjson, _json, aiter_events, iter_events
from sseparse._json import MAX_DEPTH
from sseparse.dialects import DIALECTS
from sseparse.errors import Error
from sseparse.framing.jsonarray import JSONArrayDecoder
from sseparse.framing.jsondoc import JSONDocumentDecoder
from sseparse.framing.jsonlines import JSONLinesDecoder
from sseparse.testing import STREAM_DIALECTS, streams
from tests.captures import CAPTURES as CAPTURES_DIR
from tests.captures import captures, read
from tests.test_cli import call

FAST = _fastjson.json_reader(True)


def canon(value: Any) -> str:
    """*value* written out so that ``1``/``1.0``/``true``, ``0.0``/``-0.0`` and every float's
    bits differ (``repr``) and dict key order counts (C-level: deep values need no stack)."""
    return json.dumps(value, ensure_ascii=True)


def outcome(loads: Any, text: str | bytes) -> tuple[Any, ...]:
    """The value, or the error with its type, message and position. Only ``ValueError`` may
    escape a reader."""
    try:
        return ("ok", canon(loads(text)))
    except ValueError as exc:
        return ("error", type(exc), str(exc), getattr(exc, "pos", None))


def same(text: str | bytes) -> tuple[Any, ...]:
    found = outcome(FAST, text)
    assert found == outcome(_json.loads, text), text
    return found


# -- the reader, text by text ---------------------------------------------------------------

DEEP = ["[" * n + "]" * n for n in (MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 1024, 1025, 5000)] + [
    '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
    '["' + "[" * 2000 + '"]',  # brackets inside a string do not nest
    "[" * 600 + "]" * 599,  # unbalanced: a syntax error
]

EDGES = [
    # numbers outside the double range, non-finite constants
    "1e999", "-1e999", "[1E400]", "1.7976931348623157e309", "1" * 400 + ".0",
    "NaN", "[NaN]", "Infinity", "-Infinity", '{"x": -Infinity}',
    # integers: beyond 64 bits, at and past the int/str digit limit
    "18446744073709551615", "18446744073709551616", "-9223372036854775809",
    "[" + "9" * 100 + "]", "9" * 4300, "9" * 4301, "-" + "9" * 4301,
    # zeros and exponents
    "-0.0", "-0", "0", "0e0", "-0e-0", "[-0.0, 0.0]", "1E2", "1e-400", "0e99999999999",
    "1e99999999999999999999", "-1e-99999999999999999999",
    # floats that need correct rounding
    "0.1", "0.30000000000000004", "1.7976931348623157e308", "2.2250738585072014e-308",
    "2.2250738585072011e-308", "4.9e-324", "2.4703282292062327e-324",
    "2.4703282292062328e-324", "9007199254740993", "9007199254740993.0",
    "0.1000000000000000055511151231257827021181583404541015625", "0." + "1" * 400,
    "1" + "0" * 400 + ".5e-400", "123456789012345678901234567890.0",
    # strings: escapes, surrogates (pairs, lone, reversed), control characters
    '"\\n\\t\\"\\\\\\/\\b\\f\\r\\u00e9\\u0000"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\udc00"',
    '"\\udc00\\ud800"', '"a\\ud800b"', '{"\\ud800": 1}', '"\ud800"', '{"k\udfff": 1}',
    '"\x01"', '"\x1f"', '"\x7f"', '"\u2028\u0085"', '"\\x"', '"\\u12"', '"\\U0041"', "'a'",
    # objects: duplicate keys (the last wins, in the first one's place)
    '{"a": 1, "b": 2, "a": 3}', '{"a": {"x": 1}, "a": [2]}', '{"": 0, "": 1}',
    # whitespace and what surrounds the value
    " {} ", "\n[1]\r\n", "\t1\t", "\x0c1", "\ufeff{}", "1 2", "[] x", "", " ",
    # syntax errors
    "{", "[1,]", '{"a":1,}', "01", "1.", ".5", "+1", "-", "tru", "nul", '{"a" 1}', "[1 2]",
    '{1: 2}', "1\x00",
]  # fmt: skip

BYTES = [
    b'{"a": 1}', "é".join(["[", "]"]).encode(), b"\xef\xbb\xbf{}", b"\xef\xbb\xbf",
    '{"a": "é"}'.encode("utf-16"), '{"a": 1}'.encode("utf-16-le"), "[1]".encode("utf-32"),
    b'"\xed\xa0\x80"', b'"a\xed\xb0\x80"', b'"\xff"', b'"\xc0\xaf"', b'"\xf4\x90\x80\x80"',
    b'"\xe2\x82"', b"1\x00", b"\x001", b"1e999", b"18446744073709551616",
    bytearray(b"[1, 2.5]"), b"[" * 600 + b"]" * 600,
]  # fmt: skip


@pytest.mark.parametrize("text", DEEP + EDGES, ids=lambda t: repr(t)[:40])
def test_edge_cases_are_read_as_the_default_reader_reads_them(text: str) -> None:
    same(text)
    same(text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("data", BYTES, ids=lambda b: repr(b)[:40])
def test_bytes_are_read_as_the_default_reader_reads_them(data: bytes) -> None:
    same(data)


def test_the_values_msgspec_would_get_differently_are_the_stdlib_s() -> None:
    # What the checks above are about, spelled out.
    assert same("18446744073709551616") == ("ok", str(2**64))
    assert same("-0.0") == ("ok", "-0.0")
    assert same('"\\ud800"') == ("ok", '"\\ud800"')
    assert same('{"a": 1, "b": 2, "a": 3}') == ("ok", canon({"a": 3, "b": 2}))
    for rejected in ("1e999", "NaN", "9" * 4301, "[" * 513 + "]" * 513):
        assert same(rejected)[0] == "error"
    assert same("[" * 512 + "]" * 512)[0] == "ok"


def test_the_int_digit_limit_in_force_is_the_one_applied() -> None:
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(1000)
    try:
        assert same("9" * 1000)[0] == "ok"
        assert same("9" * 1001)[0] == "error"
    finally:
        sys.set_int_max_str_digits(old)


@pytest.fixture
def counted_fallback(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """A fresh fast reader whose fallback (``_json.loads``) records what it is given."""
    calls: list[Any] = []
    stdlib = _json.loads

    def recording(text: Any) -> Any:
        calls.append(text)
        return stdlib(text)

    monkeypatch.setattr(_json, "loads", recording)
    _fastjson._fast_reader.cache_clear()
    yield calls
    _fastjson._fast_reader.cache_clear()


def test_msgspec_reads_and_the_stdlib_reader_only_decides_the_rest(
    counted_fallback: list[Any],
) -> None:
    reader = _fastjson.json_reader(True)
    assert reader("[1, 2.5, {}]") == [1, 2.5, {}]
    assert reader(b'{"a": null}') == {"a": None}
    assert reader("[" * MAX_DEPTH + "]" * MAX_DEPTH)  # long, but not too many brackets
    many = "[" + ",".join(['{"a": []}'] * 600) + "]"  # many brackets, shallow: still msgspec
    assert reader(many) == [{"a": []}] * 600
    assert counted_fallback == []
    with pytest.raises(_json.Rejected):
        reader("1e999")
    assert reader('"\\ud800"') == "\ud800"
    with pytest.raises(_json.Rejected, match="nested deeper"):
        reader("[" * 513 + "]" * 513)  # depth is decided before msgspec, as _json decides it
    assert reader(many.encode()) == [{"a": []}] * 600  # bytes: the stdlib reader decodes them
    assert counted_fallback == ["1e999", '"\\ud800"', many.encode()]


number = st.from_regex(
    r"-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?", fullmatch=True
)
scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(2**200), 2**200)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8") | st.sampled_from('"\\/\u2028\x00\x1f'), max_size=8)
)
values = st.recursive(
    scalar,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=16,
)


@st.composite
def float_literals(draw: st.DrawFn) -> str:
    """Decimal literals near the double range's ends and with more digits than a double
    holds: where a float reader's rounding shows."""
    digits = draw(st.text("0123456789", min_size=1, max_size=30))
    point = draw(st.integers(0, len(digits)))
    exponent = draw(st.integers(-345, 310))
    sign = draw(st.sampled_from(["", "-"]))
    whole = digits[:point].lstrip("0") or "0"
    fraction = digits[point:]
    return f"{sign}{whole}{'.' + fraction if fraction else ''}e{exponent}"


@settings(max_examples=300)
@given(float_literals())
def test_float_literals_are_rounded_as_the_default_reader_rounds_them(text: str) -> None:
    same(text)


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    """JSON as encoders write it (ASCII or not, compact or indented), bare number literals
    and the same texts with one character inserted, replaced or deleted (mostly invalid)."""
    if draw(st.booleans()):
        text = draw(number)
    else:
        indent = draw(st.sampled_from([None, 0, 2]))
        text = json.dumps(draw(values), ensure_ascii=draw(st.booleans()), indent=indent)
    if text and draw(st.integers(0, 2)) == 0:
        at = draw(st.integers(0, len(text) - 1))
        new = draw(st.sampled_from(['"', "\\", "[", "}", ",", " ", "e", "-", ".", "\x00", "é"]))
        text = text[:at] + new + text[at + draw(st.integers(0, 1)) :]
    return text


@settings(max_examples=300)
@given(json_texts())
def test_generated_json_is_read_as_the_default_reader_reads_it(text: str) -> None:
    same(text)
    same(text.encode())


# -- the parser: every capture through every dialect, generated streams ---------------------


def events_of(data: bytes, dialect: str, *, fast: bool, size: int = 0) -> list[Any]:
    """Every event with its raw payload, then the error if one is raised."""
    parser = StreamParser(dialect, fast=fast)
    out: list[Any] = []
    try:
        chunks = [data[i : i + size] for i in range(0, len(data), size)] if size else [data]
        for chunk in chunks:
            out += parser.feed(chunk)
        out += parser.close()
    except Error as exc:
        out.append((type(exc), str(exc), getattr(exc, "offset", None)))
    return [(e, e.raw) if hasattr(e, "raw") else e for e in out]


CAPTURES = [entry["file"] for entry in captures()]


@pytest.mark.parametrize("name", CAPTURES)
def test_every_capture_gives_the_same_events_through_every_dialect(name: str) -> None:
    data = read(name)
    for dialect in ("auto", *DIALECTS):
        assert events_of(data, dialect, fast=True) == events_of(data, dialect, fast=False)
    # The fused SSE path and the framings' fragment handling, with the fast reader.
    assert events_of(data, "auto", fast=True, size=61) == events_of(data, "auto", fast=False)


@settings(max_examples=15)
@given(st.data())
@pytest.mark.parametrize("dialect", STREAM_DIALECTS)
def test_generated_streams_give_the_same_events(dialect: str, data: st.DataObject) -> None:
    fmt = "jsonarray" if dialect == "gemini" and data.draw(st.booleans()) else None
    stream = data.draw(streams(dialect, format=fmt, errors=True, truncation=True))
    for name in (dialect, "auto"):
        assert events_of(stream.data, name, fast=True) == events_of(stream.data, name, fast=False)


# With fast=True the OpenAI dialect reads each payload from its undecoded bytes
# (Dialect.message_bytes): whatever msgspec refuses there is decoded as the SSE rules say (with
# replacement) and read again, so every payload below must give the default reader's events.
def _chunk(content: str | bytes) -> bytes:
    body = (
        content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False).encode()
    )
    return (
        b'{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":'
        + body
        + b"}}]}"
    )


RAW_PAYLOADS = [
    b"data: " + _chunk("plain") + b"\n\n",
    b"data: " + _chunk("caf\u00e9 \u20ac \U0001f600") + b"\n\n",  # UTF-8, read from bytes
    b"data: "
    + _chunk(b'"bad \xff utf-8 \xed\xa0\x80 \xe2\x82"')
    + b"\n\n",  # refused, then replaced
    b"data: \xef\xbb\xbf" + _chunk("bom") + b"\n\n",  # a BOM inside the data: not JSON
    b"data: " + _chunk(b'"\\ud800 lone"') + b"\n\n",  # msgspec refuses it; json keeps it
    b"data: " + _chunk("long " * 200) + b"\n\n",  # over MAX_DEPTH bytes: the reader
    b"data: " + _chunk("two")[:20] + b"\ndata: " + _chunk("two")[20:] + b"\n\n",  # two lines
    b"event: message\nid: 7\ndata: " + _chunk("typed") + b"\n\n",
    b"event: other\ndata: " + _chunk("other type") + b"\n\n",
    b"data: null\n\ndata: [1, 2]\n\ndata: not json \xff\n\n",
    b"data: " + _chunk(b"7") + b"\n\n",  # a shape error, reported with the decoded payload
    b"data: [DONE]\n\ndata: [DONE]\n\n",
]


@pytest.mark.parametrize("size", [1, 7, 61, 0])
def test_the_openai_dialect_reads_payload_bytes_as_the_default_reads_text(size: int) -> None:
    data = b"".join(RAW_PAYLOADS)
    assert events_of(data, "openai", fast=True, size=size) == events_of(
        data, "openai", fast=False, size=size
    )
    fast = StreamParser("openai", fast=True)
    fast.feed(b"data: " + _chunk("x") + b"\n\n")
    assert fast._framing._bytes  # the sink is given bytes (and the default's, text)
    default = StreamParser("openai")
    default.feed(b"data: " + _chunk("x") + b"\n\n")
    assert not default._framing._bytes


# -- the JSON framings, alone ---------------------------------------------------------------

# (decoder, input, how many records come before the error that ends it, if any)
FRAMINGS = [
    (JSONLinesDecoder, b'{"a": 1}\n\n[1e999]\n', 1),
    (JSONLinesDecoder, b'{"a": -0.0}\r\n"\\ud800"\n{"b": 18446744073709551616}\nnot json\n', 3),
    (JSONArrayDecoder, b'[{"a": 1}, 1e999]', 1),
    (JSONArrayDecoder, b'[{"a": -0.0}, "\\ud800", 18446744073709551616, [1,], 2]', 3),
    (JSONDocumentDecoder, b'\xef\xbb\xbf {"error": {"message": "\\ud800", "code": -0.0}}', None),
    (JSONDocumentDecoder, b'{"error": 1e999}', 0),
]


def records_of(cls: Any, data: bytes, *, fast: bool) -> list[Any]:
    decoder = cls(fast=fast)
    out: list[Any] = []
    try:
        for i in range(len(data)):
            out += [(canon(r.value), r.raw, r.offset) for r in decoder.feed(data[i : i + 1])]
        out += [(canon(r.value), r.raw, r.offset) for r in decoder.close()]
    except Error as exc:
        out.append((type(exc), str(exc), exc.offset))
    return out


@pytest.mark.parametrize(("cls", "data", "before_error"), FRAMINGS)
def test_the_json_framings_give_the_same_records_and_errors(
    cls: Any, data: bytes, before_error: int | None
) -> None:
    found = records_of(cls, data, fast=True)
    assert found == records_of(cls, data, fast=False)
    errors = [i for i, item in enumerate(found) if type(item[0]) is type]
    assert errors == ([] if before_error is None else [before_error])


# -- the option ------------------------------------------------------------------------------


OPENAI = b'data: {"choices": [{"index": 0, "delta": {"content": "Hi"}}]}\n\ndata: [DONE]\n\n'


def test_iter_events_and_aiter_events_take_fast() -> None:
    expected = StreamParser("openai").feed(OPENAI)
    assert list(iter_events([OPENAI], dialect="openai", fast=True)) == expected

    async def collect() -> list[Any]:
        return [e async for e in aiter_events([OPENAI], dialect="openai", fast=True)]

    assert asyncio.run(collect()) == expected


@pytest.mark.parametrize("bad", [1, 0, None, "yes", "True"])
def test_fast_must_be_a_bool(bad: Any) -> None:
    for build in (
        lambda: StreamParser("openai", fast=bad),
        lambda: StreamParser(fast=bad),
        lambda: JSONLinesDecoder(fast=bad),
        lambda: JSONArrayDecoder(fast=bad),
        lambda: JSONDocumentDecoder(fast=bad),
        lambda: list(iter_events([OPENAI], fast=bad)),
    ):
        with pytest.raises(UsageError, match="fast must be True or False"):
            build()


def test_without_the_extra_fast_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "msgspec", None)  # import msgspec raises ImportError
    monkeypatch.setitem(sys.modules, "msgspec.json", None)
    _fastjson._fast_reader.cache_clear()
    try:
        for build in (
            lambda: StreamParser("openai", fast=True),
            lambda: StreamParser(fast=True),
            lambda: JSONLinesDecoder(fast=True),
        ):
            with pytest.raises(UsageError, match=r"pip install 'sseparse\[fast\]'"):
                build()
        assert StreamParser("openai", fast=False).feed(OPENAI)  # the default needs nothing
    finally:
        _fastjson._fast_reader.cache_clear()


ERROR_BODY = b'{"error": {"message": "quota \\ud800", "type": "rate_limit", "code": 429}}'
NDJSON = b'{"model": "m", "message": {"role": "assistant", "content": "Hi"}, "done": false}\n'


@pytest.mark.parametrize(
    ("dialect", "data"),
    [("openai", ERROR_BODY), ("auto", ERROR_BODY), ("ollama", NDJSON), ("auto", NDJSON)],
)
def test_the_reader_reaches_the_dialect_and_the_json_framings(dialect: str, data: bytes) -> None:
    parser = StreamParser(dialect, fast=True)
    events = parser.feed(data) + parser.close()
    reader = _fastjson.json_reader(True)  # (built once, until a test clears the cache)
    assert reader is not _json.loads
    assert parser._dialect._loads is reader
    if parser.format != "sse":
        assert parser._framing._loads is reader
    assert [(e, e.raw) for e in events] == events_of(data, dialect, fast=False)
    assert events_of(data, dialect, fast=True) == events_of(data, dialect, fast=False)


def test_the_command_line_takes_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    data = read("anthropic-messages-thinking-text-tool-call.sse")
    for mode in (("--events", "--raw"), ("--message",)):
        plain = call(*mode, "-", stdin=data)
        fast = call(*mode, "--fast", "-", stdin=data)
        assert (fast.returncode, fast.stdout, fast.stderr) == (0, plain.stdout, b"")
    monkeypatch.setitem(sys.modules, "msgspec", None)
    monkeypatch.setitem(sys.modules, "msgspec.json", None)
    _fastjson._fast_reader.cache_clear()
    try:
        missing = call("--fast", "-", stdin=data)
    finally:
        _fastjson._fast_reader.cache_clear()
    assert missing.returncode == 2
    assert b"pip install 'sseparse[fast]'" in missing.stderr


def test_the_docs_page_example_runs() -> None:
    page = CAPTURES_DIR.parents[2] / "docs" / "fast.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text("utf-8"), re.S)
    assert len(blocks) == 1
    exec(compile(blocks[0], str(page), "exec"), {"__name__": "docs_fast_example"})
