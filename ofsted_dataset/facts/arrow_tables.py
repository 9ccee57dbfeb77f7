"""Rows to Arrow tables in the published column order and types, sorted by primary key.

Sorting by key here is what makes a rebuild byte-identical whatever order mappings were read in.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from schemas.arrow import ARROW_SCHEMAS
from schemas.tables import TABLES


def to_arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = ARROW_SCHEMAS[name]
    columns = {f.name: [row.get(f.name) for row in rows] for f in schema}
    table = pa.Table.from_pydict(columns, schema=schema.with_metadata(None))
    return table.sort_by([(key, "ascending") for key in TABLES[name].primary_key])


def to_arrow_tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    return {name: to_arrow(name, rows.get(name, [])) for name in TABLES}
