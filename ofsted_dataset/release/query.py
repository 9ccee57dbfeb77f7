"""Ad-hoc SQL over a release: each table is a DuckDB view on the release's Parquet file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.release.duckdb_access import read_parquet_sql
from ofsted_dataset.release.files import parquet_file
from ofsted_dataset.release.publish import current_version, versions
from schemas.tables import TABLES


def connect(published: Path, version: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table of the release."""
    version = version or current_version(published)
    if version is None:
        raise PipelineError(f"no release in {published}: run `make run` first")
    release = published / version
    if not (release / "data").is_dir() or not (release / "datapackage.json").is_file():
        raise PipelineError(f"release {version} not found in {published}",
                            [f"releases: {', '.join(versions(published)) or 'none'}"])
    # The release's own tables, not today's: an older release lacks a table added since.
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    for name in (resource["name"] for resource in descriptor["resources"]):
        con.execute(f"create view {name} as select * from {read_parquet_sql(parquet_file(release, name))}")
    return con


def connect_url(url: str) -> duckdb.DuckDBPyConnection:
    """Views over a release folder in object storage, e.g. `s3://bucket/published/current` (with s3fs
    installed) or `memory://...`: DuckDB reads the Parquet files through the fsspec filesystem.
    (DuckDB's own httpfs extension does the same for http(s):// and s3:// URLs; see README.)"""
    import fsspec

    fs, base = fsspec.core.url_to_fs(url)
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    con = duckdb.connect()
    con.register_filesystem(fs)
    for name in TABLES:
        path = f"{protocol}://{base.strip('/')}/data/{name}.parquet"
        con.execute(f"create view {name} as select * from {read_parquet_sql(path)}")
    return con


def run_query(sql: str, published: Path, version: str | None = None, url: str | None = None) -> str:
    """The result of `sql` as a text table; SQL errors become a PipelineError naming the problem."""
    con = connect_url(url) if url else connect(published, version)
    try:
        relation = con.sql(sql)
    except duckdb.Error as exc:
        raise PipelineError("the query failed", [str(exc).splitlines()[0]]) from None
    if relation is None:
        return ""
    return format_table(relation.columns, relation.fetchall())


def format_table(columns: list[str], rows: Sequence[tuple[Any, ...]]) -> str:
    """Aligned plain-text columns, NULL for nulls, long values cut at 80 characters."""
    def show(value: object) -> str:
        text = "NULL" if value is None else str(value)
        return text if len(text) <= 80 else text[:77] + "..."

    cells = [[show(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)
