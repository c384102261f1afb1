"""Auto-detection: framing from the first bytes, dialect from the first records."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sseparse.detect import AutoDetector, dialect_of, error_from_body, sniff_format
from sseparse.errors import UndetectableStream
from sseparse.framing.records import JSONRecord, SSEEvent
from tests.captures import captures, read

FORMAT_OF = {
    "sse": "sse",
    "ndjson": "jsonlines",
    "json-array": "jsonarray",
    "eventstream": "eventstream",
}
DIALECT_OF_API = {
    "openai-chat": "openai",
    "openai-responses": "openai-responses",
    "anthropic-messages": "anthropic",
    "gemini": "gemini",
    "bedrock-converse": "bedrock-converse",
    "bedrock-invoke": "bedrock-invoke",
    "cohere-v2": "cohere",
    "cohere-v1": "cohere-v1",
    "mistral": "mistral",
    "ollama": "ollama",
}


def expected(entry: dict[str, object]) -> tuple[str, str]:
    if "not_sse_framed" in entry["features"]:  # type: ignore[operator]
        return "json", "openai"
    return FORMAT_OF[str(entry["format"])], DIALECT_OF_API[str(entry["api"])]


def detect(data: bytes, sizes: tuple[int, ...]) -> tuple[str, str]:
    det = AutoDetector()
    i = 0
    rng = random.Random(len(data))
    while i < len(data):
        size = rng.choice(sizes)
        decided = det.feed(data[i : i + size])
        i += size
        if decided is not None:
            return decided
    return det.finish()


@pytest.mark.parametrize("entry", captures(), ids=lambda e: e["file"])
def test_every_capture_is_detected(entry: dict[str, object]) -> None:
    data = read(str(entry["file"]))
    want = expected(entry)
    assert detect(data, (len(data) or 1,)) == want
    assert detect(data, (1, 2, 3, 7, 64)) == want


@pytest.mark.parametrize(
    ("prefix", "fmt"),
    [
        (b"data: {}\n\n", "sse"),
        (b"\xef\xbb\xbfevent: x\n", "sse"),
        (b": comment\n", "sse"),
        (b"\r\n\r\nretry: 5\n", "sse"),
        (b'{"a":1}\n{"a":2}\n', "jsonlines"),
        (b'{\n  "error": {}\n}\n', "json"),
        (b"  [\r\n{", "jsonarray"),
    ],
)
def test_sniff_format(prefix: bytes, fmt: str) -> None:
    assert sniff_format(prefix) == fmt
    assert sniff_format(prefix, final=True) == fmt


@pytest.mark.parametrize("prefix", [b"", b"  \n", b"\xef\xbb", b"da", b'{"a":', b"\x00\x00"])
def test_sniff_waits_for_more_bytes(prefix: bytes) -> None:
    assert sniff_format(prefix) is None


@pytest.mark.parametrize("body", [b"", b"  \r\n", b"<html>502 Bad Gateway</html>", b"hello"])
def test_undetectable(body: bytes) -> None:
    det = AutoDetector()
    with pytest.raises(UndetectableStream):
        det.feed(body)
        det.finish()


def test_dialect_of_sse_and_json_records() -> None:
    assert dialect_of("sse", SSEEvent(type="ping", data="{}")) == "anthropic"
    assert dialect_of("sse", SSEEvent(data="[DONE]")) is None
    assert dialect_of("sse", SSEEvent(data='{"error": {"message": "x"}}')) is None
    assert (
        dialect_of("sse", SSEEvent(data='{"choices": [], "model": "mistral-small"}')) == "mistral"
    )
    assert dialect_of("sse", SSEEvent(data='{"type": "response.created"}')) == "openai-responses"
    rec = JSONRecord(value={"model": "m", "created_at": "t", "message": {}, "done": False}, raw=b"")
    assert dialect_of("jsonlines", rec) == "ollama"


def test_detection_holds_no_provider_shapes() -> None:
    # Issue 9: detection asks the dialects; a provider's field or event name in detect.py
    # would be a second copy of a dialect's knowledge.
    source = (Path(__file__).parents[1] / "src/sseparse/detect.py").read_text("utf-8")
    for word in ("message_start", "candidates", "usageMetadata", "content_block", "response."):
        assert word not in source
    # A streamed JSON array is Gemini's alone: its first record decides, whatever it holds.
    assert dialect_of("jsonarray", JSONRecord(value={"error": {}}, raw=b"")) == "gemini"


def test_error_from_body_shapes() -> None:
    gemini = {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}}
    assert error_from_body(gemini) == ("not found", "NOT_FOUND", "404")
    assert error_from_body([gemini]) == ("not found", "NOT_FOUND", "404")
    anthropic = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    assert error_from_body(anthropic) == ("busy", "overloaded_error", None)
    assert error_from_body({"error": "model not found"}) == ("model not found", None, None)
    assert error_from_body({"message": "denied"}) == ("denied", None, None)
    assert error_from_body({"choices": []}) is None
