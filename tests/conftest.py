"""Shared test configuration: hypothesis profiles (``ci`` is used by .ci/run), and xdist
workers that run with the interpreter flags of the main process."""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import HealthCheck, settings


def pytest_configure(config: pytest.Config) -> None:
    """``python -bb -m pytest -n N``: xdist starts its workers as plain ``python``, so bytes
    compared with str would pass there unnoticed. Give each worker this interpreter and its
    ``-b``/``-bb`` flag (xdist has turned ``-n`` into ``tx`` specs by now)."""
    specs = getattr(config.option, "tx", None)
    if not specs or not sys.flags.bytes_warning:
        return
    flag = "-bb" if sys.flags.bytes_warning > 1 else "-b"
    python = f"popen//python={sys.executable} {flag}"
    config.option.tx = [python if spec == "popen" else spec for spec in specs]


settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
