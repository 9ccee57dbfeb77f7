"""Ofsted's verdict on each inspection (official_* columns), derived from official_checks."""

from __future__ import annotations

import pyarrow as pa

from ofsted_dataset.facts.arrow_tables import to_arrow
from ofsted_dataset.official.verdicts import OFFICIAL_COLUMNS, with_official_verdicts

PAGE_2023 = "https://www.gov.uk/government/statistics/childrens-social-care-in-england-2023"
FILE_2023 = "Childrens_social_care_in_England_2023_underlying_data.ods"


def _check(record_id: str, field: str, status: str, news: str | None = None, official: str | None = None,
           source: str | None = None, table: str = "inspections") -> dict[str, str | None]:
    return {"table_name": table, "record_id": record_id, "field": field, "news_value": news,
            "official_value": official, "status": status, "official_source": source, "note": None}


def _verdicts(checks: list[dict[str, str | None]], ids: list[str]) -> list[dict[str, object]]:
    inspections = to_arrow("inspections", [{"inspection_id": i} for i in ids])
    table = with_official_verdicts(inspections, to_arrow("official_checks", checks), {FILE_2023: PAGE_2023})
    return table.select(["inspection_id", *OFFICIAL_COLUMNS]).to_pylist()


def test_a_matched_inspection_carries_the_official_grade_row_and_its_release_page():
    row = f"{FILE_2023}, LA_inspections_2009-2023, row 50"
    assert _verdicts([_check("a-2017-full-inspection", "inspection_type", "confirmed", "full_inspection", "SIF", row),
                      _check("a-2017-full-inspection", "overall_grade", "confirmed", "good", "good", row)],
                     ["a-2017-full-inspection"]) == [
        {"inspection_id": "a-2017-full-inspection", "official_status": "confirmed", "official_conflicts": None,
         "official_overall_grade": "good", "official_source": row, "official_url": PAGE_2023}]


def test_any_contradicted_value_makes_the_inspection_a_conflict_and_is_named():
    in_force = f"{FILE_2023}, LA_inspections_2009-2023, row 85"
    checks = [_check("m-2017-full-inspection", "inspection_type", "not_in_official_record", "full_inspection"),
              _check("m-2017-full-inspection", "overall_grade", "conflict", "inadequate", "requires_improvement",
                     in_force),
              _check("m-2017-full-inspection/leadership", "grade", "conflict", "inadequate", "good", in_force,
                     table="judgements")]
    assert _verdicts(checks, ["m-2017-full-inspection"]) == [
        {"inspection_id": "m-2017-full-inspection", "official_status": "conflict",
         "official_conflicts": "overall_grade: news inadequate, official requires_improvement; "
                               "leadership: news inadequate, official good",
         "official_overall_grade": "requires_improvement", "official_source": in_force, "official_url": PAGE_2023}]


def test_an_inspection_absent_or_unchecked_says_so_with_nothing_official_beside_it():
    checks = [_check("v-2021-focused-visit", "inspection_type", "not_in_official_record", "focused_visit")]
    assert _verdicts(checks, ["v-2021-focused-visit", "w-2020-full-inspection"]) == [
        {"inspection_id": "v-2021-focused-visit", "official_status": "not_in_official_record",
         "official_conflicts": None, "official_overall_grade": None, "official_source": None, "official_url": None},
        {"inspection_id": "w-2020-full-inspection", "official_status": "not_checked",
         "official_conflicts": None, "official_overall_grade": None, "official_source": None, "official_url": None}]


def test_the_seed_build_puts_middlesbrough_contradicted_grade_on_its_inspection(seed_build):
    _, applied = seed_build
    inspections = applied.tables["inspections"]
    statuses = dict(zip(inspections["inspection_id"].to_pylist(), inspections["official_status"].to_pylist(),
                        strict=True))
    assert statuses == {
        "birmingham-2008-full-inspection": "not_in_official_record",
        "birmingham-2017-monitoring-visit": "not_in_official_record",
        "gloucestershire-2010-full-inspection": "confirmed",
        "gloucestershire-2017-full-inspection": "confirmed",
        "middlesbrough-2017-full-inspection": "conflict",
        "sheffield-2021-focused-visit": "not_in_official_record",
        "south-gloucestershire-2012-full-inspection": "confirmed",
        "south-gloucestershire-2016-full-inspection": "confirmed",
        "south-gloucestershire-2019-full-inspection": "confirmed",
        "south-gloucestershire-2021-focused-visit": "not_in_official_record",
    }
    assert isinstance(inspections, pa.Table)
