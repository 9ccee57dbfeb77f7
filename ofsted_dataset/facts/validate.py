"""Validate the built tables against the data contract before anything is published.

pandera checks each table's columns and row rules a slice of rows at a time (at most SLICE_ROWS), so what it
holds as pandas objects does not grow with the archive; the rules across rows and tables (keys, foreign keys,
quotes and the records they back) run over the whole tables in DuckDB, and each quote is compared with its
article an article at a time (schemas/key_rules.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pandera.backends.pandas.builtin_checks  # noqa: F401 (see below)
import pandera.pandas as pa
import pyarrow as pa_arrow

from ofsted_dataset import freed_memory
from ofsted_dataset.errors import ValidationError
from ofsted_dataset.facts.arrow_tables import key_order, plain, take_sorted
from ofsted_dataset.release.duckdb_access import connect_bounded
from schemas.key_rules import PROVENANCE, QUOTE_IS_EXACT, QUOTED_COLUMNS, ROW, key_rules, misquoted, rows_view
from schemas.pandera_schemas import Context, dataframe_schema
from schemas.tables import TABLES

# pandera imports its pandas backends (and, through them, hypothesis when it is installed) at the first
# validation, a fifth of a second; imported with this module instead, which a build imports while its
# embedded Prefect server boots in a process of its own, and the build's thread would otherwise wait idle.

MAX_ROWS_SHOWN = 20
# Rows pandera checks at once: at 100,000 articles provenance has 7 million, which as one pandas frame with the
# rules' Python strings came to gigabytes.
SLICE_ROWS = 250_000
# Above this many rows in all the tables (some 30,000 articles), the rules across rows and tables run in DuckDB after
# pandera's checks rather than beside them: at 100,000 articles (8.9 million rows) the two side by side took
# validation 590 MB above its start, one after the other 408 MB, for 52 s instead of 44. At 10,000 articles (0.9
# million) the overlap is kept: it is most of the rules' 0.6 s in a one-mapping change.
CHECKED_BESIDE_ROWS = 3_000_000
# pandera's names for its built-in checks, in words.
_CHECK_WORDS = {"not_nullable": "a value", "field_uniqueness": "a unique value",
                "multiple_fields_uniqueness": "a unique key"}


def _row(name: str, values: list[object]) -> str:
    """A row as a curator finds it: its table and key values."""
    key = TABLES[name].primary_key
    return f"{name} (" + ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True)) + ")"


def _describe(name: str, frame: pd.DataFrame, failures: pd.DataFrame) -> list[str]:
    """One line per failing value (column checks) or failing row (row rules), with the row's key so a
    curator can find the record."""
    key = list(TABLES[name].primary_key)
    lines: list[str] = []
    cases = zip(failures["index"], failures["schema_context"], failures["column"], failures["check"],
                failures["failure_case"], strict=True)
    for index, context, column, check_name, failure in cases:
        row = name
        if pd.notna(index) and int(index) in frame.index:
            row = _row(name, list(frame.loc[int(index), key]))
        check = _CHECK_WORDS.get(str(check_name), check_name)
        if context == "DataFrameSchema":
            lines.append(f"{row}: expected {check}")  # a rule over whole rows: one line per row
        else:
            found = "null" if pd.isna(failure) else repr(failure)
            lines.append(f"{row} column {column}: expected {check}: found {found}")
    return lines


def _slices(table: pa_arrow.Table, rows: np.ndarray | None, columns: list[str] | None = None
            ) -> Iterator[pa_arrow.Table]:
    """The rows at positions `rows` (all when None, in order), SLICE_ROWS at a time, each slice with its rows'
    positions in the table as the `ROW` column; only `columns` of them when given. Rows are taken from each
    record batch in turn (arrow_tables.take_sorted: pyarrow's take of a table read from Parquet copies every
    column whole first, and provenance's quotes alone are 640 MB at 100,000 articles)."""
    table = table if columns is None else table.select(columns)
    if rows is None:  # slices of the table itself, no copy
        for start in range(0, table.num_rows, SLICE_ROWS):
            part = table.slice(start, SLICE_ROWS)
            yield part.append_column(ROW, pa_arrow.array(np.arange(start, start + part.num_rows)))
        return
    for start in range(0, len(rows), SLICE_ROWS):
        positions = rows[start:start + SLICE_ROWS]
        order = np.argsort(positions, kind="stable")
        part = take_sorted(table, positions[order])
        if np.any(np.diff(order) < 0):  # back to the order asked for (of this slice's rows only)
            part = part.take(pa_arrow.array(np.argsort(order)))
        yield part.append_column(ROW, pa_arrow.array(positions, pa_arrow.int64()))


def _rows_checked(name: str, table: pa_arrow.Table, ctx: Context, only: np.ndarray | None) -> list[str]:
    """pandera over the rows to check, a slice at a time: a line per failing value or row."""
    schema = dataframe_schema(TABLES[name], ctx, keys=False)
    lines: list[str] = []
    for part in _slices(table, only):
        frame = plain(part.drop_columns([ROW])).to_pandas(types_mapper=pd.ArrowDtype)
        frame.index = pd.Index(part[ROW].to_numpy())
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            lines += _describe(name, frame, exc.failure_cases)
    return lines


def _quotes_checked(table: pa_arrow.Table, texts: Mapping[str, str], only: np.ndarray | None) -> list[str]:
    """Each quote to check against its article (key_rules.misquoted), the rows taken an article at a time so
    that each article's text is read once: a line per misquoted row, in key order."""
    rows = np.arange(table.num_rows) if only is None else np.asarray(only, dtype=np.int64)
    sources = table["source_id"] if only is None else take_sorted(table.select(["source_id"]), rows)["source_id"]
    rows = rows[key_order(pa_arrow.table({"source_id": sources}), ["source_id"]).to_numpy()]
    failing = [part[ROW].to_numpy()[misquoted(plain(part), texts)]
               for part in _slices(table, rows, list(QUOTED_COLUMNS))]
    return _lines(PROVENANCE, table, np.sort(np.concatenate([np.array([], np.int64), *failing])), QUOTE_IS_EXACT)


def _lines(name: str, table: pa_arrow.Table, rows: np.ndarray | pa_arrow.ChunkedArray, check: str) -> list[str]:
    """A line for each of `rows` (ascending positions in `table`) failing a rule, naming the row by its key."""
    keys = take_sorted(table.select(list(TABLES[name].primary_key)), np.asarray(rows)).to_pylist()
    return [f"{_row(name, list(values.values()))}: expected {check}" for values in keys]


def _across_rows(tables: dict[str, pa_arrow.Table], present: list[str]) -> dict[str, list[str]]:
    """Each table's rules across rows and tables, run by DuckDB over the whole tables: a line per failing row."""
    con = connect_bounded()
    try:
        for name in present:
            table = tables[name]
            con.register(rows_view(name), table.append_column(ROW, pa_arrow.array(
                np.arange(table.num_rows, dtype=np.int64))))
        return {name: [line for rule in key_rules(name, present)
                       for line in _lines(name, tables[name], con.sql(rule.sql).to_arrow_table()[ROW], rule.check)]
                for name in present}
    finally:
        con.close()


def validate_tables(tables: dict[str, pa_arrow.Table], texts: Mapping[str, str] | None,
                    only: dict[str, np.ndarray] | None = None) -> dict[str, int]:
    """Check every table and every rule across rows and tables; raise with the failing rows shown. With `only`
    (changed_rows.rows_to_check), each table's columns, row rules and quotes are checked on those rows; the rules
    across rows and tables always over whole tables, which DuckDB does on another thread while pandera checks
    the rows (pandera holds the interpreter's lock, DuckDB does not)."""
    present = [name for name in TABLES if name in tables]  # an older release may lack a table
    ctx = Context.of(tables.get("judgements"))
    details: dict[str, None] = {}  # the failure lines, each once, in order
    beside = sum(tables[name].num_rows for name in present) <= CHECKED_BESIDE_ROWS
    with ThreadPoolExecutor(max_workers=1) as pool:
        across = pool.submit(_across_rows, tables, present) if beside else None
        checked = {}
        for name in present:
            rows = None if only is None else only[name]
            checked[name] = _rows_checked(name, tables[name], ctx, rows)
            if name == PROVENANCE and texts is not None:
                checked[name] += _quotes_checked(tables[name], texts, rows)
        freed_memory.give_back()  # pandas' objects of the slices, before DuckDB's memory (not Python's) grows
        for name, lines in (across.result() if across else _across_rows(tables, present)).items():
            details.update(dict.fromkeys(checked[name]))
            details.update(dict.fromkeys(lines))
    if details:
        lines = list(details)
        shown = lines[:MAX_ROWS_SHOWN]
        if len(lines) > MAX_ROWS_SHOWN:
            shown.append(f"... and {len(lines) - MAX_ROWS_SHOWN} more")
        raise ValidationError(f"{len(lines)} validation failure(s); nothing was published.", shown)
    return {name: tables[name].num_rows for name in present}
