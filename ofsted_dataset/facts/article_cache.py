"""Per-article results cached in staged/cache/facts/, so a run re-processes only what changed.

The cache is one snapshot of columns: the fact tables of fact_tables.py for every mapping whose last
result was clean, plus an index with one row per mapping saying what that result rests on. Reloading
10,000 articles' facts is then a few hundred memory-mapped Arrow IPC files, not 10,000 JSON parses.
Each build that resolved anything writes the next snapshot beside it and swaps it in, in one directory swap.

A mapping's facts are kept in one of SHARDS shards (a file a table each), chosen by a hash of its source id
(`shard_of`). The next snapshot writes again only the shards of the mappings a build resolved or dropped, and
links the others' files into it: at 10,000 articles the facts are 270 MB, which a change wrote whole, for most
of the bytes it wrote.

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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ofsted_dataset.atomic_files import link_or_copy
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
# A change writes again 1/SHARDS of the facts (4 MB at 10,000 articles, 40 MB at 100,000); reading a snapshot
# maps SHARDS files a table.
SHARDS = 64
# A shard's rows are gathered up to this many bytes, then written as one record batch: few batches to read
# back, and at most SHARDS times this held while a table's shards are written (16 MB). The rows added are
# routed this many at a time: a batch file's record batch is tens of megabytes at 100,000 articles, and the
# writer works beside the merge, the build's busiest moment.
_SHARD_BATCH_BYTES = 1 << 18
_ROUTED_ROWS = 8192


def shard_of(source_id: str) -> int:
    """The shard of a mapping's facts: the same in every run, process and machine (crc32, not `hash`)."""
    return zlib.crc32(source_id.encode("utf-8")) % SHARDS


def _shard_file(name: str, shard: int) -> str:
    return f"{name}.{shard:02x}.arrow"


def _shards(source_ids: pa.ChunkedArray | pa.Array) -> dict[int, set[str]]:
    """The source ids of each shard that holds any."""
    found: dict[int, set[str]] = {}
    for source_id in source_ids.to_pylist():
        found.setdefault(shard_of(source_id), set()).add(source_id)
    return found


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


def _read_facts(folder: Path, name: str, schema: pa.Schema, shards: list[int]) -> pa.Table:
    """A fact table: its files of these shards, side by side (no copy)."""
    parts = [_read_table(folder / _shard_file(name, shard), schema) for shard in shards]
    return pa.concat_tables(parts) if parts else schema.empty_table()


def read(root: Path) -> Snapshot | None:
    """The cache, or None when there is none or it cannot be read (then everything is recomputed). Every shard
    holding a mapping of the index must be there, for every table."""
    folder = root / CACHE_DIR
    try:
        index = _read_table(folder / f"{INDEX}.arrow", INDEX_SCHEMA)
        shards = sorted(_shards(index["source_id"]))
        facts = {name: _read_facts(folder, name, schema, shards) for name, schema in fact_tables.schemas().items()}
        merged = _read_merged(folder)
    except (OSError, ValueError, pa.ArrowException):
        return None
    mapped_files.let_go_of_everything()  # the pages opening them read (0.65 GB at 100,000 articles), read again if used
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
        """The `index` (every mapping of the next snapshot), and the facts of `facts` (sets of fact tables), with
        `kept` (source ids) those ids' facts in the snapshot being replaced, and with `files` the facts in batch
        files (facts/batch_files.py: each prefix with the source ids wanted from it). A shard whose mappings are
        the same, all kept, is linked from the snapshot being replaced; the others are written, their rows read
        a record batch at a time (read, not memory-mapped: what is read does not stay in this process's
        memory)."""
        self._write(INDEX, index.cast(INDEX_SCHEMA))
        shards = _shards(index["source_id"])
        linked = self._unchanged(shards, kept) if kept is not None else set()
        for shard in linked:
            for name in fact_tables.schemas():
                link_or_copy(self.folder / _shard_file(name, shard), self.fresh / _shard_file(name, shard))
        written = sorted(set(shards) - linked)
        for name, schema in fact_tables.schemas().items():
            copied = [(self.folder / _shard_file(name, shard), kept) for shard in written
                      if kept is not None and (self.folder / _shard_file(name, shard)).is_file()]
            copied += [(Path(f"{prefix}.{name}.arrow"), wanted) for prefix, wanted in files or []]
            with _ShardFiles(self.fresh, name, schema, written) as out:
                for path, wanted in copied:
                    for batch in _batches(path):
                        out.add(fact_tables.rows_of(batch, wanted))
                for part in facts:
                    for batch in part[name].to_batches(max_chunksize=65536):
                        out.add(batch)

    def _unchanged(self, shards: dict[int, set[str]], kept: pa.Array) -> set[int]:
        """The shards whose mappings are those of the snapshot being replaced, all `kept`."""
        try:
            old = _shards(_read_table(self.folder / f"{INDEX}.arrow", INDEX_SCHEMA)["source_id"])
        except (OSError, ValueError, pa.ArrowException):
            return set()
        kept_ids = set(kept.to_pylist())
        return {shard for shard, ids in shards.items() if ids == old.get(shard) and ids <= kept_ids}

    def merged(self, merged: Merged) -> None:
        pages = sorted(merged.pages.items())
        self._write(PAGES, pa.Table.from_arrays([pa.array([s for s, _ in pages], pa.string()),
                                                 pa.array([h for _, h in pages], pa.string())], schema=PAGES_SCHEMA))
        for name in MERGED_TABLES:
            self._write(f"{MERGED}{name}", merged.tables[name])

    def swap(self) -> None:
        old = self.folder.with_name(f".{self.folder.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        self.fresh.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.fresh, ignore_errors=True)

    def _write(self, name: str, table: pa.Table) -> None:
        with pa.OSFile(str(self.fresh / f"{name}.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=65536)


def _batches(path: Path) -> Iterator[pa.RecordBatch]:
    """The record batches of the Arrow file `path`, one at a time."""
    with pa.OSFile(str(path)) as source:
        reader = pa.ipc.open_file(source)
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)


class _ShardFiles:
    """One fact table's files of the shards `shards`, written as rows are added: each row to its mapping's
    shard, gathered a shard at a time and written in record batches of about _SHARD_BATCH_BYTES. Every shard
    gets its file, with rows or without."""

    def __init__(self, folder: Path, name: str, schema: pa.Schema, shards: list[int]) -> None:
        self.folder, self.name, self.schema = folder, name, schema
        self.pending: dict[int, list[pa.RecordBatch]] = {shard: [] for shard in shards}
        self.sizes = dict.fromkeys(shards, 0)
        self.writers: dict[int, pa.ipc.RecordBatchFileWriter] = {}

    def __enter__(self) -> _ShardFiles:
        return self

    def add(self, rows: pa.RecordBatch) -> None:
        for start in range(0, rows.num_rows, _ROUTED_ROWS):
            self._route(rows.slice(start, _ROUTED_ROWS))

    def _route(self, rows: pa.RecordBatch) -> None:
        codes = _row_shards(rows["_source"])
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        starts = [0, *(np.flatnonzero(np.diff(codes)) + 1).tolist()]
        for start, end in zip(starts, [*starts[1:], len(codes)], strict=True):
            # Each shard's rows taken on their own: a slice of the rows taken whole would keep all of them until
            # that shard is written.
            shard, part = int(codes[start]), rows.take(pa.array(order[start:end]))
            self.pending[shard].append(part)
            self.sizes[shard] += part.nbytes
            if self.sizes[shard] >= _SHARD_BATCH_BYTES:
                self._flush(shard)

    def _flush(self, shard: int) -> None:
        writer = self.writers.get(shard)
        if writer is None:
            writer = self.writers[shard] = pa.ipc.new_file(str(self.folder / _shard_file(self.name, shard)),
                                                           self.schema)
        if self.pending[shard]:
            writer.write_batch(pa.concat_batches(self.pending[shard]))
        self.pending[shard], self.sizes[shard] = [], 0

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if kind is None:
                for shard in self.pending:
                    self._flush(shard)
        finally:
            for writer in self.writers.values():
                writer.close()


def _row_shards(sources: pa.Array) -> np.ndarray:
    """The shard of each row, from its source id (each distinct id hashed once)."""
    values = pc.unique(sources)
    codes = np.fromiter((shard_of(v) for v in values.to_pylist()), np.int64, len(values))
    return codes[pc.index_in(sources, value_set=values).to_numpy()]
