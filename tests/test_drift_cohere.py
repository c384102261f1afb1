"""Schema drift (issue 9) for the Cohere v1 and v2 dialects: every capture, rewritten with
unknown keys at every depth and with each describing field given another JSON type, gives the
same answer and no ``Malformed``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .drift import captured, check_drift, drifts, sweep

DESCRIBING = {
    "cohere-v1": ("/generation_id", "response_id", "generation_id", "search_units", "api_version"),
    "cohere-v2": ("/id", "error_type", "logprobs", "billed_units.search_units"),
}


@pytest.mark.parametrize("api", sorted(DESCRIBING))
def test_every_capture_survives_every_drift(api: str) -> None:
    assert sweep(captured(api), DESCRIBING[api], types_each=6) > len(captured(api))


@pytest.mark.parametrize("api", sorted(DESCRIBING))
@settings(max_examples=15)
@given(data=st.data())
def test_any_drift_of_any_capture(api: str, data: st.DataObject) -> None:
    stream = data.draw(st.sampled_from(captured(api)))
    what, rewrite = data.draw(drifts(DESCRIBING[api]))
    check_drift(stream, rewrite, what=what)
