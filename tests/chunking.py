"""Moved to the public toolkit: import from ``sseparse.testing`` (this shim keeps branches
written against the old names importable; new tests must not use it)."""

from __future__ import annotations

from sseparse.testing import Outcome, random_partition, run_feed, run_pull
from sseparse.testing import assert_fragmentation_invariant as check_all_fragmentations

__all__ = ["Outcome", "check_all_fragmentations", "random_partition", "run_feed", "run_pull"]
