"""Funding commitments an article reports: sums of money a council puts into its services.

Money alone is not a commitment. A sum counts only in a clause that commits it (invest, pledge, agree,
approve, set aside, extra, additional ...) and not in one that reports what was spent, overspent, cut,
saved or what something costs (agency staff, a placement a week), nor a rate ("£1.2m a year") when the
article gives the sum it is a rate of. Its council is the one the sentence names first, else the one
the article is about at that point.

One commitment is often written several ways: the same sum twice ("£5million ... The £5million we
have put in"), a total beside its yearly parts ("£6,400,000: £2,900,000 in 2024/25 and £3,500,000 in
2025/26"), a rounded headline figure beside the exact one ("£9m boost" and "£8.7m"). The sums of a
council that are parts of, or within a tenth of, another are read as that one commitment, the most
precisely written figure standing for it; a hedge before it ("almost £5m") makes it approximate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import Match, money, number
from ofsted_dataset.facts import crosschecks
from ofsted_dataset.text import DOUBLE_QUOTES

_COMMITS = re.compile(
    r"\b(?:invest\w*|fund\w*|pledg\w*|commit\w*|allocat\w*|agree\w*|approv\w*|set\s+aside|earmark\w*|put|puts|putting"
    r"|inject\w*|boost\w*|extra|additional|further|new\s+money|to\s+spend|will\s+spend|is\s+spending|are\s+spending"
    r"|spend\s+an?\s+(?:extra|additional|further)|will\s+pay|announc\w*|budget\s+for|backed|package)\b",
    re.IGNORECASE)
# Money that is not put into services: what was spent or overspent, costs, cuts and savings, national sums.
_NOT_COMMITTED = re.compile(
    r"\b(?:overspen\w*|spent|spending\s+on|expenditure|costs?|costing|saving\w*|cuts?|deficit|shortfall|net\s+budget"
    r"|budget\s+(?:was|is|of)|agency\s+(?:staff|social\s+workers|workers)|per\s+(?:week|child|placement)|a\s+week"
    r"|national|nationally|across\s+England|nationwide|Local\s+Government\s+Association|government|ministers?"
    r"|total\s+budget|budget\s+for\s+\S+\s+(?:was|is|stood)"
    r"|Department\s+for\s+Education|subscri\w*)\b", re.IGNORECASE)
_RATE = re.compile(r"^\s*(?:a|per|each|every)\s+year\b|^\s*annually\b", re.IGNORECASE)
_PERIOD = re.compile(r"\b(\w+)-year\b|\bover\s+(?:the\s+)?(?:next\s+|following\s+|coming\s+)?(\w+)\s+"
                     r"(?:financial\s+)?years\b", re.IGNORECASE)
_FINANCIAL_YEAR = re.compile(r"(?<![\d£.,])(20\d\d)\s?(?:[/-]\s?(\d\d|20\d\d)|\s+to\s+(20\d\d))(?!\d)")
_HEDGE = re.compile(rf"(?:{'|'.join(re.escape(h) for h in crosschecks.HEDGES)})\s*$", re.IGNORECASE)
# What the money is for: "to recruit ...", "for ...", "on ..." after the sum, up to a clause's end.
_STOPS = re.escape(DOUBLE_QUOTES) + r",;:()"
_PURPOSE = re.compile(rf"^[^{_STOPS}]{{0,60}}?\b(?P<p>(?:to|for|on|into|in)\s+[^{_STOPS}]+?)\s*"
                      rf"(?=[{_STOPS}]|\.(?:\s|$)|$)")
_CLAUSE = 70  # characters either side of a sum read for what kind of money it is
_NEAR = 0.1  # sums within a tenth of each other are one commitment written twice


@dataclass
class Funding:
    la: str
    amount: int  # pounds
    sum: Match  # the sum as written, with offsets in the article
    sentence: Sentence
    approximate: bool = False
    period: int | None = None  # years
    years: tuple[str, str] | None = None  # first and last financial year, written YYYY/YY
    purpose: tuple[int, int] | None = None  # offsets in the article of the words saying what it is for
    sentences: list[Sentence] = field(default_factory=list)  # every sentence writing this commitment
    rate: bool = False  # "£1.2m a year": a rate, not a sum


def _clause(text: str, start: int, end: int) -> str:
    before = re.split(r"[;:]|\.\s", text[max(0, start - _CLAUSE):start])[-1]
    after = re.split(r"[;:]|\.\s|,", text[end:end + _CLAUSE // 2])[0]
    return before + " " + after


def read_funding(s: Sentence, councils: list[str], la: str | None) -> list[Funding]:
    """The sums `s` commits; `councils` are those it names, `la` the council of the context."""
    who = councils[0] if councils else la
    if who is None:
        return []
    found = []
    for m in money(s.text):
        amounts = crosschecks.money_amounts(m.text)
        clause = _clause(s.text, m.start, m.end)
        if not amounts or _NOT_COMMITTED.search(clause) or not _COMMITS.search(s.text):
            continue
        absolute = Match(s.start + m.start, s.start + m.end, m.text, m.value)
        found.append(Funding(who, amounts[0], absolute, s, bool(_HEDGE.search(s.text[:m.start])),
                             _period(s.text), _years(s.text), _purpose(s, m.end), [s],
                             bool(_RATE.match(s.text[m.end:]))))
    return found


def _period(text: str) -> int | None:
    for p in _PERIOD.finditer(text):
        years = number(p.group(1) or p.group(2))
        if years and years < 20:
            return years
    return None


def _years(text: str) -> tuple[str, str] | None:
    """The first and last financial years a sentence names ("2024/25 and 2025/26", "2019-20 to 2021-22")."""
    firsts = [int(m.group(1)) for m in _FINANCIAL_YEAR.finditer(text)
              if int((m.group(2) or m.group(3) or "0")[-2:]) == (int(m.group(1)) + 1) % 100]
    if not firsts:
        return None
    return f"{min(firsts)}/{(min(firsts) + 1) % 100:02d}", f"{max(firsts)}/{(max(firsts) + 1) % 100:02d}"


def _purpose(s: Sentence, after: int) -> tuple[int, int] | None:
    purpose = _PURPOSE.match(s.text[after:])
    if purpose is None or len(purpose.group("p").split()) < 3:
        return None
    begin = s.start + after + purpose.start("p")
    return begin, begin + len(purpose.group("p"))


def _digits(amount: int) -> int:
    """How precisely a sum is written: its significant digits (£8.7m has 2, £9m has 1)."""
    return len(str(amount).rstrip("0"))


def _near(a: int, b: int) -> bool:
    return abs(a - b) <= _NEAR * max(a, b)


def commitments(found: list[Funding]) -> list[Funding]:
    """The sums read, as commitments: per council, rates dropped when there is a sum, parts folded into
    their total, and sums within a tenth of each other folded into the most precisely written one."""
    kept: list[Funding] = []
    for la in dict.fromkeys(f.la for f in found):
        sums = [f for f in found if f.la == la]
        sums = [f for f in sums if not f.rate] or sums
        for f in sorted(sums, key=lambda f: (-_digits(f.amount), -f.amount, f.sum.start)):
            home = next((k for k in kept if k.la == la and (_near(k.amount, f.amount) or _part_of(f, k, sums))), None)
            if home is None:
                kept.append(f)
            else:
                _absorb(home, f)
    return sorted(kept, key=lambda f: f.sum.start)


def _part_of(part: Funding, total: Funding, sums: list[Funding]) -> bool:
    """Whether `part` is one of the smaller sums, in a paragraph where the total is written, that add up to it."""
    for paragraph in {s.paragraph for s in total.sentences}:
        same = [f for f in sums if f.sentence.paragraph == paragraph and f.amount < total.amount]
        if part in same and _near(sum(f.amount for f in same), total.amount):
            return True
    return False


def _absorb(home: Funding, other: Funding) -> None:
    """What another writing of the same commitment adds: its sentence, a hedge, a period, the years."""
    if other.sentence not in home.sentences:
        home.sentences.append(other.sentence)
    if other.amount == home.amount:
        home.approximate = home.approximate or other.approximate
    home.period = home.period or other.period
    home.years = home.years or other.years
    home.purpose = home.purpose or other.purpose
