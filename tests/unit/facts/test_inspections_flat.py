"""The flat export: one row per inspection, every value copied or counted from the other tables."""

from __future__ import annotations

import datetime as dt

from schemas.tables import INSPECTIONS_FLAT


def test_the_seed_build_gives_one_row_per_inspection_with_grades_as_columns(seed_build):
    _, applied = seed_build
    flat = applied.tables["inspections_flat"]
    assert flat.column_names == INSPECTIONS_FLAT.field_names
    assert flat["inspection_id"].to_pylist() == applied.tables["inspections"]["inspection_id"].to_pylist()
    row = next(r for r in flat.to_pylist() if r["inspection_id"] == "south-gloucestershire-2016-full-inspection")
    assert {k: row[k] for k in ("overall_grade", "help_and_protection", "children_in_care", "adoption",
                                "care_leavers", "leadership", "safeguarding_board", "recommendations_count",
                                "recommendations_listed", "official_status", "published_date",
                                "published_date_precision", "published_date_end", "source_ids", "source_urls")} == {
        "overall_grade": "inadequate", "help_and_protection": "inadequate", "children_in_care": "requires_improvement",
        "adoption": "good", "care_leavers": "requires_improvement", "leadership": "inadequate",
        "safeguarding_board": "inadequate", "recommendations_count": 22, "recommendations_listed": 0,
        "official_status": "confirmed", "published_date": dt.date(2017, 2, 1), "published_date_precision": "month",
        "published_date_end": dt.date(2017, 2, 28),
        "source_ids": "000_09d284dea3b9a717; 001_06ce62ec936559f3; 003_6e4606619b08db71", "source_urls": None}
    visit = next(r for r in flat.to_pylist() if r["inspection_id"] == "sheffield-2021-focused-visit")
    assert (visit["overall_grade"], visit["recommendations_listed"], visit["source_ids"]) == (
        None, 3, "002_3dafbde2ba55b338")
