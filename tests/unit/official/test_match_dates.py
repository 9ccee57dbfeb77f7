"""Which official records the news dates rule out (docs/official-checks.md, "Ruled out by the news dates").

Two rules on top of the date window: a news visit known to the month or the day must agree with the
official record's visit (or, without one, its publication must follow the visit); and a record dated
after every article reporting the inspection cannot be the one they report. Each test writes its own
small extract, so the candidates are exactly the ones named.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ofsted_dataset.facts.arrow_tables import to_arrow
from ofsted_dataset.official.checks import ABSENT, check_against_official
from ofsted_dataset.official.extract import csv_text
from ofsted_dataset.official.records import OfficialInspection
from tests.unit.official.test_checks import EXPECTED_ROWS, NEWS_INSPECTIONS, NEWS_JUDGEMENTS

OUTCOMES = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
IN_YEAR = "In-year_inspections"
HISTORY = "ILACS_inspection_history"
D = date
SHEFFIELD, MIDDLESBROUGH = "E08000019", "E06000002"
FOCUSED = "ILACS Focused Visit"
STANDARD = "ILACS Standard Inspection"


def _official(code: str, name: str, kind: str, official_type: str, visited: date | None, published: date | None,
              sheet: str, row: int, overall: str | None = None) -> OfficialInspection:
    grades = {"overall_effectiveness": overall} if overall else {}
    return OfficialInspection(code, name, "ilacs", kind, official_type, visited, published, grades, OUTCOMES, sheet,
                              row)


def _extract(tmp_path: Path, *records: OfficialInspection) -> Path:
    path = tmp_path / "outcomes.csv"
    path.write_text(csv_text([r.row() for r in records]), encoding="utf-8")
    return path


def _news(iid: str, la: str, code: str, kind: str, visit: tuple[date, str] | None = None,
          published: tuple[date, str] | None = None, grade: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"inspection_id": iid, "local_authority": la, "la_code": code, "inspection_type": kind,
                           "framework": "ilacs", "overall_grade": grade}
    if visit:
        row.update(visit_start=visit[0], visit_precision=visit[1])
    if published:
        row.update(published_date=published[0], published_date_precision=published[1])
    return row


def _tables(inspections: list[dict[str, Any]], articles: dict[str, list[tuple[date | None, str | None]]]
            | None = None, judgements: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The built tables the checks receive: inspections, judgements, and the articles (sources) that
    report each inspection, linked by provenance rows of the inspection."""
    sources, provenance = [], []
    for iid, dates in (articles or {}).items():
        for k, (published, precision) in enumerate(dates):
            sid = f"9{len(sources):02d}_{k:016x}"
            sources.append({"source_id": sid, "published_date": published, "published_date_precision": precision})
            provenance.append({"table_name": "inspections", "record_id": iid, "field": "inspection_type",
                               "source_id": sid, "char_start": 0, "char_end": 1, "quote": "x"})
    return {"inspections": to_arrow("inspections", inspections),
            "judgements": to_arrow("judgements", judgements or []),
            "sources": to_arrow("sources", sources), "provenance": to_arrow("provenance", provenance)}


def _src(sheet: str, row: int) -> str:
    return f"{OUTCOMES}, {sheet}, row {row}"


def _row(record: str, field: str, news: str | None, official: str | None, status: str, source: str | None = None,
         note: str | None = None) -> dict[str, Any]:
    return {"table_name": "inspections", "record_id": record, "field": field, "news_value": news,
            "official_value": official, "status": status, "official_source": source, "note": note}


# The case found on a real article: a February 2024 focused visit whose publication year was inferred
# as 2024, and Sheffield's next focused visit (December 2024, published 2025) inside the 92-day window.
DECEMBER_VISIT = _official(SHEFFIELD, "Sheffield", "focused_visit", FOCUSED, D(2024, 12, 2), D(2025, 1, 20),
                           IN_YEAR, 5)
FEBRUARY_VISIT = _news("sheffield-2024-focused-visit", "Sheffield", SHEFFIELD, "focused_visit",
                       (D(2024, 2, 1), "month"), (D(2024, 1, 1), "year"))


def test_a_february_visit_is_not_the_december_visit_published_after_the_article(tmp_path, register):
    extract = _extract(tmp_path, DECEMBER_VISIT)
    tables = _tables([FEBRUARY_VISIT], {FEBRUARY_VISIT["inspection_id"]: [(D(2024, 3, 1), "month")]})
    rows = check_against_official(tables, extract, register).to_pylist()
    assert rows == [
        _row("sheffield-2024-focused-visit", "inspection_type", "focused_visit", None, "not_in_official_record",
             None,
             "The official files record focused visits only partly (here: visits in 2024); absence from them is "
             f"not a conflict. Ruled out {FOCUSED} ({_src(IN_YEAR, 5)}): its visit began 2024-12-02, outside the "
             "news visit period 2024-02 (give or take 31 days)."),
        _row("sheffield-2024-focused-visit", "published_date", "2024", None, "not_in_official_record", None, ABSENT),
    ]


def test_the_visit_rule_alone_rules_out_the_december_visit(tmp_path, register):
    """With no article date known, the precise visit month still rules the December visit out."""
    rows = check_against_official(_tables([FEBRUARY_VISIT]), _extract(tmp_path, DECEMBER_VISIT),
                                  register).to_pylist()
    assert [(r["field"], r["status"]) for r in rows] == [
        ("inspection_type", "not_in_official_record"), ("published_date", "not_in_official_record")]


# Middlesbrough: graded inadequate in 2020, then (in this made-up extract) good in a report published
# 2024-06-20; the news record is an inspection "published in 2024" reported by an article of 2024-03.
MIDDLESBROUGH_2020 = _official(MIDDLESBROUGH, "Middlesbrough", "full_inspection", STANDARD, D(2019, 11, 25),
                               D(2020, 1, 24), HISTORY, 4, "inadequate")
MIDDLESBROUGH_2024 = _official(MIDDLESBROUGH, "Middlesbrough", "full_inspection", STANDARD, D(2024, 4, 15),
                               D(2024, 6, 20), HISTORY, 5, "good")
NEWS_2024 = _news("middlesbrough-2024-full-inspection", "Middlesbrough", MIDDLESBROUGH, "full_inspection",
                  published=(D(2024, 1, 1), "year"), grade="inadequate")


def test_a_record_published_after_the_article_is_ruled_out(tmp_path, register):
    extract = _extract(tmp_path, MIDDLESBROUGH_2020, MIDDLESBROUGH_2024)
    tables = _tables([NEWS_2024], {NEWS_2024["inspection_id"]: [(D(2024, 3, 1), "month")]})
    rows = check_against_official(tables, extract, register).to_pylist()
    in_force = f"{STANDARD} published 2020-01-24, overall inadequate ({_src(HISTORY, 4)})"
    assert rows == [
        _row("middlesbrough-2024-full-inspection", "inspection_type", "full_inspection", None,
             "not_in_official_record", None,
             "No official inspection of this council of this type fits the news dates. Nearest: "
             f"{STANDARD} published 2024-06-20, overall good ({_src(HISTORY, 5)}). Ruled out {STANDARD} "
             f"({_src(HISTORY, 5)}): published 2024-06-20, after the articles reporting this inspection (the "
             "latest dated 2024-03)."),
        # the grade in force when the article was written, not at the end of 2024
        _row("middlesbrough-2024-full-inspection", "overall_grade", "inadequate", "inadequate", "confirmed",
             _src(HISTORY, 4),
             f"No official inspection fits the news dates, so the claim is checked against the overall grade in "
             f"force then: {in_force}."),
        _row("middlesbrough-2024-full-inspection", "published_date", "2024", None, "not_in_official_record", None,
             ABSENT),
    ]


@pytest.mark.parametrize(("articles", "status"), [
    ([(D(2024, 1, 1), "year")], "confirmed"),  # "2024" is not before a record published 2024-06-20
    ([(D(2024, 6, 1), "month")], "confirmed"),  # nor is June 2024
    ([(D(2024, 6, 20), "day")], "confirmed"),  # nor the day itself
    ([(D(2024, 6, 19), "day")], "not_in_official_record"),
    ([(D(2024, 3, 1), "month"), (D(2024, 7, 2), "day")], "confirmed"),  # the latest article counts
    ([(D(2024, 3, 1), "month"), (None, None)], "confirmed"),  # an undated article could be the latest
    ([], "confirmed"),  # no article known: the rule does not apply
])
def test_an_article_is_compared_at_the_precision_of_its_date(tmp_path, register, articles, status):
    extract = _extract(tmp_path, MIDDLESBROUGH_2020, MIDDLESBROUGH_2024)
    news = {**NEWS_2024, "overall_grade": "good"}
    rows = check_against_official(_tables([news], {news["inspection_id"]: articles}), extract, register).to_pylist()
    assert rows[0]["status"] == status
    if status == "confirmed":
        assert [(r["field"], r["status"], r["official_value"], r["note"]) for r in rows] == [
            ("inspection_type", "confirmed", STANDARD, None),
            ("overall_grade", "confirmed", "good", None),
            ("published_date", "confirmed", "2024-06-20", None),
        ]


def test_a_precise_visit_month_picks_the_right_one_of_two_candidates_of_the_year(tmp_path, register):
    """Both are inside the news publication year; the September one agrees with the news overall
    effectiveness judgement and would win on agreement, but the news visit was in February."""
    february = _official(MIDDLESBROUGH, "Middlesbrough", "full_inspection", STANDARD, D(2024, 2, 12),
                         D(2024, 4, 5), HISTORY, 5, "inadequate")
    september = _official(MIDDLESBROUGH, "Middlesbrough", "full_inspection", "ILACS Short Inspection",
                          D(2024, 9, 16), D(2024, 11, 1), HISTORY, 6, "good")
    news = _news("middlesbrough-2024-full-inspection", "Middlesbrough", MIDDLESBROUGH, "full_inspection",
                 (D(2024, 2, 1), "month"), (D(2024, 1, 1), "year"), "good")
    judgement = {"inspection_id": news["inspection_id"], "area": "overall_effectiveness", "grade": "good"}
    rows = check_against_official(_tables([news], judgements=[judgement]), _extract(tmp_path, february, september),
                                  register).to_pylist()
    source = _src(HISTORY, 5)
    assert rows == [
        _row("middlesbrough-2024-full-inspection", "inspection_type", "full_inspection", STANDARD, "confirmed",
             source,
             f"Ruled out ILACS Short Inspection ({_src(HISTORY, 6)}): its visit began 2024-09-16, outside the news "
             "visit period 2024-02 (give or take 31 days)."),
        _row("middlesbrough-2024-full-inspection", "overall_grade", "good", "inadequate", "conflict", source),
        _row("middlesbrough-2024-full-inspection", "published_date", "2024", "2024-04-05", "confirmed", source),
        {**_row("middlesbrough-2024-full-inspection/overall_effectiveness", "grade", "good", "inadequate",
                "conflict", source), "table_name": "judgements"},
    ]


def test_a_report_published_before_the_precise_visit_is_ruled_out(tmp_path, register):
    """An official record with a publication date only (the 2009-2023 history) must follow the visit."""
    earlier = OfficialInspection(MIDDLESBROUGH, "Middlesbrough", "sif", "full_inspection", "First SIF", None,
                                 D(2016, 2, 19), {"overall_effectiveness": "requires_improvement"}, OUTCOMES,
                                 HISTORY, 7)
    news = {**_news("middlesbrough-2016-full-inspection", "Middlesbrough", MIDDLESBROUGH, "full_inspection",
                    (D(2016, 3, 1), "month"), (D(2016, 1, 1), "year")), "framework": None}
    rows = check_against_official(_tables([news]), _extract(tmp_path, earlier), register).to_pylist()
    assert rows[0]["status"] == "not_in_official_record"
    assert rows[0]["note"].endswith(
        f"Ruled out First SIF ({_src(HISTORY, 7)}): published 2016-02-19, before the news visit period 2016-03.")


def test_a_plain_match_is_unchanged(tmp_path, register):
    """A visit reported before its report was published still matches: with no news publication date
    only the official visit start is compared with the article."""
    october = _official(SHEFFIELD, "Sheffield", "focused_visit", FOCUSED, D(2024, 10, 1), D(2024, 11, 5), IN_YEAR, 4)
    news = _news("sheffield-2024-focused-visit", "Sheffield", SHEFFIELD, "focused_visit", (D(2024, 10, 1), "month"))
    tables = _tables([news], {news["inspection_id"]: [(D(2024, 10, 15), "day")]})
    rows = check_against_official(tables, _extract(tmp_path, october), register).to_pylist()
    assert rows == [_row("sheffield-2024-focused-visit", "inspection_type", "focused_visit", FOCUSED, "confirmed",
                         _src(IN_YEAR, 4))]


def test_the_fixture_corpus_is_unchanged_when_every_article_is_dated_after_it(extract, register):
    """The exact rows of test_checks, now with articles and provenance: the rules exclude nothing there."""
    articles = {i["inspection_id"]: [(D(2025, 3, 1), "month")] for i in NEWS_INSPECTIONS}
    tables = _tables(NEWS_INSPECTIONS, articles, NEWS_JUDGEMENTS)
    assert check_against_official(tables, extract, register).to_pylist() == EXPECTED_ROWS
