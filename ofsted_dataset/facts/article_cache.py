"""Per-article results cached in staged/cache/facts/, so a run re-processes only what changed.

The cache is one snapshot of columns: the fact tables of fact_tables.py for every mapping whose last
result was clean, plus an index with one row per mapping saying what that result rests on. Reloading
10,000 articles' facts is then a handful of memory-mapped Arrow IPC files, not 10,000 JSON parses;
each build that resolved anything writes the snapshot again, whole, in one directory swap.

A mapping's cached facts are used only when all of these are unchanged: the mapping's bytes, its
article's bytes, the reference data (register and judgement areas), the code that produced it, and every
other article its quotes cite (and whether each has a mapping). A mapping with problems is never cached,
so its messages are always fresh. Deleting staged/ is always safe: everything is recomputed.

Beside the facts, a snapshot written by a build with no problem at all keeps what combine made of them
(`Merged`: the merged tables, and the page records they were completed from), so that the next build
merges again only the records its changes touch (facts/recombine.py). It is written in the same swap as
the facts it was made from, so the two always belong together; a snapshot written with problems has none.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.code_version import code_version
from ofsted_dataset.facts import fact_tables, mapped_files
from ofsted_dataset.facts.ingest import ArticlesOnDisk
from ofsted_dataset.facts.reference import AREAS_FILE, REGISTER_FILE

CACHE_DIR = Path("staged") / "cache" / "facts"
INDEX = "index"
MERGED = "merged."  # the merged tables' files: merged.<table>.arrow
PAGES = "merged-pages"  # the page record of each article the merged sources rows were completed from
PAGES_SCHEMA = pa.schema([("source_id", pa.string()), ("sha256", pa.string())])
INDEX_SCHEMA = pa.schema([("source_id", pa.string()), ("key", pa.string()), ("declared", pa.list_(pa.string())),
                          ("cited", pa.string()), ("cited_mapped", pa.list_(pa.string()))])


def environment_version(root: Path) -> str:
    """Hash of the code and of the project's reference data (register, judgement areas): what shapes a
    per-article result besides the article and its mapping."""
    digest = hashlib.sha256(code_version().encode())
    for path in (REGISTER_FILE, AREAS_FILE):
        digest.update(path.name.encode() + b"\0" + (root / path).read_bytes() + b"\0")
    return digest.hexdigest()


def entry_key(environment: str, mapping_digest: bytes, article_sha256: str | None) -> str:
    """The key of one mapping's entry, from the sha256 digest of its bytes and its article's sha256 (None: no
    article); `environment` is environment_version(root), computed once per run (it reads and hashes the
    reference files)."""
    digest = hashlib.sha256(environment.encode())
    digest.update(mapping_digest)
    digest.update((article_sha256 or "missing").encode())
    return digest.hexdigest()


def index_row(source_id: str, key: str, declared: list[str], cited: dict[str, str], mapped: set[str]
              ) -> dict[str, Any]:
    """What one clean result rests on, as a row of the index."""
    return {"source_id": source_id, "key": key, "declared": declared, "cited": json.dumps(cited, sort_keys=True),
            "cited_mapped": sorted(s for s in cited if s in mapped)}


@dataclass(frozen=True)
class Merged:
    """What combine made of a snapshot's facts when nothing had a problem: every merged table (published
    columns, sorted by key) and the sha256 of each page record the sources rows were completed from."""

    tables: dict[str, pa.Table]
    pages: dict[str, str]


MERGED_TABLES = (*fact_tables.FACT_TABLES, fact_tables.PROVENANCE)


class Snapshot:
    """The cached facts of every mapping last resolved clean, memory-mapped, and what they merged to."""

    def __init__(self, index: pa.Table, facts: dict[str, pa.Table], merged: Merged | None = None) -> None:
        self.index = index
        self.facts = facts
        self.merged = merged

    def reusable(self, keys: dict[str, str], articles: ArticlesOnDisk, mapped: set[str]) -> set[str]:
        """Source ids whose cached facts still hold: same key, and every cited article as it was."""
        valid = set()
        for row in self.index.to_pylist():
            source_id = row["source_id"]
            if keys.get(source_id) != row["key"]:
                continue
            cited_mapped = set(row["cited_mapped"])
            if all(articles.sha256(c) == sha and (c in mapped) == (c in cited_mapped)
                   for c, sha in json.loads(row["cited"]).items()):
                valid.add(source_id)
        return valid

    def select(self, source_ids: set[str]) -> tuple[pa.Table, dict[str, pa.Table]]:
        """The index rows and the facts of these source ids (a column filter per table)."""
        wanted = pa.array(sorted(source_ids), pa.string())
        index = self.index.filter(pc.is_in(self.index["source_id"], value_set=wanted))
        return index, fact_tables.of_sources(self.facts, wanted)


def _read_table(path: Path, schema: pa.Schema | None) -> pa.Table:
    """One file of the snapshot; `schema` None for a merged table, whose columns the code that wrote it
    made (a snapshot of other code is never reused: its keys hold the code version)."""
    table = mapped_files.read_table(path)
    if schema is not None and not table.schema.equals(schema):
        raise ValueError(f"{path} was written with other columns")
    return table


def _read_merged(folder: Path) -> Merged | None:
    """The snapshot's merged tables, or None when it has none (its build had problems)."""
    if not (folder / f"{PAGES}.arrow").is_file():
        return None
    pages = _read_table(folder / f"{PAGES}.arrow", PAGES_SCHEMA)
    tables = {name: _read_table(folder / f"{MERGED}{name}.arrow", None) for name in MERGED_TABLES}
    return Merged(tables, dict(zip(pages["source_id"].to_pylist(), pages["sha256"].to_pylist(), strict=True)))


def read(root: Path) -> Snapshot | None:
    """The cache, or None when there is none or it cannot be read (then everything is recomputed)."""
    folder = root / CACHE_DIR
    try:
        index = _read_table(folder / f"{INDEX}.arrow", INDEX_SCHEMA)
        facts = {name: _read_table(folder / f"{name}.arrow", schema) for name, schema in fact_tables.schemas().items()}
        merged = _read_merged(folder)
    except (OSError, ValueError, pa.ArrowException):
        return None
    return Snapshot(index, facts, merged)


class SnapshotWriter:
    """The next snapshot, written beside the current one, then swapped in by renames (`swap`): a run killed
    half-way leaves the old snapshot, or none (a cold start), never a mixed one. Its facts and what they merged
    to are written by separate calls, so that a build can write the facts while it merges them."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR
        self.fresh = self.folder.with_name(f".{self.folder.name}-new-{os.getpid()}")
        shutil.rmtree(self.fresh, ignore_errors=True)
        self.fresh.mkdir(parents=True)

    def facts(self, index: pa.Table, facts: list[dict[str, pa.Table]], kept: pa.Array | None = None,
              files: list[tuple[Path, pa.Array]] | None = None) -> None:
        """The index, and the facts of `facts` (sets of fact tables), with `kept` (source ids) those ids' facts
        in the snapshot being replaced, and with `files` the facts in batch files (facts/batch_files.py: each
        prefix with the source ids wanted from it). Files are copied over a record batch at a time (read, not
        memory-mapped: what the copy reads does not stay in this process's memory)."""
        self._write(INDEX, [index.cast(INDEX_SCHEMA)])
        for name, schema in fact_tables.schemas().items():
            copied = [(self.folder / f"{name}.arrow", kept)] if kept is not None else []
            copied += [(Path(f"{prefix}.{name}.arrow"), wanted) for prefix, wanted in files or []]
            self._write(name, [part[name] for part in facts], schema, copied)

    def merged(self, merged: Merged) -> None:
        pages = sorted(merged.pages.items())
        self._write(PAGES, [pa.Table.from_arrays([pa.array([s for s, _ in pages], pa.string()),
                                                  pa.array([h for _, h in pages], pa.string())], schema=PAGES_SCHEMA)])
        for name in MERGED_TABLES:
            self._write(f"{MERGED}{name}", [merged.tables[name]])

    def swap(self) -> None:
        old = self.folder.with_name(f".{self.folder.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        self.fresh.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.fresh, ignore_errors=True)

    def _write(self, name: str, parts: list[pa.Table], schema: pa.Schema | None = None,
               copied: list[tuple[Path, pa.Array]] | None = None) -> None:
        with pa.OSFile(str(self.fresh / f"{name}.arrow"), "wb") as sink, \
                pa.ipc.new_file(sink, parts[0].schema if parts else schema) as writer:
            for path, wanted in copied or []:
                _copy_rows(path, wanted, writer)
            for part in parts:
                writer.write_table(part, max_chunksize=65536)


def _copy_rows(path: Path, wanted: pa.Array, writer: pa.ipc.RecordBatchFileWriter) -> None:
    """The rows of the Arrow file `path` whose facts are `wanted` (source ids), one record batch at a time."""
    with pa.OSFile(str(path)) as source:
        reader = pa.ipc.open_file(source)
        for i in range(reader.num_record_batches):
            writer.write_batch(fact_tables.rows_of(reader.get_batch(i), wanted))
