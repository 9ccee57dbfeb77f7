"""DuckDB's view of the table definitions: column types and CREATE TABLE statements, generated.

The release's `ofsted.duckdb` enforces the same keys, foreign keys and required columns as the
Frictionless descriptor and the pandera checks, because all three come from schemas/tables.py.
"""

from __future__ import annotations

from schemas.model import Table

DUCKDB_TYPES: dict[str, str] = {"string": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}


def create_table_sql(table: Table) -> str:
    """CREATE TABLE with every column, NOT NULL for required ones, the primary key and foreign keys."""
    columns = [f'"{f.name}" {DUCKDB_TYPES[f.type]}{" NOT NULL" if f.required else ""}' for f in table.fields]
    columns.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    columns += [f"FOREIGN KEY ({', '.join(fk.fields)}) REFERENCES {fk.resource} ({', '.join(fk.reference_fields)})"
                for fk in table.foreign_keys]
    return f"CREATE TABLE {table.name} (\n  " + ",\n  ".join(columns) + "\n)"
