"""Verifying a copy of a release (1.0.0 of the seed corpus): by its own contract, and every problem of a
damaged one reported, none raised."""

from __future__ import annotations

import shutil
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ofsted_dataset.release import verify
from ofsted_dataset.release.duckdb_file import DUCKDB_FILE
from ofsted_dataset.release.verify import verify_release
from schemas.arrow import ARROW_SCHEMAS, arrow_schema
from schemas.model import Field, Origin, Table
from schemas.tables import TABLES


@pytest.fixture
def release(seed_release: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(seed_release / "published" / "1.0.0", tmp_path / "1.0.0"))


def test_a_missing_parquet_file_is_reported_not_raised(release: Path) -> None:
    (release / "data" / "judgements.parquet").unlink()
    problems = verify_release(release)
    assert "data/judgements.parquet: listed in SHA256SUMS but missing" in problems
    assert "data/judgements.parquet: described in datapackage.json but missing" in problems


def test_a_parquet_file_with_other_columns_is_reported_not_raised(release: Path) -> None:
    path = release / "data" / "sources.parquet"
    table = pq.read_table(path)
    pq.write_table(table.drop_columns([table.column_names[-1]]), path)
    problems = verify_release(release)
    assert "data/sources.parquet: columns or types differ from datapackage.json" in problems
    assert not [p for p in problems if p.startswith("ofsted.duckdb")]


def test_a_stray_file_named_like_the_archive_is_not_listed(release: Path) -> None:
    (release / "notes.zip.txt").write_text("not part of the release\n", encoding="utf-8")
    assert verify_release(release) == ["notes.zip.txt: not listed in SHA256SUMS"]


def test_a_release_is_checked_against_its_own_contract_not_todays(release: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Code with a table the release predates verifies the release by its own datapackage.json (a bug once
    made verify look for official_checks in a release made before that table existed)."""
    added = Table("release_notes", "Notes", "A table added after this release.",
                  (Field("note_id", "string", "A key.", Origin.DERIVED, required=True),), ("note_id",))
    monkeypatch.setitem(TABLES, added.name, added)
    monkeypatch.setitem(ARROW_SCHEMAS, added.name, arrow_schema(added))
    assert verify_release(release) == []


def test_a_zip_written_meanwhile_is_checked_once_it_is_written(release: Path, tmp_path: Path) -> None:
    """A publish writes the zip while the rest of the release is verified: the members are checked when the
    zip is done, not before (when there is no zip yet)."""
    path = next(release.glob("*.zip"))
    kept = path.rename(tmp_path / path.name)
    archive: Future[Path] = Future()
    with ThreadPoolExecutor(max_workers=1) as pool:
        problems = pool.submit(verify_release, release, archive=archive)
        with zipfile.ZipFile(kept) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                data = old.read(info)
                new.writestr(info, data + b"\n" if info.filename.endswith("/data/judgements.csv") else data)
        archive.set_result(path)
        assert problems.result() == [f"{path.name}: checksum does not match {path.name}.sha256",
                                     f"{path.name}: member data/judgements.csv does not match SHA256SUMS"]


def test_the_members_each_thread_checks_are_all_checked(release: Path, tmp_path: Path) -> None:
    """The two largest members go to the two threads that inflate the zip: both are found damaged, and
    reported in the zip's order."""
    path = next(release.glob("*.zip"))
    kept = path.rename(tmp_path / path.name)
    with zipfile.ZipFile(kept) as old:
        largest = sorted(old.infolist(), key=lambda info: info.file_size)[-2:]
        damaged = {info.filename for info in largest}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                data = old.read(info)
                new.writestr(info, data + b"!" if info.filename in damaged else data)
        order = [info.filename.split("/", 1)[1] for info in old.infolist() if info.filename in damaged]
    assert len(order) == 2
    assert [p for p in verify_release(release) if "member" in p] == [
        f"{path.name}: member {name} does not match SHA256SUMS" for name in order]


def _rewrite_provenance(release: Path, sql: str) -> None:
    """Change the database file's provenance table in place (nothing references it)."""
    con = duckdb.connect(str(release / DUCKDB_FILE))
    try:
        con.execute("create temporary table kept as select * from provenance")
        con.execute("delete from provenance")
        con.execute(f"insert into provenance {sql}")
    finally:
        con.close()


def test_a_database_holding_the_rows_in_another_order_holds_the_same_rows(release: Path) -> None:
    """Not in the Parquet file's order, the table is compared row by row, and found the same: only the
    file's checksum tells it was rewritten."""
    _rewrite_provenance(release, "select * from kept order by source_id desc, char_start desc")
    con = duckdb.connect(str(release / DUCKDB_FILE), read_only=True)
    first = con.execute("select * from provenance limit 1").fetchone()
    con.close()
    assert first != tuple(pq.read_table(release / "data" / "provenance.parquet").to_pylist()[0].values())
    assert verify_release(release) == [f"{DUCKDB_FILE}: checksum does not match SHA256SUMS"]


def test_a_database_row_that_differs_is_counted_both_ways(release: Path) -> None:
    _rewrite_provenance(release, "select * replace (case when char_start = (select min(char_start) from kept) "
                                 "then quote || '!' else quote end as quote) from kept")
    changed = duckdb.connect(str(release / DUCKDB_FILE), read_only=True).execute(
        "select count(*) from provenance where quote like '%!'").fetchone()
    assert changed is not None
    problems = verify_release(release)
    assert problems == [f"{DUCKDB_FILE}: checksum does not match SHA256SUMS",
                        f"{DUCKDB_FILE}: table provenance differs from data/provenance.parquet "
                        f"({2 * changed[0]} rows)"]


def _tables(release: Path) -> dict[str, pa.Table]:
    return {name: pq.read_table(release / "data" / f"{name}.parquet") for name in TABLES}


def test_a_publish_finds_a_parquet_row_that_is_not_the_validated_one(release: Path) -> None:
    """The last row counts."""
    validated = _tables(release)
    assert verify_release(release, expected=validated) == []
    provenance = validated["provenance"]
    last = provenance.num_rows - 1
    quotes = pa.array([*provenance["quote"].to_pylist()[:last], "not what was validated"])
    validated["provenance"] = provenance.set_column(provenance.column_names.index("quote"),
                                                    provenance.schema.field("quote"), quotes)
    assert verify_release(release, expected=validated) == [
        "data/provenance.parquet: rows differ from the validated build"]


@pytest.mark.parametrize("change", ["one row fewer", "one row more", "two rows swapped"])
def test_a_publish_finds_a_parquet_file_that_holds_other_rows_or_another_order(release: Path, change: str) -> None:
    """The rows are paired by position: a row fewer or more, or the same rows in another order, differ."""
    validated = _tables(release)
    judgements = validated["judgements"]
    validated["judgements"] = {
        "one row fewer": judgements.slice(1),
        "one row more": pa.concat_tables([judgements, judgements.slice(0, 1)]),
        "two rows swapped": judgements.take([1, 0, *range(2, judgements.num_rows)]),
    }[change]
    assert verify_release(release, expected=validated) == [
        "data/judgements.parquet: rows differ from the validated build"]


def test_a_publish_finds_a_csv_row_that_is_not_the_parquet_one(release: Path) -> None:
    csv = release / "data" / "judgements.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join(lines[:-1]), encoding="utf-8")
    assert verify_release(release, expected=_tables(release)) == [
        "data/judgements.csv: checksum does not match SHA256SUMS",
        "data/judgements.csv: size differs from datapackage.json",
        "data/judgements.csv: hash differs from datapackage.json",
        "data/judgements.csv: rows differ from data/judgements.parquet"]


def _csv_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    open_csv = verify.pacsv.open_csv

    def counted(path, *args, **kwargs):
        read.append(Path(path).stem)
        return open_csv(path, *args, **kwargs)

    monkeypatch.setattr(verify.pacsv, "open_csv", counted)
    return read


def test_files_a_verified_release_holds_byte_for_byte_are_not_read_back_from_csv(
        release: Path, seed_release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read = _csv_reads(monkeypatch)
    verified = seed_release / "published" / "1.0.0"
    assert verify_release(release, expected=_tables(release), verified=verified) == []
    assert read == []
    assert verify_release(release, expected=_tables(release)) == []
    assert sorted(read) == sorted(TABLES)


def test_a_csv_file_that_is_not_the_verified_releases_is_read_back(
        release: Path, seed_release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    csv = release / "data" / "judgements.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join(lines[:-1]), encoding="utf-8")
    read = _csv_reads(monkeypatch)
    problems = verify_release(release, expected=_tables(release), verified=seed_release / "published" / "1.0.0")
    assert read == []  # SHA256SUMS still lists the verified release's digest: the checksum check finds it
    assert problems == ["data/judgements.csv: checksum does not match SHA256SUMS",
                        "data/judgements.csv: size differs from datapackage.json",
                        "data/judgements.csv: hash differs from datapackage.json"]
    listed = (release / "SHA256SUMS").read_text(encoding="utf-8").replace(
        verify.listed_checksums(release)["data/judgements.csv"], verify.sha256_file(csv))
    (release / "SHA256SUMS").write_text(listed, encoding="utf-8")
    problems = verify_release(release, expected=_tables(release), verified=seed_release / "published" / "1.0.0")
    assert read == ["judgements"]  # listed with another digest than the verified release's: read back
    assert "data/judgements.csv: rows differ from data/judgements.parquet" in problems
