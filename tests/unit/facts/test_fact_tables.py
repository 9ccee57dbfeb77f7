"""The facts of some mappings, as the cache and a build select them (fact_tables.of_sources)."""

from __future__ import annotations

import pyarrow as pa

from ofsted_dataset.facts.fact_tables import of_sources


def test_the_facts_of_some_mappings_are_their_rows() -> None:
    facts = {"judgements": pa.table({"_source": ["a", "b", "a"], "grade": ["good", "inadequate", "outstanding"]})}
    assert of_sources(facts, pa.array(["a"]))["judgements"].to_pylist() == [
        {"_source": "a", "grade": "good"}, {"_source": "a", "grade": "outstanding"}]


def test_the_facts_of_every_mapping_are_the_tables_themselves_not_copies() -> None:
    facts = {"judgements": pa.table({"_source": ["a", "b"], "grade": ["good", "inadequate"]}),
             "provenance": pa.table({"_source": pa.array([], pa.string())})}
    kept = of_sources(facts, pa.array(["a", "b", "c"]))
    assert kept["judgements"] is facts["judgements"]
    assert kept["provenance"] is facts["provenance"]
