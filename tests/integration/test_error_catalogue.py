"""Bad input never gets through and never loses data: each case of the catalogue, end to end through
the real stages, gives its exact message and leaves published/ byte-identical."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml

from ofsted_dataset import pipeline
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.release.verify import verify_release
from tests.helpers import NEW_MAPPING, PROJECT, copy_project, tree_digest
from tests.integration.error_cases import CASES, Case, hostile_target, new_article, render_catalogue


def run_build(root: Path) -> list[str]:
    """The whole build (plain stages); the lines the CLI would print for an expected failure ([] if none)."""
    try:
        pipeline.run(root)
    except PipelineError as exc:
        return str(exc).splitlines()
    return []


@pytest.fixture
def released(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project", with_release=True)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_catalogue(released: Path, case: Case):
    pwned = hostile_target(released)  # in this test's own tmp folder: nothing there yet
    assert not pwned.exists()
    before = tree_digest(released / "published")
    case.make(released)
    assert run_build(released) == case.message
    assert tree_digest(released / "published") == before
    assert not pwned.exists()


def test_the_yaml_tag_payload_runs_if_a_loader_lets_it(released: Path):
    """test_catalogue[yaml_code_execution] proves something only if its payload is live: an unsafe loader
    given the same mapping does create the file the catalogue test checks is never created."""
    case = next(c for c in CASES if c.name == "yaml_code_execution")
    case.make(released)
    pwned = hostile_target(released)
    assert pwned.parent == released.parent and not pwned.exists()
    yaml.unsafe_load((released / "mappings" / "004_99f45e7fed0112e3.yaml").read_text(encoding="utf-8"))
    assert pwned.is_file()


def test_catalogue_document_is_in_sync():
    assert (PROJECT / "docs" / "error-catalogue.md").read_text(encoding="utf-8") == render_catalogue()


CRLF_ARTICLE = "Council praised\r\n\r\nOfsted has rated Leeds children's services\r\noutstanding this week.\r\n"


def test_crlf_article_is_handled_with_offsets_counting_cr(released):
    new_article(released, CRLF_ARTICLE, NEW_MAPPING.replace("005_leeds", "005_new"))
    assert run_build(released) == []
    prov = pq.read_table(released / "published" / "current" / "data" / "provenance.parquet").to_pylist()
    grade = [p for p in prov if p["record_id"] == "leeds-2022-full-inspection" and p["field"] == "overall_grade"]
    assert [(p["char_start"], p["char_end"], p["quote"]) for p in grade] == [
        (30, 74, "rated Leeds children's services\r\noutstanding")]
    assert CRLF_ARTICLE[30:74] == grade[0]["quote"]


FORMULA_ARTICLE = '=HYPERLINK("http://example.com","Leeds praised")\n\nOfsted has rated Leeds outstanding.\n'
FORMULA_MAPPING = """source:
  file: 005_new.txt
  sha256: {sha}
  title: '=HYPERLINK("http://example.com","Leeds praised")'
"""


def test_csv_text_that_looks_like_a_formula_is_escaped_and_parquet_keeps_it(released):
    new_article(released, FORMULA_ARTICLE, FORMULA_MAPPING)
    assert run_build(released) == []
    data = released / "published" / "current" / "data"
    title = '=HYPERLINK("http://example.com","Leeds praised")'
    parquet = {r["source_id"]: r["title"] for r in pq.read_table(data / "sources.parquet").to_pylist()}
    csv = {r["source_id"]: r["title"] for r in pacsv.read_csv(data / "sources.csv").to_pylist()}
    assert parquet["005_new"] == title
    assert csv["005_new"] == "'" + title
    assert verify_release(released / "published" / "current") == []
