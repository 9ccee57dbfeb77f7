"""The combine stage's column work: provenance kept once per key, in key order, the first article's."""

from __future__ import annotations

import pyarrow as pa

from ofsted_dataset import pipeline
from ofsted_dataset.facts import combine, fact_tables
from ofsted_dataset.facts.apply import Fact
from ofsted_dataset.facts.arrow_tables import plain
from ofsted_dataset.facts.combine import _Context, _merge, _provenance
from ofsted_dataset.facts.reference import Register
from tests.helpers import SEED_CORPUS, copy_inputs


def _quote(record_id: str, start: int, quote: str, file: str, seq: int, field: str = "grade") -> dict:
    return {"table_name": "inspections", "record_id": record_id, "field": field, "source_id": "s1",
            "char_start": start, "char_end": start + len(quote), "quote": quote, "note": None,
            "_source": file.removeprefix("mappings/").removesuffix(".yaml"), "_file": file, "_seq": seq}


def test_a_quote_given_twice_is_kept_once_as_the_first_mapping_in_source_order_gives_it():
    rows = [_quote("b", 5, "later", "mappings/m2.yaml", 0), _quote("a", 1, "x", "mappings/m2.yaml", 1),
            _quote("b", 5, "first", "mappings/m1.yaml", 3), _quote("a", 0, "y", "mappings/m1.yaml", 0)]
    table = pa.Table.from_pylist(rows, schema=fact_tables.PROVENANCE_SCHEMA)
    kept = _provenance(table, pa.array([], pa.string())).to_pylist()
    assert [(r["record_id"], r["char_start"], r["quote"]) for r in kept] == [("a", 0, "y"), ("a", 1, "x"),
                                                                               ("b", 5, "first")]
    assert list(kept[0]) == ["table_name", "record_id", "field", "source_id", "char_start", "char_end", "quote",
                             "note"]


def test_a_derived_overall_judgement_is_quoted_by_its_inspections_overall_grade_quotes():
    rows = [_quote("a", 0, "rated inadequate", "mappings/m1.yaml", 0, field="overall_grade"),
            _quote("b", 0, "good", "mappings/m1.yaml", 1, field="overall_grade")]
    table = pa.Table.from_pylist(rows, schema=fact_tables.PROVENANCE_SCHEMA)
    kept = _provenance(table, pa.array(["a"])).to_pylist()
    assert [(r["table_name"], r["record_id"], r["field"], r["quote"]) for r in kept] == [
        ("inspections", "a", "overall_grade", "rated inadequate"), ("inspections", "b", "overall_grade", "good"),
        ("judgements", "a/overall_effectiveness", "grade", "rated inadequate")]


def _fact(record_id: str, file: str, seq: int, grade: str) -> Fact:
    return Fact("judgements", record_id, file, seq + 10, {"grade": grade}, lines={"grade": seq + 11}, seq=seq)


def test_facts_merged_a_record_at_a_time_give_problems_and_records_in_source_order():
    """_by_record gives a record's facts together: problems, and the records, still come in source order."""
    ctx = _Context(Register([]))
    facts = [_fact("b", "mappings/m1.yaml", 0, "good"), _fact("b", "mappings/m2.yaml", 1, "inadequate"),
             _fact("a", "mappings/m1.yaml", 1, "good"), _fact("a", "mappings/m2.yaml", 0, "outstanding")]
    merged = _merge(ctx, facts)
    assert list(merged) == [("judgements", "b"), ("judgements", "a")]
    assert merged["judgements", "a"] is facts[2]  # the first fact is the merged record, not a copy
    assert [(p.file, p.line, p.message) for p in ctx.problems] == [
        ("mappings/m2.yaml", 11, "'outstanding' disagrees with 'good' in mappings/m1.yaml:12; make them agree and "
                                 "record the decision in an evidence note"),
        ("mappings/m2.yaml", 12, "'inadequate' disagrees with 'good' in mappings/m1.yaml:11; make them agree and "
                                 "record the decision in an evidence note")]


def test_the_tables_are_the_same_made_a_few_facts_at_a_time(seed_build, tmp_path, monkeypatch):
    monkeypatch.setattr(combine, "_FACTS_AT_ONCE", 2)
    applied = pipeline.run(copy_inputs(SEED_CORPUS, tmp_path / "project"), until="apply").applied
    assert applied.problems == []
    for name, table in seed_build[1].tables.items():
        assert plain(applied.tables[name]).equals(plain(table)), name


def test_a_table_kept_as_columns_is_put_in_key_order_a_column_at_a_time(monkeypatch):
    """Each column of the facts' file is let go once taken, so no more than one is read whole at a time."""
    facts = pa.table({"recommendation_id": ["r3", "r1"], "inspection_id": ["i", "i"], "text": ["c", "a"]})
    let_go: list[list[str]] = []
    monkeypatch.setattr(combine.mapped_files, "let_go", lambda *columns: let_go.append(
        [value for column in columns for value in column.to_pylist()]))
    table = combine._published("recommendations", facts, [{"recommendation_id": "r2", "text": "b"}])
    assert [(r["recommendation_id"], r["text"]) for r in table.to_pylist()] == [("r1", "a"), ("r2", "b"),
                                                                                ("r3", "c")]
    assert table.schema.equals(combine.ARROW_SCHEMAS["recommendations"].with_metadata(None))
    assert let_go[0] == ["r3", "r1", "r2"] and ["c", "a", "b"] in let_go
    assert len(let_go) == table.num_columns
