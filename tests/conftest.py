"""Shared fixtures: the real seed corpus, and throw-away copies of the project to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ofsted_dataset import stages

PROJECT = Path(__file__).resolve().parent.parent


def copy_project(target: Path, with_release: bool = False) -> Path:
    """The inputs a build reads (raw/, mappings/, the official extract), optionally with the committed
    release."""
    for name in ("raw", "mappings", "reference/official"):
        shutil.copytree(PROJECT / name, target / name)
    if with_release:
        shutil.copytree(PROJECT / "published", target / "published", symlinks=True)
        shutil.copy(PROJECT / "datapackage.json", target / "datapackage.json")
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def seed_build() -> tuple[stages.Ingested, stages.Applied]:
    """The seed corpus applied by the real stage functions (no Prefect)."""
    ingested = stages.ingest(PROJECT)
    applied = stages.apply(PROJECT, ingested)
    assert applied.problems == []
    return ingested, with_official_checks(PROJECT, applied)


def with_official_checks(root: Path, applied: stages.Applied) -> stages.Applied:
    """The official-checks stage against the committed extract (never the network, in tests)."""
    extract = root / "reference" / "official" / "outcomes.csv"
    return stages.check_official(applied, str(extract) if extract.is_file() else None, "").applied


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
