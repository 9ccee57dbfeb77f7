"""What changed between two releases (or a release and a new build): schema changes, and records
added, removed and changed per table by key, with the old and new value of every changed field.

The set work is DuckDB's (anti-joins and joins over the Parquet files), not Python loops over rows.
The same comparison feeds the version number (versioning.py), the release's changelog and
`ofsted-dataset diff`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ofsted_dataset.build.input_tables import read_input_table
from ofsted_dataset.errors import PipelineError
from ofsted_dataset.release.files import DUCKDB_LIMITS
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
    added: list[str] = field(default_factory=list)
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
                "schema_changes": [asdict(c) for c in self.schema], "metadata_changes": self.metadata,
                "tables": {name: asdict(t) for name, t in self.tables.items() if not t.empty}}


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
    changes: list[SchemaChange] = []
    metadata: list[str] = []
    old_resources = {r["name"]: r for r in old["resources"]}
    new_resources = {r["name"]: r for r in new["resources"]}
    for name in old_resources.keys() - new_resources.keys():
        changes.append(SchemaChange(name, None, "resource removed", "major"))
    for name in new_resources.keys() - old_resources.keys():
        changes.append(SchemaChange(name, None, "resource added", "minor"))
    for name in sorted(old_resources.keys() & new_resources.keys()):
        before, after = old_resources[name]["schema"], new_resources[name]["schema"]
        fields_before = {f["name"]: f for f in before["fields"]}
        fields_after = {f["name"]: f for f in after["fields"]}
        for f in sorted(fields_before.keys() - fields_after.keys()):
            changes.append(SchemaChange(name, f, "field removed", "major"))
        for f in sorted(fields_after.keys() - fields_before.keys()):
            changes.append(SchemaChange(name, f, "field added", "major"))
        common = [f for f in fields_before if f in fields_after]
        if common != [f for f in fields_after if f in fields_before]:
            changes.append(SchemaChange(name, None, "fields re-ordered", "major"))
        for f in common:
            a, b = fields_before[f], fields_after[f]
            if a["type"] != b["type"] or a.get("format") != b.get("format"):
                changes.append(SchemaChange(name, f, f"type {a['type']} -> {b['type']}", "major"))
            level = _constraint_level(a.get("constraints", {}), b.get("constraints", {}))
            if level:
                changes.append(SchemaChange(name, f, f"constraints {a.get('constraints', {})} -> "
                                                     f"{b.get('constraints', {})}", level))
            if (a.get("description"), a.get("example")) != (b.get("description"), b.get("example")):
                metadata.append(f"{name}.{f}: description")
        for key in ("primaryKey", "foreignKeys"):
            if before.get(key) != after.get(key):
                changes.append(SchemaChange(name, None, f"{key} {before.get(key)} -> {after.get(key)}", "major"))
        for key in ("title", "description"):
            if old_resources[name].get(key) != new_resources[name].get(key):
                metadata.append(f"{name}: {key}")
    for key in sorted((set(old) | set(new)) - {"resources", "version", "created"}):
        if old.get(key) != new.get(key):
            metadata.append(f"package: {key}")
    return changes, metadata


def _retired(root: Path | None) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """Ids a curator has withdrawn or merged, with their replacement (reference/retired_ids.csv)."""
    if root is None:
        return {}
    return {(row["table_name"], row["record_id"]): (row["replaced_by"], row["reason"])
            for row in read_input_table(root, RETIRED_IDS, missing_ok=True)}


def _parquet(directory: Path, table: str) -> str:
    return (directory / "data" / f"{table}.parquet").as_posix().replace("'", "''")


def record_changes(old_dir: Path, new_dir: Path, table: str, keys: list[str], columns: list[str],
                   con: duckdb.DuckDBPyConnection) -> TableDiff:
    """Added, removed and changed records of one table, by primary key."""
    old, new = _parquet(old_dir, table), _parquet(new_dir, table)
    record_id = record_id_sql(keys, "{t}")
    join = " and ".join(f"o.{k} = n.{k}" for k in keys)
    on_keys = ", ".join(keys)
    diff = TableDiff()
    diff.rows_before = con.execute(f"select count(*) from read_parquet('{old}')").fetchone()[0]
    diff.rows_after = con.execute(f"select count(*) from read_parquet('{new}')").fetchone()[0]
    diff.added = [r[0] for r in con.execute(
        f"select {record_id.format(t='n')} from read_parquet('{new}') n "
        f"anti join read_parquet('{old}') o using ({on_keys}) order by 1").fetchall()]
    diff.removed = [Removed(r[0], None, None) for r in con.execute(
        f"select {record_id.format(t='o')} from read_parquet('{old}') o "
        f"anti join read_parquet('{new}') n using ({on_keys}) order by 1").fetchall()]
    values = [c for c in columns if c not in keys]
    if values:
        selects = " union all ".join(
            f"select {record_id.format(t='o')} as record_id, '{c}' as field, o.{c}::varchar as old, "
            f"n.{c}::varchar as new from read_parquet('{old}') o join read_parquet('{new}') n on {join} "
            f"where o.{c} is distinct from n.{c}"
            for c in values)
        diff.changed = [ValueChange(*r) for r in con.execute(f"{selects} order by record_id, field").fetchall()]
    return diff


def compare(old_dir: Path | None, new_dir: Path, root: Path | None = None) -> ReleaseDiff:
    """Compare two release folders (each with datapackage.json and data/*.parquet); `old_dir` None
    for a first release, where everything is added."""
    new = _descriptor(new_dir)
    old = _descriptor(old_dir) if old_dir is not None else {"resources": []}
    result = ReleaseDiff(old.get("version"), new.get("version"))
    result.schema, result.metadata = schema_changes(old, new)
    retired = _retired(root)
    old_resources = {r["name"]: r["schema"] for r in old["resources"]}
    con = duckdb.connect(config=DUCKDB_LIMITS)
    try:
        for resource in new["resources"]:
            name, schema = resource["name"], resource["schema"]
            if name not in old_resources:  # a new resource: all its records are added
                record_id = record_id_sql(schema["primaryKey"], "t")
                added = [r[0] for r in con.execute(
                    f"select {record_id} from read_parquet('{_parquet(new_dir, name)}') t order by 1"
                ).fetchall()]
                result.tables[name] = TableDiff(added=added, rows_after=len(added))
                continue
            if old_resources[name].get("primaryKey") != schema.get("primaryKey"):
                continue
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
            lines += [f"Added ({len(t.added)}): " + ", ".join(f"`{r}`" for r in t.added), ""]
        if t.removed:
            lines += [f"Removed ({len(t.removed)}):", ""]
            lines += [f"- `{r.record_id}`" + (f" -> replaced by `{r.replaced_by}`" if r.replaced_by else
                                              " (withdrawn, no replacement recorded)")
                      + (f": {r.reason}" if r.reason else "") for r in t.removed]
            lines.append("")
        if t.changed:
            lines += ["| record | field | old | new |", "|---|---|---|---|"]
            lines += [f"| `{c.record_id}` | {c.field} | {_cell(c.old)} | {_cell(c.new)} |" for c in t.changed]
            lines.append("")
    return "\n".join(lines)
