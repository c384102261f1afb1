"""The one usage builder every dialect uses (issue 9): one count rule, one meaning.

A dialect picks its provider's values out of the payload (raw JSON values, ``None`` when
absent) and hands them here; ``count`` reads every token count (a wrong type raises
``TypeError``, reported as ``Malformed``), ``describe_float`` the cost (a wrong type is
``None``), and a missing total is the sum of the prompt and completion counts.
"""

from __future__ import annotations

from typing import Any

from ..events import Usage
from ._fields import count, describe_float

__all__ = ["build_usage", "sub"]


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
    return Usage(
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        total_tokens=total_tokens,
        cached_tokens=count(cached, "cached token count"),
        reasoning_tokens=count(reasoning, "reasoning token count"),
        cache_write_tokens=count(cache_write, "cache write token count"),
        cost=describe_float(cost),
        raw=raw,
    )
