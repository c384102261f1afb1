"""The test data inside the repository is a byte-identical copy of its sources.

``tests/data/captures/SHA256SUMS`` and ``tests/data/vectors/aws-eventstream/SHA256SUMS`` list
every file's hash; a file edited by accident (a line-ending conversion, a trimmed newline)
fails here rather than changing what the decoder tests mean.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.captures import CAPTURES, VECTORS, manifest

SUMS = [CAPTURES / "SHA256SUMS", VECTORS / "aws-eventstream" / "SHA256SUMS"]


def _entries(sums: Path) -> list[tuple[str, str]]:
    rows = []
    for line in sums.read_text("utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        rows.append((digest, name.lstrip("*")))
    return rows


@pytest.mark.parametrize("sums", SUMS, ids=lambda p: p.parent.name)
def test_every_file_matches_its_recorded_hash(sums: Path) -> None:
    entries = _entries(sums)
    assert len(entries) > 10
    for digest, name in entries:
        data = (sums.parent / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name


@pytest.mark.parametrize("sums", SUMS, ids=lambda p: p.parent.name)
def test_no_file_is_left_out_of_the_sums(sums: Path) -> None:
    listed = {Path(name).as_posix().removeprefix("./") for _, name in _entries(sums)}
    present = {
        p.relative_to(sums.parent).as_posix()
        for p in sums.parent.rglob("*")
        if p.is_file() and p.name != "SHA256SUMS"
    }
    # The vectors' README was written for this copy and is not in its source's hash list.
    assert present - {"README.md"} == listed - {"README.md"}


def test_manifest_names_every_capture() -> None:
    files = {e["file"] for e in manifest()}
    on_disk = {p.name for p in CAPTURES.iterdir()}
    on_disk -= {"README.md", "SHA256SUMS", "manifest.json"}
    assert files == on_disk
    assert len(files) == 151
