"""Write, compare and publish releases under published/<version>/.

A build is first written to staged/build/ (the same bytes a release would hold); it becomes a
release only if it differs from the current one. Releases are written beside published/ in a
temporary folder and moved into place with one rename, then the pointers (published/LATEST, the
published/current symlink and the top-level datapackage.json) are replaced, each atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from schemas.datapackage import package_descriptor
from schemas.dictionary import render_dictionary
from schemas.tables import TABLES

PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 9, "use_dictionary": True, "write_statistics": True}


@dataclass(frozen=True)
class PublishResult:
    version: str | None  # the release written, or None when nothing changed
    previous: str | None
    path: Path | None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_data_files(tables: dict[str, pa.Table], directory: Path) -> dict[str, dict[str, Any]]:
    """Each table as Parquet and CSV in `directory`/data; returns {relative path: {bytes, sha256}}."""
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(table, data / f"{name}.parquet", **PARQUET_OPTIONS)
        pacsv.write_csv(table, data / f"{name}.csv",
                        write_options=pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    return {
        f"data/{p.name}": {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(data.iterdir())
    }


def _write_json(path: Path, descriptor: dict[str, Any]) -> None:
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_checksums(directory: Path) -> None:
    lines = [f"{_sha256(p)}  {p.relative_to(directory).as_posix()}"
             for p in sorted(directory.rglob("*")) if p.is_file() and p.name != "SHA256SUMS"]
    (directory / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def current_version(published: Path) -> str | None:
    latest = published / "LATEST"
    return latest.read_text(encoding="utf-8").strip() if latest.exists() else None


def _signature(directory: Path) -> dict[str, Any]:
    """What a release's content is, leaving out what only says when and which version it is."""
    descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    for key in ("version", "created"):
        descriptor.pop(key, None)
    return descriptor


def _contract(schema: dict[str, Any]) -> dict[str, Any]:
    """The part of a Table Schema a reader's code depends on: names, types, constraints, keys."""
    fields = [{k: v for k, v in f.items() if k not in ("description", "example")} for f in schema["fields"]]
    return {**schema, "fields": fields}


def _bump(previous: str | None, old: dict[str, Any], new: dict[str, Any], old_dir: Path,
          new_tables: dict[str, pa.Table]) -> str:
    """Next version, in the spirit of the Frictionless data-package-version recipe: a removed table
    or a changed table contract is MAJOR, a new table or added records MINOR, anything else
    (corrected values, removed records, descriptions) PATCH."""
    if previous is None:
        return "1.0.0"
    major, minor, patch = (int(x) for x in previous.split("."))
    old_schemas = {r["name"]: _contract(r["schema"]) for r in old["resources"]}
    new_schemas = {r["name"]: _contract(r["schema"]) for r in new["resources"]}
    if set(old_schemas) - set(new_schemas) or any(new_schemas[n] != s for n, s in old_schemas.items()
                                                  if n in new_schemas):
        return f"{major + 1}.0.0"
    if set(new_schemas) - set(old_schemas):
        return f"{major}.{minor + 1}.0"
    for name, table in new_tables.items():
        keys = list(TABLES[name].primary_key)
        old_keys = set(zip(*pq.read_table(old_dir / "data" / f"{name}.parquet", columns=keys)
                           .to_pydict().values(), strict=True))
        new_keys = set(zip(*table.select(keys).to_pydict().values(), strict=True))
        if new_keys - old_keys:
            return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _replace_pointer(path: Path, write: Any) -> None:
    """Write a pointer file beside its final name, then rename over it: readers see old or new."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    write(tmp)
    os.replace(tmp, path)


def publish(tables: dict[str, pa.Table], sources: list[dict[str, Any]], root: Path,
            now: dt.datetime | None = None) -> PublishResult:
    """Publish `tables` as the next release unless they equal the current one."""
    published, staged = root / "published", root / "staged" / "build"
    previous = current_version(published)
    if staged.exists():
        shutil.rmtree(staged)
    files = write_data_files(tables, staged)
    created = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _write_json(staged / "datapackage.json", package_descriptor("0.0.0", created, sources, files))
    new_signature = _signature(staged)
    if previous and _signature(published / previous) == new_signature:
        return PublishResult(None, previous, published / previous)

    version = _bump(previous, _signature(published / previous) if previous else {}, new_signature,
                    published / previous if previous else published, tables)
    _write_json(staged / "datapackage.json", package_descriptor(version, created, sources, files))
    (staged / "data-dictionary.md").write_text(render_dictionary(), encoding="utf-8")
    _write_checksums(staged)
    tmp = published / f".tmp-{version}"
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(staged, tmp)
    os.replace(tmp, published / version)

    _replace_pointer(published / "LATEST", lambda p: p.write_text(version + "\n", encoding="utf-8"))
    _replace_pointer(published / "current", lambda p: p.symlink_to(version, target_is_directory=True))
    _replace_pointer(root / "datapackage.json", lambda p: _write_json(
        p, package_descriptor(version, created, sources, files, prefix=f"published/{version}/")))
    return PublishResult(version, previous, published / version)

