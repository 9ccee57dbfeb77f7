"""Arrow schemas generated from the table definitions (the physical types of Parquet and CSV)."""

from __future__ import annotations

import pyarrow as pa

from schemas.model import Table
from schemas.tables import TABLES

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema(
        [pa.field(f.name, ARROW_TYPES[f.type], nullable=not f.required) for f in table.fields]
    )


ARROW_SCHEMAS: dict[str, pa.Schema] = {name: arrow_schema(t) for name, t in TABLES.items()}
