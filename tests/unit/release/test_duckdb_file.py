"""The release's `ofsted.duckdb` (1.0.0 of the seed corpus) as its users open it: with the pinned DuckDB 1.x
CLI, which refuses a file in DuckDB 2's format, finding every table, column and view described, and with
the pipeline's own DuckDB, which verifies it."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from ofsted_dataset.release.duckdb_access import connect_bounded
from ofsted_dataset.release.duckdb_file import DUCKDB_FILE, DUCKDB_VIEWS, MINIMUM_DUCKDB_VERSION, write_duckdb
from schemas.duckdb_ddl import comment_sql, create_table_sql
from schemas.model import Field, Origin, Table
from schemas.tables import INSPECTIONS, TABLES


def cli() -> Path:
    """The binary the duckdb-cli wheel ships inside its package (its `duckdb` script only wraps it)."""
    spec = importlib.util.find_spec("duckdb_cli")
    assert spec is not None and spec.submodule_search_locations, "duckdb-cli (a dev dependency) is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "duckdb"


def query(database: Path, sql: str) -> list[dict[str, Any]]:
    """The rows `sql` gives in the CLI, the database opened read-only and no ~/.duckdbrc read."""
    run = subprocess.run([cli(), "-init", os.devnull, "-readonly", "-json", database, "-c", sql],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    rows: list[dict[str, Any]] = json.loads(run.stdout)
    return rows


@pytest.fixture(scope="module")
def database(seed_release: Path) -> Path:
    return seed_release / "published" / "1.0.0" / DUCKDB_FILE


def test_the_pinned_cli_is_duckdb_1_5_6_and_opens_the_file(database: Path) -> None:
    assert query(database, "select version() as version") == [{"version": "v1.5.6"}]


def test_the_inspections_table_and_its_overall_grade_carry_their_schema_descriptions(database: Path) -> None:
    assert query(database, "select comment from duckdb_tables() where table_name = 'inspections'") == [
        {"comment": INSPECTIONS.description}]
    assert query(database, "select comment from duckdb_columns() "
                           "where table_name = 'inspections' and column_name = 'overall_grade'") == [
        {"comment": INSPECTIONS.field("overall_grade").description}]


def test_every_table_and_every_column_carries_its_schema_description(database: Path) -> None:
    tables = query(database, "select table_name, comment from duckdb_tables()")
    assert {row["table_name"]: row["comment"] for row in tables} == {
        name: table.description for name, table in TABLES.items()}
    columns = query(database, "select table_name, column_name, comment from duckdb_columns() "
                              "where table_name in (select table_name from duckdb_tables())")
    assert {(row["table_name"], row["column_name"]): row["comment"] for row in columns} == {
        (name, field.name): field.description for name, table in TABLES.items() for field in table.fields}


def test_every_view_carries_its_description(database: Path) -> None:
    views = query(database, "select view_name, comment from duckdb_views() where not internal")
    assert {row["view_name"]: row["comment"] for row in views} == {
        name: view.description for name, view in DUCKDB_VIEWS.items()}


def test_the_cli_counts_as_many_rows_as_each_parquet_file_holds(database: Path) -> None:
    counts = query(database, " union all ".join(f"select '{name}' as name, count(*) as n from {name}"
                                                for name in TABLES))
    assert {row["name"]: row["n"] for row in counts} == {
        name: pq.read_metadata(database.parent / "data" / f"{name}.parquet").num_rows for name in TABLES}
    assert {row["name"]: row["n"] for row in counts}["inspections"] == 10


def test_the_file_is_in_the_storage_format_of_duckdb_1_1(database: Path) -> None:
    """DuckDB's storage page documents both ways to read it: the version number after the magic bytes
    of the header (64: v0.9.x to v1.1.x), and the `storage_version` tag duckdb_databases() gives."""
    with database.open("rb") as handle:
        header = struct.Struct("<8x4sQ")
        assert header.unpack(handle.read(header.size)) == (b"DUCK", 64)
    assert query(database, "select tags['storage_version'] as storage_version from duckdb_databases() "
                           "where database_name = current_database()") == [{"storage_version": "v1.0.0+"}]
    assert MINIMUM_DUCKDB_VERSION == "1.1.0"


def test_the_pipelines_duckdb_still_opens_it_read_only(database: Path) -> None:
    assert duckdb.__version__ == "2.0.1"
    con = connect_bounded(database, read_only=True)
    try:
        assert con.execute("select comment from duckdb_tables() where table_name = 'inspections'").fetchall() == [
            (INSPECTIONS.description,)]
        assert con.execute("select count(*) from latest_overall_grade").fetchall() == [(4,)]
    finally:
        con.close()


def test_a_description_with_quotes_is_commented_exactly() -> None:
    field = Field("note", "string", "A council's 'own' words; -- not a comment", Origin.CURATOR, required=True)
    table = Table("notes", "Notes", "Each note's text, as it's quoted", (field,), ("note",))
    con = connect_bounded()
    try:
        for statement in [create_table_sql(table), *comment_sql(table)]:
            con.execute(statement)
        assert con.execute("select comment from duckdb_tables()").fetchall() == [(table.description,)]
        assert con.execute("select comment from duckdb_columns() where table_name = 'notes'").fetchall() == [
            (field.description,)]
    finally:
        con.close()


def test_the_file_can_be_built_beside_the_release(database: Path, tmp_path: Path) -> None:
    """A publish builds it outside the release folder while the page, which lists that folder, is written."""
    release = tmp_path / "release"
    shutil.copytree(database.parent / "data", release / "data")
    beside = tmp_path / "beside" / DUCKDB_FILE
    beside.parent.mkdir()
    write_duckdb(release, beside)
    assert sorted(p.name for p in release.iterdir()) == ["data"]
    con = connect_bounded(beside, read_only=True)
    try:
        assert con.execute("select count(*) from inspections").fetchall() == [(10,)]
    finally:
        con.close()
