"""The rows a validation must look at when the last build's tables were validated already.

A change to one mapping changes a few rows; validating every row of every table again (pandera over
hundreds of thousands of provenance rows) would make every small change cost as much as a cold build.
Given the tables the last build validated (its release, built by the same code), a row needs checking
when it is new or changed, or when a rule that spans rows or tables can have changed its verdict:
- its primary key is held by another row too (key uniqueness);
- it refers to a record that changed or went away (foreign keys: inspection_id, source_id);
- it is a record whose quotes changed or went away (every curated value has a quote), or, for an
  inspection, whose judgements did (overall_grade equals the overall_effectiveness judgement);
- it is a quote of a record that changed or went away (record_id exists in table_name), or of an
  article whose text changed (quote == raw text, through the sources row's sha256).
Every other row passes every rule exactly as it did. The comparison and the selections are Arrow
column operations: no Python per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.facts.arrow_tables import repeated_values, take_sorted
from schemas.model import RECORD_ID_SEPARATOR
from schemas.tables import TABLES

_ROW, _OLD_ROW = "__row", "__old_row"
_NONE = np.array([], dtype=np.int64)


def record_ids(name: str, table: pa.Table) -> pa.ChunkedArray | pa.Array:
    """The record id of each row (its key values joined by '/'), as provenance names records."""
    keys = [pc.cast(table[k], pa.string()) for k in TABLES[name].primary_key]
    return keys[0] if len(keys) == 1 else pc.binary_join_element_wise(*keys, RECORD_ID_SEPARATOR)


def _same(a: pa.ChunkedArray, b: pa.ChunkedArray) -> pa.ChunkedArray:
    """Row by row, whether two columns hold the same value (two nulls are the same)."""
    return pc.fill_null(pc.or_kleene(pc.equal(a, b), pc.and_(pc.is_null(a), pc.is_null(b))), False)


def _differing(name: str, table: pa.Table, other: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of the rows of `table` that `other` (the last build's table: its keys are unique) does not hold
    identically (nulls equal), of the rows of `other` that `table` does not, and of the rows of `table` whose
    key another row of it holds too. Both are sorted by key: when their keys line up (values edited, no record
    added or removed) the columns are compared position by position, and no key can be repeated; otherwise
    rows are paired by key (a hash join of the key columns alone) and each other column compared over the
    pairs, one column at a time, so neither table is ever copied whole. A key held twice is then one paired
    with the same row of `other` twice, or one that rows paired with none share."""
    if table.num_rows == 0 or other.num_rows == 0 or not table.schema.equals(other.schema, check_metadata=False):
        return np.arange(table.num_rows), np.arange(other.num_rows), _NONE
    key = list(TABLES[name].primary_key)
    values = [column for column in table.column_names if column not in key]
    if table.num_rows == other.num_rows and all(table[k].equals(other[k]) for k in key):
        same = _all_same(((table[c], other[c]) for c in values), table.num_rows)
        differing = np.flatnonzero(~same)
        return differing, differing, _NONE
    pairs = table.select(key).append_column(_ROW, pa.array(np.arange(table.num_rows))).join(
        other.select(key).append_column(_OLD_ROW, pa.array(np.arange(other.num_rows))),
        keys=key, join_type="inner", use_threads=False)  # a repeated key pairs a row with several
    rows, old_rows = pairs[_ROW], pairs[_OLD_ROW]
    same = _all_same(((pc.take(table[c], rows), pc.take(other[c], old_rows)) for c in values), pairs.num_rows)
    identical = pairs.filter(pa.array(same))
    paired = rows.to_numpy()
    unpaired = np.setdiff1d(np.arange(table.num_rows), paired)
    unpaired_ids = record_ids(name, take_sorted(table, unpaired))
    repeated = np.union1d(paired[_where(old_rows, repeated_values(old_rows))],
                          unpaired[_where(unpaired_ids, repeated_values(unpaired_ids))])
    return (np.setdiff1d(np.arange(table.num_rows), identical[_ROW].to_numpy()),
            np.setdiff1d(np.arange(other.num_rows), identical[_OLD_ROW].to_numpy()), repeated)


def _all_same(pairs: Iterable[tuple[pa.ChunkedArray | pa.Array, pa.ChunkedArray | pa.Array]], rows: int) -> np.ndarray:
    """Row by row, whether every pair of columns holds the same values; `pairs` is read one pair at a time, so
    only one pair of columns is ever taken."""
    same = np.ones(rows, dtype=bool)
    for a, b in pairs:
        same &= _same(a, b).to_numpy(zero_copy_only=False)
    return same


def _where(column: pa.ChunkedArray | pa.Array, values: pa.Array) -> np.ndarray:
    return np.flatnonzero(pc.fill_null(pc.is_in(column, value_set=values), False).to_numpy(zero_copy_only=False))


def rows_to_check(tables: dict[str, pa.Table], previous: Callable[[str], pa.Table | None]) -> dict[str, np.ndarray]:
    """For each table, the positions of the rows to validate (see the module's docstring). `previous` gives
    the last build's table of a name (or None): each is asked for once, and held only while it is compared."""
    changed, gone, repeated = {}, {}, {}
    for name, table in tables.items():
        old = previous(name)
        key = list(TABLES[name].primary_key)
        if old is None or not old.schema.equals(table.schema, check_metadata=False):
            # A table whose columns changed has all its rows changed (and the previous ones are not kept).
            changed[name], gone[name] = np.arange(table.num_rows), table.select(key).schema.empty_table()
            repeated[name] = _NONE  # every row is checked: a key held twice is seen
            continue
        changed[name], old_rows, repeated[name] = _differing(name, table, old)
        # The keys of the rows of the last build's table that this one does not hold identically.
        gone[name] = take_sorted(old.select(key), old_rows)
    touched: dict[str, pa.Array] = {}  # record ids of the records that changed or went away, per table
    for name, table in tables.items():
        parts = [record_ids(name, take_sorted(table, changed[name])), record_ids(name, gone[name])]
        touched[name] = pa.chunked_array(parts, pa.string()).combine_chunks().unique()
    quoted = _quoted_records([take_sorted(tables["provenance"], changed["provenance"]), gone["provenance"]])
    judged = pa.chunked_array([take_sorted(tables["judgements"], changed["judgements"])["inspection_id"],
                               gone["judgements"]["inspection_id"]], pa.string()).combine_chunks()
    rows = {}
    for name, table in tables.items():
        parts = [changed[name], repeated[name]]
        for fk in TABLES[name].foreign_keys:
            parts.append(_where(table[fk.fields[0]], touched.get(fk.resource, pa.array([], pa.string()))))
        if name == "provenance":
            records = pc.binary_join_element_wise(table["table_name"], table["record_id"], "\0")
            parts.append(_where(records, pa.concat_arrays(
                [pc.binary_join_element_wise(pa.repeat(pa.scalar(t), len(ids)), ids, "\0")
                 for t, ids in touched.items()])))
        else:
            parts.append(_where(record_ids(name, table), quoted.get(name, pa.array([], pa.string()))))
        if name == "inspections":
            parts.append(_where(table["inspection_id"], judged.unique()))
        rows[name] = np.unique(np.concatenate(parts)).astype(np.int64)
    return rows


def _quoted_records(moved: list[pa.Table]) -> dict[str, pa.Array]:
    """Per table, the records whose quotes (provenance rows, new or gone) changed."""
    result: dict[str, pa.Array] = {}
    for part in moved:
        for name in pc.unique(part["table_name"]).to_pylist():
            ids = part.filter(pc.equal(part["table_name"], name))["record_id"].combine_chunks()
            result[name] = pa.concat_arrays([result[name], ids]) if name in result else ids
    return result
