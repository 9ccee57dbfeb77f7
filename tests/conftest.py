"""Shared fixtures: the real seed corpus, and throw-away copies of the project to break on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_dataset import pipeline, stages
from tests.helpers import PROJECT, copy_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def seed_build() -> tuple[stages.Ingested, stages.Applied]:
    """The seed corpus applied and checked against the committed official extract (no Prefect)."""
    build = pipeline.run(PROJECT, until="apply")
    assert build.applied.problems == []
    return build.ingested, build.applied
