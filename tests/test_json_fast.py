"""``_json.loads`` is ``json.loads`` (the same values and the same exceptions) except where
its rules (depth, finite numbers) reject input, on every Python version alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse._json import MAX_DEPTH, Rejected, loads

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def outcome(fn: Any, text: str) -> tuple[str, Any]:
    try:
        return "ok", fn(text)
    except (ValueError, RecursionError) as exc:
        return type(exc).__name__, str(exc)


@given(JSON, st.sampled_from(["", " ", "\n", "\ufeff", "x", " ]"]), st.booleans())
def test_same_result_as_json_loads(value: Any, extra: str, before: bool) -> None:
    text = json.dumps(value)
    text = extra + text if before else text + extra
    assert outcome(loads, text) == outcome(json.loads, text)


def finite(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


@given(st.text(max_size=30) | st.sampled_from(["NaN", "[-Infinity]", "1e400", "-1e400 "]))
def test_same_outcome_on_any_text(text: str) -> None:
    expected = outcome(json.loads, text)
    if expected[0] == "ok" and not finite(expected[1]):  # the one rule short texts can break
        assert outcome(loads, text)[0] == "Rejected"
    else:
        assert outcome(loads, text) == expected


@pytest.mark.parametrize("text", ["", '"\\ud800"', "1 2", '{"a" 1}', "\ufeff[]", " [] "])
def test_edge_cases(text: str) -> None:
    assert outcome(loads, text) == outcome(json.loads, text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
        " " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        "NaN",
        "[Infinity]",
        '{"a": -Infinity}',
        "1e999",
        "[-1.5E+309]",
    ],
)
def test_rules_reject(text: str) -> None:
    with pytest.raises(Rejected):
        loads(text)
    with pytest.raises(Rejected):
        loads(text.encode())


def test_rules_accept() -> None:
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads(deep) == json.loads(deep)
    assert loads(deep.encode("utf-16")) == json.loads(deep)
    assert loads("[1e-999, 1.7976931348623157e308]") == [0.0, 1.7976931348623157e308]
    many = "[" + ",".join(["{}"] * 5000) + "]"
    assert loads(many) == [{}] * 5000
    in_strings = '["' + "[" * 5000 + '", "\\"{"]'
    assert loads(in_strings) == ["[" * 5000, '"{']
