"""Helpers shared by the PartialJSON tests: jiter's partial mode as the oracle, and a replay of
change records onto a plain value (what a UI does with them)."""

from __future__ import annotations

import copy
from typing import Any

import jiter

from sseparse import JSONAdded, JSONChange, JSONCompleted, JSONStringGrew


def jiter_reading(prefix: str) -> Any:
    """jiter's "trailing-strings" reading of *prefix*; ``None`` where jiter reads nothing."""
    try:
        return jiter.from_json(prefix.encode("utf-8"), partial_mode="trailing-strings")
    except ValueError:
        return None


class Replay:
    """Applies change records, in order, to a value of its own."""

    def __init__(self) -> None:
        self.box: list[Any] = [None]

    def _parent(self, path: tuple[str | int, ...]) -> tuple[Any, str | int]:
        node: Any = self.box
        key: str | int = 0
        for step in path:
            node = node[key]
            key = step
        return node, key

    def apply(self, changes: list[JSONChange]) -> None:
        for change in changes:
            parent, key = self._parent(change.path)
            if isinstance(change, JSONAdded):
                value = copy.deepcopy(change.value)
                if isinstance(parent, list) and key == len(parent):
                    parent.append(value)
                else:
                    parent[key] = value
            elif isinstance(change, JSONStringGrew):
                parent[key] += change.piece
            else:
                assert isinstance(change, JSONCompleted)
                assert parent[key] == change.value

    @property
    def value(self) -> Any:
        return self.box[0]
