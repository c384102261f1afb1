"""The one provider-error builder every dialect uses (issue 9).

Providers send errors in-band as a bare string or as an object with ``message`` and some of
``type`` / ``code``. The message is the answer to the user's question "what went wrong", so
it is always given: the string, the object's ``message``, or else the value's JSON text.
``type`` and ``code`` only describe (``describe_str``: a number is its decimal text, another
type ``None``).
"""

from __future__ import annotations

import json
from typing import Any

from ..events import ProviderError
from ._fields import describe_str

__all__ = ["provider_error"]


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def provider_error(error: Any, raw: Any, *, type: Any = None) -> ProviderError:
    """``ProviderError`` from an error value (an object, a string or anything else); *type*
    is the error type when the provider sends it beside the error (Cohere's ``error_type``).
    Raises nothing."""
    if isinstance(error, dict):
        message = error.get("message")
        if not isinstance(message, str):
            message = _text(error) if message is None else _text(message)
        kind = error.get("type") if type is None else type
        return ProviderError(
            message=message, type=describe_str(kind), code=describe_str(error.get("code")), raw=raw
        )
    message = error if isinstance(error, str) else _text(error)
    return ProviderError(message=message, type=describe_str(type), raw=raw)
