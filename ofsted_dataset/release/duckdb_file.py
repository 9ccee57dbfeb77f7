"""The release's DuckDB database file: every table, its keys and foreign keys, and the views for the
questions users ask most, loaded from the release's own Parquet files."""

from __future__ import annotations

from pathlib import Path

from ofsted_dataset.release.duckdb_access import connect_bounded, read_parquet_sql
from ofsted_dataset.release.files import parquet_file
from schemas.duckdb_ddl import create_table_sql
from schemas.tables import JUDGEMENTS, TABLES

DUCKDB_FILE = "ofsted.duckdb"
# Views shipped in the DuckDB file, for the questions users ask most.
DUCKDB_VIEWS: dict[str, str] = {
    "latest_overall_grade": """
        select local_authority, la_code, inspection_id, overall_grade, published_date, published_date_precision
        from inspections where overall_grade is not null
        qualify row_number() over (
            partition by la_code order by coalesce(published_date, visit_start) desc, inspection_id desc) = 1""",
    "judgement_evidence": """
        select j.inspection_id, j.area, j.area_label, j.grade, p.source_id, p.char_start, p.char_end, p.quote, p.note
        from judgements j join provenance p
          on p.table_name = 'judgements' and p.field = 'grade'
         and p.record_id = """ + JUDGEMENTS.record_id_sql("j"),
}



def write_duckdb(directory: Path) -> None:
    """One file with every table (keys and foreign keys enforced by DuckDB) and the views above."""
    path = directory / DUCKDB_FILE
    path.unlink(missing_ok=True)
    con = connect_bounded(path)
    try:
        for name in TABLES:  # referenced tables come first in TABLES
            con.execute(create_table_sql(TABLES[name]))
            con.execute(f"INSERT INTO {name} SELECT * FROM {read_parquet_sql(parquet_file(directory, name))}")
        for view, sql in DUCKDB_VIEWS.items():
            con.execute(f"CREATE VIEW {view} AS {sql}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
