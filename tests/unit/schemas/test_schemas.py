"""The data contract: pandera rejects bad rows with a message naming them, and every generated
artefact (datapackage.json, the data dictionary) is what the schemas say."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from frictionless import Package

from ofsted_dataset.errors import ValidationError
from ofsted_dataset.facts import validate as validate_module
from ofsted_dataset.facts.validate import validate_tables
from ofsted_dataset.release.publish import _top_level_descriptor
from schemas.datapackage import package_descriptor, table_schema
from schemas.dictionary import render_dictionary
from schemas.key_rules import key_rules
from schemas.pandera_schemas import dataframe_schema
from schemas.tables import TABLES
from tests.helpers import PROJECT


def with_value(table: pa.Table, column: str, row: int, value: object) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    index = table.schema.get_field_index(column)
    return table.set_column(index, table.schema.field(column), pa.array(values, type=table.schema.field(column).type))


def failures(seed_build, **changed: pa.Table) -> list[str]:
    ingested, applied = seed_build
    tables = {**applied.tables, **changed}
    with pytest.raises(ValidationError) as caught:
        validate_tables(tables, {k: a.text for k, a in ingested.articles.items()})
    assert caught.value.summary.endswith("validation failure(s); nothing was published.")
    return caught.value.details


def test_seed_tables_pass(seed_build):
    ingested, applied = seed_build
    counts = validate_tables(applied.tables, {k: a.text for k, a in ingested.articles.items()})
    assert counts == {"sources": 5, "inspections": 10, "judgements": 17, "recommendations": 8,
                      "funding_commitments": 2, "grade_counts": 0, "provenance": 155, "official_checks": 41,
                      "inspections_flat": 10}


@pytest.mark.parametrize("beside_rows", [validate_module.CHECKED_BESIDE_ROWS, 0])
def test_unknown_grade_is_shown_with_its_row(seed_build, monkeypatch, beside_rows):
    """The same lines, in the same order, whether the rules across rows run beside pandera or after it (tables
    of more than CHECKED_BESIDE_ROWS rows in all)."""
    monkeypatch.setattr(validate_module, "CHECKED_BESIDE_ROWS", beside_rows)
    inspections = with_value(seed_build[1].tables["inspections"], "overall_grade", 0, "rubbish")
    assert failures(seed_build, inspections=inspections) == [
        "inspections (inspection_id=birmingham-2008-full-inspection): expected overall_grade equals the "
        "overall_effectiveness judgement",
        "inspections (inspection_id=birmingham-2008-full-inspection) column overall_grade: expected one of "
        "outstanding, good, requires_improvement, adequate, inadequate: found 'rubbish'",
    ]


def test_missing_required_value(seed_build):
    inspections = with_value(seed_build[1].tables["inspections"], "la_code", 1, None)
    assert failures(seed_build, inspections=inspections) == [
        "inspections (inspection_id=birmingham-2017-monitoring-visit) column la_code: expected a value: "
        "found null",
    ]


def test_duplicate_key(seed_build):
    judgements = seed_build[1].tables["judgements"]
    doubled = pa.concat_tables([judgements, judgements.slice(0, 1)])
    details = failures(seed_build, judgements=doubled)
    assert [d for d in details if "unique" in d] == [
        "judgements (inspection_id=birmingham-2008-full-inspection, area=overall_effectiveness): expected a unique key",
    ]


def test_foreign_key_must_resolve(seed_build):
    recs = with_value(seed_build[1].tables["recommendations"], "inspection_id", 0, "nowhere-2020-focused-visit")
    assert failures(seed_build, recommendations=recs) == [
        "recommendations (recommendation_id=sheffield-2021-focused-visit-1): expected inspection_id exists in "
        "inspections",
    ]


def row_of(table: pa.Table, key: str, value: str) -> int:
    return table.column(key).to_pylist().index(value)


def test_date_must_be_first_day_of_its_period(seed_build):
    inspections = seed_build[1].tables["inspections"]
    row = row_of(inspections, "inspection_id", "birmingham-2008-full-inspection")
    assert inspections["published_date_precision"][row].as_py() == "year"
    inspections = with_value(inspections, "published_date", row, dt.date(2008, 3, 4))
    assert failures(seed_build, inspections=inspections) == [
        "inspections (inspection_id=birmingham-2008-full-inspection): expected published_date is the first day "
        "of its published_date_precision",
    ]


@pytest.mark.parametrize("date", [dt.date(2008, 3, 1), dt.date(2008, 12, 1), dt.date(2008, 1, 2)])
def test_a_year_is_stored_as_1_january(seed_build, date):
    """The first of another month, or another day of January, is not the first day of the year."""
    inspections = seed_build[1].tables["inspections"]
    row = row_of(inspections, "inspection_id", "birmingham-2008-full-inspection")
    assert failures(seed_build, inspections=with_value(inspections, "published_date", row, date)) == [
        "inspections (inspection_id=birmingham-2008-full-inspection): expected published_date is the first day "
        "of its published_date_precision",
    ]


@pytest.mark.parametrize("date", [dt.date(2017, 6, 2), dt.date(2017, 6, 15), dt.date(2017, 6, 30)])
def test_a_month_is_stored_as_its_first_day(seed_build, date):
    inspections = seed_build[1].tables["inspections"]
    row = row_of(inspections, "inspection_id", "gloucestershire-2017-full-inspection")
    assert (inspections["published_date"][row].as_py(), inspections["published_date_precision"][row].as_py()) == (
        dt.date(2017, 6, 1), "month")
    assert failures(seed_build, inspections=with_value(inspections, "published_date", row, date)) == [
        "inspections (inspection_id=gloucestershire-2017-full-inspection): expected published_date is the first "
        "day of its published_date_precision",
    ]


def test_a_visit_month_is_stored_as_its_first_day(seed_build):
    inspections = seed_build[1].tables["inspections"]
    row = row_of(inspections, "inspection_id", "gloucestershire-2017-full-inspection")
    assert inspections["visit_precision"][row].as_py() == "month"
    assert failures(seed_build, inspections=with_value(inspections, "visit_start", row, dt.date(2017, 2, 15))) == [
        "inspections (inspection_id=gloucestershire-2017-full-inspection): expected visit_start is the first day "
        "of its visit_precision",
    ]


def test_a_date_known_to_the_day_may_be_any_day(seed_build):
    ingested, applied = seed_build
    inspections = applied.tables["inspections"]
    row = row_of(inspections, "inspection_id", "gloucestershire-2017-full-inspection")
    inspections = with_value(inspections, "published_date_precision", row, "day")
    inspections = with_value(inspections, "published_date", row, dt.date(2017, 6, 30))
    counts = validate_tables({**applied.tables, "inspections": inspections},
                             {k: a.text for k, a in ingested.articles.items()})
    assert counts["inspections"] == 10


def test_provenance_quote_must_be_the_raw_span(seed_build):
    prov = with_value(seed_build[1].tables["provenance"], "char_start", 0, 1)
    details = failures(seed_build, provenance=prov)
    assert len(details) == 1
    assert details[0].startswith("provenance (table_name=funding_commitments, record_id=gloucestershire-2017-9-2m, ")
    assert details[0].endswith("expected quote == raw text[char_start:char_end]")


def test_every_curated_value_needs_provenance(seed_build):
    prov = seed_build[1].tables["provenance"]
    keep = [not (t == "funding_commitments" and f == "amount_gbp")
            for t, f in zip(prov.column("table_name").to_pylist(), prov.column("field").to_pylist(), strict=True)]
    assert failures(seed_build, provenance=prov.filter(pa.array(keep))) == [
        "funding_commitments (commitment_id=gloucestershire-2017-9-2m): expected every curated value has a "
        "provenance quote",
        "funding_commitments (commitment_id=south-gloucestershire-2021-10m): expected every curated value has a "
        "provenance quote",
    ]


def test_pandera_schema_is_generated_from_the_table_definition():
    schema = dataframe_schema(TABLES["judgements"])
    assert list(schema.columns) == ["inspection_id", "area", "area_label", "grade"]
    assert schema.unique == ["inspection_id", "area"]
    assert schema.columns["area_label"].nullable and not schema.columns["grade"].nullable


# The releases below are the seed corpus's, built by this code (the seed_release fixture): what the
# schemas generate today must be what a release made today holds. The project's own releases in published/
# were made by the code of their day; tests/integration/test_live_corpus.py checks them for what holds of
# any release (checksums, verify, pointers).


def test_top_level_datapackage_is_generated_and_describes_the_current_release(seed_release):
    release = seed_release / "published" / "current"
    inner = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    files = {}
    for resource in inner["resources"]:
        for described in (resource, resource["parquet"]):
            files[described["path"]] = {"bytes": described["bytes"], "sha256": described["hash"][7:]}
    sources = pq.read_table(release / "data" / "sources.parquet")
    # The release's descriptor is what the schemas generate ...
    assert inner == package_descriptor(inner["version"], inner["created"], sources, files)
    # ... and the top-level one is the same with paths from the project root.
    top = json.loads((seed_release / "datapackage.json").read_text(encoding="utf-8"))
    assert top == _top_level_descriptor(seed_release / "published", inner["version"])
    assert inner["version"] == "1.0.0"
    assert top["resources"][0]["path"] == "published/1.0.0/data/sources.csv"
    assert [r["name"] for r in top["resources"]] == list(TABLES)
    assert top["licenses"][0]["name"] == "CC-BY-4.0"
    assert len(top["sources"]) == 5
    for resource in top["resources"]:
        assert resource["schema"] == table_schema(TABLES[resource["name"]])


@pytest.mark.parametrize("descriptor", ["datapackage.json", "published/current/datapackage.json"])
def test_frictionless_validates_the_package(seed_release, descriptor):
    report = Package(str(seed_release / descriptor)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_data_dictionary_is_generated(seed_release):
    assert (PROJECT / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == render_dictionary()
    assert (seed_release / "published" / "current" / "data-dictionary.md").read_text(encoding="utf-8") == \
        render_dictionary()


def test_provenance_must_point_at_an_existing_record(seed_build):
    prov = with_value(seed_build[1].tables["provenance"], "record_id", 0, "nowhere-2020-full-inspection")
    assert failures(seed_build, provenance=prov) == [
        # The record lost its only amount quote ...
        "funding_commitments (commitment_id=gloucestershire-2017-9-2m): expected every curated value has a "
        "provenance quote",
        # ... and the quote now points nowhere.
        "provenance (table_name=funding_commitments, record_id=nowhere-2020-full-inspection, field=amount_gbp, "
        "source_id=003_6e4606619b08db71, char_start=4762): expected record_id exists in table_name",
    ]


def test_the_rules_across_rows_and_tables_are_generated_from_the_definitions():
    assert [rule.check for rule in key_rules("judgements", list(TABLES))] == [
        "a unique key", "inspection_id exists in inspections", "every curated value has a provenance quote"]
    assert [rule.check for rule in key_rules("provenance", list(TABLES))] == [
        "a unique key", "source_id exists in sources", "record_id exists in table_name"]
    # An older release without a table: no rule about it.
    assert [rule.check for rule in key_rules("judgements", ["judgements", "provenance"])] == [
        "a unique key", "every curated value has a provenance quote"]


class CountedTexts(dict[str, str]):
    """The articles' texts, counting how often each is asked for."""

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__(texts)
        self.reads: list[str] = []

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.reads.append(key)
        return super().get(key, default)


def test_rows_are_checked_a_slice_at_a_time(seed_build, monkeypatch):
    """With slices of 7 rows, every table's rows are still each checked, and named by their own keys; a key
    repeated in another slice, and a record quoted from another slice, are seen; provenance comes an article at
    a time, so each article's text is read once a slice, and never again after the next article's."""
    monkeypatch.setattr(validate_module, "SLICE_ROWS", 7)
    ingested, applied = seed_build
    texts = CountedTexts({k: a.text for k, a in ingested.articles.items()})
    assert validate_tables(applied.tables, texts)["provenance"] == 155
    assert texts.reads == sorted(texts.reads) and set(texts.reads) == set(texts)
    assert len(texts.reads) <= -(-155 // 7) + len(texts) - 1  # an article read again only in the next slice
    judgements = applied.tables["judgements"]
    last = judgements.num_rows - 1  # in the third slice
    assert judgements.select(["inspection_id", "area"]).slice(last).to_pylist() == [
        {"inspection_id": "south-gloucestershire-2019-full-inspection", "area": "overall_effectiveness"}]
    doubled = pa.concat_tables([with_value(judgements, "grade", last, "rubbish"), judgements.slice(0, 1)])
    assert failures(seed_build, judgements=doubled) == [
        "inspections (inspection_id=south-gloucestershire-2019-full-inspection): expected overall_grade equals the "
        "overall_effectiveness judgement",
        "judgements (inspection_id=south-gloucestershire-2019-full-inspection, area=overall_effectiveness) column "
        "grade: expected one of outstanding, good, requires_improvement, adequate, inadequate: found 'rubbish'",
        "judgements (inspection_id=birmingham-2008-full-inspection, area=overall_effectiveness): expected a unique key",
    ]
