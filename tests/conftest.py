"""Shared fixtures: the seed corpus the tests own (tests/fixtures/seed_corpus/), built and published once
per session, and throw-away copies of it to break on purpose. Nothing here reads the live raw/,
mappings/ or published/ of the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_dataset import pipeline, stages
from tests import helpers
from tests.helpers import SEED_CORPUS, copy_inputs, copy_project


@pytest.fixture(scope="session", autouse=True)
def _seed_release_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """seed_release (and copy_project(..., with_release=True)) builds under this session's temporary
    folder, and only when a test first needs it."""
    helpers.build_seed_release_in(lambda: tmp_path_factory.mktemp("seed-release"))


@pytest.fixture(scope="session")
def seed_release() -> Path:
    """A project made by copying the seed corpus to a temporary folder and publishing it once with the
    plain stages: its inputs, published/1.0.0, published/LATEST and published/current, datapackage.json
    and CHANGELOG.md. Read only: a test that changes anything works on a copy (`copy_released`, with the
    published/current symlink kept, or copy_project(..., with_release=True))."""
    return helpers.seed_release()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[stages.Ingested, stages.Applied]:
    """The seed corpus applied and checked against its official extract (no Prefect), in a copy: a build
    writes its cache under staged/, and the corpus itself is never written."""
    root = copy_inputs(SEED_CORPUS, tmp_path_factory.mktemp("seed-build") / "project")
    build = pipeline.run(root, until="apply")
    assert build.applied.problems == []
    return build.ingested, build.applied
