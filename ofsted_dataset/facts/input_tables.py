"""Read an input table the project keeps (reference data, the official extract) by its definition.

The definition in schemas/ says which columns the file has, in which order, and what each value may
be; this reader holds the file to it. A wrong header, a missing required value, a value outside its
vocabulary or pattern, a number or date that does not parse: each stops the run with the file, line,
column, what was expected and what was found, so the person who edited the file can fix it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

from ofsted_dataset.errors import PipelineError
from schemas.model import Field, Table

Row = dict[str, Any]
# How a value of each type must be written in an input file, as the error messages say it.
_WRITTEN = {"integer": "a whole number", "date": "a date written YYYY-MM-DD", "boolean": "true or false",
            "string": "text"}


def _typed(f: Field, text: str) -> Any:
    """One cell as its field's type; raises ValueError with what was expected."""
    if f.type == "integer":
        return int(text)
    if f.type == "date":
        return dt.date.fromisoformat(text)
    if f.type == "boolean":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    return text


def _problem(f: Field, item: str) -> str | None:
    """What is wrong with one (non-empty) item of a cell, or None."""
    if f.enum and item not in f.enum:
        return f"one of {', '.join(f.enum)}"
    if f.pattern and not re.match(f.pattern, item):
        return f"a value matching {f.pattern}"
    return None


def _cell(f: Field, text: str, where: str, problems: list[str]) -> Any:
    """The cell's value (a tuple of items for a list field, None when empty), noting any problem."""
    if not text:
        if f.required:
            problems.append(f"{where} {f.name}: expected a value, found an empty cell")
        return () if f.separator else None
    items = [i for i in text.split(f.separator) if i] if f.separator else [text]
    values = []
    for item in items:
        expected = _problem(f, item)
        try:
            values.append(_typed(f, item))
        except ValueError:
            expected = expected or _WRITTEN[f.type]
        if expected:
            problems.append(f"{where} {f.name}: expected {expected}, found {item!r}")
    return tuple(values) if f.separator else (values[0] if values else None)


def read_input_table(root: Path, table: Table, *, missing_ok: bool = False) -> list[Row]:
    """Every row of `table`'s file in the project at `root`, each value typed by its field (list fields
    as tuples, empty cells as None). Informative columns are checked but not returned: nothing reads
    them. A missing file is an error unless `missing_ok` (then no rows)."""
    assert table.location is not None, f"{table.name} is not an input file"
    path = root / table.location
    if not path.is_file():
        if missing_ok:
            return []
        raise PipelineError(f"{table.location} is missing in {root}: restore it from the repository")
    return read_input_file(path, table, table.location)


def read_input_file(path: Path, table: Table, shown: str) -> list[Row]:
    """The rows of a file held to `table`'s definition, wherever the file is (a test's or a snapshot's
    copy, say); messages name it as `shown`."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if header != table.field_names:
            raise PipelineError(f"{shown}: unexpected columns",
                                [f"expected {','.join(table.field_names)}", f"found {','.join(header)}"])
        rows, problems = [], []
        for line, cells in enumerate(reader, start=2):
            if len(cells) != len(header):
                problems.append(f"line {line}: expected {len(header)} cells, found {len(cells)}")
                continue
            values = [_cell(f, text, f"line {line}", problems) for f, text in zip(table.fields, cells, strict=True)]
            rows.append({f.name: v for f, v in zip(table.fields, values, strict=True) if not f.informative})
    if problems:
        raise PipelineError(f"{shown}: {len(problems)} problem(s); fix the file and run again",
                            problems)
    return rows
