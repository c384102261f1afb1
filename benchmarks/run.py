"""Run the benchmarks: every ``benchmarks/bench_*.py`` module, or the ones named.

Each module exposes ``main() -> str`` returning Markdown whose first line is its ``## ``
section heading; a module whose ``main`` takes ``quick`` and/or ``write`` keywords gets the
command line's ``--quick`` and ``--write``. Usage::

    python -m benchmarks --help          # the benchmarks and the options
    python -m benchmarks                 # all of them, tables printed
    python -m benchmarks sse openai      # bench_sse.py and bench_openai.py only
    python -m benchmarks fragments --quick
    python -m benchmarks sse --write     # also replace that section of benchmarks/RESULTS.md
    python benchmarks/run.py ...         # the same

``--write`` replaces, in ``RESULTS.md``, the section whose heading matches the module's first
line (up to the next ``## `` heading), or appends it; other sections are left as they are.

The peers measured beside sseparse come from the ``bench`` extra: without it, a benchmark
that needs one stops with a one-line hint instead of a traceback.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
HINT = "install the bench extra: pip install -e '.[bench]'"

# Top-level modules that only the ``bench`` extra (or the test extra) brings: a benchmark
# failing to import one of these gets HINT; any other missing module is a real error.
EXTRA_MODULES = frozenset(
    {
        "anthropic",
        "boto3",
        "botocore",
        "httpx",
        "httpx2",
        "httpx_sse",
        "jiter",
        "matplotlib",
        "openai",
        "pydantic_core",
        "sseclient",
    }
)


class MissingExtra(Exception):
    """A benchmark needs a module that the ``bench`` extra installs."""


def available() -> list[str]:
    """The benchmark names (``bench_<name>.py``) present, sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def summary(name: str) -> str:
    """The first line of ``bench_<name>.py``'s docstring, read without importing it (so
    ``--help`` works without the ``bench`` extra)."""
    source = (HERE / f"bench_{name}.py").read_text("utf-8")
    doc = ast.get_docstring(ast.parse(source)) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def run(name: str, *, quick: bool = False, write: bool = False) -> str:
    """Import ``benchmarks.bench_<name>`` and return its report.

    Raises ``MissingExtra`` if the module (or what it runs) needs a module of the ``bench``
    extra that is not installed."""
    try:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        accepted = inspect.signature(module.main).parameters
        options = {k: v for k, v in (("quick", quick), ("write", write)) if k in accepted}
        report: str = module.main(**options)
    except ModuleNotFoundError as exc:
        root = (exc.name or "").partition(".")[0]
        if root not in EXTRA_MODULES:
            raise
        raise MissingExtra(f"benchmark {name!r} needs {root}: {HINT}") from exc
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
    """The interpreter, the machine and which sseparse build is measured: pure Python, or the
    optional compiled one (docs/compiled.md)."""
    from sseparse._compiled import COMPILED  # (imports sseparse: not needed for --help)

    build = "compiled (mypyc)" if COMPILED else "pure Python"
    return (
        f"Python {platform.python_version()} on {platform.machine()} ({platform.system()}); "
        f"sseparse {build}"
    )


def parser() -> argparse.ArgumentParser:
    known = available()
    listing = "\n".join(f"  {n:<12} {summary(n)}" for n in known)
    return argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run sseparse's benchmarks (CPU time, side by side with the peers, as "
        "ratios) and print their Markdown reports.",
        epilog=f"benchmarks:\n{listing}\n\nThe peers come from the bench extra ({HINT}).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def main(argv: list[str]) -> int:
    known = available()
    cli = parser()
    cli.add_argument(
        "names", nargs="*", metavar="NAME", help="benchmarks to run (default: all of them)"
    )
    cli.add_argument(
        "--write",
        action="store_true",
        help="replace each report's section of benchmarks/RESULTS.md (and write the plots of "
        "the benchmarks that draw one)",
    )
    cli.add_argument(
        "--quick",
        action="store_true",
        help="a short run (smaller corpora, fewer rounds) of the benchmarks that offer one",
    )
    args = cli.parse_args(argv)
    unknown = [n for n in args.names if n not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    print(f"<!-- {environment()} -->\n")
    for name in args.names or known:
        try:
            report = run(name, quick=args.quick, write=args.write)
        except MissingExtra as exc:
            print(exc, file=sys.stderr)
            return 2
        print(report)
        if args.write:
            document = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Benchmark results\n"
            RESULTS.write_text(replace_section(document, report), "utf-8")
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(HERE.parent))  # run as a script: make `benchmarks` importable
    sys.exit(main(sys.argv[1:]))
