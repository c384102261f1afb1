"""Schema drift over every Gemini capture, SSE and streamed JSON array (``tests/drift.py``):
unknown keys at every depth and each describing field given every other JSON type leave the
answer alone and report nothing (issue 9)."""

from __future__ import annotations

from .drift import captured, sweep

DESCRIBING = (
    "responseId",
    "modelVersion",
    "createTime",
    "avgLogprobs",
    "safetyRatings",
    "citationMetadata",
    "groundingMetadata",
    "urlContextMetadata",
    "promptTokensDetails",
    "candidatesTokensDetails",
    "modality",
    "trafficType",
    "thoughtSignature",
    "role",
)


def test_gemini_captures_survive_drift() -> None:
    streams = captured("gemini")
    assert {s.format for s in streams} == {"sse", "json-array"}
    assert sweep(streams, DESCRIBING) > len(streams)
