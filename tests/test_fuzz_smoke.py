"""The fuzz harness's two properties, run by hypothesis on every decoder (a fast smoke test;
``fuzz/fuzz_decoders.py`` runs them under Atheris for hours).

For any bytes, cut anyhow: (1) no exception but an ``sseparse.Error`` subclass escapes, and
(2) feeding the bytes whole and one byte at a time (and at random cuts) gives the same items
and the same error at the same offset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse.dialects import DIALECTS
from sseparse.errors import Error, ParseError
from sseparse.framing import FORMATS, decoder_class
from sseparse.parser import StreamParser


def octets(min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[bytes]:
    """Like ``st.binary``, drawn as integers: hypothesis compares cached choice sequences,
    and a ``bytes`` choice compared with an ``int`` one raises under ``python -bb``."""
    return st.lists(st.integers(0, 255), min_size=min_size, max_size=max_size).map(bytes)


# Listed by hand, not derived from the registries, so that a registered name whose module is
# missing fails here instead of being skipped.
FRAMING = ["sse", "jsonlines", "ndjson", "jsonarray", "json-array", "eventstream", "json"]
DIALECT_NAMES = [
    "openai", "openai-chat", "openai-responses", "anthropic", "gemini", "bedrock",
    "bedrock-converse", "bedrock-invoke", "cohere", "cohere-v2", "cohere-v1", "ollama",
    "mistral",
]  # fmt: skip

Factory = Callable[[], Any]


def _framing(name: str) -> Factory:
    return decoder_class(name)


def _dialect(name: str) -> Factory:
    return lambda: StreamParser(name)


TARGETS: list[tuple[str, Factory]] = [(f"format:{n}", _framing(n)) for n in FRAMING] + [
    (f"dialect:{n}", _dialect(n)) for n in [*DIALECT_NAMES, "auto"]
]


def test_every_registered_name_is_covered() -> None:
    assert set(FRAMING) == set(FORMATS)
    assert set(DIALECT_NAMES) == set(DIALECTS)


def outcome(factory: Factory, chunks: list[bytes]) -> tuple[str, Any]:
    """The items (by repr: NaN from JSON is not equal to itself) and the error, if any."""
    decoder = factory()
    items: list[Any] = []
    try:
        for chunk in chunks:
            items += decoder.feed(chunk)
        items += decoder.close()
        items += decoder.close()
    except Error as exc:  # anything else escapes and fails the test
        where = exc.offset if isinstance(exc, ParseError) else None
        return repr(items), (type(exc), where)
    return repr(items), None


# Bytes that reach past the first checks of each format: framing tokens, JSON pieces,
# a valid event-stream prelude, line ends, invalid UTF-8.
_TOKENS = [
    b"data: ", b"event: ", b"id: ", b"retry: 1", b": c", b"\n", b"\r", b"\r\n", b"\n\n",
    b"[", b"]", b",", b"{", b"}", b'"', b"\\", b'{"a":1}', b'"type":', b'"choices":[',
    b'"delta":{"content":"x"}', b"[DONE]", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"null",
    b"\x00\x00\x00\x10\x00\x00\x00\x00\xc1\x0e\x8c\xe6", b"\x00\x00\x00", b" ",
    # Hostile shapes (issue 13): non-finite numbers, deep nesting, extreme choice indexes.
    b"NaN", b"-Infinity", b"1e999", b"9" * 5000, b"[" * 600, b'{"a":' * 600,
    b'"index":-1', b'"index":1000000000', b'"choices":[{"index":-1,"delta":{"content":"x"}}]',
]  # fmt: skip
_streams = st.one_of(
    octets(max_size=160),
    st.lists(st.sampled_from(_TOKENS) | octets(max_size=4), max_size=30).map(b"".join),
)


@pytest.mark.parametrize(("name", "factory"), TARGETS, ids=[t[0] for t in TARGETS])
@given(data=_streams, cuts=st.lists(st.integers(0, 200), max_size=6))
def test_only_sseparse_errors_and_fragmentation_does_not_matter(
    name: str, factory: Factory, data: bytes, cuts: list[int]
) -> None:
    whole = outcome(factory, [data])
    assert outcome(factory, [data[i : i + 1] for i in range(len(data))]) == whole, name
    points = sorted({min(c, len(data)) for c in cuts})
    pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    assert outcome(factory, pieces) == whole, name
