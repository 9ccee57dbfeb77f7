"""Tests for ofsted_dataset.text: the one set of typographic equivalences every tool shares."""

from __future__ import annotations

import re

import pytest

from ofsted_dataset.text import (
    CANONICAL_TABLE,
    DASHES,
    DOUBLE_QUOTES,
    FOLD_TABLE,
    MONTHS,
    SINGLE_QUOTES,
    SPACES,
    canonical,
    flexible,
    fold,
    folded_key,
    slug,
)


@pytest.mark.parametrize("typed", ["children‘s services", "children’s services", "children‛s services",
                                   "children′s services", "children`s  services", "children's\u00a0services"])
def test_every_apostrophe_and_space_folds_to_one_form(typed):
    assert fold(typed) == "children's services"


def test_quotes_dashes_and_case():
    assert fold("„Inadequate“ — “good” – «outstanding»") == '"Inadequate" - "good" - "outstanding"'
    assert folded_key("  South\u2010Glos  COUNCIL ") == "south-glos council"


def test_flexible_finds_any_typography_of_a_phrase_at_its_raw_offsets():
    text = "Ofsted rated Bath & North East Somerset’s services ‘good’."
    match = re.search(flexible("Somerset's services 'good'"), text)
    assert match is not None and (match.start(), match.group(0)) == (31, "Somerset’s services ‘good’")


def test_slug_and_months():
    assert slug("South Gloucestershire — 2016 SIF") == "south-gloucestershire-2016-sif"
    assert (len(MONTHS), MONTHS[0], MONTHS[-1]) == (12, "January", "December")


@pytest.mark.parametrize("text", [
    "plain ASCII with a `backtick`,\ttabs\r\nand\x0bvertical\x1fseparators",
    "„Inadequate“ — ‘good’ – «outstanding»\u00a0and\u2003wide\u3000spaces",
    DOUBLE_QUOTES + SINGLE_QUOTES + DASHES + SPACES + "Children’s Services",
    "",
])
def test_the_fast_translations_are_str_translate(text):
    assert canonical(text) == text.translate(CANONICAL_TABLE)
    assert fold(text) == " ".join(text.translate(FOLD_TABLE).split())
