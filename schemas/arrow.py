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


# Tables held in memory (from the merge to the files of a release) with every string column dictionary-encoded:
# provenance repeats its table names, fields, source ids, record ids and quotes over millions of rows, 1.5 GB as
# plain strings at 100,000 articles and 0.4 GB so. Its files are written, and read back, in ARROW_SCHEMAS' types.
HELD_AS_DICTIONARIES = frozenset({"provenance"})


def held_schema(schema: pa.Schema) -> pa.Schema:
    """`schema` with each string column a dictionary of strings (32-bit indices)."""
    return pa.schema([field.with_type(pa.dictionary(pa.int32(), field.type)) if pa.types.is_string(field.type)
                      else field for field in schema])


HELD_SCHEMAS: dict[str, pa.Schema] = {name: held_schema(schema) if name in HELD_AS_DICTIONARIES else schema
                                      for name, schema in ARROW_SCHEMAS.items()}
