"""PartialJSON against jiter's partial mode (the openai SDK's method) and ``json.loads``:
generated JSON texts (nesting, every escape form, surrogate pairs, numbers of every form, deep
nesting) read one character at a time and at random splits; and the real tool-call arguments
of every recorded capture, delta by delta."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse import Error, PartialJSON, PartialJSONError, StreamParser, ToolCallDelta
from tests import captures
from tests._partialhelp import Replay, jiter_reading

# Any character but lone surrogates (jiter rejects them; UTF-8 cannot carry them).
CHARS = st.characters(codec="utf-8")
NUMBER_TEXT = st.from_regex(
    r"-?(0|[1-9][0-9]{0,6})(\.[0-9]{1,6})?([eE][+-]?[0-9]{1,3})?", fullmatch=True
)
SCALARS = (
    st.text(CHARS, max_size=12)
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
    | NUMBER_TEXT.map(lambda text: ("number", text))
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(CHARS, max_size=6), inner, max_size=4)
    ),
    max_leaves=16,
)
WHITESPACE = st.text(" \t\r\n", max_size=2)


def _escape_char(char: str, draw: st.DrawFn) -> str:
    """One string character, written in one of the forms JSON allows for it."""
    code = ord(char)
    short = {
        '"': '\\"',
        "\\": "\\\\",
        "\b": "\\b",
        "\f": "\\f",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
    }
    forms = []
    if char in short:
        forms.append(short[char])
    elif code >= 0x20:
        forms.append(char)
    if char == "/":
        forms.append("\\/")
    if code > 0xFFFF:
        high = 0xD800 + ((code - 0x10000) >> 10)
        low = 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append(f"\\u{high:04x}\\u{low:04X}")
    else:
        forms.append(f"\\u{code:04x}")
        forms.append(f"\\u{code:04X}")
    return draw(st.sampled_from(forms))


def _write(value: Any, draw: st.DrawFn) -> str:
    """Serialize *value* with random whitespace and escape forms."""
    ws = draw(WHITESPACE)
    if isinstance(value, tuple):
        return str(value[1])
    if isinstance(value, str):
        return '"' + "".join(_escape_char(c, draw) for c in value) + '"'
    if isinstance(value, list):
        inner = ("," + ws).join(_write(v, draw) for v in value)
        return "[" + ws + inner + draw(WHITESPACE) + "]"
    if isinstance(value, dict):
        items = (
            _write(k, draw) + draw(WHITESPACE) + ":" + ws + _write(v, draw)
            for k, v in value.items()
        )
        return "{" + ws + ("," + ws).join(items) + draw(WHITESPACE) + "}"
    return json.dumps(value)


@st.composite
def json_texts(draw: st.DrawFn, max_depth: int = 40) -> str:
    text = draw(WHITESPACE) + _write(draw(VALUES), draw) + draw(WHITESPACE)
    if draw(st.integers(0, 9)) == 0:  # now and then, deep nesting
        depth = draw(st.integers(max_depth // 2, max_depth))
        text = '{"d":' * depth + text + "}" * depth
    return text


@st.composite
def split_texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    text = draw(json_texts(max_depth=190))  # jiter stops at 200
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return text, pieces


@given(json_texts())
def test_every_prefix_reads_like_jiter(text: str) -> None:
    parser = PartialJSON()
    for end, char in enumerate(text, 1):
        parser.feed(char)
        assert parser.value == jiter_reading(text[:end]), text[:end]
    parser.close()
    assert parser.value == json.loads(text)


@given(split_texts())
def test_random_splits_read_like_jiter_and_replay(case: tuple[str, list[str]]) -> None:
    text, pieces = case
    parser = PartialJSON()
    replay = Replay()
    fed = ""
    for piece in pieces:
        replay.apply(parser.feed(piece))
        fed += piece
        assert parser.error is None
        assert parser.value == jiter_reading(fed)
    replay.apply(parser.close())
    assert parser.complete
    assert parser.value == json.loads(text)
    assert replay.value == parser.value


def _reject(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # json.loads accepts NaN and Infinity; JSON does not


@given(json_texts(), st.integers(0, 10**6), st.text(max_size=3))
def test_corrupted_texts_fail_like_json_loads(text: str, where: int, junk: str) -> None:
    where %= len(text) + 1
    bad = text[:where] + junk + text[where:]
    parser = PartialJSON()
    for char in bad:
        parser.feed(char)
    try:
        expected = json.loads(bad, parse_constant=_reject)
    except (ValueError, RecursionError):
        with pytest.raises(PartialJSONError):
            parser.close()
    else:
        parser.close()
        assert parser.value == expected


def _tool_arguments() -> list[list[str]]:
    """The argument deltas of every tool call in every capture."""
    calls: list[list[str]] = []
    for entry in captures.manifest():
        parser = StreamParser("auto")
        events = parser.feed(captures.read(entry["file"]))
        with contextlib.suppress(Error):  # a capture cut mid-stream still has its calls
            events += parser.close()
        deltas: dict[tuple[int, int], list[str]] = {}
        for event in events:
            if isinstance(event, ToolCallDelta) and event.arguments:
                deltas.setdefault((event.choice, event.index), []).append(event.arguments)
        calls += deltas.values()
    return calls


TOOL_ARGUMENTS = _tool_arguments()


def test_captures_have_tool_arguments() -> None:
    assert len(TOOL_ARGUMENTS) >= 40


@pytest.mark.parametrize("deltas", TOOL_ARGUMENTS, ids=lambda d: str(len("".join(d))))
def test_capture_tool_arguments_read_like_jiter(deltas: list[str]) -> None:
    whole = "".join(deltas)
    parser = PartialJSON()
    fed = ""
    for delta in deltas:
        parser.feed(delta)
        fed += delta
        assert parser.value == jiter_reading(fed)
    one_by_one = PartialJSON()
    for end, char in enumerate(whole, 1):
        one_by_one.feed(char)
        assert one_by_one.value == jiter_reading(whole[:end])
    try:
        expected = json.loads(whole)
    except ValueError:  # cut short by max_tokens
        expected = None
    for done in (parser, one_by_one):
        if expected is None:
            with pytest.raises(PartialJSONError) as info:
                done.close()
            assert info.value.truncated
        else:
            done.close()
            assert done.value == expected
