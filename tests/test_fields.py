"""The field readers every dialect shares (``sseparse.dialects._fields``)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.dialects._fields import (
    answer_str,
    count,
    describe_float,
    describe_int,
    describe_str,
    opt_answer_str,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(JSON)
def test_describing_readers_never_raise(value: Any) -> None:
    assert describe_str(value) is None or type(describe_str(value)) is str
    assert describe_int(value) is None or type(describe_int(value)) is int
    number = describe_float(value)
    assert number is None or (type(number) is float and math.isfinite(number))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("chatcmpl-1", "chatcmpl-1"),
        ("", None),
        (17, "17"),
        (3.0, "3"),
        (2.5, "2.5"),
        (math.inf, None),
        (True, None),
        ({"a": 1}, None),
        ([], None),
        (None, None),
    ],
)
def test_describe_str(value: Any, expected: str | None) -> None:
    assert describe_str(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1731832920, 1731832920),
        (1731832920.0, 1731832920),
        (1.5, None),
        ("42", 42),
        (" -7 ", -7),
        ("4e2", None),
        ("", None),
        ("1" * 21, None),
        (True, None),
        (math.nan, None),
        ({}, None),
        ("١٢", None),
    ],
)
def test_describe_int(value: Any, expected: int | None) -> None:
    assert describe_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0.0),
        (0.25, 0.25),
        ("0.001", 0.001),
        ("nan", None),
        ("inf", None),
        ("x", None),
        ({"total_cost": 0}, None),
        (False, None),
        (None, None),
    ],
)
def test_describe_float(value: Any, expected: float | None) -> None:
    assert describe_float(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(None, None), (0, 0), (12, 12), (3.0, 3)])
def test_count_accepts(value: Any, expected: int | None) -> None:
    assert count(value) == expected


@pytest.mark.parametrize("value", [-1, 2.5, -3.0, "3", True, [], {}])
def test_count_reports(value: Any) -> None:
    with pytest.raises(TypeError, match=r"output_tokens is .* not a count"):
        count(value, "output_tokens")


def test_answer_strings() -> None:
    assert answer_str("hi", "text") == "hi"
    assert opt_answer_str(None, "text") is None
    assert opt_answer_str("", "text") == ""
    for bad in (1, None, ["a"], {"t": "a"}):
        with pytest.raises(TypeError, match="text is"):
            answer_str(bad, "text")
