"""Dates a draft reads: the article's dateline, and when an inspection visited or was published.

News reports rarely give an inspection's dates in full. A year after the mention ("an inspection in
2010") dates it; months alone ("visited in January and February") take the year of the article's
dateline, with a note saying so, because the build requires an inferred date to be explained.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ofsted_dataset.curation.inspections import Inspection, Visit
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.text import MONTHS

_MONTH = "(" + "|".join(MONTHS) + ")"
_DATELINE = re.compile(
    rf"(?:\b[A-Z][a-z]+day,\s+)?{_MONTH}\s+(\d{{1,2}}),\s+(\d{{4}})|(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})"
)
_YEARS = re.compile(r"\b(19[89]\d|20\d\d)\b")
# The year of a mention, soon after it: "an inspection in (March) 2010"; group 1 the month, 2 the year.
YEAR_AFTER = re.compile(rf"^[^.;]{{0,40}}?\b(?:in|during|since|of)\s+\(?(?:in\s+)?(?:{_MONTH}\s+)?(\d{{4}})\b")
_MONTHS_ONLY = re.compile(rf"\b(?:in|during)\s+{_MONTH}(?:\s+and\s+{_MONTH})?(?!\s+\d)")
# "Rated ... in 2019" dates the report's publication, not the visit.
_PUBLICATION_WORDS = ("rated", "rating")
_LONGEST_DATELINE_LINE = 20  # words: past the headline block, a line is prose and a date in it is a fact's


class Dateline(NamedTuple):
    year: int
    month: int
    day: int
    said: str  # the article's words, the quote for the date


def month_number(name: str) -> int:
    return MONTHS.index(name) + 1


def find_dateline(sentences: list[Sentence]) -> Dateline | None:
    """The article's own date: a full date in the lines above its first paragraph of text."""
    for s in sentences[1:]:
        if len(s.text.split()) > _LONGEST_DATELINE_LINE:
            return None
        m = _DATELINE.search(s.text)
        if m:
            if m.group(1):
                month, day, year = m.group(1), m.group(2), m.group(3)
            else:
                day, month, year = m.group(4), m.group(5), m.group(6)
            return Dateline(int(year), month_number(month), int(day), m.group(0))
    return None


def article_year(text: str, dateline: Dateline | None) -> int | None:
    """The year the article was written: its dateline's, else the latest year it mentions. A mention
    dated before it is of an earlier inspection."""
    if dateline:
        return dateline.year
    return max((int(y) for y in _YEARS.findall(text)), default=None)


def date_inspection(inspection: Inspection, s: Sentence, mention: re.Match[str], year_match: re.Match[str] | None,
                    dateline: Dateline | None) -> None:
    """Date an inspection from the words after its mention, unless it is dated already."""
    publication = mention.group(0).lower() in _PUBLICATION_WORDS
    if year_match and inspection.visit is None and inspection.published is None:
        _date_from_year(inspection, s, year_match, publication)
    elif not inspection.historical and inspection.visit is None and not publication and dateline:
        _date_from_months(inspection, s, s.text[mention.start():], dateline)


def _date_from_year(inspection: Inspection, s: Sentence, year_match: re.Match[str], publication: bool) -> None:
    month, year = year_match.group(1), year_match.group(2)
    value = f"{year}-{month_number(month):02d}" if month else year
    if publication:
        inspection.published = (value, s)
    else:
        inspection.visit = Visit(value, None, [s], None)
    inspection.year = inspection.year or int(year)


def _date_from_months(inspection: Inspection, s: Sentence, after: str, dateline: Dateline) -> None:
    months = _MONTHS_ONLY.search(after)
    if months is None:
        return
    start = f"{dateline.year}-{month_number(months.group(1)):02d}"
    end = f"{dateline.year}-{month_number(months.group(2)):02d}" if months.group(2) else None
    note = f"Months stated in the article; the year is that of its dateline ({dateline.said})."
    inspection.visit = Visit(start, end, [s, dateline.said], note)
