"""PartialJSON: semantics on hand-written cases, change records, errors, limits, and linear
growth counted in work done (never timed)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import sseparse.partial as partial_module
from sseparse import (
    JSONAdded,
    JSONCompleted,
    JSONStringGrew,
    ParseError,
    PartialJSON,
    PartialJSONError,
    UsageError,
)
from tests._partialhelp import Replay, jiter_reading

CASES = [
    '{"path": "a.py", "content": "x = \\"1\\"\\n\\tprint(\\u00e9\\ud83d\\ude00)\\/"}',
    '[1, -0, 0.5, -12.25e+3, 1E2, 4e-2, true, false, null, [], {}, [[]], {"a": {"b": []}}]',
    '  "top\\u0041"  ',
    "-12.5e+3",
    "0",
    "true",
    '{"a": 1, "a": 2}',
    '["\\ud83d", "\\ud83dx", "\\udc00", "\\ud83d\\n", "\\ud83d\\u0041"]',
    '{"": [null, {"k\\"ey": "\\b\\f\\r"}]}',
]


# jiter rejects lone surrogates, which json.loads (and PartialJSON) keep; elsewhere they agree.
LONE_SURROGATES = {CASES[-2]}


def _split_every_way(doc: str) -> list[list[str]]:
    return [[doc], list(doc), [doc[k : k + 3] for k in range(0, len(doc), 3)]]


@pytest.mark.parametrize("doc", CASES)
def test_every_prefix_reads_like_jiter_and_ends_like_json_loads(doc: str) -> None:
    for pieces in _split_every_way(doc):
        parser = PartialJSON()
        replay = Replay()
        fed = ""
        for piece in pieces:
            replay.apply(parser.feed(piece))
            fed += piece
            if doc not in LONE_SURROGATES:
                assert parser.value == jiter_reading(fed), fed
            if fed.rstrip()[-1:] not in set("0123456789.eE+-tfnrulas"):
                assert replay.value == parser.value, fed
        replay.apply(parser.close())
        assert parser.complete
        assert parser.error is None
        assert parser.value == json.loads(doc)
        assert replay.value == json.loads(doc)


def test_changes_name_paths_and_pieces() -> None:
    parser = PartialJSON()
    assert parser.feed('{"a": ["x') == [
        JSONAdded(path=(), value={}),
        JSONAdded(path=("a",), value=[]),
        JSONAdded(path=("a", 0), value=""),
        JSONStringGrew(path=("a", 0), piece="x"),
    ]
    assert parser.feed("y\\n") == [JSONStringGrew(path=("a", 0), piece="y\n")]
    assert parser.feed('"') == [JSONCompleted(path=("a", 0), value="xy\n")]
    assert parser.feed(", 12") == []
    assert parser.value == {"a": ["xy\n", 12]}
    assert parser.feed("]}") == [
        JSONAdded(path=("a", 1), value=12),
        JSONCompleted(path=("a", 1), value=12),
        JSONCompleted(path=("a",), value=["xy\n", 12]),
        JSONCompleted(path=(), value={"a": ["xy\n", 12]}),
    ]
    assert parser.complete
    assert parser.close() == []
    assert parser.close() == []


def test_top_level_number_ends_at_close() -> None:
    parser = PartialJSON()
    parser.feed("12")
    assert parser.value == 12
    assert not parser.complete
    assert parser.close() == [JSONAdded(path=(), value=12), JSONCompleted(path=(), value=12)]
    assert parser.complete
    assert parser.value == 12


def test_unfinished_scalars_are_left_out() -> None:
    parser = PartialJSON()
    readings = []
    for piece in ['{"n": 1', ".", "5", "e", "-", "2", ', "t": tr', "ue", ', "k', '"', ":"]:
        parser.feed(piece)
        readings.append(parser.value)
    assert readings == [
        {"n": 1},
        {},
        {"n": 1.5},
        {},
        {},
        {"n": 0.015},
        {"n": 0.015},
        {"n": 0.015, "t": True},
        {"n": 0.015, "t": True},
        {"n": 0.015, "t": True},
        {"n": 0.015, "t": True},
    ]


def test_value_is_cached_and_finished_parts_are_shared() -> None:
    parser = PartialJSON()
    parser.feed('[{"a": 1}, "s')
    first = parser.value
    assert parser.value is first
    parser.feed("")
    assert parser.value is first
    parser.feed("t")
    second = parser.value
    assert second == [{"a": 1}, "st"]
    assert first == [{"a": 1}, "s"]  # an earlier reading is not changed by later feeds
    assert second[0] is first[0]


def test_nothing_readable_yet_is_none() -> None:
    parser = PartialJSON()
    assert parser.value is None
    parser.feed("  ")
    assert parser.value is None
    parser.feed("-")
    assert parser.value is None
    assert not parser.complete
    with pytest.raises(PartialJSONError) as info:
        parser.close()
    assert info.value.truncated
    assert info.value.offset == 3
    assert "at character 3" in str(info.value)


BAD = [
    ("[1,]", 3, [1]),
    ("{,", 1, {}),
    ('{"a" 1}', 5, {}),
    ('{"a": 1 "b"}', 8, {"a": 1}),
    ("[01]", 2, [0]),
    ("[1.]", 3, []),
    ("[1.5x]", 4, [1.5]),
    ("[-a]", 2, []),
    ("[nul]", 4, []),
    ("[tx]", 2, []),
    ("[1] x", 4, [1]),
    ('{"a":1}{', 7, {"a": 1}),
    ('["ab\x01"]', 4, ["ab"]),
    ('["ab\\x"]', 4, ["ab"]),
    ('["ab\\u12g4"]', 4, ["ab"]),
    ('["ab\\ud83d\\u12g4"]', 10, ["ab\ud83d"]),
    ('{"k\\q": 1}', 3, {}),
    ("[}", 1, []),
    ("]", 0, None),
    ("@", 0, None),
]


@pytest.mark.parametrize(("doc", "offset", "reading"), BAD)
def test_bad_json_is_kept_not_raised(doc: str, offset: int, reading: Any) -> None:
    for pieces in ([doc], list(doc)):
        parser = PartialJSON()
        for piece in pieces:
            parser.feed(piece)  # never raises for bad JSON
        assert isinstance(parser.error, PartialJSONError)
        assert isinstance(parser.error, ParseError)
        assert parser.error.offset == offset, pieces
        assert not parser.error.truncated
        assert parser.value == reading
        assert parser.feed("more") == []
        with pytest.raises(PartialJSONError) as info:
            parser.close()
        assert info.value is parser.error
        with pytest.raises(PartialJSONError):
            parser.close()
        with pytest.raises(json.JSONDecodeError):
            json.loads(doc)


@pytest.mark.parametrize("doc", ['{"a": [1, "x', '"abc\\u12', "tru", '{"a"', "[1,"])
def test_truncated_text_fails_at_close(doc: str) -> None:
    parser = PartialJSON()
    parser.feed(doc)
    assert parser.error is None
    with pytest.raises(PartialJSONError) as info:
        parser.close()
    assert info.value.truncated
    assert info.value.offset == len(doc)


def test_usage_errors() -> None:
    parser = PartialJSON()
    with pytest.raises(UsageError):
        parser.feed(b"[1]")  # type: ignore[arg-type]
    parser.feed("[1]")
    parser.close()
    with pytest.raises(UsageError):
        parser.feed("")
    for bad in (0, -1, True, 2.5):
        with pytest.raises(UsageError):
            PartialJSON(max_depth=bad)  # type: ignore[arg-type]


def test_max_depth() -> None:
    parser = PartialJSON(max_depth=3)
    parser.feed("[[[1]]]")
    assert parser.close() == []
    deep = PartialJSON()
    deep.feed("[" * 512 + "]" * 512)
    deep.close()
    too_deep = PartialJSON()
    too_deep.feed('{"a": ' * 512 + "[")
    assert too_deep.error is not None
    assert too_deep.error.offset == 512 * 6
    assert "max_depth=512" in str(too_deep.error)


def test_number_too_long_for_int_is_an_error() -> None:
    digits = "9" * 5000  # beyond CPython's default int() digit limit (4300)
    parser = PartialJSON()
    parser.feed("[" + digits)
    assert parser.value == []  # unreadable for now, left out
    parser.feed("]")
    assert parser.error is not None
    assert parser.error.offset == 5001
    top = PartialJSON()
    top.feed(digits)
    with pytest.raises(PartialJSONError) as info:
        top.close()
    assert "too long" in str(info.value)


class _CountingPattern:
    """Wraps a compiled pattern and counts the characters its matches cover plus one per call:
    the work the scanner does."""

    def __init__(self, pattern: re.Pattern[str], counter: list[int]) -> None:
        self.pattern = pattern
        self.counter = counter

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        found = self.pattern.match(text, pos)
        self.counter[0] += 1 + (found.end() - pos if found else 0)
        return found

    def fullmatch(self, text: str) -> re.Match[str] | None:
        self.counter[0] += 1 + len(text)
        return self.pattern.fullmatch(text)


def _work(doc: str, monkeypatch: pytest.MonkeyPatch) -> int:
    counter = [0]
    for name in ("_WHITESPACE", "_COMPLETE_RUN", "_NUMBER_RUN", "_HEX_PREFIX", "_LOW_PREFIX"):
        monkeypatch.setattr(
            partial_module, name, _CountingPattern(getattr(partial_module, name), counter)
        )
    parser = PartialJSON()
    for char in doc:
        counter[0] += len(parser.feed(char)) + 1
    parser.close()
    monkeypatch.undo()
    return counter[0]


def _document(n: int) -> str:
    body = json.dumps('line "quoted" é\n' * n)
    numbers = json.dumps(list(range(n)))
    return (
        '{"content": '
        + body
        + ', "numbers": '
        + numbers
        + ', "deep": '
        + "[" * 100
        + "]" * 100
        + "}"
    )


def test_one_char_feeds_grow_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    small = _work(_document(1000), monkeypatch)
    large = _work(_document(2000), monkeypatch)
    assert 1.8 <= large / small <= 2.2, (small, large)


def test_reading_a_growing_string_does_not_rejoin_its_pieces() -> None:
    """Each reading joins only the pieces since the last one: the pieces list stays short."""
    parser = PartialJSON()
    parser.feed('{"content": "')
    for _ in range(1000):
        parser.feed("abc")
        parser.feed("d")
        reading = parser.value
        assert len(parser._tail) == 0  # joined into the prefix by this reading
    assert reading == {"content": "abcd" * 1000}
