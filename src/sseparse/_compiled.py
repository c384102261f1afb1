"""Whether this installation is the optional compiled build (docs/compiled.md).

The build compiles a few modules with mypyc; each is then an extension module (``.so``,
``.pyd``) instead of a ``.py`` file. ``python -m benchmarks`` prints which build it measures.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES

from . import _protocol, parser
from .framing import eventstream, jsonlines, sse

__all__ = ["COMPILED", "MODULES"]

# The modules the build compiles (pyproject.toml, [tool.hatch.build.targets.wheel.hooks.mypyc]).
MODULES = (_protocol, sse, jsonlines, eventstream, parser)

COMPILED = all(str(module.__file__).endswith(tuple(EXTENSION_SUFFIXES)) for module in MODULES)
"""True when every module of the compiled set was loaded from an extension module."""
