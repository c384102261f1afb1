"""``python -m sseparse [FILE|-]``: decode a recorded LLM stream and show what it says.

By default it prints each event as it is decoded, then the reconstructed message of every
choice. ``--events`` prints one JSON object per event instead (``--raw`` adds the provider's
payload), ``--message`` only the final message as JSON, ``--openai`` the final message as an
OpenAI ``chat.completion`` object. The dialect and framing are detected from the first bytes
unless ``--dialect`` (and ``--format``) say. Input is read and decoded incrementally, so
``curl -N … | python -m sseparse -`` shows events as they arrive.

Bad input, an unknown dialect or an unreadable file give a one-line error on stderr and a
non-zero exit status (1 for a stream that does not parse, 2 for a usage problem), never a
traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from typing import IO, Any

from .accumulate import Accumulator, Message
from .errors import Error, ParseError, UsageError
from .events import Event
from .parser import StreamParser

__all__ = ["main"]

_READ_SIZE = 64 * 1024


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    read = getattr(stream, "read1", stream.read)
    while True:
        piece = read(_READ_SIZE)
        if not piece:
            return
        yield piece


def _events(
    stream: IO[bytes], dialect: str | None, fmt: str | None, strict: bool
) -> Iterator[Event]:
    """Decode *stream* incrementally (``dialect=None`` detects it from the first bytes)."""
    parser = StreamParser(dialect or "auto", format=fmt, strict=strict)
    for piece in _chunks(stream):
        yield from parser.feed(piece)
    yield from parser.close()
    parser.close()  # raises a fault found by the first close() after some events


def _event_dict(event: Event, *, raw: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"event": type(event).__name__}
    for f in dataclasses.fields(event):
        if f.name != "raw":
            out[f.name] = getattr(event, f.name)
    if raw:
        out["raw"] = event.raw
    return out


def _json(value: Any, **kwargs: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr, **kwargs)


def _describe(message: Message, acc: Accumulator) -> list[str]:
    lines = [f"--- choice {message.choice} ---"]
    if message.reasoning:
        lines.append(f"reasoning: {message.reasoning!r}")
    for sig in message.reasoning_signatures:
        kind = "redacted reasoning" if sig.redacted else "reasoning signature"
        lines.append(f"{kind}: {len(sig.signature)} chars")
    if message.text:
        lines.append(f"text: {message.text!r}")
    if message.refusal:
        lines.append(f"refusal: {message.refusal!r}")
    for call in message.tool_calls:
        state = "" if call.complete else " (incomplete)"
        valid = "" if call.parsed is not None or not call.arguments else " (not valid JSON)"
        lines.append(
            f"tool call {call.index}: {call.name} id={call.id} kind={call.kind}{state}: "
            f"{call.arguments}{valid}"
        )
    lines.extend(f"citation: {_json(citation)}" for citation in message.citations)
    raw = f" ({message.finish_reason_raw})" if message.finish_reason_raw else ""
    lines.append(f"finish: {message.finish_reason}{raw}")
    return lines


def _summary(acc: Accumulator) -> list[str]:
    lines = ["", f"=== message: id={acc.id} model={acc.model} provider={acc.provider}"]
    for message in acc.messages:
        lines += _describe(message, acc)
    usage = acc.usage
    if usage is not None:
        fields = [
            f"{f.name}={getattr(usage, f.name)}"
            for f in dataclasses.fields(usage)
            if f.name != "raw" and getattr(usage, f.name) is not None
        ]
        lines.append("usage: " + " ".join(fields))
    for error in acc.errors:
        lines.append(f"provider error: {error.message} (type={error.type}, code={error.code})")
    for bad in acc.malformed:
        lines.append(f"malformed record at byte {bad.offset}: {bad.message}")
    if acc.keepalives:
        lines.append(f"keep-alives: {acc.keepalives}")
    ending = "none (input ended early)" if not acc.done else ("clean" if acc.clean else "unclean")
    lines.append(f"end: {ending}")
    return lines


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="sseparse",
        description="Decode a recorded LLM streaming response and show its events and message.",
    )
    parser.add_argument("file", nargs="?", default="-", help="the stream to read; - for stdin")
    parser.add_argument("--dialect", help="provider API (default: detected), e.g. openai")
    parser.add_argument("--format", help="framing: sse, jsonlines, jsonarray, eventstream")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="stop at a record the dialect cannot interpret (default: report it and go on)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--events", action="store_true", help="one JSON object per event")
    mode.add_argument("--message", action="store_true", help="the final message as JSON")
    mode.add_argument("--openai", action="store_true", help="as an OpenAI chat.completion")
    parser.add_argument("--raw", action="store_true", help="with --events: include payloads")
    return parser.parse_args(argv)


def _run(args: argparse.Namespace, stream: IO[bytes], out: IO[str]) -> None:
    acc = Accumulator()
    quiet = args.message or args.openai
    for event in _events(stream, args.dialect, args.format, args.strict):
        acc.add(event)
        if args.events:
            out.write(_json(_event_dict(event, raw=args.raw)) + "\n")
        elif not quiet:
            out.write(repr(event) + "\n")
    if args.message:
        out.write(_json(acc.to_dict(), indent=2) + "\n")
    elif args.openai:
        out.write(_json(acc.to_openai(), indent=2) + "\n")
    elif not args.events:
        out.write("\n".join(_summary(acc)) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parse_args(argv)
    try:
        if args.file == "-":
            _run(args, sys.stdin.buffer, sys.stdout)
        else:
            with open(args.file, "rb") as stream:
                _run(args, stream, sys.stdout)
        sys.stdout.flush()
    except ParseError as exc:
        sys.stdout.flush()
        print(f"sseparse: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"sseparse: error: {exc}", file=sys.stderr)
        return 2
    except Error as exc:  # pragma: no cover - every Error is a ParseError or a UsageError
        print(f"sseparse: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # e.g. piped into `head`: stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
        print(f"sseparse: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
