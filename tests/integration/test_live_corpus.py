"""The project's live corpus (raw/, mappings/, reference/) and its releases (published/), whatever they hold.

Curators add articles and mappings and publish releases at will, so these tests check only what holds of
any valid corpus and any release this project made: no count, id or version of the live corpus is
written here. Exact facts are asserted of the seed corpus the tests own (tests/fixtures/seed_corpus/).
Nothing here compares the live release with a rebuild: a curator may not have published the newest
mappings yet (`ofsted-dataset verify --rebuild` is the curator's check; the tests rebuild the seed
corpus's release byte for byte in test_releases.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ofsted_dataset import pipeline, stages
from ofsted_dataset.cli import main
from ofsted_dataset.facts.mappings import load_mappings
from ofsted_dataset.release.publish import pointer_problems, versions
from ofsted_dataset.release.verify import verify_release
from tests.helpers import PROJECT, copy_inputs

PUBLISHED = PROJECT / "published"
# The project's releases, oldest first, read from the release folders at collection time.
RELEASES = versions(PUBLISHED)


def test_every_live_mapping_loads():
    mappings, problems = load_mappings(PROJECT / "mappings")
    assert [str(p) for p in problems] == []
    assert [m.source_id for m in mappings] == sorted(p.stem for p in (PROJECT / "mappings").glob("*.yaml"))


def test_the_live_project_builds_up_to_validation_with_no_problems(tmp_path: Path):
    """Every mapping of the live corpus applies, cross-checks and validates (in a copy: a build writes
    its cache under staged/); articles without a mapping only wait for curation."""
    root = copy_inputs(PROJECT, tmp_path / "project")
    build = pipeline.run(root, until="validate")
    assert [str(p) for p in build.applied.problems] == []
    mapped = sorted(p.stem for p in (root / "mappings").glob("*.yaml"))
    assert build.applied.mapped == mapped
    assert set(mapped) <= set(build.ingested.articles)
    assert build.rows["sources"] == len(mapped)


def _no_release() -> None:
    if not RELEASES:
        pytest.skip("no release in published/ yet")


def test_the_live_current_release_passes_verify(capsys: pytest.CaptureFixture[str]):
    """`ofsted-dataset verify` on the project: the current release (checksums, archive, Frictionless,
    pandera where its contract is this code's, CSV and DuckDB = Parquet, quotes = the raw articles) and
    the pointers at it."""
    _no_release()
    assert main(["--root", str(PROJECT), "verify"]) == 0, capsys.readouterr().err
    assert pointer_problems(PROJECT) == []
    assert (PUBLISHED / "LATEST").read_text(encoding="utf-8") == RELEASES[-1] + "\n"


@pytest.mark.parametrize("version", RELEASES)
def test_every_release_still_matches_its_checksums(version: str):
    """Releases are never rewritten: every file still has the checksum it was published with."""
    release = PUBLISHED / version
    listed = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert listed, f"{version}/SHA256SUMS lists nothing"
    for line in listed:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, f"{version}/{name}"
    archive = release / f"ofsted-dataset-{version}.zip"
    assert (release / f"{archive.name}.sha256").read_text(encoding="utf-8").split()[0] == \
        hashlib.sha256(archive.read_bytes()).hexdigest()


@pytest.mark.parametrize("version", RELEASES)
def test_every_release_verifies_against_its_own_contract(version: str):
    """Each release is checked against its own datapackage.json, not today's schemas (a bug once made
    verify look for a table added since in an older release)."""
    assert verify_release(PUBLISHED / version, stages.ingest(PROJECT).texts) == []
