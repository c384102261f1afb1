"""The optional compiled build (docs/compiled.md): what differs in a compiled class, checked in
whichever build runs the suite (.ci/run runs a part of it against the installed compiled wheel,
with SSEPARSE_EXPECT_COMPILED=1)."""

from __future__ import annotations

import inspect
import os

import pytest

from sseparse import (
    EventStreamDecoder,
    JSONLinesDecoder,
    LimitExceeded,
    SSEDecoder,
    StreamParser,
    UsageError,
)
from sseparse._compiled import COMPILED, MODULES
from sseparse._protocol import Decoder
from sseparse.detect import _COMPILED_OPTIONS
from sseparse.encode import encode_event_stream

DATA = b'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n'


def test_the_build_is_the_one_expected() -> None:
    # .ci/run sets this where it installed the compiled wheel: the suite must not silently
    # test the pure modules there.
    expected = os.environ.get("SSEPARSE_EXPECT_COMPILED") == "1"
    assert expected == COMPILED
    # All or none: a half-compiled set would mean a stale build.
    assert all(str(module.__file__).endswith(".py") for module in MODULES) != COMPILED


@pytest.mark.parametrize("cls", [SSEDecoder, JSONLinesDecoder, EventStreamDecoder])
def test_the_option_names_of_a_compiled_decoder_are_its_signature(cls: type) -> None:
    # A compiled class shows no signature: "auto" takes its options from _COMPILED_OPTIONS.
    shown = set(inspect.signature(cls).parameters)
    assert shown == (set() if COMPILED else set(_COMPILED_OPTIONS[cls.__name__]))
    assert set(_COMPILED_OPTIONS) == {
        SSEDecoder.__name__,
        JSONLinesDecoder.__name__,
        EventStreamDecoder.__name__,
    }


def test_auto_passes_each_compiled_decoder_its_options() -> None:
    parser = StreamParser(max_event_size=64, last_event_id="7", comments=True)
    assert parser.feed(DATA) != [] and parser.last_event_id == "7"
    lines = StreamParser(max_line_size=8, max_event_size=64)
    with pytest.raises(LimitExceeded):
        lines.feed(b'{"message": {"content": "too long for eight bytes"}}\n')
    frame = encode_event_stream({":event-type": "chunk"}, b'{"bytes": "longer than four"}')
    with pytest.raises(LimitExceeded):
        StreamParser(max_payload_size=4).feed(frame)
    assert StreamParser().feed(frame) != []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dialect": 1}, "dialect must be a str"),
        ({"dialect": "openai", "format": b"sse"}, "format must be a str"),
        ({"dialect": "openai", "strict": 1}, "strict must be True or False"),
        ({"dialect": "openai", "fast": 0}, "fast must be True or False"),
        ({"dialect": "openai", "max_event_size": "1"}, "max_event_size must be a positive int"),
        ({"dialect": "openai", "last_event_id": 7}, "last_event_id must be a str"),
        ({"dialect": "ollama", "max_line_size": "1"}, "max_line_size must be an int"),
    ],
)
def test_constructor_arguments_of_the_wrong_type_are_usage_errors(
    kwargs: dict[str, object], message: str
) -> None:
    # Compiled code checks the declared type of an argument itself (TypeError): the
    # constructors declare object and check it here.
    with pytest.raises(UsageError, match=message):
        StreamParser(**kwargs)  # type: ignore[arg-type]


def test_compiled_decoders_check_their_own_arguments() -> None:
    with pytest.raises(UsageError, match="fast must be True or False"):
        JSONLinesDecoder(fast=1)
    with pytest.raises(UsageError, match="max_line_size must be an int"):
        JSONLinesDecoder(max_line_size=None)
    with pytest.raises(UsageError, match="max_event_size must be a positive int"):
        SSEDecoder(max_event_size=2.5)
    with pytest.raises(UsageError, match="max_payload_size must be an int"):
        EventStreamDecoder(max_payload_size="8")


def test_interpreted_subclasses_of_compiled_classes() -> None:
    class Counting(Decoder[int]):
        """A framing of one's own on the compiled base: one item per fed fragment."""

        def _decode(self, data: bytes, out: list[int]) -> None:
            out.append(len(data))

        def _finish(self, out: list[int]) -> None:
            out.append(0)

    decoder = Counting()
    assert decoder.feed(b"abc") == [3] and decoder.close() == [0]

    class Generic(StreamParser):
        _allow_sinks = False  # a class attribute a subclass may override

    parser, plain = Generic("openai"), StreamParser("openai")
    assert parser.feed(DATA) == plain.feed(DATA) != []
    assert not parser._sinks and plain._sinks
