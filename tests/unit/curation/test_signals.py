"""The signals draft and lint share recognise every quote form the build's quote matcher accepts
(ofsted_dataset.text): „…“, ‚…‘, «…», ″…″ and ′ ‛ apostrophes, which they once missed."""

from __future__ import annotations

import dataclasses

from ofsted_dataset.curation.sentences import split_sentences
from ofsted_dataset.curation.signals import CouncilFinder, grades_given
from ofsted_dataset.facts.reference import Register
from tests.helpers import PROJECT


def test_grades_in_any_quote_marks_are_grades_given():
    text = "Inspectors called the services „inadequate“, the adoption team ‚good‘, fostering «outstanding»."
    assert [(m.start, m.text, m.value) for m in grades_given(text)] == [
        (32, "inadequate", "inadequate"), (64, "good", "good"), (82, "outstanding", "outstanding")]


def test_an_unquoted_grade_word_is_still_not_a_grade_given():
    assert grades_given("Inspectors found good practice and inadequate record keeping.") == []


def test_a_sentence_ends_after_a_low_closing_quote_mark():
    text = "Ofsted called the service „inadequate.“ The council said it would improve."
    assert [(s.start, s.text) for s in split_sentences(text)] == [
        (0, "Ofsted called the service „inadequate.“"), (40, "The council said it would improve.")]


def test_a_name_with_an_apostrophe_is_found_however_the_apostrophe_is_typed():
    # No council of the seed register has an apostrophe in its name; this register adds one.
    norfolk = Register.load(PROJECT).find("Norfolk")
    assert norfolk is not None
    kings_lynn = dataclasses.replace(norfolk, name="King's Lynn and West Norfolk", gss_code="E07000146",
                                     aliases=("King's Lynn",))
    finder = CouncilFinder(Register([norfolk, kings_lynn]))
    found = finder.find("King‛s Lynn and West Norfolk, King′s Lynn and Norfolk.")
    # Before, neither name was found and "Norfolk" was read inside the first one.
    assert [(m.start, m.text, m.value) for m in found] == [
        (0, "King‛s Lynn and West Norfolk", "King's Lynn and West Norfolk"),
        (30, "King′s Lynn", "King's Lynn and West Norfolk"),
        (46, "Norfolk", "Norfolk"),
    ]
