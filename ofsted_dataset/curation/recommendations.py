"""Recommendations a sentence reports: how many there were, and what they were.

Reports are summarised in a few stock phrasings ("areas for improvement, including ...", "called on
the council to urgently ...", "warned that ... must ..."); each rule below is one phrasing, with how
its list of items is separated and whether it reads as urgent (a priority action). A theme is guessed
from keywords so the curator corrects a value rather than picks one from the whole vocabulary.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ofsted_dataset.curation.inspections import Inspections, Mention, Recommendation
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import Match, number
from ofsted_dataset.text import DOUBLE_QUOTES, SINGLE_QUOTES

_COUNT = re.compile(r"(?<!\w)(\d+|[a-z]+(?:-[a-z]+)?)\s+recommendations\b", re.IGNORECASE)


class _Rule(NamedTuple):
    pattern: re.Pattern[str]  # its `items` group holds one or more recommendations
    urgent: bool
    separator: re.Pattern[str] | None  # between items; None: the items are one recommendation


_LIST_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_RULES = (
    _Rule(re.compile(r"\b(?:priorities|areas)\s+for\s+(?:further\s+)?improvement(?:\s+work)?,?\s+including\s+"
                     r"(?P<items>.+?)\.?$", re.IGNORECASE), False, re.compile(r";\s*(?:and\s+)?")),
    _Rule(re.compile(r"(?:\b(?:adding|saying|noting|found|said)\s+that\s+|\bincluding\s+|:\s+)(?P<items>[^:]+?)\s+"
                     r"(?:were|are)\s+(?:all\s+)?areas\s+(?:that|which)\s+(?:could|should|need\s+to)\s+be\s+improved",
                     re.IGNORECASE), False, _LIST_SPLIT),
    _Rule(re.compile(r"\bcalled\s+on\s+(?:the\s+council|the\s+local\s+authority|leaders|it)\s+to\s+"
                     r"(?P<items>urgently\s+.+?)\.?$", re.IGNORECASE), True, None),
    _Rule(re.compile(r"\bwarned\s+that\s+(?P<items>[^.]+?\bmust\b.+?)\.?$", re.IGNORECASE), True, None),
    _Rule(re.compile(r"\brecommended\s+that\s+(?P<items>.+?)\.?$", re.IGNORECASE), False, None),
)
_ITEM_EDGES = " ,;." + SINGLE_QUOTES + DOUBLE_QUOTES
# The first theme whose keywords an item contains, in this order (specific themes before broad ones).
_THEMES: tuple[tuple[str, str], ...] = (
    ("front_door", r"front\s+door|referral|threshold|contact"),
    ("assessment_and_risk", r"risk|assessment"),
    ("elective_home_education", r"educated\s+at\s+home|home\s+education"),
    ("care_leavers", r"care\s+leaver"),
    ("children_in_need", r"children\s+in\s+need"),
    ("record_keeping", r"record"),
    ("information_sharing", r"information\s+sharing"),
    ("voice_of_the_child", r"voice|views"),
    ("exploitation", r"exploitation|missing"),
    ("disabled_children", r"disab"),
    ("child_protection", r"child[\s-]+protection|strategy\s+meeting"),
    ("quality_assurance", r"quality\s+assurance|audit|oversight"),
    ("workforce", r"recruit|retention|caseload|training|workforce"),
    ("children_in_care", r"in\s+care|looked[\s-]+after|permanence"),
    ("leadership_and_management", r"leader|management|governance"),
)


def read_count(s: Sentence, mentions: list[Mention], la: str | None, inspections: Inspections) -> None:
    """'made six recommendations': the first count read for an inspection is its count."""
    for m in _COUNT.finditer(s.text):
        count = number(m.group(1))
        if not count:
            continue
        for inspection in inspections.nearest(mentions, m.start(), la):
            if inspection.count is None:
                inspection.count = (count, s)


def read_recommendations(s: Sentence, mentions: list[Mention], la: str | None, inspections: Inspections) -> None:
    """The items of the first rule that matches `s`, each a recommendation of the inspections it is about."""
    for rule in _RULES:
        m = rule.pattern.search(s.text)
        if m:
            targets = inspections.nearest(mentions, m.start(), la)
            for item in _items(s, m, rule.separator):
                for inspection in targets:
                    inspection.recommendations.append(Recommendation(item, rule.urgent, s))
            return


def _items(s: Sentence, m: re.Match[str], separator: re.Pattern[str] | None) -> list[Match]:
    """The items of a rule's match, trimmed of punctuation and quote marks, with offsets in the article."""
    chunk = m.group("items")
    parts = separator.split(chunk) if separator else [chunk]
    items = []
    position = 0
    for part in parts:
        at = chunk.index(part, position)
        position = at + len(part)
        item = part.strip(_ITEM_EDGES)
        if item:
            begin = s.start + m.start("items") + chunk.index(item, at)
            items.append(Match(begin, begin + len(item), item, ""))
    return items


def theme_of(text: str) -> str:
    return next((theme for theme, keywords in _THEMES if re.search(keywords, text, re.IGNORECASE)), "other")
