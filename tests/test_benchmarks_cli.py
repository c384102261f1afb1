"""The benchmark runner's command line: usage and the hint for a missing extra.

No timing is asserted here (timings belong in benchmarks/): these only check that
``python -m benchmarks`` explains itself and fails with one line, not a traceback, when a peer
of the ``bench`` extra is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_help_lists_the_benchmarks_and_options() -> None:
    done = _run("-m", "benchmarks", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m benchmarks")
    for name in ("fragments", "sse", "openai", "eventstream", "ndjson"):
        assert f"\n  {name} " in done.stdout
    for option in ("--quick", "--write"):
        assert option in done.stdout
    assert "pip install -e '.[bench]'" in done.stdout


def test_missing_peer_gives_a_one_line_hint() -> None:
    # None in sys.modules makes `import httpx_sse` fail as if it were not installed.
    code = (
        "import sys; sys.modules['httpx_sse'] = None\n"
        "from benchmarks.run import main\n"
        "sys.exit(main(['sse']))\n"
    )
    done = _run("-c", code)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "benchmark 'sse' needs httpx_sse: install the bench extra: pip install -e '.[bench]'"
    ]


def test_unknown_benchmark_is_named() -> None:
    done = _run("-m", "benchmarks", "no-such-benchmark")
    assert done.returncode == 2
    assert "unknown benchmark(s): no-such-benchmark" in done.stdout
