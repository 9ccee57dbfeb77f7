"""Schema changes between two release descriptors, record changes between two tables, and the changelog of a
first release."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ofsted_dataset.release import diff as diff_module
from ofsted_dataset.release.diff import (
    ReleaseDiff,
    Removed,
    SchemaChange,
    TableDiff,
    ValueChange,
    compare,
    record_changes,
    render_markdown,
    schema_changes,
)
from ofsted_dataset.release.duckdb_access import connect_bounded
from ofsted_dataset.release.files import parquet_file

# Not in alphabetical order, and more than a set keeps in insertion order by chance.
_NAMES = ["sources", "inspections", "judgements", "recommendations", "funding_commitments", "provenance",
          "official_checks", "zeta", "alpha", "mu"]


def _package(names: list[str]) -> dict[str, Any]:
    field = {"name": "id", "type": "string"}
    return {"resources": [{"name": n, "schema": {"fields": [field], "primaryKey": ["id"]}} for n in names]}


def test_resources_added_are_listed_in_the_new_descriptor_order() -> None:
    changes, _ = schema_changes(_package([]), _package(_NAMES))
    assert [(c.resource, c.change) for c in changes] == [(n, "resource added") for n in _NAMES]


def test_resources_removed_are_listed_in_the_old_descriptor_order() -> None:
    changes, _ = schema_changes(_package(_NAMES), _package(["inspections"]))
    assert [c.resource for c in changes] == [n for n in _NAMES if n != "inspections"]
    assert {c.change for c in changes} == {"resource removed"}


def test_first_release_changelog_is_the_one_published(seed_release: Path) -> None:
    """Comparing the published folder again gives the changes its publish wrote, then the news values
    the official record contradicts (two in the seed corpus)."""
    release = seed_release / "published" / "1.0.0"
    conflicts = json.loads((release / "changes.json").read_text(encoding="utf-8"))["official_conflicts"]
    assert len(conflicts) == 2
    published = (release / "CHANGES.md").read_text(encoding="utf-8")
    assert published == render_markdown(compare(None, release, seed_release)) + (
        "\n## Conflicts with Ofsted's official record\n\nNews values the official statistics contradict (table "
        "official_checks, docs/official-checks.md):\n\n" + "".join(f"- {c}\n" for c in conflicts))


def _folder(path: Path, rows: list[dict[str, Any]], compression: str = "zstd") -> Path:
    """A release folder holding one table, `notes` (key: id), as data/notes.parquet."""
    (path / "data").mkdir(parents=True)
    schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("n", pa.int64())])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), parquet_file(path, "notes"), compression=compression)
    return path


_ROWS = [{"id": "a", "text": "x", "n": 1}, {"id": "b", "text": "y", "n": 2}, {"id": "c", "text": None, "n": 3}]


def _changes(old: Path, new: Path) -> TableDiff:
    con = connect_bounded()
    try:
        return record_changes(old, new, "notes", ["id"], ["id", "text", "n"], con)
    finally:
        con.close()


def test_record_changes_lists_each_changed_value_by_record_then_field(tmp_path: Path) -> None:
    """The tables are joined once for every field: each changed value is listed, ordered by record and
    field, with added and removed records beside them."""
    old = _folder(tmp_path / "old", _ROWS)
    new = _folder(tmp_path / "new", [{"id": "b", "text": "z", "n": 20}, {"id": "c", "text": "w", "n": 3},
                                     {"id": "d", "text": "v", "n": 4}])
    assert _changes(old, new) == TableDiff(
        added=["d"], removed=[Removed("a", None, None)],
        changed=[ValueChange("b", "n", "2", "20"), ValueChange("b", "text", "y", "z"),
                 ValueChange("c", "text", None, "w")],
        rows_before=3, rows_after=3)


def test_a_table_of_the_same_bytes_in_both_releases_has_no_changes(tmp_path: Path) -> None:
    assert _changes(_folder(tmp_path / "old", _ROWS), _folder(tmp_path / "new", _ROWS)) == TableDiff(
        rows_before=3, rows_after=3)


def test_the_same_rows_in_other_bytes_have_no_changes(tmp_path: Path) -> None:
    """Files that differ in bytes only (another compression) are compared row by row: still no change."""
    old, new = _folder(tmp_path / "old", _ROWS), _folder(tmp_path / "new", _ROWS, compression="snappy")
    assert parquet_file(old, "notes").read_bytes() != parquet_file(new, "notes").read_bytes()
    assert _changes(old, new) == TableDiff(rows_before=3, rows_after=3)


def test_changes_json_is_the_diff_as_asdict_gives_it() -> None:
    """to_json spells out each record without dataclasses.asdict's deep copies; the document is the same."""
    table = TableDiff(added=["d"], removed=[Removed("a", "b", "merged")],
                      changed=[ValueChange("b", "n", "2", None)], rows_before=3, rows_after=3)
    diff = ReleaseDiff("1.0.0", "1.1.0", schema=[SchemaChange("notes", "n", "field added", "major")],
                       metadata=["notes: title"], tables={"notes": table, "empty": TableDiff(rows_before=1)})
    assert diff.to_json() == {
        "from": "1.0.0", "to": "1.1.0", "level": "major",
        "schema_changes": [asdict(c) for c in diff.schema], "metadata_changes": ["notes: title"],
        "tables": {"notes": asdict(table)}}
    assert diff.to_json()["tables"]["notes"]["removed"] == [{"record_id": "a", "replaced_by": "b",
                                                             "reason": "merged"}]


def test_changes_md_lists_the_first_records_of_a_long_list_and_says_how_many_more(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A first release at 10,000 articles adds 700,000 provenance rows: CHANGES.md (and so the release page)
    lists the first few of each kind, changes.json every one."""
    monkeypatch.setattr(diff_module, "MOST_LISTED", 2)
    table = TableDiff(added=["a", "b", "c", "d"], removed=[Removed("e", None, None)] * 3,
                      changed=[ValueChange("f", "n", "1", "2")] * 3, rows_before=3, rows_after=4)
    markdown = render_markdown(ReleaseDiff("1.0.0", "1.1.0", tables={"notes": table}))
    assert markdown.split("## notes (3 -> 4 rows)\n\n")[1] == (
        "Added (4): `a`, `b`, ... and 2 more: changes.json lists every one.\n\n"
        "Removed (3):\n\n"
        "- `e` (withdrawn, no replacement recorded)\n"
        "- `e` (withdrawn, no replacement recorded)\n"
        "... and 1 more: changes.json lists every one.\n\n"
        "| record | field | old | new |\n|---|---|---|---|\n"
        "| `f` | n | 1 | 2 |\n"
        "| `f` | n | 1 | 2 |\n"
        "... and 1 more: changes.json lists every one.\n")
    assert len(ReleaseDiff("1.0.0", "1.1.0", tables={"notes": table}).to_json()["tables"]["notes"]["added"]) == 4


def test_every_record_of_a_table_all_added_is_read_from_its_file_only_when_listed(tmp_path, monkeypatch) -> None:
    """Counted when compared; a slice for CHANGES.md, every id in order (a batch at a time) for changes.json."""
    rows = [{"id": f"n{i:02d}", "text": None, "n": i} for i in reversed(range(12))]
    folder = _folder(tmp_path / "new", rows)
    monkeypatch.setattr(diff_module.AllRecords, "BATCH", 5)
    added = diff_module.AllRecords(folder, "notes", ["id"], len(rows))
    ids = [f"n{i:02d}" for i in range(12)]
    assert len(added) == 12 and list(added) == ids
    assert added[:3] == ids[:3] and added[10:] == ids[10:] and added[2:9:3] == ids[2:9:3] and added[5:5] == []
    assert (added[0], added[11], added[-12]) == ("n00", "n11", "n00")
    with pytest.raises(IndexError):
        added[12]
    parquet_file(folder, "notes").unlink()
    assert added[:5] == ids[:5]  # the first batch, kept when every id was read: CHANGES.md lists them after


def test_every_record_is_sorted_under_a_memory_limit_of_its_own(tmp_path, monkeypatch) -> None:
    """A first release's ids are read while its database file is loaded beside them: both hold memory at once."""
    folder = _folder(tmp_path / "new", [{"id": "a", "text": None, "n": 1}, {"id": "b", "text": None, "n": 2}])
    limits: list[str | None] = []
    connect = diff_module.connect_bounded
    monkeypatch.setattr(diff_module, "connect_bounded",
                        lambda **kwargs: limits.append(kwargs.get("memory_limit")) or connect(**kwargs))
    added = diff_module.AllRecords(folder, "notes", ["id"], 2)
    assert (added[1:], list(added)) == (["b"], ["a", "b"])
    assert limits == ["128MB", "128MB"] == [diff_module.AllRecords.MEMORY] * 2
