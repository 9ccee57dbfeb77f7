"""What makes a sentence look like a fact: a council's name, a grade given, money, recommendations.

Shared by `draft` (which turns the signals into facts) and `lint` (which reports sentences with a
signal that no quote covers), so that what lint calls a fact-like sentence is what draft would read.
Each finder returns matches with offsets relative to the string searched, so callers can add a
sentence's start offset and point into the raw article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ofsted_dataset.build.reference import JudgementAreas, LocalAuthority, Register

_SINGLE = "'‘’`´"
_DOUBLE = "\"“”"
_DASH = "-‐‑‒–—―−"
_QUOTE_CHARS = _SINGLE + _DOUBLE


def flexible(phrase: str) -> str:
    """A regex for `phrase` that forgives typography the way quotes do (apostrophes, dashes, spaces)."""
    out = []
    for word in phrase.split():
        chars = []
        for c in word:
            if c in _SINGLE:
                chars.append(f"[{_SINGLE}]")
            elif c in _DOUBLE:
                chars.append(f"[{_DOUBLE}]")
            elif c in _DASH:
                chars.append(f"[{_DASH}]")
            else:
                chars.append(re.escape(c))
        out.append("".join(chars))
    return r"\s+".join(out)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    value: str  # what the match means: a council's register name, a grade, an area


class CouncilFinder:
    """Councils named in a text, by register name or alias. Matching is case-sensitive (names are proper
    nouns: "Bury" the council, not "bury") and takes the longest name first, so "South Gloucestershire"
    is never also read as "Gloucestershire" (the rule the `local_authority` cross-check applies)."""

    def __init__(self, register: Register) -> None:
        self.by_name: dict[str, LocalAuthority] = {}
        for la in register.authorities:
            for name in la.names:
                self.by_name[name] = la
        names = sorted(self.by_name, key=len, reverse=True)
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(f"({flexible(n)})" for n in names) + r")(?!\w)")
        self._names = names

    def find(self, text: str) -> list[Match]:
        found = []
        for m in self._pattern.finditer(text):
            name = self._names[m.lastindex - 1]
            found.append(Match(m.start(), m.end(), m.group(0), self.by_name[name].name))
        return found


# A grade word is a grade *given* (not "good support", "adequate processes") when it is quoted
# ('Good', "inadequate"), follows a rating verb closely, or comes before "rating".
_GRADE_WORD = re.compile(
    r"(?<!\w)(requires\s+improvement(?:\s+to\s+be\s+good)?|inadequate|outstanding|adequate|good)(?!\w)", re.IGNORECASE
)
_GRADES = {"requires improvement": "requires_improvement", "inadequate": "inadequate", "outstanding": "outstanding",
           "adequate": "adequate", "good": "good"}
_RATING_BEFORE = re.compile(
    r"(?:\brated|\brating|\bjudged|\bbranded|\blabelled|\bgraded|\bjudge?ment|\bfound\s+to\s+be|\bconcludes?)"
    r"[^.;]{0,25}$", re.IGNORECASE)
_RATING_AFTER = re.compile(r"^\s+rating\b", re.IGNORECASE)


def grade_of(word: str) -> str:
    key = " ".join(word.lower().split())
    return "requires_improvement" if key.startswith("requires improvement") else _GRADES[key]


def grades_given(text: str) -> list[Match]:
    """Grade words used as a grade given, with the grade they name ('requires improvement to be good'
    is one grade, requires_improvement)."""
    found = []
    for m in _GRADE_WORD.finditer(text):
        before, after = text[: m.start()], text[m.end():]
        quoted = before[-1:] in _QUOTE_CHARS and before[-1:] != ""
        if quoted or _RATING_BEFORE.search(before) or _RATING_AFTER.match(after):
            found.append(Match(m.start(), m.end(), m.group(0), grade_of(m.group(0))))
    return found


class AreaFinder:
    """Judgement-area wordings of reference/judgement_areas.csv in a text, longest first, any case."""

    def __init__(self, areas: JudgementAreas) -> None:
        self.areas = areas
        labels = sorted(areas.labels, key=len, reverse=True)
        self._pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(flexible(lab) for lab in labels) + r")(?!\w)", re.IGNORECASE
        )

    def find(self, text: str) -> list[Match]:
        found = []
        for m in self._pattern.finditer(text):
            area = self.areas.area_of(m.group(0))
            if area:
                found.append(Match(m.start(), m.end(), m.group(0), area))
        return found


_MONEY = re.compile(r"£\s?(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(?:bn|billion|m|million|k|thousand)?(?![a-z])",
                    re.IGNORECASE)
_RECOMMENDATIONS = re.compile(r"(?<!\w)recommendations(?!\w)", re.IGNORECASE)


def money(text: str) -> list[Match]:
    """Sums of money as written ('£9.2m'); crosschecks.money_amounts turns them into pounds."""
    return [Match(m.start(), m.start() + len(m.group(0).rstrip()), m.group(0).rstrip(), m.group(0).rstrip())
            for m in _MONEY.finditer(text)]


def recommendations_word(text: str) -> list[Match]:
    return [Match(m.start(), m.end(), m.group(0), "recommendations") for m in _RECOMMENDATIONS.finditer(text)]


class Signals:
    """The finders built once from the reference data."""

    def __init__(self, register: Register, areas: JudgementAreas) -> None:
        self.register = register
        self.areas_table = areas

    @cached_property
    def councils(self) -> CouncilFinder:
        return CouncilFinder(self.register)

    @cached_property
    def areas(self) -> AreaFinder:
        return AreaFinder(self.areas_table)
