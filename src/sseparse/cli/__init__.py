"""The command line: ``sseparse [FILE|-]`` (also ``python -m sseparse``).

Reads a recorded or live LLM stream (``curl -N … | sseparse -``), detects its dialect and
framing unless told, and shows it as the conversation it carries; or prints its events as
JSON lines (``--events``), the final message (``--message``), an OpenAI
``chat.completion`` (``--openai``), or transcodes it to OpenAI or Anthropic SSE
(``--transcode``), streamed as it decodes. ``--stats`` adds the measurements on stderr.

Exit status: 0 the stream ended cleanly; 1 bad input (a stream that does not parse); 2 a
usage problem (bad option, unknown dialect, unreadable file); 3 the provider reported an
error in the stream; 4 the stream ended without its end marker (cut short). Bad input prints
everything decoded before the fault, then one line on stderr; never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Iterator
from typing import IO, Any, TextIO

from ..accumulate import Accumulator
from ..encode import AnthropicMessagesEncoder, OpenAIChatEncoder
from ..errors import ParseError, UsageError
from ..events import Event
from ..io import StreamStats, iter_events
from ._text import safe, to_json
from ._view import View

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_PROVIDER_ERROR",
    "EXIT_UNCLEAN",
    "EXIT_USAGE",
    "main",
]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_PROVIDER_ERROR = 3
EXIT_UNCLEAN = 4

_READ_SIZE = 64 * 1024
_LIMITS = {
    "max_event_size": "SSE: bytes held for one event",
    "max_line_size": "JSON lines: bytes of one line",
    "max_element_size": "JSON array: bytes of one element",
    "max_message_size": "AWS event-stream: bytes of one message",
    "max_headers_size": "AWS event-stream: bytes of one message's headers",
}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sseparse",
        description="Decode an LLM streaming response (SSE, JSON lines, JSON array, AWS "
        "event-stream; OpenAI, Anthropic, Gemini, Bedrock, Cohere, Mistral, Ollama) and show "
        "what it says.",
        epilog="exit status: 0 clean end, 1 bad input, 2 usage, 3 provider error in the "
        "stream, 4 stream cut short (no end marker)",
    )
    parser.add_argument("file", nargs="?", default="-", help="the stream to read; - for stdin")
    parser.add_argument("--dialect", help="provider API (default: detected), e.g. openai")
    parser.add_argument("--format", help="framing: sse, jsonlines, jsonarray, eventstream")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="stop at a record the dialect cannot interpret (default: report it and go on)",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="read the JSON with msgspec (pip install 'sseparse[fast]'); the same output",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--events", action="store_true", help="one JSON object per event")
    mode.add_argument("--message", action="store_true", help="the final message as JSON")
    mode.add_argument("--openai", action="store_true", help="as an OpenAI chat.completion")
    mode.add_argument(
        "--transcode",
        choices=("openai", "anthropic"),
        help="write the stream as OpenAI chat.completion.chunk SSE or Anthropic Messages SSE",
    )
    parser.add_argument("--raw", action="store_true", help="with --events: include payloads")
    parser.add_argument("--stats", action="store_true", help="timings and counts, on stderr")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also keep-alives, unmapped records…"
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the readable view (auto: on a terminal, unless NO_COLOR is set)",
    )
    limits = parser.add_argument_group("size limits (bytes; defaults: the decoders')")
    for name, text in _LIMITS.items():
        limits.add_argument("--" + name.replace("_", "-"), type=_positive, help=text)
    return parser


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    read = getattr(stream, "read1", stream.read)
    while piece := read(_READ_SIZE):
        yield piece


def _event_dict(event: Event, *, raw: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"event": type(event).__name__}
    for f in dataclasses.fields(event):
        if f.name != "raw":
            out[f.name] = getattr(event, f.name)
    if raw:
        out["raw"] = event.raw
    return out


def _use_color(choice: str, out: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and out.isatty()


def _stats_line(stats: StreamStats) -> str:
    def secs(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}s"

    rate = stats.tokens_per_second
    kinds = " ".join(f"{k}={v}" for k, v in sorted(stats.events_by_kind.items()))
    return (
        f"stats: first byte {secs(stats.time_to_first_byte)}, first event "
        f"{secs(stats.time_to_first_event)}, first token {secs(stats.time_to_first_token)}, "
        f"duration {secs(stats.duration)}; {stats.bytes} bytes in {stats.chunks} reads, "
        f"{stats.events} events ({kinds})" + ("" if rate is None else f"; {rate:.1f} tokens/s")
    )


def _run(args: argparse.Namespace, stream: IO[bytes], acc: Accumulator, stats: StreamStats) -> None:
    options: dict[str, Any] = {"format": args.format, "strict": args.strict, "fast": args.fast}
    options.update({k: getattr(args, k) for k in _LIMITS if getattr(args, k) is not None})
    events = iter_events(_chunks(stream), dialect=args.dialect or "auto", stats=stats, **options)
    out = sys.stdout
    if args.transcode:
        encoder = OpenAIChatEncoder() if args.transcode == "openai" else AnthropicMessagesEncoder()
        binary = out.buffer
        try:
            for event in events:
                acc.add(event)
                data = encoder.encode(event)
                if data:
                    binary.write(data)
                    binary.flush()
        finally:
            binary.write(encoder.close())
            binary.flush()
        return
    if args.events:
        for event in events:
            acc.add(event)
            out.write(to_json(_event_dict(event, raw=args.raw)) + "\n")
        return
    if args.message or args.openai:
        try:
            acc.feed(events)
        finally:
            out.write(to_json(acc.to_dict() if args.message else acc.to_openai(), indent=2) + "\n")
        return
    view = View(out, color=_use_color(args.color, out), verbose=args.verbose)
    try:
        for event in events:
            acc.add(event)
            view.event(event)
            out.flush()
    finally:
        view.summary(acc)


def _status(acc: Accumulator) -> int:
    if acc.errors:
        return EXIT_PROVIDER_ERROR
    return EXIT_OK if acc.clean else EXIT_UNCLEAN


def main(argv: list[str] | None = None) -> int:
    """Run the command line on *argv* (default ``sys.argv[1:]``); return the exit status."""
    parser = _arguments()
    args = parser.parse_args(argv)
    if args.raw and not args.events:
        parser.error("--raw needs --events")
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # never fail on a character the terminal lacks
            stream.reconfigure(errors="backslashreplace")
    acc = Accumulator()
    stats = StreamStats()
    status = EXIT_OK
    try:
        try:
            if args.file == "-":
                if sys.stdin.isatty():
                    print("sseparse: reading the stream from standard input (end it with "
                          "Ctrl-D; sseparse --help for usage)", file=sys.stderr)  # fmt: skip
                _run(args, sys.stdin.buffer, acc, stats)
            else:
                with open(args.file, "rb") as stream:
                    _run(args, stream, acc, stats)
            sys.stdout.flush()
            status = _status(acc)
        except ParseError as exc:
            sys.stdout.flush()
            print(f"sseparse: error: {type(exc).__name__}: {safe(str(exc))}", file=sys.stderr)
            status = EXIT_BAD_INPUT
        except UsageError as exc:
            print(f"sseparse: error: {safe(str(exc))}", file=sys.stderr)
            status = EXIT_USAGE
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):  # e.g. piped into `head`: stop quietly
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                return EXIT_OK
            print(
                f"sseparse: cannot read {safe(args.file)}: {safe(str(exc.strerror or exc))}",
                file=sys.stderr,
            )
            return EXIT_USAGE
        if args.stats:
            print(_stats_line(stats), file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return status
