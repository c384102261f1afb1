"""The drift generator itself (``tests/drift.py``): every framing is rewritten, and only
where it should be."""

from __future__ import annotations

import base64
import json

from sseparse.encode import encode_event_stream

from .drift import Stream, add_keys, answer, captured, drift_stream, payloads, retype


def test_add_keys_reaches_every_depth_but_not_opaque_values() -> None:
    value = {"a": [{"b": {}}], "arguments": {"x": {}}, "n": 1}
    got = add_keys("k", 5)(value)
    assert got == {"a": [{"b": {"k": 5}, "k": 5}], "arguments": {"x": {}}, "n": 1, "k": 5}
    assert value == {"a": [{"b": {}}], "arguments": {"x": {}}, "n": 1}  # not mutated


def test_retype_changes_every_occurrence_but_not_inside_opaque_values() -> None:
    value = {"id": "a", "list": [{"id": "b"}], "input": {"id": "c"}}
    assert retype("id", [1])(value) == {"id": [1], "list": [{"id": [1]}], "input": {"id": "c"}}


def test_sse_rewrites_json_data_lines_only() -> None:
    data = b': hi\r\nevent: x\r\ndata: {"id": "a"}\r\n\r\ndata: [DONE]\n\n'
    got = drift_stream(data, "sse", retype("id", None))
    assert got == b': hi\r\nevent: x\r\ndata: {"id":null}\r\n\r\ndata: [DONE]\n\n'


def test_ndjson_and_json_array() -> None:
    assert drift_stream(b'{"a":1}\n\n[2]\n', "ndjson", add_keys("k", 0)) == (
        b'{"a":1,"k":0}\n\n[2]\n'
    )
    assert drift_stream(b'[{"a":1}, {"b":{}}]', "json-array", add_keys("k", 0)) == (
        b'[{"a":1,"k":0},{"b":{"k":0},"k":0}]'
    )


def test_eventstream_rewrites_the_base64_payload_inside() -> None:
    inner = base64.b64encode(b'{"type": "ping", "id": "x"}').decode()
    data = encode_event_stream({":event-type": "chunk"}, json.dumps({"bytes": inner}).encode())
    drifted = drift_stream(data, "eventstream", retype("id", 3))
    assert payloads(drifted, "eventstream") == [
        {"bytes": base64.b64encode(b'{"type":"ping","id":3}').decode()},
        {"type": "ping", "id": 3},
    ]


def test_answer_counts_malformed_records() -> None:
    stream = Stream("bad", b"data: {}\n\ndata: 1\n\ndata: [DONE]\n\n", "openai-chat", "sse")
    got = answer(stream)
    assert got.malformed == 1 and got.text == "" and got.tool_calls == ()
    assert all(s.data for s in captured("ollama"))
