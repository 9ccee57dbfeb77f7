"""What makes a sentence look like a fact: a council's name, a grade given, money, recommendations.

Shared by `draft` (which turns the signals into facts) and `lint` (which reports sentences with a
signal that no quote covers), so that what lint calls a fact-like sentence is what draft would read.
Typography is forgiven exactly as the build's quote matcher forgives it (`ofsted_dataset.text`), so a
name or a quoted grade the build would accept in a quote is one these finders see.
Each finder returns matches with offsets relative to the string searched, so callers can add a
sentence's start offset and point into the raw article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ofsted_dataset.facts import crosschecks
from ofsted_dataset.facts.reference import JudgementAreas, LocalAuthority, Register
from ofsted_dataset.text import DOUBLE_QUOTES, SINGLE_QUOTES, flexible, fold


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
        by_name: dict[str, LocalAuthority] = {}
        for la in register.authorities:
            for name in la.names:
                by_name[name] = la
        names = sorted(by_name, key=len, reverse=True)
        # "Greater Manchester" is a county, not Manchester's council.
        self._pattern = re.compile(r"(?<!\w)(?<!Greater\s)(?:" + "|".join(f"(?:{flexible(n)})" for n in names)
                                   + r")(?!\w)")
        # A match folds to the name it matched (the pattern forgives only what `fold` folds); among names
        # that fold alike, the first in the pattern is the one a match takes.
        self._by_folded: dict[str, LocalAuthority] = {}
        for name in names:
            self._by_folded.setdefault(fold(name), by_name[name])

    def find(self, text: str) -> list[Match]:
        return [Match(m.start(), m.end(), m.group(0), self._by_folded[fold(m.group(0))].name)
                for m in self._pattern.finditer(text)]


# A grade word is a grade *given* (not "good support", "adequate processes") when it is quoted
# ('Good', "inadequate", „inadequate“), follows a rating verb closely, or comes before "rating".
# The grade words as news writes them, one alternation: the drafter's count and judgement readers use it too.
GRADE_WORDS = rf"(?:{crosschecks.REQUIRES_IMPROVEMENT}(?:\s+to\s+be\s+good)?|inadequate|outstanding|adequate|good)"
GRADE_WORD = re.compile(rf"(?<!\w){GRADE_WORDS}(?!\w)", re.IGNORECASE)
_GRADES = {"requires improvement": "requires_improvement", "inadequate": "inadequate", "outstanding": "outstanding",
           "adequate": "adequate", "good": "good"}
_QUOTE_MARKS = frozenset(SINGLE_QUOTES + DOUBLE_QUOTES)
_RATING_BEFORE = re.compile(
    r"(?:\brat(?:ed|es|ing)|\bjudg(?:ed|es|ing)|\bbranded|\blabelled|\bgrad(?:ed|es)|\bjudge?ment|\bfound\s+to\s+be|\bconcludes?"
    r"|\bdeemed|\bassessed\s+as|\bawarded|\bupgraded\s+to|\bdowngraded\s+to|\bremains?|\bremained|\bmoved\s+(?:up\s+)?to"
    r"|\bimproved\s+to|\bverdict|\b(?:up|down|fall|rise|drop|improvement|improved|moved)\s+from)[^.;]{0,40}$",
    re.IGNORECASE)
_RATING_AFTER = re.compile(r"^\s+(?:rating|grade|verdict|judgement|overall)\b", re.IGNORECASE)
# "rated the experiences and progress of children in care as good", "judged ... to be good": a grade after "as"
# or "to (be)", the rating verb further back in the clause.
_RATED_AS = re.compile(r"\b(?:rat(?:ed|es|ing)|judg(?:ed|es|ing)|grad(?:ed|es|ing)|assessed|deemed|described)\b"
                       r"[^.;]{0,120}\b(?:as|to(?:\s+be)?)\s+$", re.IGNORECASE)
# "Inspectors found that the experiences and progress of children in care are good."
_FOUND_THAT = re.compile(r"\b(?:found|concluded|judged|decided|said)\s+that\b[^.;]{0,120}\b(?:is|are|was|were|remains?"
                         r"|remained)\s+(?:all\s+|both\s+|also\s+)?$", re.IGNORECASE)
_FOUND = re.compile(r"\b(?:was|were|been|is|are)\s+(?:also\s+)?found\s+$", re.IGNORECASE)  # "were found adequate"
# "rated Swindon Borough Council's children's services inadequate": the rated services named between.
_RATED_SERVICES = re.compile(r"\b(?:rat(?:ed|es|ing)|judg(?:ed|es|ing))\s+[^.;]{0,60}\bservices\s+$", re.IGNORECASE)
# A list line: "Adoption performance: requires improvement", "Leadership - good".
_LIST_LINE = re.compile(r"^[^.;:]{3,90}\s*[:–—-]\s*$")
_LINE_END = re.compile(r"^[\s.;,)]*$")


def grade_of(word: str) -> str:
    """The grade a grade word names: 'requiring improvement to be good' is requires_improvement."""
    key = " ".join(word.lower().split())
    return "requires_improvement" if key.startswith("requir") else _GRADES[key]


def _given(before: str, after: str) -> bool:
    """Whether a grade word with these words around it is a grade given, not a description."""
    if before[-1:] in _QUOTE_MARKS or _RATING_BEFORE.search(before) or _RATING_AFTER.match(after):
        return True
    if any(p.search(before) for p in (_RATED_AS, _FOUND_THAT, _RATED_SERVICES, _FOUND)):
        return True
    return bool(_LIST_LINE.match(before) and _LINE_END.match(after))


def any_grade(text: str) -> bool:
    """Whether a grade word is used at all, given or not."""
    return bool(GRADE_WORD.search(text))


def grades_given(text: str) -> list[Match]:
    """Grade words used as a grade given, with the grade they name ('requires improvement to be good'
    is one grade, requires_improvement)."""
    return [Match(m.start(), m.end(), m.group(0), grade_of(m.group(0))) for m in GRADE_WORD.finditer(text)
            if _given(text[: m.start()], text[m.end():])]


# Judgement areas as news words them when it does not use Ofsted's wording (reference/judgement_areas.csv):
# the drafter states the area of such a wording (`area:`), as a curator does. Specific wordings first.
_AREA_WORDS = (
    ("safeguarding_board", r"(?:local\s+)?(?:child(?:ren)?(?:'s|’s)?\s+)?safeguarding\s+(?:children(?:'s|’s)?\s+)?board"
                           r"|(?:local\s+)?safeguarding\s+children(?:'s|’s)?\s+partnership|\bLSCB\b"),
    ("care_leavers", r"(?:services\s+for\s+|support\s+for\s+)?(?:care\s+leavers|young\s+people\s+leaving\s+care"
                     r"|(?:young\s+people|those)\s+who\s+(?:have\s+)?left\s+(?:its\s+|the\s+council's\s+)?care)"
                     r"|leaving\s+care\s+services?"),
    ("children_in_care", r"(?:the\s+way|how)\s+(?:the\s+council|the\s+authority|it)\s+(?:looks|looked|cares|cared)\s+"
                         r"(?:after|for)\s+children(?:\s+in\s+(?:its\s+)?care)?"
                         r"|(?:services\s+for\s+|care\s+of\s+)?(?:(?:children|youngsters|young\s+people)\s+in\s+"
                         r"(?:its\s+|their\s+|the\s+council's\s+)?care|looked[\s-]+after\s+children"
                         r"|children\s+looked\s+after)(?:(?:'s|’s)?\s+services)?|fostering(?:\s+services?)?"),
    ("help_and_protection", r"(?:help|support|services)\s+(?:given\s+|offered\s+|provided\s+)?(?:to|for)\s+children\s+"
                            r"at\s+risk(?:\s+of\s+(?:significant\s+)?harm)?"
                            r"|(?:services\s+for\s+)?children\s+(?:who\s+need|in\s+need\s+of)\s+help\s+and\s+protection"
                            r"|help\s+and\s+protection|child\s+protection(?:\s+(?:work|services))?"),
    ("adoption", r"adoption(?:\s+(?:performance|services?|team|work))?"),
    ("leadership", r"(?:the\s+)?impact\s+of\s+leaders(?:\s+on\s+social\s+work\s+practice)?"
                   r"|leadership(?:,?\s+management\s+and\s+governance|\s+and\s+management)?|management\s+and\s+governance"),
    ("overall_effectiveness", r"overall\s+effectiveness"),
)
# SLAC judged safeguarding and looked after children's services, each overall: "safeguarding" alone is the first.
_SLAC_SAFEGUARDING = r"safeguarding(?:\s+(?:services|arrangements|children))?"


class AreaFinder:
    """Judgement-area wordings in a text, any case: those of reference/judgement_areas.csv (longest first),
    then news wordings of each area (`_AREA_WORDS`) where no listed wording was found."""

    def __init__(self, areas: JudgementAreas) -> None:
        self.areas = areas
        labels = sorted(areas.labels, key=len, reverse=True)
        self._pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(flexible(lab) for lab in labels) + r")(?!\w)", re.IGNORECASE
        )
        self._words = [(area, re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)) for area, words in _AREA_WORDS]
        self._slac = re.compile(rf"(?<!\w)(?:{_SLAC_SAFEGUARDING})(?!\w)", re.IGNORECASE)

    def find(self, text: str, slac: bool = False) -> list[Match]:
        """The wordings of `text`; with `slac`, "safeguarding" is SLAC's safeguarding judgement."""
        found = []
        for m in self._pattern.finditer(text):
            area = self.areas.area_of(m.group(0))
            if area:
                found.append(Match(m.start(), m.end(), m.group(0), area))
        words = [*self._words, ("help_and_protection", self._slac)] if slac else self._words
        for area, pattern in words:
            for m in pattern.finditer(text):
                if not any(m.start() < f.end and f.start < m.end() for f in found):
                    found.append(Match(m.start(), m.end(), m.group(0), area))
        return sorted(found, key=lambda f: f.start)

    def listed(self, label: str) -> bool:
        """Whether the wording is in the shared table (else the draft states its area)."""
        return self.areas.area_of(label) is not None


_RECOMMENDATIONS = re.compile(r"(?<!\w)recommendations(?!\w)", re.IGNORECASE)
# Words for whole numbers, as the `count` cross-check accepts them ("twenty-one", "twenty one").
_WORD_NUMBERS = {w: i for i in range(1, 100) for w in crosschecks.number_words(i)[1:]}


def money(text: str) -> list[Match]:
    """Sums of money as written, in figures ('£9.2m') or words ('seven million pounds'), in order, read
    exactly as the build's amount check reads them (crosschecks.sums)."""
    said = [(start, text[start:end].rstrip()) for start, end, _ in crosschecks.sums(text)]
    return [Match(start, start + len(words), words, words) for start, words in said]


def recommendations_word(text: str) -> list[Match]:
    """The word "recommendations": a sentence that uses it usually counts or lists them."""
    return [Match(m.start(), m.end(), m.group(0), "recommendations") for m in _RECOMMENDATIONS.finditer(text)]


def number(word: str) -> int | None:
    """A whole number written in digits or words below one hundred; None for any other word."""
    word = word.lower()
    return int(word) if word.isdigit() else _WORD_NUMBERS.get(word)


class Signals:
    """The finders, built once from the reference data (their patterns hold every name and wording)."""

    def __init__(self, register: Register, areas: JudgementAreas) -> None:
        self.register = register
        self.areas_table = areas

    @cached_property
    def councils(self) -> CouncilFinder:
        return CouncilFinder(self.register)

    @cached_property
    def areas(self) -> AreaFinder:
        return AreaFinder(self.areas_table)
