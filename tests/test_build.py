"""``_build.fast_maker``: the hot-path builder gives objects identical to the constructor."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

import pytest

from sseparse import events
from sseparse._build import fast_maker
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
