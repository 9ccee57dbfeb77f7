"""Counts of judgement areas by grade, when an article counts the areas rather than naming them.

"All four areas were judged inadequate", "good in seven of the nine areas", "the other three areas
good", "Of the nine areas ..., two were good and the remaining seven adequate": each is a row of
`grade_counts` (scope, grade, areas, of how many), SLAC's counts scoped to its safeguarding or looked
after children's part by the words of the sentence. A count whose areas are then named ("the other two
areas, help and protection and leadership, require improvement") is left to the judgements.
"""

from __future__ import annotations

import re

from ofsted_dataset.curation.inspections import GradeCount, Inspections, Mention
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import AreaFinder, grade_of, number
from ofsted_dataset.facts.crosschecks import REQUIRES_IMPROVEMENT

_N = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_AREAS = (r"(?:(?:judgement|outcome|inspection|key)\s+)?areas?(?:\s+(?:inspected|assessed|judged|graded|looked\s+at"
          r"|they\s+looked\s+at|(?:that\s+)?inspectors\s+(?:judged|graded|looked\s+at)|it\s+judged))?")
_GRADE = rf"(?:{REQUIRES_IMPROVEMENT}(?:\s+to\s+be\s+good)?|inadequate|outstanding|adequate|good)"
_FORMS = (
    # "all four areas", "each of the four judgement areas": n of n
    re.compile(rf"\b(?:all|each\s+of\s+the|all\s+of\s+the)\s+(?P<n>{_N})\s+(?:of\s+the\s+)?{_AREAS}", re.IGNORECASE),
    # "seven of the nine areas": n of m
    re.compile(rf"\b(?P<n>{_N})\s+of\s+the\s+(?P<m>{_N})\s+{_AREAS}", re.IGNORECASE),
    # "Of the nine areas graded ..., two were good"
    re.compile(rf"\bOf\s+the\s+(?P<m>{_N})\s+{_AREAS}[^,;.]{{0,60}},\s*(?P<n>{_N})\s+(?=(?:were|was)\b)",
               re.IGNORECASE),
    # "the other three areas", "the remaining seven": n
    re.compile(rf"\bthe\s+(?:other|remaining)\s+(?P<n>{_N})(?:\s+{_AREAS})?", re.IGNORECASE),
)
_GRADE_AFTER = re.compile(rf"^[^.;:]{{0,50}}?(?<!\w)(?P<g>{_GRADE})(?!\w)", re.IGNORECASE)
_GRADE_BEFORE = re.compile(rf"(?<!\w)(?P<g>{_GRADE})(?!\w)\s+(?:overall\s+and\s+)?in\s+$", re.IGNORECASE)
_SAFEGUARDING = re.compile(r"\bsafeguarding\b", re.IGNORECASE)
_LOOKED_AFTER = re.compile(r"\blooked[\s-]+after\b|\bchildren\s+in\s+care\b", re.IGNORECASE)


def _scope(text: str, slac: bool) -> str:
    if slac and _LOOKED_AFTER.search(text):
        return "looked_after"
    if slac and _SAFEGUARDING.search(text):
        return "safeguarding"
    return "all"


def read_grade_counts(s: Sentence, mentions: list[Mention], la: str | None, inspections: Inspections,
                      areas: AreaFinder, slac: bool) -> set[int]:
    """The counts `s` gives, each on the inspection it is about; returns the offsets of the grade words
    they took, which are then no overall grade."""
    taken: set[int] = set()
    for form in _FORMS:
        for m in form.finditer(s.text):
            after = _GRADE_AFTER.match(s.text[m.end():])
            before = _GRADE_BEFORE.search(s.text[:m.start()])
            if after and not areas.find(s.text[m.end():m.end() + after.start("g")]):
                grade, at = after.group("g"), m.end() + after.start("g")
                taken.add(at)
            elif before:
                grade, at = before.group("g"), before.start("g")
            else:
                continue
            n = number(m.group("n"))
            of = n if m.re is _FORMS[0] else number(m.groupdict().get("m") or "")
            if not n:
                continue
            count = GradeCount(_scope(s.text, slac), grade_of(grade), n, of, s, at)
            for inspection in inspections.nearest(mentions, m.start(), la):
                if inspection.kind == "full_inspection" and count not in inspection.grade_counts:
                    inspection.grade_counts.append(count)
    return taken
