"""`lint` on the corpus: nothing fact-like left uncovered and no stale waiver, and what it reports when a
quote goes or a waiver silences nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ofsted_dataset.cli import main
from ofsted_dataset.curation.lint import Finding, lint, reasons
from ofsted_dataset.curation.signals import Signals
from ofsted_dataset.facts.reference import JudgementAreas, Register
from tests.helpers import NEW_ARTICLE, NEW_MAPPING, SEED_CORPUS, edit

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


def test_the_seed_corpus_has_no_findings_and_no_stale_waivers():
    """The seeds as curated: every fact-like sentence is quoted or waived, and every waiver is what keeps
    some sentence from being reported. (lint advises; the live corpus is not held to it by a test.)"""
    assert [str(f) for f in lint(SEED_CORPUS)] == []


def add_waiver(project: Path, quote: str) -> int:
    """A waiver appended to mapping 002 (whose last key is lint_waivers); the line it starts on."""
    path = project / M002
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and text.rindex("lint_waivers:") > text.rindex("\n\n")
    path.write_text(text + f'  - quote: "{quote}"\n    reason: Test waiver.\n', encoding="utf-8")
    return text.count("\n") + 1


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


def test_a_waiver_whose_quote_is_not_in_the_article_is_stale(project: Path):
    line = add_waiver(project, "Leeds was rated outstanding")
    assert line == 132
    assert [str(f) for f in lint(project)] == [
        "mappings/002_3dafbde2ba55b338.yaml:132: stale lint waiver 'Leeds was rated outstanding': its quote is not "
        "in raw/002_3dafbde2ba55b338.txt; remove it from lint_waivers"]


def test_a_waiver_for_a_sentence_a_quote_covers_is_stale(project: Path):
    """The funding record's quotes cover the money sentence; the waiver's long quote is shown by its ends."""
    add_waiver(project, FUNDING_SENTENCE)
    assert [str(f) for f in lint(project)] == [
        "mappings/002_3dafbde2ba55b338.yaml:132: stale lint waiver 'Bromiley noted that prior to Ofsted’s visit "
        "the council had  … ore than just money.' (231 characters): the sentence it matches "
        "(raw/002_3dafbde2ba55b338.txt:40) is already covered by a quote; remove it from lint_waivers"]


def test_a_waiver_for_a_sentence_with_no_signal_is_stale(project: Path):
    add_waiver(project, "Image of laptop and magnifying glass")
    assert [str(f) for f in lint(project)] == [
        "mappings/002_3dafbde2ba55b338.yaml:132: stale lint waiver 'Image of laptop and magnifying glass': the "
        "sentence it matches (raw/002_3dafbde2ba55b338.txt:5) has no fact-like signal; remove it from lint_waivers"]


def test_a_second_waiver_for_a_waived_sentence_is_stale_and_the_first_is_not(project: Path):
    add_waiver(project, "Positive response to Covid pressures")
    assert [str(f) for f in lint(project)] == [
        "mappings/002_3dafbde2ba55b338.yaml:132: stale lint waiver 'Positive response to Covid pressures': the "
        "sentence it matches (raw/002_3dafbde2ba55b338.txt:44) is already waived by the waiver on line 128; "
        "remove it from lint_waivers"]


def test_a_waiver_matching_several_sentences_none_reported_is_stale(project: Path):
    add_waiver(project, "Adobe Stock")  # the picture credit, printed twice
    assert [str(f) for f in lint(project)] == [
        "mappings/002_3dafbde2ba55b338.yaml:132: stale lint waiver 'Adobe Stock': none of the 2 sentences it "
        "matches would be reported without it (raw/002_3dafbde2ba55b338.txt:5 has no fact-like signal; "
        "raw/002_3dafbde2ba55b338.txt:6 has no fact-like signal); remove it from lint_waivers"]


def test_a_waiver_quote_across_two_sentences_is_stale(project: Path):
    add_waiver(project, "Adobe Stock) (credit: Paweł Michałowski")  # the end of line 5, the start of line 6
    assert [str(f) for f in lint(project)] == [
        "mappings/002_3dafbde2ba55b338.yaml:132: stale lint waiver 'Adobe Stock) (credit: Paweł Michałowski': its "
        "quote is in raw/002_3dafbde2ba55b338.txt (line 5) but spans more than one sentence, and a waiver matches "
        "only a quote within one sentence; remove it from lint_waivers"]


def test_lint_exits_non_zero_on_a_stale_waiver(project: Path, capsys: pytest.CaptureFixture[str]):
    add_waiver(project, "Leeds was rated outstanding")
    assert main(["--root", str(project), "lint"]) == 1
    assert capsys.readouterr().out == (
        "mappings/002_3dafbde2ba55b338.yaml:132: stale lint waiver 'Leeds was rated outstanding': its quote is not "
        "in raw/002_3dafbde2ba55b338.txt; remove it from lint_waivers\n"
        "0 sentence(s) look like facts that no mapping quote covers\n"
        "1 lint waiver(s) silence no sentence; remove them from lint_waivers\n")


def test_a_grade_in_any_quote_marks_is_a_signal():
    signals = Signals(Register.load(SEED_CORPUS), JudgementAreas.load(SEED_CORPUS))
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
