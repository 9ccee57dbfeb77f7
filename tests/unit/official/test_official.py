"""Checks against Ofsted's official record: reading the ODS files, the snapshot, and official_checks.

The suite writes its own small ODS files in the layout of the real ones (title and note rows above
each table, two tables in one sheet, a cover sheet with "Published on:", names without codes in the
2023 file, codes in the 2025 file); it never reads the real spreadsheets.
"""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
import pytest

from ofsted_dataset.build.arrow_tables import to_arrow
from ofsted_dataset.build.reference import REFERENCE_DIR, Register
from ofsted_dataset.official.checks import NO_EXTRACT, check_against_official
from ofsted_dataset.official.read import CouncilCodes, merge, read_workbook
from ofsted_dataset.official.snapshot import DEFAULT_SOURCES, SOURCES_ENV, snapshot, sources_from_env
from schemas.pandera_schemas import dataframe_schema
from schemas.tables import TABLES
from schemas.vocabularies import FACT_TABLE_NAMES
from tests.helpers import PROJECT

OUTCOMES = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
UNDERLYING = "Childrens_social_care_in_England_2023_underlying_data.ods"
RI = "Requires improvement to be good"
D = date

# --- writing ODS files ----------------------------------------------------------------------------

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
             'manifest:version="1.2">'
             '<manifest:file-entry manifest:full-path="/" '
             'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')


REGISTER = Register.load(PROJECT)


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A minimal ODS: a zip of mimetype (first, stored), content.xml and META-INF/manifest.xml."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(_cell(c) for c in (row or [""])) + "</table:table-row>"
                  for row in rows)
        + "</table:table>"
        for name, rows in sheets.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2">'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
               "</office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


ILACS_GRADES = ["Overall effectiveness", "The impact of leaders on social work practice with children and families",
                "The experiences and progress of children who need help and protection",
                "The experiences and progress of children in care", "The experiences and progress of care leavers"]


def write_outcomes(path: Path) -> Path:
    """The 2025 "inspection outcomes as at 31 March" file: GSS codes, long tables."""
    note = "This worksheet contains one table with no blank rows or columns. This table begins in cell A3."
    return write_ods(path, {
        "Cover": [["Local authority inspection outcomes as at 31 March 2025", ""],
                  ["Published on:", D(2025, 9, 25)]],
        "Inspections_as_at_31_March": [
            ["Local authority inspection judgements as at 31 March 2025"], [note],
            ["Web link", "Local authority area code", "Local authority name", "Ofsted region", "Inspection date",
             "Publication date", *ILACS_GRADES],
            ["Ofsted Local Authority Webpage", "E06000002", "Middlesbrough", "North East", D(2023, 3, 13),
             D(2023, 5, 25), RI, RI, RI, RI, RI]],
        "In-year_inspections": [
            ["Local authority in-year inspection activity 2024-25"], [note],
            ["Web link", "Local authority area code", "Local authority name", "Region", "Inspection/Visit date",
             "Publication date", "Inspection/Visit type", *ILACS_GRADES, "Visit Theme"],
            ["Ofsted Local Authority Webpage", "E08000019", "Sheffield", "Yorkshire", D(2024, 10, 1),
             D(2024, 11, 5), "ILACS Focused Visit", "", "", "", "", "", "Children in care"],
            ["Ofsted Local Authority Webpage", "E06000002", "Middlesbrough", "North East", D(2024, 6, 10),
             D(2024, 7, 20), "LA Monitoring visit", "", "", "", "", "", "Care leavers"]],
        "ILACS_inspection_history": [
            ["ILACS inspection history from 2018-2025"], [note],
            ["Web link", "Local authority area code", "Local authority name", "Local authority status",
             "Ofsted region", "Inspection date", "Publication date", "Inspection type", *ILACS_GRADES],
            ["Ofsted Local Authority Webpage", "E06000002", "Middlesbrough", "Current", "North East",
             D(2019, 11, 25), D(2020, 1, 24), "ILACS Standard Inspection", "Inadequate", "Inadequate",
             "Inadequate", "Inadequate", ""],
            [], [],
            ["Local authority area code", "Local authority name", "Local authority status", "Ofsted region",
             "Inspection date", "Publication date", "Inspection type", *ILACS_GRADES[:4]],
            ["E06000028", "Bournemouth", "No longer exists", "South West", D(2018, 7, 16), D(2018, 8, 24),
             "ILACS Standard Inspection", RI, "Inadequate", RI, RI]],
    })


WIDE_HEADER = [
    "Web link", "Local authority name", "LA region", "LA Authority Type",
    "Safeguarding & Looked After Children (SLAC) Inspection publication date",
    "SLAC Safeguarding Overall effectiveness (OE)", "SLAC Looked After Children Overall Effectiveness (OE)",
    "Child Protection Inspections (CPI) publication date", "CPI Overall Effectiveness (OE)",
    "Single Inspection of LA Children's Services (SIF)  First SIF publication date",
    " First SIF Overall Judgement\n(OE)",
    " First SIF children who need help and protection ", " First SIF children looked after and achieving permanence ",
    " First SIF CLA Sub: Adoption Performance", " First SIF CLA Sub: Experiences and progress of care leavers",
    " First SIF leadership, management and governance", "LSCB Overall Effectiveness ",
    "First ILACS framework inspection type", "First ILACS framework publication date",
    "First ILACS framework overall effectiveness", "First ILACS framework impact of leaders",
    "First ILACS framework experiences and progress of children who need help and protection",
    "First ILACS framework experiences and progress of children in care and care leavers",
]
_NO_SLAC, _NO_CPI, _NO_SIF, _NO_ILACS = ["", "", ""], ["", ""], [""] * 8, [""] * 6
_WEB = "Ofsted Local Authority Webpage"


def write_underlying(path: Path) -> Path:
    """The 2023 "children's social care data" file: names only, a wide table of two tables."""
    return write_ods(path, {
        "Cover": [["Cover sheet - Official statistics", ""], ["Published on:", D(2023, 7, 6)]],
        "LA_level_at_31_Mar_2023": [
            ["Children's social care data in England 2023 - LA level at 31 March 2023"],
            ["This worksheet contains one table."], [],
            ["Web link", "Local authority name", "Ofsted region", "Inspection date", "Overall effectiveness"],
            [_WEB, "Middlesbrough", "North East", D(2019, 11, 25), "Inadequate"]],
        "LA_inspections_2009-2023": [
            ["Children's social care data in England 2023 - LA inspections 2009-2023"],
            ["This worksheet contains two tables. The first table begins in cell A5, the second in cell A12."],
            ["Column A includes a link to the Local Authority Webpage for each local authority."],
            ["Some cells in this table are empty because data was not provided to Ofsted. "],
            WIDE_HEADER,
            [_WEB, "Gloucestershire", "South West", "Shire County", D(2011, 1, 24), "Inadequate", RI, *_NO_CPI,
             D(2017, 6, 13), "Inadequate", "Inadequate", RI, "Good", RI, "Inadequate", RI, *_NO_ILACS],
            [_WEB, "South Gloucestershire", "South West", "Unitary", *_NO_SLAC, D(2012, 8, 10), RI,
             D(2017, 2, 13), "Inadequate", "Inadequate", RI, "Good", RI, "Inadequate", "Inadequate", *_NO_ILACS],
            [_WEB, "Middlesbrough", "North East", "Unitary", *_NO_SLAC, *_NO_CPI,
             D(2016, 2, 19), RI, RI, RI, "Good", "Good", RI, RI,
             "ILACS Standard Inspection", D(2020, 1, 24), "Good", "Good", "Good", "Good"],
            [], [],
            ["Table 11:History of inspections of local authorities that existed before the restructure"],
            WIDE_HEADER,
            [_WEB, "Dorset", "South West", "Shire County", D(2011, 10, 28), "Good", "Good", *_NO_CPI,
             D(2016, 5, 23), RI, RI, RI, "Good", RI, RI, "Inadequate", *_NO_ILACS],
            [_WEB, "Poole", "South West", "Unitary", *_NO_SLAC, *_NO_CPI,
             D(2017, 11, 24), RI, RI, RI, "Good", "Good", RI, " -", *_NO_ILACS]],
        "LA_level_in_year_2022-23": [
            ["Children's social care data in England 2023 - LA level in year 2022-23"],
            ["This worksheet contains one table with no blank rows or columns. This table begins in cell A3."],
            ["Web link", "Local authority name", "Ofsted region", "Inspection/Visit date", "Inspection/Visit type",
             "Overall effectiveness", "Impact of leaders", "Visit Theme"],
            [_WEB, "Southend on Sea", "East of England", D(2022, 9, 14), "ILACS Focused Visit", "", "",
             "Care leavers"]],
    })


@pytest.fixture
def official_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "official"
    folder.mkdir()
    write_outcomes(folder / OUTCOMES)
    write_underlying(folder / UNDERLYING)
    return folder


@pytest.fixture(scope="module")
def codes() -> CouncilCodes:
    return CouncilCodes(Register.load(PROJECT))


# --- reading --------------------------------------------------------------------------------------


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
    rows = [r.as_row() for r in read_workbook(official_dir / OUTCOMES, codes).inspections]
    assert [(r["gss_code"], r["framework"], r["inspection_type"], r["official_type"], r["inspection_date"],
             r["published_date"], r["source_sheet"], r["source_row"]) for r in rows] == [
        ("E08000019", "ilacs", "focused_visit", "ILACS Focused Visit", "2024-10-01", "2024-11-05",
         "In-year_inspections", "4"),
        ("E06000002", "ilacs", "monitoring_visit", "LA Monitoring visit", "2024-06-10", "2024-07-20",
         "In-year_inspections", "5"),
        ("E06000002", "ilacs", "full_inspection", "ILACS Standard Inspection", "2019-11-25", "2020-01-24",
         "ILACS_inspection_history", "4"),
        ("E06000028", "ilacs", "full_inspection", "ILACS Standard Inspection", "2018-07-16", "2018-08-24",
         "ILACS_inspection_history", "8"),
    ]
    bournemouth = rows[3]
    assert {k: bournemouth[k] for k in ("overall_effectiveness", "leadership", "help_and_protection",
                                        "children_in_care", "care_leavers")} == {
        "overall_effectiveness": "requires_improvement", "leadership": "inadequate",
        "help_and_protection": "requires_improvement", "children_in_care": "requires_improvement",
        "care_leavers": ""}


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


# --- snapshot -------------------------------------------------------------------------------------


def _sources(folder: Path) -> dict[str, str]:
    return {name: (folder / name).as_uri() for name in (OUTCOMES, UNDERLYING)}


def test_snapshot_from_file_urls_writes_staged_files_extract_and_metadata(tmp_path, official_dir):
    root = tmp_path / "project"
    result = snapshot(root, _sources(official_dir), D(2025, 10, 1), register=REGISTER)
    assert (result.available, result.status, result.inspections, result.problems) == (True, "updated", 13, [])
    assert [(f.name, f.status) for f in result.fetches] == [(UNDERLYING, "downloaded"), (OUTCOMES, "downloaded")]
    for name in (OUTCOMES, UNDERLYING):
        assert (root / "staged/official" / name).read_bytes() == (official_dir / name).read_bytes()
    staged = json.loads((root / "staged/official/snapshot.json").read_text(encoding="utf-8"))
    outcomes_bytes = (official_dir / OUTCOMES).read_bytes()
    assert staged["files"][1] == {
        "name": OUTCOMES, "source_url": (official_dir / OUTCOMES).as_uri(),
        "sha256": hashlib.sha256(outcomes_bytes).hexdigest(), "bytes": len(outcomes_bytes),
        "retrieved": "2025-10-01"}
    meta = json.loads((root / "reference/official/snapshot.json").read_text(encoding="utf-8"))
    assert meta["licence"]["title"] == "Open Government Licence v3.0"
    assert [f["name"] for f in meta["files"]] == [UNDERLYING, OUTCOMES]
    assert meta["files"][1]["release_page"] == DEFAULT_SOURCES[OUTCOMES]
    extract = (root / "reference/official/outcomes.csv").read_bytes()
    assert meta["extract"] == {"path": "outcomes.csv", "rows": 13, "bytes": len(extract),
                               "sha256": hashlib.sha256(extract).hexdigest()}
    with (root / "reference/official/outcomes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["gss_code"], r["framework"], r["inspection_type"], r["published_date"] or r["inspection_date"])
            for r in rows] == [
        ("E06000002", "sif", "full_inspection", "2016-02-19"),
        ("E06000002", "ilacs", "full_inspection", "2020-01-24"),
        ("E06000002", "ilacs", "monitoring_visit", "2024-07-20"),
        ("E06000025", "cpi", "full_inspection", "2012-08-10"),
        ("E06000025", "sif", "full_inspection", "2017-02-13"),
        ("E06000028", "ilacs", "full_inspection", "2018-08-24"),
        ("E06000029", "sif", "full_inspection", "2017-11-24"),
        ("E06000033", "ilacs", "focused_visit", "2022-09-14"),
        ("E08000019", "ilacs", "focused_visit", "2024-11-05"),
        ("E10000009", "slac", "full_inspection", "2011-10-28"),
        ("E10000009", "sif", "full_inspection", "2016-05-23"),
        ("E10000013", "slac", "full_inspection", "2011-01-24"),
        ("E10000013", "sif", "full_inspection", "2017-06-13"),
    ]
    assert rows[3] == {
        "gss_code": "E06000025", "la_name": "South Gloucestershire", "framework": "cpi",
        "inspection_type": "full_inspection", "official_type": "Child Protection Inspections (CPI)",
        "inspection_date": "", "published_date": "2012-08-10", "overall_effectiveness": "requires_improvement",
        "help_and_protection": "", "children_in_care": "", "adoption": "", "care_leavers": "", "leadership": "",
        "safeguarding_board": "", "source_file": UNDERLYING, "source_sheet": "LA_inspections_2009-2023",
        "source_row": "7"}

    again = snapshot(root, _sources(official_dir), D(2025, 11, 1), register=REGISTER)  # same bytes: nothing changes
    assert (again.status, [f.status for f in again.fetches]) == ("unchanged", ["unchanged", "unchanged"])
    assert (root / "reference/official/outcomes.csv").read_bytes() == extract
    assert json.loads((root / "staged/official/snapshot.json").read_text(encoding="utf-8")) == staged


def test_snapshot_with_unreachable_sources_and_no_previous_snapshot_is_not_available(tmp_path):
    root = tmp_path / "project"
    sources = {OUTCOMES: "http://127.0.0.1:9/outcomes.ods", UNDERLYING: (tmp_path / "missing.ods").as_uri()}
    result = snapshot(root, sources, D(2025, 10, 1), timeout=2, register=REGISTER)
    assert (result.available, result.extract, result.status, result.inspections) == (False, None, "not available", 0)
    assert [(f.name, f.status) for f in result.fetches] == [(UNDERLYING, "failed"), (OUTCOMES, "failed")]
    assert "FileNotFoundError" in result.fetches[0].message
    assert not (root / "reference/official").exists()


def test_snapshot_that_cannot_download_keeps_what_is_staged(tmp_path, official_dir):
    root = tmp_path / "project"
    snapshot(root, _sources(official_dir), D(2025, 10, 1), register=REGISTER)
    result = snapshot(root, {OUTCOMES: "http://127.0.0.1:9/x.ods"}, D(2025, 11, 1), timeout=2, register=REGISTER)
    assert (result.available, result.status, result.inspections) == (True, "unchanged", 13)
    assert [f["retrieved"] for f in result.files] == ["2025-10-01", "2025-10-01"]


def test_snapshot_rejects_a_file_that_is_not_a_spreadsheet(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><a href="other.ods">other</a></html>', encoding="utf-8")
    result = snapshot(tmp_path / "project", {OUTCOMES: page.as_uri()}, D(2025, 10, 1), register=REGISTER)
    assert result.fetches[0].status == "failed"
    assert result.fetches[0].message == f"ValueError: the page links to no file named {OUTCOMES}"


def test_snapshot_follows_a_release_page_link_to_the_named_file(tmp_path, official_dir):
    page = official_dir / "release.html"
    page.write_text(f'<html><a class="x" href="{OUTCOMES}">Data</a></html>', encoding="utf-8")
    result = snapshot(tmp_path / "project", {OUTCOMES: page.as_uri()}, D(2025, 10, 1), register=REGISTER)
    assert [(f.status, result.inspections) for f in result.fetches] == [("downloaded", 4)]


def test_sources_from_env():
    assert sources_from_env({}) == DEFAULT_SOURCES
    assert sources_from_env({SOURCES_ENV: "a.ods=file:///x/a.ods; b.ods=https://example.org/b.ods"}) == {
        "a.ods": "file:///x/a.ods", "b.ods": "https://example.org/b.ods"}
    with pytest.raises(ValueError, match=SOURCES_ENV):
        sources_from_env({SOURCES_ENV: "no-equals-sign"})


# --- checks ---------------------------------------------------------------------------------------


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


@pytest.fixture
def extract(tmp_path, official_dir) -> Path:
    return snapshot(tmp_path / "project", _sources(official_dir), D(2025, 10, 1), register=REGISTER).extract


def _src(file: str, sheet: str, row: int) -> str:
    return f"{file}, {sheet}, row {row}"


WIDE = "LA_inspections_2009-2023"
GLOS = _src(UNDERLYING, WIDE, 6)
SGLOS = _src(UNDERLYING, WIDE, 7)
MIDDLESBROUGH_ILACS = _src(OUTCOMES, "ILACS_inspection_history", 4)
DORSET = _src(UNDERLYING, WIDE, 13)
RECODED_NOTE = ("Ofsted's official statistics record the pre-2013 grade 'adequate' as 'requires improvement to be "
                "good'; counted as agreement.")
ABSENT = "The inspection is not in the official record (see its inspection_type row)."


def _row(table, record, field, news, official, status, source=None, note=None):
    return {"table_name": table, "record_id": record, "field": field, "news_value": news,
            "official_value": official, "status": status, "official_source": source, "note": note}


def test_checks_give_every_status_with_exact_rows(extract):
    rows = check_against_official(_tables(), extract, REGISTER).to_pylist()
    assert rows == [
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


def test_without_an_extract_every_check_is_not_checked(tmp_path):
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
    assert check_against_official(tables, None, REGISTER).to_pylist() == expected
    assert check_against_official(tables, tmp_path / "missing.csv", REGISTER).to_pylist() == expected


@pytest.mark.parametrize(("published", "status"), [
    ((D(2017, 1, 1), "year"), "confirmed"),
    ((D(2017, 6, 1), "month"), "confirmed"),
    ((D(2017, 6, 13), "day"), "confirmed"),
    ((D(2017, 6, 14), "day"), "conflict"),  # same inspection (within the window), another day
    ((D(2017, 7, 1), "month"), "conflict"),
])
def test_publication_date_is_compared_to_its_precision(extract, published, status):
    inspection = _inspection("gloucestershire-2017-full-inspection", "Gloucestershire", "E10000013",
                             "full_inspection", "sif", published=published, grade="inadequate")
    rows = check_against_official(_tables([inspection], []), extract, REGISTER).to_pylist()
    assert [(r["field"], r["status"], r["official_value"]) for r in rows] == [
        ("inspection_type", "confirmed", "Single Inspection of LA Children's Services (SIF) First SIF"),
        ("overall_grade", "confirmed", "inadequate"),
        ("published_date", status, "2017-06-13"),
    ]


def test_a_slac_inspection_has_no_overall_grade_and_ambiguity_is_noted(extract):
    inspection = _inspection("gloucestershire-2010-full-inspection", "Gloucestershire", "E10000013",
                             "full_inspection", None, (D(2010, 1, 1), None, "year"), (D(2011, 1, 1), "year"),
                             "inadequate")
    rows = check_against_official(_tables([inspection], []), extract, REGISTER).to_pylist()
    assert [(r["field"], r["status"], r["official_value"], r["note"]) for r in rows] == [
        ("inspection_type", "confirmed", "Safeguarding & Looked After Children (SLAC) Inspection", None),
        ("overall_grade", "not_in_official_record", None,
         "SLAC inspections have no single overall grade in the official record: safeguarding services inadequate, "
         "services for looked after children requires_improvement."),
        ("published_date", "confirmed", "2011-01-24", None),
    ]


def test_adequate_is_not_excused_for_a_framework_that_never_graded_it(extract):
    inspection = _inspection("gloucestershire-2017-full-inspection", "Gloucestershire", "E10000013",
                             "full_inspection", "sif", published=(D(2017, 6, 1), "month"), grade="adequate")
    rows = check_against_official(_tables([inspection], []), extract, REGISTER).to_pylist()
    assert [(r["field"], r["status"]) for r in rows][1] == ("overall_grade", "conflict")


def test_official_checks_rows_satisfy_the_table_schema(extract):
    table = check_against_official(_tables(), extract, REGISTER)
    assert table.schema.names == TABLES["official_checks"].field_names
    dataframe_schema(TABLES["official_checks"]).validate(table.to_pandas(types_mapper=pd.ArrowDtype))


def test_official_checks_is_defined_after_provenance_and_provenance_backs_only_fact_tables():
    assert list(TABLES)[-2:] == ["provenance", "official_checks"]
    assert TABLES["official_checks"].primary_key == ("table_name", "record_id", "field")
    assert TABLES["provenance"].field("table_name").enum == FACT_TABLE_NAMES == (
        "sources", "inspections", "judgements", "recommendations", "funding_commitments")
    assert TABLES["official_checks"].field("status").enum == (
        "confirmed", "conflict", "not_in_official_record", "not_checked")


def test_committed_extract_matches_its_metadata():
    folder = PROJECT / REFERENCE_DIR / "official"
    meta = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
    data = (folder / "outcomes.csv").read_bytes()
    assert meta["extract"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["extract"]["bytes"] == len(data) < 2_000_000
    assert meta["extract"]["rows"] == data.count(b"\n") - 1
    assert meta["licence"]["title"] == "Open Government Licence v3.0"
