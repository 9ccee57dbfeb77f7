"""Arrow schemas generated from the table definitions (the physical types of Parquet and CSV)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from schemas.model import Table
from schemas.tables import TABLES

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def arrow_field(name: str, type_name: str, required: bool) -> pa.Field:
    """One column: its Arrow type from the field's type, nullable unless the field is required."""
    return pa.field(name, ARROW_TYPES[type_name], nullable=not required)


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([arrow_field(f.name, f.type, f.required) for f in table.fields])


def descriptor_arrow_schema(fields: list[dict[str, Any]]) -> pa.Schema:
    """The same schema for a table known only by its Frictionless fields (an older release's
    datapackage.json, which may differ from today's definitions)."""
    return pa.schema([arrow_field(f["name"], f["type"], f.get("constraints", {}).get("required", False))
                      for f in fields])


ARROW_SCHEMAS: dict[str, pa.Schema] = {name: arrow_schema(t) for name, t in TABLES.items()}
