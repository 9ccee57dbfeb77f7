"""Grades a sentence gives: to a judgement area when its wording comes just before, else overall.

"Leadership was judged inadequate and the adoption team good" gives two area grades; "rated
inadequate" gives the overall grade. Only full inspections are graded (monitoring and focused visits
are not), so grades near a mention of another kind of visit are left for the curator.
"""

from __future__ import annotations

from ofsted_dataset.curation.inspections import Inspection, Inspections, Mention
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import AreaFinder, Match, grades_given

_LABEL_TO_GRADE = 60  # characters: further on, a grade word is no longer the area's
_GRADED_KIND = "full_inspection"


def read_grades(s: Sentence, offset: int, mentions: list[Mention], la: str | None, areas: AreaFinder,
                inspections: Inspections) -> None:
    """Grades given in `s` from `offset` on (before it is an earlier sentence joined to `s` only to name
    the councils it refers to)."""
    grades = [g for g in grades_given(s.text) if g.start >= offset]
    used = _area_grades(s, grades, mentions, la, areas, inspections)
    for grade in grades:
        if grade.start not in used:
            for inspection in _graded(inspections.nearest(mentions, grade.start, la)):
                inspection.add_grade(grade.value, s)


def _area_grades(s: Sentence, grades: list[Match], mentions: list[Mention], la: str | None, areas: AreaFinder,
                 inspections: Inspections) -> set[int]:
    """Each area wording takes the next grade given; returns the offsets of the grades so taken."""
    used: set[int] = set()
    for label in areas.find(s.text):
        after = [g for g in grades if g.start >= label.end and g.start - label.end <= _LABEL_TO_GRADE]
        if not after:
            continue
        grade = after[0]
        if label.value == "overall_effectiveness":
            used.discard(grade.start)  # the overall grade, even when an area wording before took it
            continue
        used.add(grade.start)
        absolute = Match(s.start + label.start, s.start + label.end, label.text, label.value)
        for inspection in _graded(inspections.nearest(mentions, label.start, la)):
            inspection.add_judgement(absolute, grade.value, s)
    return used


def _graded(inspections: list[Inspection]) -> list[Inspection]:
    return [i for i in inspections if i.kind == _GRADED_KIND]
