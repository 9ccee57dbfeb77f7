"""Counts of judgement areas by grade, when an article counts the areas rather than naming them.

"All four areas were judged inadequate", "good in seven of the nine areas", "the other three areas
good", "Of the nine areas ..., two were good and the remaining seven adequate": each is a row of
`grade_counts` (scope, grade, areas, of how many), SLAC's counts scoped to its safeguarding or looked
after children's part by the words of the sentence. A count whose areas are then named ("the other two
areas, help and protection and leadership, require improvement") is left to the judgements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ofsted_dataset.curation.inspections import GradeCount, Inspection, Inspections, Listing, Mention
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import GRADE_WORDS, AreaFinder, Match, grade_of, number

_N = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_AREAS = (r"(?:(?:judgement|outcome|inspection|key)\s+)?(?:areas?|judgements)(?:\s+(?:inspected|assessed|judged|graded"
          r"|looked\s+at|they\s+looked\s+at|(?:that\s+)?inspectors\s+(?:judged|graded|looked\s+at)|it\s+judged))?")
# "all four areas", "each of the four judgement areas": n of n
_ALL = re.compile(rf"\b(?:all|each\s+of\s+the|all\s+of\s+the)\s+(?P<n>{_N})\s+(?:of\s+the\s+)?{_AREAS}", re.IGNORECASE)
# "the other three areas", "the remaining seven": n (the rest of a listing, when the areas were listed)
_OTHER = re.compile(rf"\bthe\s+(?:other|remaining)\s+(?P<n>{_N})(?:\s+{_AREAS})?", re.IGNORECASE)
_FORMS = (
    _ALL,
    # "seven of the nine areas": n of m
    re.compile(rf"\b(?P<n>{_N})\s+of\s+the\s+(?P<m>{_N})\s+{_AREAS}", re.IGNORECASE),
    # "Of the nine areas graded ..., two were good"
    re.compile(rf"\bOf\s+the\s+(?P<m>{_N})\s+{_AREAS}[^,;.]{{0,60}},\s*(?P<n>{_N})\s+(?=(?:were|was)\b)",
               re.IGNORECASE),
    _OTHER,
    # "rated good in three areas": n, after a grade
    re.compile(rf"(?<=\bin\s)(?P<n>{_N})\s+{_AREAS}(?=\W)", re.IGNORECASE),
)
_GRADE_AFTER = re.compile(rf"^[^.;:]{{0,50}}?(?<!\w)(?P<g>{GRADE_WORDS})(?!\w)", re.IGNORECASE)
_GRADE_BEFORE = re.compile(rf"(?<!\w)(?P<g>{GRADE_WORDS})(?!\w)\s+(?:overall\s+and\s+)?in\s+$", re.IGNORECASE)
_NAMED_AFTER = re.compile(rf"^(?:{GRADE_WORDS})\s*:", re.IGNORECASE)
_SAFEGUARDING = re.compile(r"\bsafeguarding\b", re.IGNORECASE)
_LOOKED_AFTER = re.compile(r"\blooked[\s-]+after\b|\bchildren\s+in\s+care\b", re.IGNORECASE)


def _scope(text: str, slac: bool) -> str:
    if slac and _LOOKED_AFTER.search(text):
        return "looked_after"
    if slac and _SAFEGUARDING.search(text):
        return "safeguarding"
    return "all"


@dataclass(frozen=True)
class Counted:
    """A count read in a sentence, before it is placed on an inspection."""

    count: GradeCount
    start: int  # offset of the count's words in the sentence
    other: bool  # "the other N areas": the rest of a listing, when the article listed the areas


def find_counts(s: Sentence, areas: AreaFinder, slac: bool) -> list[Counted]:
    """The counts of areas by grade `s` gives."""
    found = []
    for form in _FORMS:
        for m in form.finditer(s.text):
            after = _GRADE_AFTER.match(s.text[m.end():])
            before = _GRADE_BEFORE.search(s.text[:m.start()])
            if before:  # "good in seven of the nine areas": the count's; "good overall and in all four": both
                grade, at = before.group("g"), -1 - before.start("g") if m.re is _ALL else before.start("g")
            elif after and not areas.find(s.text[m.end():m.end() + after.start("g")]):
                grade, at = after.group("g"), m.end() + after.start("g")
            else:
                continue
            if at >= 0 and _NAMED_AFTER.match(s.text[at:]) and areas.find(s.text[at:]):
                continue  # "Two of the three areas were also outstanding: A, and B": judgements
            n = number(m.group("n"))
            of = n if m.re is _ALL else number(m.groupdict().get("m") or "")
            if n:
                found.append(Counted(GradeCount(_scope(s.text, slac), grade_of(grade), n, of, s, at), m.start(),
                                     m.re is _OTHER))
    return found


def taken(counts: list[Counted]) -> set[int]:
    """The offsets of the grade words counts took after their words: those are no overall grade."""
    return {c.count.at for c in counts if c.count.at >= 0}


def place_counts(counts: list[Counted], mentions: list[Mention], la: str | None, inspections: Inspections,
                 areas: AreaFinder, listed: Listing | None) -> None:
    """Each count on the inspection it is about. "The other N areas" of an inspection whose areas the article
    listed earlier (`listed`: "They graded help and protection, ..., and leadership") are those of the list
    it has no judgement of yet, each a judgement, when there are N of them; else a count."""
    for counted in counts:
        count = counted.count
        targets = [i for i in inspections.nearest(mentions, counted.start, la) if i.kind == "full_inspection"]
        if not targets:  # a visit's article recalling the graded inspection before it
            targets = [i for i in inspections.found if i.la == la and i.kind == "full_inspection"][-1:]
        for inspection in targets:
            rest = _rest_of_listing(inspection, listed) if counted.other else []
            if listed and len(rest) == count.areas:
                for label in rest:
                    inspection.add_judgement(label, count.grade, count.sentence, areas.listed(label.text))
                    inspection.judgements[label.value].quotes.append(listed.sentence)
            elif count not in inspection.grade_counts:
                inspection.grade_counts.append(count)


def _rest_of_listing(inspection: Inspection, listed: Listing | None) -> list[Match]:
    """The areas of the article's listing that the inspection has no judgement of yet."""
    if listed is None:
        return []
    rest = {lab.value: lab for lab in listed.labels
            if lab.value not in inspection.judgements and lab.value != "overall_effectiveness"}
    return list(rest.values())
