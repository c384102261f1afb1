"""The event and record types: frozen, slotted, keyword-only, ``raw`` kept out of equality."""

from __future__ import annotations

import dataclasses
import typing

import pytest

import sseparse
from sseparse import events
from sseparse.framing import records


def _event_classes() -> list[type]:
    return list(typing.get_args(events.Event))


@pytest.mark.parametrize(
    "cls",
    [*_event_classes(), records.SSEEvent, records.SSERetry, records.SSEComment, records.JSONRecord],
)
def test_frozen_slotted_kw_only(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen
    assert "__slots__" in cls.__dict__
    for f in dataclasses.fields(cls):
        assert f.kw_only, f"{cls.__name__}.{f.name} is positional"


@pytest.mark.parametrize("cls", _event_classes())
def test_raw_excluded_from_equality_and_repr(cls: type) -> None:
    raw_field = {f.name: f for f in dataclasses.fields(cls)}["raw"]
    assert not raw_field.compare and not raw_field.repr


def test_union_is_exported_and_closed() -> None:
    names = {c.__name__ for c in _event_classes()}
    assert names <= set(sseparse.__all__)
    assert len(names) == len(_event_classes())


def test_instances_are_immutable_and_compare_by_value() -> None:
    a = events.TextDelta(text="hi", raw={"x": 1})
    b = events.TextDelta(text="hi", raw={"x": 2})
    assert a == b and "raw" not in repr(a)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.text = "no"  # type: ignore[misc]
    with pytest.raises(TypeError):
        events.TextDelta("positional")  # type: ignore[misc]


def test_errors_carry_offsets_and_bases() -> None:
    err = sseparse.MalformedPayload("bad", offset=7, payload="x" * 200)
    assert isinstance(err, sseparse.ParseError) and isinstance(err, ValueError)
    assert err.offset == 7 and "at byte 7" in str(err) and "200 in all" in str(err)
    crc = sseparse.ChecksumMismatch("crc", offset=0, kind="prelude", expected=1, computed=2)
    assert (crc.expected, crc.computed, crc.kind) == (1, 2, "prelude")
    assert issubclass(sseparse.UsageError, RuntimeError)
