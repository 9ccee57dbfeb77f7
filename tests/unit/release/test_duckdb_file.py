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
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from ofsted_dataset.release import duckdb_file
from ofsted_dataset.release.duckdb_access import connect_bounded
from ofsted_dataset.release.duckdb_file import (
    DUCKDB_FILE,
    DUCKDB_VIEWS,
    MINIMUM_DUCKDB_VERSION,
    STORAGE_FORMAT,
    _update,
    memory_limit,
    write_duckdb,
    write_duckdb_from_tables,
)
from ofsted_dataset.release.files import parquet_file
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


def _contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = connect_bounded(path, read_only=True)
    try:
        return {name: con.execute(f"select * from {name} order by all").fetchall() for name in TABLES}
    finally:
        con.close()


def test_the_file_built_from_the_tables_holds_what_the_one_built_from_their_parquet_files_holds(
        database: Path, tmp_path: Path) -> None:
    """A first release's publish loads it from the tables its data files are written from: every table, row,
    column type, comment and view the same as loading those files gives."""
    release = database.parent
    from_files, from_tables = tmp_path / "files.duckdb", tmp_path / "tables.duckdb"
    write_duckdb(release, from_files)
    write_duckdb_from_tables({name: pq.read_table(parquet_file(release, name)) for name in TABLES}, from_tables)
    described = []
    for path in (from_files, from_tables):
        con = connect_bounded(path, read_only=True)
        try:
            described.append((
                con.execute("select table_name, column_name, data_type, comment from duckdb_columns() "
                            "order by all").fetchall(),
                con.execute("select table_name, constraint_type, constraint_text from duckdb_constraints() "
                            "order by all").fetchall(),
                con.execute("select view_name, comment, sql from duckdb_views() where not internal "
                            "order by all").fetchall()))
        finally:
            con.close()
    assert described[0] == described[1]
    assert _contents(from_files) == _contents(from_tables)
    assert len(_contents(from_tables)["inspections"]) == 10


def test_a_table_of_more_rows_than_load_at_once_goes_in_a_part_at_a_time(database: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Each part checkpointed, so that DuckDB holds the key index of one part in memory, not of the table's
    every row: the same rows, from the tables or from their files, in parts that do not divide them evenly."""
    release = database.parent
    tables = {name: pq.read_table(parquet_file(release, name)) for name in TABLES}
    assert tables["provenance"].num_rows > 100
    statements: list[str] = []
    connect = duckdb_file.connect_bounded

    def recorded(*args: Any, **kwargs: Any) -> Any:
        con = connect(*args, **kwargs)
        execute = con.execute

        class Recording:
            def __getattr__(self, name: str) -> Any:
                return getattr(con, name)

            def execute(self, sql: str, *rest: Any) -> Any:
                statements.append(sql)
                return execute(sql, *rest)

        return Recording()

    monkeypatch.setattr(duckdb_file, "ROWS_AT_ONCE", 40)
    monkeypatch.setattr(duckdb_file, "connect_bounded", recorded)
    from_files, from_tables = tmp_path / "files.duckdb", tmp_path / "tables.duckdb"
    write_duckdb(release, from_files)
    parts = sum(-(-table.num_rows // 40) for table in tables.values() if table.num_rows > 40)
    assert parts > tables["provenance"].num_rows // 40
    assert statements.count("CHECKPOINT") == parts + 1  # and the last, once the views are made
    write_duckdb_from_tables(tables, from_tables)
    assert statements.count("CHECKPOINT") == 2 * (parts + 1)
    assert _contents(from_files) == _contents(from_tables) == _contents(database)


def _next_release(previous: Path, target: Path, edit: Callable[[dict[str, pa.Table]], None]) -> Path:
    """A release folder with `previous`'s descriptor and its tables as `edit` leaves them (in key order)."""
    (target / "data").mkdir(parents=True)
    shutil.copy(previous / "datapackage.json", target / "datapackage.json")
    tables = {name: pq.read_table(parquet_file(previous, name)) for name in TABLES}
    edit(tables)
    for name, table in tables.items():
        pq.write_table(table.sort_by([(k, "ascending") for k in TABLES[name].primary_key]),
                       parquet_file(target, name))
    return target


def _rows_in_key_order(database: Path, release: Path) -> dict[str, bool]:
    """Per table, whether the database holds the Parquet file's rows (read in key order)."""
    con = connect_bounded(database, read_only=True)
    try:
        return {name: con.sql(f"select * from {name} order by {', '.join(TABLES[name].primary_key)}")
                .to_arrow_table().cast(pq.read_schema(parquet_file(release, name))).equals(
                    pq.read_table(parquet_file(release, name)))
                for name in TABLES}
    finally:
        con.close()


def _with_inspection(rows: pa.Table, inspection_id: str) -> pa.Table:
    """`rows` (one) as a row of another inspection, its column's type and nullability kept."""
    column = rows.column_names.index("inspection_id")
    return rows.set_column(column, rows.schema.field(column), pa.array([inspection_id]))


def _a_patch(tables: dict[str, pa.Table]) -> None:
    """One inspection gone with everything that refers to it, a new one with a judgement, a changed value."""
    gone = "birmingham-2017-monitoring-visit"
    for name in ("inspections", "judgements", "recommendations", "funding_commitments", "grade_counts",
                 "inspections_flat"):
        tables[name] = tables[name].filter(pc.field("inspection_id") != gone)
    tables["provenance"] = tables["provenance"].filter(~pc.starts_with(pc.field("record_id"), gone))
    for name in ("inspections", "judgements"):
        tables[name] = pa.concat_tables(
            [tables[name], _with_inspection(tables[name].slice(0, 1), "zzz-2024-new-inspection")])
    inspections = tables["inspections"]
    grade = inspections.column_names.index("overall_grade")
    first = pc.equal(inspections["inspection_id"], "birmingham-2008-full-inspection")
    tables["inspections"] = inspections.set_column(
        grade, inspections.schema.field(grade), pc.if_else(first, "good", inspections["overall_grade"]))


def test_a_patch_release_updates_the_previous_file_to_hold_its_rows(database: Path, tmp_path: Path) -> None:
    """Rows inserted referenced tables first, updated in place, deleted referring tables first: the keys hold
    throughout, and the file is the previous one's format, which DuckDB 1.x opens."""
    previous = database.parent
    release = _next_release(previous, tmp_path / "next", _a_patch)
    target = tmp_path / DUCKDB_FILE
    assert _update(release, target, previous, None) is True
    assert _rows_in_key_order(target, release) == dict.fromkeys(TABLES, True)
    assert struct.unpack("<Q", target.read_bytes()[12:20]) == (STORAGE_FORMAT,)
    assert query(target, "select overall_grade from inspections "
                         "where inspection_id = 'birmingham-2008-full-inspection'") == [{"overall_grade": "good"}]
    assert query(target, "select count(*) as n from judgement_evidence") == query(
        database, "select count(*) as n from judgement_evidence")


def test_the_previous_file_is_not_updated_when_a_table_is_described_otherwise(database: Path, tmp_path: Path) -> None:
    previous = tmp_path / "previous"
    shutil.copytree(database.parent, previous)
    descriptor = json.loads((previous / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][0]["description"] = "an older wording"
    (previous / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    release = _next_release(database.parent, tmp_path / "next", _a_patch)
    assert _update(release, tmp_path / DUCKDB_FILE, previous, None) is False
    write_duckdb(release, previous=previous)
    assert _rows_in_key_order(release / DUCKDB_FILE, release) == dict.fromkeys(TABLES, True)


def test_a_release_described_otherwise_than_this_code_gets_no_updated_file(database: Path, tmp_path: Path) -> None:
    """The previous file is copied before the new release's descriptor is read (a publish writes it meanwhile):
    the copy goes when that descriptor turns out not to be this code's."""
    release = _next_release(database.parent, tmp_path / "next", _a_patch)
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][0]["description"] = "a newer wording"
    (release / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert _update(release, tmp_path / DUCKDB_FILE, database.parent, None) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next"]


def test_the_previous_file_is_copied_while_the_release_is_written(database: Path, tmp_path: Path) -> None:
    """A publish builds the file while it writes the release's Parquet files: only the previous release's file
    is read until they are written (`written`)."""
    target = tmp_path / "building" / DUCKDB_FILE
    target.parent.mkdir()
    written: Future[None] = Future()
    with ThreadPoolExecutor(max_workers=1) as pool:
        building = pool.submit(write_duckdb, tmp_path / "next", target, database.parent, written)
        deadline = time.monotonic() + 60
        while not (target.is_file() and target.stat().st_size == database.stat().st_size):
            assert time.monotonic() < deadline and not building.done()
            time.sleep(0.01)
        assert not building.done()  # waiting for the release it describes, which is not there yet
        _next_release(database.parent, tmp_path / "next", _a_patch)
        written.set_result(None)
        building.result()
    assert _rows_in_key_order(target, tmp_path / "next") == dict.fromkeys(TABLES, True)


def test_the_database_file_gives_up_when_its_release_could_not_be_written(database: Path, tmp_path: Path) -> None:
    written: Future[None] = Future()
    written.set_exception(OSError("no space left on device"))
    with pytest.raises(OSError, match="no space left"):
        write_duckdb(tmp_path / "next", tmp_path / DUCKDB_FILE, database.parent, written)


def test_rows_duckdb_refuses_leave_no_updated_file(database: Path, tmp_path: Path) -> None:
    """A judgement of an inspection that is not there breaks a foreign key: the update gives up, and loading
    every row then reports the broken key as before."""
    def orphan(tables: dict[str, pa.Table]) -> None:
        tables["judgements"] = pa.concat_tables(
            [tables["judgements"], _with_inspection(tables["judgements"].slice(0, 1), "nowhere-2024-full-inspection")])

    release = _next_release(database.parent, tmp_path / "next", orphan)
    target = tmp_path / DUCKDB_FILE
    assert _update(release, target, database.parent, None) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next"]
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        write_duckdb(release, target, previous=database.parent)


def test_an_updated_file_ships_this_codes_views_only(database: Path, tmp_path: Path) -> None:
    previous = Path(shutil.copytree(database.parent, tmp_path / "previous"))
    con = duckdb.connect(str(previous / DUCKDB_FILE))
    con.execute("CREATE VIEW retired_view AS SELECT 1 AS one")
    con.close()
    release = _next_release(previous, tmp_path / "next", lambda tables: None)
    target = tmp_path / DUCKDB_FILE
    assert _update(release, target, previous, None) is True
    views = query(target, "select view_name, comment from duckdb_views() where not internal order by view_name")
    assert views == [{"view_name": name, "comment": view.description} for name, view in sorted(DUCKDB_VIEWS.items())]


def test_the_file_is_built_under_a_memory_limit_that_grows_with_provenance(
        database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its key indexes are held whole while rows go in: at 100,000 articles the usual 256 MB failed."""
    rows = pq.read_metadata(parquet_file(database.parent, "provenance")).num_rows
    assert memory_limit(database.parent) == "256MB"
    monkeypatch.setattr(duckdb_file, "BYTES_PER_PROVENANCE_ROW", 10_000_000)
    assert memory_limit(database.parent) == f"{rows * 10}MB"
