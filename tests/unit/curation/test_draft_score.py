"""`draft-score` on the drafter's corpus: the held-out test part's figures are the README's, and never
fall; `--corpus` scores any folder of articles and `--differences` lists what each draft missed or added,
writing nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from ofsted_dataset.cli import main
from ofsted_dataset.curation.draft_score import (
    FACT_TYPES,
    differences,
    facts_of,
    precision_recall,
    render_table,
    tally_corpus,
    total,
)
from ofsted_dataset.facts.mapping_model import CuratedDate
from ofsted_dataset.facts.mappings import load_mapping
from ofsted_dataset.facts.reference import JudgementAreas, Register
from tests.helpers import PROJECT, SEED_CORPUS, tree_digest

CORPUS = PROJECT / "tests" / "fixtures" / "drafter_corpus"

# Measured on the test part when the rules were last changed; a change may raise these, never lower them.
TEST_FLOORS: dict[str, tuple[float, float]] = {
    "inspections": (0.914, 0.955),
    "overall_grades": (0.903, 0.823),
    "judgements": (0.978, 0.793),
    "counts": (1.0, 0.818),
    "recommendations": (0.911, 1.0),
    "funding": (1.0, 1.0),
    "dates": (0.977, 0.843),
    "themes": (1.0, 0.75),
    "grade_counts": (0.75, 0.857),
}


@pytest.fixture(scope="module")
def test_part() -> dict:
    return tally_corpus(CORPUS / "test", PROJECT)


@pytest.mark.slow
def test_the_readme_shows_the_test_part_figures(test_part: dict):
    table = render_table(total(test_part.values()))
    assert f"\n{table}\n" in (PROJECT / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_test_part_figures_do_not_fall(test_part: dict):
    scores = precision_recall(total(test_part.values()))
    assert set(scores) == set(TEST_FLOORS) == set(FACT_TYPES)
    for kind, (precision, recall) in scores.items():
        assert precision >= TEST_FLOORS[kind][0], kind
        assert recall >= TEST_FLOORS[kind][1], kind


@pytest.mark.slow
def test_draft_score_of_a_corpus_folder_lists_the_differences_and_writes_nothing(capsys: pytest.CaptureFixture[str]):
    before = tree_digest(CORPUS / "dev")
    assert main(["--root", str(PROJECT), "draft-score", "--corpus", str(CORPUS / "dev"), "--differences"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"35 mapped article(s) of {CORPUS / 'dev'} drafted from their raw text alone")
    assert "\n\nDifferences (- missed, + drafted but not curated):\n" in out
    assert tree_digest(CORPUS / "dev") == before


def test_differences_pair_facts_as_multisets_and_recommendations_by_their_words():
    draft = {kind: [] for kind in FACT_TYPES} | {
        "inspections": [("Leeds", "full_inspection"), ("Leeds", "full_inspection")],
        "recommendations": ["improve the timeliness of assessments for children in need"],
        "dates": [("article", "2023-03-07")]}
    curated = {kind: [] for kind in FACT_TYPES} | {
        "inspections": [("Leeds", "full_inspection"), ("Bradford", "full_inspection")],
        "recommendations": ["the timeliness of assessments for children in need", "the quality of plans"],
        "dates": [("article", "2023-03-07"), ("Leeds", "visit_start", "2022-10")]}
    found = differences(draft, curated)
    assert found["inspections"] == ([("Bradford", "full_inspection")], [("Leeds", "full_inspection")])
    assert found["recommendations"] == (["the quality of plans"], [])
    assert found["dates"] == ([("Leeds", "visit_start", "2022-10")], [])


def test_the_article_date_is_the_mappings_else_the_page_records(tmp_path: Path):
    raw = tmp_path / "raw" / "x01.txt"
    raw.parent.mkdir()
    raw.write_text("Headline\n\nNo date here.\n", encoding="utf-8")
    path = tmp_path / "mappings" / "x01.yaml"
    path.parent.mkdir()
    path.write_text(f"source:\n  file: x01.txt\n  sha256: {hashlib.sha256(raw.read_bytes()).hexdigest()}\n"
                    "  title: Headline\n", encoding="utf-8")
    mapping, problems = load_mapping(path)
    assert problems == [] and mapping is not None
    page = CuratedDate(dt.date(2024, 7, 19), "day")
    got = facts_of(mapping, Register.load(SEED_CORPUS), JudgementAreas.load(SEED_CORPUS), page)
    assert got["dates"] == [("article", "2024-07-19")]
