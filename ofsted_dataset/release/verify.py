"""Check a release folder, local or downloaded: every byte, every schema, every row.

Used before a new release is moved into place, and by `ofsted-dataset verify` for anyone holding a
copy. Each problem names the file it is about.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ofsted_dataset.errors import PipelineError, ValidationError
from ofsted_dataset.facts.arrow_tables import same_rows
from ofsted_dataset.release.duckdb_access import connect_bounded, count, differs_from_parquet, read_parquet_sql
from ofsted_dataset.release.duckdb_file import DUCKDB_FILE
from ofsted_dataset.release.files import (
    CHECKSUMS,
    is_archive,
    listed_checksums,
    parquet_file,
    sha256_file,
    spreadsheet_safe,
)
from schemas.arrow import descriptor_arrow_schema
from schemas.datapackage import table_schema
from schemas.tables import TABLES


def _files(directory: Path, listed: dict[str, str], hashed: dict[str, str], archive: Future[Path] | None) -> list[str]:
    """Every byte of the release against SHA256SUMS (`listed`, as read): its files, then the archive's members
    (once the `archive` being written, if any, is). The digest of each file read is put in `hashed`, for the
    descriptor's check."""
    problems = _checksums(directory, listed, hashed)
    if archive is not None:
        archive.result()
    return problems + _archive(directory, listed)


def _checksums(directory: Path, listed: dict[str, str], hashed: dict[str, str]) -> list[str]:
    if not (directory / CHECKSUMS).exists():
        return [f"{CHECKSUMS}: missing"]
    problems = []
    for name, digest in listed.items():
        file = directory / name
        if not file.is_file():
            problems.append(f"{name}: listed in {CHECKSUMS} but missing")
            continue
        hashed[name] = sha256_file(file)
        if hashed[name] != digest:
            problems.append(f"{name}: checksum does not match {CHECKSUMS}")
    for file in sorted(directory.rglob("*")):
        name = file.relative_to(directory).as_posix()
        if file.is_file() and name not in listed and name != CHECKSUMS and not is_archive(file):
            problems.append(f"{name}: not listed in {CHECKSUMS}")
    return problems


def _archive(directory: Path, listed: dict[str, str]) -> list[str]:
    problems = []
    for path in sorted(directory.glob("*.zip")):
        side = path.with_name(path.name + ".sha256")
        with ThreadPoolExecutor(max_workers=1) as pool:
            digest = pool.submit(sha256_file, path)
            with zipfile.ZipFile(path) as archive:
                members = [info for info in archive.infolist() if info.filename.split("/", 1)[1] != CHECKSUMS]
            differ = _members_differing(path, members, listed)
            if side.exists() and side.read_text(encoding="utf-8").split()[0] != digest.result():
                problems.append(f"{path.name}: checksum does not match {side.name}")
        problems += [f"{path.name}: member {info.filename.split('/', 1)[1]} does not match {CHECKSUMS}"
                     for info in members if info.filename in differ]
    return problems


def _members_differing(path: Path, members: list[zipfile.ZipInfo], listed: dict[str, str]) -> set[str]:
    """The members of the zip at `path` whose bytes are not the ones SHA256SUMS (`listed`) gives, inflated and
    hashed in two threads (zlib and hashlib let go of the interpreter's lock), each with the zip open on its own:
    the largest members first, each to the thread with the fewer bytes so far."""
    shares: list[list[zipfile.ZipInfo]] = [[], []]
    for info in sorted(members, key=lambda info: info.file_size, reverse=True):
        min(shares, key=lambda share: sum(i.file_size for i in share)).append(info)

    def differing(share: list[zipfile.ZipInfo]) -> set[str]:
        with zipfile.ZipFile(path) as archive:
            return {info.filename for info in share
                    if listed.get(info.filename.split("/", 1)[1]) != _member_sha256(archive, info)}

    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        return set().union(*pool.map(differing, shares))


def _member_sha256(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """A member's sha256, inflated a block at a time: a release's largest members (the database file, the
    provenance CSV) are each over a hundred megabytes at 10,000 articles."""
    digest = hashlib.sha256()
    with archive.open(info) as member:
        for block in iter(lambda: member.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _described_files(directory: Path, hashed: dict[str, str]) -> list[str]:
    """The data files against datapackage.json; a file's digest is taken from `hashed` (the checksum check
    read it already) when there."""
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    problems = []
    for resource in descriptor["resources"]:
        for described in (resource, resource.get("parquet", {})):
            file = directory / described["path"]
            if not file.is_file():
                problems.append(f"{described['path']}: described in datapackage.json but missing")
                continue
            if described.get("bytes") != file.stat().st_size:
                problems.append(f"{described['path']}: size differs from datapackage.json")
            digest = hashed.get(described["path"]) or sha256_file(file)
            if described.get("hash") != f"sha256:{digest}":
                problems.append(f"{described['path']}: hash differs from datapackage.json")
    return problems


def _frictionless(directory: Path) -> list[str]:
    """Frictionless's own validation of the package, row by row."""
    from frictionless import Package  # here: a tenth of a second to import, and a publish never needs it

    report = Package(str(directory / "datapackage.json")).validate()
    problems = [f"{task.place}: Frictionless: {error.message}" for task in report.tasks for error in task.errors]
    return problems + [f"datapackage.json: Frictionless: {e.message}" for e in report.errors]


def _release_schemas(directory: Path) -> dict[str, tuple[pa.Schema, bool]]:
    """Each table of the release with its Arrow schema, read from the release's own datapackage.json
    (an older release is checked against its own contract), and whether that contract is the one in
    schemas/tables.py (only then do this code's pandera rules apply)."""
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    result: dict[str, tuple[pa.Schema, bool]] = {}
    for resource in descriptor["resources"]:
        fields = resource["schema"]["fields"]
        schema = descriptor_arrow_schema(fields)
        current = resource["name"] in TABLES and resource["schema"] == table_schema(TABLES[resource["name"]])
        result[resource["name"]] = (schema, current)
    return result


def _tables(directory: Path, texts: Mapping[str, str] | None, expected: dict[str, pa.Table] | None = None,
            verified_pairs: frozenset[str] = frozenset()) -> list[str]:
    """Every table's files against the release's contract, against each other, against `expected` and
    against the database file; then pandera over all of them, which validates the tables together (keys
    across tables).

    With `expected` (a publish, whose tables are in memory already) the tables are checked one at a time and
    each file's rows are let go before the next table is read: at 10,000 articles the provenance table's
    Parquet, CSV and database copies are each hundreds of megabytes."""
    problems: list[str] = []
    tables: dict[str, pa.Table] = {}  # kept for pandera, which validates the tables together
    database = directory / DUCKDB_FILE if (directory / DUCKDB_FILE).exists() else None
    con = connect_bounded(database, read_only=database is not None)
    try:
        schemas = _release_schemas(directory)
        in_database: list[str] = []
        for name, (schema, _) in schemas.items():
            table, found = _read_table(con, directory, name, schema, None if expected is None else expected[name],
                                       csv_read_back=name not in verified_pairs)
            problems += found
            if table is not None and expected is None:
                tables[name] = table
            del table
            if database is not None:
                in_database += _database_table(con, directory, name, schema)
    finally:
        con.close()
    current_contract = all(current for _, current in schemas.values())
    if expected is None and len(tables) == len(schemas) and current_contract and not problems:
        from ofsted_dataset.facts.validate import validate_tables  # as in stages.validate, where it says why

        try:
            validate_tables(tables, texts)
        except ValidationError as exc:
            problems += [f"data/: {detail}" for detail in exc.details]
    return problems + in_database


def _read_table(con: duckdb.DuckDBPyConnection, directory: Path, name: str, schema: pa.Schema,
                validated: pa.Table | None = None, csv_read_back: bool = True) -> tuple[pa.Table | None, list[str]]:
    """One table's rows as its Parquet file holds them, with what is wrong with that file or its CSV twin; no
    table when its rows cannot be checked further (a file missing, or columns that are not the contract's).

    With the `validated` table (a publish's, in memory already) the Parquet file is compared with it row by row
    in DuckDB (on `con`), and when they are the same it stands for the file's rows: no copy of the file is held.
    The CSV file is read a batch at a time either way, unless `csv_read_back` is false (verify_release's
    `verified`)."""
    parquet, csv = parquet_file(directory, name), directory / "data" / f"{name}.csv"
    if not parquet.is_file() or not csv.is_file():
        return None, []  # already reported by the checksum and descriptor checks
    if not _has_contract_columns(parquet, schema):
        return None, [f"data/{name}.parquet: columns or types differ from datapackage.json"]
    differs = []
    if validated is not None and differs_from_parquet(con, validated, parquet):
        validated, differs = None, [f"data/{name}.parquet: rows differ from the validated build"]
    table = pq.read_table(parquet) if validated is None else validated
    if not csv_read_back:
        return table, differs
    from_csv = pacsv.open_csv(csv, convert_options=pacsv.ConvertOptions(
        column_types=schema, strings_can_be_null=True, quoted_strings_can_be_null=False))
    if not same_rows(from_csv, table, spreadsheet_safe):
        return table, [f"data/{name}.csv: rows differ from data/{name}.parquet", *differs]
    return table, differs


def _has_contract_columns(parquet: Path, schema: pa.Schema) -> bool:
    """Whether the file's columns and types are the release contract's (read from its footer alone)."""
    return pq.read_schema(parquet).remove_metadata() == schema


def _fingerprint_sql(table: str) -> str:
    """A table's rows as one value that does not depend on their order: their number and the sum of their
    64-bit hashes. Two different sets of rows give the same fingerprint by chance only (about 1 in 2^64)."""
    return f"select count(*), sum(hash(r)::hugeint) from {table} r"


def _database_table(con: duckdb.DuckDBPyConnection, directory: Path, name: str, schema: pa.Schema) -> list[str]:
    """One table of the DuckDB file against its Parquet file, by content: the file's bytes are not
    reproducible, nor the order of its rows (a patch release's file holds them in the order its changes were
    applied, and sorting them would take hundreds of megabytes at 10,000 articles). A table is the same when
    its rows' fingerprint is the Parquet file's, both computed by DuckDB as it reads them. When that differs,
    the rows are compared as multisets (EXCEPT ALL both ways), which counts those that differ."""
    path = parquet_file(directory, name)
    if not path.is_file() or not _has_contract_columns(path, schema):
        return []  # already reported; DuckDB cannot compare such a file with a table
    parquet = read_parquet_sql(path)
    if con.execute(_fingerprint_sql(name)).fetchall() == con.execute(_fingerprint_sql(parquet)).fetchall():
        return []
    differing = count(con, f"select count(*) from ((select * from {name} except all select * from {parquet}) "
                           f"union all (select * from {parquet} except all select * from {name}))")
    return [f"{DUCKDB_FILE}: table {name} differs from data/{name}.parquet ({differing} rows)"] if differing else []


def verify_release(directory: Path, texts: Mapping[str, str] | None = None,
                   expected: dict[str, pa.Table] | None = None, verified: Path | None = None,
                   archive: Future[Path] | None = None) -> list[str]:
    """Every problem with the release in `directory`; empty when it is intact and valid.

    `texts` (raw articles by source id) adds the check that every provenance quote is the exact span
    of its article; a downloaded release without raw/ is checked without it.

    `expected` is for the publish step, which has just validated these tables in memory: instead of
    validating every row again (pandera, and Frictionless row by row — the slowest part, and the
    same Table Schema), it checks that the Parquet files hold exactly the validated tables. Bytes,
    checksums, the archive, CSV = Parquet and DuckDB = Parquet are checked either way.

    `verified` is the release a publish took data files from, verified by this code when it was published:
    a table whose Parquet and CSV files SHA256SUMS lists with that release's digests (which the checksum
    check holds the files to) is not read back from its CSV again, that release's verification having done
    so for those very bytes (and its Parquet file is still compared with the validated table).

    The files' checksums and the archive are checked in a thread of their own while the rows are: hashing,
    and inflating the archive's members, run without the GIL, beside the table checks. The files
    datapackage.json describes are checked last, with the digests the checksum check took (each file is
    read for its digest once). `archive` is the zip being written meanwhile (a publish's), whose members are
    checked once it is.
    """
    if not (directory / "datapackage.json").is_file():
        return [f"{directory}: no datapackage.json, not a release folder"]
    listed = listed_checksums(directory) if (directory / CHECKSUMS).exists() else {}
    hashed: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        files = pool.submit(_files, directory, listed, hashed, archive)
        rows = (_frictionless(directory) if expected is None else []) + _tables(
            directory, texts, expected, _same_files(listed, verified))
        files_problems = files.result()
    return files_problems + _described_files(directory, hashed) + rows


def _same_files(listed: dict[str, str], verified: Path | None) -> frozenset[str]:
    """The tables whose two data files SHA256SUMS (`listed`) lists with the `verified` release's digests."""
    if verified is None or not (verified / CHECKSUMS).is_file():
        return frozenset()
    theirs = listed_checksums(verified)
    names = {path[len("data/"):].rsplit(".", 1)[0] for path in listed if path.startswith("data/")}

    def same(path: str) -> bool:
        return path in theirs and listed.get(path) == theirs[path]

    return frozenset(name for name in names if same(f"data/{name}.parquet") and same(f"data/{name}.csv"))


def raise_if_invalid(directory: Path, texts: Mapping[str, str] | None = None,
                     expected: dict[str, pa.Table] | None = None, verified: Path | None = None,
                     archive: Future[Path] | None = None) -> None:
    problems = verify_release(directory, texts, expected, verified, archive)
    if problems:
        raise PipelineError(f"release {directory.name} failed verification ({len(problems)} problem(s))", problems)
