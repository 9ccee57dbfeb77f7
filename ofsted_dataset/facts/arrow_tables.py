"""Rows to Arrow tables in the published column order and types, sorted by primary key.

Sorting by key here is what makes a rebuild byte-identical whatever order mappings were read in. The
last day of each date's period (`<date>_end`) is derived here, once the dates are columns, as a column
operation rather than per row. Also here: taking, ordering and comparing rows of the tables as the build
holds them, some columns dictionary-encoded (schemas.arrow.HELD_SCHEMAS), and decoding them (`plain`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ofsted_dataset.periods import period_ends
from schemas.arrow import ARROW_SCHEMAS, HELD_SCHEMAS
from schemas.tables import TABLES, precision_column


def with_period_ends(name: str, table: pa.Table) -> pa.Table:
    """`table` with every `<date>_end` column of its definition filled from the date and its precision."""
    for field in TABLES[name].fields:
        if field.period_end_of:
            ends = period_ends(table[field.period_end_of], table[precision_column(field.period_end_of)])
            table = table.set_column(table.schema.get_field_index(field.name), table.schema.field(field.name), ends)
    return table


def to_arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = ARROW_SCHEMAS[name]
    columns = {f.name: [row.get(f.name) for row in rows] for f in schema}
    table = with_period_ends(name, pa.Table.from_pydict(columns, schema=schema.with_metadata(None)))
    return table.sort_by([(key, "ascending") for key in TABLES[name].primary_key])


def to_arrow_tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    return {name: to_arrow(name, rows.get(name, [])) for name in TABLES}


def repeated_values(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The values `column` holds more than once: keys two rows share, ids two mappings use."""
    counts = pc.value_counts(column)
    return counts.field("values").filter(pc.greater(counts.field("counts"), 1))


def take_sorted(table: pa.Table, positions: np.ndarray) -> pa.Table:
    """The rows of `table` at `positions` (ascending), taken from each of its record batches in turn: pyarrow's
    take first concatenates every chunk of every column, which for provenance read back from a release's
    Parquet file (a chunk per row group) cost a tenth of a second for each handful of rows taken."""
    batches = table.to_batches()
    starts = np.cumsum([0, *(batch.num_rows for batch in batches)])
    chunk = np.searchsorted(starts, positions, side="right") - 1
    parts = [batches[i].take(pa.array(positions[chunk == i] - starts[i])) for i in np.unique(chunk)]
    return pa.Table.from_batches(parts, schema=table.schema)


def plain(table: pa.Table) -> pa.Table:
    """`table` with its dictionary-encoded columns (schemas.arrow.HELD_SCHEMAS) decoded: the types of its files.
    Decoding copies the values, so a table held encoded is decoded a slice at a time by what needs the values."""
    schema = plain_schema(table.schema)
    return table if schema.equals(table.schema) else table.cast(schema)


def plain_schema(schema: pa.Schema) -> pa.Schema:
    """`schema` with each dictionary-encoded column of the type of its values."""
    return pa.schema([field.with_type(field.type.value_type) if pa.types.is_dictionary(field.type) else field
                      for field in schema], metadata=schema.metadata)


def key_order(table: pa.Table, keys: Sequence[str]) -> pa.Array:
    """sort_indices by `keys`, ascending (stable), for a table whose key columns may be dictionary-encoded,
    which Arrow cannot sort: such a column is sorted by the rank of each row's value in its dictionary (the
    dictionaries of its chunks unified first), the order its values have. The columns sorted are combined into
    one chunk first: Arrow sorts a table of many chunks by several keys some fifteen times slower."""
    columns = table.select(list(keys))
    sortable = [_ranks(_unified(columns[key])) if pa.types.is_dictionary(columns[key].type) else columns[key]
                for key in keys]
    return pc.sort_indices(pa.Table.from_arrays(sortable, names=list(keys)).combine_chunks(),
                           [(key, "ascending") for key in keys])


def _unified(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """`column` with one dictionary for all its chunks. Chunks that already share one are left so: unifying hashes
    every chunk's dictionary again, seconds for provenance's record ids at 100,000 articles."""
    return column if one_dictionary(column) else column.unify_dictionaries()


def one_dictionary(column: pa.ChunkedArray) -> bool:
    """Whether the chunks of a dictionary-encoded column share one dictionary (the same buffers), or it has none."""
    return len({tuple(buffer.address for buffer in chunk.dictionary.buffers() if buffer)
                for chunk in column.chunks}) <= 1


def _ranks(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each row's rank, 32 bits as the indices are: the rank columns of every key are sorted together, and at
    100,000 articles provenance is 7 million rows."""
    if column.num_chunks == 0:
        return pa.chunked_array([], pa.uint32())
    ranks = pc.rank(column.chunk(0).dictionary, sort_keys="ascending", tiebreaker="first").cast(pa.uint32())
    return pa.chunked_array([pc.take(ranks, chunk.indices) for chunk in column.chunks], pa.uint32())


def is_in(column: pa.ChunkedArray, values: pa.Array) -> pa.ChunkedArray:
    """pc.is_in, false for a null, for a column that may be dictionary-encoded: such a chunk is matched through
    its dictionary, each row taking its value's answer. Arrow's kernels decode such a column whole first: 195 MB
    for one of provenance's at 100,000 articles (7.1 million rows)."""
    return pa.chunked_array([pc.fill_null(pc.take(pc.is_in(chunk.dictionary, value_set=values), chunk.indices), False)
                             if pa.types.is_dictionary(chunk.type) else pc.is_in(chunk, value_set=values)
                             for chunk in column.chunks], pa.bool_())


def same_rows(batches: Iterable[pa.RecordBatch], table: pa.Table,
              prepare: Callable[[pa.Table], pa.Table] | None = None) -> bool:
    """Whether `batches` (a file read a batch at a time) hold the rows of `table` (as `prepare` writes them
    to that file), in order: each batch against the rows it should hold, so only one batch is ever read, and a
    table held dictionary-encoded is decoded a batch's rows at a time."""
    offset = 0
    for batch in batches:
        part = table.slice(offset, batch.num_rows)
        part = prepare(part) if prepare else part
        if part.num_rows != batch.num_rows or not pa.Table.from_batches([batch]).equals(part.cast(batch.schema)):
            return False
        offset += batch.num_rows
    return offset == table.num_rows


def read_held(path: Path, name: str) -> pa.Table:
    """A release's Parquet file of table `name`, its columns as the build holds them (HELD_SCHEMAS): those held
    dictionary-encoded read so, a dictionary a row group, never decoded whole."""
    encoded = [field.name for field in HELD_SCHEMAS[name] if pa.types.is_dictionary(field.type)]
    return pq.read_table(path, read_dictionary=encoded or None)
