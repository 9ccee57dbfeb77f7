"""What changed between two releases (or a release and a new build): schema changes, and records
added, removed and changed per table by key, with the old and new value of every changed field.

The set work is DuckDB's (anti-joins and joins over the Parquet files), not Python loops over rows.
The same comparison feeds the version number (publish.py), the release's changelog and
`ofsted-dataset diff`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence, Sized
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, overload

import duckdb
import pyarrow.parquet as pq

from ofsted_dataset.errors import PipelineError
from ofsted_dataset.facts.input_tables import read_input_table
from ofsted_dataset.release.consumer_files import changed_documents
from ofsted_dataset.release.duckdb_access import arrow_result, connect_bounded, count, read_parquet_sql
from ofsted_dataset.release.files import parquet_file, sha256_file
from schemas.model import record_id_sql
from schemas.reference_tables import RETIRED_IDS

LEVELS = ("patch", "minor", "major")


@dataclass(frozen=True)
class SchemaChange:
    resource: str
    field: str | None
    change: str
    level: str  # major, minor or patch


@dataclass(frozen=True)
class ValueChange:
    record_id: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Removed:
    record_id: str
    replaced_by: str | None
    reason: str | None


@dataclass
class TableDiff:
    added: Sequence[str] = field(default_factory=list)  # AllRecords when every record is
    removed: list[Removed] = field(default_factory=list)
    changed: list[ValueChange] = field(default_factory=list)
    rows_before: int = 0
    rows_after: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class ReleaseDiff:
    old: str | None  # version, or None for a first release
    new: str | None
    schema: list[SchemaChange] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    tables: dict[str, TableDiff] = field(default_factory=dict)

    @property
    def level(self) -> str | None:
        """The semantic-version part this diff bumps; None when nothing changed."""
        levels = [c.level for c in self.schema]
        if any(t.added or t.removed for t in self.tables.values()):
            levels.append("minor")
        if any(t.changed for t in self.tables.values()) or self.metadata:
            levels.append("patch")
        return max(levels, key=LEVELS.index) if levels else None

    def to_json(self) -> dict[str, Any]:
        return {"from": self.old, "to": self.new, "level": self.level,
                "schema_changes": _as_json(self.schema), "metadata_changes": self.metadata,
                "tables": {name: _as_json(t) for name, t in self.tables.items() if not t.empty}}


def _as_json(value: Any) -> Any:
    """What `dataclasses.asdict` gives for the values of a diff (dataclasses of strings and numbers, and lists
    of them), without its deep copy of every string; the AllRecords of a table whose records are all added
    stay as they are, for files.write_json to read as it writes them."""
    if isinstance(value, list):
        return [_as_json(item) for item in value] if value and is_dataclass(value[0]) else list(value)
    if is_dataclass(value):
        return {f.name: _as_json(getattr(value, f.name)) for f in fields(value)}
    return value


def _descriptor(directory: Path) -> dict[str, Any]:
    path = directory / "datapackage.json"
    if not path.exists():
        raise PipelineError(f"{path} is missing: not a release folder")
    return json.loads(path.read_text(encoding="utf-8"))


def _constraint_level(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Tightened constraints break readers' assumptions (major); loosened ones add room (minor)."""
    if old == new:
        return None
    levels = []
    for key in set(old) | set(new):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "enum" and before and after:
            levels.append("major" if set(before) - set(after) else "minor")
        elif key == "required":
            levels.append("major" if after else "minor")
        elif key == "minimum" and before is not None and after is not None:
            levels.append("major" if after > before else "minor")
        elif before is None:
            levels.append("major")  # a new constraint tightens
        elif after is None:
            levels.append("minor")  # a constraint dropped loosens
        else:
            levels.append("major")
    return max(levels, key=LEVELS.index)


def schema_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[SchemaChange], list[str]]:
    """Schema changes with their level, and descriptive-metadata changes (always patch)."""
    old_resources = {r["name"]: r for r in old["resources"]}
    new_resources = {r["name"]: r for r in new["resources"]}
    # In the descriptors' order, as the tables' sections follow: a changelog must not depend on set order.
    changes = [SchemaChange(name, None, "resource removed", "major") for name in old_resources
               if name not in new_resources]
    changes += [SchemaChange(name, None, "resource added", "minor") for name in new_resources
                if name not in old_resources]
    metadata: list[str] = []
    for name in sorted(old_resources.keys() & new_resources.keys()):
        resource_changes, resource_metadata = _resource_changes(name, old_resources[name], new_resources[name])
        changes += resource_changes
        metadata += resource_metadata
    metadata += [f"package: {key}" for key in sorted((set(old) | set(new)) - {"resources", "version", "created"})
                 if old.get(key) != new.get(key)]
    return changes, metadata


def _resource_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> tuple[list[SchemaChange], list[str]]:
    """The changes to one resource both releases have: its fields, keys, title and description."""
    before, after = old["schema"], new["schema"]
    fields_before = {f["name"]: f for f in before["fields"]}
    fields_after = {f["name"]: f for f in after["fields"]}
    changes = _field_list_changes(name, list(fields_before), list(fields_after))
    metadata: list[str] = []
    for f in (f for f in fields_before if f in fields_after):
        changes += _field_changes(name, f, fields_before[f], fields_after[f])
        if _description(fields_before[f]) != _description(fields_after[f]):
            metadata.append(f"{name}.{f}: description")
    changes += [SchemaChange(name, None, f"{key} {before.get(key)} -> {after.get(key)}", "major")
                for key in ("primaryKey", "foreignKeys") if before.get(key) != after.get(key)]
    metadata += [f"{name}: {key}" for key in ("title", "description") if old.get(key) != new.get(key)]
    return changes, metadata


def _field_list_changes(name: str, before: list[str], after: list[str]) -> list[SchemaChange]:
    """Fields removed, added or moved: each breaks a reader that reads columns by name or position."""
    changes = [SchemaChange(name, f, "field removed", "major") for f in sorted(set(before) - set(after))]
    changes += [SchemaChange(name, f, "field added", "major") for f in sorted(set(after) - set(before))]
    if [f for f in before if f in after] != [f for f in after if f in before]:
        changes.append(SchemaChange(name, None, "fields re-ordered", "major"))
    return changes


def _field_changes(name: str, field: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    """A field both releases have: its type or format (major), and its constraints (tightened or loosened)."""
    changes = []
    if old["type"] != new["type"] or old.get("format") != new.get("format"):
        changes.append(SchemaChange(name, field, f"type {old['type']} -> {new['type']}", "major"))
    constraints_before, constraints_after = old.get("constraints", {}), new.get("constraints", {})
    level = _constraint_level(constraints_before, constraints_after)
    if level:
        changes.append(SchemaChange(name, field, f"constraints {constraints_before} -> {constraints_after}", level))
    return changes


def _description(field: dict[str, Any]) -> tuple[Any, Any]:
    """What a field tells a reader without constraining a value: a change to it is only a patch."""
    return field.get("description"), field.get("example")


def _retired(root: Path | None) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """Ids a curator has withdrawn or merged, with their replacement (reference/retired_ids.csv)."""
    if root is None:
        return {}
    return {(row["table_name"], row["record_id"]): (row["replaced_by"], row["reason"])
            for row in read_input_table(root, RETIRED_IDS, missing_ok=True)}


def _read(directory: Path, table: str) -> str:
    """A table of a release folder, as a DuckDB table expression over its Parquet file."""
    return read_parquet_sql(parquet_file(directory, table))


def record_changes(old_dir: Path, new_dir: Path, table: str, keys: list[str], columns: list[str],
                   con: duckdb.DuckDBPyConnection) -> TableDiff:
    """Added, removed and changed records of one table, by primary key.

    A table whose Parquet file is the same bytes in both releases holds the same rows: nothing is added,
    removed or changed, and it is not joined (in a patch release most tables are untouched)."""
    old_file, new_file = parquet_file(old_dir, table), parquet_file(new_dir, table)
    if sha256_file(old_file) == sha256_file(new_file):
        rows = pq.read_metadata(new_file).num_rows
        return TableDiff(rows_before=rows, rows_after=rows)
    old, new = _read(old_dir, table), _read(new_dir, table)
    record_id = record_id_sql(keys, "{t}")
    on_keys = ", ".join(keys)
    diff = TableDiff()
    diff.rows_before = count(con, f"select count(*) from {old}")
    diff.rows_after = count(con, f"select count(*) from {new}")
    diff.added = _ids(
        con, f"select {record_id.format(t='n')} from {new} n anti join {old} o using ({on_keys}) order by 1")
    diff.removed = [Removed(r, None, None) for r in _ids(
        con, f"select {record_id.format(t='o')} from {old} o anti join {new} n using ({on_keys}) order by 1")]
    values = [c for c in columns if c not in keys]
    if values:
        diff.changed = [ValueChange(*r) for r in con.execute(_changed_values_sql(old, new, keys, values)).fetchall()]
    return diff


def _changed_values_sql(old: str, new: str, keys: list[str], values: list[str]) -> str:
    """The query of each changed value (record id, field, old and new value as text), ordered by record and
    field. The tables are joined once, keeping the pairs of records that differ in any value; each field's
    changes are then read from those few pairs."""
    differs = [f"o.{c} is distinct from n.{c}" for c in values]
    pairs = ", ".join(f"o.{c} as old_{i}, n.{c} as new_{i}" for i, c in enumerate(values))
    join = " and ".join(f"o.{k} = n.{k}" for k in keys)
    per_field = " union all ".join(
        f"select record_id, '{c}' as field, old_{i}::varchar as old, new_{i}::varchar as new from pairs "
        f"where old_{i} is distinct from new_{i}"
        for i, c in enumerate(values))
    return (f"with pairs as materialized (select {record_id_sql(keys, 'o')} as record_id, {pairs} "
            f"from {old} o join {new} n on {join} where {' or '.join(differs)}) "
            f"{per_field} order by record_id, field")


def _all_added(directory: Path, table: str, keys: list[str], con: duckdb.DuckDBPyConnection) -> TableDiff:
    """A table the old release lacks (or a first release): every record of it is added."""
    rows = count(con, f"select count(*) from {_read(directory, table)}")
    return TableDiff(added=AllRecords(directory, table, keys, rows), rows_after=rows)


class AllRecords(Sequence[str]):
    """The ids of every record of a table in a release folder, in order: what a table all of whose records are
    added lists. Counted when compared; read from the table's Parquet file only when they are read (every one, a
    batch at a time, for changes.json, the first batch kept for CHANGES.md), so they are never all held: a first
    release at 100,000 articles adds 8.5 million records, which as a list of Python strings came to about 0.8 GB
    while the release was written. The folder must still hold the file when they are read."""

    BATCH = 100_000
    # DuckDB's memory for sorting the ids, which spills beyond it. A first release's ids are read while its
    # database file is loaded beside them: at 100,000 articles (7.1 million provenance ids) the sort took 5.6 s
    # and 362 MB of the process under the usual 256 MB, 5.1 s and 246 MB under this (64 MB: 6.4 s; 32 MB failed).
    MEMORY = "128MB"

    def __init__(self, directory: Path, table: str, keys: list[str], rows: int) -> None:
        self.directory, self.table, self.keys, self.rows = directory, table, keys, rows
        self._head: list[str] = []  # the first batch, kept once read: CHANGES.md lists the first records again

    def _sql(self, start: int = 0, stop: int | None = None) -> str:
        window = f" limit {stop - start} offset {start}" if stop is not None else f" offset {start}"
        return f"select {record_id_sql(self.keys, 't')} from {_read(self.directory, self.table)} t order by 1{window}"

    def __len__(self) -> int:
        return self.rows

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, int):
            position = index + self.rows if index < 0 else index
            if not 0 <= position < self.rows:
                raise IndexError(index)
            return self[position:position + 1][0]
        start, stop, step = index.indices(self.rows)
        if stop <= start:
            return []
        if stop <= len(self._head):
            return self._head[start:stop:step]
        con = connect_bounded(memory_limit=self.MEMORY)
        try:
            return _ids(con, self._sql(start, stop))[::step]
        finally:
            con.close()

    def __iter__(self) -> Iterator[str]:
        con = connect_bounded(memory_limit=self.MEMORY)
        try:
            for i, batch in enumerate(con.sql(self._sql()).to_arrow_reader(self.BATCH)):
                ids = batch.column(0).to_pylist()
                if i == 0:
                    self._head = ids
                yield from ids
        finally:
            con.close()


def _ids(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    """The record ids a query gives, in its order; read as Arrow, since a first release lists every record."""
    return arrow_result(con, sql).column(0).to_pylist()


def compare(old_dir: Path | None, new_dir: Path, root: Path | None = None) -> ReleaseDiff:
    """Compare two release folders (each with datapackage.json and data/*.parquet); `old_dir` None
    for a first release, where everything is added."""
    new = _descriptor(new_dir)
    old = _descriptor(old_dir) if old_dir is not None else {"resources": []}
    result = ReleaseDiff(old.get("version"), new.get("version"))
    result.schema, result.metadata = schema_changes(old, new)
    if old_dir is not None:
        result.metadata += changed_documents(old_dir, new_dir)
    retired = _retired(root)
    old_resources = {r["name"]: r["schema"] for r in old["resources"]}
    con = connect_bounded()
    try:
        for resource in new["resources"]:
            name, schema = resource["name"], resource["schema"]
            if old_dir is None or name not in old_resources:  # a new resource: all its records are added
                result.tables[name] = _all_added(new_dir, name, schema["primaryKey"], con)
            elif old_resources[name].get("primaryKey") == schema.get("primaryKey"):  # else no key to match by
                old_fields = {f["name"] for f in old_resources[name]["fields"]}
                columns = [f["name"] for f in schema["fields"] if f["name"] in old_fields]
                diff = record_changes(old_dir, new_dir, name, schema["primaryKey"], columns, con)
                diff.removed = [Removed(r.record_id, *retired.get((name, r.record_id), (None, None)))
                                for r in diff.removed]
                result.tables[name] = diff
    finally:
        con.close()
    return result


def _cell(value: str | None) -> str:
    if value is None:
        return "*null*"
    text = value.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 120 else text[:117] + "..."


_WHY = {
    "major": "MAJOR: a change that can break a reader (a resource or field removed, added, renamed or re-ordered, "
             "a type, key or format changed, or a constraint tightened).",
    "minor": "MINOR: records or resources added or removed, or constraints loosened.",
    "patch": "PATCH: corrected values of existing records, or descriptive metadata.",
}


def summary(diff: ReleaseDiff) -> str:
    """One paragraph: what kind of release and how much changed."""
    parts = []
    for name, t in diff.tables.items():
        counts = [f"{len(t.added)} added" if t.added else "", f"{len(t.removed)} removed" if t.removed else "",
                  f"{len({c.record_id for c in t.changed})} changed" if t.changed else ""]
        if any(counts):
            parts.append(f"{name}: " + ", ".join(c for c in counts if c))
    if diff.schema and diff.old is not None:
        parts.append(f"{len(diff.schema)} schema change(s)")
    if diff.metadata and diff.old is not None:
        parts.append(f"{len(diff.metadata)} metadata change(s)")
    text = "; ".join(parts) + "." if parts else "No changes."
    return f"Initial release: {text}" if diff.old is None else text


# The most records CHANGES.md (and so the release page) lists of each kind of change per table. A first
# release at 10,000 articles adds 700,000 provenance rows, whose ids alone are 80 MB of Markdown that nobody
# reads; changes.json lists every one.
MOST_LISTED = 1000


def _more(entries: Sized) -> list[str]:
    """What CHANGES.md says of the entries past the first MOST_LISTED: nothing when there are none."""
    more = len(entries) - MOST_LISTED
    return [f"... and {more} more: changes.json lists every one."] if more > 0 else []


def render_markdown(diff: ReleaseDiff) -> str:
    title = f"# Changes in {diff.new}" + (f" (from {diff.old})" if diff.old else "")
    lines = [title, ""]
    if diff.level and diff.old:
        lines += [_WHY[diff.level], ""]
    lines += [summary(diff), ""]
    lines += ["## Schema", ""]
    if diff.schema:
        lines += ["| resource | field | change | level |", "|---|---|---|---|"]
        lines += [f"| {c.resource} | {c.field or ''} | {_cell(c.change)} | {c.level} |" for c in diff.schema]
    else:
        lines.append("No schema changes.")
    if diff.metadata and diff.old is not None:
        lines += ["", "Descriptive metadata changed: " + ", ".join(diff.metadata) + "."]
    lines.append("")
    for name, t in diff.tables.items():
        if t.empty:
            continue
        lines += [f"## {name} ({t.rows_before} -> {t.rows_after} rows)", ""]
        if t.added:
            listed = ", ".join([*(f"`{r}`" for r in t.added[:MOST_LISTED]), *_more(t.added)])
            lines += [f"Added ({len(t.added)}): {listed}", ""]
        if t.removed:
            lines += [f"Removed ({len(t.removed)}):", ""]
            lines += [f"- `{r.record_id}`" + (f" -> replaced by `{r.replaced_by}`" if r.replaced_by else
                                              " (withdrawn, no replacement recorded)")
                      + (f": {r.reason}" if r.reason else "") for r in t.removed[:MOST_LISTED]]
            lines += [*_more(t.removed), ""]
        if t.changed:
            lines += ["| record | field | old | new |", "|---|---|---|---|"]
            lines += [f"| `{c.record_id}` | {c.field} | {_cell(c.old)} | {_cell(c.new)} |"
                      for c in t.changed[:MOST_LISTED]]
            lines += [*_more(t.changed), ""]
    return "\n".join(lines)
