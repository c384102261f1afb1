"""The command line: as a subprocess (the installed behaviour, exit status, stderr) and
in-process on every capture and on hostile input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest
from openai.types.chat import ChatCompletion

from sseparse import (
    Accumulator,
    Citation,
    Done,
    Event,
    Finish,
    KeepAlive,
    Malformed,
    OpenAIChatEncoder,
    Other,
    ReasoningSignature,
    ServerToolResult,
    StreamParser,
    StreamStart,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from sseparse.cli import main
from sseparse.cli._text import to_json
from sseparse.cli._view import View

from .captures import CAPTURES, captures, read

ENTRIES = captures()


def run(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sseparse", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
        env=env,
    )


def capture(name: str) -> str:
    return str(CAPTURES / name)


def strict_json(text: str) -> Any:
    """RFC 8259 JSON only: NaN and Infinity are refused."""

    def refuse(word: str) -> None:
        raise AssertionError(f"non-standard JSON constant {word}")

    return json.loads(text, parse_constant=refuse)


class Result:
    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def call(*args: str, stdin: bytes = b"") -> Result:
    """``main(args)`` in this process (fast), with its own stdin, stdout and stderr."""
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.StringIO()
    wrapper = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stdin = Stdin(stdin)  # type: ignore[assignment]
    sys.stdout, sys.stderr = wrapper, err
    try:
        status = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        status = int(exc.code or 0)
    finally:
        wrapper.flush()
        wrapper.detach()  # keep the BytesIO open
        sys.stdin, sys.stdout, sys.stderr = saved
    return Result(status, out.getvalue(), err.getvalue().encode())


class Stdin:
    """A stand-in for sys.stdin: bytes behind ``buffer``, a chosen ``isatty``."""

    def __init__(self, data: bytes, tty: bool = False) -> None:
        self.buffer = io.BytesIO(data)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_readable_view() -> None:
    result = run(capture("openai-chat-parallel-tool-calls.sse"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == (
        "# id=chatcmpl-ABfwAwrNePHUgBBezonVC6MX3zd63 model=gpt-4o-2024-08-06 provider=openai\n"
        "→ tool call GetWeatherArgs (call_JMW1whyEaYG438VE1OIflxA2): "
        '{"city": "Edinburgh", "country": "GB", "units": "c"}\n'
        "→ tool call get_stock_price (call_DNYTawLBoN8fj3KN6qU9N1Ou): "
        '{"ticker": "AAPL", "exchange": "NASDAQ"}\n'
        "— finish: tool_calls · tokens: 149 in / 60 out / 209 total · end: clean\n"
    )
    assert result.stderr == b""


def test_reasoning_dimmed_signature_shortened_and_no_colour_by_default() -> None:
    name = capture("anthropic-messages-thinking-text-tool-call.sse")
    plain = call(name).stdout.decode()
    assert "\x1b" not in plain  # not a terminal
    assert "thinking: The user is asking for the 100th Fibonacci number." in plain
    assert "[signature EvsCCkYICB…q5onzPORgB (512 chars)]" in plain
    assert "— finish: tool_calls (tool_use) ·" in plain
    coloured = call("--color", "always", name).stdout.decode()
    assert "\x1b[2mthinking: \x1b[0m\x1b[2mThe user" in coloured
    assert "\x1b[36m→ tool call compute_fib" in coloured


def test_verbose_shows_keepalives_and_multiple_choices_read_apart() -> None:
    name = "openrouter-openai-chat-midstream-error-reasoning-max-tokens-comments.sse"
    quiet, verbose = call(capture(name)), call("-v", capture(name))
    assert "[keep-alive]" not in quiet.stdout.decode()
    assert "[keep-alive]" in verbose.stdout.decode()
    assert "error: Token limit reached (code=400)" in quiet.stdout.decode()
    assert quiet.returncode == verbose.returncode == 3  # a provider error in the stream
    lines = call(capture("openai-chat-n3.sse")).stdout.decode().splitlines()
    assert lines[1:4] == [
        '{"city":"San Francisco","temperature":65,"units":"f"}',
        '[1] {"city":"San Francisco","temperature":61,"units":"f"}',
        '[2] {"city":"San Francisco","temperature":59,"units":"f"}',
    ]


HOSTILE = (
    b'data: {"id":"x\\u001b]0;pwned\\u0007","model":"m\\u009b2J","choices":[{"index":0,'
    b'"delta":{"content":"hi \\u001b[2J\\ud800 \\u202eevil\\nnext","tool_calls":[{"index":0,'
    b'"id":"c","type":"function","function":{"name":"f\\u001b[31m","arguments":"{\\"a\\":\\"\\u001b\\"}"}}]}}]}\n\n'
    b'data: {"error":{"message":"bad\\u001b[8m hidden","code":500}}\n\n'
    b"data: [DONE]\n\n"
)


def test_terminal_injection_is_escaped() -> None:
    result = call("--dialect", "openai", "-", stdin=HOSTILE)
    out = result.stdout.decode()
    assert b"Traceback" not in result.stderr
    assert result.returncode == 3
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\ud800"):
        assert bad not in out
    assert "id=x\\x1b]0;pwned\\x07 model=m\\x9b2J" in out
    assert "hi \\x1b[2J\\ud800 \\u202eevil\nnext" in out  # line feeds in text are kept
    assert "→ tool call f\\x1b[31m (c):" in out
    assert "error: bad\\x1b[8m hidden (code=500)" in out


def test_hostile_json_output_is_standard_utf8() -> None:
    data = HOSTILE.replace(b'"model":', b'"x":NaN,"model":')  # NaN: a malformed record now
    result = call("--events", "--raw", "--dialect", "openai", "-", stdin=data)
    result.stdout.decode("utf-8")  # valid UTF-8 although the text holds a lone surrogate
    lines = [strict_json(line) for line in result.stdout.decode().splitlines()]
    assert lines[0]["event"] == "Malformed"
    result = call("--events", "--dialect", "openai", "-", stdin=HOSTILE)
    lines = [strict_json(line) for line in result.stdout.decode().splitlines()]
    assert {"event": "TextDelta", "text": "hi \x1b[2J\ud800 \u202eevil\nnext", "choice": 0} in lines


def test_json_never_writes_non_finite_numbers() -> None:
    text = to_json({"x": float("nan"), "y": [float("inf"), -float("inf")], 3: 10**5000})
    assert strict_json(text) == {
        "x": "NaN",
        "y": ["Infinity", "-Infinity"],
        "3": "<int of 16610 bits>",
    }


def test_huge_usage_counts_are_shown_not_a_traceback() -> None:
    big = b"9" * 4300  # each parses; their sum is past the digit limit
    data = (
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"x",'
        b'"usage":{"input_tokens":'
        + big
        + b',"cache_read_input_tokens":'
        + big
        + b',"output_tokens":1}}}\n\n'
        b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    )
    for args in ((), ("-v",), ("--events",), ("--message",), ("--openai",)):
        result = call(*args, "-", stdin=data)
        assert result.returncode == 0, (args, result.stderr)
        assert "<int of 14286 bits>" in result.stdout.decode()
    result = call("--transcode", "openai", "-", stdin=data)
    assert result.returncode == 2 and b"cannot write as JSON" in result.stderr


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_every_capture(entry: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    path = capture(entry["file"])
    status = main([path])
    out = capsys.readouterr().out
    assert "\x1b" not in out and out.endswith("\n")
    acc = Accumulator()
    parser = StreamParser("auto")
    events = parser.feed(read(entry["file"])) + parser.close()
    acc.feed(events)
    assert status == (3 if acc.errors else (0 if acc.clean else 4))
    assert main(["--events", path]) == status
    lines = [strict_json(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"] for line in lines] == [type(e).__name__ for e in events]


def test_events_as_json_lines_match_the_parser() -> None:
    name = "openai-chat-n3.sse"
    result = call("--events", capture(name))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    parser = StreamParser("openai")
    events = parser.feed(read(name)) + parser.close()
    assert [line["event"] for line in lines] == [type(e).__name__ for e in events]
    assert lines[1] == {"event": "TextDelta", "text": '{"', "choice": 0}
    assert lines[-1] == {"event": "Done", "clean": True}
    assert "raw" not in lines[1]


def test_events_with_raw() -> None:
    result = call("--events", "--raw", capture("mistral-chat-tool-call.sse"))
    first = json.loads(result.stdout.decode().splitlines()[0])
    assert first["raw"]["id"] == "c914241267cc4fb89a1d3e32713fd596"


def test_message_json_from_stdin() -> None:
    name = "openrouter-openai-chat-midstream-error-reasoning-max-tokens-comments.sse"
    result = call("--message", "-", stdin=read(name))
    assert result.returncode == 3, result.stderr
    message: dict[str, Any] = json.loads(result.stdout)
    assert message["messages"][0]["reasoning"] == "We need to respond to a greeting. The user"
    assert message["messages"][0]["finish_reason"] == "length"
    assert message["errors"] == [{"message": "Token limit reached", "type": None, "code": "400"}]
    assert message["usage"]["total_tokens"] == 53
    assert (message["done"], message["clean"]) == (True, True)


def test_openai_rendering_and_explicit_dialect() -> None:
    name = "mistral-chat-parallel-tool-calls.sse"
    result = call("--openai", "--dialect", "mistral", capture(name))
    completion = json.loads(result.stdout)
    acc = Accumulator()
    parser = StreamParser("mistral")
    acc.feed(parser.feed(read(name)) + parser.close())
    assert completion == acc.to_openai()
    assert [c["function"]["name"] for c in completion["choices"][0]["message"]["tool_calls"]] == [
        "plus",
        "minus",
    ]


def test_openai_rendering_carries_the_provider_error() -> None:
    result = call("--openai", capture("google-gemini-http-404-json-error-body.sse"))
    assert result.returncode == 3
    completion = json.loads(result.stdout)
    assert completion["error"]["code"] == "404"
    ChatCompletion.model_validate(completion)


def test_transcode_streams_what_the_encoder_writes() -> None:
    name = "anthropic-messages-thinking-text-tool-call.sse"
    result = call("--transcode", "openai", capture(name))
    assert result.returncode == 0, result.stderr
    parser, encoder = StreamParser("anthropic"), OpenAIChatEncoder()
    expected = b"".join(encoder.encode(e) for e in parser.feed(read(name)) + parser.close())
    assert result.stdout == expected + encoder.close()
    result = call("--transcode", "anthropic", capture("openai-chat-parallel-tool-calls.sse"))
    assert result.stdout.startswith(b"event: message_start\n")
    assert result.stdout.endswith(b'event: message_stop\ndata: {"type":"message_stop"}\n\n')


def test_stats_on_stderr() -> None:
    result = call("--stats", "--message", capture("openai-chat-n3.sse"))
    assert result.returncode == 0
    line = result.stderr.decode()
    assert line.startswith("stats: first byte ")
    assert (
        "12968 bytes in 1 reads, 48 events (Done=1 Finish=3 StreamStart=1 TextDelta=42 Usage=1)"
        in line
    )
    assert "tokens/s" in line


def test_exit_status_for_an_unclean_end() -> None:
    result = call(capture("evroc-openai-chat-reasoning-no-terminal-event-no-usage.sse"))
    assert result.returncode == 4
    assert result.stdout.decode().rstrip().endswith("end: unclean")
    result = call("--dialect", "openai", "-", stdin=b'data: {"choices":[]}\n\n')
    assert result.returncode == 4


def test_bare_on_a_terminal_says_it_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Stdin(b"data: [DONE]\n\n", tty=True))
    assert main(["--dialect", "openai"]) == 0
    assert "reading the stream from standard input" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", Stdin(b"data: [DONE]\n\n"))
    assert main(["--dialect", "openai"]) == 0
    assert capsys.readouterr().err == ""


def test_no_color_and_auto(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    name = capture("anthropic-messages-thinking.sse")
    for no_color, coloured in (("", True), ("1", False)):
        monkeypatch.setenv("NO_COLOR", no_color)
        out = Tty()
        monkeypatch.setattr(sys, "stdout", out)
        main([name])
        assert ("\x1b[" in out.getvalue()) is coloured


@pytest.mark.parametrize(
    ("args", "stdin", "status", "message"),
    [
        (("-",), b"<html>502 Bad Gateway</html>", 1, b"UndetectableStream"),
        (("-",), b"", 1, b"UndetectableStream"),
        (("--dialect", "openai", "--strict", "-"), b"data: {bad\n\n", 1, b"MalformedPayload"),
        (("--dialect", "nope", "-"), b"data: [DONE]\n\n", 2, b"unknown dialect 'nope'"),
        (("/nonexistent/stream.sse",), b"", 2, b"cannot read /nonexistent/stream.sse"),
        (("--raw", "-"), b"", 2, b"--raw needs --events"),
        (("--max-event-size", "0", "-"), b"", 2, b"must be positive"),
        (("--max-event-size", "x", "-"), b"", 2, b"not an integer"),
        (
            ("--dialect", "openai", "--max-event-size", "8", "-"),
            b"data: 0123456789\n\n",
            1,
            b"LimitExceeded",
        ),
        (("--events", "--message", "x"), b"", 2, b"not allowed with"),
    ],
)
def test_bad_input_one_line_error(
    args: tuple[str, ...], stdin: bytes, status: int, message: bytes
) -> None:
    result = call(*args, stdin=stdin)
    assert result.returncode == status
    assert message in result.stderr
    assert b"Traceback" not in result.stderr


def test_events_before_a_fault_are_still_printed() -> None:
    data = b'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: nope\n\n'
    result = run("--events", "--dialect", "openai", "--strict", "-", stdin=data)
    assert result.returncode == 1
    assert json.loads(result.stdout.decode().splitlines()[0])["text"] == "ok"
    assert b"MalformedPayload" in result.stderr
    assert result.stderr.count(b"\n") == 1  # one line
    view = call("--dialect", "openai", "--strict", "-", stdin=data)
    assert view.stdout.decode().startswith("ok\n— finish: none · end: none (input ended early)")


def test_a_bad_record_is_shown_and_the_stream_goes_on() -> None:
    bad = b"data: nope\n\n"
    good = b'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\n'
    result = call("--dialect", "openai", "-", stdin=bad + good + b"data: [DONE]\n\n")
    assert result.returncode == 0, result.stderr
    assert b"[malformed record at byte 0: payload is not valid JSON" in result.stdout
    assert b"\nok\n" in result.stdout
    assert b"end: clean" in result.stdout


def test_usage_errors_from_the_installed_command_name_it() -> None:
    result = run("--raw", "-")
    assert result.returncode == 2
    assert result.stderr.startswith(b"usage: sseparse")
    assert b"--raw needs --events" in result.stderr


def test_view_of_every_event_kind() -> None:
    out = io.StringIO()
    view = View(out, color=False, verbose=True)
    acc = Accumulator()
    events: list[Event] = [
        StreamStart(),  # nothing known: no header line
        KeepAlive(),
        Other(kind="ping\x1b"),
        ReasoningSignature(signature="short"),
        ReasoningSignature(signature="r" * 40, redacted=True),
        ToolCallStart(index=0, id="s1", name="web_search", kind="server"),
        ToolCallEnd(index=0, id="s1", name="web_search", arguments="", kind="server"),
        ServerToolResult(tool_call_id="s1", kind="web_search_tool_result"),
        Citation(value={"url": "u" * 300}),
        ToolCallEnd(index=1, id="c", name="f", arguments='{"a":1}'),
        ToolCallDelta(index=2, arguments="{}"),
        Malformed(message="odd\x07", offset=12),
        Malformed(message="where?"),
        Usage(prompt_tokens=1),
        Finish(reason="stop"),
        Done(clean=False),
    ]
    for event in events:
        if not isinstance(event, ServerToolResult):  # the Accumulator does not take it yet
            acc.add(event)
        view.event(event)
    view.summary(acc)
    assert out.getvalue().splitlines() == [
        "[keep-alive]",
        "[other: ping\\x1b]",
        "[signature short]",
        "[redacted thinking rrrrrrrrrr…rrrrrrrrrr (40 chars)]",
        "→ server tool web_search (s1): ",
        "← web_search_tool_result for s1",
        "[citation " + '{"url": "' + "u" * 190 + "…]",
        '→ tool call f (c): {"a":1}',
        "→ tool call ?: {}",
        "[malformed record at byte 12: odd\\x07]",
        "[malformed record: where?]",
        "[" + repr(Usage(prompt_tokens=1)) + "]",
        "[Finish(reason='stop', raw_reason=None, choice=0)]",
        "[end: unclean]",
        "— finish: stop · tokens: 1 in · malformed records: 2 · end: unclean",
    ]


def test_json_of_values_json_lacks() -> None:
    assert to_json({"b": b"\x00"}) == '{"b": "b\'\\\\x00\'"}'


def test_python_m_sseparse() -> None:
    # A subprocess: pytest's assertion rewriting owns the sseparse package (its plugin entry
    # point), so runpy cannot run sseparse.__main__ in this process.
    result = run("--message", capture("openai-chat-n3.sse"))
    assert result.returncode == 0
    assert json.loads(result.stdout)["done"] is True


def test_broken_pipe_and_interrupt(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    class Closed:
        """A stdout whose reader went away (``sseparse … | head``)."""

        def __init__(self, fd: int) -> None:
            self.fd = fd

        def write(self, text: str) -> int:
            raise BrokenPipeError

        def flush(self) -> None:
            pass

        def isatty(self) -> bool:
            return False

        def fileno(self) -> int:
            return self.fd

    with open(tmp_path / "out", "wb") as target:  # dup2 needs a real descriptor
        monkeypatch.setattr(sys, "stdout", Closed(target.fileno()))
        assert main([capture("openai-chat-n3.sse")]) == 0

    class Interrupted:
        def isatty(self) -> bool:
            return False

        @property
        def buffer(self) -> Any:
            raise KeyboardInterrupt

    monkeypatch.setattr(sys, "stdin", Interrupted())
    assert main(["-"]) == 130


@pytest.mark.parametrize(
    "name", ["anthropic-messages-thinking-text-tool-call.sse", "openai-chat-n3.sse"]
)
def test_the_docs_show_real_output(name: str) -> None:
    page = (CAPTURES.parents[2] / "docs" / "cli.md").read_text("utf-8")
    assert f"$ sseparse {name}\n" + call(capture(name)).stdout.decode() in page
