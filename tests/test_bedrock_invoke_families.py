"""``bedrock-invoke`` for every model family Bedrock streams through
InvokeModelWithResponseStream, on real event-stream frames (``:event-type: chunk``, JSON
``{"bytes": base64, "p": padding}``) built from the response shapes in AWS's "Inference request
parameters and response fields for foundation models" pages (cited per family, field names
and order as documented there). Every stream runs whole, byte by byte, split at every offset
and at random partitions (``assert_fragmentation_invariant``), and through ``dialect="auto"``; the
accumulated message (text, reasoning, tool calls, finish, usage) is pinned.
"""

from __future__ import annotations

import base64
import json
from functools import partial
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse._json import MAX_DEPTH
from sseparse.accumulate import Accumulator
from sseparse.dialects import dialect_class
from sseparse.dialects.bedrock_invoke import BedrockInvokeDialect, _LeadingTag, invoke_family
from sseparse.encode import encode_event_stream
from sseparse.events import (
    Done,
    Finish,
    Malformed,
    Other,
    ProviderError,
    ReasoningDelta,
    StreamStart,
    TextDelta,
    Usage,
)
from sseparse.framing.eventstream import EventStreamDecoder
from sseparse.parser import StreamParser
from sseparse.testing import Outcome, assert_fragmentation_invariant
from tests.chunking import check_bad_record

# What Bedrock appends to the last object of every InvokeModel stream.
METRICS = {
    "inputTokenCount": 12,
    "outputTokenCount": 7,
    "invocationLatency": 512,
    "firstByteLatency": 230,
}
METRICS_USAGE = (12, 7, 19)


def chunk(native: Any, padding: str = "abcdefghijklmnop") -> bytes:
    """One ``chunk`` event carrying *native* (an object, or raw bytes) as Bedrock frames it."""
    raw = native if isinstance(native, bytes) else json.dumps(native).encode()
    body = {"bytes": base64.b64encode(raw).decode(), "p": padding}
    return encode_event_stream(
        {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"},
        json.dumps(body).encode(),
    )


def stream(*objects: Any) -> bytes:
    return b"".join(chunk(o) for o in objects)


def run(data: bytes, dialect: str = "bedrock-invoke") -> Outcome:
    return assert_fragmentation_invariant(lambda: StreamParser(dialect), data)


def parse_whole(data: bytes) -> list[Any]:
    parser = StreamParser("bedrock-invoke")
    return parser.feed(data) + parser.close()


def events_of(data: bytes) -> list[Any]:
    outcome = run(data)
    assert outcome.error is None, outcome.error
    return outcome.items


def accumulate(events: list[Any]) -> Accumulator:
    acc = Accumulator()
    # Malformed reports are not part of the answer (the accumulator learns to skip them with
    # the bad-record policy; until then they are left out here).
    acc.feed(e for e in events if not isinstance(e, Malformed))
    return acc


def usage_tuple(usage: Usage | None) -> tuple[int | None, int | None, int | None] | None:
    if usage is None:
        return None
    return (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens)


# --- the families ------------------------------------------------------------------------

# Amazon Titan Text.
# https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-text.html
# (InvokeModelWithResponseStream response: each chunk's bytes are {"index", "inputTextTokenCount",
# "totalOutputTextTokenCount", "outputText", "completionReason"}; completionReason FINISHED,
# LENGTH, STOP_CRITERIA_MET, RAG_QUERY_WHEN_RAG_DISABLED, CONTENT_FILTERED).
TITAN = [
    {
        "index": 0,
        "inputTextTokenCount": 12,
        "totalOutputTextTokenCount": 3,
        "outputText": "Hello",
        "completionReason": None,
    },
    {
        "index": 0,
        "inputTextTokenCount": None,
        "totalOutputTextTokenCount": 7,
        "outputText": ", world.",
        "completionReason": "FINISHED",
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

# Meta Llama. https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-meta.html
# (response: {"generation", "prompt_token_count", "generation_token_count", "stop_reason"};
# stop_reason "stop" or "length"; streamed, the prompt count comes in the first chunk).
LLAMA = [
    {
        "generation": "Hi",
        "prompt_token_count": 12,
        "generation_token_count": 1,
        "stop_reason": None,
    },
    {
        "generation": " there",
        "prompt_token_count": None,
        "generation_token_count": 2,
        "stop_reason": None,
    },
    {
        "generation": "",
        "prompt_token_count": None,
        "generation_token_count": 7,
        "stop_reason": "length",
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

# Mistral AI text completion.
# https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-mistral-text-completion.html
# (response: {"outputs": [{"text", "stop_reason"}]}; stop_reason "stop" or "length").
MISTRAL_TEXT = [
    {"outputs": [{"text": "Bonjour", "stop_reason": None}]},
    {
        "outputs": [{"text": " !", "stop_reason": "stop"}],
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

# Mistral AI chat completion (Mistral Large).
# https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-mistral-chat-completion.html
# (response: {"choices": [{"index", "message": {"role", "content", "tool_calls": [{"id",
# "function": {"name", "arguments"}}]}, "stop_reason"}]}; stop_reason "stop", "length",
# "tool_calls").
MISTRAL_CHAT = [
    {
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Let me look."},
                "stop_reason": None,
            }
        ]
    },
    {
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [
                        {
                            "id": "v6RMMiRlT",
                            "function": {"name": "top_song", "arguments": '{"sign": "WZPZ"}'},
                        }
                    ],
                },
                "stop_reason": "tool_calls",
            }
        ],
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

# Cohere Command R / R+.
# https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-cohere-command-r-plus.html
# (streamed events carry "is_finished" and "event_type": stream-start, text-generation, …,
# stream-end with "finish_reason" and the whole "response" with its "meta" token counts).
COHERE = [
    {"is_finished": False, "event_type": "stream-start", "generation_id": "gen-1"},
    {"is_finished": False, "event_type": "text-generation", "text": "Hello"},
    {"is_finished": False, "event_type": "text-generation", "text": " world"},
    {
        "is_finished": True,
        "event_type": "stream-end",
        "response": {
            "response_id": "resp-1",
            "text": "Hello world",
            "generation_id": "gen-1",
            "finish_reason": "COMPLETE",
            "meta": {
                "api_version": {"version": "1"},
                "billed_units": {"input_tokens": 12, "output_tokens": 7},
                "tokens": {"input_tokens": 80, "output_tokens": 7},
            },
        },
        "finish_reason": "COMPLETE",
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

# DeepSeek-R1. https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-deepseek.html
# (response: {"choices": [{"text", "stop_reason"}]}; stop_reason "stop" or "length"). The model
# thinks inside <think>…</think> at the start of its text; the tags are cut anywhere here.
DEEPSEEK = [
    {"choices": [{"text": "<thi", "stop_reason": None}]},
    {"choices": [{"text": "nk>\nThe user", "stop_reason": None}]},
    {"choices": [{"text": " greets me.</th", "stop_reason": None}]},
    {"choices": [{"text": "ink>\n\nHello!", "stop_reason": None}]},
    {"choices": [{"text": "", "stop_reason": "stop"}], "amazon-bedrock-invocationMetrics": METRICS},
]

# OpenAI gpt-oss. https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-openai.html
# (the response is an OpenAI chat completion; "If using InvokeModel, the model reasoning
# (surrounded by <reasoning> tags) will precede the text content of the response").
GPT_OSS = [
    {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1754400000,
        "model": "openai.gpt-oss-20b-1:0",
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": "<reasoning>Say hi"},
                "finish_reason": None,
            }
        ],
    },
    {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1754400000,
        "model": "openai.gpt-oss-20b-1:0",
        "choices": [
            {"index": 0, "delta": {"content": " back.</reasoning>Hi!"}, "finish_reason": None}
        ],
    },
    {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1754400000,
        "model": "openai.gpt-oss-20b-1:0",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

GPT_OSS_TOOL = [
    {
        "id": "chatcmpl-2",
        "object": "chat.completion.chunk",
        "created": 1754400000,
        "model": "openai.gpt-oss-120b-1:0",
        "choices": [
            {
                "index": 0,
                "delta": {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":'},
                        }
                    ],
                },
                "finish_reason": None,
            }
        ],
    },
    {
        "id": "chatcmpl-2",
        "object": "chat.completion.chunk",
        "created": 1754400000,
        "model": "openai.gpt-oss-120b-1:0",
        "choices": [
            {
                "index": 0,
                "delta": {"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]},
                "finish_reason": "tool_calls",
            }
        ],
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

# AI21 Jamba. https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-jamba.html
# (chat completion: {"id", "choices": [{"index", "delta"|"message", "finish_reason"}],
# "usage": {"prompt_tokens", "completion_tokens", "total_tokens"}}).
JAMBA = [
    {
        "id": "chatcmpl-j1",
        "choices": [
            {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        ],
        "usage": None,
    },
    {
        "id": "chatcmpl-j1",
        "choices": [{"index": 0, "delta": {"content": "Shalom"}, "finish_reason": None}],
        "usage": None,
    },
    {
        "id": "chatcmpl-j1",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
        "meta": {"requestDurationMillis": 150},
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

# Amazon Nova.
# https://docs.aws.amazon.com/nova/latest/userguide/complete-request-schema-response.html
# and https://docs.aws.amazon.com/nova/latest/nova2-userguide/streaming-responses.html (Invoke
# streaming: each chunk is one ConverseStream event in JSON-union form: messageStart,
# contentBlockStart/Delta/Stop with text, toolUse and reasoningContent, messageStop with
# stopReason, metadata with usage).
NOVA = [
    {"messageStart": {"role": "assistant"}},
    {
        "contentBlockDelta": {
            "delta": {"reasoningContent": {"text": "Weather tool."}},
            "contentBlockIndex": 0,
        }
    },
    {"contentBlockStop": {"contentBlockIndex": 0}},
    {"contentBlockDelta": {"delta": {"text": "Checking."}, "contentBlockIndex": 1}},
    {"contentBlockStop": {"contentBlockIndex": 1}},
    {
        "contentBlockStart": {
            "start": {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather"}},
            "contentBlockIndex": 2,
        }
    },
    {"contentBlockDelta": {"delta": {"toolUse": {"input": '{"city":'}}, "contentBlockIndex": 2}},
    {"contentBlockDelta": {"delta": {"toolUse": {"input": '"Paris"}'}}, "contentBlockIndex": 2}},
    {"contentBlockStop": {"contentBlockIndex": 2}},
    {"messageStop": {"stopReason": "tool_use"}},
    {
        "metadata": {"usage": {"inputTokens": 12, "outputTokens": 7}, "metrics": {}, "trace": {}},
        "amazon-bedrock-invocationMetrics": METRICS,
    },
]

# Anthropic Claude (Messages events, as in the recorded captures).
# https://docs.aws.amazon.com/bedrock/latest/userguide/
#   model-parameters-anthropic-claude-messages.html
CLAUDE = [
    {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-x",
            "content": [],
            "usage": {"input_tokens": 12, "output_tokens": 1},
        },
    },
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 7}},
    {"type": "message_stop", "amazon-bedrock-invocationMetrics": METRICS},
]

CALL = ("get_weather", '{"city":"Paris"}')

# name, objects, family, text, reasoning, tool calls (name, arguments), finish (reason, raw),
# usage (prompt, completion, total)
CASES: list[tuple[str, list[Any], str, str, str, list[tuple[str, str]], tuple[str, str], Any]] = [
    ("titan", TITAN, "titan", "Hello, world.", "", [], ("stop", "FINISHED"), (12, 7, 19)),
    ("llama", LLAMA, "llama", "Hi there", "", [], ("length", "length"), (12, 7, 19)),
    ("mistral-text", MISTRAL_TEXT, "mistral", "Bonjour !", "", [], ("stop", "stop"), METRICS_USAGE),
    (
        "mistral-chat",
        MISTRAL_CHAT,
        "mistral-chat",
        "Let me look.",
        "",
        [("top_song", '{"sign": "WZPZ"}')],
        ("tool_calls", "tool_calls"),
        METRICS_USAGE,
    ),
    ("cohere", COHERE, "cohere", "Hello world", "", [], ("stop", "COMPLETE"), (80, 7, 87)),
    (
        "deepseek",
        DEEPSEEK,
        "deepseek",
        "\n\nHello!",
        "\nThe user greets me.",
        [],
        ("stop", "stop"),
        METRICS_USAGE,
    ),
    ("gpt-oss", GPT_OSS, "openai", "Hi!", "Say hi back.", [], ("stop", "stop"), (12, 7, 19)),
    (
        "gpt-oss-tool",
        GPT_OSS_TOOL,
        "openai",
        "",
        "",
        [CALL],
        ("tool_calls", "tool_calls"),
        METRICS_USAGE,
    ),
    ("jamba", JAMBA, "openai", "Shalom", "", [], ("stop", "stop"), (12, 7, 19)),
    (
        "nova",
        NOVA,
        "nova",
        "Checking.",
        "Weather tool.",
        [CALL],
        ("tool_calls", "tool_use"),
        (12, 7, 19),
    ),
    ("claude", CLAUDE, "anthropic", "Hi", "", [], ("stop", "end_turn"), (12, 7, 19)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_family_stream(case: tuple[Any, ...]) -> None:
    _, objects, family, text, reasoning, calls, finish, usage = case
    assert invoke_family(objects[0]) == family
    data = stream(*objects)
    events = events_of(data)
    assert not any(isinstance(e, (Malformed, ProviderError)) for e in events), events
    assert events[-1] == Done(clean=True)
    assert sum(isinstance(e, Done) for e in events) == 1
    starts = [e for e in events if isinstance(e, StreamStart)]
    assert all(s.provider == "bedrock" for s in starts)
    acc = accumulate(events)
    message = acc.message
    assert message.text == text
    assert message.reasoning == reasoning
    assert [(c.name, c.arguments) for c in message.tool_calls] == calls
    assert all(c.complete for c in message.tool_calls)
    assert (message.finish_reason, message.finish_reason_raw) == finish
    assert usage_tuple(acc.usage) == usage
    # Auto-detection picks bedrock-invoke and gives the same events.
    auto = StreamParser("auto")
    assert auto.feed(data) + auto.close() == events
    assert auto.dialect_name == "bedrock-invoke"


def with_unknown_keys(value: Any, extra: Any) -> Any:
    """*value* with a key no provider sends added to every object, at every depth."""
    if isinstance(value, dict):
        return {**{k: with_unknown_keys(v, extra) for k, v in value.items()}, "zz_new": extra}
    if isinstance(value, list):
        return [with_unknown_keys(v, extra) for v in value]
    return value


def answer_of(events: list[Any]) -> tuple[Any, ...]:
    acc = accumulate(events)
    message = acc.message
    return (
        message.text,
        message.reasoning,
        [(c.name, c.arguments) for c in message.tool_calls],
        message.finish_reason,
        usage_tuple(acc.usage),
        events[-1],
    )


@given(st.sampled_from(["s", 7, 2.5, None, True, [1, None], {"a": {"b": []}}]))
def test_unknown_keys_at_every_depth_change_no_answer(extra: Any) -> None:
    """Providers add fields all the time (DESIGN §1): every family's answer stays the same and
    nothing is reported when every object of its stream carries one more key."""
    for _, objects, *_ in CASES:
        plain = parse_whole(stream(*objects))
        drifted = parse_whole(stream(*(with_unknown_keys(o, extra) for o in objects)))
        assert not any(isinstance(e, Malformed) for e in drifted), drifted
        assert answer_of(drifted) == answer_of(plain)


def test_each_family_is_fixed_by_its_first_object() -> None:
    dialect = BedrockInvokeDialect()
    decoder = EventStreamDecoder()
    out: list[Any] = []
    for record in decoder.feed(stream(LLAMA[0], TITAN[1])) + decoder.close():
        dialect.on_record(record, out)
    assert dialect.family == "llama"
    # The Titan object read as Llama: no Llama field in it, so no text; only its metrics.
    assert [type(e) for e in out] == [TextDelta, Usage]


# --- Titan in detail: finish words, guardrails ------------------------------------------------


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("FINISH", "stop"),
        ("FINISHED", "stop"),
        ("STOP_CRITERIA_MET", "stop"),
        ("LENGTH", "length"),
        ("CONTENT_FILTERED", "content_filter"),
        ("RAG_QUERY_WHEN_RAG_DISABLED", "other"),
        ("SOMETHING_NEW", "other"),
    ],
)
def test_titan_completion_reasons(word: str, reason: str) -> None:
    events = events_of(stream({**TITAN[1], "completionReason": word}))
    [finish] = [e for e in events if isinstance(e, Finish)]
    assert (finish.reason, finish.raw_reason) == (reason, word)


def test_titan_integral_float_index_and_counts_are_read() -> None:
    """Real Titan streams send ``"index": 0.0``; an integral float count is a count."""
    obj = {**TITAN[1], "index": 0.0, "inputTextTokenCount": 12.0, "totalOutputTextTokenCount": 7.0}
    events = events_of(stream(obj))
    assert Usage(prompt_tokens=12, completion_tokens=7, total_tokens=19) in events
    assert not any(isinstance(e, Malformed) for e in events)


# Guardrails with InvokeModel:
# https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-invoke.html (the response
# carries "amazon-bedrock-guardrailAction": "INTERVENED" | "NONE"; a blocked input is answered
# with the guardrail's blocked-input message, in the model's own response shape).
TITAN_BLOCKED = {
    "index": 0,
    "inputTextTokenCount": 0,
    "totalOutputTextTokenCount": 0,
    "outputText": "Sorry, the model cannot answer this question.",
    "completionReason": "CONTENT_FILTERED",
    "amazon-bedrock-guardrailAction": "INTERVENED",
    "amazon-bedrock-invocationMetrics": {"inputTokenCount": 0, "outputTokenCount": 0},
}


def test_guardrail_blocking_the_input_is_one_titan_frame() -> None:
    events = events_of(stream(TITAN_BLOCKED))
    assert events == [
        TextDelta(text="Sorry, the model cannot answer this question."),
        Finish(reason="content_filter", raw_reason="CONTENT_FILTERED"),
        Usage(prompt_tokens=0, completion_tokens=0, total_tokens=0),
        Done(clean=True),
    ]


def test_guardrail_verdict_overrides_the_models_stop_word() -> None:
    blocked = {**LLAMA[2], "generation": "Blocked.", "amazon-bedrock-guardrailAction": "INTERVENED"}
    events = events_of(stream(LLAMA[0], blocked))
    [finish] = [e for e in events if isinstance(e, Finish)]
    assert (finish.reason, finish.raw_reason) == ("content_filter", "length")
    assert events[-1] == Done(clean=True)


def test_guardrail_verdict_after_the_finish_corrects_it() -> None:
    """Claude's stop reason comes in ``message_delta``; a verdict on ``message_stop`` is
    reported as a corrected ``Finish`` before ``Done``."""
    last = {**CLAUDE[-1], "amazon-bedrock-guardrailAction": "INTERVENED"}
    events = events_of(stream(*CLAUDE[:-1], last))
    finishes = [e for e in events if isinstance(e, Finish)]
    assert [(f.reason, f.raw_reason) for f in finishes] == [
        ("stop", "end_turn"),
        ("content_filter", "end_turn"),
    ]
    assert events[-1] == Done(clean=True)
    acc = accumulate(events)
    assert acc.message.finish_reason == "content_filter"


def test_guardrail_without_any_stop_word_still_finishes() -> None:
    obj = {"outputs": [{"text": "Blocked.", "stop_reason": None}]}
    verdict = {"amazon-bedrock-guardrailAction": "INTERVENED"}
    events = events_of(stream(obj, verdict))
    assert events[-2:] == [Finish(reason="content_filter", raw_reason="INTERVENED"), Done()]
    assert Other(kind="chunk") in events  # the verdict-only object, kept


# --- reasoning tags ---------------------------------------------------------------------------


def test_deepseek_without_an_opening_tag_is_all_text() -> None:
    """A prompt that opened <think> itself leaves nothing marking where reasoning starts."""
    objects = [
        {"choices": [{"text": "Thinking.</think>", "stop_reason": None}]},
        {"choices": [{"text": " Answer.", "stop_reason": "stop"}]},
    ]
    acc = accumulate(events_of(stream(*objects)))
    assert (acc.message.text, acc.message.reasoning) == ("Thinking.</think> Answer.", "")


def test_unclosed_reasoning_is_reasoning_at_the_end() -> None:
    objects = [{"choices": [{"text": "<think>still going </th", "stop_reason": None}]}]
    events = events_of(stream(*objects))
    assert [e for e in events if isinstance(e, (TextDelta, ReasoningDelta))] == [
        ReasoningDelta(text="still going "),
        ReasoningDelta(text="</th"),
    ]
    assert events[-1] == Done(clean=False)


@pytest.mark.parametrize("first", ["<", "<reason", "  \n", " <reasoning"])
def test_a_text_that_only_looks_like_the_tag_is_text(first: str) -> None:
    chunk_of = dict(GPT_OSS[1])
    objects = [
        {**chunk_of, "choices": [{"index": 0, "delta": {"content": first}}]},
        {**chunk_of, "choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "stop"}]},
    ]
    acc = accumulate(events_of(stream(*objects)))
    assert (acc.message.text, acc.message.reasoning) == (first + "x", "")


def split_reference(text: str, tag: str) -> tuple[str, str]:
    """(reasoning, text) of a whole answer: an answer opening with <tag> (after whitespace,
    which is dropped) reasons up to </tag>; any other answer is all text."""
    body = text.lstrip()
    if not body.startswith(f"<{tag}>"):
        return "", text
    rest = body[len(tag) + 2 :]
    end = rest.find(f"</{tag}>")
    return (rest, "") if end < 0 else (rest[:end], rest[end + len(tag) + 3 :])


PIECES = ["<think>", "</think>", "<th", "ink>", "</", "<", ">", " ", "\n", "a", "think", "/"]


@given(
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.lists(st.integers(min_value=0, max_value=60), max_size=6),
)
def test_leading_tag_split_is_the_same_for_any_cut(text: str, cuts: list[int]) -> None:
    bounds = sorted({min(c, len(text)) for c in cuts})
    parts = [text[a:b] for a, b in zip([0, *bounds], [*bounds, len(text)], strict=True)]
    splitter = _LeadingTag("think")
    pieces = [p for part in parts for p in splitter.feed(part)] + splitter.flush()
    assert all(piece for _, piece in pieces)
    reasoning = "".join(piece for is_reasoning, piece in pieces if is_reasoning)
    answer = "".join(piece for is_reasoning, piece in pieces if not is_reasoning)
    assert (reasoning, answer) == split_reference(text, "think")
    # Reasoning never follows text.
    kinds = [is_reasoning for is_reasoning, _ in pieces]
    assert kinds == sorted(kinds, reverse=True)


# --- what is not understood is reported, not fatal ------------------------------------------


def test_unknown_family_is_reported_and_the_next_object_decides() -> None:
    data = stream({"completely": "new"}, *TITAN)
    events = events_of(data)
    assert isinstance(events[0], Malformed) and events[0].offset == 0
    assert "no Bedrock model family" in events[0].message
    assert json.loads(events[0].raw) == {"completely": "new"}  # the decoded object's JSON
    acc = accumulate(events)
    assert acc.message.text == "Hello, world."
    assert events[-1] == Done(clean=True)


def test_unknown_family_only() -> None:
    events = events_of(stream({"completely": "new"}))
    assert [type(e) for e in events] == [Malformed, Done]
    assert events[-1] == Done(clean=False)


def test_metrics_only_object_is_not_a_family_problem() -> None:
    events = events_of(stream({"amazon-bedrock-invocationMetrics": METRICS}))
    usage = Usage(prompt_tokens=12, completion_tokens=7, total_tokens=19)
    assert events == [usage, Done(clean=False)]


def test_wrong_answer_types_are_reported_and_the_rest_is_kept() -> None:
    first = chunk(TITAN[0])
    bad = {**TITAN[1], "outputText": 5, "totalOutputTextTokenCount": "7"}
    events = events_of(first + chunk(bad))
    malformed = [e for e in events if isinstance(e, Malformed)]
    assert len(malformed) == 1 and malformed[0].offset == len(first)
    assert "outputText is int" in malformed[0].message
    assert "totalOutputTextTokenCount is '7'" in malformed[0].message
    acc = accumulate(events)
    assert acc.message.text == "Hello"
    assert acc.message.finish_reason == "stop"
    assert usage_tuple(acc.usage) == (12, 3, 15)  # the bad count is not guessed
    assert events[-1] == Done(clean=True)


def test_a_delegate_dialects_verdict_becomes_malformed() -> None:
    first = chunk(NOVA[0])
    bad = {"contentBlockDelta": {"delta": {"text": 5}, "contentBlockIndex": 0}}
    events = events_of(first + chunk(bad) + stream(*NOVA[3:]))
    [malformed] = [e for e in events if isinstance(e, Malformed)]
    assert malformed.offset == len(first) and "delta.text is not a string" in malformed.message
    assert events[-1] == Done(clean=True)


HELLO = TextDelta(text="Hello")
FINISHED = Finish(reason="stop", raw_reason="FINISHED")


@pytest.mark.parametrize(
    ("before", "bad", "kept"),
    [
        ([], {"completely": "new"}, []),
        (
            [TITAN[0]],
            {**TITAN[1], "outputText": 5},
            [HELLO, FINISHED, Usage(prompt_tokens=12, completion_tokens=7, total_tokens=19)],
        ),
        (
            [TITAN[0]],
            {**TITAN[1], "totalOutputTextTokenCount": True},
            [
                HELLO,
                TextDelta(text=", world."),
                FINISHED,
                Usage(prompt_tokens=12, completion_tokens=3, total_tokens=15),
            ],
        ),
        ([TITAN[0]], b"not json", [HELLO]),
    ],
    ids=["unknown", "text", "count", "json"],
)
def test_strict_raises_at_the_chunk_after_its_events(
    before: list[Any], bad: Any, kept: list[Any]
) -> None:
    # Events before a fault are kept (DESIGN §2), the bad chunk's own included: with strict
    # the parser returns them, then raises at the chunk; without, Malformed follows them.
    first = stream(*before)
    factory = partial(StreamParser, "bedrock-invoke")
    events = check_bad_record(factory, first + chunk(bad), offset=len(first), before=kept)
    assert events[len(kept)] == Malformed(message=events[len(kept)].message, offset=len(first))


def test_an_object_with_nothing_of_its_family_is_kept() -> None:
    events = events_of(stream(TITAN[0], {"completely": "new"}))
    assert events[1:] == [Other(kind="chunk"), Done(clean=False)]


def test_registry_and_claims() -> None:
    assert dialect_class("bedrock-invoke") is BedrockInvokeDialect
    decoder = EventStreamDecoder()
    [record] = decoder.feed(chunk(TITAN[0]))
    assert BedrockInvokeDialect.claims(record)
    converse = encode_event_stream(
        {":event-type": "messageStart", ":message-type": "event"}, b'{"role":"assistant"}'
    )
    [other] = decoder.feed(converse)
    assert not BedrockInvokeDialect.claims(other)
    assert invoke_family({"amazon-bedrock-invocationMetrics": {}}) is None
    assert invoke_family([1]) is None
    assert invoke_family({"choices": []}) == "openai"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000])
def test_a_too_deep_chunk_is_reported_on_every_python(depth: int) -> None:
    """A chunk's JSON is read under sseparse._json's rules (nesting at most MAX_DEPTH), not
    the interpreter's own limits, which differ between Pythons."""
    first = chunk(TITAN[0])
    deep = b'{"outputText": ' + b"[" * depth + b"]" * depth + b"}"
    parser = StreamParser("bedrock-invoke")
    events = parser.feed(first + chunk(deep)) + parser.close()
    [bad] = [e for e in events if isinstance(e, Malformed)]
    assert bad.offset == len(first) and f"deeper than {MAX_DEPTH}" in bad.message
    assert parse_whole(first)[:-1] == [e for e in events if not isinstance(e, Malformed)][:-1]
