"""``python -m sseparse``, run as a subprocess on captures and on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from sseparse import StreamParser
from sseparse.accumulate import Accumulator

from .captures import CAPTURES, read


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sseparse", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


def capture(name: str) -> str:
    return str(CAPTURES / name)


def test_readable_view() -> None:
    result = run(capture("openai-chat-parallel-tool-calls.sse"))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.startswith("StreamStart(id='chatcmpl-ABfwAwrNePHUgBBezonVC6MX3zd63'")
    assert "tool call 0: GetWeatherArgs id=call_JMW1whyEaYG438VE1OIflxA2" in out
    assert '{"ticker": "AAPL", "exchange": "NASDAQ"}' in out
    assert "finish: tool_calls (tool_calls)" in out
    assert "usage: prompt_tokens=149 completion_tokens=60 total_tokens=209" in out
    assert out.rstrip().endswith("end: clean")
    assert result.stderr == b""


def test_events_as_json_lines_match_the_parser() -> None:
    name = "openai-chat-n3.sse"
    result = run("--events", capture(name))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    parser = StreamParser("openai")
    events = parser.feed(read(name)) + parser.close()
    assert [line["event"] for line in lines] == [type(e).__name__ for e in events]
    assert lines[1] == {"event": "TextDelta", "text": '{"', "choice": 0}
    assert lines[-1] == {"event": "Done", "clean": True}
    assert "raw" not in lines[1]


def test_events_with_raw() -> None:
    result = run("--events", "--raw", capture("mistral-chat-tool-call.sse"))
    first = json.loads(result.stdout.decode().splitlines()[0])
    assert first["raw"]["id"] == "c914241267cc4fb89a1d3e32713fd596"


def test_message_json_from_stdin() -> None:
    name = "openrouter-openai-chat-midstream-error-reasoning-max-tokens-comments.sse"
    result = run("--message", "-", stdin=read(name))
    assert result.returncode == 0, result.stderr
    message: dict[str, Any] = json.loads(result.stdout)
    assert message["messages"][0]["reasoning"] == "We need to respond to a greeting. The user"
    assert message["messages"][0]["finish_reason"] == "length"
    assert message["errors"] == [{"message": "Token limit reached", "type": None, "code": "400"}]
    assert message["usage"]["total_tokens"] == 53
    assert (message["done"], message["clean"]) == (True, True)


def test_openai_rendering_and_explicit_dialect() -> None:
    name = "mistral-chat-parallel-tool-calls.sse"
    result = run("--openai", "--dialect", "mistral", capture(name))
    completion = json.loads(result.stdout)
    acc = Accumulator()
    parser = StreamParser("mistral")
    acc.feed(parser.feed(read(name)) + parser.close())
    assert completion == acc.to_openai()
    assert [c["function"]["name"] for c in completion["choices"][0]["message"]["tool_calls"]] == [
        "plus",
        "minus",
    ]


def test_detects_other_apis() -> None:
    result = run("--message", capture("anthropic-messages-citations.sse"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["provider"] == "anthropic"


@pytest.mark.parametrize(
    ("args", "stdin", "status", "message"),
    [
        (("-",), b"<html>502 Bad Gateway</html>", 1, b"UndetectableStream"),
        (("-",), b"", 1, b"UndetectableStream"),
        (("--dialect", "openai", "--strict", "-"), b"data: {bad\n\n", 1, b"MalformedPayload"),
        (("--dialect", "nope", "-"), b"data: [DONE]\n\n", 2, b"unknown dialect 'nope'"),
        (("/nonexistent/stream.sse",), b"", 2, b"cannot read /nonexistent/stream.sse"),
    ],
)
def test_bad_input_one_line_error(
    args: tuple[str, ...], stdin: bytes, status: int, message: bytes
) -> None:
    result = run(*args, stdin=stdin)
    assert result.returncode == status
    assert message in result.stderr
    assert result.stderr.count(b"\n") == 1, result.stderr  # one line
    assert b"Traceback" not in result.stderr


def test_events_before_a_fault_are_still_printed() -> None:
    data = b'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: nope\n\n'
    result = run("--events", "--dialect", "openai", "--strict", "-", stdin=data)
    assert result.returncode == 1
    assert json.loads(result.stdout.decode().splitlines()[0])["text"] == "ok"
    assert b"MalformedPayload" in result.stderr


def test_a_bad_record_is_shown_and_the_stream_goes_on() -> None:
    bad = b"data: nope\n\n"
    good = b'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\n'
    result = run("--dialect", "openai", "-", stdin=bad + good + b"data: [DONE]\n\n")
    assert result.returncode == 0, result.stderr
    assert b"malformed record at byte 0: payload is not valid JSON" in result.stdout
    assert b"text: 'ok'" in result.stdout
    assert b"end: clean" in result.stdout


def test_bad_arguments() -> None:
    result = run("--events", "--message", "x")
    assert result.returncode == 2
    assert b"not allowed with" in result.stderr
    assert b"Traceback" not in result.stderr
