"""Grades a sentence gives: to the judgement areas it names beside them, else overall.

A grade is an area's when the area's wording comes just before it ("Leadership was judged inadequate",
"Adoption performance: requires improvement", "rated the experiences and progress of children in care
as good") or right after it ("outstanding for adoption"); wordings joined by "and" or commas share the
grade ("its fostering service and leadership ... rating both as outstanding"). A grade no wording takes
is the overall grade. Only full inspections are graded (monitoring and focused visits are not), and a
SLAC inspection has no overall grade: its two judgements (safeguarding, looked after children) are
judgements.
"""

from __future__ import annotations

import re

from ofsted_dataset.curation.inspections import Inspection, Inspections, Mention
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import GRADE_WORD, AreaFinder, Match, grade_of, grades_given

_LABEL_TO_GRADE = 70  # characters: further on, a grade word is no longer the area's
# An aside between an area and its grade does not count against their distance: "The Kirklees Safeguarding
# Children Board, which brings together the council, police and health services, was also rated inadequate".
_ASIDE = re.compile(r",\s*(?:which|who|whose)\b[^,;]{0,120},")
_CHILD_PROTECTION = re.compile(r"child\s+protection", re.IGNORECASE)
_GRADED_KIND = "full_inspection"
_NAMING_TO_GRADE = 45  # characters from a council's naming to a grade word that is its grade
_HISTORY_AFTER = 45  # characters: an earlier inspection named this soon after a grade is what it grades
_HISTORY_RIGHT_AFTER = 20  # ... even when the grade's own rating verb comes before it
_LAST_SLAC_YEAR = 2013
_EARLIER_YEAR = re.compile(r"^\s+in\s+(?:[A-Z][a-z]+\s+)?((?:19|20)\d\d)\b")  # "branded inadequate in 2018"
# What may stand between two area wordings that share a grade, or between a grade and the wordings after it.
_JOINED = re.compile(r"^(?:\s*[\w'’-]+){0,4}\s*(?:,|\band\b|&|\bas\s+well\s+as\b)(?:\s*and\b)?\s*(?:[\w'’-]+\s+){0,4}$",
                     re.IGNORECASE)
_NOT_JOINED = re.compile(r"\b(?:is|are|was|were|rated|judged|graded|found|but|while|whereas)\b", re.IGNORECASE)
_GRADE_FOR = re.compile(r"^\s*(?:for|in|on|:)\s+(?:(?:the|its|their|both)\s+)?$", re.IGNORECASE)
# Wordings after a grade that share it with those before it: "safeguarding was judged adequate, and so was the
# overall effectiveness of services for looked after children", "... inadequate, as were the leadership ...".
_SHARED_AFTER = re.compile(r"^\s*,?\s*(?:as|and\s+so)\s+(?:were|was|is|are|did|does|do)\s+(?:(?:the|its|their)\s+)?"
                           r"(?:overall\s+effectiveness\s+of\s+(?:the\s+|its\s+)?)?$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"\b(?:its|their)\s+$", re.IGNORECASE)  # "Their overall effectiveness"
_OF = re.compile(r"^\s+(?:of|for|in)\s+(?:the\s+)?$", re.IGNORECASE)  # between an area and the wording it is of
# A grade word right after area wordings and a verb is their grade even with no rating verb: "The council's
# work with children in care, its adoption service and its support for care leavers require improvement".
_COPULA = re.compile(r"^\s*,?\s*(?:which\s+(?:inspectors\s+)?(?:said|found|judged|say)?\s*)?(?:is|are|was|were|remains?"
                     r"|remained)?\s*(?:also\s+|both\s+|all\s+|now\s+|still\s+)?$", re.IGNORECASE)


def _chain(labels: list[Match], first: int, step: int, text: str) -> list[Match]:
    """The wording at `first` and those joined to it going back (step -1) or forward (step 1)."""
    chained = [labels[first]]
    i = first
    while 0 <= i + step < len(labels):
        a, b = (labels[i + step], labels[i]) if step < 0 else (labels[i], labels[i + step])
        between = text[a.end:b.start]
        if not _JOINED.match(between) or _NOT_JOINED.search(between):
            break
        i += step
        chained.append(labels[i])
    return chained


def _areas_of(grade: Match, previous_end: int, labels: list[Match], text: str) -> list[Match]:
    """The wordings a grade is given to: those just before it, else those right after "for"; and those
    after it that share it ("and so was ...")."""
    before = [i for i, lab in enumerate(labels) if previous_end <= lab.start and lab.end <= grade.start
              and len(_ASIDE.sub("", text[lab.end:grade.start])) <= _LABEL_TO_GRADE]
    shared = _after(grade, labels, text, _SHARED_AFTER)
    if before:
        last = before[-1]
        if last > 0 and _OF.match(text[labels[last - 1].end:labels[last].start]):
            last -= 1  # "Leadership and management of services for children in care was judged outstanding"
        return _chain(labels, last, -1, text) + shared
    return shared or _after(grade, labels, text, _GRADE_FOR)


def _after(grade: Match, labels: list[Match], text: str, between: re.Pattern[str]) -> list[Match]:
    """The first wording after the grade with only `between` words before it, and those joined to it."""
    after = [i for i, lab in enumerate(labels) if lab.start >= grade.end and lab.value != "overall_effectiveness"
             and between.match(text[grade.end:lab.start])]
    return _chain(labels, after[0], 1, text) if after else []


def _grades(text: str, labels: list[Match], mentions: list[Mention]) -> list[Match]:
    """The grades given in `text`; grade words that follow an area wording and a verb; and, in a sentence
    that gives a grade, grade words right after a council's naming ("rated Leeds good and Bradford
    inadequate")."""
    given = grades_given(text)
    starts = {g.start for g in given}
    loose = [Match(m.start(), m.end(), m.group(0), grade_of(m.group(0))) for m in GRADE_WORD.finditer(text)
             if m.start() not in starts and (
                 any(lab.end <= m.start() and _COPULA.match(text[lab.end:m.start()]) for lab in labels)
                 or (given and any(0 < m.start() - n.start <= _NAMING_TO_GRADE for n in mentions)))]
    return sorted(given + loose, key=lambda g: g.start)


def _targets(s: Sentence, grade: Match, mentions: list[Mention], la: str | None,
             inspections: Inspections, article_year: int | None) -> list[Inspection]:
    """The inspections a grade is of: an earlier inspection named right after it ("up from requires
    improvement at its previous inspection in 2019", "the requires improvement judgement it received in
    2020") or dated right after it to an earlier year ("branded inadequate in 2018"), else those the
    sentence mentions nearest; a council with no inspection yet gets one."""
    after = [m for m in mentions if 0 <= m.start - grade.end <= _HISTORY_AFTER and m.inspection.historical]
    own = [m for m in mentions if 0 <= grade.start - m.start <= _HISTORY_AFTER]  # "rated good since 2018"
    if after and (not own or after[0].start - grade.end <= _HISTORY_RIGHT_AFTER):  # "good when it was last inspected"
        return [after[0].inspection]
    found = inspections.nearest(mentions, grade.start, la)
    dated = _EARLIER_YEAR.match(s.text[grade.end:])
    if dated and article_year and int(dated.group(1)) < article_year:
        councils = list(dict.fromkeys(i.la for i in found)) or ([la] if la else [])
        return [inspections.mentioned(c, _GRADED_KIND, True, int(dated.group(1)), True) for c in councils]
    if found and not _graded(found):  # a visit's article recalling the graded inspection before it
        found = [i for i in inspections.found if i.la == la and i.kind == _GRADED_KIND][-1:] or found
    if not found and la:
        found = [inspections.mentioned(la, _GRADED_KIND, False, None, True)]
        found[0].type_quotes.append(s)
    return found


def read_grades(s: Sentence, offset: int, mentions: list[Mention], la: str | None, areas: AreaFinder,
                inspections: Inspections, frameworks: tuple[bool, bool], article_year: int | None,
                counted: set[int], carried: Match | None = None) -> None:
    """Grades given in `s` from `offset` on (before it is an earlier sentence joined to `s` only to name
    the councils it refers to). `frameworks` says whether the article reports a SLAC inspection (one
    dated to 2013 or before, or undated in an article of then, is SLAC: no overall grade) and a child
    protection inspection (graded as a whole: "rated inadequate for child protection" is its overall
    grade); `counted` are the offsets of grade words a count of areas took ("all four areas were judged
    inadequate"), which are no overall grade; `carried` is the one area the sentence before named (offsets
    relative to `s`), what "Their overall effectiveness" is of."""
    slac, cpi = frameworks
    labels = [lab for lab in areas.find(s.text, slac) if not (cpi and _CHILD_PROTECTION.search(lab.text))]
    previous_end = offset
    for grade in _grades(s.text, labels, mentions):
        if grade.start < offset:
            continue
        wordings = _areas_of(grade, previous_end, labels, s.text)
        given = [lab for lab in wordings if lab.value != "overall_effectiveness"]
        if not given and carried and any(_POSSESSIVE.search(s.text[:lab.start]) for lab in wordings):
            given = [carried]  # "Services for looked after children fared better. Their overall effectiveness ..."
        if grade.start in counted and not given:
            previous_end = grade.end
            continue
        previous_end = grade.end
        for inspection in _graded(_targets(s, grade, mentions, la, inspections, article_year)):
            if given:
                for label in given:
                    absolute = Match(s.start + label.start, s.start + label.end, label.text, label.value)
                    inspection.add_judgement(absolute, grade.value, s, areas.listed(label.text))
            elif not (slac and (inspection.historical or not cpi)
                      and (inspection.dated_year or article_year or 0) <= _LAST_SLAC_YEAR):
                inspection.add_grade(grade.value, s)


def _graded(inspections: list[Inspection]) -> list[Inspection]:
    return [i for i in inspections if i.kind == _GRADED_KIND]
