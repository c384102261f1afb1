"""Schema drift over every Bedrock capture, ConverseStream and InvokeModelWithResponseStream
(``tests/drift.py``): unknown keys at every depth and each describing field given every other
JSON type leave the answer alone and report nothing (issue 9)."""

from __future__ import annotations

from .drift import captured, sweep

CONVERSE_DESCRIBING = ("p", "role", "metrics", "latencyMs", "trace", "toolUseId")
INVOKE_DESCRIBING = (
    "p",
    "id",
    "model",
    "role",
    "stop_sequence",
    "invocationLatency",
    "firstByteLatency",
    "signature",
)


def test_converse_captures_survive_drift() -> None:
    streams = captured("bedrock-converse")
    assert sweep(streams, CONVERSE_DESCRIBING) > len(streams)


def test_invoke_captures_survive_drift() -> None:
    streams = captured("bedrock-invoke")
    assert sweep(streams, INVOKE_DESCRIBING) > len(streams)
