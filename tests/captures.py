"""Access to the recorded provider streams in ``tests/data/captures`` (see its README).

The data lives inside the repository, next to its license notes, and is found relative to
this file: a clone with nothing beside it runs every test.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
CAPTURES = DATA / "captures"
VECTORS = DATA / "vectors"


@cache
def manifest() -> list[dict[str, Any]]:
    """The capture manifest: one dict per file (``file``, ``api``, ``format``, ``features``…)."""
    path = CAPTURES / "manifest.json"
    entries: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return entries


def captures(*, api: str | None = None, fmt: str | None = None) -> list[dict[str, Any]]:
    """Manifest entries, filtered by ``api`` and/or ``format``."""
    return [
        e
        for e in manifest()
        if (api is None or e["api"] == api) and (fmt is None or e["format"] == fmt)
    ]


def read(name: str) -> bytes:
    """The bytes of capture *name*."""
    return (CAPTURES / name).read_bytes()
