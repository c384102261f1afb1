"""Every recorded Gemini stream through ``StreamParser("gemini")``: SSE captures with the
default format, streamed JSON arrays with ``format="jsonarray"``.

Each decodes to identical events at every fragmentation, ending in exactly one ``Done``; the
final messages of a representative set are pinned (values read off the capture files by hand:
see the comments); and the two wire forms are mapped alike (each capture reframed into the
other form gives the same events).
"""

from __future__ import annotations

import calendar
import json
from functools import partial
from typing import Any

import pytest

from sseparse.accumulate import Accumulator
from sseparse.events import Done, Event, Finish, KeepAlive, ProviderError, StreamStart, TextDelta
from sseparse.parser import StreamParser
from sseparse.testing import assert_fragmentation_invariant
from tests.captures import captures, read
from tests.chunking import check_bad_record

GEMINI = captures(api="gemini")
ERROR_BODY = "google-gemini-http-404-json-error-body.sse"


def fmt_of(entry: dict[str, Any]) -> str | None:
    return "jsonarray" if entry["format"] == "json-array" else None


def decode(data: bytes, fmt: str | None = None) -> list[Event]:
    parser = StreamParser("gemini", format=fmt)
    return parser.feed(data) + parser.close()


def fold(events: list[Event]) -> Accumulator:
    acc = Accumulator()
    acc.feed(events)
    return acc


def payloads(entry: dict[str, Any]) -> list[str]:
    """The JSON texts of a capture's chunks, cut out independently of the decoders: Gemini SSE
    is ``data: <json>\\r\\n\\r\\n`` per chunk; a JSON array is parsed whole."""
    data = read(entry["file"])
    if entry["format"] == "json-array":
        return [json.dumps(v, ensure_ascii=False) for v in json.loads(data)]
    return [line[6:] for line in data.decode().split("\r\n") if line.startswith("data: ")]


def test_the_corpus_is_all_there() -> None:
    assert len(GEMINI) == 22
    assert sum(e["format"] == "sse" for e in GEMINI) == 16
    assert sum(e["format"] == "json-array" for e in GEMINI) == 6


@pytest.mark.parametrize("entry", GEMINI, ids=lambda e: e["file"])
def test_every_fragmentation_gives_the_same_events(entry: dict[str, Any]) -> None:
    fmt = fmt_of(entry)
    outcome = assert_fragmentation_invariant(
        lambda: StreamParser("gemini", format=fmt), read(entry["file"])
    )
    assert outcome.error is None
    events = outcome.items
    dones = [e for e in events if isinstance(e, Done)]
    assert len(dones) == 1 and events[-1] is dones[0]
    if entry["file"] == ERROR_BODY:
        # Not SSE at all: see test_error_body_*.
        assert not any(isinstance(e, (StreamStart, Finish)) for e in events)
        assert dones[0] == Done(clean=False)
        return
    assert isinstance(events[0], StreamStart)
    assert dones[0] == Done(clean=True)  # every other capture ends with a finishReason
    # Every event but Done carries the chunk (or, for a signature, the part) it came from.
    assert all(e.raw is not None for e in events[:-1])
    # As many chunks as the file holds were read: each shows up in some event's raw.
    seen = {id(e.raw) for e in events if isinstance(e.raw, dict) and "candidates" in e.raw}
    assert len(seen) == len(payloads(entry))


def test_error_body_as_a_json_document() -> None:
    # The 404 body is one pretty-printed JSON object, not SSE: read as a JSON document it is
    # reported as the provider's error.
    outcome = assert_fragmentation_invariant(
        lambda: StreamParser("gemini", format="json"), read(ERROR_BODY)
    )
    assert outcome.error is None
    assert outcome.items == [
        ProviderError(
            message=(
                "models/this-model-does-not-exist-12345 is not found for API version v1beta, "
                "or is not supported for generateContent. Call ListModels to see the list of "
                "available models and their supported methods."
            ),
            type="NOT_FOUND",
            code="404",
        ),
        Done(clean=False),
    ]


def test_error_body_read_as_sse_is_reported_as_the_error() -> None:
    # With the default SSE framing, a body that starts with "{" is taken as one JSON
    # document (an HTTP error body), so the error is reported, not silently dropped.
    as_sse = assert_fragmentation_invariant(lambda: StreamParser("gemini"), read(ERROR_BODY))
    as_json = assert_fragmentation_invariant(
        lambda: StreamParser("gemini", format="json"), read(ERROR_BODY)
    )
    assert as_sse == as_json
    assert isinstance(as_sse.items[0], ProviderError) and as_sse.items[-1] == Done(clean=False)
    acc = fold(as_sse.items)
    assert acc.message.finish_reason is None and acc.usage is None and not acc.clean


# What each capture holds, read off the file: (prompt, completion, total, cached, reasoning)
# usage is the normalized last usageMetadata: prompt = promptTokenCount +
# toolUsePromptTokenCount, completion = candidatesTokenCount + thoughtsTokenCount.
PINNED: dict[str, dict[str, Any]] = {
    "google-gemini-parallel-tool-calls.sse": {
        # one chunk, two functionCall parts to the same function, no ids, finishReason STOP;
        # usage 49 / 10 / 59
        "text": "",
        "calls": [
            ("call_0", "get_weather", "function", {"location": "SF"}),
            ("call_1", "get_weather", "function", {"location": "NYC"}),
        ],
        "finish": ("tool_calls", "STOP"),
        "usage": (49, 10, 59, None, None),
        "signatures": 0,
        "model": "gemini-2.0-flash",
        "id": "mWi_aIbMKfqAn9kPkOiXYA",
    },
    "google-gemini-parallel-tool-calls-thought-signature.sse": {
        # two bakst_coefficient calls (val 13, val 17), a signature on the first part only;
        # usage 56 prompt, 34 candidates + 54 thoughts, 144 total
        "text": "",
        "calls": [
            ("call_0", "bakst_coefficient", "function", {"val": 13}),
            ("call_1", "bakst_coefficient", "function", {"val": 17}),
        ],
        "finish": ("tool_calls", "STOP"),
        "usage": (56, 88, 144, None, 54),
        "signatures": 1,
    },
    "google-gemini-text-max-tokens.sse": {
        # one chunk, finishReason MAX_TOKENS; usage 9 / 12 + 36 thoughts / 57
        "text": "Here is a list of all 50 U.S",
        "finish": ("length", "MAX_TOKENS"),
        "usage": (9, 48, 57, None, 36),
    },
    "google-gemini-no-content-parts.sse": {
        # content {"role": "model"} without parts; STOP; 9 prompt, 43 thoughts, 52 total
        "text": "",
        "finish": ("stop", "STOP"),
        "usage": (9, 43, 52, None, 43),
    },
    "google-gemini-reasoning.sse": {
        # four thought parts (headings below), then "3"; last usage has no
        # candidatesTokenCount: 30 prompt, 1626 thoughts, 1656 total
        "text": "3",
        "reasoning": (
            "**Enumerating Prime Substrings**\n\n",
            "the definitive answer is 3.\n\n\n",
            1205,
        ),
        "headings": [
            "**Enumerating Prime Substrings**",
            "**Identifying The Target Primes**",
            "**Verifying Prime Counts**",
            "**Confirming Final Results**",
        ],
        "finish": ("stop", "STOP"),
        "usage": (30, 1626, 1656, None, 1626),
    },
    "google-gemini-reasoning-thought-signature.sse": {
        # two thought parts, JSON text in two parts, an empty text part with the signature
        "text": '{\n  "integer_a": 2,\n  "integer_b": 2,\n  "answer": 4\n}',
        "reasoning": ("**Processing the Input**\n\n", "ready for output.\n\n\n", 736),
        "finish": ("stop", "STOP"),
        "usage": (13, 338, 351, None, 308),
        "signatures": 1,
        "model": "gemini-3-pro-preview",
    },
    "google-gemini-reasoning-tool-call-thought-signature.sse": {
        # a thought part, then compute_fib(n=100) with a signature, STOP
        "text": "",
        "reasoning": ("**Calculate the Fibonacci Number**\n\n", "using this approach.\n\n\n", 241),
        "calls": [("call_0", "compute_fib", "function", {"n": 100})],
        "finish": ("tool_calls", "STOP"),
        "usage": (55, 68, 123, None, 52),
        "signatures": 1,
    },
    "google-gemini-code-execution-thought-signature.sse": {
        # executableCode (id 8xju7mua) with a signature, its codeExecutionResult, three text
        # parts, a final empty text part with a signature; last usage 147 prompt + 360 tool
        # use, 108 candidates + 168 thoughts, 783 total
        "text": "The result of $65465 - 6544 \\times 65464 - 6 + 1.02255$ is **-428,330,955.97745**.",
        "calls": [
            (
                "8xju7mua",
                "code_execution",
                "server",
                {
                    "language": "PYTHON",
                    "code": "result = 65465 - 6544 * 65464 - 6 + 1.02255\nprint(result)",
                },
            )
        ],
        "finish": ("stop", "STOP"),
        "usage": (507, 276, 783, None, 168),
        "signatures": 2,
        "results": [1],
    },
    "google-gemini-reasoning-code-execution.sse": {
        # a thought executableCode + result, then a second executableCode (with an early
        # finishReason STOP on that chunk) + result, then text; 46 + 901, 132 + 396, 1475
        "text": "The result is -428,330,955.97745.",
        "calls": [
            (
                "call_0",
                "code_execution",
                "server",
                {
                    "language": "PYTHON",
                    "code": "    result = 65465 - 6544 * 65464 - 6 + 1.02255\n    print(result)\n    ",
                },
            ),
            (
                "call_1",
                "code_execution",
                "server",
                {
                    "language": "PYTHON",
                    "code": "# Calculate the expression 65465-6544 * 65464-6+1.02255\n"
                    "result = 65465 - 6544 * 65464 - 6 + 1.02255\nprint(result)",
                },
            ),
        ],
        "finish": ("stop", "STOP"),
        "usage": (947, 528, 1475, None, 396),
        "results": [1, 1],
    },
    "google-gemini-grounding-url-context.sse": {
        # url context metadata on the first chunk, grounding chunks on the second; 32 + 4610
        # tool use, 25 + 37, 4704
        "text": "Pydantic AI Gateway is now available!",
        "finish": ("stop", "STOP"),
        "usage": (4642, 62, 4704, None, 37),
        "citations": ["urlContextMetadata", "groundingMetadata"],
    },
    "google-vertex-gemini-grounding.sse": {
        # six text chunks with empty groundingMetadata, the last one with the real grounding;
        # usageMetadata {"trafficType"} only until the end: 16 / 163 + 63 / 242
        "text": (
            "Pydantic AI's documentation can be found within the Pydantic Docs, specifically at "
            "`ai.pydantic.dev`. Pydantic AI is described as the Python AI SDK, offering a typed "
            "and extensible agent loop for building production-grade generative AI "
            "applications.\n\nThe documentation provides an overview of Pydantic AI, covering "
            "aspects like agents, real-time voice, image generation, embeddings, and more. It "
            "details how Pydantic AI enables the creation of complex, long-running multi-agent "
            "collaborations and supports various capabilities like web search, memory, "
            "sub-agents, and context management. The documentation also highlights features "
            "such as structured output data using Pydantic models, enabling type-safe data "
            "extraction and validation. Furthermore, it discusses instrumentation with "
            "Pydantic Logfire for observability."
        ),
        "finish": ("stop", "STOP"),
        "usage": (16, 226, 242, None, 63),
        "citations": ["groundingMetadata"],
        "created": calendar.timegm((2026, 8, 20, 8, 17, 17)),
    },
    "google-vertex-gemini-text-thought-signature.sse": {
        # createTime "2026-03-21T18:11:55.919086Z"; 5 / 1 + 100 thoughts / 106
        "text": "OK",
        "finish": ("stop", "STOP"),
        "usage": (5, 101, 106, None, 100),
        "signatures": 1,
        "created": calendar.timegm((2026, 3, 21, 18, 11, 55)),
    },
    "google-gemini-text.json": {
        # two elements: "How", " about Charles and Sammy?"; 137 / 6 / 143
        "text": "How about Charles and Sammy?",
        "finish": ("stop", "STOP"),
        "usage": (137, 6, 143, None, None),
        "id": "O4pyaoO6FrXO_uMPga2X6QY",
    },
    "google-gemini-tool-call-no-crlf.json": {
        "text": "",
        "calls": [("call_0", "pelican_name_generator", "function", {})],
        "finish": ("tool_calls", "STOP"),
        "usage": (105, 13, 118, None, None),
    },
    "google-gemini-tool-call-thought-signature.json": {
        # multiply(y=3, x=5) with a signature; a second element with empty text and STOP
        "text": "",
        "calls": [("call_0", "multiply", "function", {"y": 3, "x": 5})],
        "arguments": ['{"y":3,"x":5}'],
        "finish": ("tool_calls", "STOP"),
        "usage": (60, 48, 108, None, 32),
        "signatures": 1,
    },
    "google-gemini-reasoning-thought-signature.json": {
        "text": "Scoop",
        "reasoning": (
            "**Considering the Constraint**\n\n",
            "This constraint is paramount.\n\n\n",
            275,
        ),
        "finish": ("stop", "STOP"),
        "usage": (11, 293, 304, None, 291),
        "signatures": 1,
    },
    "google-gemini-text-thought-signature.json": {
        # the prompt count grows in the last element (284 → 467): the last snapshot wins
        "text": (
            "Alice (age 30) living at 123 Main St, San Francisco, CA 94102 has been "
            "successfully added to the database."
        ),
        "finish": ("stop", "STOP"),
        "usage": (467, 47, 514, None, 13),
        "signatures": 1,
    },
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_final_messages(name: str) -> None:
    want = PINNED[name]
    (entry,) = [e for e in GEMINI if e["file"] == name]
    acc = fold(decode(read(name), fmt_of(entry)))
    assert len(acc.messages) == 1
    message = acc.message
    assert message.text == want["text"]
    reasoning = want.get("reasoning")
    if reasoning is None:
        assert message.reasoning == ""
    else:
        prefix, suffix, size = reasoning
        assert message.reasoning.startswith(prefix)
        assert message.reasoning.endswith(suffix)
        assert len(message.reasoning) == size
    for heading in want.get("headings", []):
        assert message.reasoning.count(heading) == 1
    # Client calls and server-executed calls (code execution), in the order they streamed.
    both = sorted(
        [(c.index, c.id, c.name, c.kind, c.parsed) for c in message.tool_calls]
        + [(c.index or 0, c.id, c.name, "server", c.parsed) for c in message.server_tool_calls]
    )
    calls = [c[1:] for c in both]
    assert calls == want.get("calls", [])
    assert [c[0] for c in both] == list(range(len(calls)))
    assert all(c.kind == "function" for c in message.tool_calls)
    assert all(c.complete for c in message.tool_calls)
    if "arguments" in want:
        assert [c.arguments for c in message.tool_calls] == want["arguments"]
    assert (message.finish_reason, message.finish_reason_raw) == want["finish"]
    usage = acc.usage
    assert usage is not None
    got = (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens)
    assert (*got, usage.cached_tokens, usage.reasoning_tokens) == want["usage"]
    assert got[0] + got[1] == got[2]  # OpenAI's inclusive meaning holds for every capture
    assert len(message.reasoning_signatures) == want.get("signatures", 0)
    assert [next(iter(c)) for c in message.citations] == want.get("citations", [])
    assert [o.kind for o in acc.others] == want.get("others", [])
    # Each codeExecutionResult is attached to the executableCode call it answers.
    results = [len(c.results) for c in message.server_tool_calls]
    assert results == want.get("results", [])
    assert all(
        r.kind == "codeExecutionResult" for c in message.server_tool_calls for r in c.results
    )
    assert acc.errors == []
    assert acc.provider == "gemini"
    assert acc.created == want.get("created")
    if "model" in want:
        assert acc.model == want["model"]
    if "id" in want:
        assert acc.id == want["id"]
    assert acc.done and acc.clean is True


def reframe(entry: dict[str, Any]) -> tuple[bytes, str | None]:
    """The capture's chunks in the other wire form: SSE → a Gemini-shaped JSON array
    (``[{…}\\n,\\r\\n{…}\\n]``), JSON array → CRLF SSE."""
    texts = payloads(entry)
    if entry["format"] == "json-array":
        return b"".join(f"data: {t}\r\n\r\n".encode() for t in texts), None
    return ("[" + "\n,\r\n".join(texts) + "\n]").encode(), "jsonarray"


@pytest.mark.parametrize(
    "entry", [e for e in GEMINI if e["file"] != ERROR_BODY], ids=lambda e: e["file"]
)
def test_both_wire_forms_map_alike(entry: dict[str, Any]) -> None:
    original = decode(read(entry["file"]), fmt_of(entry))
    data, fmt = reframe(entry)
    other = decode(data, fmt)
    assert other == original
    assert [e.raw for e in other] == [e.raw for e in original]


def test_similar_captures_in_both_forms_have_the_same_shape() -> None:
    # The same kind of turn recorded in each form (different prompts): a thought, one call
    # with a signature, STOP.
    sse = decode(read("google-gemini-reasoning-tool-call-thought-signature.sse"))
    arr = decode(read("google-gemini-reasoning-tool-call-thought-signature.json"), "jsonarray")
    shape = [
        "StreamStart",
        "ReasoningDelta",
        "Usage",
        "ToolCallStart",
        "ToolCallDelta",
        "ToolCallEnd",
        "ReasoningSignature",
        "Finish",
        "Usage",
        "Done",
    ]
    assert [type(e).__name__ for e in sse] == shape
    assert [type(e).__name__ for e in arr] == shape
    for events in (sse, arr):
        assert fold(events).message.finish_reason == "tool_calls"


@pytest.mark.parametrize(
    "name",
    [
        "google-gemini-reasoning.sse",
        "google-gemini-code-execution-thought-signature.sse",
        "google-vertex-gemini-grounding.sse",
    ],
)
def test_a_stream_cut_before_its_last_chunk_is_not_clean(name: str) -> None:
    data = read(name)
    cut = data.rstrip(b"\r\n").rfind(b"\r\n\r\n") + 4  # keep every event but the last
    events = decode(data[:cut])
    assert events[-1] == Done(clean=False)
    assert not any(isinstance(e, Finish) for e in events)
    assert fold(events).message.finish_reason is None


def test_keep_alive_comments_from_a_proxy() -> None:
    data = read("google-gemini-parallel-tool-calls.sse")
    with_comments = b": ping\r\n\r\n" + data.replace(b"\r\n\r\n", b"\r\n: ping\r\n\r\n")
    plain = decode(data)
    events = decode(with_comments)
    assert [e for e in events if not isinstance(e, KeepAlive)] == plain
    assert events[0] == KeepAlive() and sum(isinstance(e, KeepAlive) for e in events) == 2


@pytest.mark.parametrize("fmt", [None, "jsonarray"])
def test_a_bad_chunk_is_reported_at_its_offset_after_the_events_before_it(fmt: str | None) -> None:
    good = '{"candidates": [{"content": {"parts": [{"text": "hi"}]}, "index": 0}]}'
    bad = '{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "args": [1]}}]}}]}'
    if fmt is None:
        data = f"data: {good}\r\n\r\ndata: {bad}\r\n\r\n".encode()
        where = data.index(b'data: {"candidates": [{"content": {"parts": [{"functionCall')
    else:
        data = f"[{good}\n,\r\n{bad}\n]".encode()
        where = data.index(bad.encode())
    before = [StreamStart(provider="gemini"), TextDelta(text="hi")]
    check_bad_record(partial(StreamParser, "gemini", format=fmt), data, offset=where, before=before)


ERROR_OBJECT = '{\n  "error": {\n    "code": 503,\n    "message": "The model is overloaded.",\n    "status": "UNAVAILABLE"\n  }\n}'


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        # An error body in the JSON-array form: a one-element array.
        (f"[{ERROR_OBJECT}\n]".encode(), "jsonarray"),
        # An error after some text, as an SSE event.
        (
            b'data: {"candidates": [{"content": {"parts": [{"text": "hi"}]}}]}\r\n\r\n'
            b'data: {"error": {"code": 503, "message": "The model is overloaded.", '
            b'"status": "UNAVAILABLE"}}\r\n\r\n',
            None,
        ),
    ],
    ids=["jsonarray-body", "sse-midstream"],
)
def test_error_objects_in_either_form(data: bytes, fmt: str | None) -> None:
    outcome = assert_fragmentation_invariant(lambda: StreamParser("gemini", format=fmt), data)
    assert outcome.error is None
    assert outcome.items[-2:] == [
        ProviderError(message="The model is overloaded.", type="UNAVAILABLE", code="503"),
        Done(clean=False),
    ]
    acc = fold(outcome.items)
    assert [e.code for e in acc.errors] == ["503"] and acc.clean is False
