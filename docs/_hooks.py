"""MkDocs hooks: the pages whose facts live in the sources are made from them at build time.

* One page per dialect module (``src/sseparse/dialects/*.py`` named in ``DIALECTS``): its
  module docstring, which holds the mapping tables (provider record to events, finish reasons,
  usage), rendered from reStructuredText with docutils. The docstring is the one source; a
  docstring that is not valid reStructuredText fails the build.
* The quickstart on the home page: the README's first ``sh`` block, where the placeholder
  ``<!-- README: quickstart -->`` stands.
* A check that the API reference documents every name in ``sseparse.__all__``
  (``::: sseparse.NAME``), so a new public name cannot be left out.

Any fault raises ``PluginError``, which stops the build (``mkdocs build --strict`` or not).
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from typing import Any

import docutils.core
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

import sseparse
from sseparse.dialects import DIALECTS, dialect_class

ROOT = Path(__file__).resolve().parent.parent
DIALECT_SOURCES = ROOT / "src" / "sseparse" / "dialects"
QUICKSTART = "<!-- README: quickstart -->"
API_DIRECTIVE = re.compile(r"^::: sseparse\.(\w+)\s*$", re.MULTILINE)

LITERAL = re.compile(
    r'<span class="docutils literal">((?:<span class="pre">[^<]*</span>|[^<])*)</span>'
)
PRE = re.compile(r'<span class="pre">([^<]*)</span>')

_documented: set[str] = set()


def dialect_page_path(module: str) -> str:
    """The docs path of the page for dialect module *module* (``openai_chat`` gives
    ``dialects/openai-chat.md``)."""
    return f"dialects/{module.replace('_', '-')}.md"


def rst_to_html(text: str, source: str) -> str:
    """*text* (reStructuredText) as an HTML fragment; ``PluginError`` on any docutils warning."""
    warnings = io.StringIO()
    parts = docutils.core.publish_parts(
        text,
        source_path=source,
        writer_name="html5",
        settings_overrides={
            "warning_stream": warnings,
            "report_level": 2,  # warnings and worse are reported...
            "halt_level": 5,  # ...and collected here rather than raised one at a time
            "initial_header_level": 2,
            "doctitle_xform": False,
            "syntax_highlight": "none",
        },
    )
    if warnings.getvalue():
        raise PluginError(f"{source}: not valid reStructuredText:\n{warnings.getvalue()}")
    body: str = parts["body"]
    # Material styles class-less tables and <code>; docutils writes classed tables and
    # inline literals as <span class="docutils literal"> (words in <span class="pre">).
    body = re.sub(r"<table [^>]*>", "<table>", body)
    return LITERAL.sub(lambda m: "<code>" + PRE.sub(r"\1", m.group(1)) + "</code>", body)


def dialect_page(module: str) -> str:
    """The Markdown of the page for dialect module *module*."""
    path = DIALECT_SOURCES / f"{module}.py"
    doc = ast.get_docstring(ast.parse(path.read_text("utf-8")))
    if not doc:
        raise PluginError(f"{path}: no module docstring to make its dialect page from")
    names = sorted(n for n, (m, _) in DIALECTS.items() if m == module)
    rows = "\n".join(
        f"| `{n}` | `{dialect_class(n).__name__}` | `{dialect_class(n).default_format}` |"
        for n in names
    )
    title = ", ".join(f"`{n}`" for n in names)
    return (
        f"# Dialect {title}\n\n"
        "| dialect name | class | default format |\n|---|---|---|\n"
        f"{rows}\n\n"
        f"*Generated from the docstring of `src/sseparse/dialects/{module}.py`, the one place "
        "this mapping is written.*\n\n"
        f'<div class="dialect-docstring">\n{rst_to_html(doc, str(path))}\n</div>\n'
    )


def readme_quickstart() -> str:
    """The README's first ``sh`` code block, fences included."""
    readme = (ROOT / "README.md").read_text("utf-8")
    match = re.search(r"^```sh\n.*?^```$", readme, re.MULTILINE | re.DOTALL)
    if match is None:
        raise PluginError("README.md has no ```sh block to take the quickstart from")
    return match.group(0)


def on_files(files: Files, config: Any) -> Files:
    for module in sorted({m for m, _ in DIALECTS.values()}):
        files.append(
            File.generated(config, dialect_page_path(module), content=dialect_page(module))
        )
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri == "index.md":
        if QUICKSTART not in markdown:
            raise PluginError(f"index.md lacks the placeholder {QUICKSTART}")
        markdown = markdown.replace(QUICKSTART, readme_quickstart())
    if page.file.src_uri.startswith("api/"):
        _documented.update(API_DIRECTIVE.findall(markdown))
    return markdown


def on_post_build(config: Any) -> None:
    missing = sorted(set(sseparse.__all__) - _documented - {"__version__"})
    _documented.clear()
    if missing:
        raise PluginError(f"the API reference lacks ::: sseparse.NAME for: {', '.join(missing)}")
