"""The files of one release, written deterministically: same tables in, same bytes out.

Parquet (zstd, fixed options, rows sorted by key upstream), CSV, the Frictionless descriptor, the data
dictionary and SHA256SUMS. The DuckDB database file is written beside them (duckdb_file.py): its format
embeds non-deterministic block layout, so `ofsted.duckdb` is the one file verified by content (its rows
equal the Parquet files) rather than by bytes; the zip (archive.py) carries it and so is verified by its
members' checksums.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ofsted_dataset.atomic_files import json_chunks, link_or_copy
from ofsted_dataset.facts.arrow_tables import plain, plain_schema
from ofsted_dataset.release.duckdb_access import connect_bounded, differs_from_parquet

# Row groups of 100,000 rows: a reader (DuckDB, a verification) can then take a large table a row group at a
# time, in parallel, and the writer holds one row group's pages and dictionaries, not the whole table's.
ROW_GROUP_ROWS = 100_000
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 9, "use_dictionary": True,
                                   "write_statistics": True, "row_group_size": ROW_GROUP_ROWS}
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


@cache
def formula_characters() -> list[str]:
    """The characters FORMULA_START sends to the CSV's leading apostrophe, asked of the pattern itself
    (about every ASCII character and any other its text holds), printable ones first: the README's list
    and the writer's test cannot drift from the rule."""
    candidates = {chr(code) for code in range(128)} | set(FORMULA_START)
    return sorted((c for c in candidates if re.match(FORMULA_START, c)), key=lambda c: (not c.isprintable(), c))


def spreadsheet_safe(table: pa.Table) -> pa.Table:
    """The table as written to CSV: text cells that a spreadsheet would run as formulas get a leading '.
    (A column with no such cell, the usual case, is kept as it is rather than rebuilt.) A cell's first
    character is looked up among formula_characters(): the pattern matched against every cell took a third
    of a second for provenance alone, each time a release's CSV is written or verified."""
    starts = pa.array(formula_characters(), pa.string())
    table = plain(table)
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type):
            risky = pc.is_in(pc.utf8_slice_codeunits(column, 0, 1), value_set=starts)
            escaped = pc.any(risky).as_py()
            columns.append(pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column) if escaped
                           else column)
        else:
            columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def write_data_files(tables: dict[str, pa.Table], directory: Path, previous: Path | None = None
                     ) -> dict[str, dict[str, Any]]:
    """Each table as Parquet and CSV in `directory`/data; returns {relative path: {bytes, sha256}}.

    The files are written, then hashed, two at a time, the largest tables' first so that both threads end
    together: Arrow's writers and compute functions, and hashlib, run without the GIL. Each file is written
    by one thread, its bytes the same whichever thread writes it. A table whose rows are those of the
    `previous` release's Parquet file, written by this very Parquet writer, has both its files taken from
    there (linked: atomic_files.link_or_copy), with the digests that release lists: the bytes writing them
    gives (a patch release changes a few tables; writing provenance is most of writing a release)."""
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    largest_first = sorted(tables.items(), key=lambda item: item[1].nbytes, reverse=True)
    kept = set() if previous is None else _unchanged(previous, tables)
    with ThreadPoolExecutor(max_workers=2) as pool:
        writes: list[Callable[[], object]] = []
        for name, table in largest_first:
            csv = data / f"{name}.csv"
            if previous is not None and name in kept:
                writes += [partial(link_or_copy, parquet_file(previous, name), parquet_file(directory, name)),
                           partial(link_or_copy, previous / "data" / csv.name, csv)]
            else:
                writes += [partial(_write_parquet, table, parquet_file(directory, name)),
                           partial(_write_csv, table, csv)]
        for written in [pool.submit(write) for write in writes]:
            written.result()
        # A copied file's digest is the one the previous release lists (verification checks every file's).
        theirs = listed_checksums(previous) if kept and previous and (previous / CHECKSUMS).is_file() else {}
        copied = {f"data/{name}{suffix}": theirs.get(f"data/{name}{suffix}") for name in kept
                  for suffix in (".parquet", ".csv")}
        files = sorted(data.iterdir())
        digests = list(pool.map(lambda file: copied.get(f"data/{file.name}") or sha256_file(file), files))
    return {f"data/{p.name}": {"bytes": p.stat().st_size, "sha256": digest}
            for p, digest in zip(files, digests, strict=True)}


def _unchanged(previous: Path, tables: dict[str, pa.Table]) -> set[str]:
    """The tables whose files in the `previous` release are the ones writing them gives: the Parquet file,
    written by this Parquet writer, holds the same rows (compared in DuckDB) and schema, and the CSV file is
    there."""
    con = connect_bounded()
    try:
        return {name for name, table in tables.items() if _same_file(con, parquet_file(previous, name), table)}
    finally:
        con.close()


def _same_file(con: duckdb.DuckDBPyConnection, path: Path, table: pa.Table) -> bool:
    try:
        file = pq.ParquetFile(path)
        if file.metadata.created_by != _created_by() or not path.with_suffix(".csv").is_file():
            return False
        return file.schema_arrow.equals(plain_schema(table.schema), check_metadata=True) and \
            not differs_from_parquet(con, table, path)
    except (OSError, pa.ArrowException, duckdb.Error):
        return False


@cache
def _created_by() -> str:
    """What this Parquet writer records as the writer of a file."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"x": pa.array([], pa.int8())}), sink, **PARQUET_OPTIONS)
    return str(pq.read_metadata(pa.BufferReader(sink.getvalue())).created_by)


def _write_parquet(table: pa.Table, path: Path) -> None:
    """A row group at a time, each as one chunk a column: the writer's bytes depend on how the columns are
    chunked (a table the build reuses from its cache comes in Arrow IPC's batches, one built afresh in one
    chunk, one read from Parquet in row groups), and a release's must not. Only a row group's rows are combined
    at once (combining a column already in one chunk copies nothing): the whole table combined was a copy of
    provenance, 1.5 GB at 100,000 articles. The bytes are those of write_table given the table combined whole,
    which also starts a row group every ROW_GROUP_ROWS rows, and writes one empty row group for no rows."""
    options = {key: value for key, value in PARQUET_OPTIONS.items() if key != "row_group_size"}
    with pq.ParquetWriter(path, plain_schema(table.schema), **options) as writer:
        for start in range(0, table.num_rows or 1, ROW_GROUP_ROWS):
            part = plain(table.slice(start, ROW_GROUP_ROWS).combine_chunks())  # decoded a row group at a time
            writer.write_table(part, row_group_size=ROW_GROUP_ROWS)


def _write_csv(table: pa.Table, path: Path) -> None:
    """A row group's rows at a time, as write_csv writes the whole table: a table held dictionary-encoded is
    decoded a slice at a time."""
    with pacsv.CSVWriter(path, plain_schema(table.schema),
                         write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed")) as writer:
        for start in range(0, table.num_rows, ROW_GROUP_ROWS):
            writer.write_table(spreadsheet_safe(table.slice(start, ROW_GROUP_ROWS)))


def write_json(path: Path, document: dict[str, Any]) -> None:
    """The document as `json.dump(document, indent=2, ensure_ascii=False)` writes it, plus a final newline,
    streamed to the file as it is encoded (atomic_files.json_chunks), without holding the text or the lists it
    writes."""
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(json_chunks(document))
        handle.write("\n")


def is_archive(path: Path) -> bool:
    """The zip and its checksum file: outside SHA256SUMS, since the zip carries SHA256SUMS itself."""
    return path.name.endswith((".zip", ".zip.sha256"))


def write_checksums(directory: Path, hashed: dict[str, dict[str, Any]] | None = None) -> None:
    """SHA256SUMS of every file of the release but itself and the archive (which contains it). A file
    `hashed` already (the data files, as write_data_files returns them) is not read again while its size is
    the one it was hashed at."""
    known = hashed or {}
    lines = []
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and path.name != CHECKSUMS and not is_archive(path):
            found = known.get(name)
            digest = found["sha256"] if found is not None and found["bytes"] == path.stat().st_size else \
                sha256_file(path)
            lines.append(f"{digest}  {name}")
    (directory / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def listed_checksums(directory: Path) -> dict[str, str]:
    """The sha256 SHA256SUMS of the release in `directory` gives each file, by its path in the release."""
    listed = {}
    for line in (directory / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    return listed
