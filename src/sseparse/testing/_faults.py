"""``faults(data)``: a hypothesis strategy of the hostile variants of a stream a client must
survive, each with the outcome sseparse gives for it.

Kinds: ``cut`` (the connection drops at any byte), ``corrupt`` (one byte changed),
``duplicate`` (a read delivered twice, as a buggy retry or proxy does), ``drop`` (a read
lost), ``html`` (an HTML error page from a proxy or load balancer instead of the stream) and
``json-error`` (a JSON error body, as APIs answer a bad request). A client under test is fed
``Fault.chunks`` read by read; ``Fault.outcome`` is what ``StreamParser`` makes of them: the
events, and the ``ParseError`` (type, offset) if it raised one — so a test can check that the
client reports an error exactly when sseparse does, and never shows text sseparse did not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from ..parser import StreamParser
from ._chunkings import chunkings
from .invariant import Outcome, run_feed

__all__ = ["FAULT_KINDS", "Fault", "faults"]

FAULT_KINDS = ("cut", "corrupt", "duplicate", "drop", "html", "json-error")

HTML_PAGE = (
    b"<!DOCTYPE html>\r\n<html><head><title>502 Bad Gateway</title></head>\r\n"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>"
    b"</html>\r\n"
)
JSON_ERROR = (
    b'{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error",'
    b'"param":null,"code":"invalid_api_key"}}'
)


@dataclass(frozen=True, kw_only=True)
class Fault:
    """A hostile variant: its ``kind``, the ``chunks`` that arrive (read by read) and the
    ``outcome`` sseparse gives for them."""

    kind: str
    chunks: tuple[bytes, ...]
    outcome: Outcome

    @property
    def data(self) -> bytes:
        """All the bytes that arrive."""
        return b"".join(self.chunks)


@st.composite
def faults(
    draw: Callable[..., Any],
    data: bytes,
    *,
    dialect: str = "auto",
    format: str | None = None,
    kinds: tuple[str, ...] = FAULT_KINDS,
) -> Fault:
    """A strategy of ``Fault``s of *data* (a good stream) of the given *kinds*, with the
    outcome of ``StreamParser(dialect, format=format)``. Raises ``UsageError`` (when drawn)
    for an unknown dialect or format."""
    data = bytes(data)
    kind = draw(st.sampled_from(kinds))
    if kind == "html":
        chunks = list(draw(chunkings(HTML_PAGE, max_cuts=4)))
    elif kind == "json-error":
        chunks = list(draw(chunkings(JSON_ERROR, max_cuts=4)))
    elif kind in ("cut", "corrupt"):
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "cut":
            damaged = data[:where]
        else:
            flip = draw(st.integers(1, 255))
            damaged = (
                data[:where] + bytes([data[where] ^ flip]) + data[where + 1 :] if data else b""
            )
        chunks = list(draw(chunkings(damaged, max_cuts=8)))
    else:
        chunks = list(draw(chunkings(data, max_cuts=8)))
        if chunks:
            at = draw(st.integers(0, len(chunks) - 1))
            if kind == "duplicate":
                chunks.insert(at, chunks[at])
            else:
                del chunks[at]
    outcome, _ = run_feed(lambda: StreamParser(dialect, format=format), chunks)
    return Fault(kind=kind, chunks=tuple(chunks), outcome=outcome)
