"""``_json.loads`` is ``json.loads``: the same values and the same exceptions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse._json import loads

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
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


@given(st.text(max_size=30))
def test_same_outcome_on_any_text(text: str) -> None:
    assert outcome(loads, text) == outcome(json.loads, text)


@pytest.mark.parametrize("text", ["", "[" * 100_000, "NaN", '"\\ud800"', "1 2", '{"a" 1}'])
def test_edge_cases(text: str) -> None:
    assert outcome(loads, text) == outcome(json.loads, text)
