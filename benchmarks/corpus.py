"""The benchmarks' corpora, in one place: generated, deterministic (fixed seeds, no clock),
each shaped like the recorded captures in ``tests/data/captures``.

OpenAI Chat Completions, as the API streams today: one ``data: {chat.completion.chunk}``
event per token or few tokens, with ``id``, ``object``, ``created``, ``model``,
``service_tier``, ``system_fingerprint``, ``choices[0].delta``, ``logprobs``,
``finish_reason``, ``usage`` and the ``obfuscation`` padding; then a finish chunk, a usage
chunk and ``data: [DONE]``:

* ``openai_text()``: a long answer, one to four tokens per chunk, some non-ASCII (about 5 MB, 16 000
  events);
* ``openai_tool_calls()``: two parallel tool calls whose JSON arguments arrive a few
  characters per chunk (about 2 MB, 5 500 events);
* ``openai_big_event()``: one chunk of 8 MiB between the usual small ones.

Others: ``anthropic_messages()`` (Messages SSE, ``event:`` + ``data:`` lines),
``gemini_text()`` (``alt=sse``, CRLF line ends), ``openrouter_keepalive()`` (keep-alive
comments between chunks), ``bedrock_converse()`` (AWS event-stream, texts from the captures)
and ``ollama_chat()`` (NDJSON). ``CORPORA`` describes each for ``bench_fragments.py``, with a
maker that gives it at about any size.

All are cached: calling one again with the same arguments returns the same ``bytes`` object.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sseparse.encode import encode_event_stream

__all__ = [
    "CORPORA",
    "Corpus",
    "anthropic_messages",
    "bedrock_converse",
    "gemini_text",
    "ollama_chat",
    "openai_big_event",
    "openai_text",
    "openai_tool_calls",
    "openrouter_keepalive",
    "per_event",
    "split_events",
]

_TOKENS = (
    "The", " stream", " carries", " one", " token", " at", " a", " time", ",", " so", " the",
    " client", " sees", " text", " early", ".", " Café", " naïve", " 東京", " 🚀", "\n\n",
    ' "quoted"', " 42", " %", " é", " and", " then", " some", " more", "\\", "\t",
)  # fmt: skip
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Writer:
    """Builds ``chat.completion.chunk`` events the way the API lays them out."""

    def __init__(self, seed: int, model: str = "gpt-4o-2024-08-06") -> None:
        self.rng = random.Random(seed)
        self.id = "chatcmpl-" + "".join(self.rng.choice(_ALPHABET) for _ in range(29))
        self.model = model
        self.events: list[str] = []

    def chunk(
        self, delta: dict[str, Any] | None, finish: str | None = None, usage: Any = None
    ) -> None:
        choices = [] if delta is None else [
            {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        ]  # fmt: skip
        body = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": 1760000000,
            "model": self.model,
            "service_tier": "default",
            "system_fingerprint": "fp_8d1b5e9e1a",
            "choices": choices,
            "usage": usage,
            "obfuscation": "".join(
                self.rng.choice(_ALPHABET) for _ in range(self.rng.randint(1, 12))
            ),
        }
        self.events.append("data: " + _compact(body) + "\n\n")

    def finish(self, reason: str, completion_tokens: int) -> bytes:
        self.chunk({}, reason)
        usage = {
            "prompt_tokens": 512,
            "completion_tokens": completion_tokens,
            "total_tokens": 512 + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        self.chunk(None, usage=usage)
        self.events.append("data: [DONE]\n\n")
        return "".join(self.events).encode()


@cache
def openai_text(chunks: int = 16_000, seed: int = 1) -> bytes:
    """A text answer streamed over *chunks* events (about 5 MB)."""
    w = _Writer(seed)
    w.chunk({"role": "assistant", "content": "", "refusal": None})
    for _ in range(chunks):
        n = w.rng.choice((1, 1, 1, 2, 2, 3, 4))
        w.chunk({"content": "".join(w.rng.choice(_TOKENS) for _ in range(n))})
    return w.finish("stop", chunks)


@cache
def openai_tool_calls(query_tokens: int = 3_000, seed: int = 2) -> bytes:
    """Two parallel tool calls whose arguments (a query of *query_tokens* tokens and a few
    other fields) arrive one to eight characters per event (about 2 MB)."""
    w = _Writer(seed)
    w.chunk({"role": "assistant", "content": None, "refusal": None})
    for index, name in enumerate(("search_documents", "create_ticket")):
        call_id = "call_" + "".join(w.rng.choice(_ALPHABET) for _ in range(24))
        first = {
            "index": index,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        w.chunk({"tool_calls": [first]})
        arguments = _compact(
            {
                "query": "".join(w.rng.choice(_TOKENS) for _ in range(query_tokens)),
                "filters": {"year": [2023, 2024], "lang": "fr", "tags": ["a", "b", "ç"]},
                "limit": 25,
            }
        )
        i = 0
        while i < len(arguments):
            size = w.rng.randint(1, 8)
            piece = arguments[i : i + size]
            i += size
            w.chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    return w.finish("tool_calls", len(w.events))


def per_event(data: bytes) -> list[bytes]:
    """*data* (LF-framed SSE) cut after each event's blank line: one event per fragment."""
    return [block + b"\n\n" for block in data.split(b"\n\n")[:-1]]


# -- Anthropic Messages (moved from bench_anthropic.py) ------------------------------------

_ANTHROPIC_WORDS = (
    "The", " model", " streams", " one", " token", " per", " event", ",", " and", " each",
    " event", " is", " a", " JSON", " object", ".", " Ünïcödé", " 😀", ' "quoted"', "\n",
    " tool", " call", "s", " arrive", " as", " partial", " JSON",
)  # fmt: skip


def _anthropic_event(obj: dict[str, Any]) -> str:
    return f"event: {obj['type']}\ndata: {json.dumps(obj, ensure_ascii=False, separators=(',', ':'))}\n\n"


def anthropic_messages(
    text_events: int = 24_000, json_events: int = 3_000, seed: int = 11
) -> bytes:
    """A deterministic Anthropic Messages stream (about 3 MB)."""
    rng = random.Random(seed)
    out = [
        _anthropic_event(
            {
                "type": "message_start",
                "message": {
                    "id": "msg_01BenchmarkCorpus000000000",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-sonnet-4-20250514",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": 427,
                        "cache_creation_input_tokens": 0,
                        "cache_read_input_tokens": 0,
                        "output_tokens": 1,
                        "service_tier": "standard",
                    },
                },
            }
        ),
        _anthropic_event(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            }
        ),
        'event: ping\ndata: {"type": "ping"}\n\n',
    ]
    for _ in range(text_events):
        words = "".join(rng.choice(_ANTHROPIC_WORDS) for _ in range(rng.randint(1, 4)))
        out.append(
            _anthropic_event(
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": words},
                }
            )
        )
    out.append(_anthropic_event({"type": "content_block_stop", "index": 0}))
    out.append(
        _anthropic_event(
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {
                    "type": "tool_use",
                    "id": "toolu_01BenchmarkCorpus0000000",
                    "name": "write_report",
                    "input": {},
                },
            }
        )
    )
    out.append(
        _anthropic_event(
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": ""},
            }
        )
    )
    for i in range(json_events):
        piece = '{"lines": [' if i == 0 else f'"line {i}: {rng.choice(_ANTHROPIC_WORDS)}", '
        if i == json_events - 1:
            piece = '"end"]}'
        out.append(
            _anthropic_event(
                {
                    "type": "content_block_delta",
                    "index": 1,
                    "delta": {"type": "input_json_delta", "partial_json": piece},
                }
            )
        )
    out.append(_anthropic_event({"type": "content_block_stop", "index": 1}))
    out.append(
        _anthropic_event(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                "usage": {"output_tokens": text_events + json_events},
            }
        )
    )
    out.append(_anthropic_event({"type": "message_stop"}))
    return "".join(out).encode()


# -- candidates: each returns how many events it parsed -------------------------------------


# -- Bedrock ConverseStream, AWS event-stream (moved from bench_eventstream.py) -------------

CAPTURES = Path(__file__).resolve().parent.parent / "tests" / "data" / "captures"
BEDROCK_SIZE = 3_000_000


def _frame(rng: random.Random, event_type: str, body: dict[str, Any]) -> bytes:
    # Bedrock's padding: a random-length run of letters and digits, first key of the payload.
    pad = "".join(
        rng.choices(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=rng.randint(1, 60)
        )
    )
    payload = json.dumps({"p": pad, **body}, separators=(",", ":")).encode()
    headers = {
        ":event-type": event_type,
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_event_stream(headers, payload)


def _capture_texts() -> list[str]:
    """The text deltas of the recorded ConverseStream captures (framed with botocore)."""
    from botocore.eventstream import EventStreamBuffer

    texts: list[str] = []
    for path in sorted(CAPTURES.glob("bedrock-converse-*.eventstream")):
        buffer = EventStreamBuffer()
        buffer.add_data(path.read_bytes())
        for message in buffer:
            delta = json.loads(message.payload).get("delta", {})
            if delta.get("text"):
                texts.append(delta["text"])
    return texts


def bedrock_converse(size: int = BEDROCK_SIZE, seed: int = 1) -> bytes:
    """One ConverseStream response of about *size* bytes."""
    rng = random.Random(seed)
    texts = _capture_texts()
    frames = [_frame(rng, "messageStart", {"role": "assistant"})]
    total = len(frames[0])
    block = 0
    while total < size:
        if block % 10 == 9:
            start = {"toolUse": {"toolUseId": f"tooluse_{block:022d}", "name": "get_temperature"}}
            parts = [_frame(rng, "contentBlockStart", {"contentBlockIndex": block, "start": start})]
            for piece in ('{"city":', '"Paris",', '"unit":"C"}'):
                delta = {"toolUse": {"input": piece}}
                parts.append(
                    _frame(rng, "contentBlockDelta", {"contentBlockIndex": block, "delta": delta})
                )
        else:
            parts = [
                _frame(
                    rng,
                    "contentBlockDelta",
                    {"contentBlockIndex": block, "delta": {"text": rng.choice(texts)}},
                )
                for _ in range(20)
            ]
        parts.append(_frame(rng, "contentBlockStop", {"contentBlockIndex": block}))
        frames += parts
        total += sum(map(len, parts))
        block += 1
    frames.append(_frame(rng, "messageStop", {"stopReason": "end_turn"}))
    usage = {"inputTokens": 577, "outputTokens": 91000, "totalTokens": 91577}
    frames.append(_frame(rng, "metadata", {"usage": usage, "metrics": {"latencyMs": 2233}}))
    return b"".join(frames)


# -- Ollama /api/chat NDJSON (moved from bench_ndjson.py) ------------------------------------

_OLLAMA_WORDS = (
    "the", " model", " streams", " one", " token", " per", " line", ",", " and", " each",
    " line", " is", " a", " JSON", " object", ".", " Ünïcödé", " 😀", ' "quoted"', "\\n",
)  # fmt: skip


def ollama_chat(lines: int = 30_000, seed: int = 7) -> bytes:
    """An Ollama ``/api/chat`` stream of *lines* chunks (about 4 MB), then the done line."""
    rng = random.Random(seed)
    out = []
    for i in range(lines):
        stamp = f"2025-05-01T10:{i // 6000 % 60:02d}:{i // 100 % 60:02d}.{i % 1000000:06d}Z"
        message = {"role": "assistant", "content": rng.choice(_OLLAMA_WORDS)}
        obj = {"model": "llama3.1", "created_at": stamp, "message": message, "done": False}
        out.append(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
    out.append(
        json.dumps(
            {
                "model": "llama3.1",
                "created_at": "2025-05-01T11:00:00.000000Z",
                "message": {"role": "assistant", "content": ""},
                "done_reason": "stop",
                "done": True,
                "total_duration": 1006884459,
                "prompt_eval_count": 13,
                "eval_count": lines,
            },
            separators=(",", ":"),
        )
    )
    return ("\n".join(out) + "\n").encode()


# -- Gemini streamGenerateContent?alt=sse: CRLF-framed, Google's JSON layout ----------------


@cache
def gemini_text(nbytes: int = 1_000_000, seed: int = 5) -> bytes:
    """A Gemini ``alt=sse`` text answer of about *nbytes*: ``data: {...}\\r\\n\\r\\n`` events
    (CRLF, as Google sends them), each a ``candidates[0].content.parts[0].text`` of a few dozen
    to a few hundred characters with the running ``usageMetadata``, ``modelVersion`` and
    ``responseId``, laid out as the captures are (``": "`` after keys, ``","`` between items);
    the last one carries ``finishReason``."""
    rng = random.Random(seed)
    response_id = "".join(rng.choice(_ALPHABET) for _ in range(22))
    out: list[bytes] = []
    total = 0
    tokens = 0
    while True:
        text = "".join(rng.choice(_TOKENS) for _ in range(rng.randint(8, 60)))
        tokens += len(text) // 4 + 1
        last = total >= nbytes
        candidate: dict[str, Any] = {"content": {"parts": [{"text": text}], "role": "model"}}
        if last:
            candidate["finishReason"] = "STOP"
        candidate["index"] = 0
        body = {
            "candidates": [candidate],
            "usageMetadata": {
                "promptTokenCount": 1581,
                "candidatesTokenCount": tokens,
                "totalTokenCount": 1581 + tokens,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 1581}],
                "thoughtsTokenCount": 38,
            },
            "modelVersion": "gemini-2.5-flash",
            "responseId": response_id,
        }
        event = (
            "data: " + json.dumps(body, ensure_ascii=False, separators=(",", ": ")) + "\r\n\r\n"
        ).encode()
        out.append(event)
        total += len(event)
        if last:
            return b"".join(out)


# -- keep-alive comments: an OpenRouter-style stream --------------------------------------------


@cache
def openrouter_keepalive(nbytes: int = 1_000_000, seed: int = 6) -> bytes:
    """An OpenRouter chat stream of about *nbytes*: ``: OPENROUTER PROCESSING`` comments (the
    keep-alives OpenRouter sends while a provider thinks, one or several at a time) between
    ``chat.completion.chunk`` events with OpenRouter's fields (``provider``,
    ``native_finish_reason``), then ``data: [DONE]``."""
    rng = random.Random(seed)
    gen_id = "gen-1773012759-" + "".join(rng.choice(_ALPHABET) for _ in range(20))
    out: list[str] = []
    total = 0

    def chunk(delta: dict[str, Any], finish: str | None = None) -> None:
        nonlocal total
        body = {
            "id": gen_id,
            "object": "chat.completion.chunk",
            "created": 1773012759,
            "model": "anthropic/claude-4.6-sonnet-20260217",
            "provider": "Amazon Bedrock",
            "choices": [
                {
                    "index": 0,
                    "delta": delta,
                    "finish_reason": finish,
                    "native_finish_reason": finish,
                }
            ],
        }
        event = "data: " + _compact(body) + "\n\n"
        out.append(event)
        total += len(event.encode())

    while total < nbytes:
        for _ in range(rng.choice((0, 0, 1, 1, 2, 4))):
            out.append(": OPENROUTER PROCESSING\n\n")
            total += 25
        n = rng.choice((1, 2, 3))
        chunk({"content": "".join(rng.choice(_TOKENS) for _ in range(n)), "role": "assistant"})
    chunk({"content": "", "role": "assistant"}, "stop")
    out.append("data: [DONE]\n\n")
    return "".join(out).encode()


# -- one very large event ------------------------------------------------------------------


@cache
def openai_big_event(nbytes: int = 8 << 20, seed: int = 7) -> bytes:
    """An OpenAI chat stream whose second event is one ``chat.completion.chunk`` of about
    *nbytes* (8 MiB by default: a whole document, or an image as base64, in one delta), with
    the role chunk before it and the finish chunk, usage chunk and ``data: [DONE]`` after."""
    w = _Writer(seed)
    w.chunk({"role": "assistant", "content": "", "refusal": None})
    # Text with line breaks, quotes and non-ASCII, so JSON escapes are on the way.
    pieces: list[str] = []
    size = 0
    while size < nbytes - 400:
        token = w.rng.choice(_TOKENS)
        pieces.append(token)
        size += len(_compact(token).encode()) - 2
    w.chunk({"content": "".join(pieces)})
    return w.finish("stop", len(pieces))


# -- the corpora of bench_fragments.py, each at any size ----------------------------------


@dataclass(frozen=True)
class Corpus:
    """One corpus of the fragment-size benchmark: how to make it at about *n* bytes, which
    framing it uses and which dialect reads it."""

    name: str
    title: str
    format: str  # "sse", "eventstream" or "ndjson"
    dialect: str  # the StreamParser dialect that reads it
    separator: bytes  # what ends an event (SSE) or a line (NDJSON); b"" for event-stream
    make: Callable[[int], bytes]  # about n bytes of it (deterministic, cached)


def _openai_text_sized(n: int) -> bytes:
    return openai_text(chunks=max(4, n // 329))


def _openai_tools_sized(n: int) -> bytes:
    return openai_tool_calls(query_tokens=max(4, n // 673))


def _anthropic_sized(n: int) -> bytes:
    events = max(10, n // 130)
    return _anthropic_cached(events * 8 // 9, events // 9)


@cache
def _anthropic_cached(text_events: int, json_events: int) -> bytes:
    return anthropic_messages(text_events, max(2, json_events))


@cache
def _bedrock_sized(n: int) -> bytes:
    return bedrock_converse(n)


@cache
def _ollama_sized(n: int) -> bytes:
    return ollama_chat(max(2, n // 126))


CORPORA: tuple[Corpus, ...] = (
    Corpus("openai-text", "OpenAI chat, text", "sse", "openai", b"\n\n", _openai_text_sized),
    Corpus(
        "openai-tools",
        "OpenAI chat, parallel tool calls",
        "sse",
        "openai",
        b"\n\n",
        _openai_tools_sized,
    ),
    Corpus("anthropic", "Anthropic Messages", "sse", "anthropic", b"\n\n", _anthropic_sized),
    Corpus("gemini-crlf", "Gemini (CRLF)", "sse", "gemini", b"\r\n\r\n", gemini_text),
    Corpus(
        "keepalive",
        "OpenRouter, keep-alive comments",
        "sse",
        "openai",
        b"\n\n",
        openrouter_keepalive,
    ),
    Corpus("big-event", "one very large event", "sse", "openai", b"\n\n", openai_big_event),
    Corpus(
        "bedrock",
        "Bedrock ConverseStream (event-stream)",
        "eventstream",
        "bedrock-converse",
        b"",
        _bedrock_sized,
    ),
    Corpus("ndjson", "Ollama NDJSON", "ndjson", "ollama", b"\n", _ollama_sized),
)


def split_events(corpus: Corpus, data: bytes) -> list[bytes]:
    """*data* cut after each event (SSE), line (NDJSON) or message (event-stream): one per
    fragment."""
    if corpus.format == "eventstream":
        out = []
        at = 0
        while at < len(data):
            size = int.from_bytes(data[at : at + 4], "big")
            out.append(data[at : at + size])
            at += size
        return out
    sep = corpus.separator
    return [block + sep for block in data.split(sep)[:-1]]
