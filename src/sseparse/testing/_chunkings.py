"""``chunkings(data)``: a hypothesis strategy of ways to cut bytes into fragments.

Each example is a list of non-empty ``bytes`` pieces that join back to *data*. Cuts are drawn
from every offset, with a bias toward the offsets that break naive readers (see
``tricky_offsets``): between CR and LF, inside a UTF-8 character, inside an event-stream
prelude. Byte-by-byte and whole are among the examples.
"""

from __future__ import annotations

from hypothesis import strategies as st

from ._cuts import split_at, tricky_offsets

__all__ = ["chunkings"]


def chunkings(data: bytes, *, max_cuts: int = 64) -> st.SearchStrategy[list[bytes]]:
    """A strategy of fragmentations of *data*: lists of non-empty pieces joining to it.
    At most *max_cuts* random cuts are drawn (byte by byte is always possible)."""
    data = bytes(data)
    if len(data) < 2:
        return st.just([data] if data else [])
    any_offset = st.integers(min_value=1, max_value=len(data) - 1)
    tricky = tricky_offsets(data)
    offset = st.one_of(any_offset, st.sampled_from(tricky)) if tricky else any_offset
    cut_sets = st.lists(offset, max_size=max_cuts).map(lambda cuts: split_at(data, cuts))
    choices = [
        st.just([data]),
        st.just([data[i : i + 1] for i in range(len(data))]),
        cut_sets,
    ]
    if tricky:
        choices.append(st.just(split_at(data, tricky)))
    return st.one_of(*choices)
