"""The example on docs/testing.md runs as written: its code blocks, joined, are executed as
one module and each ``test_*`` function in it is called (the fixture one with a
``replay_server`` factory like the plugin's)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sseparse.testing import ReplayServer

DOC = Path(__file__).resolve().parent.parent / "docs" / "testing.md"


def test_the_testing_page_example_passes() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert len(blocks) >= 3
    namespace: dict[str, Any] = {"__name__": "docs_testing_example"}
    exec(compile("\n\n".join(blocks), str(DOC), "exec"), namespace)
    tests = {name: f for name, f in namespace.items() if name.startswith("test_")}
    assert len(tests) == 6
    started: list[ReplayServer] = []

    def replay_server(data: bytes | Sequence[bytes], **options: Any) -> ReplayServer:
        started.append(ReplayServer(data, **options).start())
        return started[-1]

    try:
        for test in tests.values():
            wanted = inspect.signature(test).parameters
            test(**({"replay_server": replay_server} if "replay_server" in wanted else {}))
    finally:
        for server in started:
            server.close()
