"""Framing decoders: bytes to wire records, knowing nothing of LLMs.

``FORMATS`` maps each format name (and the manifest's aliases) to its module and class.
"""

from __future__ import annotations

import importlib
from typing import Any

from .._protocol import Decoder
from ..errors import UsageError

__all__ = ["FORMATS", "decoder_class"]

FORMATS: dict[str, tuple[str, str]] = {
    "sse": ("sse", "SSEDecoder"),
    "jsonlines": ("jsonlines", "JSONLinesDecoder"),
    "ndjson": ("jsonlines", "JSONLinesDecoder"),
    "jsonarray": ("jsonarray", "JSONArrayDecoder"),
    "json-array": ("jsonarray", "JSONArrayDecoder"),
    "eventstream": ("eventstream", "EventStreamDecoder"),
    "json": ("jsondoc", "JSONDocumentDecoder"),
}


def decoder_class(name: str) -> type[Decoder[Any]]:
    """Return the framing decoder class for format *name*; ``UsageError`` if unknown."""
    try:
        module_name, class_name = FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown format {name!r}; known: {known}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    cls: type[Decoder[Any]] = getattr(module, class_name)
    return cls
