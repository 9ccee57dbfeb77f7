"""`lint` on the seed corpus: nothing fact-like left uncovered, and what it reports when a quote goes."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from ofsted_dataset.curation.lint import Finding, lint, lint_article, reasons
from ofsted_dataset.curation.signals import Signals
from ofsted_dataset.facts.ingest import read_articles
from ofsted_dataset.facts.mappings import load_mappings
from ofsted_dataset.facts.reference import JudgementAreas, Register
from tests.helpers import NEW_ARTICLE, NEW_MAPPING, PROJECT, edit

M002 = "mappings/002_3dafbde2ba55b338.yaml"
BROMILEY_SENTENCE = (
    "Samuel Bromiley, South Gloucestershire’s cabinet member for children and young people, said he accepted the "
    "report “shows we are not doing well enough to support those children, young people and their families who need "
    "us the most”."
)
FUNDING_SENTENCE = (
    "Bromiley noted that prior to Ofsted’s visit the council had announced a four-year, £10m investment into its "
    "service and workforce “to enable us to meet the challenges we know we face” but admitted these needed more "
    "than just money."
)


def test_seed_corpus_has_no_findings():
    assert lint(PROJECT) == []


def test_removing_a_quote_leaves_its_sentence_reported(project: Path):
    text = (project / M002).read_text(encoding="utf-8")
    start, end = text.index("funding_commitments:"), text.index("lint_waivers:")
    (project / M002).write_text(text[:start] + text[end:], encoding="utf-8")
    # The funding record's quotes covered both the money and the sentence naming the council.
    assert lint(project) == [
        Finding("002_3dafbde2ba55b338", 36, 3758, BROMILEY_SENTENCE, "council name 'South Gloucestershire'"),
        Finding("002_3dafbde2ba55b338", 40, 4249, FUNDING_SENTENCE, "money '£10m'"),
    ]


def test_a_waiver_silences_the_finding(project: Path):
    text = (project / M002).read_text(encoding="utf-8")
    start, end = text.index("funding_commitments:"), text.index("lint_waivers:")
    (project / M002).write_text(text[:start] + text[end:], encoding="utf-8")
    edit(project / M002, "lint_waivers:\n", "lint_waivers:\n  - quote: \"a four-year, £10m investment\"\n"
                                          "    reason: Test waiver.\n")
    assert [f.line for f in lint(project)] == [36]  # the money sentence is waived; the other is not


def test_removing_a_waiver_brings_back_its_finding(project: Path):
    edit(project / "mappings/003_6e4606619b08db71.yaml",
         '  - quote: "From £15 / month"\n    reason: The publisher\'s subscription price, not a funding commitment.\n',
         "")
    assert lint(project) == [Finding("003_6e4606619b08db71", 68, 5499, "From £15 / month", "money '£15'")]


def test_every_seed_waiver_silences_a_sentence():
    """No stale waivers: each one, on its own, is what keeps some sentence from being reported."""
    mappings, _ = load_mappings(PROJECT / "mappings")
    articles, _ = read_articles(PROJECT / "raw")
    signals = Signals(Register.load(PROJECT), JudgementAreas.load(PROJECT))
    for mapping in mappings:
        unwaived = lint_article(articles[mapping.source_id].text, dataclasses.replace(mapping, waivers=[]), signals)
        for waiver in mapping.waivers:
            assert any(" ".join(waiver.quote.split()) in " ".join(f.sentence.split()) for f in unwaived), waiver


def test_a_grade_in_any_quote_marks_is_a_signal():
    signals = Signals(Register.load(PROJECT), JudgementAreas.load(PROJECT))
    assert reasons("Inspectors called the services „inadequate“ and fostering «good».", signals) == [
        "grade word 'inadequate'", "grade word 'good'"]


def test_an_uncovered_grade_in_low_quote_marks_is_reported(project: Path):
    """Lint once missed „inadequate“: the sentence gave a grade, but no signal it knew of."""
    sentence = "A year later its fostering service was called „inadequate“."
    raw = project / "raw" / "005_leeds.txt"
    raw.write_text(NEW_ARTICLE + "\n" + sentence + "\n", encoding="utf-8")
    sha = hashlib.sha256(raw.read_bytes()).hexdigest()
    (project / "mappings" / "005_leeds.yaml").write_text(NEW_MAPPING.format(sha=sha), encoding="utf-8")
    assert lint(project) == [Finding("005_leeds", 5, len(NEW_ARTICLE) + 1, sentence, "grade word 'inadequate'")]
