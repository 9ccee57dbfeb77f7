"""The combine stage's column work: provenance kept once per key, in key order, the first article's."""

from __future__ import annotations

import pyarrow as pa

from ofsted_dataset.facts import fact_tables
from ofsted_dataset.facts.combine import _provenance


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
