"""The suite's own check of the bad-record policy, on top of the public fragmentation check.

The fragmentation helpers themselves are public (``sseparse.testing``); the old names are
re-exported here so that branches written against them stay importable. New tests import
``assert_fragmentation_invariant`` and friends from ``sseparse.testing``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sseparse.errors import MalformedPayload
from sseparse.events import Malformed
from sseparse.testing import (
    Outcome,
    assert_fragmentation_invariant,
    random_partition,
    run_feed,
    run_pull,
)

check_all_fragmentations = assert_fragmentation_invariant

__all__ = [
    "Outcome",
    "check_all_fragmentations",
    "check_bad_record",
    "random_partition",
    "run_feed",
    "run_pull",
]


def check_bad_record(
    factory: Callable[..., Any], data: bytes, *, offset: int, before: list[Any] | None = None
) -> list[Any]:
    """The bad-record policy (DESIGN §1), every way *data* can be fragmented: with
    ``strict=True`` the parser raises ``MalformedPayload`` at *offset* after the events
    *before*; by default it raises nothing, its events start with *before* and a ``Malformed``
    at *offset* follows them. *factory* takes the parser's keyword options. Returns the
    default run's events."""
    strict = assert_fragmentation_invariant(lambda: factory(strict=True), data)
    assert strict.error == (MalformedPayload, offset), strict.describe()
    if before is not None:
        assert strict.items == before
    tolerant = assert_fragmentation_invariant(factory, data)
    assert tolerant.error is None, tolerant.describe()
    head = strict.items
    assert tolerant.items[: len(head)] == head
    found = [e for e in tolerant.items[len(head) :] if type(e) is Malformed]
    assert found and found[0].offset == offset, tolerant.describe()
    return tolerant.items
