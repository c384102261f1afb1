"""``_build.fast_maker`` and ``draft``: the hot-path builders give objects identical to the
constructor, and refuse a class they cannot build exactly."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

import pytest

from sseparse import events
from sseparse._build import draft, fast_maker
from sseparse.framing.eventstream import EventStreamMessage
from sseparse.framing.records import JSONRecord, SSEEvent


@pytest.mark.parametrize(
    "cls", [*typing.get_args(events.Event), SSEEvent, JSONRecord, EventStreamMessage]
)
def test_every_event_and_record_built_fast_equals_the_constructed_one(cls: type) -> None:
    fields = dataclasses.fields(cls)
    names = [f.name for f in reversed(fields)]  # any order of names works
    values: dict[str, Any] = {}
    for i, f in enumerate(fields):
        values[f.name] = {"raw": {"i": i}, "offset": i, "line": i}.get(f.name, f"v{i}")
    made: object = fast_maker(cls, *names)(*(values[n] for n in names))
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


def test_a_draft_becomes_the_constructed_object() -> None:
    Draft = draft(SSEEvent, "type", "data", "last_event_id", "offset")
    made = Draft()
    assert type(made) is not SSEEvent
    made.type, made.data, made.last_event_id, made.offset = "ping", "{}", "7", 12
    made.__class__ = SSEEvent
    built = SSEEvent(type="ping", data="{}", last_event_id="7", offset=12)
    assert type(made) is SSEEvent
    assert made == built and repr(made) == repr(built) and hash(made) == hash(built)
    assert made.offset == 12
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.data = "changed"  # type: ignore[misc]


def test_a_draft_is_refused_for_what_an_inline_build_would_get_wrong() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            raise AssertionError("never run by an inline build")

    @dataclass(frozen=True, slots=True, kw_only=True)
    class Base:
        n: int

    @dataclass(frozen=True, slots=True, kw_only=True)
    class Derived(Base):
        m: int

    @dataclass(frozen=True, kw_only=True)
    class Weak:  # (slots written out: weakref_slot=True is Python 3.11+)
        __slots__ = ("__weakref__", "n")
        n: int

    with pytest.raises(TypeError, match="SSEEvent"):
        draft(SSEEvent, "type", "data")  # a field left unset
    with pytest.raises(TypeError, match="Checked"):
        draft(Checked, "n")
    with pytest.raises(TypeError, match="Derived"):
        draft(Derived, "n", "m")  # its slots are split between two classes
    with pytest.raises(TypeError, match="Weak"):
        draft(Weak, "n")  # a __weakref__ slot the draft does not have
    assert fast_maker(Weak, "n")(3) == Weak(n=3)  # the maker falls back to the constructor
