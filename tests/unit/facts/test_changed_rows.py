"""Validating what changed: the rows a change can have made invalid, and only those."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ofsted_dataset import pipeline
from ofsted_dataset.errors import ValidationError
from ofsted_dataset.facts import changed_rows
from ofsted_dataset.facts.arrow_tables import take_sorted
from ofsted_dataset.facts.changed_rows import rows_to_check
from ofsted_dataset.facts.validate import validate_tables
from schemas.tables import TABLES
from tests.helpers import copy_project, edit

M002 = "mappings/002_3dafbde2ba55b338.yaml"


@pytest.fixture(scope="module")
def tables(seed_build) -> dict[str, pa.Table]:
    return seed_build[1].tables


def _ids(name: str, table: pa.Table, rows) -> list[str]:
    return changed_rows.record_ids(name, table.take(rows)).to_pylist()


def test_nothing_changed_nothing_to_check(tables):
    assert {name: len(rows) for name, rows in rows_to_check(tables, tables.get).items()} == dict.fromkeys(tables, 0)


def _theme_changed(tables: dict[str, pa.Table], theme: str) -> tuple[dict[str, pa.Table], str]:
    """The tables with the first recommendation's theme changed to `theme`, and that recommendation's id."""
    recommendations = tables["recommendations"]
    first = recommendations["recommendation_id"][0].as_py()
    themes = pc.if_else(pc.equal(recommendations["recommendation_id"], first), theme, recommendations["theme"])
    return {**tables, "recommendations": recommendations.set_column(
        3, recommendations.schema.field("theme"), themes)}, first


@pytest.mark.parametrize("rows_at_once", [changed_rows._ROWS_AT_ONCE, 2])
def test_a_changed_value_is_checked_alone(tables, monkeypatch, rows_at_once):
    """The rules across rows and tables are checked whole (in DuckDB): nothing else is re-checked for them. The
    same rows whether the columns are compared whole or two rows at a time (as a million at a time at scale)."""
    monkeypatch.setattr(changed_rows, "_ROWS_AT_ONCE", rows_at_once)
    changed, first = _theme_changed(tables, "other")
    rows = rows_to_check(changed, tables.get)
    assert _ids("recommendations", changed["recommendations"], rows["recommendations"]) == [first]
    assert {name: len(r) for name, r in rows.items() if name != "recommendations"} == dict.fromkeys(
        [n for n in tables if n != "recommendations"], 0)


def test_an_inspection_whose_judgement_changed_is_checked(tables):
    """Its overall_grade must equal its overall_effectiveness judgement: a row rule reading another table."""
    judgements = tables["judgements"]
    other = "good" if judgements["grade"][0].as_py() != "good" else "inadequate"
    grades = pc.if_else(pa.array(np.arange(judgements.num_rows) == 0), other, judgements["grade"])
    changed = {**tables, "judgements": judgements.set_column(3, judgements.schema.field("grade"), grades)}
    rows = rows_to_check(changed, tables.get)
    assert _ids("inspections", changed["inspections"], rows["inspections"]) == [
        judgements["inspection_id"][0].as_py()]


def test_the_quotes_of_an_article_whose_text_changed_are_checked(tables):
    sources = tables["sources"]
    changed_source = sources["source_id"][0].as_py()
    sha256 = pc.if_else(pa.array(np.arange(sources.num_rows) == 0), "0" * 64, sources["sha256"])
    changed = {**tables, "sources": sources.set_column(sources.schema.get_field_index("sha256"),
                                                       sources.schema.field("sha256"), sha256)}
    rows = rows_to_check(changed, tables.get)
    quotes = changed["provenance"].take(rows["provenance"])
    assert set(quotes["source_id"].to_pylist()) == {changed_source}
    assert quotes.num_rows == pc.sum(pc.equal(tables["provenance"]["source_id"], changed_source)).as_py()


@pytest.mark.parametrize("copied", [0, 1])
def test_a_key_held_twice_after_a_change_stops_the_build(tables, seed_build, copied):
    """A row copied exactly is no changed row (copied 1); a copy with another text is (copied 0): either way
    the key is held twice, which the rules over whole tables see."""
    recommendations = tables["recommendations"]
    copy = recommendations.slice(copied, 1)
    if copied == 0:
        copy = copy.set_column(2, recommendations.schema.field("text"), pa.array(["another text"]))
    broken = {**tables, "recommendations": pa.concat_tables([recommendations, copy])}
    with pytest.raises(ValidationError) as excinfo:
        validate_tables(broken, seed_build[0].texts, rows_to_check(broken, tables.get))
    held = recommendations["recommendation_id"][copied].as_py()
    assert [d for d in excinfo.value.details if "unique" in d] == [
        f"recommendations (recommendation_id={held}): expected a unique key"]


def test_a_record_that_went_away_stops_the_build_for_the_rows_referring_to_it(tables, seed_build):
    inspections = tables["inspections"]
    gone = tables["judgements"]["inspection_id"][0].as_py()
    broken = {**tables, "inspections": inspections.filter(pc.not_equal(inspections["inspection_id"], gone))}
    with pytest.raises(ValidationError) as excinfo:
        validate_tables(broken, seed_build[0].texts, rows_to_check(broken, tables.get))
    areas = tables["judgements"].filter(pc.equal(tables["judgements"]["inspection_id"], gone))["area"].to_pylist()
    assert [d for d in excinfo.value.details if d.startswith("judgements")] == [
        f"judgements (inspection_id={gone}, area={area}): expected inspection_id exists in inspections"
        for area in areas]


def test_an_incremental_build_validates_the_change_and_still_stops_on_a_broken_rule(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project")
    pipeline.run(root)  # a cold build validates everything and publishes 1.0.0
    checked: list[dict[str, int]] = []
    real = changed_rows.rows_to_check

    def spy(new, old):
        rows = real(new, old)
        checked.append({name: len(r) for name, r in rows.items() if len(r)})
        return rows

    monkeypatch.setattr("ofsted_dataset.stages.rows_to_check", spy)
    edit(root / M002, "theme: front_door", "theme: leadership_and_management")
    assert pipeline.run(root).summary.release.version == "1.0.1"
    assert checked == [{"recommendations": 1}]  # the record alone: its quotes did not change


def test_the_rows_to_check_are_validated_against_the_whole_tables(tables, seed_build):
    broken, first = _theme_changed(tables, "no such theme")
    with pytest.raises(ValidationError) as excinfo:
        validate_tables(broken, seed_build[0].texts, rows_to_check(broken, tables.get))
    assert excinfo.value.details == [
        f"recommendations (recommendation_id={first}) column theme: expected one of "
        f"{', '.join(TABLES['recommendations'].field('theme').enum or ())}: found 'no such theme'"]


def test_the_previous_tables_may_come_in_many_chunks(tables):
    """As read back from a release's Parquet file: a chunk per row group."""
    changed, _ = _theme_changed(tables, "other")
    chunked = {name: pa.Table.from_batches(table.to_batches(max_chunksize=3), table.schema)
               for name, table in tables.items()}
    assert {name: rows.tolist() for name, rows in rows_to_check(changed, chunked.get).items()} == \
        {name: rows.tolist() for name, rows in rows_to_check(changed, tables.get).items()}


def test_rows_are_taken_from_each_chunk_in_order():
    table = pa.Table.from_batches(pa.table({"n": list(range(10))}).to_batches(max_chunksize=3))
    assert take_sorted(table, np.array([0, 2, 3, 8, 9])).column("n").to_pylist() == [0, 2, 3, 8, 9]
    assert take_sorted(table, np.array([], dtype=np.int64)).to_pylist() == []
