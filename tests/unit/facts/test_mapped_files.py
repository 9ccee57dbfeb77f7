"""A column of a memory-mapped facts file, let go once read, leaves the process's memory and reads the same."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.facts import mapped_files


def _resident_kb(path: Path) -> int:
    """The resident kilobytes of this process's mappings of `path` (/proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if "-" in line.split()[0]:  # a mapping's first line: its address range, ..., its file
            inside = line.rstrip().endswith(str(path))
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


def _write(path: Path, table: pa.Table) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=1 << 20)


def test_a_column_let_go_leaves_memory_and_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "facts.arrow"
    _write(path, pa.table({"n": pa.array(range(3_000_000), pa.int64()), "s": ["x"] * 3_000_000}))
    table = mapped_files.read_table(path)
    total = pc.sum(table["n"]).as_py()
    assert _resident_kb(path) > 20_000  # 24 MB of integers read
    mapped_files.let_go(table["n"])
    assert _resident_kb(path) < 2_000
    assert pc.sum(table["n"]).as_py() == total == sum(range(3_000_000))  # read again from the file


def test_every_mapped_file_let_go_at_once_leaves_memory_and_reads_the_same(tmp_path: Path) -> None:
    paths = [tmp_path / "a.arrow", tmp_path / "b.arrow"]
    for path in paths:
        _write(path, pa.table({"n": pa.array(range(3_000_000), pa.int64())}))
    tables = [mapped_files.read_table(path) for path in paths]
    totals = [pc.sum(table["n"]).as_py() for table in tables]
    assert all(_resident_kb(path) > 20_000 for path in paths)
    mapped_files.let_go_of_everything()
    assert all(_resident_kb(path) < 2_000 for path in paths)
    assert [pc.sum(table["n"]).as_py() for table in tables] == totals == [sum(range(3_000_000))] * 2


def test_a_column_of_the_process_own_memory_is_left_as_it_is(tmp_path: Path) -> None:
    column = pa.chunked_array([pa.array(range(1000))])
    mapped_files.let_go(column, pa.array(["a", None]))
    assert column.to_pylist() == list(range(1000))


def test_a_mapping_is_forgotten_with_its_last_table(tmp_path: Path) -> None:
    path = tmp_path / "facts.arrow"
    _write(path, pa.table({"n": [1, 2, 3]}))
    before = len(mapped_files._MAPPINGS)
    table = mapped_files.read_table(path)
    assert len(mapped_files._MAPPINGS) == before + 1
    del table
    assert len(mapped_files._MAPPINGS) == before
