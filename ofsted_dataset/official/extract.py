"""The extract as a file: written and read by its one definition (schemas/official_extract.py).

The snapshot writes each value as text by its field's type; the checks read it back with the
project's reader of kept input files, which holds the header and every value to the same definition
and types each by its field. So a column is added or retyped in one place only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ofsted_dataset.facts.input_tables import read_input_file
from schemas.model import Field
from schemas.official_extract import OFFICIAL_OUTCOMES

COLUMNS: tuple[str, ...] = tuple(OFFICIAL_OUTCOMES.field_names)


def _text(f: Field, value: object) -> str:
    """One value as the CSV holds it; an empty cell for none."""
    if value is None or value == "":
        return ""
    if f.type == "date" and isinstance(value, date):
        return value.isoformat()
    if f.type == "integer" and isinstance(value, int):
        return str(value)
    if f.type == "string" and isinstance(value, str):
        return value
    raise TypeError(f"{OFFICIAL_OUTCOMES.name}.{f.name} is a {f.type}, not {value!r}")


def csv_text(rows: Iterable[Mapping[str, object]]) -> str:
    """The extract's text: the header, then every row with exactly the definition's columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        if set(row) != set(COLUMNS):
            raise KeyError(f"a row of {OFFICIAL_OUTCOMES.name} has columns {sorted(set(row) ^ set(COLUMNS))} "
                           "unlike its definition")
        writer.writerow([_text(f, row[f.name]) for f in OFFICIAL_OUTCOMES.fields])
    return buffer.getvalue()


def read_extract(path: Path) -> list[dict[str, Any]]:
    """Every row of the extract at `path`, each value typed by its field (an empty cell is None).
    Raises PipelineError, with file, line and column, for a file unlike its definition."""
    return read_input_file(path, OFFICIAL_OUTCOMES, path.name)
