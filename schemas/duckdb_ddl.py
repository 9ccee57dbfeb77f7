"""DuckDB's view of the table definitions: column types, CREATE TABLE and COMMENT ON statements, generated.

The release's `ofsted.duckdb` enforces the same keys, foreign keys and required columns as the
Frictionless descriptor and the pandera checks, and carries the same descriptions as the data
dictionary, because all of them come from schemas/tables.py.
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


def comment_sql(table: Table) -> list[str]:
    """COMMENT ON the table and on each of its columns, with their descriptions: someone who has only the
    database file reads what a column means where they query it (duckdb_tables(), duckdb_columns())."""
    return [f"COMMENT ON TABLE {table.name} IS {_text(table.description)}"] + [
        f'COMMENT ON COLUMN {table.name}."{f.name}" IS {_text(f.description)}' for f in table.fields]


def _text(value: str) -> str:
    """`value` as a SQL string literal: descriptions hold apostrophes ("a council's"), which must not end it."""
    return "'" + value.replace("'", "''") + "'"
