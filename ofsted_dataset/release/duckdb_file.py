"""The release's DuckDB database file: every table, its keys and foreign keys, and the views for the
questions users ask most, loaded from the release's own Parquet files, each described in the file itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ofsted_dataset.release.duckdb_access import connect_bounded, read_parquet_sql, sql_text
from ofsted_dataset.release.files import parquet_file
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


def write_duckdb(directory: Path, database: Path | None = None) -> None:
    """One file with every table (keys and foreign keys enforced by DuckDB) and the views above, all
    described. It is attached from a bounded in-memory connection because the storage version is an
    option of ATTACH: written in the format MINIMUM_DUCKDB_VERSION reads, not this DuckDB's newest.

    It is loaded from the Parquet files of the release `directory` and written to `directory`/ofsted.duckdb,
    or to `database` when given (a publish builds it beside the release while the release page, which lists
    the release's files, is written)."""
    path = database or directory / DUCKDB_FILE
    path.unlink(missing_ok=True)
    con = connect_bounded()
    try:
        con.execute(f"ATTACH {sql_text(path.as_posix())} AS release "
                    f"(STORAGE_VERSION {sql_text('v' + MINIMUM_DUCKDB_VERSION)})")
        con.execute("USE release")
        for name in TABLES:  # referenced tables come first in TABLES
            con.execute(create_table_sql(TABLES[name]))
            con.execute(f"INSERT INTO {name} SELECT * FROM {read_parquet_sql(parquet_file(directory, name))}")
            for statement in comment_sql(TABLES[name]):
                con.execute(statement)
        for name, view in DUCKDB_VIEWS.items():
            con.execute(f"CREATE VIEW {name} AS {view.sql}")
            con.execute(f"COMMENT ON VIEW {name} IS {sql_text(view.description)}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
