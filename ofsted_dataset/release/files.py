"""The files of one release, written deterministically: same tables in, same bytes out.

Parquet (zstd, fixed options, rows sorted by key upstream), CSV, the Frictionless descriptor, the data
dictionary, SHA256SUMS and a zip archive with fixed timestamps. The DuckDB database file is written
beside them (duckdb_file.py): its format embeds non-deterministic block layout, so `ofsted.duckdb` is
the one file verified by content (its rows equal the Parquet files) rather than by bytes; the zip
carries it and so is verified by its members' checksums.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 9, "use_dictionary": True,
                                   "write_statistics": True}
CHECKSUMS = "SHA256SUMS"
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_name(version: str) -> str:
    return f"ofsted-dataset-{version}.zip"


def parquet_file(directory: Path, table: str) -> Path:
    """Where a release keeps a table's Parquet file: the one layout the writer, the database file, the
    diff, the verifier and the query views all read."""
    return directory / "data" / f"{table}.parquet"


# A spreadsheet turns a cell starting with one of these into a formula (CSV injection). In the CSV
# such a text value is written with a leading apostrophe, which spreadsheets show as text and hide;
# the Parquet files keep the exact value. (OWASP's recommended convention.)
FORMULA_START = r"^[=+\-@\t\r]"


def spreadsheet_safe(table: pa.Table) -> pa.Table:
    """The table as written to CSV: text cells that a spreadsheet would run as formulas get a leading '.
    (A column with no such cell, the usual case, is kept as it is rather than rebuilt.)"""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type):
            risky = pc.match_substring_regex(column, FORMULA_START)
            escaped = pc.any(risky).as_py()
            columns.append(pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column) if escaped
                           else column)
        else:
            columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def write_data_files(tables: dict[str, pa.Table], directory: Path) -> dict[str, dict[str, Any]]:
    """Each table as Parquet and CSV in `directory`/data; returns {relative path: {bytes, sha256}}."""
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(table, parquet_file(directory, name), **PARQUET_OPTIONS)
        pacsv.write_csv(spreadsheet_safe(table), data / f"{name}.csv",
                        write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    return {
        f"data/{p.name}": {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(data.iterdir())
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def is_archive(path: Path) -> bool:
    """The zip and its checksum file: outside SHA256SUMS, since the zip carries SHA256SUMS itself."""
    return path.name.endswith((".zip", ".zip.sha256"))


def write_checksums(directory: Path) -> None:
    """SHA256SUMS of every file of the release but itself and the archive (which contains it)."""
    lines = [f"{sha256_file(p)}  {p.relative_to(directory).as_posix()}"
             for p in sorted(directory.rglob("*"))
             if p.is_file() and p.name != CHECKSUMS and not is_archive(p)]
    (directory / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_archive(directory: Path, version: str) -> Path:
    """One zip of the whole release (SHA256SUMS included), with fixed timestamps and order, plus its
    own checksum beside it."""
    path = directory / archive_name(version)
    members = sorted(p for p in directory.rglob("*") if p.is_file() and not is_archive(p))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member in members:
            name = f"{version}/{member.relative_to(directory).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.read_bytes())
    (directory / f"{path.name}.sha256").write_text(f"{sha256_file(path)}  {path.name}\n", encoding="utf-8")
    return path
