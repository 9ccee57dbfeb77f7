"""The inspections a draft finds in an article, and which of them a phrase in a sentence is about.

Facts arrive sentence by sentence and rarely repeat the inspection they belong to ("It found ...",
"Inspectors rated leadership ..."), so every reader (dates, grades, recommendations) attaches what it
finds to an inspection through one registry: the one a sentence mentions nearest before the phrase,
else the council's current inspection. Keeping that rule in one place is what keeps a grade and a
recommendation of the same sentence on the same inspection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import Match


@dataclass(frozen=True)
class Dated:
    """A date read for an inspection: a visit (possibly a range) or a publication."""

    start: str  # YYYY, YYYY-MM or YYYY-MM-DD
    end: str | None
    quotes: list[Sentence | str]  # sentences, or the words of the dateline the date was read against
    note: str | None  # how the date was read, when the quotes alone do not state it
    sure: bool  # stated in full, next to a mention of the inspection


@dataclass
class Judgement:
    label: Match  # the area's wording, with offsets in the article
    grade: str
    quotes: list[Sentence]
    listed: bool  # the wording is in reference/judgement_areas.csv; else the draft states the area


@dataclass(frozen=True)
class Listing:
    """A sentence that names the judgement areas an inspection graded without their grades."""

    labels: list[Match]  # offsets in the article
    sentence: Sentence


@dataclass(frozen=True)
class GradeCount:
    """A count of judgement areas given one grade ("good in five of the eight areas")."""

    scope: str  # all, safeguarding or looked_after
    grade: str
    areas: int
    of_areas: int | None
    sentence: Sentence
    at: int  # offset of the grade word in the sentence


@dataclass(frozen=True)
class Recommendation:
    text: Match  # the recommendation's words, with offsets in the article
    urgent: bool
    sentence: Sentence


@dataclass(eq=False)  # identity: two inspections with equal fields are still two
class Inspection:
    la: str
    kind: str
    year: int | None  # the year that identifies it (historical ones), else the visit or article year
    historical: bool
    type_quotes: list[Sentence] = field(default_factory=list)
    grade: str | None = None
    grade_quotes: list[Sentence] = field(default_factory=list)
    visit: Dated | None = None
    published: Dated | None = None
    count: tuple[int, Sentence] | None = None
    judgements: dict[str, Judgement] = field(default_factory=dict)
    recommendations: list[Recommendation] = field(default_factory=list)
    grade_counts: list[GradeCount] = field(default_factory=list)
    theme: tuple[str, Sentence] | None = None  # a visit's area of practice, and the sentence naming it
    named: bool = False  # its kind was named ("inspection", "focused visit"), not only "rated" or "report"

    @property
    def read_anything(self) -> bool:
        """Whether any fact of it was read (a grade, a date, a judgement, a count, a recommendation)."""
        return bool(self.grade or self.visit or self.published or self.judgements or self.count
                    or self.recommendations or self.grade_counts)

    def add_grade(self, grade: str, s: Sentence) -> None:
        """The first grade read is the overall grade; later sentences giving the same grade back it up."""
        if self.grade is None:
            self.grade = grade
        if self.grade == grade and s not in self.grade_quotes:
            self.grade_quotes.append(s)

    @property
    def dated_year(self) -> int | None:
        """The year it is known by: its own, else its visit's or publication's."""
        dated = self.visit or self.published
        return self.year or (int(dated.start[:4]) if dated else None)

    def add_judgement(self, label: Match, grade: str, s: Sentence, listed: bool) -> None:
        """The first grade read for an area is its judgement; later sentences giving the same grade back it up."""
        found = self.judgements.get(label.value)
        if found is None:
            self.judgements[label.value] = Judgement(label, grade, [s], listed)
        elif found.grade == grade and s not in found.quotes:
            found.quotes.append(s)

    def absorb(self, undated: Inspection) -> None:
        """Take in what was read of an undated mention of this same (earlier) inspection."""
        self.type_quotes += [q for q in undated.type_quotes if q not in self.type_quotes]
        if self.grade is None:
            self.grade = undated.grade
        if self.grade == undated.grade:
            self.grade_quotes += [q for q in undated.grade_quotes if q not in self.grade_quotes]
        for area, judgement in undated.judgements.items():
            self.judgements.setdefault(area, judgement)
        self.recommendations += undated.recommendations
        self.grade_counts += undated.grade_counts


@dataclass(frozen=True)
class Mention:
    inspection: Inspection
    start: int  # offset in the sentence


class Inspections:
    """The inspections read so far, in the order first mentioned."""

    def __init__(self, ordinals: dict[str, int] | None = None) -> None:
        self.found: list[Inspection] = []
        # per kind of visit, the highest ordinal the article numbers one by ("the second monitoring visit"):
        # a visit numbered lower ("the first monitoring visit") is an earlier one
        self.ordinals = ordinals or {}
        self.last: Inspection | None = None  # the inspection mentioned last: what "that inspection" refers to

    def mentioned(self, la: str, kind: str, historical: bool, year: int | None, weak: bool) -> Inspection:
        """The inspection a mention refers to, created if new. A weak mention ("the report") of a
        council joins its current inspection of any kind; a historical one without a year is resolved
        by `tidy` to the council's one dated earlier inspection."""
        self.last = self._mentioned(la, kind, historical, year, weak)
        return self.last

    def _mentioned(self, la: str, kind: str, historical: bool, year: int | None, weak: bool) -> Inspection:
        current = self.current(la)
        if weak and not historical and current:
            return current
        for i in self.found:
            if i.la == la and i.kind == kind and i.historical == historical and (not historical or i.year == year):
                i.named = i.named or not weak
                return i
        inspection = Inspection(la, kind, year if historical else None, historical)
        self.found.append(inspection)
        if not weak:
            inspection.named = True
        return inspection

    def current(self, la: str | None) -> Inspection | None:
        """The council's latest-mentioned inspection that is not a past one: what "it" refers to."""
        current = [i for i in self.found if i.la == la and not i.historical]
        return current[-1] if current else None

    def nearest(self, mentions: list[Mention], at: int, la: str | None) -> list[Inspection]:
        """The inspections a phrase at offset `at` of a sentence is about: those mentioned last before it,
        else first after it, else (no mention in the sentence) the current inspection of `la`."""
        if not mentions:
            context = self.current(la)
            return [context] if context else []
        before = [m for m in mentions if m.start <= at]
        if before:
            last = max(m.start for m in before)
            return list(dict.fromkeys(m.inspection for m in before if m.start == last))
        first = min(m.start for m in mentions)
        return list(dict.fromkeys(m.inspection for m in mentions if m.start == first))

    def tidy(self) -> None:
        """Tidy what the mentions made. An undated earlier inspection ("its previous inspection") is the
        council's one dated earlier inspection when there is exactly one (of its grade, if it has one); with
        none or several it stays, for the curator to place, if anything was read of it. An earlier
        inspection known only by its report's date joins the one known only by its visit, of that year or
        the year before ("inspected in December 2022 ... The report, published in May 2023"). An inspection
        only ever mentioned as "the report" or "rated", of which nothing was read, is dropped when its
        council has another current inspection: it was that one, mentioned before its kind was named."""
        for undated in [i for i in self.found if i.historical and i.year is None]:
            dated = [i for i in self.found if i.historical and i.la == undated.la and i.year is not None]
            if undated.grade:  # "two years after the inadequate rating": the inadequate one, not one rated otherwise
                same = [i for i in dated if i.grade == undated.grade]
                dated = same if len(dated) > 1 else [i for i in dated if i.grade in (undated.grade, None)]
            if len(dated) == 1:
                dated[0].absorb(undated)
                self.found.remove(undated)
            elif not undated.read_anything:
                self.found.remove(undated)
        for reported in [i for i in self.found if i.historical and i.published and not i.visit]:
            visited = [i for i in self.found if i.historical and i.la == reported.la and i.kind == reported.kind
                       and _reported_after(i, reported)]
            if len(visited) == 1:
                visited[0].absorb(reported)
                visited[0].published = reported.published
                self.found.remove(reported)
        for vague in [i for i in self.found if not i.historical and not i.named and not i.read_anything]:
            if any(i is not vague and i.la == vague.la and not i.historical for i in self.found):
                self.found.remove(vague)


def _reported_after(visited: Inspection, reported: Inspection) -> bool:
    """Whether `reported` (known by its report's date only) can be the report of `visited` (known by its
    visit only): published that year or the next, with no other grade."""
    if visited.visit is None or visited.published is not None or reported.published is None:
        return False
    years = int(reported.published.start[:4]) - int(visited.visit.start[:4])
    return 0 <= years <= 1 and (None in (visited.grade, reported.grade) or visited.grade == reported.grade)
