"""The example on docs/testing.md runs as written: its code blocks are one test module,
run by pytest in a subprocess (with the installed plugin's replay_server fixture)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "testing.md"


def test_the_testing_page_example_passes(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert len(blocks) >= 3
    module = tmp_path / "test_docs_example.py"
    module.write_text("\n\n".join(blocks), "utf-8")
    result = subprocess.run(
        [sys.executable, "-bb", "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b6 passed\b", result.stdout), result.stdout
