"""Dates a draft reads: the article's own date, and when each inspection visited or was published.

The article's date comes from its dateline (the first full date above its first paragraph, in any of
the forms `date_expressions` reads), else from the page record the collector saved beside it. It is
the reference that resolves what the words leave out ("published today", "in January", "last year").

In a sentence, a date expression is an inspection's only when the words before it (or just after it,
"In October inspectors visited") say which date it is: a visit ("visited", "took place", "fieldwork")
or a publication ("published", "rated ... in 2019"); a date in the future tense ("will return in
May") is nobody's yet. The date goes to the inspection the sentence mentions nearest before it, else
the council's current one, and the first date read for each field stands.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from ofsted_dataset.curation.date_expressions import DateSpan, Reference, find_dates
from ofsted_dataset.curation.inspections import Dated, Inspections, Mention
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.facts.mapping_model import CuratedDate
from ofsted_dataset.text import MONTHS

_MONTH = "(" + "|".join(MONTHS) + ")"
_YEARS = re.compile(r"\b(19[89]\d|20\d\d)\b")
# The year of a mention, soon after it: "an inspection in (March) 2010"; group 1 the month, 2 the year.
YEAR_AFTER = re.compile(rf"^[^.;]{{0,80}}?\b(?:in|during|since|of)\s+\(?(?:in\s+)?(?:(?:early|late|mid|the)\s+)?"
                        rf"(?:(?:spring|summer|autumn|winter)\s+(?:of\s+)?)?(?:{_MONTH}\s+(?:(?:and|to)\s+[A-Z][a-z]+\s+)?)?"
                        rf"(\d{{4}})\b")
_LONGEST_DATELINE_LINE = 20  # words: past the headline block, a line is prose and a date in it is a fact's
_CUE_WINDOW = 90  # characters before a date expression where the words saying which date it is are read
_PUBLISHED = re.compile(r"\bpublish\w*|\breleased\b|\bcame\s+out\b|\bout\s+today\b|\brated\b|\bjudged\b|\bgraded\b"
                        r"|\brating\b|\bverdict\b|\bdowngraded\b|\bupgraded\b", re.IGNORECASE)
_VISITED = re.compile(r"\bvisit\w*|\binspected\b|\binspectors?\s+(?:were|was|spent|went|arrived|came)\b|\bfieldwork"
                      r"|\btook\s+place\b|\bcarried\s+out\b|\bon\s+site\b"
                      r"|\b(?:inspection|spen[dt]\s+\w+\s+(?:days|weeks)),?\s+\(?(?:in|between|from|during|on|over)\b"
                      r"|\binspection\s+(?:of|at)\s+[\w\s'’-]{0,40}\s(?:in|between|from|during|on)\b"
                      r"|\bwere\s+in\b|\b(?:spen[dt]|over|for)\s+(?:\w+\s+)?(?:days|weeks)\b|-day\b|-week\b",
                      re.IGNORECASE)
FUTURE = re.compile(r"\b(?:will|would|shall|is\s+due|are\s+due|due\s+to|expected|next|plans?\s+to|scheduled|upcoming"
                     r"|ahead\s+of)\b", re.IGNORECASE)
_PLURAL = re.compile(r"\b(?:the|their|all|these)\s+(?:\w+\s+)?(?:reports|inspections|visits|letters)\b", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[;:]|\bbut\b|\bwhile\b|\bwhereas\b")


class Dateline(NamedTuple):
    year: int
    month: int
    day: int
    said: str  # the article's words, the quote for the date


def find_dateline(sentences: list[Sentence]) -> Dateline | None:
    """The article's own date: a full date in the lines above its first paragraph of text."""
    for s in sentences[1:]:
        if len(s.text.split()) > _LONGEST_DATELINE_LINE:
            return None
        for span in find_dates(s.text, None):
            if span.last is None and len(span.first) == 10:
                year, month, day = (int(part) for part in span.first.split("-"))
                return Dateline(year, month, day, s.text[span.start:span.end])
    return None


def is_dateline(s: Sentence, dateline: Dateline | None) -> bool:
    """Whether `s` is the line giving the article's own date ("Published 7th July 2017"): its date is no
    inspection's."""
    return dateline is not None and dateline.said in s.text and len(s.text.split()) <= _LONGEST_DATELINE_LINE


def reference(dateline: Dateline | None, page_date: CuratedDate | None) -> Reference | None:
    """What resolves relative dates: the dateline, else the page's own date."""
    if dateline:
        return Reference(dt.date(dateline.year, dateline.month, dateline.day), "day")
    return Reference(page_date.value, page_date.precision) if page_date else None


def article_year(text: str, ref: Reference | None) -> int | None:
    """The year the article was written: its date's, else the latest year it mentions. A mention
    dated before it is of an earlier inspection."""
    if ref:
        return ref.date.year
    return max((int(y) for y in _YEARS.findall(text)), default=None)


def _which(text: str, span: DateSpan) -> str | None:
    """'visit', 'published' or None: what the words nearest before the date (in its clause) call it,
    else the words right after it."""
    before = text[max(0, span.start - _CUE_WINDOW):span.start]
    clause = before[max((m.end() for m in _CLAUSE_START.finditer(before)), default=0):]
    if FUTURE.search(clause):
        return None
    cues = [(m.start(), "published") for m in _PUBLISHED.finditer(clause)]
    cues += [(m.start(), "visit") for m in _VISITED.finditer(clause)]
    if cues:
        return max(cues)[1]
    after = text[span.end:span.end + 60]
    if FUTURE.search(after[:20]):
        return None
    if _VISITED.search(after):
        return "visit"
    return "published" if _PUBLISHED.search(after) else None


def _note(span: DateSpan, ref: Reference | None, dateline: Dateline | None) -> tuple[list[Sentence | str], str | None]:
    """What else the date rests on when the words leave a part out, and the note saying so."""
    if not span.inferred or ref is None:
        return [], None
    if dateline:
        return [dateline.said], f"Read against the article's own date ({dateline.said})."
    return [], f"Read against the page's date ({ref.written(ref.precision)}), the article giving none."


def read_dates(s: Sentence, mentions: list[Mention], la: str | None, inspections: Inspections,
               ref: Reference | None, dateline: Dateline | None, named: bool) -> None:
    """Visit and publication dates of the inspections `s` is about, from its date expressions; a sentence
    that names no council (`named`) but speaks of the reports or visits in the plural dates them all."""
    every = bool(_PLURAL.search(s.text)) and not named
    for span in find_dates(s.text, ref):
        which = _which(s.text, span)
        if which is None:
            continue
        extra, note = _note(span, ref, dateline)
        # Fieldwork known to a month took the month: it starts and ends in it.
        last = span.last or (span.first if which == "visit" and len(span.first) == 7 else None)
        dated = Dated(span.first, last, [s, *extra], note, sure=not span.inferred and bool(mentions))
        targets = inspections.nearest(mentions, span.start, la)
        if every:  # "The reports, published yesterday": each current inspection of the round-up
            targets = [i for i in inspections.found if not i.historical]
        elif not targets and la:  # "Inspectors visited Leeds between ...": the council's inspection, made now
            targets = [inspections.mentioned(la, "full_inspection", False, None, True)]
            targets[0].type_quotes.append(s)
        for inspection in targets:
            if which == "visit" and inspection.visit is None:
                inspection.visit = dated
            elif which == "published" and inspection.published is None and span.last is None:
                inspection.published = dated
