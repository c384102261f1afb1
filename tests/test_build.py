"""``_build.fast_maker`` and ``slot_setters``: the hot-path builders give objects identical to
the constructor, and refuse a class they cannot build exactly."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

import pytest

from sseparse import events
from sseparse._build import fast_maker, slot_setters
from sseparse.framing.records import JSONRecord, SSEEvent


@pytest.mark.parametrize("cls", [*typing.get_args(events.Event), SSEEvent, JSONRecord])
def test_every_event_and_record_built_fast_equals_the_constructed_one(cls: type) -> None:
    fields = dataclasses.fields(cls)
    names = [f.name for f in reversed(fields)]  # any order of names works
    values: dict[str, Any] = {}
    for i, f in enumerate(fields):
        values[f.name] = {"raw": {"i": i}, "offset": i, "line": i}.get(f.name, f"v{i}")
    made = fast_maker(cls, *names)(*(values[n] for n in names))
    built = cls(**values)
    assert type(made) is cls
    assert made == built and repr(made) == repr(built)
    assert all(getattr(made, n) == values[n] for n in names)  # raw and offset too
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, names[0], None)


def test_partial_names_fall_back_to_the_constructor_and_its_defaults() -> None:
    raw = {"k": 1}
    partial = fast_maker(events.TextDelta, "text", "raw")
    made = partial("x", raw)
    assert made == events.TextDelta(text="x") and made.choice == 0 and made.raw is raw
    with pytest.raises(ValueError):
        partial("only one")


def test_post_init_is_honoured_by_falling_back() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            if self.n < 0:
                raise ValueError("negative")

    make = fast_maker(Checked, "n")
    assert make(1) == Checked(n=1)
    with pytest.raises(ValueError):
        make(-1)


def test_slot_setters_build_the_constructed_object() -> None:
    set_type, set_data, set_id, set_offset = slot_setters(
        SSEEvent, "type", "data", "last_event_id", "offset"
    )
    made = object.__new__(SSEEvent)
    set_type(made, "ping")
    set_data(made, "{}")
    set_id(made, "7")
    set_offset(made, 12)
    built = SSEEvent(type="ping", data="{}", last_event_id="7", offset=12)
    assert made == built and repr(made) == repr(built) and made.offset == 12


def test_slot_setters_refuse_what_an_inline_build_would_get_wrong() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            raise AssertionError("never run by an inline build")

    with pytest.raises(TypeError, match="SSEEvent"):
        slot_setters(SSEEvent, "type", "data")  # a field left unset
    with pytest.raises(TypeError, match="Checked"):
        slot_setters(Checked, "n")
