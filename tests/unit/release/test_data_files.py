"""The data files of a release, written two at a time: each the very bytes writing the tables one after the
other gives, listed with their sizes and digests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from ofsted_dataset import atomic_files
from ofsted_dataset.atomic_files import json_chunks
from ofsted_dataset.release import files
from ofsted_dataset.release.files import (
    PARQUET_OPTIONS,
    parquet_file,
    spreadsheet_safe,
    write_checksums,
    write_data_files,
    write_json,
)
from schemas.arrow import ARROW_SCHEMAS


def test_data_files_written_two_at_a_time_are_the_bytes_of_each_written_alone(seed_release: Path,
                                                                              tmp_path: Path) -> None:
    release = seed_release / "published" / "1.0.0"
    tables = {name: pq.read_table(parquet_file(release, name), schema=schema.with_metadata(None))
              for name, schema in ARROW_SCHEMAS.items()}
    alone = tmp_path / "alone" / "data"
    alone.mkdir(parents=True)
    for name, table in tables.items():  # as release files were written before: one table, then the next
        pq.write_table(table, alone / f"{name}.parquet", **PARQUET_OPTIONS)
        pacsv.write_csv(spreadsheet_safe(table), alone / f"{name}.csv",
                        write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    listed = write_data_files(tables, tmp_path / "together")
    assert sorted(listed) == sorted(f"data/{p.name}" for p in alone.iterdir()) and len(listed) == 2 * len(tables)
    for name, described in listed.items():
        data = (tmp_path / "alone" / name).read_bytes()
        assert (tmp_path / "together" / name).read_bytes() == data
        assert described == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@pytest.mark.parametrize("document", [
    {"summary": "Hackney’s rating", "added": [f"id-{i}" for i in range(3)], "nested": {"n": None}},
    {}, {"empty": [], "none": {}, "lists": [[], [[]], [1, 2.5, None, True, False, "x\n\"y\"", {"k": ["é"]}]]},
    {"many": [f"r{i}" for i in range(25_001)], "mixed": [*(f"s{i}" for i in range(10_001)), 7, ("a", "b")]},
])
def test_a_json_file_is_the_document_indented_as_json_encodes_it_whole(tmp_path: Path, document) -> None:
    """Strings of a list are encoded a batch at a time; a batch holding anything else, one item at a time."""
    write_json(tmp_path / "changes.json", document)
    assert (tmp_path / "changes.json").read_bytes() == (
        json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class CountedIds(Sequence[str]):
    """A sequence of ids that counts how many it has given, and is not a list."""

    def __init__(self, n: int) -> None:
        self.n, self.given = n, 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        raise AssertionError("read in order, never by index")

    def __iter__(self) -> Iterator[str]:
        for i in range(self.n):
            self.given += 1
            yield f"id-{i}"


def test_a_sequence_is_written_as_it_is_read(tmp_path: Path) -> None:
    ids = CountedIds(25_000)
    chunks = json_chunks({"added": ids})
    assert next(chunks) == '{\n  "added": '
    assert ids.given == 0
    first = next(chunks)
    assert ids.given == 10_000 and first.startswith('[\n    "id-0",\n    "id-1",')
    assert '{\n  "added": ' + "".join([first, *chunks]) == json.dumps({"added": [f"id-{i}" for i in range(25_000)]},
                                                                     indent=2)


def _seed_tables(seed_release: Path) -> dict[str, pa.Table]:
    release = seed_release / "published" / "1.0.0"
    return {name: pq.read_table(parquet_file(release, name), schema=schema.with_metadata(None))
            for name, schema in ARROW_SCHEMAS.items()}


def _written_tables(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables whose files are written (not copied) from now on."""
    names: list[str] = []
    write_parquet = files._write_parquet

    def counted(table: pa.Table, path: Path) -> None:
        names.append(path.stem)
        write_parquet(table, path)

    monkeypatch.setattr(files, "_write_parquet", counted)
    return names


def test_the_files_of_a_table_the_previous_release_holds_are_taken_from_it(
        seed_release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = _seed_tables(seed_release)
    write_data_files(tables, tmp_path / "previous")
    judgements = tables["judgements"]
    grades = pa.array(["good"] * judgements.num_rows, judgements.schema.field("grade").type)
    tables["judgements"] = judgements.set_column(judgements.schema.get_field_index("grade"), "grade", grades)
    written = _written_tables(monkeypatch)
    listed = write_data_files(tables, tmp_path / "patch", tmp_path / "previous")
    assert written == ["judgements"]
    monkeypatch.undo()
    assert listed == write_data_files(tables, tmp_path / "fresh")
    for name in listed:
        assert (tmp_path / "patch" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()


def test_the_files_taken_from_the_previous_release_are_links_to_its_own(seed_release: Path, tmp_path: Path) -> None:
    """Release files are never written again, so a patch release shares the previous one's rather than copying
    them; the tables written again are files of their own."""
    tables = _seed_tables(seed_release)
    write_data_files(tables, tmp_path / "previous")
    judgements = tables["judgements"]
    grades = pa.array(["good"] * judgements.num_rows, judgements.schema.field("grade").type)
    tables["judgements"] = judgements.set_column(judgements.schema.get_field_index("grade"), "grade", grades)
    listed = write_data_files(tables, tmp_path / "patch", tmp_path / "previous")
    shared = sorted(name for name in listed
                    if (tmp_path / "patch" / name).samefile(tmp_path / "previous" / name))
    assert shared == sorted(name for name in listed if not name.startswith("data/judgements."))


def test_files_that_cannot_be_linked_are_copied(seed_release: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Another file system (or one without links): the same bytes, copied."""
    tables = _seed_tables(seed_release)
    write_data_files(tables, tmp_path / "previous")

    def refused(source: Path, target: Path) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(atomic_files.os, "link", refused)
    listed = write_data_files(tables, tmp_path / "patch", tmp_path / "previous")
    for name in listed:
        assert not (tmp_path / "patch" / name).samefile(tmp_path / "previous" / name)
        assert (tmp_path / "patch" / name).read_bytes() == (tmp_path / "previous" / name).read_bytes()


def test_files_of_another_parquet_writer_are_not_copied(seed_release: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer (another pyarrow) can write the same rows as other bytes: the table is written again."""
    tables = _seed_tables(seed_release)
    write_data_files(tables, tmp_path / "previous")
    monkeypatch.setattr(files, "_created_by", lambda: "parquet-cpp-arrow version 0.0.1")
    written = _written_tables(monkeypatch)
    write_data_files(tables, tmp_path / "patch", tmp_path / "previous")
    assert sorted(written) == sorted(tables)


def test_checksums_take_the_digests_of_files_hashed_already_while_their_size_holds(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_bytes(b"a\n1\n")
    (tmp_path / "data" / "b.csv").write_bytes(b"b\n22\n")
    (tmp_path / "README.md").write_bytes(b"readme\n")
    hashed = {"data/a.csv": {"bytes": 4, "sha256": "a" * 64},  # as hashed when written: not read again
              "data/b.csv": {"bytes": 4, "sha256": "b" * 64}}  # another size now: read and hashed
    write_checksums(tmp_path, hashed)
    readme, b = (hashlib.sha256(data).hexdigest() for data in (b"readme\n", b"b\n22\n"))
    assert (tmp_path / "SHA256SUMS").read_text(encoding="utf-8") == (
        f"{readme}  README.md\n{'a' * 64}  data/a.csv\n{b}  data/b.csv\n")


def test_the_digests_of_copied_files_are_the_ones_the_previous_release_lists(
        seed_release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = _seed_tables(seed_release)
    write_data_files(tables, tmp_path / "previous")
    write_checksums(tmp_path / "previous")
    judgements = tables["judgements"]
    grades = pa.array(["good"] * judgements.num_rows, judgements.schema.field("grade").type)
    tables["judgements"] = judgements.set_column(judgements.schema.get_field_index("grade"), "grade", grades)
    hashed: list[str] = []
    sha256_file = files.sha256_file
    monkeypatch.setattr(files, "sha256_file", lambda path: hashed.append(path.name) or sha256_file(path))
    listed = write_data_files(tables, tmp_path / "patch", tmp_path / "previous")
    assert sorted(hashed) == ["judgements.csv", "judgements.parquet"]
    monkeypatch.undo()
    assert listed == write_data_files(tables, tmp_path / "fresh")


def test_the_parquet_bytes_do_not_depend_on_how_the_columns_are_chunked(tmp_path: Path) -> None:
    """A table of the cache's merged tables comes in Arrow IPC's batches of 65,536 rows; written as they are,
    its pages would break at those batches' edges."""
    table = pa.table({"record_id": [f"council-{i}" for i in range(200_000)], "char_start": range(200_000)})
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=65_536), table.schema)
    assert chunked.column(0).num_chunks == 4
    assert write_data_files({"numbers": chunked}, tmp_path / "chunked") == \
        write_data_files({"numbers": table}, tmp_path / "whole")


@pytest.mark.parametrize("rows", [0, 5, 250_001])
def test_a_table_written_a_row_group_at_a_time_is_the_bytes_of_it_written_whole(tmp_path: Path, rows: int) -> None:
    """Each row group combined on its own (not the whole table, a copy of provenance) writes the same file as
    write_table given the whole table in one chunk: the same row groups, and one empty row group for no rows."""
    table = pa.table({"record_id": [f"council-{i % 977}" for i in range(rows)], "char_start": range(rows)},
                     schema=pa.schema([("record_id", pa.string()), ("char_start", pa.int64())]))
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=65_536), table.schema)
    pq.write_table(table, tmp_path / "whole.parquet", **PARQUET_OPTIONS)
    files._write_parquet(chunked, tmp_path / "parts.parquet")
    assert (tmp_path / "parts.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    assert pq.read_metadata(tmp_path / "parts.parquet").num_row_groups == max(1, -(-rows // files.ROW_GROUP_ROWS))
