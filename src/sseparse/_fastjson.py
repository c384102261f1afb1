"""The JSON reader a parser uses: ``sseparse._json.loads``, or with ``fast=True`` msgspec's
decoder (the ``fast`` extra) under the same rules, giving the same values and the same errors.

Theory of operation. msgspec reads a well-formed text to exactly the value ``json.loads``
gives (same floats, correctly rounded; integers of any size as ``int``; ``-0.0``; later
duplicate keys replacing earlier ones, in first-insertion order; escapes and surrogate pairs
joined). Where the two could differ, the stdlib reader decides instead:

* **Depth.** msgspec nests far deeper than ``MAX_DEPTH``: a text with more than ``MAX_DEPTH``
  opening brackets (the only texts that can nest that deep) gets ``_json``'s own exact,
  string-aware depth check first (bytes go to ``_json.loads`` whole). The count costs nothing
  on a text of up to ``MAX_DEPTH`` characters.
* **Everything msgspec refuses** goes to ``_json.loads``, which then accepts it the way the
  stdlib does or raises the stdlib's error, with its message and position: ``1e999``
  (msgspec: out of range; ``_json``: rejected), ``NaN``/``Infinity``, integers longer than
  Python's int/str digit limit (msgspec honours the same limit), lone surrogates such as
  ``"\\ud800"`` (msgspec refuses them; ``json`` keeps them), a UTF-8 BOM, UTF-16/32 or
  surrogate-encoded bytes, and plain syntax errors.

A hot caller may skip the wrapper for short texts: ``short_reader`` gives msgspec's bare
decoder, which for a text of at most ``MAX_DEPTH`` characters is what the wrapper calls
anyway (no depth check is needed); the caller hands whatever it refuses to the reader.

So a caller sees ``_json.loads``'s behaviour whichever reader it has; the tests check this
value by value (types, float bits, key order) on hand-picked edge cases, generated JSON and
every capture.

Why msgspec rather than orjson, measured (``python -m benchmarks fast``, 2026-12-06, Python
3.11, msgspec 0.23.0, orjson 3.13.0; CPU time, median of interleaved rounds on a shared
machine, so ratios). Per chunk, on the 1,900 OpenAI chat chunks of the captures (288 bytes
on average), as a fraction of ``json.loads``'s time: ``_json.loads`` 0.71x, bare msgspec
0.23-0.28x, bare orjson 0.24-0.31x, this module's reader 0.28-0.32x, orjson under the same
rules 0.27-0.36x. From bytes to typed events (OpenAI text corpus, ``StreamParser("openai")``
with the SSE decoder's dialect sinks), as a fraction of the floor's time (split on blank
lines, ``json.loads`` each payload), two runs: at 1460-byte fragments default 1.07-1.12x,
msgspec 0.80-0.82x, orjson 0.84-0.86x; at 64-byte fragments default 1.17-1.25x, msgspec
0.97-1.02x, orjson 0.99-1.00x; one event per fragment default 0.90-1.07x, msgspec
0.67-0.78x, orjson 0.74-0.80x. msgspec is also the
one that agrees on values: orjson turns an integer above 2**64 into a ``float``
(``18446744073709551616`` becomes ``1.8446744073709552e+19``) without an error, which no
fallback could notice.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from . import _json
from ._json import MAX_DEPTH
from .errors import UsageError

__all__ = ["Loads", "json_reader", "short_reader"]

Loads = Callable[[str | bytes | bytearray], Any]
"""A JSON reader: ``_json.loads`` or one with exactly its results and errors."""

# The fast reader -> msgspec's bare decode inside it (see short_reader).
_BARE: dict[Loads, Loads] = {}

_EXTRA_HINT = "fast=True needs the 'fast' extra (msgspec): pip install 'sseparse[fast]'"


def json_reader(fast: object) -> Loads:
    """The JSON reader for ``fast`` (``StreamParser(fast=...)`` and the JSON framings).

    Raises ``UsageError`` if *fast* is not a ``bool``, or is ``True`` and the ``fast`` extra
    (msgspec) is not installed.
    """
    if type(fast) is not bool:
        raise UsageError(f"fast must be True or False, not {fast!r}")
    if not fast:
        return _json.loads
    return _fast_reader()


def short_reader(loads: Loads) -> Loads | None:
    """For the fast reader (``json_reader(True)``): msgspec's bare decoder, which reads a text
    of at most ``MAX_DEPTH`` characters to exactly *loads*'s value, or raises (any exception)
    where *loads* must decide. ``None`` for any other reader. For a caller on a hot path that
    checks the length itself and so skips a call of *loads* per text. Raises nothing."""
    return _BARE.get(loads)


@cache
def _fast_reader() -> Loads:
    """msgspec's decoder under ``_json``'s rules (built once; msgspec imported only here, so
    ``import sseparse`` never pays for it)."""
    try:
        from msgspec.json import Decoder
    except ImportError:
        raise UsageError(_EXTRA_HINT) from None
    # Decoder.decode keeps its parsing state per call: one decoder serves every parser.
    decode = Decoder().decode
    fallback = _json.loads
    check_depth = _json._check_depth

    def loads(text: str | bytes | bytearray) -> Any:
        """``_json.loads(text)``: the same value or the same error (see the module doc)."""
        # Nesting deeper than MAX_DEPTH needs more than MAX_DEPTH opening brackets. Such a
        # text gets _json's exact depth check (the same Rejected), then msgspec as usual: a
        # large record with many shallow brackets is not left to the slow reader.
        if len(text) > MAX_DEPTH:
            if not isinstance(text, str):
                if text.count(b"[") + text.count(b"{") > MAX_DEPTH:
                    return fallback(text)  # decoded as json.loads decodes bytes, then checked
            elif text.count("[") + text.count("{") > MAX_DEPTH:
                check_depth(text)
        try:
            return decode(text)
        except Exception:
            # Whatever msgspec refuses, and however (DecodeError, ValidationError,
            # UnicodeEncodeError for a lone surrogate, RecursionError), the stdlib reader
            # decides: its value, or its error and message.
            return fallback(text)

    _BARE[loads] = decode
    return loads
