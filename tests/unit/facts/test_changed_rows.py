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


def test_a_changed_value_is_checked_with_the_records_its_rules_reach(tables):
    recommendations = tables["recommendations"]
    first = recommendations["recommendation_id"][0].as_py()
    theme = pc.if_else(pc.equal(recommendations["recommendation_id"], first), "other", recommendations["theme"])
    changed = {**tables, "recommendations": recommendations.set_column(3, recommendations.schema.field("theme"), theme)}
    rows = rows_to_check(changed, tables.get)
    assert _ids("recommendations", changed["recommendations"], rows["recommendations"]) == [first]
    # its quotes are checked again (their record changed), nothing else
    quoted = changed["provenance"].take(rows["provenance"])
    assert set(quoted["record_id"].to_pylist()) == {first}
    assert {name: len(r) for name, r in rows.items() if name not in ("recommendations", "provenance")} == dict.fromkeys(
        [n for n in tables if n not in ("recommendations", "provenance")], 0)


def test_rows_referring_to_a_record_that_went_away_are_checked(tables):
    inspections = tables["inspections"]
    gone = tables["judgements"]["inspection_id"][0].as_py()
    changed = {**tables, "inspections": inspections.filter(pc.not_equal(inspections["inspection_id"], gone))}
    rows = rows_to_check(changed, tables.get)
    judgements = changed["judgements"].take(rows["judgements"])
    assert set(judgements["inspection_id"].to_pylist()) == {gone}
    assert judgements.num_rows == pc.sum(pc.equal(tables["judgements"]["inspection_id"], gone)).as_py()


def test_a_new_row_with_a_key_already_held_is_checked_with_the_row_holding_it(tables):
    recommendations = tables["recommendations"]
    copy = recommendations.slice(0, 1).set_column(2, recommendations.schema.field("text"), pa.array(["another text"]))
    changed = {**tables, "recommendations": pa.concat_tables([recommendations, copy])}
    rows = rows_to_check(changed, tables.get)
    held = recommendations["recommendation_id"][0].as_py()
    assert _ids("recommendations", changed["recommendations"], rows["recommendations"]) == [held, held]


def test_an_identical_copy_of_a_row_is_checked_with_the_row_it_copies(tables):
    """Both rows are the last build's row exactly: neither is a changed row, yet their key is held twice."""
    recommendations = tables["recommendations"]
    changed = {**tables, "recommendations": pa.concat_tables([recommendations, recommendations.slice(1, 1)])}
    rows = rows_to_check(changed, tables.get)
    held = recommendations["recommendation_id"][1].as_py()
    assert _ids("recommendations", changed["recommendations"], rows["recommendations"]) == [held, held]


def test_two_new_rows_sharing_a_new_key_are_both_checked(tables):
    recommendations = tables["recommendations"]
    new = recommendations.slice(0, 2).set_column(0, recommendations.schema.field("recommendation_id"),
                                                 pa.array(["zz-new", "zz-new"]))
    changed = {**tables, "recommendations": pa.concat_tables([recommendations, new])}
    rows = rows_to_check(changed, tables.get)
    assert _ids("recommendations", changed["recommendations"], rows["recommendations"]) == ["zz-new", "zz-new"]


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
    assert checked == [{"recommendations": 1, "provenance": 3}]  # the record and its three quotes


def test_the_rows_to_check_are_validated_against_the_whole_tables(tables, seed_build):
    recommendations = tables["recommendations"]
    first = recommendations["recommendation_id"][0].as_py()
    theme = pc.if_else(pc.equal(recommendations["recommendation_id"], first), "no such theme", recommendations["theme"])
    broken = {**tables, "recommendations": recommendations.set_column(3, recommendations.schema.field("theme"), theme)}
    texts = seed_build[0].texts
    with pytest.raises(ValidationError) as excinfo:
        validate_tables(broken, texts, rows_to_check(broken, tables.get))
    assert excinfo.value.details == [
        f"recommendations (recommendation_id={first}) column theme: expected one of "
        f"{', '.join(TABLES['recommendations'].field('theme').enum or ())}: found 'no such theme'"]


def test_the_previous_tables_may_come_in_many_chunks(tables):
    """As read back from a release's Parquet file: a chunk per row group."""
    recommendations = tables["recommendations"]
    first = recommendations["recommendation_id"][0].as_py()
    theme = pc.if_else(pc.equal(recommendations["recommendation_id"], first), "other", recommendations["theme"])
    changed = {**tables, "recommendations": recommendations.set_column(3, recommendations.schema.field("theme"), theme)}
    chunked = {name: pa.Table.from_batches(table.to_batches(max_chunksize=3), table.schema)
               for name, table in tables.items()}
    assert {name: rows.tolist() for name, rows in rows_to_check(changed, chunked.get).items()} == \
        {name: rows.tolist() for name, rows in rows_to_check(changed, tables.get).items()}


def test_rows_are_taken_from_each_chunk_in_order():
    table = pa.Table.from_batches(pa.table({"n": list(range(10))}).to_batches(max_chunksize=3))
    assert take_sorted(table, np.array([0, 2, 3, 8, 9])).column("n").to_pylist() == [0, 2, 3, 8, 9]
    assert take_sorted(table, np.array([], dtype=np.int64)).to_pylist() == []
