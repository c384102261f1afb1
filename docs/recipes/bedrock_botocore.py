from collections.abc import Iterator
from typing import Any

import botocore

from sseparse import Event, iter_events


def bedrock_events(
    client: Any, operation: str, params: dict[str, Any], dialect: str
) -> Iterator[Event]:
    """Call a Bedrock streaming *operation* ("InvokeModelWithResponseStream" with dialect
    "bedrock-invoke", or "ConverseStream" with dialect "bedrock") on a botocore or boto3
    ``bedrock-runtime`` *client*, and decode its event-stream body."""
    raw_bodies: list[Any] = []

    def keep_raw_body(http_response: Any, **kwargs: Any) -> None:
        raw_bodies.append(http_response.raw)  # the urllib3 response, body not yet read

    event_name = f"after-call.bedrock-runtime.{operation}"
    client.meta.events.register(event_name, keep_raw_body)
    try:
        getattr(client, botocore.xform_name(operation))(**params)
    finally:
        client.meta.events.unregister(event_name, keep_raw_body)
    raw = raw_bodies[0]
    try:
        # read1() returns what has arrived (up to 64 KiB), and b"" at the end of the body.
        yield from iter_events(iter(lambda: raw.read1(65536), b""), dialect=dialect)
    finally:
        raw.close()  # what closing botocore's EventStream would do; it is never iterated
