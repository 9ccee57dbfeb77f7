"""The real pipeline, end to end: the `ofsted-dataset` command running the Prefect flow (embedded
server) on copies of the seed corpus, as `make run` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import copy_project, edit, tree_digest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Prefect database for the module: it is created and migrated once (~20 s), not per run."""
    return tmp_path_factory.mktemp("prefect-home")


def run_cli(root: Path, prefect_home: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), **extra_env}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "ofsted_dataset.cli", "--root", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


ARTIFACT = """
import asyncio
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

async def main():
    async with get_client() as client:
        found = await client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["build-summary"])))
        for artifact in found:
            print(artifact.description)

asyncio.run(main())
"""


def artifacts(prefect_home: Path) -> list[str]:
    """Descriptions of the build-summary artifacts the runs published (newest first)."""
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    result = subprocess.run([sys.executable, "-c", ARTIFACT], capture_output=True, text=True, env=env,
                            timeout=120, check=True)
    return result.stdout.splitlines()


def test_build_publishes_1_0_0_then_nothing_new(tmp_path, prefect_home, seed_release):
    root = copy_project(tmp_path / "project")
    inputs = {name: tree_digest(root / name) for name in ("raw", "mappings", "reference")}
    first = run_cli(root, prefect_home, "build")
    assert first.returncode == 0, first.stderr
    # A build only reads its inputs: the official extract is refreshed by its own command, never here.
    assert {name: tree_digest(root / name) for name in inputs} == inputs
    lines = first.stdout.splitlines()
    assert lines[:3] == [
        "Sources read: 5 raw article(s), 5 with a mapping",
        "Facts applied: 40 curated record(s), 155 quote(s) matched",
        "Rows: sources 5, inspections 10, judgements 17, recommendations 8, funding_commitments 2, grade_counts 0, "
        "provenance 155, official_checks 41, inspections_flat 10",
    ]
    assert lines[3] == (
        "Official record: 785 inspection(s) in the committed extract, from "
        "Childrens_social_care_in_England_2023_underlying_data.ods (retrieved 2026-11-25), "
        "LA_Inspection_Outcomes_as_at_31_March_2025.ods (retrieved 2026-11-25)")
    assert lines[4:] == [
        "Checks against the official record: 25 confirmed, 2 conflict, 14 not_in_official_record",
        "  conflict: inspections middlesbrough-2017-full-inspection overall_grade: the news says inadequate, the "
        "official record requires_improvement (Childrens_social_care_in_England_2023_underlying_data.ods, "
        "LA_inspections_2009-2023, row 85)",
        "  conflict: judgements middlesbrough-2017-full-inspection/overall_effectiveness grade: the news says "
        "inadequate, the official record requires_improvement (Childrens_social_care_in_England_2023_underlying_"
        "data.ods, LA_inspections_2009-2023, row 85)",
        "Release 1.0.0 written to published/1.0.0 (first release): Initial release: sources: 5 added; "
        "inspections: 10 added; judgements: 17 added; recommendations: 8 added; funding_commitments: 2 added; "
        "provenance: 155 added; official_checks: 41 added; inspections_flat: 10 added. 2 news value(s) conflict "
        "with Ofsted's official record (see CHANGES.md).",
    ]
    assert "Traceback" not in first.stderr and "ERROR" not in first.stderr, first.stderr
    assert (root / "published" / "LATEST").read_text(encoding="utf-8") == "1.0.0\n"
    assert os.readlink(root / "published" / "current") == "1.0.0"

    # Same inputs, same bytes: the data files equal those the plain stages publish from the same corpus.
    assert tree_digest(root / "published" / "1.0.0" / "data") == tree_digest(
        seed_release / "published" / "1.0.0" / "data")

    before = tree_digest(root / "published")
    second = run_cli(root, prefect_home, "build")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1] == "No changes: release 1.0.0 is current; nothing published"
    assert tree_digest(root / "published") == before

    # Each run published its summary as a Prefect artifact, saying what the CLI said.
    published = artifacts(prefect_home)
    assert lines[-1] in published
    assert second.stdout.splitlines()[-1] in published

    query = run_cli(root, prefect_home, "query",
                    "select inspection_id, overall_grade, published_date from inspections "
                    "where local_authority = 'Gloucestershire' order by inspection_id")
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines() == [
        "inspection_id                         overall_grade  published_date",
        "------------------------------------  -------------  --------------",
        "gloucestershire-2010-full-inspection  inadequate     2011-01-01",
        "gloucestershire-2017-full-inspection  inadequate     2017-06-01",
        "(2 rows)",
    ]


def test_a_missing_quote_stops_the_run_and_publishes_nothing(tmp_path, prefect_home):
    root = copy_project(tmp_path / "project", with_release=True)
    edit(root / "mappings" / "004_99f45e7fed0112e3.yaml", 'published_date: "Published 7th July 2017"',
         'published_date: "Published 17th July 2017"')
    before = tree_digest(root / "published")
    result = run_cli(root, prefect_home, "build")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: 1 curation problem(s) in 1 file(s); nothing was published.",
        "  - mappings/004_99f45e7fed0112e3.yaml:9: sources[0].published_date: quote 'Published 17th July 2017' "
        "not found in raw/004_99f45e7fed0112e3.txt; the closest passage is at line 3, characters 68–91: 'Published "
        "7th July 2017'; they first differ at line 3, character 78, where the article has 'Published 7th' and the "
        "quote 'Published 17th'",
    ]
    assert tree_digest(root / "published") == before


def test_a_corrected_value_makes_a_patch_release(tmp_path, prefect_home, seed_release):
    root = copy_project(tmp_path / "project", with_release=True)
    assert (root / "published" / "LATEST").read_text(encoding="utf-8") == "1.0.0\n"
    edit(root / "mappings" / "002_3dafbde2ba55b338.yaml", "theme: front_door", "theme: leadership_and_management")
    result = run_cli(root, prefect_home, "build")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Release 1.0.1 written to published/1.0.1 (patch, previous 1.0.0): recommendations: 1 changed. "
        "2 news value(s) conflict with Ofsted's official record (see CHANGES.md).")
    assert os.readlink(root / "published" / "current") == "1.0.1"
    assert tree_digest(root / "published" / "1.0.0") == tree_digest(seed_release / "published" / "1.0.0")


def test_the_process_pool_gives_byte_identical_output(tmp_path, prefect_home, seed_release):
    """The per-article batches (three here) on the default local process pool give the same bytes."""
    root = copy_project(tmp_path / "project")
    result = run_cli(root, prefect_home, "build", OFSTED_BATCH_SIZE="2", OFSTED_PROCESSES="2")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert tree_digest(root / "published" / "1.0.0" / "data") == tree_digest(
        seed_release / "published" / "1.0.0" / "data")
    assert not list((root / "staged" / "cache").glob(".batches-*"))  # the batches' facts files are removed


def test_dask_runner_gives_byte_identical_output(tmp_path, prefect_home, seed_release):
    """The per-article batches on a local Dask cluster (2 worker processes) give the same bytes."""
    root = copy_project(tmp_path / "project")
    result = run_cli(root, prefect_home, "build", OFSTED_DASK_ADDRESS="local", OFSTED_DASK_WORKERS="2",
                     DASK_TEMPORARY_DIRECTORY=str(tmp_path / "dask"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert tree_digest(root / "published" / "1.0.0" / "data") == tree_digest(
        seed_release / "published" / "1.0.0" / "data")
    assert not list((root / "staged" / "cache").glob(".batches-*"))  # the batches' facts files are removed
