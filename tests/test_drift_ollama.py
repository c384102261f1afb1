"""Schema drift (issue 9) for the Ollama dialect: the capture and a hand-made tool-call stream,
rewritten with unknown keys at every depth and with each describing field given another JSON
type, give the same answer and no ``Malformed``."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from .drift import Stream, captured, check_drift, drifts, sweep

DESCRIBING = (
    "/model",
    "/created_at",
    "total_duration",
    "load_duration",
    "prompt_eval_duration",
    "eval_duration",
    "tool_calls.id",
)

_LINES = [
    {
        "model": "m",
        "created_at": "2024-11-17T08:42:00Z",
        "message": {"role": "assistant", "thinking": "hmm", "content": ""},
        "done": False,
    },
    {
        "model": "m",
        "created_at": "2024-11-17T08:42:01Z",
        "message": {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": {"a": 1}}}],
        },
        "done": False,
    },
    {
        "model": "m",
        "created_at": "2024-11-17T08:42:02Z",
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": "stop",
        "total_duration": 5,
        "load_duration": 1,
        "prompt_eval_count": 3,
        "prompt_eval_duration": 2,
        "eval_count": 4,
        "eval_duration": 2,
    },
]
HAND_MADE = Stream(
    "hand-made tool call",
    b"".join(json.dumps(line).encode() + b"\n" for line in _LINES),
    "ollama",
    "ndjson",
)
STREAMS = [*captured("ollama"), HAND_MADE]


def test_every_stream_survives_every_drift() -> None:
    assert sweep(STREAMS, DESCRIBING, types_each=6) > len(STREAMS)


@settings(max_examples=20)
@given(data=st.data())
def test_any_drift(data: st.DataObject) -> None:
    stream = data.draw(st.sampled_from(STREAMS))
    what, rewrite = data.draw(drifts(DESCRIBING))
    check_drift(stream, rewrite, what=what)
