"""Funding commitments a sentence reports: a sum of money a council puts into its services.

Money alone is not a commitment (a subscription price, a cost overrun), so a sum counts only in a
sentence with a funding verb and without a price's "per month"; its council is the one the sentence
names first, else the one the article is about at that point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import money, number
from ofsted_dataset.facts import crosschecks
from ofsted_dataset.text import DOUBLE_QUOTES

_FUNDING = re.compile(r"\b(?:invest\w*|fund\w*|budget|spend\w*|agreed|committed|announced|pledged|allocated)\b",
                      re.IGNORECASE)
_PRICE = re.compile(r"/\s*(?:month|year|week)|\bper\s+(?:month|year|week)\b|\bsubscri", re.IGNORECASE)
_PERIOD = re.compile(r"\b(\w+)-year\b|\bover\s+(\w+)\s+years\b", re.IGNORECASE)
# What the money is for: the words right after the sum, up to a quote mark or punctuation.
_STOPS = re.escape(DOUBLE_QUOTES + ",;.")
_PURPOSE = re.compile(rf"^\s*(?:of\s+)?([^{_STOPS}]+?)\s*(?=[{_STOPS}]|$)")


@dataclass(frozen=True)
class Funding:
    la: str
    amount: int  # pounds
    period: int | None  # years
    sentence: Sentence
    purpose: tuple[int, int] | None  # offsets in the article of the words saying what it is for


def read_funding(s: Sentence, councils: list[str], la: str | None) -> list[Funding]:
    """The commitments of `s`; `councils` are those it names, `la` the council of the context."""
    who = councils[0] if councils else la
    if who is None or _PRICE.search(s.text) or not _FUNDING.search(s.text):
        return []
    found = []
    for m in money(s.text):
        amounts = crosschecks.money_amounts(m.text)
        if amounts:
            found.append(Funding(who, amounts[0], _period(s.text), s, _purpose(s, m.end)))
    return found


def _period(text: str) -> int | None:
    for p in _PERIOD.finditer(text):
        years = number(p.group(1) or p.group(2))
        if years:
            return years
    return None


def _purpose(s: Sentence, after: int) -> tuple[int, int] | None:
    purpose = _PURPOSE.match(s.text[after:])
    if purpose is None or not purpose.group(1).strip():
        return None
    begin = s.start + after + purpose.start(1)
    return begin, begin + len(purpose.group(1))
