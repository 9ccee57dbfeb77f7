"""The official_checks table: each news value against the extract a snapshot of the fixture files writes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from ofsted_dataset.facts.arrow_tables import to_arrow
from ofsted_dataset.official.checks import ABSENT, NO_EXTRACT, check_against_official
from ofsted_dataset.official.extract import csv_text
from ofsted_dataset.official.records import OfficialInspection
from schemas.pandera_schemas import dataframe_schema
from schemas.tables import TABLES
from schemas.vocabularies import FACT_TABLE_NAMES

OUTCOMES = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
UNDERLYING = "Childrens_social_care_in_England_2023_underlying_data.ods"
D = date


def _inspection(iid: str, la: str, code: str, kind: str, framework: str | None, visit: tuple | None = None,
                published: tuple | None = None, grade: str | None = None) -> dict[str, Any]:
    row = {"inspection_id": iid, "local_authority": la, "la_code": code, "inspection_type": kind,
           "framework": framework, "overall_grade": grade}
    if visit:
        row.update(visit_start=visit[0], visit_end=visit[1], visit_precision=visit[2])
    if published:
        row.update(published_date=published[0], published_date_precision=published[1])
    return row


NEWS_INSPECTIONS = [
    _inspection("gloucestershire-2017-full-inspection", "Gloucestershire", "E10000013", "full_inspection", "sif",
                (D(2017, 2, 1), D(2017, 3, 1), "month"), (D(2017, 6, 1), "month"), "inadequate"),
    _inspection("south-gloucestershire-2012-full-inspection", "South Gloucestershire", "E06000025",
                "full_inspection", "cpi", published=(D(2012, 1, 1), "year"), grade="adequate"),
    # the article gives the fieldwork year as the publication year
    _inspection("south-gloucestershire-2016-full-inspection", "South Gloucestershire", "E06000025",
                "full_inspection", "sif", published=(D(2016, 1, 1), "year"), grade="inadequate"),
    _inspection("middlesbrough-2019-full-inspection", "Middlesbrough", "E06000002", "full_inspection", "ilacs",
                (D(2019, 11, 1), None, "month"), (D(2020, 1, 24), "day"), "good"),
    _inspection("middlesbrough-2017-full-inspection", "Middlesbrough", "E06000002", "full_inspection", None,
                published=(D(2017, 1, 1), "year"), grade="inadequate"),
    _inspection("dorset-2016-full-inspection", "Dorset", "E06000059", "full_inspection", "sif",
                published=(D(2016, 5, 1), "month"), grade="requires_improvement"),
    _inspection("bournemouth-christchurch-and-poole-2018-full-inspection", "Bournemouth, Christchurch and Poole",
                "E06000058", "full_inspection", "ilacs", visit=(D(2018, 7, 1), None, "month")),
    _inspection("sheffield-2021-focused-visit", "Sheffield", "E08000019", "focused_visit", "ilacs",
                visit=(D(2021, 11, 1), None, "month")),
    _inspection("sheffield-2024-focused-visit", "Sheffield", "E08000019", "focused_visit", "ilacs",
                visit=(D(2024, 10, 1), None, "month")),
    _inspection("kent-2019-monitoring-visit", "Kent", "E10000016", "monitoring_visit", "ilacs"),
]
NEWS_JUDGEMENTS = [
    {"inspection_id": "gloucestershire-2017-full-inspection", "area": "adoption", "grade": "good"},
    {"inspection_id": "gloucestershire-2017-full-inspection", "area": "help_and_protection", "grade": "inadequate"},
    {"inspection_id": "gloucestershire-2017-full-inspection", "area": "safeguarding_board", "grade": "inadequate"},
    {"inspection_id": "middlesbrough-2019-full-inspection", "area": "care_leavers", "grade": "good"},
    {"inspection_id": "middlesbrough-2019-full-inspection", "area": "leadership", "grade": "inadequate"},
    {"inspection_id": "south-gloucestershire-2012-full-inspection", "area": "overall_effectiveness",
     "grade": "adequate"},
]


def _tables(inspections: list[dict[str, Any]] = NEWS_INSPECTIONS,
            judgements: list[dict[str, Any]] = NEWS_JUDGEMENTS) -> dict[str, Any]:
    return {"inspections": to_arrow("inspections", inspections), "judgements": to_arrow("judgements", judgements)}


def _src(file: str, sheet: str, row: int) -> str:
    return f"{file}, {sheet}, row {row}"


WIDE = "LA_inspections_2009-2023"
GLOS = _src(UNDERLYING, WIDE, 6)
SGLOS = _src(UNDERLYING, WIDE, 7)
MIDDLESBROUGH_ILACS = _src(OUTCOMES, "ILACS_inspection_history", 4)
DORSET = _src(UNDERLYING, WIDE, 13)
RECODED_NOTE = ("Ofsted's official statistics record the pre-2013 grade 'adequate' as 'requires improvement to be "
                "good'; counted as agreement.")


def _row(table, record, field, news, official, status, source=None, note=None):
    return {"table_name": table, "record_id": record, "field": field, "news_value": news,
            "official_value": official, "status": status, "official_source": source, "note": note}


# Every status, for the fixture files' extract and the news records above.
EXPECTED_ROWS = [
    _row("inspections", "bournemouth-christchurch-and-poole-2018-full-inspection", "inspection_type",
         "full_inspection", "ILACS Standard Inspection", "confirmed",
         _src(OUTCOMES, "ILACS_inspection_history", 8)),  # found under Bournemouth's former code
    _row("inspections", "dorset-2016-full-inspection", "inspection_type", "full_inspection",
         "Single Inspection of LA Children's Services (SIF) First SIF", "confirmed", DORSET),
    _row("inspections", "dorset-2016-full-inspection", "overall_grade", "requires_improvement",
         "requires_improvement", "confirmed", DORSET),
    _row("inspections", "dorset-2016-full-inspection", "published_date", "2016-05", "2016-05-23", "confirmed",
         DORSET),
    _row("inspections", "gloucestershire-2017-full-inspection", "inspection_type", "full_inspection",
         "Single Inspection of LA Children's Services (SIF) First SIF", "confirmed", GLOS),
    _row("inspections", "gloucestershire-2017-full-inspection", "overall_grade", "inadequate", "inadequate",
         "confirmed", GLOS),
    _row("inspections", "gloucestershire-2017-full-inspection", "published_date", "2017-06", "2017-06-13",
         "confirmed", GLOS),
    _row("inspections", "kent-2019-monitoring-visit", "inspection_type", "monitoring_visit", None, "not_checked",
         None, "The news record gives no date to match an official inspection on."),
    _row("inspections", "middlesbrough-2017-full-inspection", "inspection_type", "full_inspection", None,
         "not_in_official_record", None,
         "No official inspection of this council of this type fits the news dates. Nearest: Single Inspection "
         "of LA Children's Services (SIF) First SIF published 2016-02-19, overall requires_improvement "
         f"({_src(UNDERLYING, WIDE, 8)})."),
    # No inspection near 2017, but the grade in force then (the 2016 SIF) contradicts the claim.
    _row("inspections", "middlesbrough-2017-full-inspection", "overall_grade", "inadequate",
         "requires_improvement", "conflict", _src(UNDERLYING, WIDE, 8),
         "No official inspection fits the news dates, so the claim is checked against the overall grade in "
         "force then: Single Inspection of LA Children's Services (SIF) First SIF published 2016-02-19, overall "
         f"requires_improvement ({_src(UNDERLYING, WIDE, 8)})."),
    _row("inspections", "middlesbrough-2017-full-inspection", "published_date", "2017", None,
         "not_in_official_record", None, ABSENT),
    _row("inspections", "middlesbrough-2019-full-inspection", "inspection_type", "full_inspection",
         "ILACS Standard Inspection", "confirmed", MIDDLESBROUGH_ILACS),
    _row("inspections", "middlesbrough-2019-full-inspection", "overall_grade", "good", "inadequate", "conflict",
         MIDDLESBROUGH_ILACS),
    _row("inspections", "middlesbrough-2019-full-inspection", "published_date", "2020-01-24", "2020-01-24",
         "confirmed", MIDDLESBROUGH_ILACS),
    _row("inspections", "sheffield-2021-focused-visit", "inspection_type", "focused_visit", None,
         "not_in_official_record", None,
         "The official files record focused visits only partly (here: visits in 2022, 2024); absence from them "
         "is not a conflict."),
    _row("inspections", "sheffield-2024-focused-visit", "inspection_type", "focused_visit", "ILACS Focused Visit",
         "confirmed", _src(OUTCOMES, "In-year_inspections", 4)),
    _row("inspections", "south-gloucestershire-2012-full-inspection", "inspection_type", "full_inspection",
         "Child Protection Inspections (CPI)", "confirmed", SGLOS),
    _row("inspections", "south-gloucestershire-2012-full-inspection", "overall_grade", "adequate",
         "requires_improvement", "confirmed", SGLOS, RECODED_NOTE),
    _row("inspections", "south-gloucestershire-2012-full-inspection", "published_date", "2012", "2012-08-10",
         "confirmed", SGLOS),
    _row("inspections", "south-gloucestershire-2016-full-inspection", "inspection_type", "full_inspection",
         "Single Inspection of LA Children's Services (SIF) First SIF", "confirmed", SGLOS),
    _row("inspections", "south-gloucestershire-2016-full-inspection", "overall_grade", "inadequate", "inadequate",
         "confirmed", SGLOS),
    _row("inspections", "south-gloucestershire-2016-full-inspection", "published_date", "2016", "2017-02-13",
         "conflict", SGLOS,
         "The official publication date is outside the news date's period (2016-01-01 to 2016-12-31)."),
    _row("judgements", "gloucestershire-2017-full-inspection/adoption", "grade", "good", "good", "confirmed", GLOS),
    _row("judgements", "gloucestershire-2017-full-inspection/help_and_protection", "grade", "inadequate",
         "inadequate", "confirmed", GLOS),
    _row("judgements", "gloucestershire-2017-full-inspection/safeguarding_board", "grade", "inadequate",
         "requires_improvement", "conflict", GLOS),
    _row("judgements", "middlesbrough-2019-full-inspection/care_leavers", "grade", "good", None,
         "not_in_official_record", MIDDLESBROUGH_ILACS,
         "The official record gives no care_leavers grade for this inspection."),
    _row("judgements", "middlesbrough-2019-full-inspection/leadership", "grade", "inadequate", "inadequate",
         "confirmed", MIDDLESBROUGH_ILACS),
    _row("judgements", "south-gloucestershire-2012-full-inspection/overall_effectiveness", "grade", "adequate",
         "requires_improvement", "confirmed", SGLOS, RECODED_NOTE),
]


def test_checks_give_every_status_with_exact_rows(extract, register):
    rows = check_against_official(_tables(), extract, register).to_pylist()
    assert rows == EXPECTED_ROWS


def test_without_an_extract_every_check_is_not_checked(tmp_path, register):
    tables = _tables(NEWS_INSPECTIONS[:1], NEWS_JUDGEMENTS[:1])
    expected = [
        _row("inspections", "gloucestershire-2017-full-inspection", "inspection_type", "full_inspection", None,
             "not_checked", None, NO_EXTRACT),
        _row("inspections", "gloucestershire-2017-full-inspection", "overall_grade", "inadequate", None,
             "not_checked", None, NO_EXTRACT),
        _row("inspections", "gloucestershire-2017-full-inspection", "published_date", "2017-06", None,
             "not_checked", None, NO_EXTRACT),
        _row("judgements", "gloucestershire-2017-full-inspection/adoption", "grade", "good", None, "not_checked",
             None, NO_EXTRACT),
    ]
    assert check_against_official(tables, None, register).to_pylist() == expected
    assert check_against_official(tables, tmp_path / "missing.csv", register).to_pylist() == expected


@pytest.mark.parametrize(("published", "status"), [
    ((D(2017, 1, 1), "year"), "confirmed"),
    ((D(2017, 6, 1), "month"), "confirmed"),
    ((D(2017, 6, 13), "day"), "confirmed"),
    ((D(2017, 6, 14), "day"), "conflict"),  # same inspection (within the window), another day
    ((D(2017, 7, 1), "month"), "conflict"),
])
def test_publication_date_is_compared_to_its_precision(extract, register, published, status):
    inspection = _inspection("gloucestershire-2017-full-inspection", "Gloucestershire", "E10000013",
                             "full_inspection", "sif", published=published, grade="inadequate")
    rows = check_against_official(_tables([inspection], []), extract, register).to_pylist()
    assert [(r["field"], r["status"], r["official_value"]) for r in rows] == [
        ("inspection_type", "confirmed", "Single Inspection of LA Children's Services (SIF) First SIF"),
        ("overall_grade", "confirmed", "inadequate"),
        ("published_date", status, "2017-06-13"),
    ]


def test_a_slac_inspection_has_no_overall_grade_and_ambiguity_is_noted(extract, register):
    inspection = _inspection("gloucestershire-2010-full-inspection", "Gloucestershire", "E10000013",
                             "full_inspection", None, (D(2010, 1, 1), None, "year"), (D(2011, 1, 1), "year"),
                             "inadequate")
    rows = check_against_official(_tables([inspection], []), extract, register).to_pylist()
    assert [(r["field"], r["status"], r["official_value"], r["note"]) for r in rows] == [
        ("inspection_type", "confirmed", "Safeguarding & Looked After Children (SLAC) Inspection", None),
        ("overall_grade", "not_in_official_record", None,
         "SLAC inspections have no single overall grade in the official record: safeguarding services inadequate, "
         "services for looked after children requires_improvement."),
        ("published_date", "confirmed", "2011-01-24", None),
    ]


def test_adequate_is_not_excused_for_a_framework_that_never_graded_it(extract, register):
    inspection = _inspection("gloucestershire-2017-full-inspection", "Gloucestershire", "E10000013",
                             "full_inspection", "sif", published=(D(2017, 6, 1), "month"), grade="adequate")
    rows = check_against_official(_tables([inspection], []), extract, register).to_pylist()
    assert [(r["field"], r["status"]) for r in rows][1] == ("overall_grade", "conflict")


def test_official_checks_rows_satisfy_the_table_schema(extract, register):
    table = check_against_official(_tables(), extract, register)
    assert table.schema.names == TABLES["official_checks"].field_names
    dataframe_schema(TABLES["official_checks"]).validate(table.to_pandas(types_mapper=pd.ArrowDtype))


def test_official_checks_is_defined_after_provenance_and_provenance_backs_only_fact_tables():
    assert list(TABLES)[-3:] == ["provenance", "official_checks", "inspections_flat"]
    assert TABLES["official_checks"].primary_key == ("table_name", "record_id", "field")
    assert TABLES["provenance"].field("table_name").enum == FACT_TABLE_NAMES == (
        "sources", "inspections", "judgements", "recommendations", "funding_commitments", "grade_counts")
    assert TABLES["official_checks"].field("status").enum == (
        "confirmed", "conflict", "not_in_official_record", "not_checked")


def test_a_tlac_inspection_without_a_framework_excuses_adequate(tmp_path, register):
    """An empty framework (TLAC, outside the vocabulary) is read as None and still counts as the time
    of the "adequate" grade, even when published after the single inspection framework began."""
    tlac = OfficialInspection("E10000013", "Gloucestershire", "", "full_inspection",
                              "Targeted Looked After Children (TLAC) inspection", None, D(2014, 3, 7),
                              {"overall_effectiveness": "requires_improvement"}, UNDERLYING, WIDE, 6)
    extract = tmp_path / "outcomes.csv"
    extract.write_text(csv_text([tlac.row()]), encoding="utf-8")
    inspection = _inspection("gloucestershire-2014-full-inspection", "Gloucestershire", "E10000013",
                             "full_inspection", None, published=(D(2014, 3, 1), "month"), grade="adequate")
    rows = check_against_official(_tables([inspection], []), extract, register).to_pylist()
    assert [(r["field"], r["status"], r["official_value"], r["note"]) for r in rows] == [
        ("inspection_type", "confirmed", "Targeted Looked After Children (TLAC) inspection", None),
        ("overall_grade", "confirmed", "requires_improvement", RECODED_NOTE),
        ("published_date", "confirmed", "2014-03-07", None),
    ]
