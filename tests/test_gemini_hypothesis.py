"""Property tests for the gemini dialect.

* Ill-shaped payloads (random JSON, and Gemini-like chunks whose fields have random types)
  only ever raise ``MalformedPayload`` or a shape error (the parser's policy reports both)
  from the dialect, and only ``ParseError`` subclasses
  from ``StreamParser``, in both wire forms.
* Generated Gemini streams — several candidates, text, thoughts and parallel function calls
  (often to the same function) spread over chunks — fold to exactly the calls that were sent,
  each separate, in order, with their arguments, whatever the wire form and fragmentation.
"""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sseparse.accumulate import Accumulator
from sseparse.dialects.gemini import GeminiDialect
from sseparse.errors import MalformedPayload, ParseError
from sseparse.events import Done, Event
from sseparse.framing.records import JSONRecord, SSEEvent
from sseparse.parser import StreamParser
from sseparse.testing import random_partition
from tests.bad_records import SHAPE_ERRORS

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def maybe(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a well-typed value, sometimes anything."""
    return st.one_of(good, good, good, good, json_values)


parts = st.one_of(
    st.fixed_dictionaries(
        {"text": maybe(st.text(max_size=5))}, optional={"thought": maybe(st.booleans())}
    ),
    st.fixed_dictionaries(
        {
            "functionCall": maybe(
                st.fixed_dictionaries(
                    {"name": maybe(st.text(max_size=3))},
                    optional={
                        "args": maybe(
                            st.dictionaries(st.text(max_size=3), json_values, max_size=3)
                        ),
                        "id": maybe(st.text(max_size=3)),
                    },
                )
            )
        },
        optional={"thoughtSignature": maybe(st.text(max_size=5))},
    ),
    st.fixed_dictionaries(
        {"executableCode": maybe(st.dictionaries(st.text(max_size=4), json_values, max_size=2))}
    ),
    st.dictionaries(st.text(max_size=6), json_values, max_size=2),
    json_values,
)
candidates = st.fixed_dictionaries(
    {
        "content": maybe(
            st.fixed_dictionaries(
                {"parts": maybe(st.lists(parts, min_size=1, max_size=3))},
                optional={"role": st.just("model")},
            )
        ),
    },
    optional={
        "index": maybe(st.integers(min_value=0, max_value=3)),
        "finishReason": maybe(st.sampled_from(["STOP", "MAX_TOKENS", "SAFETY", "X"])),
        "groundingMetadata": json_values,
    },
)
usage = st.dictionaries(
    st.sampled_from(
        [
            "promptTokenCount",
            "candidatesTokenCount",
            "thoughtsTokenCount",
            "toolUsePromptTokenCount",
            "cachedContentTokenCount",
            "totalTokenCount",
        ]
    ),
    maybe(st.integers(min_value=0, max_value=10**6)),
    max_size=6,
)
gemini_like = st.fixed_dictionaries(
    {},
    optional={
        "candidates": maybe(st.lists(candidates, min_size=1, max_size=3)),
        "usageMetadata": maybe(usage),
        "promptFeedback": maybe(
            st.fixed_dictionaries({}, optional={"blockReason": maybe(st.text(max_size=4))})
        ),
        "responseId": st.text(max_size=4),
        "modelVersion": st.text(max_size=4),
        "createTime": st.text(max_size=30),
    },
)
errors = st.fixed_dictionaries(
    {
        "error": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "message": maybe(st.text(max_size=4)),
                    "code": maybe(st.integers()),
                    "status": maybe(st.text(max_size=4)),
                },
            )
        )
    }
)
chunks_any = st.one_of(
    st.lists(gemini_like, min_size=1, max_size=4),
    st.lists(st.one_of(gemini_like, errors, json_values), min_size=1, max_size=4),
)


@given(chunks_any)
def test_dialect_raises_only_what_the_parser_reports(values: list[Any]) -> None:
    for wrap in ("sse", "element"):
        dialect = GeminiDialect()
        out: list[Event] = []
        try:
            for n, value in enumerate(values):
                text = json.dumps(value)
                if wrap == "sse":
                    dialect.on_record(SSEEvent(data=text, offset=n), out)
                else:
                    dialect.on_record(JSONRecord(value=value, raw=text.encode(), offset=n), out)
        except MalformedPayload as exc:
            assert exc.offset == n
        except SHAPE_ERRORS:
            pass  # a chunk of the wrong shape: StreamParser reports it at the record
        dialect.on_end(out)
        assert sum(isinstance(e, Done) for e in out) == 1 and isinstance(out[-1], Done)


@given(chunks_any, st.randoms(use_true_random=False))
def test_parser_raises_only_parse_errors(values: list[Any], rng: random.Random) -> None:
    sse = b"".join(b"data: " + json.dumps(v).encode() + b"\r\n\r\n" for v in values)
    array = ("[" + "\n,\r\n".join(json.dumps(v) for v in values) + "\n]").encode()
    for data, fmt in ((sse, None), (array, "jsonarray")):
        parser = StreamParser("gemini", format=fmt)
        events: list[Event] = []
        try:
            for piece in random_partition(data, rng):
                events += parser.feed(piece)
            events += parser.close()
        except ParseError:
            continue
        assert isinstance(events[-1], Done)


# -- generated well-formed streams ------------------------------------------------------------

names = st.sampled_from(["get_weather", "get_weather", "lookup", "f"])
args = st.dictionaries(st.text(max_size=5), json_values, max_size=3)
items = st.one_of(
    st.tuples(st.just("text"), st.text(min_size=1, max_size=6)),
    st.tuples(st.just("thought"), st.text(min_size=1, max_size=6)),
    st.tuples(st.just("call"), st.tuples(names, args, st.booleans(), st.booleans())),
)


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[int, list[tuple[str, Any]]]]:
    """Chunks of a response with 1 to 3 candidates, and the items each candidate sent."""
    n = draw(st.integers(min_value=1, max_value=3))
    sent: dict[int, list[tuple[str, Any]]] = {
        i: draw(st.lists(items, max_size=8)) for i in range(n)
    }
    # Cut each candidate's parts into chunks; interleave candidates chunk by chunk.
    per_candidate: dict[int, list[list[dict[str, Any]]]] = {}
    for i, its in sent.items():
        partz = []
        for kind, value in its:
            if kind == "text":
                partz.append({"text": value})
            elif kind == "thought":
                partz.append({"text": value, "thought": True})
            else:
                name, arguments, signed, omit_empty = value
                call: dict[str, Any] = {"name": name}
                if arguments or not omit_empty:
                    call["args"] = arguments
                part: dict[str, Any] = {"functionCall": call}
                if signed:
                    part["thoughtSignature"] = "sig"
                partz.append(part)
        groups: list[list[dict[str, Any]]] = []
        while partz:
            k = draw(st.integers(min_value=1, max_value=3))
            groups.append(partz[:k])
            partz = partz[k:]
        per_candidate[i] = groups
    chunks: list[dict[str, Any]] = []
    rounds = max((len(g) for g in per_candidate.values()), default=0) + 1
    for r in range(rounds):
        cands = []
        for i, groups in per_candidate.items():
            if r < len(groups):
                cands.append({"content": {"parts": groups[r], "role": "model"}, "index": i})
            elif r == len(groups):
                cands.append(
                    {
                        "content": {"parts": [{"text": ""}], "role": "model"},
                        "index": i,
                        "finishReason": "STOP",
                    }
                )
        draw(st.randoms(use_true_random=False)).shuffle(cands)
        chunk = {"candidates": cands, "modelVersion": "gemini-x", "responseId": "rid"}
        chunk["usageMetadata"] = {
            "promptTokenCount": 5,
            "candidatesTokenCount": r,
            "totalTokenCount": 5 + r,
        }
        chunks.append(chunk)
    return chunks, sent


@given(streams(), st.randoms(use_true_random=False))
def test_generated_streams_fold_to_separate_calls(
    stream: tuple[list[dict[str, Any]], dict[int, list[tuple[str, Any]]]], rng: random.Random
) -> None:
    chunks, sent = stream
    sse = b"".join(f"data: {json.dumps(c, ensure_ascii=False)}\r\n\r\n".encode() for c in chunks)
    array = ("[" + "\n,\r\n".join(json.dumps(c, indent=2) for c in chunks) + "\n]").encode()
    results = []
    for data, fmt in ((sse, None), (array, "jsonarray")):
        for pieces in ([data], random_partition(data, rng)):
            parser = StreamParser("gemini", format=fmt)
            events: list[Event] = []
            for piece in pieces:
                events += parser.feed(piece)
            events += parser.close()
            results.append(events)
            acc = Accumulator()
            acc.feed(events)
            assert acc.done and acc.clean
            assert len(acc.messages) == len(sent)
            for i, its in sent.items():
                message = acc.messages[i]
                calls = [v for k, v in its if k == "call"]
                assert [(c.index, c.id, c.name, c.parsed) for c in message.tool_calls] == [
                    (n, f"call_{n}", name, arguments)
                    for n, (name, arguments, _, _) in enumerate(calls)
                ]
                assert message.text == "".join(v for k, v in its if k == "text")
                assert message.reasoning == "".join(v for k, v in its if k == "thought")
                assert message.finish_reason == ("tool_calls" if calls else "stop")
                assert len(message.reasoning_signatures) == sum(c[2] for c in calls)
            assert acc.usage is not None and acc.usage.total_tokens == 5 + len(chunks) - 1
    assert all(r == results[0] for r in results)
