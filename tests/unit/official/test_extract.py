"""The official extract's one definition (schemas/official_extract.py), the committed file held to it,
and the writer and reader generated from it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date

import pytest

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.official.extract import COLUMNS, csv_text, read_extract
from ofsted_dataset.official.records import OfficialInspection
from ofsted_dataset.official.snapshot import EXTRACT_DIR, EXTRACT_NAME, extract_path
from schemas.model import Origin
from schemas.official_extract import OFFICIAL_OUTCOMES
from schemas.vocabularies import AREAS, FRAMEWORKS, GRADES, INSPECTION_TYPES
from tests.helpers import SEED_CORPUS

# The extract as the tests own it (a refresh of the project's own extract must not change these tests).
COMMITTED = SEED_CORPUS / "reference" / "official" / "outcomes.csv"
HEADER = ("gss_code,la_name,framework,inspection_type,official_type,inspection_date,published_date,"
          "overall_effectiveness,help_and_protection,children_in_care,adoption,care_leavers,leadership,"
          "safeguarding_board,source_file,source_sheet,source_row")


# --- the definition ---------------------------------------------------------------------------------


def test_the_definition_lists_the_columns_in_the_order_they_are_written():
    assert OFFICIAL_OUTCOMES.name == "official_outcomes"
    assert ",".join(COLUMNS) == ",".join(OFFICIAL_OUTCOMES.field_names) == HEADER
    assert {f.origin for f in OFFICIAL_OUTCOMES.fields} == {Origin.SOURCE}
    assert [(f.name, f.type) for f in OFFICIAL_OUTCOMES.fields if f.type != "string"] == [
        ("inspection_date", "date"), ("published_date", "date"), ("source_row", "integer")]
    assert [f.name for f in OFFICIAL_OUTCOMES.fields if f.required] == [
        "la_name", "inspection_type", "official_type", "source_file", "source_sheet", "source_row"]
    assert all(f.description for f in OFFICIAL_OUTCOMES.fields)


def test_vocabulary_columns_take_their_enum_from_the_vocabularies():
    enums = {f.name: f.enum for f in OFFICIAL_OUTCOMES.fields if f.enum}
    assert enums == {"framework": tuple(FRAMEWORKS), "inspection_type": tuple(INSPECTION_TYPES),
                     **dict.fromkeys(AREAS, tuple(GRADES))}


def test_the_extract_lives_where_the_definition_says():
    assert OFFICIAL_OUTCOMES.location == "reference/official/outcomes.csv"
    assert (EXTRACT_DIR / EXTRACT_NAME).as_posix() == OFFICIAL_OUTCOMES.location
    assert extract_path(SEED_CORPUS) == COMMITTED


# --- the committed extract ---------------------------------------------------------------------------


def test_committed_header_equals_the_definition():
    assert COMMITTED.read_text(encoding="utf-8").splitlines()[0] == HEADER


@pytest.fixture(scope="module")
def committed() -> list[dict[str, object]]:
    """Every row of the committed extract, typed by the definition (which raises on any value that does
    not parse by its type, falls outside its enum or pattern, or is missing where required)."""
    return read_extract(COMMITTED)


def test_every_committed_value_parses_by_its_type(committed):
    assert len(committed) == 785
    present = {name: sum(row[name] is not None for row in committed) for name in COLUMNS}
    assert present == {
        "gss_code": 785, "la_name": 785, "framework": 780, "inspection_type": 785, "official_type": 785,
        "inspection_date": 392, "published_date": 724, "overall_effectiveness": 502, "help_and_protection": 607,
        "children_in_care": 598, "adoption": 171, "care_leavers": 275, "leadership": 446, "safeguarding_board": 152,
        "source_file": 785, "source_sheet": 785, "source_row": 785}
    assert all(isinstance(r[n], date) for r in committed for n in ("inspection_date", "published_date") if r[n])
    assert all(isinstance(r["source_row"], int) for r in committed)
    for name, first, last in (("published_date", date(2009, 8, 7), date(2025, 5, 14)),
                              ("inspection_date", date(2018, 1, 29), date(2025, 3, 26))):
        days = [r[name] for r in committed if r[name]]
        assert (min(days), max(days)) == (first, last)
    assert (min(r["source_row"] for r in committed), max(r["source_row"] for r in committed)) == (4, 273)


def test_every_committed_vocabulary_value_is_in_its_enum(committed):
    assert Counter(r["framework"] for r in committed) == {"ilacs": 393, "sif": 173, "slac": 163, "cpi": 51, None: 5}
    assert Counter(r["inspection_type"] for r in committed) == {
        "full_inspection": 665, "focused_visit": 72, "monitoring_visit": 48}
    grades = {area: Counter(r[area] for r in committed if r[area]) for area in AREAS}
    assert grades == {
        "overall_effectiveness": {"good": 165, "requires_improvement": 181, "inadequate": 98, "outstanding": 58},
        "help_and_protection": {"good": 211, "requires_improvement": 267, "inadequate": 91, "outstanding": 38},
        "children_in_care": {"good": 260, "requires_improvement": 239, "inadequate": 41, "outstanding": 58},
        "adoption": {"good": 91, "requires_improvement": 53, "inadequate": 10, "outstanding": 17},
        "care_leavers": {"good": 107, "requires_improvement": 107, "inadequate": 24, "outstanding": 37},
        "leadership": {"good": 154, "requires_improvement": 143, "inadequate": 66, "outstanding": 83},
        "safeguarding_board": {"good": 53, "requires_improvement": 67, "inadequate": 25, "outstanding": 7},
    }


def test_committed_rows_are_unique_by_the_primary_key(committed):
    keys = Counter(tuple(r[k] for k in OFFICIAL_OUTCOMES.primary_key) for r in committed)
    assert len(keys) == len(committed) == 785


def test_writing_the_typed_rows_again_gives_the_committed_bytes(committed):
    assert csv_text(committed).encode("utf-8") == COMMITTED.read_bytes()


def test_committed_extract_matches_its_metadata():
    meta = json.loads((COMMITTED.parent / "snapshot.json").read_text(encoding="utf-8"))
    data = COMMITTED.read_bytes()
    assert meta["extract"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["extract"]["bytes"] == len(data) < 2_000_000
    assert meta["extract"]["rows"] == data.count(b"\n") - 1
    assert meta["licence"]["title"] == "Open Government Licence v3.0"


# --- writing and reading ------------------------------------------------------------------------------


INSPECTION = OfficialInspection(
    "E06000025", "South Gloucestershire", "sif", "full_inspection",
    "Single Inspection of LA Children's Services (SIF) First SIF, re-inspection", None, date(2017, 2, 13),
    {"overall_effectiveness": "inadequate", "adoption": "good"},
    "Childrens_social_care_in_England_2023_underlying_data.ods", "LA_inspections_2009-2023", 7)


def test_a_record_is_written_by_its_field_types_and_read_back_equal(tmp_path):
    text = csv_text([INSPECTION.row()])
    assert text == (
        f"{HEADER}\n"
        'E06000025,South Gloucestershire,sif,full_inspection,"Single Inspection of LA Children\'s Services (SIF) '
        'First SIF, re-inspection",,2017-02-13,inadequate,,,good,,,,'
        "Childrens_social_care_in_England_2023_underlying_data.ods,LA_inspections_2009-2023,7\n")
    path = tmp_path / "outcomes.csv"
    path.write_text(text, encoding="utf-8")
    assert read_extract(path) == [INSPECTION.row()]


def test_a_row_unlike_the_definition_is_not_written():
    with pytest.raises(KeyError) as missing:
        csv_text([{k: v for k, v in INSPECTION.row().items() if k != "adoption"}])
    assert missing.value.args[0] == "a row of official_outcomes has columns ['adoption'] unlike its definition"
    with pytest.raises(TypeError) as mistyped:
        csv_text([{**INSPECTION.row(), "published_date": "13/02/2017"}])
    assert str(mistyped.value) == "official_outcomes.published_date is a date, not '13/02/2017'"


def test_an_extract_with_other_columns_is_refused(tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text("gss_code,la_name\nE06000025,South Gloucestershire\n", encoding="utf-8")
    with pytest.raises(PipelineError) as raised:
        read_extract(path)
    assert (raised.value.summary, raised.value.details) == (
        "outcomes.csv: unexpected columns", [f"expected {HEADER}", "found gss_code,la_name"])


def test_every_bad_value_is_reported_with_its_line_and_column(tmp_path):
    good = csv_text([INSPECTION.row()]).splitlines()[1]
    bad = (good.replace("E06000025", "S12000033").replace(",sif,", ",tlac,").replace("2017-02-13", "13/02/2017")
           .replace(",good,", ",Good,").replace(",7", ",seven"))
    path = tmp_path / "outcomes.csv"
    path.write_text(f"{HEADER}\n{good}\n{bad}\n", encoding="utf-8")
    with pytest.raises(PipelineError) as raised:
        read_extract(path)
    assert raised.value.summary == "outcomes.csv: 5 problem(s); fix the file and run again"
    assert raised.value.details == [
        "line 3 gss_code: expected a value matching ^E(06|08|09|10)[0-9]{6}$, found 'S12000033'",
        "line 3 framework: expected one of jar, slac, cpi, sif, ilacs, jtai, found 'tlac'",
        "line 3 published_date: expected a date written YYYY-MM-DD, found '13/02/2017'",
        "line 3 adoption: expected one of outstanding, good, requires_improvement, adequate, inadequate, "
        "found 'Good'",
        "line 3 source_row: expected a whole number, found 'seven'",
    ]
