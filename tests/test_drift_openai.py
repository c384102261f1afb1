"""Schema drift (issue 9) for the OpenAI chat, OpenAI Responses and Mistral dialects: every
capture, rewritten with unknown keys at every depth and with each describing field given
another JSON type, gives the same answer and no ``Malformed``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .drift import answer, captured, check_drift, drift_stream, drifts, retype, sweep

DESCRIBING = {
    "openai-chat": (
        "/id",
        "/model",
        "/created",
        "system_fingerprint",
        "service_tier",
        "usage.cost",
        "logprobs",
        "obfuscation",
        "content_filter_results",
        "prompt_filter_results",
    ),
    "openai-responses": (
        "response.id",
        "response.model",
        "response.created_at",
        "service_tier",
        "usage.cost",
        "logprobs",
        "obfuscation",
        "sequence_number",
        "response.error.type",
    ),
    "mistral": ("/id", "/model", "/created", "usage.cost"),
}


@pytest.mark.parametrize("api", sorted(DESCRIBING))
def test_every_capture_survives_every_drift(api: str) -> None:
    assert sweep(captured(api), DESCRIBING[api]) > len(captured(api))


@pytest.mark.parametrize("api", sorted(DESCRIBING))
@settings(max_examples=15)
@given(data=st.data())
def test_any_drift_of_any_capture(api: str, data: st.DataObject) -> None:
    stream = data.draw(st.sampled_from(captured(api)))
    what, rewrite = data.draw(drifts(DESCRIBING[api]))
    check_drift(stream, rewrite, what=what)


def test_router_cost_object_gives_the_answer_and_no_cost() -> None:
    # The case seen in real traffic: usage.cost as an object of per-part costs.
    cost = {"input_tokens_cost": 0, "output_tokens_cost": 0, "total_cost": 0}
    streams = [s for s in captured("openai-chat") if b'"cost"' in s.data]
    assert streams
    for stream in streams:
        before = answer(stream)
        after = answer(stream, drift_stream(stream.data, stream.format, retype("cost", cost)))
        assert after == before and before.tokens is not None
