"""Run the benchmarks: every ``benchmarks/bench_*.py`` module, or the ones named.

Each module exposes ``main() -> str`` returning Markdown whose first line is its ``## ``
section heading. Usage::

    python -m benchmarks                 # all of them, tables printed
    python -m benchmarks sse openai      # bench_sse.py and bench_openai.py only
    python -m benchmarks sse --write     # also replace that section of benchmarks/RESULTS.md
    python benchmarks/run.py ...         # the same

``--write`` replaces, in ``RESULTS.md``, the section whose heading matches the module's first
line (up to the next ``## `` heading), or appends it; other sections are left as they are.
"""

from __future__ import annotations

import importlib
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"


def available() -> list[str]:
    """The benchmark names (``bench_<name>.py``) present, sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def run(name: str) -> str:
    """Import ``benchmarks.bench_<name>`` and return its report."""
    module = importlib.import_module(f"benchmarks.bench_{name}")
    report: str = module.main()
    return report


def replace_section(document: str, section: str) -> str:
    """*document* with the ``## `` section that *section* starts with replaced (or added)."""
    heading = section.splitlines()[0].strip()
    if not heading.startswith("## "):
        raise ValueError(f"a report must start with a '## ' heading, got {heading!r}")
    body = section.rstrip("\n") + "\n"
    lines = document.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    if start is None:
        sep = "" if not document or document.endswith("\n\n") else "\n"
        if document and not document.endswith("\n"):
            sep = "\n\n"
        return document + sep + body
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    after = "".join(lines[end:])
    return "".join(lines[:start]) + body + ("\n" + after if after else "")


def environment() -> str:
    return f"Python {platform.python_version()} on {platform.machine()} ({platform.system()})"


def main(argv: list[str]) -> int:
    write = "--write" in argv
    names = [a for a in argv if not a.startswith("--")]
    known = available()
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    print(f"<!-- {environment()} -->\n")
    for name in names or known:
        report = run(name)
        print(report)
        if write:
            document = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Benchmark results\n"
            RESULTS.write_text(replace_section(document, report), "utf-8")
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(HERE.parent))  # run as a script: make `benchmarks` importable
    sys.exit(main(sys.argv[1:]))
