"""The drafter's corpus (tests/fixtures/drafter_corpus/): fifty articles written by the project, with gold
mappings curated by hand, split once into a development part (the drafter's rules are tuned on it) and a
held-out test part (never read while tuning). Each part must be a valid corpus on its own, checked by the
real pipeline up to validation and by lint, its facts agreeing with Ofsted's official record; and none of
it may reach the published corpus.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from ofsted_dataset import pipeline
from ofsted_dataset.curation.lint import lint
from tests.helpers import PROJECT, SEED_CORPUS

CORPUS = PROJECT / "tests" / "fixtures" / "drafter_corpus"
PARTS = {"dev": 35, "test": 15}


def corpus_project(part: str, target: Path) -> Path:
    """A part of the corpus (articles, page records, gold mappings) with the reference data the tests own,
    as a project of its own."""
    shutil.copytree(CORPUS / part / "raw", target / "raw")
    shutil.copytree(CORPUS / part / "mappings", target / "mappings")
    shutil.copytree(SEED_CORPUS / "reference", target / "reference")
    return target


@pytest.mark.slow
@pytest.mark.parametrize("part", PARTS)
def test_each_part_is_a_valid_corpus_that_agrees_with_the_official_record(tmp_path: Path, part: str):
    root = corpus_project(part, tmp_path / part)
    build = pipeline.run(root, until="validate")
    assert [str(p) for p in build.applied.problems] == []
    assert len(build.applied.mapped) == PARTS[part]
    assert build.applied.waiting == []
    statuses = Counter(build.applied.tables["official_checks"].column("status").to_pylist())
    assert statuses["conflict"] == 0
    assert [str(f) for f in lint(root)] == []


def test_the_split_is_fixed_and_every_article_has_its_page_record_and_gold_mapping():
    """Every writer's articles 03, 06 and 09 are the test part; nothing moves between the parts."""
    for part, size in PARTS.items():
        stems = sorted(p.stem for p in (CORPUS / part / "raw").glob("*.txt"))
        assert len(stems) == size
        assert stems == sorted(p.stem for p in (CORPUS / part / "mappings").glob("*.yaml"))
        assert all((CORPUS / part / "raw" / f"{stem}.page.json").is_file() for stem in stems)
        assert all((stem[1:3] in ("03", "06", "09")) == (part == "test") for stem in stems), stems


def test_the_corpus_is_never_in_the_published_corpus():
    """Written for the drafter, not news: none of it is an article of the project's raw/ or mappings/."""
    for path in CORPUS.glob("*/raw/*.txt"):
        assert not (PROJECT / "raw" / path.name).exists()
        assert not (PROJECT / "mappings" / f"{path.stem}.yaml").exists()
