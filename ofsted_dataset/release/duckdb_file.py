"""The release's DuckDB database file: every table, its keys and foreign keys, and the views for the
questions users ask most, each described in the file itself. Its rows are the release's own Parquet files':
loaded from them, or, for a patch release, the previous release's file with the rows that changed applied."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ofsted_dataset.release.duckdb_access import DUCKDB_MEMORY_MB, connect_bounded, read_parquet_sql, sql_name, sql_text
from ofsted_dataset.release.files import CHECKSUMS, listed_checksums, parquet_file, sha256_file
from schemas.datapackage import table_schema
from schemas.duckdb_ddl import comment_sql, create_table_sql
from schemas.tables import JUDGEMENTS, TABLES

DUCKDB_FILE = "ofsted.duckdb"

# The oldest DuckDB release that opens the file, written as the STORAGE_VERSION DuckDB is asked for
# (DuckDB documents that option as "the minimum DuckDB version that should be able to read the database
# file"). The project's DuckDB writes by default a format only DuckDB 2.x reads; the oldest format it can
# write is storage version 64, the one of v0.9–v1.1 (duckdb_databases() tags it 'v1.0.0+'), and asking for
# any of v0.10.0–v1.1.0 gives the same bytes. Found by experiment, writing this module's tables, keys,
# views and comments that way and opening the file with each release's Python package: 1.1.0, 1.1.3,
# 1.2.0, 1.3.0, 1.4.0 and 1.5.0, and the 1.5.6 CLI the tests run, read everything; 1.0.0 and 0.10.x fail
# to deserialize the primary-key indexes ("expected end of object, but found field id: 103"), so 1.1.0,
# not 1.0.0, is the honest minimum.
MINIMUM_DUCKDB_VERSION: str = "1.1.0"


@dataclass(frozen=True)
class View:
    """A view shipped in the file: its description becomes its comment, so the file explains it."""

    description: str
    sql: str


# Views shipped in the DuckDB file, for the questions users ask most.
DUCKDB_VIEWS: dict[str, View] = {
    "latest_overall_grade": View(
        "The latest known overall grade of each council: of its inspections with an overall grade, the one "
        "with the latest publication date (or visit start, for an inspection without one), with Ofsted's "
        "verdict beside it: official_status is conflict when the official record contradicts the news.",
        """
        select local_authority, la_code, inspection_id, overall_grade, published_date, published_date_precision,
               published_date_end, official_status, official_overall_grade, official_conflicts
        from inspections where overall_grade is not null
        qualify row_number() over (
            partition by la_code order by coalesce(published_date, visit_start) desc, inspection_id desc) = 1"""),
    "judgement_evidence": View(
        "Every graded judgement with each quote that backs its grade: the article and the characters "
        "(char_start to char_end) of its raw text the quote spans.",
        """
        select j.inspection_id, j.area, j.area_label, j.grade, p.source_id, p.char_start, p.char_end, p.quote, p.note
        from judgements j join provenance p
          on p.table_name = 'judgements' and p.field = 'grade'
         and p.record_id = """ + JUDGEMENTS.record_id_sql("j")),
}


# The database file's keys are ART indexes, which DuckDB holds in its memory while rows go in, until a checkpoint
# writes them to the file. Measured at 7.1 million provenance rows (100,000 articles): loaded at once they needed
# 2.5 GB of DuckDB's memory (2 GB failed; the process peaked at 2.3 GB); loaded a million at a time, with a
# checkpoint after each, 400 MB was enough (a 0.5 GB peak), in 33 s against 30 s. So a file is loaded ROWS_AT_ONCE
# rows of a table at a time, under a limit of BYTES_PER_PROVENANCE_ROW for each (never less than the pipeline's
# usual limit); a file updated in place (`_update`), which loads no table whole, under that much for every
# provenance row of the release.
ROWS_AT_ONCE = 1_000_000
BYTES_PER_PROVENANCE_ROW = 400


def memory_limit(directory: Path) -> str:
    """DuckDB's memory limit for updating the database file of the release in `directory`."""
    return _memory_limit(_provenance_rows(directory))


def _provenance_rows(directory: Path) -> int:
    return pq.read_metadata(parquet_file(directory, "provenance")).num_rows


def _memory_limit(provenance_rows: int) -> str:
    return f"{max(DUCKDB_MEMORY_MB, -(-provenance_rows * BYTES_PER_PROVENANCE_ROW // 1_000_000))}MB"


# The storage format number the file's header carries (bytes 12-20) when written as MINIMUM_DUCKDB_VERSION
# reads it: a previous release's file is updated in place only when it is in that format.
STORAGE_FORMAT = 64
_HEADER_FORMAT = slice(12, 20)


def write_duckdb(directory: Path, database: Path | None = None, previous: Path | None = None,
                 written: Future[None] | None = None) -> None:
    """One file with every table (keys and foreign keys enforced by DuckDB) and the views above, all
    described (`_load`).

    It is loaded from the Parquet files of the release `directory` and written to `directory`/ofsted.duckdb,
    or to `database` when given (a publish builds it beside the release while the release page, which lists
    the release's files, is written).

    With the `previous` release's folder, the file is that release's file with the rows that changed
    applied (`_update`), when it can be: loading every row again, and indexing them for the keys, costs
    seconds per hundred thousand provenance rows while a patch release changes a few. Its tables then hold
    the same rows as loading them would give, but not in the same order: the file is verified by content
    (verify.py), never by bytes.

    `written`, when given, is done once the release's Parquet files are written (a publish starts building the
    file while it writes them): until then only the previous release's file is read."""
    path = database or directory / DUCKDB_FILE
    path.unlink(missing_ok=True)
    if previous is not None and _update(directory, path, previous, written):
        return
    if written is not None:
        written.result()
    _load(path, {name: parquet_file(directory, name) for name in TABLES}, _provenance_rows(directory))


def write_duckdb_from_tables(tables: Mapping[str, pa.Table], database: Path) -> None:
    """The file write_duckdb loads from a release's Parquet files, loaded instead from the `tables` they are
    written from (files.write_data_files writes each as it is): a first release's publish builds it while
    they are being written. Verified against the tables as any release's file is (verify.py)."""
    database.unlink(missing_ok=True)
    _load(database, tables, tables["provenance"].num_rows)


def _load(path: Path, rows: Mapping[str, Path | pa.Table], provenance_rows: int) -> None:
    """Every table, described, with the rows of its Parquet file or Arrow table in `rows`, then the views, in
    a new file at `path`: attached from a bounded in-memory connection because the storage version is an option
    of ATTACH, so that it is written in the format MINIMUM_DUCKDB_VERSION reads, not this DuckDB's newest. A
    table of more than ROWS_AT_ONCE rows goes in that many at a time, each part checkpointed (see there)."""
    con = connect_bounded(memory_limit=_memory_limit(min(provenance_rows, ROWS_AT_ONCE)))
    try:
        con.execute(f"ATTACH {sql_text(path.as_posix())} AS release "
                    f"(STORAGE_VERSION {sql_text('v' + MINIMUM_DUCKDB_VERSION)})")
        con.execute("USE release")
        for name in TABLES:  # referenced tables come first in TABLES
            con.execute(create_table_sql(TABLES[name]))
            _insert(con, name, rows[name])
            for statement in comment_sql(TABLES[name]):
                con.execute(statement)
        _create_views(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _insert(con: duckdb.DuckDBPyConnection, name: str, source: Path | pa.Table) -> None:
    """The rows of a Parquet file or an Arrow table into the table `name`: at once, or ROWS_AT_ONCE at a time in
    the file's or the table's order, each part checkpointed."""
    if isinstance(source, Path):
        relation, count = con.read_parquet(source.as_posix()), pq.read_metadata(source).num_rows
    else:
        relation, count = con.from_arrow(source), source.num_rows
    if count <= ROWS_AT_ONCE:
        relation.insert_into(name)
        return
    for start in range(0, count, ROWS_AT_ONCE):
        relation.limit(ROWS_AT_ONCE, offset=start).insert_into(name)
        con.execute("CHECKPOINT")


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    """The views of DUCKDB_VIEWS, described, in place of any the file holds (a previous release's file may
    hold views this code no longer ships, or ships changed)."""
    for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
                               "AND NOT internal").fetchall():
        con.execute(f"DROP VIEW {sql_name(name)}")
    for name, view in DUCKDB_VIEWS.items():
        con.execute(f"CREATE VIEW {name} AS {view.sql}")
        con.execute(f"COMMENT ON VIEW {name} IS {sql_text(view.description)}")


def _updatable(release: Path) -> bool:
    """Whether the `release`'s file can become a later release's: it is there, in STORAGE_FORMAT, beside the
    release's SHA256SUMS, and the release describes every table exactly as schemas/tables.py does (so the
    file's tables, keys and comments are this code's; the later release must describe them so too)."""
    old = release / DUCKDB_FILE
    if not old.is_file() or not (release / CHECKSUMS).is_file():
        return False
    with old.open("rb") as handle:
        header = handle.read(_HEADER_FORMAT.stop)
    if len(header) < _HEADER_FORMAT.stop or int.from_bytes(header[_HEADER_FORMAT], "little") != STORAGE_FORMAT:
        return False
    return _as_this_code(release)


def _as_this_code(release: Path) -> bool:
    """Whether the release describes every table exactly as schemas/tables.py does."""
    return _described_tables(release) == {name: table_schema(table) for name, table in TABLES.items()}


def _described_tables(release: Path) -> dict[str, Any]:
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    return {resource["name"]: resource["schema"] for resource in descriptor["resources"]}


def _update(directory: Path, path: Path, previous: Path, written: Future[None] | None) -> bool:
    """Write `path` as the `previous` release's file with the rows of `directory`'s Parquet files that differ
    from the previous release's applied: new records inserted (referenced tables first), changed values
    updated in place, and records that are gone deleted (referring tables first), so that the keys and foreign
    keys hold after every statement. A table whose Parquet file is the same bytes is untouched. False, with
    nothing left at `path`, when the file cannot be updated (see `_updatable`) or DuckDB refuses a statement:
    the caller then loads every row. The previous file is copied before `written` (if any) is waited for."""
    if not _updatable(previous):
        return False
    shutil.copyfile(previous / DUCKDB_FILE, path)
    if written is not None:
        written.result()
    if not _as_this_code(directory):
        path.unlink()
        return False
    listed = listed_checksums(previous)  # the previous release's Parquet files as it was verified, not read again
    changed = [name for name in TABLES if sha256_file(parquet_file(directory, name))
               != listed.get(parquet_file(previous, name).relative_to(previous).as_posix())]
    try:
        _apply(path, _row_changes_sql(directory, changed), memory_limit(directory))
    except duckdb.Error:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        return False
    return True


def _apply(path: Path, statements: list[str], limit: str) -> None:
    """Run `statements` on the database file `path` (in its own format) under the memory `limit`, then ship
    this code's views."""
    con = connect_bounded(memory_limit=limit)
    try:
        con.execute(f"ATTACH {sql_text(path.as_posix())} AS release")
        con.execute("USE release")
        for statement in statements:
            con.execute(statement)
        _create_views(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _row_changes_sql(directory: Path, changed: list[str]) -> list[str]:
    """The statements that turn the tables `changed` into the rows of `directory`'s Parquet files, in an
    order the keys allow: every insert (referenced tables first), every update, every delete (referring
    tables first). Only non-key columns are updated, so no row's key changes in place."""
    inserts, updates, deletes = [], [], []
    for name in changed:
        table, new = TABLES[name], read_parquet_sql(parquet_file(directory, name))
        keys = ", ".join(sql_name(k) for k in table.primary_key)
        on_keys = " AND ".join(f"{name}.{sql_name(k)} = n.{sql_name(k)}" for k in table.primary_key)
        inserts.append(f"INSERT INTO {name} SELECT n.* FROM {new} n ANTI JOIN {name} o USING ({keys})")
        values = [sql_name(f.name) for f in table.fields if f.name not in table.primary_key]
        if values:
            updates.append(f"UPDATE {name} SET {', '.join(f'{v} = n.{v}' for v in values)} FROM {new} n "
                           f"WHERE {on_keys} AND ({' OR '.join(f'{name}.{v} IS DISTINCT FROM n.{v}' for v in values)})")
        deletes.append(f"DELETE FROM {name} WHERE NOT EXISTS (SELECT 1 FROM {new} n WHERE {on_keys})")
    return inserts + updates + deletes[::-1]
