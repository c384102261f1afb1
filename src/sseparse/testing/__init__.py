"""sseparse.testing: tools to test stream handling — yours and ours.

Install with the ``testing`` extra (``pip install sseparse[testing]``) for the hypothesis
strategies. The names from the standard library alone (``assert_fragmentation_invariant``,
``ReplayServer``, ``partitions``…) import without hypothesis; ``streams``, ``chunkings`` and
``faults`` are loaded on first use. ``import sseparse`` never imports this package.

* ``streams(dialect, *, format=None, ...)``: generated provider streams with the message
  they must produce (``.data``, ``.expected``).
* ``chunkings(data)``: ways to cut bytes into fragments; ``partitions`` and
  ``tricky_offsets`` are the deterministic versions.
* ``faults(data, ...)``: the hostile variants of a stream, with sseparse's outcome for each.
* ``assert_fragmentation_invariant(make_parser, data)``: same items, errors and latency
  however the bytes are cut, for any decoder following the sseparse protocol.
* ``ReplayServer(data, ...)``: a local HTTP/1.1 server replaying bytes in chunked pieces;
  the pytest plugin's ``replay_server`` fixture starts one per call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._cuts import partitions, random_partition, split_at, tricky_offsets
from .invariant import Outcome, assert_fragmentation_invariant, run_feed, run_pull
from .server import RecordedRequest, ReplayServer

if TYPE_CHECKING:
    from ._chunkings import chunkings
    from ._faults import FAULT_KINDS, Fault, faults
    from ._streams import STREAM_DIALECTS, Stream, streams

__all__ = [
    "assert_fragmentation_invariant",
    "chunkings",
    "Fault",
    "FAULT_KINDS",
    "faults",
    "Outcome",
    "partitions",
    "random_partition",
    "RecordedRequest",
    "ReplayServer",
    "run_feed",
    "run_pull",
    "split_at",
    "Stream",
    "STREAM_DIALECTS",
    "streams",
    "tricky_offsets",
]

# Names that need hypothesis, by module: imported when first asked for.
_LAZY = {
    "chunkings": "_chunkings",
    "Fault": "_faults",
    "FAULT_KINDS": "_faults",
    "faults": "_faults",
    "Stream": "_streams",
    "STREAM_DIALECTS": "_streams",
    "streams": "_streams",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
