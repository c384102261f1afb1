"""``Usage`` repr and str stay safe for counts past the interpreter's int-to-str digit limit
(a hostile stream can send them; the command line prints them)."""

from __future__ import annotations

from sseparse import Usage


def test_huge_count() -> None:
    usage = Usage(prompt_tokens=10**5000, completion_tokens=3, cost=0.5)
    text = repr(usage)
    assert text.startswith("Usage(prompt_tokens=<int of 16610 bits>, completion_tokens=3,")
    assert text.endswith("cost=0.5)")
    assert str(usage) == text


def test_plain_repr_unchanged() -> None:
    assert repr(Usage(total_tokens=4)) == (
        "Usage(prompt_tokens=None, completion_tokens=None, total_tokens=4, cached_tokens=None, "
        "reasoning_tokens=None, cache_write_tokens=None, cost=None)"
    )
