"""The benchmark's synthetic corpus must be one the real pipeline accepts, or the benchmark measures
the failure path instead of a build: these tests run the real stages (no Prefect) on a small corpus."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml

from bench.generate_corpus import generate
from ofsted_dataset import pipeline
from ofsted_dataset.facts.mapping_model import RECORD_TABLES

N = 30


def _files(root: Path) -> dict[str, bytes]:
    """The generated corpus (raw/ and mappings/; a build's staged/ cache is not part of it)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] in ("raw", "mappings")}


def _mappings(root: Path) -> list[dict]:
    return [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            for p in sorted((root / "mappings").glob("*.yaml"))]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate(root, N, seed=0)
    return root


def test_writes_a_project_one_article_and_mapping_per_pair(corpus):
    assert sorted(p.name for p in corpus.iterdir()) == ["mappings", "raw", "reference"]
    assert sorted(p.name for p in (corpus / "reference").iterdir()) == ["judgement_areas.csv", "local_authorities.csv"]
    raw = sorted(p.stem for p in (corpus / "raw").iterdir())
    assert len(raw) == N
    assert raw == sorted(p.stem for p in (corpus / "mappings").iterdir())


def test_the_real_stages_accept_every_mapping_and_validate(corpus):
    build = pipeline.run(corpus, until="validate")
    assert build.applied.problems == []
    assert build.applied.mapped == sorted(p.stem for p in (corpus / "raw").iterdir())
    rows = build.rows
    assert rows["sources"] == N
    assert rows["recommendations"] > 0 and rows["judgements"] > 0 and rows["funding_commitments"] > 0


def test_articles_are_2_to_7_kb(corpus):
    sizes = [p.stat().st_size for p in (corpus / "raw").iterdir()]
    assert min(sizes) >= 2000
    assert max(sizes) <= 7000


def test_each_mapping_has_15_to_40_facts(corpus):
    for mapping in _mappings(corpus):
        records = sum(len(mapping.get(t) or []) for t in RECORD_TABLES)
        assert records >= 15 and records + 1 <= 40  # + 1: the source block is a fact too


def test_inspections_are_reported_by_several_articles(corpus):
    articles_per_inspection = collections.Counter(
        inspection_id for mapping in _mappings(corpus)
        for inspection_id in {r["inspection_id"] for r in mapping.get("inspections") or []})
    assert sum(1 for count in articles_per_inspection.values() if count >= 2) >= 5


def test_recommendation_and_commitment_ids_are_unique_across_the_corpus(corpus):
    for table, key in (("recommendations", "recommendation_id"), ("funding_commitments", "commitment_id")):
        ids = [r[key] for mapping in _mappings(corpus) for r in mapping.get(table) or []]
        assert len(ids) == len(set(ids))


def test_same_seed_same_bytes_other_seed_other_corpus(corpus, tmp_path):
    generate(tmp_path / "again", N, seed=0)
    generate(tmp_path / "other", N, seed=1)
    assert _files(tmp_path / "again") == _files(corpus)
    assert _files(tmp_path / "other") != _files(corpus)
