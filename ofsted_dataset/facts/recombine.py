"""Merge again only the records a change touches, over what the last clean build merged.

A merged row and its provenance depend only on the facts that carry its key (all of them, in source
order), on the register, on the inspection ids the mappings declare and, for a sources row, on its
article's page record (combine.py). So when a few mappings change, the tables the last clean build
merged (article_cache.Merged) hold for every record none of those mappings names, before or after the
change: only the touched records are merged again, from all of their facts, by combine() itself — the
same code on fewer rows — and put in place of their old rows.

Touched records: each record a changed mapping's facts name, in its old facts or its new ones; an
inspection and its overall_effectiveness judgement together (a graded inspection without that judgement
is given a derived one); the sources row of an article whose page record changed.

The result is used only when it is exactly what a full combine gives: when the touched records merge
without a problem into the same columns, and no untouched record refers to an inspection no mapping
declares any more.
Otherwise the caller merges everything, which reports every problem in order, as always.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.facts import fact_tables, mapped_files
from ofsted_dataset.facts.arrow_tables import is_in, key_order, one_dictionary
from ofsted_dataset.facts.changed_rows import record_ids
from ofsted_dataset.facts.collector import Page
from ofsted_dataset.facts.combine import Combined, combine
from ofsted_dataset.facts.reference import Register
from schemas.tables import TABLES

PROVENANCE = fact_tables.PROVENANCE
_OVERALL = "/overall_effectiveness"  # the record id of an inspection's overall judgement, after its own


def changed_pages(pages: dict[str, Page], recorded: dict[str, str]) -> set[str]:
    """Articles whose page record is not the one the merged sources rows were completed from."""
    now = {source_id: page.sha256 for source_id, page in pages.items()}
    return {s for s in now.keys() | recorded.keys() if now.get(s) != recorded.get(s)}


def touched_records(changed: list[dict[str, pa.Table]], sources: set[str]) -> dict[str, pa.Array]:
    """The record ids of each fact table that the facts in `changed` (fact tables: a changed mapping's old
    facts, its new ones) name, with an inspection and its overall judgement together, and `sources`."""
    def ids(name: str, column: str) -> list[pa.ChunkedArray]:
        return [facts[name][column] for facts in changed]

    inspections = pa.chunked_array([*ids("inspections", "_record_id"), *ids("judgements", "inspection_id")],
                                   pa.string())
    inspections = pc.unique(inspections.combine_chunks())
    touched = {name: pc.unique(pa.chunked_array(ids(name, "_record_id"), pa.string()).combine_chunks())
               for name in fact_tables.FACT_TABLES}
    touched["inspections"] = pc.drop_null(inspections)
    overall = pc.binary_join_element_wise(touched["inspections"], _OVERALL, "")
    touched["judgements"] = pc.unique(pa.concat_arrays([touched["judgements"], overall]))
    touched["sources"] = pc.unique(pa.concat_arrays([touched["sources"], pa.array(sorted(sources), pa.string())]))
    return touched


def _named(table_names: pa.ChunkedArray, ids: pa.ChunkedArray, touched: dict[str, pa.Array]) -> pa.ChunkedArray:
    """Whether each (table, record id) is a touched record, as provenance names records (its columns may be
    dictionary-encoded: compared as they are). The ids are matched against every touched id at once, in one pass
    over the column (a pass a table took 0.4 s of a change at 10,000 articles), and only the few rows that match
    are then matched by table and id together."""
    matching = is_in(ids, pa.chunked_array(touched.values(), pa.string()).combine_chunks())
    candidates = np.flatnonzero(matching.to_numpy(zero_copy_only=False))
    pairs = zip(table_names.take(candidates).to_pylist(), ids.take(candidates).to_pylist(), strict=True)
    wanted = {name: set(values.to_pylist()) for name, values in touched.items()}
    named = np.zeros(len(ids), dtype=bool)
    named[candidates[np.array([record in wanted.get(table, ()) for table, record in pairs], dtype=bool)]] = True
    return pa.chunked_array([pa.array(named)])


def _dangling(merged: dict[str, pa.Table], gone: dict[str, pa.ChunkedArray], declared: set[str]) -> bool:
    """Whether a record kept (not `gone`) refers to an inspection no mapping declares any more."""
    known = pa.array(sorted(declared), pa.string())
    for name, table in merged.items():
        if name == "inspections" or name not in gone or "inspection_id" not in table.column_names:
            continue
        reference = table["inspection_id"]
        unknown = pc.and_(pc.is_valid(reference), pc.invert(pc.is_in(reference, value_set=known)))
        if pc.any(pc.and_(unknown, pc.invert(gone[name]))).as_py():
            return True
    return False


def touched_facts(facts: dict[str, pa.Table], touched: dict[str, pa.Array]) -> dict[str, pa.Table]:
    """The facts (fact tables and their provenance) of the touched records."""
    subset = {name: facts[name].filter(pc.is_in(facts[name]["_record_id"], value_set=touched[name]))
              for name in fact_tables.FACT_TABLES}
    provenance = facts[PROVENANCE]
    subset[PROVENANCE] = provenance.filter(_named(provenance["table_name"], provenance["record_id"], touched))
    return subset


def recombine(merged: dict[str, pa.Table], facts: dict[str, pa.Table], touched: dict[str, pa.Array],
              declared: set[str], register: Register, pages: dict[str, Page]) -> Combined | None:
    """The tables a full combine would give, from the last clean build's `merged` tables and the touched
    records merged again from every one of their `facts` (touched_facts); None when that cannot be known
    to be exact (see the module's docstring)."""
    again = combine(facts, declared, register, pages)
    if again.problems or any(merged[name].schema != table.schema for name, table in again.tables.items()):
        return None  # (other columns: table definitions changed under the same code, as tests make them)
    gone = {name: pc.is_in(record_ids(name, table), value_set=touched[name])
            for name, table in merged.items() if name != PROVENANCE}
    if _dangling(merged, gone, declared):
        return None
    old = merged[PROVENANCE]
    gone[PROVENANCE] = _named(old["table_name"], old["record_id"], touched)
    replaced = {}
    for name, table in again.tables.items():
        replaced[name] = _replaced(name, merged[name], gone[name], table)
        mapped_files.let_go_of_everything()  # the last build's pages read for it (read again if still used)
    return Combined(replaced, [])


# Past this many runs of rows kept in order, `_replaced` takes the rows one by one instead.
_MOST_RUNS = 4096


def _replaced(name: str, old: pa.Table, gone: pa.ChunkedArray, new: pa.Table) -> pa.Table:
    """`old` without its `gone` rows, with `new`'s, in key order. The rows kept are found by their indices
    (these are the whole archive's tables: a filter, then a sort, would copy them twice); a change leaves long
    runs of `old` in order, each copied as one slice (a row-by-row take of provenance was most of a merge).
    Columns held dictionary-encoded are first given one dictionary (`_sharing_dictionaries`)."""
    both = pa.concat_tables(_sharing_dictionaries(old, new))
    order = key_order(both, TABLES[name].primary_key)
    kept = pc.take(pa.chunked_array([*pc.invert(gone).chunks, pa.repeat(pa.scalar(True), new.num_rows)]), order)
    rows = order.filter(kept).to_numpy()
    bounds = np.flatnonzero(np.diff(rows) != 1) + 1
    if not rows.size or bounds.size >= _MOST_RUNS:
        return both.take(rows)
    starts = [0, *bounds.tolist()]
    ends = [*starts[1:], rows.size]
    return pa.concat_tables([both.slice(rows[a], b - a) for a, b in zip(starts, ends, strict=True)]).combine_chunks()


def _sharing_dictionaries(old: pa.Table, new: pa.Table) -> tuple[pa.Table, pa.Table]:
    """`old` and `new` with each dictionary-encoded column on one dictionary: `old`'s, with the values only `new`
    holds added at its end, so that `old`'s indices stand as they are. Sorting and joining chunks of different
    dictionaries unifies them, hashing every value of each: for provenance at 10,000 articles that was nine
    tenths of merging one change again (0.8 s). A column whose chunks of `old` do not share one dictionary is
    left as it is."""
    for name in old.column_names:
        mine = old[name]
        if not pa.types.is_dictionary(mine.type) or not mine.num_chunks or not one_dictionary(mine):
            continue
        dictionary, indices = _extended(mine.chunk(0).dictionary, pc.cast(new[name], mine.type.value_type))
        old = old.set_column(old.schema.get_field_index(name), old.schema.field(name), pa.chunked_array(
            [pa.DictionaryArray.from_arrays(chunk.indices, dictionary) for chunk in mine.chunks], mine.type))
        new = new.set_column(new.schema.get_field_index(name), new.schema.field(name), pa.chunked_array(
            [pa.DictionaryArray.from_arrays(indices.cast(mine.type.index_type), dictionary)], mine.type))
    return old, new


def _extended(dictionary: pa.Array, values: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """`dictionary` with the `values` it lacks added at its end, and each value's index in it (null for null).
    The dictionary is searched for the few distinct values, hashing those, not it."""
    distinct = pc.unique(pc.drop_null(values.combine_chunks()))
    found = pc.index_in(dictionary, value_set=distinct)  # each dictionary value's place among the distinct
    known = pc.is_valid(found)
    at = np.full(len(distinct), -1, dtype=np.int64)
    at[found.filter(known).to_numpy()] = pc.indices_nonzero(known).to_numpy()
    lacking = np.flatnonzero(at < 0)
    at[lacking] = len(dictionary) + np.arange(lacking.size)
    if lacking.size:
        dictionary = pa.concat_arrays([dictionary, distinct.take(pa.array(lacking))])
    place = pc.index_in(values, value_set=distinct)  # a null's is null: it points past the distinct values
    indices = np.append(at, 0)[pc.fill_null(place, len(distinct)).to_numpy(zero_copy_only=False)]
    return dictionary, pa.array(indices, pa.int64(), mask=pc.is_null(place).to_numpy(zero_copy_only=False))

