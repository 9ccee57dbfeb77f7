"""The facts read from an article as mapping records: ids, values, and a quote for every value.

The records are what the curator reviews, so each value carries the sentence it came from as its
evidence, and ids follow the project's conventions (council, year, kind) so that most survive review
unchanged.
"""

from __future__ import annotations

from typing import Any

from ofsted_dataset.curation.inspections import Dated, Inspection
from ofsted_dataset.curation.quoting import Quoter, QuoteValue
from ofsted_dataset.curation.reading import Reading
from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.themes import theme_of
from ofsted_dataset.text import slug

Record = dict[str, Any]
# The key under which a drafted record says how sure the drafter is of each value: {field: "level: why"},
# level high, medium or low. `draft` writes it as comments beside the values, never into the mapping's keys.
CONFIDENCE = "_confidence"
_KIND_WORDS = {"full_inspection": "inspect", "focused_visit": "focused visit", "monitoring_visit": "monitoring visit",
               "joint_targeted_area_inspection": "joint targeted"}


def records(reading: Reading) -> dict[str, list[Record]]:
    """Every table's records, in the order their facts were first read."""
    quoter = Quoter(reading.text)
    ids = _inspection_ids(reading.inspections.found, reading.ref.date.year if reading.ref else None)
    inspections, judgements, recommendations, counts = [], [], [], []
    for i in reading.inspections.found:
        inspections.append(_inspection(i, ids[i], _la_quote(reading, i), quoter))
        judgements += _judgements(i, ids[i], quoter)
        recommendations += _recommendations(i, ids[i], quoter)
        counts += _grade_counts(i, ids[i], quoter)
    return {"inspections": inspections, "judgements": judgements, "recommendations": recommendations,
            "funding_commitments": _funding(reading, ids, quoter), "grade_counts": counts}


def _unique(base: str, taken: set[str]) -> str:
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


def _inspection_ids(inspections: list[Inspection], article_year: int | None) -> dict[Inspection, str]:
    """<council>-<year>-<kind>: the year that identifies the inspection, else its visit's, else the
    article's; "earlier" for a past inspection of unknown year."""
    taken: set[str] = set()
    ids = {}
    for i in inspections:
        year = i.dated_year or article_year
        stamp = "earlier" if i.historical and i.year is None else str(year) if year else "undated"
        ids[i] = _unique(f"{slug(i.la)}-{stamp}-{i.kind.replace('_', '-')}", taken)
    return ids


def _la_quote(reading: Reading, i: Inspection) -> Sentence:
    """The first sentence about the inspection that names its council, else the council's first naming."""
    named = [q for q in i.type_quotes if i.la in reading.councils(q.text)]
    return named[0] if named else reading.first_naming[i.la]


def _inspection(i: Inspection, ident: str, la_quote: Sentence, quoter: Quoter) -> Record:
    record: Record = {"inspection_id": ident, "local_authority": i.la, "inspection_type": i.kind}
    evidence: dict[str, Any] = {"local_authority": quoter.quote(la_quote),
                                "inspection_type": quoter.quotes(i.type_quotes[:2])}
    if i.visit:
        _date(record, evidence, ("visit_start", "visit_end"), i.visit, quoter)
    if i.published:
        _date(record, evidence, ("published_date", None), i.published, quoter)
    if i.theme:
        record["theme"] = i.theme[0]
        evidence["theme"] = quoter.quote(i.theme[1])
    if i.grade:
        record["overall_grade"] = i.grade
        evidence["overall_grade"] = quoter.quotes(i.grade_quotes[:2])
    if i.count:
        record["recommendations_count"] = i.count[0]
        evidence["recommendations_count"] = quoter.quote(i.count[1])
    record["evidence"] = evidence
    record[CONFIDENCE] = _inspection_confidence(i, la_quote, record)
    return record


def _inspection_confidence(i: Inspection, la_quote: Sentence, record: Record) -> dict[str, str]:
    """How sure the drafter is of each value of an inspection, and why, for the reviewer."""
    sure = {"local_authority": "high: named where the inspection is reported" if la_quote in i.type_quotes
            else "medium: the council the sentences around it are about",
            "inspection_type": "high: the kind of visit is named"
            if any(_KIND_WORDS[i.kind] in q.text.lower() for q in i.type_quotes)
            else "low: only a rating or a report is mentioned; the kind is a guess"}
    for field, dated in (("visit_start", i.visit), ("visit_end", i.visit), ("published_date", i.published)):
        if field in record and dated:
            sure[field] = ("high: written in full beside the inspection" if dated.sure
                           else "medium: part of it read from the article's date" if dated.note
                           else "medium: the date is not beside a mention of the inspection")
    if i.grade:
        sure["overall_grade"] = ("high: given more than once" if len(i.grade_quotes) > 1
                                 else "medium: given once; check it is not an area's grade")
    if i.theme:
        sure["theme"] = "low: guessed from keywords after the visit's mention"
    if i.historical:
        sure["inspection_id"] = "medium: an earlier inspection; check its year"
    return sure


def _date(record: Record, evidence: dict[str, Any], fields: tuple[str, str | None], date: Dated,
          quoter: Quoter) -> None:
    """A date (and the end of its range, when there is one and a field for it), with its quotes."""
    said: QuoteValue | list[QuoteValue] | dict[str, Any]
    if date.note:
        said = {"quotes": [quoter.quote(q) for q in date.quotes], "note": date.note}
    else:
        said = quoter.quotes(date.quotes)
    start, end = fields
    record[start] = date.start
    evidence[start] = said
    if end and date.end:
        record[end] = date.end
        evidence[end] = said


def _judgements(i: Inspection, ident: str, quoter: Quoter) -> list[Record]:
    found = []
    for j in i.judgements.values():
        record: Record = {"inspection_id": ident, "area_label": quoter.quote(j.label)}
        if not j.listed:
            record["area"] = j.label.value  # the article's own wording: its area stated, as a curator would
        record |= {"grade": j.grade, "evidence": {"grade": quoter.quotes(j.quotes[:2])},
                   CONFIDENCE: {"grade": "high: the area is in Ofsted's or the press's usual words" if j.listed
                                else "medium: the area of the article's own wording is a guess",
                                **({} if j.listed else {"area": "medium: guessed from the wording"})}}
        found.append(record)
    return found


def _grade_counts(i: Inspection, ident: str, quoter: Quoter) -> list[Record]:
    found = []
    for c in i.grade_counts:
        said = quoter.quote(c.sentence)
        record: Record = {"inspection_id": ident, "scope": c.scope, "grade": c.grade, "areas": c.areas}
        evidence = {"grade": said, "areas": said}
        if c.of_areas:
            record["of_areas"] = c.of_areas
            evidence["of_areas"] = said
        found.append(record | {"evidence": evidence, CONFIDENCE: {"areas": "medium: check the scope and the count"}})
    return found


def _recommendations(i: Inspection, ident: str, quoter: Quoter) -> list[Record]:
    return [{"recommendation_id": f"{ident}-{n}", "inspection_id": ident, "text": quoter.quote(r.text),
             "theme": theme_of(r.text.text), "urgent": r.urgent,
             "evidence": {"theme": quoter.quote(r.text), "urgent": quoter.quote(r.sentence)},
             CONFIDENCE: {"text": "medium: check where the item starts and ends",
                          "theme": "low: guessed from keywords"}}
            for n, r in enumerate(i.recommendations, start=1)]


def _funding(reading: Reading, inspection_ids: dict[Inspection, str], quoter: Quoter) -> list[Record]:
    taken: set[str] = set()
    found = []
    for f in reading.funding:
        size = f"{f.amount / 1_000_000:g}m" if f.amount >= 1_000_000 else str(f.amount)
        year = reading.ref.date.year if reading.ref else "undated"
        record: Record = {"commitment_id": _unique(f"{slug(f.la)}-{year}-{slug(size)}", taken),
                          "local_authority": f.la, "amount_gbp": f.amount}
        named = next((s for s in f.sentences if f.la in reading.councils(s.text)), reading.first_naming[f.la])
        said = quoter.quotes(f.sentences[:3])
        evidence: dict[str, Any] = {"local_authority": quoter.quote(named), "amount_gbp": said}
        if f.approximate:
            record["approximate"] = True
            evidence["approximate"] = said
        if f.period:
            record["period_years"] = f.period
            evidence["period_years"] = said
        if f.years:
            record["first_financial_year"], record["last_financial_year"] = f.years
            evidence["first_financial_year"] = evidence["last_financial_year"] = said
        record["purpose"] = quoter.quote(f.purpose or f.sentence)
        current = reading.inspections.current(f.la)
        if current:
            record["inspection_id"] = inspection_ids[current]
        record["evidence"] = evidence
        record[CONFIDENCE] = {
            "amount_gbp": "high: one sum, written once" if len(f.sentences) == 1
            else f"medium: read as one commitment written {len(f.sentences)} ways; check they are one",
            "purpose": "low: the words after the sum" if f.purpose else "low: no purpose found; the sentence is quoted",
            **({"inspection_id": "medium: the council's inspection the article is about"} if current else {})}
        found.append(record)
    return found
