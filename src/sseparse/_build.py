"""Fast construction of the frozen, slotted records and events on hot paths.

A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__`` (a name
lookup per field, behind a keyword-argument call), which matters where one record or event is
built per chunk of a stream. The same object is built for a fraction of the cost from its
*draft*: a plain class with the very same slots and no frozen ``__setattr__``. A draft
instance's fields are written as ordinary attributes (one specialized store each, in
CPython 3.11+), and then ``obj.__class__ = cls`` makes it the frozen class's object --
CPython allows that between two classes of the same layout, and checks it (``draft`` tries it
once when it makes the draft, so an incompatible class fails at import, not in a stream).

Measured against writing the slots through their descriptors' ``__set__`` (what this module
did before; ``python -m timeit``, an ``SSEEvent`` of four fields): 377 -> 201 ns in CPython
3.11, 445 -> 271 ns in 3.12, 378 -> 231 ns in 3.13, 406 -> 332 ns in 3.10; the dataclass's own
constructor takes about 1,030 ns. What it saves in each stream is measured where it is used
(``framing/eventstream.py``, ``framing/sse.py``, ``dialects/_make.py``).

``fast_maker`` returns such a builder; it falls back to the class's own constructor whenever
that would not be equivalent (the names are not exactly the class's fields, or the class has a
``__post_init__``), so a field added later can never be left unset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["draft", "fast_maker"]

T = TypeVar("T")


def _exact(cls: type, names: tuple[str, ...]) -> bool:
    """Whether writing the slots *names* builds the same object as *cls*'s constructor: they
    are exactly its fields, and it has no ``__post_init__``."""
    fields = [f.name for f in dataclasses.fields(cls)]
    return sorted(fields) == sorted(names) and not hasattr(cls, "__post_init__")


def draft(cls: type, *names: str) -> type:
    """The draft of the frozen, slotted dataclass *cls*, for a hot path that builds the object
    inline: ``obj = Draft()``, then every field in *names* written as an attribute, then
    ``obj.__class__ = cls`` (see the module's docstring). That is ``fast_maker``'s object
    without its call, for the few places where the call itself is measured to matter (each
    says by how much).

    Raises ``TypeError`` (when the module that asks is imported) if *names* are not exactly
    the fields of *cls*, *cls* has a ``__post_init__``, or its layout is not one a draft can
    share (a base class, a ``__weakref__`` slot): an inline build cannot fall back to the
    constructor as ``fast_maker`` does, so a field added later must fail at once."""
    made = _draft(cls, names)
    if made is None:
        raise TypeError(f"{cls.__name__} cannot be built from the slots {names}")
    return made


def _draft(cls: type, names: tuple[str, ...]) -> type | None:
    """*cls*'s draft, or ``None`` where writing *names* into one would not build the object
    the constructor builds (see ``draft``)."""
    slots = cls.__dict__.get("__slots__")
    if not _exact(cls, names) or cls.__bases__ != (object,) or slots is None:
        return None
    if sorted(slots) != sorted(names):
        return None  # a __weakref__ slot, say
    made = type(f"{cls.__name__}Draft", (), {"__slots__": tuple(slots), "__module__": __name__})
    probe = made()
    try:
        probe.__class__ = cls
    except TypeError:  # a layout CPython would not switch between the two
        return None
    return made


def fast_maker(cls: type[T], *names: str) -> Callable[..., T]:
    """Return ``make(*values)``: the same object as ``cls(**dict(zip(names, values)))``,
    with every field of *cls* given positionally in the order of *names*: built from its
    draft, or by that constructor call where *cls* has none (see ``draft``)."""
    made = _draft(cls, names)
    if made is None:

        def construct(*values: Any) -> T:
            return cls(**dict(zip(names, values, strict=True)))

        return construct
    args = ", ".join(f"v{i}" for i in range(len(names)))
    sets = "".join(f"    obj.{name} = v{i}\n" for i, name in enumerate(names))
    source = (
        f"def make({args}):\n    obj = Draft()\n{sets}    obj.__class__ = cls\n    return obj\n"
    )
    namespace: dict[str, Any] = {"Draft": made, "cls": cls}
    exec(source, namespace)  # the technique dataclasses itself uses to build __init__
    make: Callable[..., T] = namespace["make"]
    make.__qualname__ = f"fast_maker({cls.__name__})"
    return make
