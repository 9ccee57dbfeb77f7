"""One pass over an article, sentence by sentence, keeping the context later sentences refer to.

Most sentences do not name the council they are about; the reader carries it from the headline and
from the last sentence that named exactly one, and lets "these areas" reach back to the councils of
the sentence before. Every sentence is then offered to each kind of fact (mentions, grades, counts,
recommendations, funding) with that context. The pass is deterministic: the same text, the same facts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ofsted_dataset.curation.councils import subjects
from ofsted_dataset.curation.date_expressions import Reference
from ofsted_dataset.curation.dates import (
    Dateline,
    article_year,
    find_dateline,
    is_dateline,
    read_dates,
    reference,
)
from ofsted_dataset.curation.funding import Funding, commitments, read_funding
from ofsted_dataset.curation.grade_counts import find_counts, place_counts, taken
from ofsted_dataset.curation.inspections import Inspections, Listing, Mention
from ofsted_dataset.curation.judgements import read_grades
from ofsted_dataset.curation.mentions import ordinals, read_mentions, reports_inspection
from ofsted_dataset.curation.recommendations import is_bullet, is_heading, read_count, read_recommendations
from ofsted_dataset.curation.sentences import Sentence, split_sentences
from ofsted_dataset.curation.signals import Match, Signals, any_grade, grades_given
from ofsted_dataset.curation.themes import looked_at
from ofsted_dataset.facts.mapping_model import CuratedDate
from ofsted_dataset.facts.reference import JudgementAreas, Register
from ofsted_dataset.text import DOUBLE_QUOTES

_SLAC = re.compile(r"safeguarding\s+and\s+looked[\s-]+after\s+children|Care\s+Quality\s+Commission|\bCQC\b|\bSLAC\b",
                   re.IGNORECASE)
_CPI = re.compile(r"child\s+protection\s+inspections?|inspections?\s+of\s+child\s+protection"
                  r"|inspections?\s+of\s+(?:the\s+)?(?:local\s+authority\s+)?arrangements\s+for\s+(?:the\s+)?"
                  r"protect(?:ion\s+of|ing)\s+children", re.IGNORECASE)
_LISTED_AREAS = 3  # a sentence naming this many areas and no grade lists those graded
_SUBJECT_WITHIN = 40  # characters: a council named this early in a sentence is what it is about
_ANAPHORA = re.compile(r"\b(?:these|those)\s+(?:areas|councils|authorities|local\s+authorities)\b", re.IGNORECASE)


@dataclass
class Reading:
    """An article and the facts read from it."""

    text: str
    signals: Signals
    sentences: list[Sentence]
    dateline: Dateline | None
    ref: Reference | None  # the article's date (dateline, else page record): what relative dates count from
    slac: bool  # the article reports a SLAC inspection (Ofsted with the CQC, 2009-2013)
    cpi: bool  # the article reports a child protection inspection (2012-2013), graded as a whole
    first_naming: dict[str, Sentence]  # each council's first sentence: the quote for its name
    main_la: str | None  # the council the article is about, until a sentence names another
    inspections: Inspections = field(default_factory=Inspections)
    funding: list[Funding] = field(default_factory=list)

    def councils(self, text: str) -> list[str]:
        """The councils `text` names, by register name, in order of first naming."""
        return list(dict.fromkeys(m.value for m in self.signals.councils.find(text)))


def read_article(text: str, register: Register, areas: JudgementAreas, page_date: CuratedDate | None = None) -> Reading:
    """Every fact the rules find in `text`, attached to the inspections they are about; `page_date` is
    the page record's date of the article, used when the text gives none."""
    signals = Signals(register, areas)
    sentences = split_sentences(text)
    first_naming: dict[str, Sentence] = {}
    counts: dict[str, int] = {}
    for s in sentences:
        for m in signals.councils.find(s.text):
            first_naming.setdefault(m.value, s)
            counts[m.value] = counts.get(m.value, 0) + 1
    dateline = find_dateline(sentences)
    ref = reference(dateline, page_date)
    reading = Reading(text, signals, sentences, dateline, ref, bool(_SLAC.search(text)), bool(_CPI.search(text)),
                      first_naming, _main_council(signals, sentences, counts), Inspections(ordinals(text)))
    _read_sentences(reading)
    reading.funding = commitments(reading.funding)
    reading.inspections.tidy()
    return reading


def _main_council(signals: Signals, sentences: list[Sentence], counts: dict[str, int]) -> str | None:
    """The council of the headline, else the one named most often (the first of those named as often)."""
    in_title = [m.value for m in signals.councils.find(sentences[0].text)] if sentences else []
    if in_title:
        return in_title[0]
    order = list(counts)
    return max(counts, key=lambda k: (counts[k], -order.index(k)), default=None)


def _read_sentences(reading: Reading) -> None:
    year = article_year(reading.text, reading.ref)
    context_la = reading.main_la
    previous: Sentence | None = None
    heading: Sentence | None = None  # a line introducing a list, while the lines after it are its items
    listed: Listing | None = None  # the last sentence naming the areas graded, without grades
    previous_areas: list[Match] = []  # the areas the sentence before names without grading them
    per_line = Counter(s.paragraph for s in reading.sentences)
    for s in reading.sentences[1:]:
        if heading and not (per_line[s.paragraph] == 1 and previous and s.paragraph == previous.paragraph + 1
                            and (is_bullet(s) or not is_bullet(previous))):
            heading = None  # the list ended: a paragraph of prose, or a plain line after bulleted items
        named, quote = _councils_of(reading, s, previous)
        councils = list(dict.fromkeys(m.value for m in named))
        if len(councils) == 1 and (named[0].start < _SUBJECT_WITHIN or reports_inspection(quote.text)
                                   or grades_given(quote.text)):
            context_la = councils[0]
        mentions = read_mentions(quote, named, [context_la] if context_la else [], reading.inspections, year)
        if not is_dateline(s, reading.dateline):
            read_dates(quote, mentions, context_la, reading.inspections, reading.ref, reading.dateline, bool(named))
        _theme(reading, s, mentions, context_la)
        counts = find_counts(quote, reading.signals.areas, reading.slac)
        read_grades(quote, s.start - quote.start, mentions, context_la, reading.signals.areas, reading.inspections,
                    (reading.slac, reading.cpi), year, taken(counts), _carried(previous_areas, previous, quote))
        place_counts(counts, mentions, context_la, reading.inspections, reading.signals.areas, listed)
        areas = _ungraded_areas(reading, s)
        if len({a.value for a in areas}) >= _LISTED_AREAS:
            listed = Listing(areas, s)
        read_count(s, mentions, context_la, reading.inspections)
        read_recommendations(s, mentions, context_la, reading.inspections, heading, _in_quotation(reading, s))
        if is_heading(s):
            heading = s
        reading.funding += read_funding(s, councils, context_la)
        previous, previous_areas = s, areas


def _theme(reading: Reading, s: Sentence, mentions: list[Mention], la: str | None) -> None:
    """What a visit looked at, said in a sentence of its own ("The visit looked at ..."): the theme of the
    visit the sentence is about, if it has none yet."""
    theme = looked_at(s.text)
    if theme is None:
        return
    for inspection in reading.inspections.nearest(mentions, 0, la):
        if inspection.kind != "full_inspection" and inspection.theme is None:
            inspection.theme = (theme, s)


def _ungraded_areas(reading: Reading, s: Sentence) -> list[Match]:
    """The judgement areas `s` names (offsets in the article) when it gives no grade: three or more make it
    a listing of the areas graded; one is what "Their overall effectiveness" in the next sentence is of."""
    if any_grade(s.text):
        return []
    return [Match(s.start + lab.start, s.start + lab.end, lab.text, lab.value)
            for lab in reading.signals.areas.find(s.text, reading.slac)]


def _carried(previous_areas: list[Match], previous: Sentence | None, s: Sentence) -> Match | None:
    """The one area the sentence before `s` names without grading it, with offsets relative to `s`: what
    "Their overall effectiveness" in `s` is of."""
    if previous is None or previous.paragraph != s.paragraph:
        return None
    areas = [a for a in previous_areas if a.value != "overall_effectiveness"]
    if len({a.value for a in areas}) != 1:
        return None
    return Match(areas[-1].start - s.start, areas[-1].end - s.start, areas[-1].text, areas[-1].value)


def _in_quotation(reading: Reading, s: Sentence) -> bool:
    """Whether `s` starts inside a quotation opened earlier in its paragraph (a speaker's second sentence)."""
    line_start = reading.text.rfind("\n", 0, s.start) + 1
    before = reading.text[line_start:s.start]
    return sum(before.count(mark) for mark in DOUBLE_QUOTES) % 2 == 1


def _councils_of(reading: Reading, s: Sentence, previous: Sentence | None) -> tuple[list[Match], Sentence]:
    """The councils `s` reports on (its namings that are not helpers'), and the quote that names them:
    `s`, or `s` with the sentence before when it names none but says "these areas" (the councils of that
    sentence)."""
    named = subjects(s.text, reading.signals.councils.find(s.text))
    if named or not _ANAPHORA.search(s.text) or previous is None or previous.paragraph != s.paragraph:
        return named, s
    joined = Sentence(previous.start, s.end, reading.text[previous.start:s.end], previous.line, s.paragraph)
    return subjects(joined.text, reading.signals.councils.find(previous.text)), joined
