"""Access to the recorded provider streams in ``../shared/captures`` (see its README).

The folder sits beside the checkout (as it does in CI); ``SSEPARSE_SHARED`` may point
elsewhere. Tests fail, never skip, when it is missing.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SSEPARSE_SHARED", ROOT.parent / "shared"))
CAPTURES = SHARED / "captures"
VECTORS = SHARED / "vectors"


@cache
def manifest() -> list[dict[str, Any]]:
    """The capture manifest: one dict per file (``file``, ``api``, ``format``, ``features``…)."""
    path = CAPTURES / "manifest.json"
    assert path.is_file(), f"missing {path}: the shared/ folder must sit beside the checkout"
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
