"""Schema drift over every Anthropic Messages capture (``tests/drift.py``): unknown keys at
every depth and each describing field given every other JSON type leave the answer alone and
report nothing (issue 9)."""

from __future__ import annotations

from .drift import captured, sweep

DESCRIBING = (
    "id",
    "model",
    "role",
    "stop_sequence",
    "service_tier",
    "container",
    "cache_creation",
    "server_tool_use",
    "citations",
    "signature",
)


def test_anthropic_captures_survive_drift() -> None:
    streams = captured("anthropic-messages")
    assert len(streams) == 25
    assert sweep(streams, DESCRIBING) > 25
