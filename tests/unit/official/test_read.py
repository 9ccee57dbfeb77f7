"""Reading the official spreadsheets: tables found by content, both layouts, the wording mapped onto the
dataset's vocabularies, and one row per inspection across sheets and files."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest

from ofsted_dataset.official.read import merge, read_workbook
from ofsted_dataset.official.wording import area_of, date_of, framework_of, grade_of, type_of

OUTCOMES = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
UNDERLYING = "Childrens_social_care_in_England_2023_underlying_data.ods"
D = date


def test_fixture_is_an_ods_file(official_dir):
    with zipfile.ZipFile(official_dir / OUTCOMES) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"


def test_header_rows_are_found_among_title_and_note_rows_and_both_tables_of_a_sheet(official_dir, codes):
    outcomes = read_workbook(official_dir / OUTCOMES, codes)
    underlying = read_workbook(official_dir / UNDERLYING, codes)
    # "as at 31 March" lists (no inspection type column) are skipped; the second tables start at rows 7 and 12
    assert outcomes.tables == ["In-year_inspections!3", "ILACS_inspection_history!3", "ILACS_inspection_history!7"]
    assert underlying.tables == ["LA_inspections_2009-2023!5", "LA_inspections_2009-2023!12",
                                 "LA_level_in_year_2022-23!3"]
    assert (outcomes.published_on, underlying.published_on) == (D(2025, 9, 25), D(2023, 7, 6))
    assert outcomes.problems == underlying.problems == []


def test_long_tables_give_codes_types_and_grades(official_dir, codes):
    rows = [r.row() for r in read_workbook(official_dir / OUTCOMES, codes).inspections]
    assert [(r["gss_code"], r["framework"], r["inspection_type"], r["official_type"], r["inspection_date"],
             r["published_date"], r["source_sheet"], r["source_row"]) for r in rows] == [
        ("E08000019", "ilacs", "focused_visit", "ILACS Focused Visit", D(2024, 10, 1), D(2024, 11, 5),
         "In-year_inspections", 4),
        ("E06000002", "ilacs", "monitoring_visit", "LA Monitoring visit", D(2024, 6, 10), D(2024, 7, 20),
         "In-year_inspections", 5),
        ("E06000002", "ilacs", "full_inspection", "ILACS Standard Inspection", D(2019, 11, 25), D(2020, 1, 24),
         "ILACS_inspection_history", 4),
        ("E06000028", "ilacs", "full_inspection", "ILACS Standard Inspection", D(2018, 7, 16), D(2018, 8, 24),
         "ILACS_inspection_history", 8),
    ]
    assert {k: rows[3][k] for k in ("overall_effectiveness", "leadership", "help_and_protection",
                                    "children_in_care", "care_leavers", "adoption", "safeguarding_board")} == {
        "overall_effectiveness": "requires_improvement", "leadership": "inadequate",
        "help_and_protection": "requires_improvement", "children_in_care": "requires_improvement",
        "care_leavers": None, "adoption": None, "safeguarding_board": None}


def test_wide_table_blocks_map_onto_frameworks_and_areas(official_dir, codes):
    book = read_workbook(official_dir / UNDERLYING, codes)
    gloucestershire = [r for r in book.inspections if r.la_name == "Gloucestershire"]
    assert [(r.framework, r.official_type, r.published_date, r.grades) for r in gloucestershire] == [
        ("slac", "Safeguarding & Looked After Children (SLAC) Inspection", D(2011, 1, 24),
         {"help_and_protection": "inadequate", "children_in_care": "requires_improvement"}),
        ("sif", "Single Inspection of LA Children's Services (SIF) First SIF", D(2017, 6, 13),
         {"overall_effectiveness": "inadequate", "help_and_protection": "inadequate",
          "children_in_care": "requires_improvement", "adoption": "good", "care_leavers": "requires_improvement",
          "leadership": "inadequate", "safeguarding_board": "requires_improvement"}),
    ]
    assert {(r.la_name, r.gss_code, r.source_row) for r in book.inspections if r.source_row >= 13} == {
        ("Dorset", "E10000009", 13),  # the former county in the "before the restructure" table
        ("Poole", "E06000029", 14),
    }
    poole = next(r for r in book.inspections if r.la_name == "Poole")
    assert "safeguarding_board" not in poole.grades  # " -" is no grade
    middlesbrough_ilacs = next(r for r in book.inspections if r.la_name == "Middlesbrough" and r.framework == "ilacs")
    assert (middlesbrough_ilacs.official_type, middlesbrough_ilacs.published_date) == (
        "ILACS Standard Inspection", D(2020, 1, 24))
    southend = next(r for r in book.inspections if r.source_sheet == "LA_level_in_year_2022-23")
    assert (southend.gss_code, southend.inspection_type, southend.inspection_date, southend.published_date) == (
        "E06000033", "focused_visit", D(2022, 9, 14), None)  # "Southend on Sea" found despite the hyphens


def test_merge_keeps_one_row_per_inspection_newest_file_first(official_dir, codes):
    books = [read_workbook(official_dir / name, codes) for name in (UNDERLYING, OUTCOMES)]
    merged = merge(books)
    ilacs = [r for r in merged if r.gss_code == "E06000002" and r.framework == "ilacs"
             and r.inspection_type == "full_inspection"]
    assert len(ilacs) == 1
    assert (ilacs[0].source_file, ilacs[0].source_row, ilacs[0].grades["overall_effectiveness"],
            ilacs[0].inspection_date) == (OUTCOMES, 4, "inadequate", D(2019, 11, 25))
    assert len(merged) == 4 + 10 - 1


# --- wording: compared after the project's one typographic folding (ofsted_dataset.text) ------------


@pytest.mark.parametrize(("cell", "grade"), [
    ("Requires improvement to be good", "requires_improvement"),
    ("  REQUIRES\u00a0improvement ", "requires_improvement"),  # case, no-break space, padding
    ("Adequate", "adequate"),
    ("-", None), ("\u2013", None), ("\u2014", None),  # any dash is no grade
    ("Not judged", None), ("", None),
])
def test_grade_cells_are_folded_before_they_are_recognised(cell, grade):
    assert grade_of(cell) == grade


def test_an_unknown_grade_is_an_error_naming_the_cell():
    with pytest.raises(ValueError) as raised:
        grade_of(" Satisfactory ")
    assert str(raised.value) == "unknown grade 'Satisfactory'"


@pytest.mark.parametrize(("cell", "expected"), [
    (D(2017, 2, 13), D(2017, 2, 13)), ("13/02/2017", D(2017, 2, 13)), ("2017-02-13", D(2017, 2, 13)),
    ("13 February 2017", D(2017, 2, 13)), ("", None), ("\u2013", None), ("N/A", None),
])
def test_date_cells(cell, expected):
    assert date_of(cell) == expected


def test_a_cell_that_is_no_date_is_an_error():
    with pytest.raises(ValueError) as raised:
        date_of("soon")
    assert str(raised.value) == "not a date: 'soon'"


@pytest.mark.parametrize(("heading", "area"), [
    ("LSCB Overall Effectiveness ", "safeguarding_board"),
    ("SLAC Safeguarding Overall effectiveness (OE)", "help_and_protection"),
    ("First ILACS framework experiences and progress of children in care and care leavers", "children_in_care"),
    (" First SIF CLA Sub: Experiences and progress of care leavers", "care_leavers"),
    ("The impact of leaders on social work practice", "leadership"),
    ("CPI Overall Effectiveness (OE)", "overall_effectiveness"),
    ("Children\u2019s services overall\u00a0effectiveness", "overall_effectiveness"),
    ("Publication date", None), ("Visit Theme", None), ("Local authority name", None),
])
def test_grade_column_headings_name_their_area(heading, area):
    assert area_of(heading) == area


def test_frameworks_and_types_from_official_wording():
    assert [framework_of(h) for h in ("Safeguarding & Looked After Children (SLAC) Inspection publication date",
                                      "Child Protection Re-Inspection (CPRI) publication date",
                                      "Single Inspection of LA Children\u2019s Services (SIF)",
                                      "First ILACS framework publication date",
                                      "Targeted Looked After Children (TLAC) inspection publication date")] == [
        "slac", "cpi", "sif", "ilacs", ""]
    assert type_of("ILACS Focused Visit", None) == ("focused_visit", "ilacs")
    assert type_of("LA Monitoring visit", D(2016, 5, 1)) == ("monitoring_visit", "sif")
    assert type_of("LA Monitoring visit", D(2018, 5, 1)) == ("monitoring_visit", "ilacs")
    assert type_of("ILACS Short Inspection", None) == ("full_inspection", "ilacs")
    assert type_of("Inspection", D(2017, 1, 1)) == ("full_inspection", "")
    with pytest.raises(ValueError) as raised:
        type_of("Review", None)
    assert str(raised.value) == "unknown inspection type 'Review'"
