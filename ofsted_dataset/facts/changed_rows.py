"""The rows whose columns and row rules a validation must check when the last build's tables were
validated already.

A change to one mapping changes a few rows; checking every row of every table again with pandera (hundreds of
thousands of provenance rows) would make every small change cost as much as a cold build. Given the tables the
last build validated (its release, built by the same code), a row needs checking when it is new or changed, or
when what a rule over it reads elsewhere changed:
- an inspection whose judgements changed or went away (overall_grade equals the overall_effectiveness
  judgement);
- a quote of an article whose text changed (quote == raw text, through the sources row's sha256).
Every other row passes those rules exactly as it did. The rules across rows and tables (keys, foreign keys,
quotes and their records) are checked over the whole tables every time, in DuckDB (schemas/key_rules.py). The
comparison and the selections are Arrow column operations: no Python per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.facts.arrow_tables import plain, plain_schema, take_sorted
from schemas.model import RECORD_ID_SEPARATOR
from schemas.tables import TABLES

_ROW, _OLD_ROW = "__row", "__old_row"


def record_ids(name: str, table: pa.Table) -> pa.ChunkedArray | pa.Array:
    """The record id of each row (its key values joined by '/'), as provenance names records."""
    keys = [pc.cast(table[k], pa.string()) for k in TABLES[name].primary_key]
    return keys[0] if len(keys) == 1 else pc.binary_join_element_wise(*keys, RECORD_ID_SEPARATOR)


def _same(a: pa.ChunkedArray, b: pa.ChunkedArray) -> pa.ChunkedArray:
    """Row by row, whether two columns hold the same value (two nulls are the same)."""
    return pc.fill_null(pc.or_kleene(pc.equal(a, b), pc.and_(pc.is_null(a), pc.is_null(b))), False)


def _differing(name: str, table: pa.Table, other: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the rows of `table` that `other` (the last build's table) does not hold identically (nulls
    equal), and of the rows of `other` that `table` does not. Both are sorted by key: when their keys line up
    (values edited, no record added or removed) the columns are compared position by position; otherwise rows
    are paired by key (a hash join of the key columns alone) and each other column compared over the pairs, one
    column at a time, so neither table is ever copied whole."""
    if table.num_rows == 0 or other.num_rows == 0 or not _same_columns(table, other):
        return np.arange(table.num_rows), np.arange(other.num_rows)
    key = list(TABLES[name].primary_key)
    values = [column for column in table.column_names if column not in key]
    if table.num_rows == other.num_rows and _all_same(((table[k], other[k]) for k in key), table.num_rows).all():
        differing = np.flatnonzero(~_all_same(((table[c], other[c]) for c in values), table.num_rows))
        return differing, differing
    # Joined on the keys' values: a join cannot match dictionary-encoded keys of different dictionaries.
    pairs = plain(table.select(key)).append_column(_ROW, pa.array(np.arange(table.num_rows))).join(
        plain(other.select(key)).append_column(_OLD_ROW, pa.array(np.arange(other.num_rows))),
        keys=key, join_type="inner", use_threads=False)
    rows, old_rows = pairs[_ROW], pairs[_OLD_ROW]
    same = _all_same(((pc.take(table[c], rows), pc.take(other[c], old_rows)) for c in values), pairs.num_rows)
    identical = pairs.filter(pa.array(same))
    return (np.setdiff1d(np.arange(table.num_rows), identical[_ROW].to_numpy()),
            np.setdiff1d(np.arange(other.num_rows), identical[_OLD_ROW].to_numpy()))


def _same_columns(table: pa.Table, other: pa.Table) -> bool:
    """Whether two tables have the same columns of the same types, whether held dictionary-encoded or not
    (schemas.arrow.HELD_SCHEMAS: a build's provenance is, a release's file is read either way)."""
    return plain_schema(table.schema).equals(plain_schema(other.schema), check_metadata=False)


# Rows compared at once: Arrow's comparison decodes a dictionary-encoded column whole first, and provenance's quotes
# at 100,000 articles (7.1 million rows), decoded in both tables, took a change's validation to 2.2 GB of Arrow memory.
_ROWS_AT_ONCE = 500_000


def _all_same(pairs: Iterable[tuple[pa.ChunkedArray | pa.Array, pa.ChunkedArray | pa.Array]], rows: int) -> np.ndarray:
    """Row by row, whether every pair of columns holds the same values; `pairs` is read one pair at a time, so
    only one pair of columns is ever taken, and compared _ROWS_AT_ONCE rows at a time."""
    same = np.ones(rows, dtype=bool)
    for a, b in pairs:
        for start in range(0, rows, _ROWS_AT_ONCE):
            part = _same(a.slice(start, _ROWS_AT_ONCE), b.slice(start, _ROWS_AT_ONCE))
            same[start:start + _ROWS_AT_ONCE] &= part.to_numpy(zero_copy_only=False)
    return same


def _where(column: pa.ChunkedArray | pa.Array, values: pa.Array) -> np.ndarray:
    return np.flatnonzero(pc.fill_null(pc.is_in(column, value_set=values), False).to_numpy(zero_copy_only=False))


def rows_to_check(tables: dict[str, pa.Table], previous: Callable[[str], pa.Table | None]) -> dict[str, np.ndarray]:
    """For each table, the positions of the rows to check (see the module's docstring). `previous` gives the
    last build's table of a name (or None): each is asked for once, and held only while it is compared."""
    changed, gone = {}, {}
    for name, table in tables.items():
        old = previous(name)
        if old is None or not _same_columns(old, table):
            # A table whose columns changed has all its rows changed (and the previous ones are not kept).
            changed[name], gone[name] = np.arange(table.num_rows), table.schema.empty_table()
            continue
        changed[name], old_rows = _differing(name, table, old)
        gone[name] = take_sorted(old, old_rows)  # the last build's rows that this table does not hold identically
    rows = dict(changed)
    sources = _changed_values("sources", "source_id", tables, changed, gone)
    rows["provenance"] = np.union1d(rows["provenance"], _where(tables["provenance"]["source_id"], sources))
    judged = _changed_values("judgements", "inspection_id", tables, changed, gone)
    rows["inspections"] = np.union1d(rows["inspections"], _where(tables["inspections"]["inspection_id"], judged))
    return {name: positions.astype(np.int64) for name, positions in rows.items()}


def _changed_values(name: str, column: str, tables: dict[str, pa.Table], changed: dict[str, np.ndarray],
                    gone: dict[str, pa.Table]) -> pa.Array:
    """The values of `column` in the rows of table `name` that changed or went away."""
    values = [take_sorted(tables[name].select([column]), changed[name])[column], gone[name][column]]
    return pa.chunked_array(values, pa.string()).combine_chunks().unique()
