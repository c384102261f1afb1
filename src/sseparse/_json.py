"""JSON parsing on hot paths: ``json.loads``'s own C scanner, without its Python wrapper.

``json.loads(text)`` runs ``JSONDecoder.decode``, which matches a whitespace regex before and
after calling the C scanner (``scan_once``); on a short chunk that wrapper costs about as much
as the scan itself. ``loads`` calls the scanner directly for the common case (a value filling
the whole string) and hands everything else (surrounding whitespace, a BOM, errors) to
``json.loads``, so its results and exceptions are exactly ``json.loads``'s.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["loads", "scan_once"]

# typeshed does not declare the attribute.
scan_once: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]

_json_loads = json.loads


def loads(text: str) -> Any:
    """``json.loads(text)``: the same value, or the same exception (``ValueError`` /
    ``json.JSONDecodeError``, ``RecursionError``)."""
    try:
        value, end = scan_once(text, 0)
    except StopIteration:
        return _json_loads(text)
    if end != len(text):
        return _json_loads(text)
    return value
