"""Rows to Arrow tables in the published column order and types, sorted by primary key.

Sorting by key here is what makes a rebuild byte-identical whatever order mappings were read in. The
last day of each date's period (`<date>_end`) is derived here, once the dates are columns, as a column
operation rather than per row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.periods import period_ends
from schemas.arrow import ARROW_SCHEMAS
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
