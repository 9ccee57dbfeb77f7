"""Check every news value against Ofsted's official record (the `official_checks` table).

News reports are sometimes wrong: a council named in a list of "inadequate" ratings it did not get,
a year that is the publication year in one article and the fieldwork year in another. This stage
finds, for each inspection of the `inspections` table, the official inspection it reports (from
the committed extract reference/official/outcomes.csv, see snapshot.py), and compares its
publication date, overall grade and every judgement grade. The matching rule, with worked examples,
is in docs/official-checks.md; the constants below are the ones it quotes.

The candidate join (council x inspection type x date window) runs in DuckDB, so it stays fast with
thousands of inspections; excluding candidates the news dates rule out, choosing among the rest and
comparing values is plain Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.facts.arrow_tables import is_in, plain, to_arrow
from ofsted_dataset.facts.reference import Register
from ofsted_dataset.official.extract import read_extract
from ofsted_dataset.periods import last_day, written
from schemas.tables import INSPECTIONS, JUDGEMENTS
from schemas.vocabularies import FRAMEWORK_STARTS

# How far outside the news period an official date may fall and still identify the inspection (the
# field is then checked, and a date outside the period is a conflict, not a different inspection).
PUBLISHED_TOLERANCE = timedelta(days=92)  # a news publication date vs the official one
VISIT_TOLERANCE = timedelta(days=31)  # a news fieldwork date vs the official inspection date
REPORT_DELAY = timedelta(days=183)  # a report is published within six months of its fieldwork
# Before this date Ofsted graded "adequate"; its official statistics recode that as
# "requires improvement to be good" (the grade introduced with the single inspection framework).
RECODED_BEFORE = FRAMEWORK_STARTS["sif"]
RECODED = {"adequate", "requires_improvement"}
OFFICIAL_RECORD_STARTS = date(2009, 4, 1)
# A news visit known to the month or the day identifies the inspection better than a publication
# date inferred to the year: a candidate whose dates contradict it is excluded (see `_contradicts_visit`).
PRECISE_VISIT = ("month", "day")

NO_EXTRACT = "No official extract (reference/official/outcomes.csv) was available for this build."
NO_DATE = "The news record gives no date to match an official inspection on."
ABSENT = "The inspection is not in the official record (see its inspection_type row)."


@dataclass(frozen=True)
class Period:
    """A date known to a precision, as the interval of days it stands for."""

    first: date
    last: date

    @classmethod
    def of(cls, value: date | None, precision: str | None, end: date | None = None) -> Period | None:
        if value is None:
            return None
        return cls(value, last_day(end or value, precision))

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def distance(self, day: date) -> int:
        return 0 if self.contains(day) else min(abs((day - self.first).days), abs((day - self.last).days))


@dataclass(frozen=True)
class ArticleDate:
    """The publication date of the latest article reporting an inspection, to its precision: an
    official record dated after it cannot be the inspection those articles report."""

    last: date  # the last day of its period: "2024" is not before a record of 2024-12
    text: str  # as written: 2024, 2024-03 or 2024-03-14


def render_date(value: date | None, precision: str | None) -> str | None:
    """A date written to its precision: 2017, 2017-06 or 2017-06-14."""
    return None if value is None else written(value, precision)


@dataclass(frozen=True)
class Check:
    table_name: str
    record_id: str
    field: str
    news_value: str | None
    area: str | None = None  # the judgement area, for a judgement's grade

    def row(self, status: str, official_value: str | None = None, source: str | None = None,
            note: str | None = None) -> dict[str, Any]:
        return {"table_name": self.table_name, "record_id": self.record_id, "field": self.field,
                "news_value": self.news_value, "official_value": official_value, "status": status,
                "official_source": source, "note": note}


def _checks(inspections: list[dict[str, Any]], judgements: list[dict[str, Any]]) -> dict[str, list[Check]]:
    """Every field to check, by inspection_id: the inspection itself, its publication date and
    overall grade when the news gives them, and each judgement grade."""
    checks: dict[str, list[Check]] = defaultdict(list)
    for i in inspections:
        iid = INSPECTIONS.record_id(i)
        checks[iid].append(Check("inspections", iid, "inspection_type", i["inspection_type"]))
        if i["published_date"] is not None:
            checks[iid].append(Check("inspections", iid, "published_date",
                                     render_date(i["published_date"], i["published_date_precision"])))
        if i["overall_grade"] is not None:
            checks[iid].append(Check("inspections", iid, "overall_grade", i["overall_grade"]))
    for j in judgements:
        checks[j["inspection_id"]].append(
            Check("judgements", JUDGEMENTS.record_id(j), "grade", j["grade"], j["area"]))
    return checks


_CANDIDATES = """
select n.inspection_id, o.n
from news n join official o
  on o.gss_code = n.code
 and o.inspection_type = n.inspection_type
 and (n.framework is null or o.framework = n.framework)
where (o.published_date between n.pub_first - $pub_tol and n.pub_last + $pub_tol)
   or (o.inspection_date between n.visit_first - $visit_tol and n.visit_last + $visit_tol)
   or (o.inspection_date is null and o.published_date between n.visit_first and n.visit_last + $delay)
   or (o.published_date is null and o.inspection_date between n.pub_first - $delay and n.pub_last)
order by n.inspection_id, o.n
"""


def _candidates(inspections: list[dict[str, Any]], official: list[dict[str, Any]],
                register: Register) -> dict[str, list[int]]:
    """Official rows that may be each inspection: same council (GSS code, or a former code of it), same
    inspection type, framework equal when the news states one, and a date inside the window."""
    former = {la.gss_code: la.former_gss_codes for la in register.authorities}
    news_rows = []
    for i in inspections:
        published = Period.of(i["published_date"], i["published_date_precision"])
        visit = Period.of(i["visit_start"], i["visit_precision"], i["visit_end"])
        for code in (i["la_code"], *former.get(i["la_code"], ())):
            news_rows.append({
                "inspection_id": i["inspection_id"], "code": code, "inspection_type": i["inspection_type"],
                "framework": i["framework"],
                "pub_first": published.first if published else None, "pub_last": published.last if published else None,
                "visit_first": visit.first if visit else None, "visit_last": visit.last if visit else None,
            })
    schema = pa.schema([("inspection_id", pa.string()), ("code", pa.string()), ("inspection_type", pa.string()),
                        ("framework", pa.string()), ("pub_first", pa.date32()), ("pub_last", pa.date32()),
                        ("visit_first", pa.date32()), ("visit_last", pa.date32())])
    news = pa.Table.from_pylist(news_rows, schema=schema)
    official_table = pa.Table.from_pylist(
        [{"n": r["n"], "gss_code": r["gss_code"], "inspection_type": r["inspection_type"],
          "framework": r["framework"], "inspection_date": r["inspection_date"],
          "published_date": r["published_date"]} for r in official],
        schema=pa.schema([("n", pa.int64()), ("gss_code", pa.string()), ("inspection_type", pa.string()),
                          ("framework", pa.string()), ("inspection_date", pa.date32()),
                          ("published_date", pa.date32())]))
    con = duckdb.connect()
    try:
        con.register("news", news)
        con.register("official", official_table)
        found = con.execute(_CANDIDATES, {
            "pub_tol": PUBLISHED_TOLERANCE, "visit_tol": VISIT_TOLERANCE, "delay": REPORT_DELAY}).fetchall()
    finally:
        con.close()
    result: dict[str, list[int]] = defaultdict(list)
    for inspection_id, n in found:
        result[inspection_id].append(n)
    return result


def _article_dates(tables: dict[str, pa.Table]) -> dict[str, ArticleDate]:
    """The latest article date of each inspection, by inspection_id: the articles are the sources of its
    provenance rows. Absent when one of them has no date (that one could be the latest), and for every
    inspection when the tables hold no sources or provenance: the rule then never applies."""
    if "sources" not in tables or "provenance" not in tables:
        return {}
    dated: dict[str, ArticleDate] = {}
    for s in tables["sources"].select(["source_id", "published_date", "published_date_precision"]).to_pylist():
        if (period := Period.of(s["published_date"], s["published_date_precision"])) is not None:
            dated[s["source_id"]] = ArticleDate(period.last, written(s["published_date"],
                                                                     s["published_date_precision"]))
    # The distinct (inspection, article) pairs, by Arrow over the whole provenance table: a few per
    # inspection reach Python, not a row per quote.
    provenance = tables["provenance"].select(["table_name", "record_id", "source_id"])  # not the quotes
    # Decoded once grouped: a dictionary-encoded column made a Python string a row slowly (0.38 s for the 65,000
    # pairs at 10,000 articles).
    reported = plain(provenance.filter(is_in(provenance["table_name"], pa.array(["inspections"])))
                     .group_by(["record_id", "source_id"]).aggregate([]))
    articles: dict[str, set[str]] = defaultdict(set)
    for record_id, source_id in zip(reported["record_id"].to_pylist(), reported["source_id"].to_pylist(),
                                    strict=True):
        articles[record_id].add(source_id)
    return {inspection_id: max((dated[i] for i in ids), key=lambda a: a.last)
            for inspection_id, ids in articles.items() if all(i in dated for i in ids)}


def _visit_written(inspection: dict[str, Any]) -> str:
    """The news visit period as the note shows it: 2024-02, or 2024-02-05 to 2024-02-09."""
    start = written(inspection["visit_start"], inspection["visit_precision"])
    end = inspection["visit_end"] and written(inspection["visit_end"], inspection["visit_precision"])
    return f"{start} to {end}" if end and end != start else start


def _contradicts_visit(inspection: dict[str, Any], o: dict[str, Any]) -> str | None:
    """Why the official record cannot be the news inspection visited when the news says, to the month or
    the day; None when it can, or when the news visit is unknown or known only to the year. Its visit must
    begin within the news visit period give or take VISIT_TOLERANCE; without a visit date its report must
    follow the news visit within REPORT_DELAY. A publication window alone (92 days either side of a news
    year) would otherwise let in another visit of the same council months away."""
    visit = Period.of(inspection["visit_start"], inspection["visit_precision"], inspection["visit_end"])
    if visit is None or inspection["visit_precision"] not in PRECISE_VISIT:
        return None
    began, published = o["inspection_date"], o["published_date"]
    if began is not None:
        if visit.first - VISIT_TOLERANCE <= began <= visit.last + VISIT_TOLERANCE:
            return None
        return (f"its visit began {began.isoformat()}, outside the news visit period {_visit_written(inspection)} "
                f"(give or take {VISIT_TOLERANCE.days} days)")
    if published is None or visit.first <= published <= visit.last + REPORT_DELAY:
        return None
    if published < visit.first:
        return f"published {published.isoformat()}, before the news visit period {_visit_written(inspection)}"
    return (f"published {published.isoformat()}, more than {REPORT_DELAY.days} days after the news visit period "
            f"{_visit_written(inspection)}")


def _after_article(inspection: dict[str, Any], o: dict[str, Any], article: ArticleDate | None) -> str | None:
    """Why the official record cannot be the inspection the articles report: it is dated after the latest
    of them (at that article date's precision). The record's date is its publication date (its visit start
    when it has no publication date) when the news gives a publication date, since the articles then
    report a published report; otherwise only its visit start, since an article may report a visit before
    Ofsted publishes the report. None when it can be, or when no article date is known."""
    if article is None:
        return None
    if inspection["published_date"] is not None and o["published_date"] is not None:
        when, what = o["published_date"], "published"
    else:
        when, what = o["inspection_date"], "its visit began"
    if when is None or when <= article.last:
        return None
    return f"{what} {when.isoformat()}, after the articles reporting this inspection (the latest dated {article.text})"


def _exclude(inspection: dict[str, Any], found: list[dict[str, Any]],
             article: ArticleDate | None) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], str]]]:
    """The candidates the news dates allow, and those they rule out with the reason why."""
    kept: list[dict[str, Any]] = []
    excluded: list[tuple[dict[str, Any], str]] = []
    for o in found:
        why = _contradicts_visit(inspection, o) or _after_article(inspection, o, article)
        if why:
            excluded.append((o, why))
        else:
            kept.append(o)
    return kept, excluded


def _source(o: dict[str, Any]) -> str:
    return f"{o['source_file']}, {o['source_sheet']}, row {o['source_row']}"


def _describe(o: dict[str, Any]) -> str:
    when = o["published_date"] or o["inspection_date"]
    verb = "published" if o["published_date"] else "visited"
    grade = f", overall {o['overall_effectiveness']}" if o["overall_effectiveness"] else ""
    return f"{o['official_type']} {verb} {when.isoformat() if when else 'on an unknown date'}{grade} ({_source(o)})"


def _recoded(o: dict[str, Any]) -> bool:
    """The official inspection is from the time of the "adequate" grade: SLAC, CPI or TLAC (no framework
    in the vocabulary), or published before the single inspection framework."""
    when = o["published_date"] or o["inspection_date"]
    return o["framework"] in ("slac", "cpi", None) or (when is not None and when < RECODED_BEFORE)


def _compare_grade(check: Check, o: dict[str, Any], area: str) -> dict[str, Any]:
    official = o[area] or None
    source = _source(o)
    if official is None:
        note = f"The official record gives no {area} grade for this inspection."
        if area == "overall_effectiveness" and o["framework"] == "slac":
            note = ("SLAC inspections have no single overall grade in the official record: safeguarding services "
                    f"{o['help_and_protection'] or 'not given'}, services for looked after children "
                    f"{o['children_in_care'] or 'not given'}.")
        return check.row("not_in_official_record", None, source, note)
    if official == check.news_value:
        return check.row("confirmed", official, source)
    if {official, check.news_value} == RECODED and _recoded(o):
        return check.row("confirmed", official, source,
                         "Ofsted's official statistics record the pre-2013 grade 'adequate' as 'requires improvement "
                         "to be good'; counted as agreement.")
    return check.row("conflict", official, source)


def _agreements(inspection: dict[str, Any], areas: dict[str, str], o: dict[str, Any]) -> int:
    """How many news values the official inspection agrees with (to choose between candidates)."""
    score = 0
    published = Period.of(inspection["published_date"], inspection["published_date_precision"])
    if published and o["published_date"] and published.contains(o["published_date"]):
        score += 1
    for area, grade in areas.items():
        if o[area] and (o[area] == grade or ({o[area], grade} == RECODED and _recoded(o))):
            score += 1
    return score


def _choose(inspection: dict[str, Any], areas: dict[str, str], candidates: list[dict[str, Any]]) -> dict[str, Any]:
    """The official inspection the news record reports, when several fit the window: one whose date
    falls inside the news period itself first, then the one agreeing with most news values, then the
    nearest in time, then the first in the extract."""
    published = Period.of(inspection["published_date"], inspection["published_date_precision"])
    visit = Period.of(inspection["visit_start"], inspection["visit_precision"], inspection["visit_end"])

    def key(o: dict[str, Any]) -> tuple[int, int, int, int]:
        inside = (bool(published and o["published_date"] and published.contains(o["published_date"]))
                  or bool(visit and o["inspection_date"] and visit.contains(o["inspection_date"])))
        distance = 0
        if published and o["published_date"]:
            distance += published.distance(o["published_date"])
        if visit and o["inspection_date"]:
            distance += visit.distance(o["inspection_date"])
        return (0 if inside else 1, -_agreements(inspection, areas, o), distance, o["n"])

    return min(candidates, key=key)


def _absent_note(inspection: dict[str, Any], council: list[dict[str, Any]], held: dict[str, str]) -> str:
    """Why no official row fits: `council` is the official rows of the council (its codes, former ones
    included), `held` the years each kind of visit is recorded in at all (see `_years_held`)."""
    kind = inspection["inspection_type"]
    period = (Period.of(inspection["published_date"], inspection["published_date_precision"])
              or Period.of(inspection["visit_start"], inspection["visit_precision"], inspection["visit_end"]))
    if inspection["framework"] == "jar" or (period is not None and period.last < OFFICIAL_RECORD_STARTS):
        return "Before the official record starts (its earliest inspections were published in 2009)."
    if kind == "joint_targeted_area_inspection":
        return "Joint targeted area inspections are not in these official files."
    if kind in ("focused_visit", "monitoring_visit"):
        return (f"The official files record {kind.replace('_', ' ')}s only partly (here: visits in "
                f"{held.get(kind, 'none')}); absence from them is not a conflict.")
    same = [o for o in council if o["inspection_type"] == kind and (o["published_date"] or o["inspection_date"])]
    note = "No official inspection of this council of this type fits the news dates."
    if period is not None and same:
        nearest = min(same, key=lambda o: (period.distance(o["published_date"] or o["inspection_date"]), o["n"]))
        note += f" Nearest: {_describe(nearest)}."
    return note


def _years_held(official: list[dict[str, Any]]) -> dict[str, str]:
    """For each kind of inspection, the years the official files record one in ("2019, 2020"), found once
    for every absent visit's note."""
    years: dict[str, set[int]] = defaultdict(set)
    for o in official:
        if o["inspection_date"] or o["published_date"]:
            years[o["inspection_type"]].add((o["inspection_date"] or o["published_date"]).year)
    return {kind: ", ".join(str(y) for y in sorted(found)) for kind, found in years.items()}


def _in_force(inspection: dict[str, Any], council: list[dict[str, Any]],
              article: ArticleDate | None) -> dict[str, Any] | None:
    """The council's official overall grade in force at the end of the news period: the latest graded
    full inspection published by then. A news claim that a council "is rated inadequate" is a claim
    about this grade even when it names no inspection Ofsted published near the article's date. Never
    one published after the latest article reporting it: the articles cannot have known of it."""
    if inspection["inspection_type"] != "full_inspection":
        return None
    period = (Period.of(inspection["published_date"], inspection["published_date_precision"])
              or Period.of(inspection["visit_start"], inspection["visit_precision"], inspection["visit_end"]))
    if period is None or period.last < OFFICIAL_RECORD_STARTS:
        return None
    end = min(period.last, article.last) if article else period.last
    graded = [o for o in council if o["inspection_type"] == "full_inspection"
              and o["overall_effectiveness"] and o["published_date"] and o["published_date"] <= end]
    return max(graded, key=lambda o: (o["published_date"], o["n"])) if graded else None


def check_against_official(tables: dict[str, pa.Table], extract_path: Path | None,
                           register: Register) -> pa.Table:
    """The official_checks table for the built tables; every row not_checked without an extract."""
    inspections = tables["inspections"].to_pylist()
    judgements = tables["judgements"].to_pylist()
    checks = _checks(inspections, judgements)
    if extract_path is None or not Path(extract_path).is_file():
        return to_arrow("official_checks", [c.row("not_checked", note=NO_EXTRACT)
                                            for cs in checks.values() for c in cs])
    # n: the row's place in the extract, the last tie-breaker between candidates.
    official = [{**row, "n": n} for n, row in enumerate(read_extract(Path(extract_path)))]
    candidates = _candidates(inspections, official, register)
    articles = _article_dates(tables)
    former = {la.gss_code: set(la.former_gss_codes) for la in register.authorities}
    of_code: dict[str, list[dict[str, Any]]] = defaultdict(list)  # the official rows of each council code
    for row in official:
        of_code[row["gss_code"]].append(row)
    held = _years_held(official)
    areas_of: dict[str, dict[str, str]] = defaultdict(dict)
    for j in judgements:
        areas_of[j["inspection_id"]][j["area"]] = j["grade"]
    rows: list[dict[str, Any]] = []
    for inspection in inspections:
        iid = inspection["inspection_id"]
        mine = checks[iid]
        if inspection["published_date"] is None and inspection["visit_start"] is None:
            rows += [c.row("not_checked", note=NO_DATE) for c in mine]
            continue
        found = [official[n] for n in candidates.get(iid, [])]
        kept, excluded = _exclude(inspection, found, articles.get(iid))
        why = _exclusion_note(inspection, areas_of[iid], found, kept, excluded)
        if kept:
            rows += _matched(inspection, mine, areas_of[iid], kept, why)
        else:
            codes = {inspection["la_code"], *former.get(inspection["la_code"], set())}
            council = sorted((o for code in codes for o in of_code.get(code, [])), key=lambda o: o["n"])
            rows += _unmatched(inspection, mine, council, held, articles.get(iid), why)
    return to_arrow("official_checks", rows)


def _exclusion_note(inspection: dict[str, Any], areas: dict[str, str], found: list[dict[str, Any]],
                    kept: list[dict[str, Any]], excluded: list[tuple[dict[str, Any], str]]) -> str | None:
    """Why candidates were ruled out, when that decided the result: every one of them when none is left,
    else the one the window and the news values alone would have chosen. Others go unmentioned."""
    if not excluded:
        return None
    if kept:
        chosen = _choose(inspection, areas, found)
        excluded = [(o, why) for o, why in excluded if o is chosen]
    return " ".join(f"Ruled out {o['official_type']} ({_source(o)}): {why}." for o, why in excluded) or None


def _joined(*notes: str | None) -> str | None:
    """Notes as one sentence after another; None when there is none (the column's empty value)."""
    return " ".join(n for n in notes if n) or None


def _matched(inspection: dict[str, Any], mine: list[Check], areas: dict[str, str],
             found: list[dict[str, Any]], why: str | None) -> list[dict[str, Any]]:
    """The rows of an inspection the official record holds: the chosen candidate, field by field. `why`
    says which candidate the news dates ruled out, when that changed the choice."""
    o = _choose(inspection, areas, found)
    others = [x for x in found if x is not o]
    note: str | None = None
    if others:
        note = (f"{len(found)} official inspections fit the news dates; checked against the one agreeing with "
                "most news values. Also: " + "; ".join(_describe(x) for x in others) + ".")
    rows = [mine[0].row("confirmed", o["official_type"], _source(o), _joined(note, why))]
    for check in mine[1:]:
        if check.field == "published_date":
            rows.append(_compare_published(check, inspection, o))
        elif check.field == "overall_grade":
            rows.append(_compare_grade(check, o, "overall_effectiveness"))
        else:
            rows.append(_compare_grade(check, o, check.area or ""))
    return rows


def _unmatched(inspection: dict[str, Any], mine: list[Check], council: list[dict[str, Any]], held: dict[str, str],
               article: ArticleDate | None, why: str | None) -> list[dict[str, Any]]:
    """The rows of an inspection no official one fits: absent, except an overall grade, which is a
    claim about the grade in force then (see `_in_force`). `why` says which candidates the news dates
    ruled out, when there were some."""
    rows = [mine[0].row("not_in_official_record", note=_joined(_absent_note(inspection, council, held), why))]
    in_force = _in_force(inspection, council, article)
    for check in mine[1:]:
        overall = check.field == "overall_grade" or check.area == "overall_effectiveness"
        if overall and in_force is not None:
            row = _compare_grade(check, in_force, "overall_effectiveness")
            row["note"] = (f"No official inspection fits the news dates, so the claim is checked against "
                           f"the overall grade in force then: {_describe(in_force)}."
                           + (f" {row['note']}" if row["note"] else ""))
            rows.append(row)
        else:
            rows.append(check.row("not_in_official_record", note=ABSENT))
    return rows


def _compare_published(check: Check, inspection: dict[str, Any], o: dict[str, Any]) -> dict[str, Any]:
    official = o["published_date"]
    if official is None:
        return check.row("not_in_official_record", None, _source(o),
                         "The official record gives no publication date for this inspection.")
    period = Period.of(inspection["published_date"], inspection["published_date_precision"])
    if period is not None and period.contains(official):
        return check.row("confirmed", official.isoformat(), _source(o))
    return check.row("conflict", official.isoformat(), _source(o),
                     f"The official publication date is outside the news date's period "
                     f"({period.first.isoformat()} to {period.last.isoformat()})." if period else None)


def conflicts(table: pa.Table) -> list[str]:
    """One readable line per news value the official record contradicts (for the run summary and the
    release changelog)."""
    rows = table.filter(pc.equal(table["status"], "conflict")).to_pylist()
    return [f"{r['table_name']} {r['record_id']} {r['field']}: the news says {r['news_value']}, the official "
            f"record {r['official_value']} ({r['official_source']})" for r in rows]
