"""The one usage builder every dialect uses (issue 9): one count rule, one meaning.

A dialect picks its provider's values out of the payload (raw JSON values, ``None`` when
absent) and hands them here; ``count`` reads every token count (a wrong type raises
``TypeError``, reported as ``Malformed``), ``describe_float`` the cost (a wrong type is
``None``), and a missing total is the sum of the prompt and completion counts.
"""

from __future__ import annotations

from typing import Any

from .._build import fast_maker
from ..events import _USAGE_FIELDS, Usage
from ._fields import count, describe_float

__all__ = ["build_usage", "sub", "usage_of_counts"]

# Every field positionally (_build.fast_maker): built once per usage snapshot, which Gemini
# sends with every chunk. Built by Usage(...) instead: 7% more CPython instructions for
# StreamParser("gemini") on bench_fragments' gemini-crlf corpus at 1460-byte fragments
# (callgrind, 2026-12-07).
_usage = fast_maker(Usage, *_USAGE_FIELDS, "raw")  # the fields in the order Usage declares


def sub(value: Any, key: str) -> Any:
    """``value[key]`` when *value* is an object, else ``None`` (details objects only
    describe: one of another type is as good as absent)."""
    return value.get(key) if type(value) is dict else None


def build_usage(
    raw: Any,
    *,
    prompt: Any = None,
    completion: Any = None,
    total: Any = None,
    cached: Any = None,
    reasoning: Any = None,
    cache_write: Any = None,
    cost: Any = None,
) -> Usage:
    """``Usage`` from the provider's values (already in OpenAI's inclusive meaning).

    Raises ``TypeError`` for a count that is not a non-negative integer (an integral float
    counts)."""
    prompt_tokens = count(prompt, "prompt token count")
    completion_tokens = count(completion, "completion token count")
    total_tokens = count(total, "total token count")
    if total_tokens is None and prompt_tokens is not None and completion_tokens is not None:
        total_tokens = prompt_tokens + completion_tokens
    return _usage(
        prompt_tokens,
        completion_tokens,
        total_tokens,
        count(cached, "cached token count"),
        count(reasoning, "reasoning token count"),
        count(cache_write, "cache write token count"),
        describe_float(cost),
        raw,
    )


def usage_of_counts(
    raw: Any,
    prompt: int,
    completion: int,
    total: int,
    cached: int | None = None,
    reasoning: int | None = None,
) -> Usage:
    """``build_usage`` for counts a dialect has already read with ``count`` (or checked to be
    non-negative ints): the same ``Usage``, without counting them again. Raises nothing."""
    return _usage(prompt, completion, total, cached, reasoning, None, None, raw)
