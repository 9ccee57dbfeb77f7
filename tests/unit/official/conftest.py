"""Fixtures for the official-record tests: small ODS files in the layout of the real ones.

The suite writes its own spreadsheets (title and note rows above each table, two tables in one sheet,
a cover sheet with "Published on:", names without codes in the 2023 file, codes in the 2025 file); it
never reads the real ones. Tests get them, and the snapshot and extract made from them, as fixtures.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from ofsted_dataset.facts.reference import Register
from ofsted_dataset.official.councils import CouncilCodes
from ofsted_dataset.official.snapshot import snapshot
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


@pytest.fixture(scope="session")
def register() -> Register:
    return Register.load(PROJECT)


@pytest.fixture(scope="session")
def codes(register: Register) -> CouncilCodes:
    return CouncilCodes(register)


@pytest.fixture
def official_dir(tmp_path: Path) -> Path:
    """Both official files, as a snapshot finds them at their sources."""
    folder = tmp_path / "official"
    folder.mkdir()
    write_outcomes(folder / OUTCOMES)
    write_underlying(folder / UNDERLYING)
    return folder


@pytest.fixture
def official_sources(official_dir: Path) -> dict[str, str]:
    """The snapshot's sources: each file name with the file:// URL of its copy in official_dir."""
    return {name: (official_dir / name).as_uri() for name in (OUTCOMES, UNDERLYING)}


@pytest.fixture
def extract(tmp_path: Path, official_sources: dict[str, str], register: Register) -> Path:
    """The extract a snapshot of both files writes (13 inspections)."""
    path = snapshot(tmp_path / "project", official_sources, D(2025, 10, 1), register=register).extract
    assert path is not None
    return path
