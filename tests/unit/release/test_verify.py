"""Verifying a damaged copy of a committed release: every problem is reported, none raised."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ofsted_dataset.release.verify import verify_release
from tests.helpers import PROJECT


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECT / "published" / "1.0.0", tmp_path / "1.0.0"))


def test_a_missing_parquet_file_is_reported_not_raised(release: Path) -> None:
    (release / "data" / "judgements.parquet").unlink()
    problems = verify_release(release)
    assert "data/judgements.parquet: listed in SHA256SUMS but missing" in problems
    assert "data/judgements.parquet: described in datapackage.json but missing" in problems


def test_a_parquet_file_with_other_columns_is_reported_not_raised(release: Path) -> None:
    path = release / "data" / "sources.parquet"
    table = pq.read_table(path)
    pq.write_table(table.drop_columns([table.column_names[-1]]), path)
    problems = verify_release(release)
    assert "data/sources.parquet: columns or types differ from datapackage.json" in problems
    assert not [p for p in problems if p.startswith("ofsted.duckdb")]


def test_a_stray_file_named_like_the_archive_is_not_listed(release: Path) -> None:
    (release / "notes.zip.txt").write_text("not part of the release\n", encoding="utf-8")
    assert verify_release(release) == ["notes.zip.txt: not listed in SHA256SUMS"]
