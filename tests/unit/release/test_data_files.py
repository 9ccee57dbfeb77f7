"""The data files of a release, written two at a time: each the very bytes writing the tables one after the
other gives, listed with their sizes and digests."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ofsted_dataset.release.files import PARQUET_OPTIONS, parquet_file, spreadsheet_safe, write_data_files, write_json
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


def test_a_json_file_is_the_document_indented_as_json_encodes_it_whole(tmp_path: Path) -> None:
    document = {"summary": "Hackney’s rating", "added": [f"id-{i}" for i in range(3)], "nested": {"n": None}}
    write_json(tmp_path / "changes.json", document)
    assert (tmp_path / "changes.json").read_bytes() == (
        json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
